//! Webhooks for CRMs and other integrations: admins register endpoints
//! (URL, secret, the kinds of event they want); what happens in the
//! community is sent to them as signed JSON (the Standard Webhooks
//! specification), from a queue with retries, and logged.
//!
//! - `consumer`: turns events into queued deliveries (nothing of a club:
//!   a receiver is outside every club);
//! - `payload`: the messages' JSON;
//! - `signature`: Standard Webhooks signing;
//! - `jobs::webhooks`: the sender.

pub mod consumer;
pub mod payload;
pub mod signature;

use crate::community::accounts::{self, Account};
use crate::community::principal::Grant;
use crate::error::{Error, Result};
use crate::store::api_tokens::Scope;
use crate::store::webhooks::{self as rows, Webhook, WebhookDelivery, WebhookFields};
use crate::store::write_tx;
use crate::App;
use url::Url;

crate::text_enum! {
    /// The kinds of event a webhook can ask for.
    pub enum Kind {
        MemberJoined => "member.joined",
        MemberLeft => "member.left",
        ThreadCreated => "thread.created",
        AnswerAccepted => "answer.accepted",
        ReportFiled => "report.filed",
        ReportClosed => "report.closed",
        RankChanged => "rank.changed",
        IdeaStatusChanged => "idea.status_changed",
        ArticlePublished => "article.published",
        QuestionEscalated => "question.escalated",
    }
}

/// What an admin sends to register or change a webhook.
pub struct WebhookInput {
    pub url: String,
    pub kinds: Vec<String>,
    pub description: String,
    pub enabled: bool,
}

/// Webhooks are managed with the leave of `webhooks:manage` (an admin's
/// session, or a token holding it: see `community::principal`).
fn require_manage(grant: &Grant) -> Result<()> {
    grant.require(Scope::WebhooksManage)
}

/// The kinds a webhook asked for (an unknown one, written by a newer
/// version, is skipped).
pub fn kinds_of(w: &Webhook) -> Vec<Kind> {
    serde_json::from_str::<Vec<String>>(&w.kinds)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| Kind::parse(k))
        .collect()
}

/// Checks an input: an http(s) URL (a public address unless
/// `federation.debug`, checked again at each delivery, as for
/// federation), and known kinds.
async fn checked(app: &App, input: &WebhookInput) -> Result<String> {
    let url = Url::parse(input.url.trim())
        .map_err(|e| Error::unprocessable(format!("url: not a URL ({e})")))?;
    crate::federation::sending::check_inbox_url(&url, app.config.federation.debug)
        .await
        .map_err(|e| Error::unprocessable(format!("url: {}", e.detail)))?;
    if input.kinds.is_empty() {
        return Err(Error::unprocessable(format!(
            "kinds: name at least one of {}",
            Kind::listed()
        )));
    }
    let mut kinds = Vec::new();
    for k in &input.kinds {
        let kind = Kind::parse(k).ok_or_else(|| {
            Error::unprocessable(format!(
                "kinds: no kind {k:?}; the kinds: {}",
                Kind::listed()
            ))
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    crate::community::check_size("description", &input.description, 1000)?;
    serde_json::to_string(&kinds).map_err(|e| Error::internal("cannot encode kinds", e))
}

/// Registers a webhook; answers it with its new secret.
pub async fn create(app: &App, grant: &Grant, input: WebhookInput) -> Result<Webhook> {
    require_manage(grant)?;
    let kinds = checked(app, &input).await?;
    let secret = signature::new_secret();
    app.store
        .run(move |conn| {
            let f = WebhookFields {
                url: input.url.trim(),
                kinds: &kinds,
                description: &input.description,
                enabled: input.enabled,
            };
            rows::insert(conn, &f, &secret)
        })
        .await
}

pub async fn update(app: &App, grant: &Grant, id: i64, input: WebhookInput) -> Result<Webhook> {
    require_manage(grant)?;
    let kinds = checked(app, &input).await?;
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                rows::get(conn, id)?;
                let f = WebhookFields {
                    url: input.url.trim(),
                    kinds: &kinds,
                    description: &input.description,
                    enabled: input.enabled,
                };
                let w = rows::update(conn, id, &f)?;
                if !w.enabled {
                    rows::stop_waiting(conn, id)?;
                }
                Ok(w)
            })
        })
        .await
}

