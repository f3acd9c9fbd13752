//! The mail worker: claims due mails from the queue (with a lease), sends
//! them with lettre's async SMTP transport, retries with backoff, gives
//! up after `email.give_up_after_hours` (at once on a permanent SMTP
//! refusal), and records each outcome. Between rounds it makes the
//! notification mails (`jobs::notification_mail`). Nothing runs when no
//! SMTP server is configured.

use super::notification_mail;
use crate::error::{Error, Result};
use crate::store::mail::{self as rows, Ending, Mail};
use crate::store::{now, write_tx};
use crate::App;
use chrono::Duration;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Mails claimed per round.
const BATCH: i64 = 20;

/// How long a claimed mail stays with its worker before another may take
/// it over (the worker crashed or stopped).
const LEASE_SECS: i64 = 300;

/// How often the daily digests are looked for.
const DIGEST_CHECK_SECS: i64 = 3600;

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): a
/// POST to the link unsubscribes, with no further step.
#[derive(Debug, Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(OneClick)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// Starts the worker; `None` when this server sends no mail, or leaves
/// background work to other processes (`events.consume` off).
pub fn spawn(app: App) -> Result<Option<tokio::task::JoinHandle<()>>> {
    if !app.config.smtp.configured() || !app.config.events.consume {
        return Ok(None);
    }
    let from: Mailbox = app
        .config
        .smtp
        .from
        .parse()
        .map_err(|e| Error::internal("smtp.from is not an address", e))?;
    let transport = Transport::from_url(&app.config.smtp.url)
        .map_err(|e| Error::internal("smtp.url is not an SMTP URL", e))?
        .timeout(Some(std::time::Duration::from_secs(u64::from(
            app.config.federation.request_timeout_secs,
        ))))
        .build();
    Ok(Some(tokio::spawn(run(app, transport, from))))
}

async fn run(app: App, transport: Transport, from: Mailbox) {
    let poll = std::time::Duration::from_millis(app.config.events.poll_ms.clamp(100, 60_000));
    let mut digests_checked: Option<chrono::NaiveDateTime> = None;
    loop {
        if let Err(e) = notification_mail::immediate(&app).await {
            tracing::warn!(error = ?e, "making notification mails failed");
        }
        let at = now();
        if digests_checked.is_none_or(|t| at - t >= Duration::seconds(DIGEST_CHECK_SECS)) {
            digests_checked = Some(at);
            if let Err(e) = notification_mail::digests(&app, at).await {
                tracing::warn!(error = ?e, "making daily digests failed");
            }
        }
        match send_due(&app, &transport, &from).await {
            Ok(n) if n as i64 >= BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "sending mail failed; retrying"),
        }
        // A queued mail leaves a permit, so one queued meanwhile is not missed.
        let _ = tokio::time::timeout(poll, app.mail_wakeup.notified()).await;
    }
}

/// Claims a batch, sends it, records how each ended; how many were claimed.
async fn send_due(app: &App, transport: &Transport, from: &Mailbox) -> Result<usize> {
    let at = now();
    let claimed = app
        .store
        .run(move |conn| rows::claim_due(conn, at, at + Duration::seconds(LEASE_SECS), BATCH))
        .await?;
    let n = claimed.len();
    for m in claimed {
        let ending = match build(&m, from) {
            Ok(message) => match transport.send(message).await {
                Ok(_) => Ending::Sent(now()),
                Err(e) if e.is_permanent() => Ending::GiveUp(format!("refused: {e}")),
                Err(e) => retry(app, &m, e.to_string()),
            },
            Err(e) => Ending::GiveUp(e),
        };
        match &ending {
            Ending::Sent(_) => tracing::debug!(mail = m.id, "mail sent"),
            Ending::RetryAt(when, error) => {
                tracing::info!(mail = m.id, %when, %error, "mail not sent; will retry")
            }
            Ending::GiveUp(error) => tracing::warn!(mail = m.id, %error, "mail given up"),
        }
        let id = m.id;
        app.store
            .run(move |conn| write_tx(conn, |conn| rows::end(conn, id, &ending)))
            .await?;
    }
    Ok(n)
}

/// The next attempt of a mail that failed for now: `email.retry_base_secs`,
/// doubling each time (at most a day), until the give-up time.
fn retry(app: &App, m: &Mail, error: String) -> Ending {
    let email = &app.config.email;
    let at = now();
    if at - m.created_at >= Duration::hours(i64::from(email.give_up_after_hours)) {
        return Ending::GiveUp(format!(
            "still failing after {} hours: {error}",
            email.give_up_after_hours
        ));
    }
    let wait = super::delivery::backoff_secs(m.attempts, email.retry_base_secs);
    Ending::RetryAt(at + Duration::seconds(wait), error)
}

/// The message of a queued mail: a plain-text part (and an HTML one when
/// there is one), with the one-click unsubscribe headers.
fn build(m: &Mail, from: &Mailbox) -> std::result::Result<Message, String> {
    let to: Mailbox = m
        .to_address
        .parse()
        .map_err(|e| format!("not an address ({e}): {:?}", m.to_address))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .header(ListUnsubscribe(m.unsubscribe_url.clone()))
        .header(OneClick);
    let built = match &m.html_body {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(
            m.text_body.clone(),
            html.clone(),
        )),
        None => builder.singlepart(SinglePart::plain(m.text_body.clone())),
    };
    built.map_err(|e| format!("cannot build the message: {e}"))
}
