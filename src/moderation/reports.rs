//! Reports: what local people may report (a thread, a comment, a person)
//! and with what reason; the queues (a group's, for its moderators, and the
//! instance's, for admins) and the reporter's own list; resolving and
//! dismissing with a reason (written to the moderation log); forwarding a
//! report about another server's content or people; and storing the
//! reports other servers send (`Flag`). The API and the inbox call these.

use super::flags;
use super::log::{self, Entry, Target};
use super::{can_moderate, require_moderator, require_staff_moderator};
use crate::community::{can_read, check_not_banned, find_group, find_person, Actor};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::reputation::ledger::{self, Work};
use crate::store::comments::{self as comment_rows, Comment};
use crate::store::groups::{self as group_rows, Group};
use crate::store::people::{self, Person};
use crate::store::posts::{self as post_rows, Post};
use crate::store::reports::{
    self as rows, Filter, ForwardDelivery, ForwardState, NewReport, Report, ReportState,
};
use crate::store::{now, write_tx, DbConn};
use crate::App;

/// The longest reason, in characters; a longer one from another server is
/// cut rather than refused.
pub const REASON_CHARS: usize = 2000;

/// What a local person reports.
#[derive(Debug, Clone)]
pub enum Subject {
    Post(i64),
    Comment(i64),
    /// `name` or `name@host`.
    Person(String),
}

impl Subject {
    /// Exactly one of the three, as the API takes them.
    pub fn one_of(
        post_id: Option<i64>,
        comment_id: Option<i64>,
        person: Option<String>,
    ) -> Result<Subject> {
        match (post_id, comment_id, person) {
            (Some(p), None, None) => Ok(Subject::Post(p)),
            (None, Some(c), None) => Ok(Subject::Comment(c)),
            (None, None, Some(p)) => Ok(Subject::Person(p)),
            _ => Err(Error::unprocessable(
                "name exactly one of post_id, comment_id or person",
            )),
        }
    }
}

/// How a moderator closes a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Acted on.
    Resolve,
    /// Nothing to act on.
    Dismiss,
}

impl Decision {
    fn state(self) -> ReportState {
        match self {
            Decision::Resolve => ReportState::Resolved,
            Decision::Dismiss => ReportState::Dismissed,
        }
    }
    fn log_name(self) -> &'static str {
        match self {
            Decision::Resolve => "resolve_report",
            Decision::Dismiss => "dismiss_report",
        }
    }
}

/// A report with what a reader of the queue needs beside it.
#[derive(Debug, Clone)]
pub struct ReportInfo {
    pub report: Report,
    /// The account reported.
    pub person: Person,
    pub group: Option<Group>,
    /// The thread reported, or the thread of the comment reported.
    pub post: Option<Post>,
    pub comment: Option<Comment>,
    pub reporter: Option<Person>,
    pub resolver: Option<Person>,
    /// The domain of the server the report came from.
    pub origin: String,
    /// Whether the report was made on this server.
    pub local: bool,
    /// Where it was forwarded, and what became of each delivery.
    pub forwards: Vec<ForwardDelivery>,
}

impl ReportInfo {
    /// What became of the forward, all deliveries together: refused when
    /// any server refused it for good, else queued while any is waiting;
    /// none when it was not forwarded. Queued too while the federation
    /// consumer has not yet queued its deliveries.
    pub fn forward_state(&self) -> Option<ForwardState> {
        let states = || self.forwards.iter().map(|f| f.state);
        [
            ForwardState::Refused,
            ForwardState::Queued,
            ForwardState::Delivered,
        ]
        .into_iter()
        .find(|s| states().any(|x| x == *s))
        .or(self.report.forwarded.then_some(ForwardState::Queued))
    }

    /// Why a server refused the forward, if one did.
    pub fn forward_error(&self) -> Option<String> {
        self.forwards
            .iter()
            .find(|f| f.state == ForwardState::Refused)
            .map(|f| match &f.error {
                Some(e) => format!("{}: {e}", f.inbox_url),
                None => f.inbox_url.clone(),
            })
    }
}

