//! A comment: `Note` replying to a thread or another comment, addressed to
//! its group and mentioning the author it answers.

use super::{mention_name, utc, Mention, Source, PUBLIC};
use crate::store::comments::Comment;
use crate::store::groups::Group;
use crate::store::people::Person;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub attributed_to: String,
    pub in_reply_to: Option<String>,
    pub content: String,
    pub media_type: Option<String>,
    pub source: Option<Source>,
    pub audience: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub tag: Vec<Mention>,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

/// What a comment answers: the thread or a comment, and its author.
pub struct ReplyTarget<'a> {
    pub ap_id: &'a str,
    pub author: &'a Person,
}

impl NoteObject {
    /// The Note of a stored comment with its context.
    pub fn from_object(c: &crate::community::public::CommentObject) -> NoteObject {
        NoteObject::from_rows(
            &c.comment,
            &c.author,
            &c.group,
            ReplyTarget {
                ap_id: &c.parent_ap_id,
                author: &c.parent_author,
            },
        )
    }

    pub fn from_rows(
        c: &Comment,
        author: &Person,
        group: &Group,
        parent: ReplyTarget<'_>,
    ) -> NoteObject {
        let audience = if group.is_private() {
            group.followers_url.clone()
        } else {
            PUBLIC.to_string()
        };
        NoteObject {
            kind: "Note".into(),
            id: c.ap_id.clone(),
            attributed_to: author.ap_id.clone(),
            in_reply_to: Some(parent.ap_id.to_string()),
            content: c.body_html.clone(),
            media_type: Some("text/html".into()),
            source: Some(Source::markdown(&c.body_source)),
            audience: Some(group.ap_id.clone()),
            to: vec![group.ap_id.clone(), audience],
            cc: vec![parent.author.ap_id.clone()],
            tag: vec![Mention {
                kind: "Mention".into(),
                href: parent.author.ap_id.clone(),
                name: Some(mention_name(&parent.author.name, &parent.author.ap_id)),
            }],
            url: Some(c.ap_id.clone()),
            published: Some(utc(c.created_at)),
            updated: c.updated_at.map(utc),
        }
    }
}
