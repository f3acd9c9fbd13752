//! A thread: `Page` addressed to its group (and Public, unless the group is
//! a club: a club's threads go to the club's followers only).

use super::{mention_name, utc, Mention, Source, PUBLIC};
use crate::community::posts::PostInfo;
use crate::federation::ideas::status_line;
pub use crate::federation::protocol::objects::{ImageRef, PageObject};
use crate::store::articles::Article;
use crate::store::posts::PostKind;

impl PageObject {
    pub fn from_info(i: &PostInfo) -> PageObject {
        let (p, g) = (&i.post, &i.group);
        let to = if g.is_private() {
            vec![g.ap_id.clone(), g.followers_url.clone()]
        } else {
            vec![g.ap_id.clone(), PUBLIC.to_string()]
        };
        let idea = i.idea.as_ref();
        let content = match idea {
            Some(state) => format!("{}{}", p.body_html, status_line(state)),
            None => p.body_html.clone(),
        };
        PageObject {
            kind: "Page".into(),
            id: p.ap_id.clone(),
            attributed_to: i.author.ap_id.clone(),
            name: p.title.clone(),
            content,
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
            idea_status: idea.map(|s| s.status.as_str().to_string()),
            idea_response: idea.and_then(|s| s.response.clone()),
            idea_status_changed: idea.and_then(|s| s.changed_at).map(utc),
            duplicate_of: idea
                .and_then(|s| s.duplicate_of.as_ref())
                .map(|o| o.ap_id.clone()),
            summary: None,
            image: None,
            attachment: super::media::attachments(&p.ap_id, &i.media),
        }
    }

    /// A thread of kind article as an `Article`: Mastodon shows its title
    /// and link (and summary), Lemmy and Mbin a post; with its cover image
    /// and its tags as `Hashtag`s (linking to the group's blog).
    pub fn with_article(mut self, i: &PostInfo, a: &Article) -> PageObject {
        self.kind = "Article".into();
        self.summary =
            Some(crate::community::markdown::escape(&a.summary)).filter(|s| !s.is_empty());
        self.image = a.cover_url.as_ref().map(|url| ImageRef {
            kind: "Image".into(),
            url: url.clone(),
        });
        let blog = if i.group.local {
            format!("{}/blog", i.group.ap_id)
        } else {
            i.post.ap_id.clone()
        };
        self.tag.extend(a.tag_list().into_iter().map(|t| Mention {
            kind: "Hashtag".into(),
            href: blog.clone(),
            name: Some(format!("#{t}")),
        }));
        self
    }
}
