//! `guildhall federation inspect`: what this server would do with one
//! activity or object, read with the inbox's own types and checks but with
//! no network and no store. What only the store could settle (is that
//! thread stored here, is that actor a group we follow) is stated as a
//! condition rather than guessed.

use super::activities::create::embedded_content;
use super::activities::{InboxActivity, ObjectActivity};
use super::actors::{check_origin, same_origin};
use super::objects::group::GroupObject;
use super::objects::incoming::{IncomingObject, CONTENT_TYPES};
use super::objects::person::{PersonKind, PersonObject};
use super::objects::types::with_one_type;
use super::protocol::activities::Verb;
use super::protocol::dispatch::Arrival;
use super::protocol::{disposition, Action, Head, Skip};
use crate::config::LimitsConfig;
use crate::error::{Error, ErrorKind};
use crate::store::posts::PostKind;
use activitypub_federation::traits::ActivityHandler;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use url::Url;

/// The types `InboxActivity::from_value` parses as activities; anything
/// else is an activity only when it has both `actor` and `object`.
const ACTIVITY_TYPES: &[&str] = &[
    "Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Like", "Dislike",
    "Announce",
];

/// Width of the label column, so values line up.
const LABEL_WIDTH: usize = 10;

/// What the server does with the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Acted on, under the conditions stated.
    Acts(String),
    /// Knowingly not acted on (the inbox answers 202 all the same).
    Skipped(String),
    /// Read, but refused by the origin or authorship checks (403).
    Refused(String),
}

/// A description of one activity or object, printed as labelled lines.
#[derive(Debug, Clone)]
pub struct Report {
    /// `activity` or `object`.
    pub heading: &'static str,
    pub kind: String,
    pub id: Url,
    pub actor: Option<Url>,
    /// What an activity acts on: type and id when embedded, else the id.
    pub object: Option<String>,
    /// Further labelled lines (title, candidate groups, inbox, key...).
    pub details: Vec<(&'static str, String)>,
    pub outcome: Outcome,
    /// The activity a group relays in its Announce, described in turn.
    pub relayed: Option<Box<Report>>,
}

impl Report {
    fn new(heading: &'static str, kind: &str, id: Url) -> Report {
        Report {
            heading,
            kind: kind.to_string(),
            id,
            actor: None,
            object: None,
            details: Vec::new(),
            outcome: Outcome::Skipped(String::new()),
            relayed: None,
        }
    }

    /// The value of a detail line, by label.
    pub fn detail(&self, label: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.as_str())
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, indent: &str) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, label: &str, value: &str| {
            writeln!(f, "{indent}{:<LABEL_WIDTH$}{value}", format!("{label}:"))
        };
        line(f, self.heading, &format!("{} ({})", self.kind, self.id))?;
        if let Some(actor) = &self.actor {
            line(f, "actor", actor.as_str())?;
        }
        if let Some(object) = &self.object {
            line(f, "object", object)?;
        }
        for (label, value) in &self.details {
            line(f, label, value)?;
        }
        match &self.outcome {
            Outcome::Acts(s) => line(f, "effect", s)?,
            Outcome::Skipped(s) => line(f, "skipped", s)?,
            Outcome::Refused(s) => line(f, "refused", s)?,
        }
        if let Some(inner) = &self.relayed {
            inner.write(f, &format!("{indent}  "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "")
    }
}

/// Why describing stopped: the payload cannot be read (the inbox answers
/// 400, and so do we: an error), or it was read and is refused (reported).
enum Stop {
    Unreadable(String),
    Refused(String),
}

impl From<String> for Stop {
    fn from(reason: String) -> Stop {
        Stop::Unreadable(reason)
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        if e.kind == ErrorKind::BadRequest {
            Stop::Unreadable(e.detail)
        } else {
            Stop::Refused(e.detail)
        }
    }
}

/// Reads `json_text` as one activity or object and says what this server
/// would do with it. `Err` carries why it cannot be read at all.
pub fn inspect(json_text: &str) -> Result<Report, String> {
    let value: Value =
        serde_json::from_str(json_text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("not a JSON object: an activity or object is one".into());
    }
    // A list of types reads as the first one understood.
    let value = with_one_type(value);
    let top = Top::deserialize(&value).map_err(|e| format!("unreadable: {e}"))?;
    let kind = match top.kind {
        None | Some(Value::Null) => return Err("it has no type".into()),
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!(
                "its type is neither a string nor a list of strings: {other}"
            ))
        }
    };
    let id = top_id(top.id)?;
    if ACTIVITY_TYPES.contains(&kind.as_str()) || Head::of(&value).is_activity() {
        describe_activity(value, None)
    } else {
        describe_object(value, &kind, id)
    }
}

