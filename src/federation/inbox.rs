//! The inboxes (shared `/inbox`, and per person and group): body size limit,
//! domain block, signature (Date, Digest, the actor's key), parsing, and the
//! activity's own checks and effects.

use super::activities::InboxActivity;
use super::actors::same_origin;
use super::actors::{authority, AnyActor};
use super::protocol::Head;
use super::signature::{self, Signed};
use crate::error::{Error, Result};
use crate::input;
use crate::moderation::{limits, policy};
use crate::store::{instances, now};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{ActivityHandler, Actor};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

/// Activities are small; anything larger is refused before it is read.
pub const MAX_BODY: usize = 1024 * 1024;

async fn read_body(mut payload: web::Payload) -> Result<web::Bytes> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Error::bad_request(format!("cannot read the body: {e}")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Error::too_large(format!(
                "an activity is at most {MAX_BODY} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Refuses activities from servers we do not federate with (blocked, or
/// not a partner in allowlist mode) before any other work. Answers the
/// sender's server when we gave up on it (dead, or failing): it is marked
/// alive once the activity's signature verified ([`revive`]), not before,
/// or anyone could revive any server.
async fn check_domain(app: &App, activity: &serde_json::Value) -> Result<Option<String>> {
    let Some(actor) = Head::of(activity).actor else {
        return Ok(None);
    };
    let domain = authority(&actor);
    let domain_for_limit = domain.clone();
    let (refusal, failing) = app
        .store
        .run(move |conn| {
            let failing = instances::by_domain(conn, &domain)?
                .filter(|i| i.dead || i.failures > 0)
                .map(|i| i.domain);
            Ok((policy::refusal(conn, &domain)?, failing))
        })
        .await?;
    if let Some(why) = refusal {
        return Err(Error::forbidden(why));
    }
    limits::check_remote(app, &domain_for_limit)?;
    Ok(failing)
}

/// A server we gave up on is talking again: deliver to it again.
async fn revive(app: &App, domain: String) -> Result<()> {
    app.store
        .run(move |conn| instances::mark_alive(conn, &domain, now()))
        .await
}

pub async fn inbox(
    req: HttpRequest,
    payload: web::Payload,
    data: Data<App>,
) -> Result<HttpResponse> {
    let body = read_body(payload).await?;
    let mut value: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| Error::bad_request(format!("the body is not JSON: {e}")))?;
    input::drop_nul(&mut value);
    let kind = Head::of(&value).kind;
    let answer = receive(&req, &body, value, &data).await;
    let outcome = match &answer {
        Ok(_) => "accepted",
        Err(e) => e.kind.code(),
    };
    crate::telemetry::inbox_activity(kind.as_deref(), outcome);
    answer
}

/// The checks and effects of one activity that parsed as JSON.
async fn receive(
    req: &HttpRequest,
    body: &[u8],
    value: serde_json::Value,
    data: &Data<App>,
) -> Result<HttpResponse> {
    let failing = check_domain(data.app_data(), &value).await?;
    signature::check(req, Signed::Delivery, body, chrono::Utc::now())?;
    let activity = InboxActivity::from_value(value).map_err(Error::bad_request)?;
    let base = url::Url::parse(&data.config.base_url())
        .map_err(|e| Error::internal("public_url is not a URL", e))?;
    if same_origin(activity.id(), &base) {
        return Err(Error::forbidden(
            "an activity of this server cannot arrive from outside",
        ));
    }
    let actor = ObjectId::<AnyActor>::from(activity.actor().clone())
        .dereference(data)
        .await
        .map_err(|e: Error| {
            Error::unauthorized(format!(
                "cannot get the key of {}: {}",
                activity.actor(),
                e.detail
            ))
        })?;
    signature::verify(req, Signed::Delivery, actor.public_key_pem())?;
    if let Some(domain) = failing {
        revive(data.app_data(), domain).await?;
    }
    activity.verify(data).await?;
    activity.receive(data).await?;
    Ok(HttpResponse::Accepted().json(json!({"status": "accepted"})))
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/inbox", web::post().to(inbox))
        .route("/u/{name}/inbox", web::post().to(inbox))
        .route("/g/{name}/inbox", web::post().to(inbox));
}
