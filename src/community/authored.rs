//! What a person wrote, as a viewer may read it: their threads and
//! comments, newest first, without what is deleted, removed or held, and
//! without anything in a club the viewer sees from outside (`privacy`).

use super::posts::{enrich, PostInfo};
use super::privacy::{self, Viewer};
use super::{find_person, Actor};
use crate::error::Result;
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::posts::{self as post_rows, Post};
use crate::App;

/// One page of what a person wrote; `next` is the `before` of the next page.
pub struct Authored<T> {
    pub items: Vec<T>,
    pub next: Option<i64>,
}

/// A comment with the thread it is in.
pub struct AuthoredComment {
    pub comment: Comment,
    pub post: Post,
}

fn split<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> Authored<T> {
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = if more { items.last().map(id) } else { None };
    Authored { items, next }
}

/// The threads of the person `handle` that `viewer` may read.
pub async fn threads(
    app: &App,
    viewer: Option<&Actor>,
    handle: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Authored<PostInfo>> {
    let (handle, viewer) = (handle.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            let hidden = privacy::unseen_clubs(conn, Viewer::account(viewer.as_ref()))?;
            let found = post_rows::by_author(conn, person.id, &hidden, before, limit + 1)?;
            let page = split(found, limit, |p| p.id);
            Ok(Authored {
                items: enrich(conn, viewer.as_ref().map(Actor::id), page.items)?,
                next: page.next,
            })
        })
        .await
}

/// The comments of the person `handle` that `viewer` may read.
pub async fn comments(
    app: &App,
    viewer: Option<&Actor>,
    handle: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Authored<AuthoredComment>> {
    let (handle, viewer) = (handle.to_string(), viewer.cloned());
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            let hidden = privacy::unseen_clubs(conn, Viewer::account(viewer.as_ref()))?;
            let found = comment_rows::by_author(conn, person.id, &hidden, before, limit + 1)?;
            let page = split(found, limit, |c| c.id);
            let mut post_ids: Vec<i64> = page.items.iter().map(|c| c.post_id).collect();
            post_ids.sort_unstable();
            post_ids.dedup();
            let posts = post_rows::by_ids(conn, &post_ids)?;
            let items = page
                .items
                .into_iter()
                .filter_map(|comment| {
                    let post = posts.iter().find(|p| p.id == comment.post_id)?.clone();
                    Some(AuthoredComment { comment, post })
                })
                .collect();
            Ok(Authored {
                items,
                next: page.next,
            })
        })
        .await
}
