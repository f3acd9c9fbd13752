//! Queues outgoing activities: records the activity, adds one delivery per
//! distinct inbox, and wakes the delivery worker. Nothing is sent here.

use super::activities::accept::{answer_activity, AnswerKind};
use super::activities::follow::Follow;
use super::actors::authority;
use super::objects::{context, PUBLIC};
use super::protocol::activities::{ObjectActivity, Verb};
use super::software::Reader;
use crate::community::groups::MembershipChange;
use crate::error::{Error, Result};
use crate::store::follows::{Follow as FollowRow, FollowState};
use crate::store::groups::{self, Group};
use crate::store::people::Person;
use crate::store::{deliveries, write_tx, DbConn};
use serde_json::Value;

/// Queues `activity` (which must carry `id` and `type`) for `inboxes`,
/// signed by the local actor `signer`, in a transaction of its own.
/// Returns how many deliveries it made.
pub fn enqueue(
    conn: &mut DbConn,
    activity: &Value,
    signer: &str,
    inboxes: &[String],
) -> Result<usize> {
    write_tx(conn, |conn| enqueue_in_tx(conn, activity, signer, inboxes))
}

/// `enqueue` inside the caller's write transaction.
pub fn enqueue_in_tx(
    conn: &mut DbConn,
    activity: &Value,
    signer: &str,
    inboxes: &[String],
) -> Result<usize> {
    let id = activity["id"]
        .as_str()
        .ok_or_else(|| Error::bad_request("an outgoing activity has no id"))?;
    let kind = activity["type"].as_str().unwrap_or("Activity");
    let mut targets: Vec<String> = inboxes.to_vec();
    targets.sort();
    targets.dedup();
    // Every activity leaves with a JSON-LD context (Mastodon needs it).
    let data = if activity.get("@context").is_some() {
        activity.to_string()
    } else {
        let mut with_context = activity.clone();
        if let Some(o) = with_context.as_object_mut() {
            o.insert("@context".into(), context());
        }
        with_context.to_string()
    };
    let Some(activity_id) =
        deliveries::record_activity(conn, id, kind, true, activity["actor"].as_str(), &data)?
    else {
        return Ok(0);
    };
    deliveries::enqueue(conn, activity_id, signer, &targets)
}

/// Queues our `Accept` or `Reject` of a remote person's Follow, from the
/// local group or person `local_actor`.
pub fn answer(
    conn: &mut DbConn,
    app: &crate::App,
    kind: AnswerKind,
    local_actor: &str,
    follow: &Follow,
    follower: &Person,
) -> Result<usize> {
    let activity = answer_activity(app, kind, local_actor, follow)?;
    enqueue_in_tx(
        conn,
        &activity,
        local_actor,
        std::slice::from_ref(&follower.inbox_url),
    )
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::internal("cannot encode an activity", e))
}

fn undo(app: &crate::App, actor: &str, object: Value) -> Result<Value> {
    ObjectActivity::new(Verb::Undo, &app.ids.activity("undo"), actor, object)?.into_value()
}

/// A local person asked to join a remote group (Follow), or a remote
/// person's Follow of a local open group was admitted (Accept).
pub fn membership_joined(
    conn: &mut DbConn,
    app: &crate::App,
    change: &MembershipChange,
) -> Result<usize> {
    let (Some(m), Some(follow_id)) = (&change.membership, &change.follow_id) else {
        return Ok(0);
    };
    let (g, p) = (&change.group, &change.person);
    let follow = Follow::new(follow_id, &p.ap_id, &g.ap_id)?;
    if !g.local && p.local {
        return enqueue_in_tx(
            conn,
            &to_json(&follow)?,
            &p.ap_id,
            std::slice::from_ref(&g.inbox_url),
        );
    }
    if g.local && !p.local && m.is_member() {
        return answer(conn, app, AnswerKind::Accept, &g.ap_id, &follow, p);
    }
    Ok(0)
}

/// A local person left a remote group: Undo(Follow).
pub fn membership_left(
    conn: &mut DbConn,
    app: &crate::App,
    change: &MembershipChange,
) -> Result<usize> {
    let (g, p) = (&change.group, &change.person);
    match &change.follow_id {
        Some(follow_id) if !g.local && p.local => {
            let follow = Follow::new(follow_id, &p.ap_id, &g.ap_id)?;
            enqueue_in_tx(
                conn,
                &undo(app, &p.ap_id, to_json(&follow)?)?,
                &p.ap_id,
                std::slice::from_ref(&g.inbox_url),
            )
        }
        _ => Ok(0),
    }
}

