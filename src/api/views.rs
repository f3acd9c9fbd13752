//! The JSON shapes the API answers with, built from the rules' results.

use crate::community::accounts::Account;
use crate::community::follows::{Profile, Relationship};
use crate::community::groups::GroupInfo;
use crate::community::handle;
use crate::community::posts::{CommentInfo, PostInfo, Thread};
use crate::community::votes::Tally;
use crate::reputation::badges;
use crate::reputation::board::Standing;
use crate::store::groups::{Group, Membership};
use crate::store::people::Person;
use crate::store::reputation::BadgeRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: Option<String>,
    /// Markdown source of the bio.
    pub bio: Option<String>,
    pub bio_html: Option<String>,
    pub email: Option<String>,
    /// admin, moderator, staff or user.
    pub role: String,
    /// active, pending (awaiting approval) or rejected.
    pub state: String,
    pub ap_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            id: a.person.id,
            username: a.person.name.clone(),
            display_name: a.person.display_name.clone(),
            bio: a.person.bio_source.clone(),
            bio_html: a.person.bio_html.clone(),
            email: a.user.email.clone(),
            role: a.user.role.to_string(),
            state: a.user.state.to_string(),
            ap_id: a.person.ap_id.clone(),
            created_at: utc(a.user.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginView {
    /// Send as `Authorization: Bearer TOKEN`. Shown once; revoked by logout.
    pub token: String,
    pub account: AccountView,
}

/// A person as referenced from threads, comments and lists.
#[derive(Serialize, ToSchema)]
pub struct PersonRef {
    pub id: i64,
    /// `name` for local people, `name@host` for remote ones.
    pub name: String,
    pub display_name: Option<String>,
    pub local: bool,
    pub ap_id: String,
}

impl From<&Person> for PersonRef {
    fn from(p: &Person) -> Self {
        PersonRef {
            id: p.id,
            name: handle(&p.name, p.local, &p.ap_id),
            display_name: p.display_name.clone(),
            local: p.local,
            ap_id: p.ap_id.clone(),
        }
    }
}

#[derive(Serialize, ToSchema, Clone, Copy)]
pub struct RelationshipView {
    pub following: bool,
    pub followed_by: bool,
    /// Both follow each other.
    pub friends: bool,
    /// You asked to follow a person on another server; they have not
    /// answered yet.
    pub requested: bool,
}

impl From<Relationship> for RelationshipView {
    fn from(r: Relationship) -> Self {
        RelationshipView {
            following: r.following,
            followed_by: r.followed_by,
            friends: r.friends(),
            requested: r.requested,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonView {
    #[serde(flatten)]
    pub person: PersonRef,
    pub bio_html: Option<String>,
    pub bot: bool,
    pub followers: i64,
    pub following: i64,
    /// How the signed-in viewer relates to this person (absent otherwise).
    pub relationship: Option<RelationshipView>,
    /// This server's role of a local person: user, staff, moderator or
    /// admin (null for remote people).
    pub role: Option<String>,
    /// Reputation as this server judges it, for local and remote people.
    pub reputation: ReputationView,
    pub badges: Vec<BadgeView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct ReputationView {
    pub points: i64,
    pub rank: String,
    /// Answers accepted as solutions.
    pub solutions: i64,
    pub upvotes_received: i64,
    /// The next rank up and what it needs (null at the top).
    pub next_rank: Option<RankView>,
}

#[derive(Serialize, ToSchema)]
pub struct RankView {
    pub name: String,
    pub min_reputation: i64,
    pub min_solutions: i64,
    pub min_days: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BadgeView {
    /// The badge's key, e.g. `first_solution`.
    pub badge: String,
    pub title: String,
    pub description: String,
    pub awarded_at: DateTime<Utc>,
}

impl From<&Standing> for ReputationView {
    fn from(s: &Standing) -> Self {
        ReputationView {
            points: s.summary.points,
            rank: s.summary.rank.clone(),
            solutions: s.summary.solutions,
            upvotes_received: s.summary.upvotes,
            next_rank: s.next_rank.as_ref().map(|r| RankView {
                name: r.name.clone(),
                min_reputation: r.min_reputation,
                min_solutions: r.min_solutions,
                min_days: r.min_days,
            }),
        }
    }
}

impl From<&BadgeRow> for BadgeView {
    fn from(b: &BadgeRow) -> Self {
        let known = badges::by_name(&b.name);
        BadgeView {
            badge: b.name.clone(),
            title: known.map_or(b.name.as_str(), |k| k.title).to_string(),
            description: known.map_or("", |k| k.description).to_string(),
            awarded_at: utc(b.awarded_at),
        }
    }
}

impl From<&Profile> for PersonView {
    fn from(p: &Profile) -> Self {
        PersonView {
            person: PersonRef::from(&p.person),
            bio_html: p.person.bio_html.clone(),
            bot: p.person.bot,
            followers: p.followers,
            following: p.following,
            relationship: p.relationship.map(Into::into),
            role: p.role.clone(),
            reputation: ReputationView::from(&p.standing),
            badges: p.standing.badges.iter().map(BadgeView::from).collect(),
            created_at: utc(p.person.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeopleList {
    pub items: Vec<PersonRef>,
}

#[derive(Serialize, ToSchema)]
pub struct MembershipView {
    /// accepted, pending, invited or banned.
    pub state: String,
    /// member, moderator or owner.
    pub role: String,
    pub since: DateTime<Utc>,
}

impl From<&Membership> for MembershipView {
    fn from(m: &Membership) -> Self {
        MembershipView {
            state: m.state.to_string(),
            role: m.role.to_string(),
            since: utc(m.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupView {
    pub id: i64,
    /// `name` for local groups, `name@host` for remote ones.
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub description_html: Option<String>,
    /// The group's rules: Markdown, and rendered.
    pub rules: Option<String>,
    pub rules_html: Option<String>,
    /// group or club.
    pub kind: String,
    /// open, approval or invite.
    pub join_policy: String,
    pub posting_restricted_to_mods: bool,
    pub member_count: i64,
    pub post_count: i64,
    pub local: bool,
    pub ap_id: String,
    pub created_at: DateTime<Utc>,
    /// The signed-in viewer's membership, if any.
    pub membership: Option<MembershipView>,
}

impl From<&GroupInfo> for GroupView {
    fn from(i: &GroupInfo) -> Self {
        let g = &i.group;
        GroupView {
            id: g.id,
            name: handle(&g.name, g.local, &g.ap_id),
            title: g.title.clone(),
            description: g.description_source.clone(),
            description_html: g.description_html.clone(),
            rules: g.rules_source.clone(),
            rules_html: g.rules_html.clone(),
            kind: g.kind.to_string(),
            join_policy: g.join_policy.to_string(),
            posting_restricted_to_mods: g.posting_restricted_to_mods,
            member_count: g.member_count,
            post_count: g.post_count,
            local: g.local,
            ap_id: g.ap_id.clone(),
            created_at: utc(g.created_at),
            membership: i.membership.as_ref().map(Into::into),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct GroupList {
    pub items: Vec<GroupView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    pub person: PersonRef,
    #[serde(flatten)]
    pub membership: MembershipView,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub kind: String,
}

impl From<&Group> for GroupRef {
    fn from(g: &Group) -> Self {
        GroupRef {
            id: g.id,
            name: handle(&g.name, g.local, &g.ap_id),
            title: g.title.clone(),
            kind: g.kind.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PostView {
    pub id: i64,
    pub ap_id: String,
    pub group: GroupRef,
    pub author: PersonRef,
    /// discussion, question, idea or article.
    pub kind: String,
    /// Empty once deleted.
    pub title: String,
    /// Markdown source; empty once deleted.
    pub body: String,
    /// Sanitized HTML rendering of `body`.
    pub body_html: String,
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub comment_count: i64,
    /// The viewer's vote: -1, 0 or 1.
    pub my_vote: i32,
    pub locked: bool,
    pub pinned: bool,
    pub deleted: bool,
    pub removed: bool,
    /// Waiting for a moderator's review (seen by its author and the
    /// moderators only).
    pub held: bool,
    /// A question's accepted answer (a comment id), if any.
    pub accepted_comment_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// An idea's status; absent for other kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idea: Option<super::ideas::IdeaView>,
    /// Its images, in order (none once deleted or removed).
    pub media: Vec<super::media::MediaView>,
}

impl From<&PostInfo> for PostView {
    fn from(i: &PostInfo) -> Self {
        let p = &i.post;
        let hidden = p.deleted || p.removed;
        let shown = |s: &str| if hidden { String::new() } else { s.to_string() };
        PostView {
            id: p.id,
            ap_id: p.ap_id.clone(),
            group: GroupRef::from(&i.group),
            author: PersonRef::from(&i.author),
            kind: p.kind.as_str().to_string(),
            title: shown(&p.title),
            body: shown(&p.body_source),
            body_html: shown(&p.body_html),
            score: p.score,
            upvotes: p.upvotes,
            downvotes: p.downvotes,
            comment_count: p.comment_count,
            my_vote: i.my_vote,
            locked: p.locked,
            pinned: p.pinned,
            deleted: p.deleted,
            removed: p.removed,
            held: p.held,
            accepted_comment_id: p.accepted_comment_id,
            created_at: utc(p.created_at),
            updated_at: p.updated_at.map(utc),
            idea: i.idea.as_ref().map(super::ideas::IdeaView::from),
            media: if hidden {
                Vec::new()
            } else {
                super::media::MediaView::list(&p.ap_id, &i.media)
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PostPage {
    pub items: Vec<PostView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub ap_id: String,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author: PersonRef,
    pub depth: i32,
    /// Markdown source; empty once deleted.
    pub body: String,
    pub body_html: String,
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub my_vote: i32,
    pub deleted: bool,
    pub removed: bool,
    /// Waiting for a moderator's review (seen by its author and the
    /// moderators only).
    pub held: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Its images, in order (none once deleted or removed).
    pub media: Vec<super::media::MediaView>,
    /// Direct replies, oldest first.
    #[schema(no_recursion)]
    pub replies: Vec<CommentView>,
}

impl From<&CommentInfo> for CommentView {
    fn from(i: &CommentInfo) -> Self {
        let c = &i.comment;
        let hidden = c.deleted || c.removed;
        let shown = |s: &str| if hidden { String::new() } else { s.to_string() };
        CommentView {
            id: c.id,
            ap_id: c.ap_id.clone(),
            post_id: c.post_id,
            parent_id: c.parent_id,
            author: PersonRef::from(&i.author),
            depth: c.depth,
            body: shown(&c.body_source),
            body_html: shown(&c.body_html),
            score: c.score,
            upvotes: c.upvotes,
            downvotes: c.downvotes,
            my_vote: i.my_vote,
            deleted: c.deleted,
            removed: c.removed,
            held: c.held,
            created_at: utc(c.created_at),
            updated_at: c.updated_at.map(utc),
            media: if hidden {
                Vec::new()
            } else {
                super::media::MediaView::list(&c.ap_id, &i.media)
            },
            replies: Vec::new(),
        }
    }
}

/// Nests comments (oldest first) under their parents.
pub fn comment_tree(comments: &[CommentInfo]) -> Vec<CommentView> {
    let mut children: HashMap<Option<i64>, Vec<&CommentInfo>> = HashMap::new();
    for c in comments {
        children.entry(c.comment.parent_id).or_default().push(c);
    }
    fn build(
        parent: Option<i64>,
        children: &HashMap<Option<i64>, Vec<&CommentInfo>>,
    ) -> Vec<CommentView> {
        children
            .get(&parent)
            .map(|list| {
                list.iter()
                    .map(|c| {
                        let mut view = CommentView::from(*c);
                        view.replies = build(Some(c.comment.id), children);
                        view
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    build(None, &children)
}

#[derive(Serialize, ToSchema)]
pub struct ThreadView {
    #[serde(flatten)]
    pub post: PostView,
    /// The comment tree: top-level comments with nested `replies`.
    pub comments: Vec<CommentView>,
}

impl From<&Thread> for ThreadView {
    fn from(t: &Thread) -> Self {
        ThreadView {
            post: PostView::from(&t.post),
            comments: comment_tree(&t.comments),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct VoteView {
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub my_vote: i32,
}

impl From<Tally> for VoteView {
    fn from(t: Tally) -> Self {
        VoteView {
            score: t.score,
            upvotes: t.upvotes,
            downvotes: t.downvotes,
            my_vote: t.my_vote,
        }
    }
}