/// A page of reports, newest first.
pub struct ReportPage {
    pub items: Vec<ReportInfo>,
    /// The id to pass as the cursor of the next page; none on the last.
    pub next_cursor: Option<i64>,
}

/// `open`, `resolved` or `dismissed`.
pub fn parse_state(state: Option<&str>) -> Result<Option<ReportState>> {
    state
        .map(|s| {
            ReportState::parse(s).ok_or_else(|| {
                Error::bad_request(format!("state is open, resolved or dismissed, not {s:?}"))
            })
        })
        .transpose()
}

/// A trimmed reason of 1 to `REASON_CHARS` characters.
fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::unprocessable("give a reason"));
    }
    if reason.chars().count() > REASON_CHARS {
        return Err(Error::unprocessable(format!(
            "a reason has at most {REASON_CHARS} characters"
        )));
    }
    Ok(reason.to_string())
}

fn is_staff(actor: &Actor) -> bool {
    require_staff_moderator(actor).is_ok()
}

/// Who handles a report: this server's admins and moderators any report,
/// a group's moderators the reports about content in their group.
fn require_handler(conn: &mut DbConn, actor: &Actor, report: &Report) -> Result<()> {
    if is_staff(actor) {
        return Ok(());
    }
    if let Some(group_id) = report.group_id {
        let group = group_rows::by_id(conn, group_id)?;
        if can_moderate(conn, actor, &group)? {
            return Ok(());
        }
    }
    Err(Error::forbidden(
        "only the moderators of the group (or this server's admins) handle this report",
    ))
}

/// What a report is about, as stored: the content (if any), the account
/// and the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reported {
    post_id: Option<i64>,
    comment_id: Option<i64>,
    person_id: i64,
    group_id: Option<i64>,
}

/// Resolves what a local person names, as far as they may see it.
fn reported(conn: &mut DbConn, actor: &Actor, subject: &Subject) -> Result<Reported> {
    match subject {
        Subject::Post(id) => {
            let post = post_rows::by_id(conn, *id)?;
            let group = group_rows::by_id(conn, post.group_id)?;
            if !can_read(conn, Some(actor), &group)? {
                return Err(Error::forbidden("this thread is in a club: members only"));
            }
            if post.deleted {
                return Err(Error::unprocessable(
                    "the thread was deleted by its author: nothing is left to report",
                ));
            }
            Ok(Reported {
                post_id: Some(post.id),
                comment_id: None,
                person_id: post.author_id,
                group_id: Some(group.id),
            })
        }
        Subject::Comment(id) => {
            let comment = comment_rows::by_id(conn, *id)?;
            let post = post_rows::by_id(conn, comment.post_id)?;
            let group = group_rows::by_id(conn, post.group_id)?;
            if !can_read(conn, Some(actor), &group)? {
                return Err(Error::forbidden("this comment is in a club: members only"));
            }
            if comment.deleted {
                return Err(Error::unprocessable(
                    "the comment was deleted by its author: nothing is left to report",
                ));
            }
            Ok(Reported {
                post_id: None,
                comment_id: Some(comment.id),
                person_id: comment.author_id,
                group_id: Some(group.id),
            })
        }
        Subject::Person(handle) => {
            let person = find_person(conn, handle)?;
            Ok(Reported {
                post_id: None,
                comment_id: None,
                person_id: person.id,
                group_id: None,
            })
        }
    }
}

