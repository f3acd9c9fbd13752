//! A member's email address and mail: queuing a mail (every one with its
//! one-click unsubscribe link), address verification, and the member's
//! mail settings. Mail is only queued here, in the caller's transaction;
//! `jobs::mail` sends it.

use super::accounts::{validate_email, Account};
use super::tokens;
use crate::config::Verification;
use crate::error::{Error, ErrorKind, Result};
use crate::store::mail::{self as rows, Frequency, NewMail, Purpose, Settings};
use crate::store::people::{self, LocalUser, Person};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::Duration;

/// The answer when mail is needed and this server sends none.
pub fn mail_disabled(what: &str) -> Error {
    Error::new(
        ErrorKind::MailDisabled,
        format!("{what} needs email, and this server sends none (no [smtp] is configured); ask an administrator"),
    )
}

/// A message before it is addressed: its subject and plain-text body, an
/// HTML part when there is one.
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// What the unsubscribe link of a mail stops.
#[derive(Debug, Clone, Copy)]
pub enum Unsubscribe<'a> {
    /// Mail of this notification kind.
    Kind(&'a str),
    /// All notification mail.
    All,
}

impl Unsubscribe<'_> {
    fn scope(&self) -> &str {
        match self {
            Unsubscribe::Kind(k) => k,
            Unsubscribe::All => "",
        }
    }
}

/// Queues `letter` to `to` for the account `local_user_id`, with a fresh
/// unsubscribe link (in the List-Unsubscribe headers and in the text).
/// Call it inside the write transaction of the change that sends it.
pub fn queue(
    conn: &mut DbConn,
    app: &App,
    local_user_id: i64,
    to: &str,
    letter: Letter,
    unsubscribe: Unsubscribe<'_>,
) -> Result<()> {
    let at = now();
    let token = tokens::random_token();
    rows::insert_token(
        conn,
        &tokens::hash_token(&token),
        local_user_id,
        Purpose::Unsubscribe,
        unsubscribe.scope(),
        None,
        at,
    )?;
    let unsubscribe_url = format!("{}/unsubscribe/{token}", app.config.base_url());
    let stops = match unsubscribe {
        Unsubscribe::Kind(_) => "mail of this kind",
        Unsubscribe::All => "all notification mail",
    };
    let text = format!(
        "{}\n\n-- \n{}\nTo stop {stops}: {unsubscribe_url}\n",
        letter.text.trim_end(),
        app.config.site_name
    );
    rows::queue(
        conn,
        &NewMail {
            local_user_id,
            to_address: to.to_string(),
            subject: letter.subject,
            text_body: text,
            html_body: letter.html,
            unsubscribe_url,
        },
        at,
    )?;
    Ok(())
}

/// Wakes the mail worker after a transaction that queued mail committed.
pub fn wake(app: &App) {
    app.mail_wakeup.notify_one();
}

/// Whether a new address gets a verification mail.
fn verifies(app: &App) -> bool {
    app.config.smtp.configured() && app.config.email.verification != Verification::Off
}

/// Queues the mail confirming `address` for `user` (inside the caller's
/// write transaction); nothing when this server does not verify.
pub fn queue_verification(
    conn: &mut DbConn,
    app: &App,
    user: &LocalUser,
    name: &str,
    address: &str,
) -> Result<()> {
    if !verifies(app) {
        return Ok(());
    }
    let at = now();
    rows::expire_tokens(conn, user.id, Purpose::Verify, at)?;
    let token = tokens::random_token();
    rows::insert_token(
        conn,
        &tokens::hash_token(&token),
        user.id,
        Purpose::Verify,
        address,
        Some(at + Duration::hours(i64::from(app.config.email.verify_link_hours))),
        at,
    )?;
    let site = &app.config.site_name;
    let link = format!("{}/email/verify/{token}", app.config.base_url());
    queue(
        conn,
        app,
        user.id,
        address,
        Letter {
            subject: format!("{site}: confirm your email address"),
            text: format!(
                "Hello {name},\n\nplease confirm that {address} is your address on {site} by opening this link:\n\n{link}\n\nIt works for {} hours. If you did not sign up, ignore this mail.\n",
                app.config.email.verify_link_hours
            ),
            html: None,
        },
        Unsubscribe::All,
    )
}

/// Who a request without a session is about: an address or a user name.
pub enum Who {
    Email(String),
    Name(String),
}

/// The local account `who` names, if any.
pub fn account_of(conn: &mut DbConn, who: &Who) -> Result<Option<(LocalUser, Person)>> {
    Ok(match who {
        Who::Email(e) => people::local_by_email(conn, &e.trim().to_lowercase())?,
        Who::Name(n) => match people::local_by_name(conn, n.trim())? {
            Some(p) => people::local_user_by_person(conn, p.id)?.map(|u| (u, p)),
            None => None,
        },
    })
}

/// A new verification mail for an account that cannot log in yet (its
/// address unconfirmed, verification required). Answers the same whether
/// or not there is such an account; at most one mail a minute.
pub async fn resend_to(app: &App, who: Who) -> Result<()> {
    if !app.config.smtp.configured() {
        return Err(mail_disabled("confirming an address"));
    }
    let app2 = app.clone();
    let queued = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some((user, person)) = account_of(conn, &who)? else {
                    return Ok(false);
                };
                let Some(address) = user.email.clone() else {
                    return Ok(false);
                };
                let at = now();
                let recent = rows::latest_token_at(conn, user.id, Purpose::Verify)?
                    .is_some_and(|t| t > at - Duration::seconds(RESEND_AFTER_SECS));
                if recent
                    || rows::settings(conn, user.id)?.verified_email.as_ref() == Some(&address)
                {
                    return Ok(false);
                }
                queue_verification(conn, &app2, &user, &person.name, &address)?;
                Ok(verifies(&app2))
            })
        })
        .await?;
    if queued {
        wake(app);
    }
    Ok(())
}

