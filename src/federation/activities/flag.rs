//! `Flag`: reports between servers. Read in the shapes Mastodon (sent by
//! its instance actor; `object` lists statuses and the account, reason in
//! `content`), Lemmy (sent by the reporter; `object` the thread or comment,
//! `to` the group, reason in `summary`) and Mbin (`object` the content and
//! the account, reason in both) send; stored as reports by
//! `moderation::reports::receive`. Sent when a moderator here forwards a
//! report: from the instance actor (which keeps the reporter private),
//! listing the content and the account so that Mastodon files it, with the
//! reason in both `content` and `summary`.

use super::content;
use super::one_url;
use crate::error::{Error, Result};
use crate::federation::actors::check_origin;
use crate::federation::objects::context;
use crate::federation::objects::incoming::value_url;
use crate::federation::outbox;
use crate::moderation::reports::{self, Forward, Received};
use crate::App;
use activitypub_federation::config::Data;
use serde::Deserialize;
use serde_json::{json, Value};
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

/// The Flag a forwarded report is sent as.
pub fn forwarded(app: &App, f: &Forward) -> Value {
    let actor = format!("{}/actor", app.config.base_url());
    let reason = &f.info.report.reason;
    let person = &f.info.person.ap_id;
    // Lemmy reads `to` as the one group the report is for; Mastodon only
    // needs the account among the objects.
    let (to, cc) = match &f.group {
        Some(g) if f.info.person.local => (vec![g.ap_id.clone()], Vec::new()),
        Some(g) => (vec![g.ap_id.clone()], vec![person.clone()]),
        None => (vec![person.clone()], Vec::new()),
    };
    let mut flag = json!({
        "@context": context(),
        "type": "Flag",
        "id": app.ids.activity("flag"),
        "actor": actor,
        "object": f.objects,
        "content": reason,
        "summary": reason,
        "to": to,
        "cc": cc,
    });
    if let Some(g) = &f.group {
        flag["audience"] = json!(g.ap_id);
    }
    flag
}

/// Queues the Flag of a forwarded report, signed by the instance actor.
pub async fn forward(app: &App, f: &Forward) -> Result<()> {
    let actor = format!("{}/actor", app.config.base_url());
    outbox::send(app, forwarded(app, f), &actor, f.inboxes.clone()).await
}