/// A local person reports a thread, a comment or a person. One open report
/// per reporter and subject; nobody reports themselves.
pub async fn create(
    app: &App,
    actor: &Actor,
    subject: Subject,
    reason: &str,
) -> Result<ReportInfo> {
    check_not_banned(actor)?;
    let reason = check_reason(reason)?;
    let actor = actor.clone();
    let origin = app.local_instance_id;
    let rules = flags::FlagRules::new(&app.config);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let r = reported(conn, &actor, &subject)?;
                if r.person_id == actor.id() {
                    return Err(Error::unprocessable(
                        "you cannot report yourself or what you wrote",
                    ));
                }
                if rows::open_exists(conn, actor.id(), r.post_id, r.comment_id, r.person_id)? {
                    return Err(Error::conflict(
                        "you already reported this; the moderators have not decided yet",
                    ));
                }
                let report = rows::insert(
                    conn,
                    &NewReport {
                        ap_id: None,
                        reporter_id: Some(actor.id()),
                        origin_instance_id: origin,
                        post_id: r.post_id,
                        comment_id: r.comment_id,
                        person_id: r.person_id,
                        group_id: r.group_id,
                        reason,
                        created_at: now(),
                    },
                )?;
                flags::hide_when_flagged(conn, &rules, origin, report.post_id, report.comment_id)?;
                filed(conn, actor.id(), &report, None)?;
                enrich(conn, report, origin)
            })
        })
        .await
}

/// Records that `report` was filed (`activity`: the Flag that carried it).
fn filed(
    conn: &mut DbConn,
    actor_id: i64,
    report: &Report,
    activity: Option<String>,
) -> Result<()> {
    let mut change = Change::by(
        actor_id,
        What::ReportFiled {
            report_id: report.id,
        },
    )
    .received(activity);
    change.group_id = report.group_id;
    events::record(conn, change).map(|_| ())
}

/// A report with its people, group and content.
fn enrich(conn: &mut DbConn, report: Report, local_instance_id: i64) -> Result<ReportInfo> {
    let person = people::by_id(conn, report.person_id)?;
    let group = report
        .group_id
        .map(|g| group_rows::by_id(conn, g))
        .transpose()?;
    let comment = report
        .comment_id
        .map(|c| comment_rows::by_id(conn, c))
        .transpose()?;
    let post_id = report.post_id.or(comment.as_ref().map(|c| c.post_id));
    let post = post_id.map(|p| post_rows::by_id(conn, p)).transpose()?;
    let reporter = report
        .reporter_id
        .map(|p| people::by_id(conn, p))
        .transpose()?;
    let resolver = report
        .resolved_by
        .map(|p| people::by_id(conn, p))
        .transpose()?;
    let origin = rows::origin_domain(conn, report.origin_instance_id)?;
    let forwards = if report.forwarded {
        rows::forwards_of(conn, report.id)?
    } else {
        Vec::new()
    };
    Ok(ReportInfo {
        forwards,
        local: report.origin_instance_id == local_instance_id,
        report,
        person,
        group,
        post,
        comment,
        reporter,
        resolver,
        origin,
    })
}

fn page(conn: &mut DbConn, filter: &Filter, limit: i64, local: i64) -> Result<ReportPage> {
    let mut found = rows::list(conn, filter, limit + 1)?;
    let more = found.len() as i64 > limit;
    found.truncate(limit.max(0) as usize);
    let next_cursor = if more {
        found.last().map(|r| r.id)
    } else {
        None
    };
    let items = found
        .into_iter()
        .map(|r| enrich(conn, r, local))
        .collect::<Result<Vec<_>>>()?;
    Ok(ReportPage { items, next_cursor })
}

/// Where a queue starts and what it shows.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// All states when `None`.
    pub state: Option<ReportState>,
    pub cursor: Option<i64>,
}

/// The reporter's own reports, with their state and the moderators' answer.
pub async fn mine(app: &App, actor: &Actor, listing: Listing) -> Result<ReportPage> {
    let (me, local, limit) = (
        actor.id(),
        app.local_instance_id,
        app.config.limits.page_size,
    );
    app.store
        .run(move |conn| {
            let filter = Filter {
                reporter_id: Some(me),
                state: listing.state,
                before_id: listing.cursor,
                ..Filter::default()
            };
            page(conn, &filter, limit, local)
        })
        .await
}