/// `type` and `id` as written, for a refusal that says what is wrong.
#[derive(Deserialize)]
struct Top {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
}

/// The payload's own id, checked first so that the reason names it.
fn top_id(id: Option<Value>) -> Result<Url, String> {
    match id {
        None | Some(Value::Null) => Err("it has no id".into()),
        Some(Value::String(s)) => {
            Url::parse(&s).map_err(|e| format!("its id {s:?} is not a URL: {e}"))
        }
        Some(other) => Err(format!("its id is not a string: {other}")),
    }
}

/// `via` is the group whose Announce carries the activity.
fn describe_activity(value: Value, via: Option<&Url>) -> Result<Report, String> {
    let object = Head::of(&value).object.as_ref().map(describe_ref);
    let activity = InboxActivity::from_value(value)?;
    let mut report = Report::new("activity", activity.kind(), activity.id().clone());
    report.actor = Some(activity.actor().clone());
    report.object = object;
    let effect = activity
        .verify_shape()
        .map_err(Stop::from)
        .and_then(|()| effect(activity, via, &mut report));
    match effect {
        Ok(outcome) => report.outcome = outcome,
        Err(Stop::Refused(reason)) => report.outcome = Outcome::Refused(reason),
        Err(Stop::Unreadable(reason)) => return Err(reason),
    }
    Ok(report)
}

