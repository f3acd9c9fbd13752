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
use crate::error::Result;
use crate::federation::objects::context;
use crate::federation::objects::reporter;
use crate::federation::protocol::activities::Verb;
use crate::federation::protocol::{encode, url};
use crate::moderation::reports::{self, Forward, Received};
use crate::App;
use activitypub_federation::config::Data;
use serde_json::Value;
use url::Url;

pub use crate::federation::protocol::activities::Flag;

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

/// The Flags a forwarded report is sent as, each with its inbox, from the
/// reporting actor (never the reporter). To a remote group, as Lemmy takes
/// a report: `object` the one thread or comment, `to` the group. To the
/// reported account's server, as Mastodon takes one: `object` the content
/// and the account (Mastodon files a report only for accounts listed
/// there), `to` the account.
pub fn forwarded(app: &App, f: &Forward) -> Result<Vec<(Flag, String)>> {
    let actor = url(&reporter::actor_id(&app.config.base_url()))?;
    let reason = f.info.report.reason.clone();
    let person = f.info.person.ap_id.clone();
    let flag = |object: Value, to: &str, audience: Option<&str>| -> Result<Flag> {
        Ok(Flag {
            context: Some(context()),
            kind: Verb::Flag,
            id: url(&app.ids.activity("flag"))?,
            actor: actor.clone(),
            object,
            content: Some(reason.clone()),
            summary: Some(reason.clone()),
            to: vec![url(to)?],
            cc: Vec::new(),
            audience: audience.map(url).transpose()?,
        })
    };
    let mut out = Vec::new();
    if let (Some(g), Some(inbox)) = (&f.group, &f.group_inbox) {
        // A report with a group is about content, listed first.
        let content = f.objects.first().cloned().unwrap_or_else(|| person.clone());
        let to_group = flag(Value::String(content), &g.ap_id, Some(&g.ap_id))?;
        out.push((to_group, inbox.clone()));
    }
    if let Some(inbox) = &f.account_inbox {
        let to_account = flag(
            encode(&f.objects)?,
            &person,
            f.group.as_ref().map(|g| g.ap_id.as_str()),
        )?;
        out.push((to_account, inbox.clone()));
    }
    Ok(out)
}