/// A group's queue: its moderators', and this server's admins'. Open
/// reports unless another state is asked for.
pub async fn group_queue(
    app: &App,
    actor: &Actor,
    group: &str,
    listing: Listing,
) -> Result<ReportPage> {
    let (actor, group) = (actor.clone(), group.to_string());
    let (local, limit) = (app.local_instance_id, app.config.limits.page_size);
    app.store
        .run(move |conn| {
            let group = find_group(conn, &group)?;
            if !is_staff(&actor) {
                require_moderator(conn, &actor, &group)?;
            }
            let filter = Filter {
                group_id: Some(group.id),
                state: Some(listing.state.unwrap_or(ReportState::Open)),
                before_id: listing.cursor,
                ..Filter::default()
            };
            page(conn, &filter, limit, local)
        })
        .await
}

/// The instance's queue, for its admins and moderators: every report,
/// of people, of content in any group, and those other servers sent.
pub async fn admin_queue(app: &App, actor: &Actor, listing: Listing) -> Result<ReportPage> {
    require_staff_moderator(actor)?;
    let (local, limit) = (app.local_instance_id, app.config.limits.page_size);
    app.store
        .run(move |conn| {
            let filter = Filter {
                state: Some(listing.state.unwrap_or(ReportState::Open)),
                before_id: listing.cursor,
                ..Filter::default()
            };
            page(conn, &filter, limit, local)
        })
        .await
}

/// Resolves or dismisses an open report with a reason the reporter sees,
/// and writes it to the moderation log (the admins' audit log for a report
/// of a person, which concerns the whole server).
pub async fn close(
    app: &App,
    actor: &Actor,
    id: i64,
    decision: Decision,
    reason: &str,
) -> Result<ReportInfo> {
    let reason = check_reason(reason)?;
    let (actor, config) = (actor.clone(), app.config.clone());
    let local = app.local_instance_id;
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let report = rows::by_id(conn, id)?;
                require_handler(conn, &actor, &report)?;
                let closed = rows::close(conn, id, decision.state(), &reason, actor.id(), now())?
                    .ok_or_else(|| {
                    Error::conflict(format!("the report is already {}", report.state))
                })?;
                if closed.state == ReportState::Resolved {
                    let work = Work {
                        author_id: closed.person_id,
                        post_id: closed.post_id,
                        comment_id: closed.comment_id,
                        group_id: closed.group_id,
                    };
                    ledger::on_report_upheld(conn, &config.reputation, &actor.person, work)?;
                }
                log::record(
                    conn,
                    decision.log_name(),
                    Some(actor.id()),
                    Target {
                        group_id: closed.group_id,
                        post_id: closed.post_id,
                        comment_id: closed.comment_id,
                        person_id: Some(closed.person_id),
                    },
                    Entry {
                        reason: Some(reason),
                        admin_only: closed.group_id.is_none(),
                        ..Entry::default()
                    },
                )?;
                let mut change = Change::by(
                    actor.id(),
                    What::ReportClosed {
                        report_id: closed.id,
                        decision,
                    },
                );
                change.group_id = closed.group_id;
                events::record(conn, change)?;
                enrich(conn, closed, local)
            })
        })
        .await
}