/// What the inbox does, as [`disposition`] decides (the inbox's own rule),
/// described without the store.
fn effect(
    activity: InboxActivity,
    via: Option<&Url>,
    report: &mut Report,
) -> Result<Outcome, Stop> {
    if via.is_some() && matches!(activity, InboxActivity::Announce(_)) {
        // `announce::receive` refuses it before the inbox's rule is asked.
        return Err(Stop::Unreadable(
            "an Announce inside an Announce is not accepted".into(),
        ));
    }
    let arrival = match via {
        Some(_) => Arrival::Announced,
        None => Arrival::Direct,
    };
    Ok(match disposition(activity, arrival)? {
        Action::Follow(f) => Outcome::Acts(format!(
            "if {} is a local group: joins it (its join policy accepts, holds for a moderator or refuses); if a local person: follows them; else answered 404",
            f.object
        )),
        Action::Answer(a) => {
            let follow = a.follow_id().map_or_else(|| "(no id)".to_string(), |u| u.to_string());
            if a.kind == Verb::Accept {
                Outcome::Acts(format!(
                    "our Follow {follow} of {} is accepted (if we sent it)",
                    a.actor
                ))
            } else {
                Outcome::Acts(format!(
                    "our Follow {follow} of {} is refused and dropped (if we sent it)",
                    a.actor
                ))
            }
        }
        Action::UndoFollow(follow) => Outcome::Acts(format!(
            "{} leaves {} if it is a local group, or stops following it if a local person",
            follow.actor, follow.object
        )),
        Action::UndoVote(vote, _) => Outcome::Acts(format!(
            "clears the vote of {} on {} (if that thread or comment is stored here)",
            vote.actor,
            vote.object_id()?
        )),
        Action::Unlock(a, _) => Outcome::Acts(format!(
            "unlocks the thread {} if stored here and {} moderates its group",
            a.object_id()?,
            a.actor
        )),
        Action::Unban(a, _) => Outcome::Acts(format!(
            "lifts the ban of {} from the group named in `target` if {} moderates it (a target that is not a stored group is skipped)",
            a.object_id()?,
            a.actor
        )),
        Action::Restore(a, _) => Outcome::Acts(format!(
            "restores {} if stored here, removed, and {} moderates its group",
            a.object_id()?,
            a.actor
        )),
        Action::Create(a) => match embedded_content(&a)? {
            None => not_content(&a),
            Some(o) => content_outcome(&o, via, &mut report.details),
        },
        Action::Update(a) => match embedded_content(&a)? {
            None => not_content(&a),
            Some(o) => {
                let as_new = match content_outcome(&o, via, &mut report.details) {
                    Outcome::Acts(s) => format!("stores it as new: {s}"),
                    Outcome::Skipped(s) | Outcome::Refused(s) => format!("skipped: {s}"),
                };
                Outcome::Acts(format!(
                    "edits it if stored here (by its author only); else {as_new}"
                ))
            }
        },
        Action::Delete(a) => {
            let target = a.object_id()?;
            if target == a.actor {
                Outcome::Skipped(
                    "the deletion of an account is not acted on here".to_string(),
                )
            } else {
                Outcome::Acts(format!(
                    "deletes {target} if stored here (by its author, kept as a tombstone; by a moderator of its group, removed)"
                ))
            }
        }
        Action::Lock(a) => Outcome::Acts(format!(
            "locks the thread {} if stored here and {} moderates its group",
            a.object_id()?,
            a.actor
        )),
        Action::Pin(a) | Action::Unpin(a) => Outcome::Acts(format!(
            "{} the thread {} if the target is its group's featured collection and {} moderates the group",
            if a.kind == Verb::Add { "pins" } else { "unpins" },
            a.object_id()?,
            a.actor
        )),
        Action::Ban(a) => Outcome::Acts(format!(
            "bans {} from the group named in `target` if {} moderates it (a target that is not a stored group is skipped)",
            a.object_id()?,
            a.actor
        )),
        Action::Vote(a, value) => vote_outcome(&a, if value > 0 { "+1" } else { "-1" })?,
        Action::Announce(a) => {
            let head = a.object_head();
            if !head.is_activity() {
                let what = match (&a.object, head.kind) {
                    (Value::String(_), _) => "an object id".to_string(),
                    (_, Some(kind)) => format!("an embedded {kind}"),
                    (_, None) => "an embedded object without a type".to_string(),
                };
                return Ok(Outcome::Skipped(format!(
                    "Announce of {what} (a boost): the group's Announce(Create) carries the content"
                )));
            }
            let inner = describe_activity(a.object.clone(), Some(&a.actor))
                .map_err(|e| format!("the announced activity: {e}"))?;
            if inner
                .actor
                .as_ref()
                .is_some_and(|actor| !same_origin(actor, &a.actor))
            {
                report.details.push((
                    "origin",
                    "the relayed actor is of another server than the group: a thread or comment is taken from its own id, not from this copy".to_string(),
                ));
            }
            report.relayed = Some(Box::new(inner));
            Outcome::Acts(format!(
                "{} relays the activity below, acted on only if it is a remote group stored here and only for that group's own content",
                a.actor
            ))
        }
        Action::Flag(f) => {
            report.object = Some(join(&f.objects()));
            report.details.push(("reason", f.reason()));
            Outcome::Acts(
                "a report for the moderators: one per listed thread or comment stored here (its author reported), and one per listed account stored here that none of them is by; nothing when no id is stored here"
                    .into(),
            )
        }
        Action::Skip(Skip::OnlyDirect(what)) => Outcome::Skipped(format!(
            "{what} is acted on only when sent directly, not relayed in an Announce"
        )),
        Action::Skip(Skip::UndoOf(kind)) => Outcome::Skipped(format!(
            "Undo of {} is not acted on here",
            kind.as_deref().unwrap_or("an activity without a type")
        )),
        Action::Skip(Skip::Unsupported(kind)) => Outcome::Skipped(format!(
            "{kind} is not acted on here (answered 202 and dropped)"
        )),
    })
}

fn vote_outcome(a: &ObjectActivity, value: &str) -> Result<Outcome, Stop> {
    Ok(Outcome::Acts(format!(
        "{value} vote by {} on {} (if that thread or comment is stored here; votes from bots are ignored)",
        a.actor,
        a.object_id()?
    )))
}