pub async fn list(app: &App, grant: &Grant) -> Result<Vec<Webhook>> {
    require_manage(grant)?;
    app.store.run(rows::list).await
}

pub async fn get(app: &App, grant: &Grant, id: i64) -> Result<Webhook> {
    require_manage(grant)?;
    app.store.run(move |conn| rows::get(conn, id)).await
}

pub async fn delete(app: &App, grant: &Grant, id: i64) -> Result<()> {
    require_manage(grant)?;
    let gone = app.store.run(move |conn| rows::delete(conn, id)).await?;
    if gone {
        Ok(())
    } else {
        Err(Error::not_found(format!("no webhook {id}")))
    }
}

/// A webhook's delivery log, newest first.
pub async fn deliveries(
    app: &App,
    grant: &Grant,
    id: i64,
    page: i64,
) -> Result<Vec<WebhookDelivery>> {
    require_manage(grant)?;
    let size = app.config.limits.page_size;
    let offset = crate::community::follows::page_offset(page, size)?;
    app.store
        .run(move |conn| {
            rows::get(conn, id)?;
            rows::deliveries_of(conn, id, offset, size)
        })
        .await
}

/// Sends a delivery's message again (a new attempt in the log).
pub async fn redeliver(
    app: &App,
    grant: &Grant,
    id: i64,
    delivery_id: i64,
) -> Result<WebhookDelivery> {
    require_manage(grant)?;
    let queued = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let d = rows::delivery(conn, delivery_id)?;
                if d.webhook_id != id {
                    return Err(Error::not_found(format!(
                        "no delivery {delivery_id} of webhook {id}"
                    )));
                }
                let w = rows::get(conn, id)?;
                if !w.enabled {
                    return Err(Error::conflict(
                        "the webhook is switched off: switch it on first",
                    ));
                }
                let new = rows::redeliver(conn, &d)?;
                rows::delivery(conn, new)
            })
        })
        .await?;
    app.webhook_wakeup.notify_one();
    Ok(queued)
}

/// Sets (or clears) the CRM's id of a local account.
pub async fn set_external_id(
    app: &App,
    grant: &Grant,
    name: &str,
    external_id: Option<String>,
) -> Result<Option<String>> {
    grant.require(Scope::AccountsExternalId)?;
    let external_id = external_id
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(e) = &external_id {
        crate::community::check_size("external_id", e, 200)?;
    }
    let name = name.to_string();
    app.store
        .run(move |conn| {
            let account = accounts::account_by_name(conn, &name)?
                .ok_or_else(|| Error::not_found(format!("no local account {name}")))?;
            rows::set_external_id(conn, account.user.id, external_id.as_deref())?;
            Ok(external_id)
        })
        .await
}

/// A local account's CRM id (with the leave of `accounts:external_id`).
pub async fn external_id(app: &App, grant: &Grant, name: &str) -> Result<Account> {
    grant.require(Scope::AccountsExternalId)?;
    let name = name.to_string();
    app.store
        .run(move |conn| {
            accounts::account_by_name(conn, &name)?
                .ok_or_else(|| Error::not_found(format!("no local account {name}")))
        })
        .await
}

/// The local accounts with a CRM id, oldest first (several accounts may
/// share one: a customer with two accounts).
pub async fn accounts_with_external_id(
    app: &App,
    grant: &Grant,
    external_id: &str,
) -> Result<Vec<Account>> {
    grant.require(Scope::AccountsExternalId)?;
    let external_id = external_id.trim().to_string();
    if external_id.is_empty() {
        return Err(Error::unprocessable("external_id: the CRM's id to look up"));
    }
    app.store
        .run(move |conn| {
            Ok(rows::by_external_id(conn, &external_id)?
                .into_iter()
                .map(|(user, person)| Account { user, person })
                .collect())
        })
        .await
}