/// A local moderator decided on a remote person's request: Accept or Reject.
pub fn membership_decided(
    conn: &mut DbConn,
    app: &crate::App,
    change: &MembershipChange,
    kind: AnswerKind,
) -> Result<usize> {
    let (g, p) = (&change.group, &change.person);
    match &change.follow_id {
        Some(follow_id) if g.local && !p.local => {
            let follow = Follow::new(follow_id, &p.ap_id, &g.ap_id)?;
            answer(conn, app, kind, &g.ap_id, &follow, p)
        }
        _ => Ok(0),
    }
}

/// A follow of a person as it stands after a change.
pub struct FollowChange {
    pub follower: Person,
    pub followee: Person,
    /// The follow row; None once it is gone.
    pub follow: Option<FollowRow>,
    /// The id of the Follow activity that carries it.
    pub follow_id: Option<String>,
}

/// A local person followed (or stopped following) a remote person; a
/// remote person's Follow of a local one is accepted.
pub fn follow_changed(conn: &mut DbConn, app: &crate::App, change: &FollowChange) -> Result<usize> {
    let (me, other) = (&change.follower, &change.followee);
    let Some(follow_id) = &change.follow_id else {
        return Ok(0);
    };
    if !me.local && other.local {
        if change.follow.is_none() {
            return Ok(0);
        }
        let follow = Follow::new(follow_id, &me.ap_id, &other.ap_id)?;
        return answer(conn, app, AnswerKind::Accept, &other.ap_id, &follow, me);
    }
    if !me.local || other.local {
        return Ok(0);
    }
    let follow = Follow::new(follow_id, &me.ap_id, &other.ap_id)?;
    let inbox = [other.inbox_url.clone()];
    match &change.follow {
        Some(f) if f.state == FollowState::Pending => {
            enqueue_in_tx(conn, &to_json(&follow)?, &me.ap_id, &inbox)
        }
        Some(_) => Ok(0),
        None => enqueue_in_tx(
            conn,
            &undo(app, &me.ap_id, to_json(&follow)?)?,
            &me.ap_id,
            &inbox,
        ),
    }
}

/// A remote person's Follow of a local person who blocked them: Reject.
pub fn follow_refused(
    conn: &mut DbConn,
    app: &crate::App,
    follower: &Person,
    followee: &Person,
    follow_id: &str,
) -> Result<usize> {
    let follow = Follow::new(follow_id, &follower.ap_id, &followee.ap_id)?;
    answer(
        conn,
        app,
        AnswerKind::Reject,
        &followee.ap_id,
        &follow,
        follower,
    )
}

/// A local group passes an activity on to its followers (inside the
/// caller's write transaction; returns how many deliveries it queued): `Announce` of the
/// activity as it is, to every follower's server, and for a new thread
/// also `Announce` of the thread's id (what Mastodon and Pleroma show as a
/// boost), to the servers that read that form only (see
/// `software::Reader`: Lemmy refuses it). Servers of the activity's own
/// actor are left out: they have it already. A club's Announces go to its
/// followers only, never Public.
pub fn relay(
    conn: &mut DbConn,
    app: &crate::App,
    group: &Group,
    activity: Value,
    new_thread: Option<String>,
) -> Result<usize> {
    let origin = activity["actor"]
        .as_str()
        .and_then(|a| url::Url::parse(a).ok())
        .map(|a| authority(&a));
    let (to, cc) = if group.is_private() {
        (vec![group.followers_url.clone()], Vec::new())
    } else {
        (vec![PUBLIC.to_string()], vec![group.followers_url.clone()])
    };
    let announce = |object: Value| {
        ObjectActivity::new(
            Verb::Announce,
            &app.ids.activity("announce"),
            &group.ap_id,
            object,
        )?
        .addressed(&to, &cc)?
        .in_group(&group.ap_id)?
        .into_value()
    };
    let of_activity = announce(activity)?;
    let of_thread = new_thread
        .map(|thread| announce(Value::String(thread)))
        .transpose()?;
    let (group_id, signer) = (group.id, group.ap_id.clone());
    let followers: Vec<(String, Reader)> =
        groups::remote_member_inboxes_with_software(conn, group_id)?
            .into_iter()
            .filter(|(i, _)| {
                let host = url::Url::parse(i).ok().map(|u| authority(&u));
                origin.is_none() || host != origin
            })
            .map(|(i, software)| (i, Reader::of(software.as_deref())))
            .collect();
    let all: Vec<String> = followers.iter().map(|(i, _)| i.clone()).collect();
    let microblogs: Vec<String> = followers
        .into_iter()
        .filter(|(_, r)| *r == Reader::Microblog)
        .map(|(i, _)| i)
        .collect();
    let mut queued = enqueue_in_tx(conn, &of_activity, &signer, &all)?;
    if let Some(boost) = &of_thread {
        queued += enqueue_in_tx(conn, boost, &signer, &microblogs)?;
    }
    Ok(queued)
}