fn not_content(a: &ObjectActivity) -> Outcome {
    Outcome::Skipped(format!(
        "{} of a {}: only {} become threads or comments",
        a.kind,
        type_of(&a.object),
        CONTENT_TYPES.join(", ")
    ))
}

/// A thread or a comment, as `create::store_new` decides.
fn content_outcome(
    o: &IncomingObject,
    via: Option<&Url>,
    details: &mut Vec<(&'static str, String)>,
) -> Outcome {
    if let Some(parent) = &o.in_reply_to {
        return Outcome::Acts(format!(
            "comment replying to {parent} (if that thread or comment is stored here)"
        ));
    }
    details.push(("title", o.title(LimitsConfig::default().title_chars)));
    let candidates = o.addressees();
    if candidates.is_empty() {
        return Outcome::Skipped(
            "a thread addressed to no group (nothing in audience, to, cc or Mention tags but Public)"
                .into(),
        );
    }
    details.push(("groups", join(&candidates)));
    let kind = match o.kind.as_str() {
        "Question" => PostKind::Question,
        "Article" => PostKind::Article,
        _ => PostKind::Discussion,
    }
    .as_str();
    Outcome::Acts(match via {
        Some(group) if candidates.contains(group) => {
            format!("new thread ({kind}) in the announcing group {group}")
        }
        _ => format!(
            "new thread ({kind}) in the first of these groups that is stored here (candidates from audience, to, cc and Mention tags; offline the store is not read)"
        ),
    })
}

fn describe_object(value: Value, kind: &str, id: Url) -> Result<Report, String> {
    let mut report = Report::new("object", kind, id.clone());
    let malformed = |e: serde_json::Error| format!("malformed {kind}: {e}");
    let checked = match kind {
        "Person" | "Service" | "Application" => {
            let person: PersonObject = serde_json::from_value(value).map_err(malformed)?;
            report
                .details
                .push(("name", name(&person.preferred_username, &person.name)));
            report.details.push(("inbox", person.inbox.clone()));
            report.details.push(("key", person.public_key.id.clone()));
            let what = if person.kind == PersonKind::Person {
                "a remote person"
            } else {
                "a remote bot (its votes are ignored)"
            };
            actor_checks(&id, &[&person.inbox], &person.public_key.owner).map(|()| {
                Outcome::Acts(format!(
                    "{what}: stored when it signs an activity here or is fetched"
                ))
            })
        }
        "Group" => {
            let group: GroupObject = serde_json::from_value(value).map_err(malformed)?;
            report
                .details
                .push(("name", name(&group.preferred_username, &group.name)));
            report.details.push(("inbox", group.inbox.clone()));
            report.details.push((
                "joining",
                if group.manually_approves_followers {
                    "approved by its moderators (manuallyApprovesFollowers)".to_string()
                } else {
                    "open: a Follow is accepted".to_string()
                },
            ));
            if group.posting_restricted_to_mods {
                report
                    .details
                    .push(("posting", "moderators only".to_string()));
            }
            let mut urls = vec![group.inbox.as_str()];
            urls.extend(group.followers.as_deref());
            actor_checks(&id, &urls, &group.public_key.owner).map(|()| {
                Outcome::Acts(
                    "a remote group: followed from here, its Announces bring its threads, comments and votes"
                        .to_string(),
                )
            })
        }
        "Tombstone" => {
            let former = Head::of(&value)
                .former_type
                .map(|t| format!(" (formerly a {t})"))
                .unwrap_or_default();
            Ok(Outcome::Skipped(format!(
                "a deleted object{former}: nothing to store"
            )))
        }
        _ if CONTENT_TYPES.contains(&kind) => {
            let object = IncomingObject::parse(&value)?;
            let outcome = content_outcome(&object, None, &mut report.details);
            Ok(match outcome {
                Outcome::Acts(s) => {
                    Outcome::Acts(format!("when it arrives in a Create or is fetched: {s}"))
                }
                other => other,
            })
        }
        _ => Ok(Outcome::Skipped(format!(
            "not understood: a {kind} object is not something this server reads"
        ))),
    };
    report.outcome = match checked {
        Ok(outcome) => outcome,
        Err(Stop::Refused(reason)) => Outcome::Refused(reason),
        Err(Stop::Unreadable(reason)) => return Err(reason),
    };
    Ok(report)
}

/// The checks `ApPerson::verify` and `ApGroup::verify` make before
/// storing a remote actor.
fn actor_checks(id: &Url, own_urls: &[&str], key_owner: &str) -> Result<(), Stop> {
    for u in own_urls {
        let url = Url::parse(u).map_err(|e| format!("the actor's URL {u:?} is not a URL: {e}"))?;
        check_origin(&url, id)?;
    }
    if key_owner != id.as_str() {
        return Err(Stop::Refused(format!(
            "the public key belongs to another actor ({key_owner})"
        )));
    }
    Ok(())
}

fn name(username: &str, display: &Option<String>) -> String {
    match display.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => format!("{username} ({d})"),
        None => username.to_string(),
    }
}

