//! Notification mail: notifications of the kinds a member wants by email
//! (`notification_preference.delivery = email`) are mailed at once, or
//! gathered into one daily digest, per the member's mail frequency. Each
//! notification mailed gets its `emailed_at`, set only where it was still
//! empty, so two processes never mail one notification twice.

use crate::community::email::{self, Letter, Unsubscribe};
use crate::community::privacy::{self, Sight, Viewer};
use crate::community::Actor;
use crate::config::Verification;
use crate::error::Result;
use crate::notifications::{Delivery, Kind};
use crate::store::mail::{self as rows, Addresses, Frequency, Pending, Wanted};
use crate::store::{groups, now, people, write_tx, DbConn};
use crate::App;
use chrono::{Duration, NaiveDateTime};

/// Notifications mailed at once per round.
const BATCH: i64 = 100;

/// A notification older than this is not mailed at once any more (a
/// member who turns mail on does not get the past weeks).
const IMMEDIATE_WITHIN_HOURS: i64 = 24;

/// What a digest gathers at most, and from how far back.
const DIGEST_MAX: i64 = 200;
const DIGEST_WITHIN_DAYS: i64 = 7;

/// A digest is due a day after the last; an hour of slack so that the
/// hourly check does not let it drift later each day.
const DIGEST_EVERY_HOURS: i64 = 23;

/// The kinds mailed to a member who made no choice.
fn email_by_default() -> Vec<&'static str> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.default_delivery() == Delivery::Email)
        .map(Kind::as_str)
        .collect()
}

fn addresses(app: &App) -> Addresses {
    match app.config.email.verification {
        Verification::Off => Addresses::Any,
        Verification::Required | Verification::Optional => Addresses::Verified,
    }
}

/// Mails the notifications of members on immediate mail; how many.
pub async fn immediate(app: &App) -> Result<usize> {
    let app2 = app.clone();
    let n = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let at = now();
                let defaults = email_by_default();
                let due = rows::pending_notifications(
                    conn,
                    Wanted {
                        email: Delivery::Email.as_str(),
                        by_default: &defaults,
                    },
                    Frequency::Immediate,
                    addresses(&app2),
                    at - Duration::hours(IMMEDIATE_WITHIN_HOURS),
                    None,
                    BATCH,
                )?;
                let mut n = 0;
                for p in due {
                    // A withheld one is claimed too, or it would be read again
                    // each round.
                    if !rows::claim_for_mail(conn, p.notification_id, at)? || !may_see(conn, &p)? {
                        continue;
                    }
                    let letter = single(&app2, &p);
                    email::queue(
                        conn,
                        &app2,
                        p.local_user_id,
                        &p.to_address,
                        letter,
                        Unsubscribe::Kind(&p.kind),
                    )?;
                    n += 1;
                }
                Ok(n)
            })
        })
        .await?;
    if n > 0 {
        email::wake(app);
    }
    Ok(n)
}

/// Makes the daily digests due at `at` (the worker passes the present;
/// a test may pass a later time); how many were queued.
pub async fn digests(app: &App, at: NaiveDateTime) -> Result<usize> {
    let due = app
        .store
        .run(move |conn| rows::digests_due(conn, at - Duration::hours(DIGEST_EVERY_HOURS), 1000))
        .await?;
    let mut queued = 0;
    for local_user_id in due {
        let app2 = app.clone();
        let made = app
            .store
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let user = people::local_user_by_id(conn, local_user_id)?;
                    let defaults = email_by_default();
                    let pending = rows::pending_notifications(
                        conn,
                        Wanted {
                            email: Delivery::Email.as_str(),
                            by_default: &defaults,
                        },
                        Frequency::Daily,
                        addresses(&app2),
                        at - Duration::days(DIGEST_WITHIN_DAYS),
                        Some(user.person_id),
                        DIGEST_MAX,
                    )?;
                    let stamp = now();
                    let mut told = Vec::new();
                    for p in pending {
                        if rows::claim_for_mail(conn, p.notification_id, stamp)?
                            && may_see(conn, &p)?
                        {
                            told.push(p);
                        }
                    }
                    rows::set_digest_at(conn, local_user_id, at)?;
                    let Some(first) = told.first() else {
                        return Ok(false);
                    };
                    let to = first.to_address.clone();
                    email::queue(
                        conn,
                        &app2,
                        local_user_id,
                        &to,
                        digest(&app2, &told),
                        Unsubscribe::All,
                    )?;
                    Ok(true)
                })
            })
            .await?;
        if made {
            queued += 1;
        }
    }
    if queued > 0 {
        email::wake(app);
    }
    Ok(queued)
}

/// Whether the member may still see what the notification is about (the
/// one privacy rule: a club's content is for its members; they may have
/// left since).
fn may_see(conn: &mut DbConn, p: &Pending) -> Result<bool> {
    let Some(group_id) = p.group_id else {
        return Ok(true);
    };
    let group = groups::by_id(conn, group_id)?;
    let user = people::local_user_by_id(conn, p.local_user_id)?;
    let reader = Actor {
        person: people::by_id(conn, p.person_id)?,
        role: user.role,
    };
    Ok(privacy::sight(conn, Viewer::Account(&reader), &group)? == Sight::Inside)
}

/// `reply_to_thread` -> `reply to thread`.
fn label(kind: &str) -> String {
    kind.replace('_', " ")
}

/// One line about a notification, and the address of what it is about.
fn line(app: &App, p: &Pending) -> String {
    let who = p.actor_name.as_deref().unwrap_or("someone");
    let mut s = format!("{}: {who}", label(&p.kind));
    if let Some(title) = &p.post_title {
        s.push_str(&format!(" (\"{title}\")"));
    }
    let link = match (p.comment_id, p.post_id) {
        (Some(c), _) => Some(app.ids.comment(c)),
        (None, Some(post)) => Some(app.ids.post(post)),
        (None, None) => None,
    };
    if let Some(link) = link {
        s.push_str(&format!("\n  {link}"));
    }
    s
}

fn single(app: &App, p: &Pending) -> Letter {
    let site = &app.config.site_name;
    Letter {
        subject: format!("{site}: {}", label(&p.kind)),
        text: format!("{}\n", line(app, p)),
        html: None,
    }
}

fn digest(app: &App, told: &[Pending]) -> Letter {
    let site = &app.config.site_name;
    let lines: Vec<String> = told.iter().map(|p| format!("- {}", line(app, p))).collect();
    Letter {
        subject: format!("{site}: your daily digest ({})", told.len()),
        text: format!(
            "What happened on {site} since your last digest:\n\n{}\n",
            lines.join("\n")
        ),
        html: None,
    }
}
