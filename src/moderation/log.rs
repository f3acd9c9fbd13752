//! The moderation log: recording actions (local, and remote ones applied
//! here) and reading the public log and the admins' audit log.

use crate::community::privacy::{self, Sight, Viewer};
use crate::community::{find_group, find_person, Actor};
use crate::error::{Error, Result};
use crate::store::groups::{self as group_rows, Group};
use crate::store::modlog::{self, Filter, ModAction, NewModAction};
use crate::store::people::{self, Person};
use crate::store::{now, DbConn};
use crate::App;
use chrono::NaiveDateTime;

/// What an action was done to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target {
    pub group_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub person_id: Option<i64>,
}

/// How an action reached the log.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub reason: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    /// Applied here as received from another server.
    pub remote: bool,
    /// An instance-level action: in the admins' audit log only.
    pub admin_only: bool,
}

pub fn record(
    conn: &mut DbConn,
    action: &str,
    moderator_id: Option<i64>,
    target: Target,
    entry: Entry,
) -> Result<ModAction> {
    modlog::insert(
        conn,
        &NewModAction {
            action: action.to_string(),
            moderator_id,
            group_id: target.group_id,
            post_id: target.post_id,
            comment_id: target.comment_id,
            person_id: target.person_id,
            reason: entry.reason,
            expires_at: entry.expires_at,
            remote: entry.remote,
            admin_only: entry.admin_only,
            created_at: now(),
        },
    )
}

/// A log line with the names a reader needs.
#[derive(Debug, Clone)]
pub struct LogLine {
    pub action: ModAction,
    /// None: an automatic action of the server.
    pub moderator: Option<Person>,
    pub group: Option<Group>,
    pub person: Option<Person>,
}

/// Filters by handle, as the API takes them.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub group: Option<String>,
    pub moderator: Option<String>,
    pub person: Option<String>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub action: Option<String>,
    pub before: Option<i64>,
}

/// The public log (`audit` false) or the admins' audit log, newest first,
/// as `viewer` may see it: a club's actions are for those who see inside
/// it (see `privacy`), and asking for a club's log from outside is refused.
pub async fn list(
    app: &App,
    viewer: Option<&Actor>,
    q: Query,
    audit: bool,
    limit: i64,
) -> Result<Vec<LogLine>> {
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let viewer = Viewer::account(viewer.as_ref());
            let group = q
                .group
                .as_deref()
                .map(|g| find_group(conn, g))
                .transpose()?;
            if let Some(g) = &group {
                if privacy::sight(conn, viewer, g)? == Sight::Outside {
                    return Err(Error::forbidden(
                        "a club's moderation log is for its members only",
                    ));
                }
            }
            let filter = Filter {
                group_id: group.map(|g| g.id),
                hidden_groups: privacy::unseen_clubs(conn, viewer)?,
                moderator_id: q
                    .moderator
                    .as_deref()
                    .map(|m| find_person(conn, m))
                    .transpose()?
                    .map(|p| p.id),
                person_id: q
                    .person
                    .as_deref()
                    .map(|p| find_person(conn, p))
                    .transpose()?
                    .map(|p| p.id),
                post_id: q.post_id,
                comment_id: q.comment_id,
                action: q.action,
                admin_only: audit,
                before_id: q.before,
            };
            let actions = modlog::list(conn, &filter, limit)?;
            actions
                .into_iter()
                .map(|action| {
                    let moderator = action
                        .moderator_id
                        .map(|m| people::by_id(conn, m))
                        .transpose()?;
                    let group = action
                        .group_id
                        .map(|g| group_rows::by_id(conn, g))
                        .transpose()?;
                    let person = action
                        .person_id
                        .map(|p| people::by_id(conn, p))
                        .transpose()?;
                    Ok(LogLine {
                        action,
                        moderator,
                        group,
                        person,
                    })
                })
                .collect()
        })
        .await
}
