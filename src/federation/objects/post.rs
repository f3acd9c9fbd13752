//! A thread: `Page` addressed to its group (and Public, unless the group is
//! a club: a club's threads go to the club's followers only).

use super::{mention_name, utc, Mention, Source, PUBLIC};
use crate::community::posts::PostInfo;
pub use crate::federation::protocol::objects::PageObject;
use crate::store::posts::PostKind;

impl PageObject {
    pub fn from_info(i: &PostInfo) -> PageObject {
        let (p, g) = (&i.post, &i.group);
        let to = if g.is_private() {
            vec![g.ap_id.clone(), g.followers_url.clone()]
        } else {
            vec![g.ap_id.clone(), PUBLIC.to_string()]
        };
        PageObject {
            kind: "Page".into(),
            id: p.ap_id.clone(),
            attributed_to: i.author.ap_id.clone(),
            name: p.title.clone(),
            content: p.body_html.clone(),
            media_type: Some("text/html".into()),
            source: Some(Source::markdown(&p.body_source)),
            audience: Some(g.ap_id.clone()),
            to,
            cc: Vec::new(),
            tag: vec![Mention {
                kind: "Mention".into(),
                href: g.ap_id.clone(),
                name: Some(mention_name(&g.name, &g.ap_id)),
            }],
            sensitive: false,
            comments_enabled: Some(!p.locked),
            stickied: Some(p.pinned),
            url: Some(p.ap_id.clone()),
            published: Some(utc(p.created_at)),
            updated: p.updated_at.map(utc),
            thread_kind: Some(p.kind.as_str().to_string()),
            accepted_answer: (p.kind == PostKind::Question).then(|| i.accepted_answer.clone()),
        }
    }
}
