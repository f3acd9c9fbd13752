//! `Flag`: reports between servers. Read in the shapes Mastodon (sent by
//! its instance actor; `object` lists statuses and the account, reason in
//! `content`), Lemmy (sent by the reporter; `object` the thread or comment,
//! `to` the group, reason in `summary`) and Mbin (`object` the content and
//! the account, reason in both) send; stored as reports by
//! `moderation::reports::receive`. Sent when a moderator here forwards a
//! report: from the reporting actor (a `Service`, which keeps the reporter
//! private and which Lemmy accepts), in Lemmy's shape to a remote group and
//! in Mastodon's to the reported account's server, with the reason in both
//! `content` and `summary`.

use super::content;
use super::one_url;
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::objects::context;
use crate::federation::objects::incoming::value_url;
use crate::federation::objects::reporter;
use crate::moderation::reports::{self, Forward, Received};
use crate::App;
use activitypub_federation::config::Data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

#[derive(Debug, Clone, Deserialize)]
pub struct Flag {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "one_url")]
    pub actor: Url,
    /// One id or a list; ids or embedded objects with an `id`.
    pub object: Value,
    /// The reason, as Mastodon and Mbin send it.
    #[serde(default)]
    pub content: Value,
    /// The reason, as Lemmy and Mbin send it.
    #[serde(default)]
    pub summary: Value,
}

impl Flag {
    /// The ids reported, in the order sent (anything that is not an id is
    /// left out).
    pub fn objects(&self) -> Vec<Url> {
        match &self.object {
            Value::Array(list) => list.iter().filter_map(value_url).collect(),
            one => value_url(one).into_iter().collect(),
        }
    }

    /// `content`, else `summary`; empty when neither is a text (Mastodon
    /// allows a report without a comment).
    pub fn reason(&self) -> String {
        [&self.content, &self.summary]
            .into_iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_string()
    }

    pub fn verify(&self) -> Result<()> {
        check_origin(&self.id, &self.actor)?;
        if self.objects().is_empty() {
            return Err(Error::bad_request("the Flag names no object"));
        }
        Ok(())
    }
}

/// Stores the reports a Flag makes; a Flag about nothing stored here is
/// logged and dropped (the inbox still answers 202).
pub async fn receive(data: &Data<App>, flag: Flag) -> Result<()> {
    let sender = content::remote_person(data, &flag.actor).await?.person;
    let received = Received {
        ap_id: flag.id.to_string(),
        sender,
        objects: flag.objects().iter().map(Url::to_string).collect(),
        reason: flag.reason(),
    };
    let stored = reports::receive(data.app_data(), received).await?;
    if stored == 0 {
        tracing::info!(flag = %flag.id, "a Flag about nothing stored here (or a repeat) skipped");
    } else {
        tracing::info!(flag = %flag.id, reports = stored, "reports received");
    }
    Ok(())
}

/// `object` of a Flag we send: one id (as Lemmy reads it) or a list.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Reported {
    One(String),
    Many(Vec<String>),
}

/// A Flag as this server sends it.
#[derive(Debug, Clone, Serialize)]
pub struct OutgoingFlag {
    #[serde(rename = "@context")]
    pub context: Value,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub actor: String,
    pub object: Reported,
    pub content: String,
    pub summary: String,
    pub to: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

/// The Flags a forwarded report is sent as, each with its inbox, from the
/// reporting actor (never the reporter). To a remote group, as Lemmy takes
/// a report: `object` the one thread or comment, `to` the group. To the
/// reported account's server, as Mastodon takes one: `object` the content
/// and the account (Mastodon files a report only for accounts listed
/// there), `to` the account.
pub fn forwarded(app: &App, f: &Forward) -> Vec<(OutgoingFlag, String)> {
    let actor = reporter::actor_id(&app.config.base_url());
    let reason = f.info.report.reason.clone();
    let person = f.info.person.ap_id.clone();
    let flag = |object, to, audience| OutgoingFlag {
        context: context(),
        kind: "Flag",
        id: app.ids.activity("flag"),
        actor: actor.clone(),
        object,
        content: reason.clone(),
        summary: reason.clone(),
        to,
        cc: Vec::new(),
        audience,
    };
    let mut out = Vec::new();
    if let (Some(g), Some(inbox)) = (&f.group, &f.group_inbox) {
        // A report with a group is about content, listed first.
        let content = f.objects.first().cloned().unwrap_or_else(|| person.clone());
        let to_group = flag(
            Reported::One(content),
            vec![g.ap_id.clone()],
            Some(g.ap_id.clone()),
        );
        out.push((to_group, inbox.clone()));
    }
    if let Some(inbox) = &f.account_inbox {
        let to_account = flag(
            Reported::Many(f.objects.clone()),
            vec![person.clone()],
            f.group.as_ref().map(|g| g.ap_id.clone()),
        );
        out.push((to_account, inbox.clone()));
    }
    out
}