/// A new link is not mailed while the last one is younger than this: a
/// stranger cannot fill a member's mailbox.
pub const RESEND_AFTER_SECS: i64 = 60;

/// Refuses to log in an account whose address must be confirmed first
/// (accounts made without an address, by the CLI, are not held).
pub fn check_verified(conn: &mut DbConn, app: &App, user: &LocalUser) -> Result<()> {
    if app.config.email.verification != Verification::Required {
        return Ok(());
    }
    let Some(email) = &user.email else {
        return Ok(());
    };
    if rows::settings(conn, user.id)?.verified_email.as_ref() == Some(email) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::EmailUnverified,
        "confirm your email address first: open the link in the mail we sent (POST /api/v1/auth/verify_email/resend sends another)",
    ))
}

/// Confirms the address a verification link was sent to.
pub async fn verify(app: &App, token: &str) -> Result<String> {
    let hash = tokens::hash_token(token);
    let out = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let t = rows::token(conn, &hash, Purpose::Verify)?
                    .ok_or_else(|| Error::not_found("no such verification link"))?;
                let at = now();
                if t.used_at.is_some() || t.expires_at.is_some_and(|e| e <= at) {
                    return Err(Error::gone(
                        "this verification link was used or has expired; ask for a new one",
                    ));
                }
                let user = people::local_user_by_id(conn, t.local_user_id)?;
                if user.email.as_deref() != Some(t.scope.as_str()) {
                    return Err(Error::gone(
                        "the account's address changed since this link was sent",
                    ));
                }
                if !rows::use_token(conn, t.id, at)? {
                    return Err(Error::gone("this verification link was used"));
                }
                let mut settings = rows::settings(conn, user.id)?;
                settings.verified_email = Some(t.scope.clone());
                rows::save_settings(conn, user.id, &settings)?;
                Ok(t.scope)
            })
        })
        .await?;
    Ok(out)
}

/// Sends the verification mail again.
pub async fn resend_verification(app: &App, account: &Account) -> Result<()> {
    if !app.config.smtp.configured() {
        return Err(mail_disabled("confirming an address"));
    }
    if app.config.email.verification == Verification::Off {
        return Err(Error::unprocessable(
            "this server does not verify email addresses",
        ));
    }
    let Some(address) = account.user.email.clone() else {
        return Err(Error::unprocessable(
            "this account has no email address: set one first",
        ));
    };
    let (app2, user, name) = (
        app.clone(),
        account.user.clone(),
        account.person.name.clone(),
    );
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                if rows::settings(conn, user.id)?.verified_email.as_ref() == Some(&address) {
                    return Err(Error::conflict("this address is already confirmed"));
                }
                queue_verification(conn, &app2, &user, &name, &address)
            })
        })
        .await?;
    wake(app);
    Ok(())
}

/// A member's address and mail settings, as the API shows them.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub address: Option<String>,
    pub verified: bool,
    pub frequency: Frequency,
}

fn view(user: &LocalUser, s: &Settings) -> MailSettings {
    MailSettings {
        address: user.email.clone(),
        verified: user.email.is_some() && s.verified_email == user.email,
        frequency: s.frequency,
    }
}

pub async fn settings(app: &App, account: &Account) -> Result<MailSettings> {
    let user = account.user.clone();
    app.store
        .run(move |conn| Ok(view(&user, &rows::settings(conn, user.id)?)))
        .await
}

/// A change of address or mail frequency.
pub struct SettingsEdit {
    pub address: Option<String>,
    pub frequency: Option<Frequency>,
}

/// Changes the address (which then needs confirming again) and how often
/// notification mail comes.
pub async fn update_settings(
    app: &App,
    account: &Account,
    edit: SettingsEdit,
) -> Result<MailSettings> {
    let address = match edit.address {
        Some(a) => {
            let a = a.trim().to_lowercase();
            validate_email(&a)?;
            Some(a)
        }
        None => None,
    };
    let (app2, mut user, name) = (
        app.clone(),
        account.user.clone(),
        account.person.name.clone(),
    );
    let (out, queued) = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut settings = rows::settings(conn, user.id)?;
                let mut queued = false;
                if let Some(a) = address.filter(|a| user.email.as_ref() != Some(a)) {
                    if people::email_taken(conn, &a)? {
                        return Err(Error::conflict("that email address is already registered"));
                    }
                    people::set_email(conn, user.id, Some(&a))?;
                    user.email = Some(a.clone());
                    queue_verification(conn, &app2, &user, &name, &a)?;
                    queued = verifies(&app2);
                }
                if let Some(f) = edit.frequency {
                    if f == Frequency::Daily && settings.frequency != Frequency::Daily {
                        // The first digest a day after choosing it.
                        settings.digest_at = Some(now());
                    }
                    settings.frequency = f;
                }
                rows::save_settings(conn, user.id, &settings)?;
                Ok((view(&user, &settings), queued))
            })
        })
        .await?;
    if queued {
        wake(app);
    }
    Ok(out)
}
