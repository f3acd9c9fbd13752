//! Notifications: what a local member is told, and how. `consumer` maps
//! each event of the log to the notices of local recipients (from local
//! and remote sources alike); `mentions` finds who a text names; `reading`
//! holds the rules of the API (list, count, mark read, preferences);
//! `live` wakes the open streams.
//!
//! One event gives a person at most one notice: a reply that also
//! mentions you is a reply; a reply to your comment in your thread is a
//! reply to your comment.

pub mod consumer;
pub mod live;
pub mod mentions;
pub mod reading;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A comment on your thread (not a question's answer).
    ThreadReply,
    /// A reply to your comment.
    CommentReply,
    /// `@you` or `@you@this.host` in a thread or comment.
    Mention,
    /// Your answer was accepted.
    AnswerAccepted,
    /// An answer on your question.
    Answer,
    /// A moderator removed your thread or comment.
    Removed,
    /// A moderator restored your thread or comment.
    Restored,
    /// A moderator locked your thread.
    Locked,
    /// You were banned from a group or from this server.
    Banned,
    /// A moderator warned you.
    Warned,
    /// Your request to join a club or group was approved.
    MembershipApproved,
    /// Your request to join was rejected.
    MembershipRejected,
    /// Someone follows you.
    Follower,
    /// Someone you follow followed you back (or the reverse): a friend.
    Friend,
    /// Your report was closed.
    ReportClosed,
    /// Staff gave you kudos.
    Kudos,
    /// You earned a badge.
    Badge,
    /// You reached a new rank.
    Rank,
    /// The status of an idea you wrote or voted on changed.
    IdeaStatus,
    /// A question in a group you moderate (or, as staff, any) waits past
    /// its response target.
    Unanswered,
    /// A question waits past its group's second response target (admins).
    UnansweredToAdmins,
}

/// How a member wants a kind delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the app (list and stream) only.
    App,
    /// In the app and by email (at once or in the digest).
    Email,
    /// Not at all.
    Off,
}

impl Kind {
    pub const ALL: [Kind; 21] = [
        Kind::ThreadReply,
        Kind::CommentReply,
        Kind::Mention,
        Kind::AnswerAccepted,
        Kind::Answer,
        Kind::Removed,
        Kind::Restored,
        Kind::Locked,
        Kind::Banned,
        Kind::Warned,
        Kind::MembershipApproved,
        Kind::MembershipRejected,
        Kind::Follower,
        Kind::Friend,
        Kind::ReportClosed,
        Kind::Kudos,
        Kind::Badge,
        Kind::Rank,
        Kind::IdeaStatus,
        Kind::Unanswered,
        Kind::UnansweredToAdmins,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ThreadReply => "thread_reply",
            Kind::CommentReply => "comment_reply",
            Kind::Mention => "mention",
            Kind::AnswerAccepted => "answer_accepted",
            Kind::Answer => "answer",
            Kind::Removed => "removed",
            Kind::Restored => "restored",
            Kind::Locked => "locked",
            Kind::Banned => "banned",
            Kind::Warned => "warned",
            Kind::MembershipApproved => "membership_approved",
            Kind::MembershipRejected => "membership_rejected",
            Kind::Follower => "follower",
            Kind::Friend => "friend",
            Kind::ReportClosed => "report_closed",
            Kind::Kudos => "kudos",
            Kind::Badge => "badge",
            Kind::Rank => "rank",
            Kind::IdeaStatus => "idea_status",
            Kind::Unanswered => "unanswered",
            Kind::UnansweredToAdmins => "unanswered_to_admins",
        }
    }

    pub fn parse(s: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::bad_request(format!(
                    "no notification kind {s:?}; the kinds: {}",
                    Kind::ALL.map(Kind::as_str).join(", ")
                ))
            })
    }

    /// What a member gets without a choice of their own: what someone
    /// wrote to you, and what staff did to you, by email too; the rest in
    /// the app.
    pub fn default_delivery(self) -> Delivery {
        match self {
            Kind::ThreadReply
            | Kind::CommentReply
            | Kind::Mention
            | Kind::Answer
            | Kind::AnswerAccepted
            | Kind::Removed
            | Kind::Banned
            | Kind::Warned
            | Kind::MembershipApproved
            | Kind::MembershipRejected
            | Kind::ReportClosed
            | Kind::Unanswered
            | Kind::UnansweredToAdmins => Delivery::Email,
            Kind::Restored
            | Kind::Locked
            | Kind::Follower
            | Kind::Friend
            | Kind::Kudos
            | Kind::Badge
            | Kind::Rank
            | Kind::IdeaStatus => Delivery::App,
        }
    }
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::App => "app",
            Delivery::Email => "email",
            Delivery::Off => "off",
        }
    }

    /// A stored value; an unknown one (written by a newer version) reads
    /// as the kind's default.
    pub fn stored(s: &str, kind: Kind) -> Delivery {
        match s {
            "app" => Delivery::App,
            "email" => Delivery::Email,
            "off" => Delivery::Off,
            _ => kind.default_delivery(),
        }
    }
}

/// What a kind needs beyond who and what: stored as the row's payload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Payload {
    /// The moderator's reason (removals, bans, warnings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When a ban ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// A closed report's outcome: resolved or dismissed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// A closed report's resolution, as the moderator wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
    /// An idea's new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idea_status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()).expect("parse"), k);
            assert_eq!(
                serde_json::to_value(k).expect("json"),
                serde_json::Value::String(k.as_str().to_string())
            );
        }
        assert!(Kind::parse("nope").is_err());
    }
}
