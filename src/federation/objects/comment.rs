//! A comment: `Note` replying to a thread or another comment, addressed to
//! its group and mentioning the author it answers.

use super::{mention_name, utc, Mention, Source, PUBLIC};
pub use crate::federation::protocol::objects::NoteObject;
use crate::store::comments::Comment;
use crate::store::groups::Group;
use crate::store::people::Person;

/// What a comment answers: the thread or a comment, and its author.
pub struct ReplyTarget<'a> {
    pub ap_id: &'a str,
    pub author: &'a Person,
}

impl NoteObject {
    /// The Note of a stored comment with its context.
    pub fn from_object(c: &crate::community::public::CommentObject) -> NoteObject {
        let mut note = NoteObject::from_rows(
            &c.comment,
            &c.author,
            &c.group,
            ReplyTarget {
                ap_id: &c.parent_ap_id,
                author: &c.parent_author,
            },
        );
        note.attachment = super::media::attachments(&c.comment.ap_id, &c.media);
        note
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
            attachment: Vec::new(),
        }
    }
}