/// Removes the thread or comment a report is about (as the moderator's
/// action, logged with `reason`), then resolves the report with the same
/// reason. Content already removed is left as it is; a report of a person
/// has no content to remove (422).
pub async fn remove_and_close(
    app: &App,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<ReportInfo> {
    let reason = check_reason(reason)?;
    let report = by_id(app, id).await?.report;
    if report.state != ReportState::Open {
        return Err(Error::conflict(format!(
            "the report is already {}",
            report.state
        )));
    }
    let why = || super::actions::Why::checked(Some(reason.clone()));
    match (report.comment_id, report.post_id) {
        // Content a moderator already removed stays removed (Unchanged):
        // either way the report is then resolved.
        (Some(c), _) => {
            let _ = super::actions::on_comment(app, actor, c, true, why()).await?;
        }
        (None, Some(p)) => {
            let remove = super::actions::ThreadAction::Remove;
            let _ = super::actions::on_thread(app, actor, p, remove, why()).await?;
        }
        (None, None) => {
            return Err(Error::unprocessable(
                "this report is about a person: there is no content to remove",
            ))
        }
    }
    close(app, actor, id, Decision::Resolve, &reason).await
}

/// One report with what a queue shows beside it (for the forward route's
/// answer; who may see it was checked by the caller).
pub async fn by_id(app: &App, id: i64) -> Result<ReportInfo> {
    let local = app.local_instance_id;
    app.store
        .run(move |conn| {
            let report = rows::by_id(conn, id)?;
            enrich(conn, report, local)
        })
        .await
}

/// A report to pass on to the servers concerned, as federation sends it.
#[derive(Debug, Clone)]
pub struct Forward {
    pub info: ReportInfo,
    /// The ids reported: the thread or comment (if any), then the account,
    /// which Mastodon needs listed to file the report.
    pub objects: Vec<String>,
    /// The remote group the content is in, whose moderators get it.
    pub group: Option<Group>,
    /// The group's inbox, when the group is elsewhere.
    pub group_inbox: Option<String>,
    /// The inbox of the reported account's server, when that is another
    /// server than the group's.
    pub account_inbox: Option<String>,
}

/// Marks a report forwarded and says where it goes: the remote group the
/// content is in (its moderators), and the server of the account reported
/// when that is another one. Never back to the server the report came
/// from. A report about this server's own content and people has nowhere
/// to go (422); a report is forwarded once (409).
pub async fn forward(app: &App, actor: &Actor, id: i64) -> Result<Forward> {
    let actor = actor.clone();
    let local = app.local_instance_id;
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let report = rows::by_id(conn, id)?;
                require_handler(conn, &actor, &report)?;
                if report.forwarded {
                    return Err(Error::conflict("the report was already forwarded"));
                }
                let info = enrich(conn, report, local)?;
                let plan = forward_plan(info);
                if plan.group_inbox.is_none() && plan.account_inbox.is_none() {
                    return Err(Error::unprocessable(
                        "nothing to forward: the content and the account reported are on this server (or on the server that sent the report)",
                    ));
                }
                if !rows::mark_forwarded(conn, id)? {
                    return Err(Error::conflict("the report was already forwarded"));
                }
                let mut change = Change::by(actor.id(), What::ReportForwarded { report_id: id });
                change.group_id = plan.info.report.group_id;
                events::record(conn, change)?;
                let mut plan = plan;
                plan.info.report.forwarded = true;
                Ok(plan)
            })
        })
        .await
}

fn forward_plan(info: ReportInfo) -> Forward {
    let origin = info.report.origin_instance_id;
    let remote_group = info.group.clone().filter(|g| !g.local);
    let group_inbox = remote_group
        .as_ref()
        .filter(|g| g.instance_id != origin)
        .map(|g| g.inbox_url.clone());
    let p = &info.person;
    // The group's server already gets it when the account lives there too.
    let same_server_as_group = remote_group
        .as_ref()
        .is_some_and(|g| g.instance_id == p.instance_id);
    let account_inbox = (!p.local && p.instance_id != origin && !same_server_as_group).then(|| {
        p.shared_inbox_url
            .clone()
            .unwrap_or_else(|| p.inbox_url.clone())
    });
    let content = match (&info.comment, &info.post) {
        (Some(c), _) => Some(c.ap_id.clone()),
        (None, Some(post)) => Some(post.ap_id.clone()),
        (None, None) => None,
    };
    let objects = content.into_iter().chain([p.ap_id.clone()]).collect();
    Forward {
        info,
        objects,
        group: remote_group,
        group_inbox,
        account_inbox,
    }
}

