//! Password reset by a link sent by mail: asking never tells who has an
//! account; the link works once, until it expires; setting the password
//! ends every session of the account.

use super::accounts::validate_password;
use super::email::{self, Letter, Unsubscribe, Who};
use super::tokens;
use crate::error::{Error, Result};
use crate::store::mail::{self as rows, Purpose, Token};
use crate::store::people::{self, LocalUser, Person};
use crate::store::{now, write_tx, DbConn};
use crate::App;
use chrono::Duration;

/// Queues a reset link to the account's address when there is such an
/// account with an address; answers the same either way.
pub async fn request(app: &App, who: Who) -> Result<()> {
    if !app.config.smtp.configured() {
        return Err(email::mail_disabled("resetting a password"));
    }
    let app2 = app.clone();
    let queued = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| match email::account_of(conn, &who)? {
                Some((user, person)) => queue_link(conn, &app2, &user, &person),
                None => Ok(false),
            })
        })
        .await?;
    if queued {
        email::wake(app);
    }
    Ok(())
}

fn queue_link(conn: &mut DbConn, app: &App, user: &LocalUser, person: &Person) -> Result<bool> {
    let Some(address) = user.email.clone() else {
        return Ok(false);
    };
    let at = now();
    if rows::latest_token_at(conn, user.id, Purpose::Reset)?
        .is_some_and(|t| t > at - Duration::seconds(email::RESEND_AFTER_SECS))
    {
        return Ok(false);
    }
    // One live link at a time.
    rows::expire_tokens(conn, user.id, Purpose::Reset, at)?;
    let token = tokens::random_token();
    let minutes = app.config.email.reset_link_minutes;
    rows::insert_token(
        conn,
        &tokens::hash_token(&token),
        user.id,
        Purpose::Reset,
        "",
        Some(at + Duration::minutes(i64::from(minutes))),
        at,
    )?;
    let site = &app.config.site_name;
    let link = format!("{}/password_reset/{token}", app.config.base_url());
    email::queue(
        conn,
        app,
        user.id,
        &address,
        Letter {
            subject: format!("{site}: reset your password"),
            text: format!(
                "Hello {},\n\nsomeone (you, we hope) asked to reset your password on {site}. Choose a new one here:\n\n{link}\n\nThe link works once, for {minutes} minutes. If you did not ask, ignore this mail: your password stays as it is.\n",
                person.name
            ),
            html: None,
        },
        Unsubscribe::All,
    )?;
    Ok(true)
}

/// The live reset link behind `token`: 404 when there is none, 410 when
/// it was used or has expired.
fn live(conn: &mut DbConn, token: &str) -> Result<Token> {
    let t = rows::token(conn, &tokens::hash_token(token), Purpose::Reset)?
        .ok_or_else(|| Error::not_found("no such password reset link"))?;
    if t.used_at.is_some() || t.expires_at.is_some_and(|e| e <= now()) {
        return Err(Error::gone(
            "this password reset link was used or has expired; ask for a new one",
        ));
    }
    Ok(t)
}

/// The name of the account a live link resets (for the form).
pub async fn check(app: &App, token: &str) -> Result<String> {
    let token = token.to_string();
    app.store
        .run(move |conn| {
            let t = live(conn, &token)?;
            let user = people::local_user_by_id(conn, t.local_user_id)?;
            Ok(people::by_id(conn, user.person_id)?.name)
        })
        .await
}

/// Sets the new password, uses up the link, ends every session. The link
/// proved the mailbox, so the address counts as confirmed.
pub async fn complete(app: &App, token: &str, password: String) -> Result<()> {
    validate_password(&password)?;
    // Checked before the costly hashing; checked again when writing.
    check(app, token).await?;
    let hash = tokio::task::spawn_blocking(move || tokens::hash_password(&password)).await??;
    let token = token.to_string();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let t = live(conn, &token)?;
                if !rows::use_token(conn, t.id, now())? {
                    return Err(Error::gone("this password reset link was used"));
                }
                let user = people::local_user_by_id(conn, t.local_user_id)?;
                people::set_password_hash(conn, user.id, &hash)?;
                people::revoke_all_tokens(conn, user.id)?;
                let mut settings = rows::settings(conn, user.id)?;
                if settings.verified_email != user.email {
                    settings.verified_email = user.email.clone();
                    rows::save_settings(conn, user.id, &settings)?;
                }
                Ok(())
            })
        })
        .await
}