/// `Type id` for an embedded object, the id for a reference.
fn describe_ref(v: &Value) -> String {
    let head = Head::of(v);
    let id = head
        .id
        .map_or_else(|| "(no id)".to_string(), |u| u.to_string());
    match head.kind {
        Some(kind) => format!("{kind} {id}"),
        None => id,
    }
}

fn type_of(v: &Value) -> String {
    Head::of(v)
        .kind
        .unwrap_or_else(|| "object without a type".to_string())
}

fn join(urls: &[Url]) -> String {
    urls.iter().map(Url::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(v: Value) -> Report {
        inspect(&v.to_string()).unwrap()
    }

    fn fails(v: Value) -> String {
        inspect(&v.to_string()).unwrap_err()
    }

    fn acts(r: &Report) -> &str {
        match &r.outcome {
            Outcome::Acts(s) => s,
            other => panic!("expected an effect, got {other:?}"),
        }
    }

    fn skipped(r: &Report) -> &str {
        match &r.outcome {
            Outcome::Skipped(s) => s,
            other => panic!("expected skipped, got {other:?}"),
        }
    }

    fn refused(r: &Report) -> &str {
        match &r.outcome {
            Outcome::Refused(s) => s,
            other => panic!("expected refused, got {other:?}"),
        }
    }

    fn create(object: Value) -> Value {
        json!({
            "type": "Create",
            "id": "https://social.example/users/kim/statuses/1/activity",
            "actor": "https://social.example/users/kim",
            "object": object
        })
    }

    fn reply() -> Value {
        create(json!({
            "type": "Note",
            "id": "https://social.example/users/kim/statuses/1",
            "attributedTo": "https://social.example/users/kim",
            "inReplyTo": "https://brand.example/post/7",
            "content": "<p>Same here.</p>"
        }))
    }

    #[test]
    fn a_reply_renders_as_four_lines() {
        assert_eq!(
            run(reply()).to_string(),
            "activity: Create (https://social.example/users/kim/statuses/1/activity)\n\
             actor:    https://social.example/users/kim\n\
             object:   Note https://social.example/users/kim/statuses/1\n\
             effect:   comment replying to https://brand.example/post/7 (if that thread or comment is stored here)\n"
        );
    }

    #[test]
    fn a_mention_starts_a_thread_titled_by_its_first_line() {
        let r = run(create(json!({
            "type": "Note",
            "id": "https://social.example/users/kim/statuses/2",
            "content": "<p><span class=\"h-card\"><a href=\"https://brand.example/g/support\">@<span>support</span></a></span> Printer won&#39;t pair<br>Help?</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": ["https://social.example/users/kim/followers"],
            "tag": [{"type": "Mention", "href": "https://brand.example/g/support"}]
        })));
        assert_eq!(r.detail("title"), Some("Printer won't pair"));
        assert_eq!(
            r.detail("groups"),
            Some("https://social.example/users/kim/followers, https://brand.example/g/support")
        );
        assert!(acts(&r).starts_with("new thread (discussion)"));
    }

    #[test]
    fn a_question_is_a_question_thread_and_no_group_is_skipped() {
        let r = run(create(json!({
            "type": "Question",
            "id": "https://social.example/users/kim/statuses/3",
            "name": "Which glue?",
            "audience": "https://brand.example/g/woodwork"
        })));
        assert!(acts(&r).starts_with("new thread (question)"));
        let r = run(create(json!({
            "type": "Note",
            "id": "https://social.example/users/kim/statuses/4",
            "to": "as:Public"
        })));
        assert!(skipped(&r).contains("addressed to no group"));
    }

    #[test]
    fn other_object_types_are_skipped() {
        let r = run(create(json!({
            "type": "ChatMessage",
            "id": "https://social.example/objects/5",
            "content": "hi"
        })));
        assert!(skipped(&r).starts_with("Create of a ChatMessage"));
    }

    #[test]
    fn content_from_another_host_or_author_is_refused() {
        let r = run(create(json!({
            "type": "Note",
            "id": "https://elsewhere.example/notes/1",
            "inReplyTo": "https://brand.example/post/7"
        })));
        assert!(refused(&r).contains("does not belong to the origin"));
        let r = run(create(json!({
            "type": "Note",
            "id": "https://social.example/users/kim/statuses/6",
            "attributedTo": "https://social.example/users/lou",
            "inReplyTo": "https://brand.example/post/7"
        })));
        assert!(refused(&r).contains("author"));
        let mut forged = reply();
        forged["id"] = json!("https://elsewhere.example/activity/1");
        assert!(refused(&run(forged)).contains("does not belong to the origin"));
    }

    #[test]
    fn an_update_edits_or_stores_as_new() {
        let mut update = reply();
        update["type"] = json!("Update");
        let r = run(update);
        assert!(acts(&r).starts_with("edits it if stored here"));
        assert!(acts(&r).contains("comment replying to"));
    }

    #[test]
    fn votes_and_their_undo() {
        let like = json!({
            "type": "Like",
            "id": "https://social.example/users/kim#likes/1",
            "actor": "https://social.example/users/kim",
            "object": "https://brand.example/post/7"
        });
        assert!(acts(&run(like.clone())).starts_with("+1 vote"));
        let mut dislike = like.clone();
        dislike["type"] = json!("Dislike");
        assert!(acts(&run(dislike)).starts_with("-1 vote"));
        let undo = json!({
            "type": "Undo",
            "id": "https://social.example/users/kim#likes/1/undo",
            "actor": "https://social.example/users/kim",
            "object": like
        });
        let r = run(undo);
        assert!(acts(&r).starts_with("clears the vote"));
        assert!(acts(&r).contains("https://brand.example/post/7"));
    }

    #[test]
    fn undoing_someone_elses_activity_is_refused() {
        let r = run(json!({
            "type": "Undo",
            "id": "https://social.example/undo/1",
            "actor": "https://social.example/users/kim",
            "object": {
                "type": "Like", "id": "https://social.example/likes/1",
                "actor": "https://social.example/users/lou",
                "object": "https://brand.example/post/7"
            }
        }));
        assert!(refused(&r).contains("its own activities"));
    }

    #[test]
    fn follow_and_its_undo() {
        let follow = json!({
            "type": "Follow",
            "id": "https://social.example/follows/1",
            "actor": "https://social.example/users/kim",
            "object": "https://brand.example/g/support"
        });
        assert!(acts(&run(follow.clone()))
            .starts_with("if https://brand.example/g/support is a local group: joins it"));
        let r = run(json!({
            "type": "Undo",
            "id": "https://social.example/follows/1/undo",
            "actor": "https://social.example/users/kim",
            "object": follow
        }));
        assert!(acts(&r).contains("leaves https://brand.example/g/support if it is a local group"));
        let r = run(json!({
            "type": "Undo",
            "id": "https://social.example/announces/1/undo",
            "actor": "https://social.example/users/kim",
            "object": {"type": "Announce", "id": "https://social.example/announces/1", "actor": "https://social.example/users/kim"}
        }));
        assert!(skipped(&r).contains("Undo of Announce"));
    }

    #[test]
    fn accept_names_the_follow() {
        let r = run(json!({
            "type": "Accept",
            "id": "https://mbin.example/f/object/1#accept",
            "actor": "https://mbin.example/m/woodwork",
            "object": {
                "type": "Follow", "id": "https://brand.example/activities/follow/9",
                "actor": "https://brand.example/u/ann",
                "object": "https://mbin.example/m/woodwork"
            }
        }));
        assert!(acts(&r).contains("https://brand.example/activities/follow/9"));
        assert_eq!(
            r.object.as_deref(),
            Some("Follow https://brand.example/activities/follow/9")
        );
    }

    #[test]
    fn deletes() {
        let r = run(json!({
            "type": "Delete",
            "id": "https://social.example/users/kim/statuses/1#delete",
            "actor": "https://social.example/users/kim",
            "object": {"type": "Tombstone", "id": "https://social.example/users/kim/statuses/1"}
        }));
        assert!(acts(&r)
            .starts_with("deletes https://social.example/users/kim/statuses/1 if stored here"));
        let r = run(json!({
            "type": "Delete",
            "id": "https://social.example/users/kim#delete",
            "actor": "https://social.example/users/kim",
            "object": "https://social.example/users/kim"
        }));
        assert!(skipped(&r).contains("account"));
    }

    fn announce(object: Value) -> Value {
        json!({
            "type": "Announce",
            "id": "https://lemmy.example/activities/announce/1",
            "actor": "https://lemmy.example/c/gardening",
            "object": object
        })
    }

    #[test]
    fn a_relay_of_another_servers_content_says_it_is_taken_from_its_origin() {
        let r = run(announce(json!({
            "type": ["Create"],
            "id": "https://other.example/activities/create/1",
            "actor": "https://other.example/u/pat",
            "object": {
                "type": ["Page", "Article"],
                "id": "https://other.example/post/1",
                "attributedTo": "https://other.example/u/pat",
                "name": "From elsewhere",
                "audience": "https://lemmy.example/c/gardening"
            }
        })));
        assert!(r
            .detail("origin")
            .is_some_and(|d| d.contains("taken from its own id")));
        let same = run(announce(json!({
            "type": "Like",
            "id": "https://lemmy.example/activities/like/1",
            "actor": "https://lemmy.example/u/ada",
            "object": "https://lemmy.example/post/1"
        })));
        assert_eq!(same.detail("origin"), None);
    }

    #[test]
    fn a_group_announce_describes_the_relayed_activity() {
        let r = run(announce(json!({
            "type": "Create",
            "id": "https://lemmy.example/activities/create/1",
            "actor": "https://lemmy.example/u/ada",
            "object": {
                "type": "Page",
                "id": "https://lemmy.example/post/1",
                "attributedTo": "https://lemmy.example/u/ada",
                "name": "Tomatoes in October",
                "audience": "https://lemmy.example/c/gardening"
            }
        })));
        assert!(acts(&r).contains("relays the activity below"));
        let inner = r.relayed.as_deref().unwrap();
        assert_eq!(inner.kind, "Create");
        assert_eq!(inner.detail("title"), Some("Tomatoes in October"));
        assert_eq!(
            acts(inner),
            "new thread (discussion) in the announcing group https://lemmy.example/c/gardening"
        );
        assert!(r.to_string().contains("\n  activity: Create ("));
    }

    #[test]
    fn boosts_and_relayed_follows_are_skipped() {
        let r = run(announce(json!("https://tube.example/videos/watch/1")));
        assert!(skipped(&r).starts_with("Announce of an object id (a boost)"));
        let r = run(announce(
            json!({"type": "Page", "id": "https://lemmy.example/post/1"}),
        ));
        assert!(skipped(&r).starts_with("Announce of an embedded Page"));
        let r = run(announce(json!({
            "type": "Follow",
            "id": "https://lemmy.example/follow/1",
            "actor": "https://lemmy.example/u/ada",
            "object": "https://brand.example/g/support"
        })));
        assert!(skipped(r.relayed.as_deref().unwrap()).contains("only when sent directly"));
    }

    #[test]
    fn an_announce_in_an_announce_is_not_read() {
        let inner = announce(json!("https://lemmy.example/post/1"));
        assert!(fails(announce(inner)).contains("an Announce inside an Announce"));
        let broken = announce(
            json!({"type": "Create", "actor": "https://lemmy.example/u/ada", "object": {}}),
        );
        assert!(fails(broken).starts_with("the announced activity: malformed Create"));
    }

    #[test]
    fn unknown_activities_are_skipped() {
        let r = run(json!({
            "type": "Move",
            "id": "https://social.example/users/kim#moves/1",
            "actor": "https://social.example/users/kim",
            "object": "https://social.example/users/kim",
            "target": "https://other.example/users/kim"
        }));
        assert!(skipped(&r).starts_with("Move is not acted on here"));
    }

    #[test]
    fn unreadable_payloads_are_errors() {
        assert!(inspect("{").unwrap_err().starts_with("not valid JSON"));
        assert!(inspect("[1]").unwrap_err().starts_with("not a JSON object"));
        assert_eq!(
            fails(json!({"id": "https://a.example/1"})),
            "it has no type"
        );
        assert_eq!(fails(json!({"type": "Note"})), "it has no id");
        assert!(fails(json!({"type": "Note", "id": "notes/1"})).contains("is not a URL"));
        let bad_follow = json!({
            "type": "Follow", "id": "https://a.example/f/1",
            "actor": "https://a.example/u/1", "object": "a group"
        });
        assert!(fails(bad_follow).starts_with("malformed Follow"));
        let mut bare = reply();
        bare["object"] = json!("https://social.example/users/kim/statuses/1");
        assert!(fails(bare).contains("needs its object embedded"));
        let mut bad_object = reply();
        bad_object["object"]["id"] = json!("statuses/1");
        assert!(fails(bad_object).starts_with("malformed object"));
    }

    fn key(owner: &str) -> Value {
        json!({"id": format!("{owner}#main-key"), "owner": owner, "publicKeyPem": "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"})
    }

    #[test]
    fn actors() {
        let id = "https://social.example/users/kim";
        let person = json!({
            "type": "Person", "id": id, "preferredUsername": "kim", "name": "Kim L",
            "inbox": "https://social.example/users/kim/inbox", "publicKey": key(id)
        });
        let r = run(person.clone());
        assert_eq!(r.heading, "object");
        assert_eq!(r.detail("name"), Some("kim (Kim L)"));
        assert_eq!(
            r.detail("key"),
            Some("https://social.example/users/kim#main-key")
        );
        assert!(acts(&r).starts_with("a remote person"));
        let mut bot = person.clone();
        bot["type"] = json!("Service");
        assert!(acts(&run(bot)).starts_with("a remote bot"));
        let mut stolen = person.clone();
        stolen["publicKey"] = key("https://social.example/users/lou");
        assert!(refused(&run(stolen)).contains("another actor"));
        let mut keyless = person;
        keyless.as_object_mut().unwrap().remove("publicKey");
        assert!(fails(keyless).starts_with("malformed Person"));

        let gid = "https://lemmy.example/c/gardening";
        let r = run(json!({
            "type": "Group", "id": gid, "preferredUsername": "gardening",
            "inbox": "https://lemmy.example/c/gardening/inbox",
            "followers": "https://lemmy.example/c/gardening/followers",
            "manuallyApprovesFollowers": true, "publicKey": key(gid)
        }));
        assert!(r.detail("joining").unwrap().starts_with("approved"));
        assert!(acts(&r).starts_with("a remote group"));
    }

    #[test]
    fn other_objects() {
        let r = run(json!({
            "type": "Page", "id": "https://lemmy.example/post/2", "name": "Seeds",
            "audience": "https://lemmy.example/c/gardening"
        }));
        assert!(acts(&r).starts_with("when it arrives in a Create or is fetched: new thread"));
        let r = run(
            json!({"type": "Tombstone", "id": "https://lemmy.example/post/3", "formerType": "Page"}),
        );
        assert_eq!(
            skipped(&r),
            "a deleted object (formerly a Page): nothing to store"
        );
        let r = run(json!({"type": "Image", "id": "https://lemmy.example/pictrs/1"}));
        assert!(skipped(&r).starts_with("not understood"));
    }
}