/// Where a report marked forwarded goes (see `forward`), read back by the
/// consumer that sends it.
pub fn forward_plan_of(
    conn: &mut DbConn,
    report_id: i64,
    local_instance_id: i64,
) -> Result<Forward> {
    let report = rows::by_id(conn, report_id)?;
    Ok(forward_plan(enrich(conn, report, local_instance_id)?))
}

/// Records the Flags a forward is sent as (`(activity id, inbox)`), in the
/// transaction that queues their deliveries: the delivery worker records
/// how each ends (`ended_forward`).
pub fn forward_queued(conn: &mut DbConn, report_id: i64, sent: &[(String, String)]) -> Result<()> {
    let at = now();
    for (activity, inbox) in sent {
        rows::add_forward(conn, report_id, activity, std::slice::from_ref(inbox), at)?;
    }
    Ok(())
}

/// How one delivery of a forwarded report ended, as the delivery worker
/// saw it; a refusal for good is logged at WARN, since the moderator who
/// forwarded it must act another way. Run it in the worker's write
/// transaction.
pub fn ended_forward(
    conn: &mut DbConn,
    activity: &str,
    inbox: &str,
    state: ForwardState,
    error: Option<&str>,
) -> Result<()> {
    let report = rows::end_forward(conn, activity, inbox, state, error, now())?;
    if let (Some(report), ForwardState::Refused) = (report, state) {
        tracing::warn!(
            report,
            inbox,
            activity,
            error = error.unwrap_or(""),
            "a forwarded report was refused for good"
        );
    }
    Ok(())
}

/// A report another server sent (a `Flag`), as federation read it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The Flag's id.
    pub ap_id: String,
    /// Its actor: a person, or a server's instance actor (a bot).
    pub sender: Person,
    /// The ids it lists, in order: threads, comments and accounts.
    pub objects: Vec<String>,
    pub reason: String,
}

/// Stores a received report: one per listed thread or comment stored here
/// (the account reported is its author), and one for each listed account
/// stored here that none of that content is by. Ids not stored here are
/// ignored. A report sent by a bot (a server's instance actor, as Mastodon
/// sends them) has no reporter: the server is the origin, the person who
/// reported there stays unknown. Returns how many were stored; a repeated
/// Flag stores nothing.
pub async fn receive(app: &App, received: Received) -> Result<usize> {
    let (rules, local_instance_id) = (flags::FlagRules::new(&app.config), app.local_instance_id);
    if received.sender.banned {
        tracing::info!(flag = %received.ap_id, "a report from a person banned here ignored");
        return Ok(0);
    }
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                store_received(conn, &received, &rules, local_instance_id)
            })
        })
        .await
}

fn store_received(
    conn: &mut DbConn,
    r: &Received,
    rules: &flags::FlagRules,
    local_instance_id: i64,
) -> Result<usize> {
    if rows::by_ap_id(conn, &r.ap_id)?.is_some() {
        return Ok(0);
    }
    let mut content: Vec<Reported> = Vec::new();
    let mut accounts: Vec<i64> = Vec::new();
    for id in &r.objects {
        if let Some(post) = post_rows::by_ap_id(conn, id)? {
            content.push(Reported {
                post_id: Some(post.id),
                comment_id: None,
                person_id: post.author_id,
                group_id: Some(post.group_id),
            });
        } else if let Some(c) = comment_rows::by_ap_id(conn, id)? {
            let post = post_rows::by_id(conn, c.post_id)?;
            content.push(Reported {
                post_id: None,
                comment_id: Some(c.id),
                person_id: c.author_id,
                group_id: Some(post.group_id),
            });
        } else if let Some(p) = people::by_ap_id(conn, id)?.filter(|p| !p.deleted) {
            accounts.push(p.id);
        } else {
            tracing::debug!(flag = %r.ap_id, object = %id, "a reported id not stored here ignored");
        }
    }
    let mut targets = content.clone();
    for person_id in accounts {
        if !content.iter().any(|c| c.person_id == person_id) {
            targets.push(Reported {
                post_id: None,
                comment_id: None,
                person_id,
                group_id: None,
            });
        }
    }
    let reporter_id = (!r.sender.bot).then_some(r.sender.id);
    let mut seen = Vec::new();
    targets.retain(|t| {
        let keep = !seen.contains(t) && Some(t.person_id) != reporter_id;
        seen.push(*t);
        keep
    });
    let reason: String = r.reason.trim().chars().take(REASON_CHARS).collect();
    let at = now();
    let mut stored = 0;
    for (n, t) in targets.iter().enumerate() {
        // The same person reporting the same thing again (under a new Flag
        // id) is one report, as it is for a local person.
        if let Some(reporter) = reporter_id {
            if rows::open_exists(conn, reporter, t.post_id, t.comment_id, t.person_id)? {
                continue;
            }
        }
        let inserted = rows::insert_received(
            conn,
            &NewReport {
                ap_id: Some(item_ap_id(&r.ap_id, n)),
                reporter_id,
                origin_instance_id: r.sender.instance_id,
                post_id: t.post_id,
                comment_id: t.comment_id,
                person_id: t.person_id,
                group_id: t.group_id,
                reason: reason.clone(),
                created_at: at,
            },
        )?;
        let Some(report) = inserted else {
            // The same Flag delivered twice at once (to a group's inbox
            // and the shared inbox): the other delivery stored it.
            return Ok(0);
        };
        stored += 1;
        flags::hide_when_flagged(conn, rules, local_instance_id, t.post_id, t.comment_id)?;
        filed(conn, r.sender.id, &report, Some(r.ap_id.clone()))?;
    }
    Ok(stored)
}

/// The stored id of the `n`th report one Flag makes: the Flag's own id for
/// the first (so a repeat is found by it), a suffix for the others (the
/// column is unique).
fn item_ap_id(flag: &str, n: usize) -> String {
    match n {
        0 => flag.to_string(),
        n if flag.contains('#') => format!("{flag}-{n}"),
        n => format!("{flag}#{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn one_subject_exactly() {
        assert!(matches!(
            Subject::one_of(Some(1), None, None),
            Ok(Subject::Post(1))
        ));
        assert!(matches!(
            Subject::one_of(None, Some(2), None),
            Ok(Subject::Comment(2))
        ));
        assert!(matches!(
            Subject::one_of(None, None, Some("bob".into())),
            Ok(Subject::Person(_))
        ));
        for bad in [
            Subject::one_of(None, None, None),
            Subject::one_of(Some(1), Some(2), None),
        ] {
            assert_eq!(bad.map(|_| ()).unwrap_err().kind, ErrorKind::Unprocessable);
        }
    }

    #[test]
    fn reasons_are_trimmed_and_bounded() {
        assert_eq!(check_reason("  spam  ").unwrap(), "spam");
        assert!(check_reason("   ").is_err());
        assert!(check_reason(&"x".repeat(REASON_CHARS)).is_ok());
        assert!(check_reason(&"x".repeat(REASON_CHARS + 1)).is_err());
    }

    #[test]
    fn states() {
        assert_eq!(parse_state(None).unwrap(), None);
        assert_eq!(
            parse_state(Some("dismissed")).unwrap(),
            Some(ReportState::Dismissed)
        );
        assert_eq!(
            parse_state(Some("closed")).unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }

    #[test]
    fn each_report_of_a_flag_has_its_own_id() {
        let f = "https://social.example/0f3c";
        assert_eq!(item_ap_id(f, 0), f);
        assert_eq!(item_ap_id(f, 2), "https://social.example/0f3c#2");
        assert_eq!(
            item_ap_id("https://x.example/a#flag", 1),
            "https://x.example/a#flag-1"
        );
    }
}
