//! Mail: the outgoing queue (claimed with a lease, like deliveries, so a
//! crash loses nothing and, on PostgreSQL, two processes never send one
//! row twice), the links sent by mail (stored hashed), each member's mail
//! settings, and the notifications waiting to be mailed.

use super::people::AccountState;
use super::schema::{local_user, mail, mail_account, mail_token, notification};
use super::schema::{notification_preference, person, post};
use super::{write_tx, DbConn};
use crate::error::{Error, ErrorKind, Result};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Where a queued mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailState {
    Pending,
    /// Claimed by a worker until `next_attempt_at` (its lease).
    Sending,
    Sent,
    /// Given up: kept for the record.
    Failed,
}

impl MailState {
    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }
}

/// What a mailed link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms the address in `scope`.
    Verify,
    /// Sets a new password, once, before it expires.
    Reset,
    /// Stops the notification mail of the kind in `scope` ('' for all).
    Unsubscribe,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
            Purpose::Unsubscribe => "unsubscribe",
        }
    }
}

/// How often a member gets notification mail.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// One mail per notification, as it comes.
    Immediate,
    /// One mail a day gathering the day's notifications.
    Daily,
    /// No notification mail.
    Never,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Immediate => "immediate",
            Frequency::Daily => "daily",
            Frequency::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Result<Frequency> {
        match s {
            "immediate" => Ok(Frequency::Immediate),
            "daily" => Ok(Frequency::Daily),
            "never" => Ok(Frequency::Never),
            other => Err(Error::new(
                ErrorKind::Internal,
                format!("a mail frequency this version does not know: {other:?}"),
            )),
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Mail {
    pub id: i64,
    pub local_user_id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub unsubscribe_url: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub local_user_id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub unsubscribe_url: String,
}

/// Queues `m`, due at once.
pub fn queue(conn: &mut DbConn, m: &NewMail, at: NaiveDateTime) -> Result<i64> {
    Ok(diesel::insert_into(mail::table)
        .values((
            mail::local_user_id.eq(m.local_user_id),
            mail::to_address.eq(&m.to_address),
            mail::subject.eq(&m.subject),
            mail::text_body.eq(&m.text_body),
            mail::html_body.eq(&m.html_body),
            mail::unsubscribe_url.eq(&m.unsubscribe_url),
            mail::state.eq(MailState::Pending.as_str()),
            mail::next_attempt_at.eq(at),
            mail::created_at.eq(at),
        ))
        .returning(mail::id)
        .get_result(conn)?)
}

/// Claims up to `limit` due mails until `lease_until`: pending ones, and
/// ones whose worker's lease ran out.
pub fn claim_due(
    conn: &mut DbConn,
    at: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Mail>> {
    write_tx(conn, |conn| {
        let due = mail::table
            .filter(mail::state.eq_any([MailState::Pending.as_str(), MailState::Sending.as_str()]))
            .filter(mail::next_attempt_at.le(at))
            .order(mail::next_attempt_at.asc())
            .limit(limit)
            .select(mail::id);
        let ids: Vec<i64> = match conn {
            DbConn::Pg(pg) => due.for_update().skip_locked().load(pg)?,
            // SQLite: BEGIN IMMEDIATE already made this the only writer.
            DbConn::Sqlite(lite) => due.load(lite)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(mail::table.filter(mail::id.eq_any(&ids)))
            .set((
                mail::state.eq(MailState::Sending.as_str()),
                mail::attempts.eq(mail::attempts + 1),
                mail::next_attempt_at.eq(lease_until),
            ))
            .execute(conn)?;
        Ok(mail::table
            .filter(mail::id.eq_any(&ids))
            .order(mail::id.asc())
            .load(conn)?)
    })
}

/// How a claimed mail's attempt ended.
#[derive(Debug, Clone)]
pub enum Ending {
    Sent(NaiveDateTime),
    RetryAt(NaiveDateTime, String),
    GiveUp(String),
}

pub fn end(conn: &mut DbConn, id: i64, ending: &Ending) -> Result<()> {
    let row = mail::table.find(id);
    match ending {
        // The body goes once the mail is done: it may hold a live link,
        // which is otherwise only kept hashed.
        Ending::Sent(at) => diesel::update(row)
            .set((
                mail::state.eq(MailState::Sent.as_str()),
                mail::sent_at.eq(at),
                mail::last_error.eq(None::<String>),
                mail::text_body.eq(""),
                mail::html_body.eq(None::<String>),
            ))
            .execute(conn)?,
        Ending::RetryAt(at, error) => diesel::update(row)
            .set((
                mail::state.eq(MailState::Pending.as_str()),
                mail::next_attempt_at.eq(at),
                mail::last_error.eq(error),
            ))
            .execute(conn)?,
        Ending::GiveUp(error) => diesel::update(row)
            .set((
                mail::state.eq(MailState::Failed.as_str()),
                mail::last_error.eq(error),
                mail::text_body.eq(""),
                mail::html_body.eq(None::<String>),
            ))
            .execute(conn)?,
    };
    Ok(())
}

pub fn count_in_state(conn: &mut DbConn, state: MailState) -> Result<i64> {
    Ok(mail::table
        .filter(mail::state.eq(state.as_str()))
        .count()
        .get_result(conn)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct Token {
    pub id: i64,
    pub token_hash: String,
    pub local_user_id: i64,
    pub purpose: String,
    pub scope: String,
    pub expires_at: Option<NaiveDateTime>,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_token(
    conn: &mut DbConn,
    token_hash: &str,
    local_user_id: i64,
    purpose: Purpose,
    scope: &str,
    expires_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(mail_token::table)
        .values((
            mail_token::token_hash.eq(token_hash),
            mail_token::local_user_id.eq(local_user_id),
            mail_token::purpose.eq(purpose.as_str()),
            mail_token::scope.eq(scope),
            mail_token::expires_at.eq(expires_at),
            mail_token::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn token(conn: &mut DbConn, token_hash: &str, purpose: Purpose) -> Result<Option<Token>> {
    Ok(mail_token::table
        .filter(mail_token::token_hash.eq(token_hash))
        .filter(mail_token::purpose.eq(purpose.as_str()))
        .first(conn)
        .optional()?)
}

/// Marks a token used; false when it already was (another request won).
pub fn use_token(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> Result<bool> {
    let n = diesel::update(
        mail_token::table
            .find(id)
            .filter(mail_token::used_at.is_null()),
    )
    .set(mail_token::used_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends the unused links of `purpose` an account holds (a new reset link
/// replaces the old ones).
pub fn expire_tokens(
    conn: &mut DbConn,
    local_user_id: i64,
    purpose: Purpose,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(
        mail_token::table
            .filter(mail_token::local_user_id.eq(local_user_id))
            .filter(mail_token::purpose.eq(purpose.as_str()))
            .filter(mail_token::used_at.is_null()),
    )
    .set(mail_token::used_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// A member's mail settings (the defaults when there is no row).
#[derive(Debug, Clone)]
pub struct Settings {
    pub verified_email: Option<String>,
    pub frequency: Frequency,
    pub digest_at: Option<NaiveDateTime>,
}

pub fn settings(conn: &mut DbConn, local_user_id: i64) -> Result<Settings> {
    let row: Option<(Option<String>, String, Option<NaiveDateTime>)> = mail_account::table
        .find(local_user_id)
        .select((
            mail_account::verified_email,
            mail_account::frequency,
            mail_account::digest_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((verified_email, frequency, digest_at)) => Settings {
            verified_email,
            frequency: Frequency::parse(&frequency)?,
            digest_at,
        },
        None => Settings {
            verified_email: None,
            frequency: Frequency::Immediate,
            digest_at: None,
        },
    })
}

/// Writes a member's mail settings (run it in a write transaction).
pub fn save_settings(conn: &mut DbConn, local_user_id: i64, s: &Settings) -> Result<()> {
    let exists = mail_account::table
        .find(local_user_id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let values = (
        mail_account::verified_email.eq(&s.verified_email),
        mail_account::frequency.eq(s.frequency.as_str()),
        mail_account::digest_at.eq(s.digest_at),
    );
    if exists {
        diesel::update(mail_account::table.find(local_user_id))
            .set(values)
            .execute(conn)?;
    } else {
        diesel::insert_into(mail_account::table)
            .values((mail_account::local_user_id.eq(local_user_id), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Which addresses notification mail may go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addresses {
    /// Only confirmed ones.
    Verified,
    /// Any address an account gave.
    Any,
}

/// A notification waiting for its mail, with what the mail says.
#[derive(Debug, Clone)]
pub struct Pending {
    pub notification_id: i64,
    pub local_user_id: i64,
    pub person_id: i64,
    pub to_address: String,
    pub kind: String,
    pub group_id: Option<i64>,
    pub actor_name: Option<String>,
    pub post_id: Option<i64>,
    pub post_title: Option<String>,
    pub comment_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

type PendingRow = (
    i64,
    i64,
    i64,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    NaiveDateTime,
);

/// Which notifications are wanted by email: the preference value that
/// says so, and the kinds mailed when a member made no choice.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub email: &'a str,
    pub by_default: &'a [&'a str],
}

/// Notifications not yet mailed, made since `since`, of kinds their
/// member wants by email, of active accounts with an address (of
/// `addresses`) whose mail comes at `frequency`; `person` narrows to one
/// member. Oldest first.
pub fn pending_notifications(
    conn: &mut DbConn,
    wanted: Wanted<'_>,
    frequency: Frequency,
    addresses: Addresses,
    since: NaiveDateTime,
    person: Option<i64>,
    limit: i64,
) -> Result<Vec<Pending>> {
    let mut q = notification::table
        .left_join(
            notification_preference::table.on(notification_preference::person_id
                .eq(notification::person_id)
                .and(notification_preference::kind.eq(notification::kind))),
        )
        .inner_join(local_user::table.on(local_user::person_id.eq(notification::person_id)))
        .left_join(mail_account::table.on(mail_account::local_user_id.eq(local_user::id)))
        .left_join(person::table.on(notification::actor_id.eq(person::id.nullable())))
        .left_join(post::table.on(notification::post_id.eq(post::id.nullable())))
        .filter(notification::emailed_at.is_null())
        .filter(notification::created_at.ge(since))
        .filter(
            notification_preference::delivery
                .nullable()
                .eq(wanted.email)
                .or(notification_preference::delivery
                    .nullable()
                    .is_null()
                    .and(notification::kind.eq_any(wanted.by_default))),
        )
        .filter(local_user::state.eq(AccountState::Active))
        .filter(local_user::email.is_not_null())
        .into_boxed();
    q = match frequency {
        // No settings row: at once.
        Frequency::Immediate => q.filter(
            mail_account::frequency
                .nullable()
                .eq(Frequency::Immediate.as_str())
                .or(mail_account::frequency.nullable().is_null()),
        ),
        other => q.filter(mail_account::frequency.nullable().eq(other.as_str())),
    };
    if addresses == Addresses::Verified {
        q = q.filter(
            mail_account::verified_email
                .nullable()
                .eq(local_user::email.nullable()),
        );
    }
    if let Some(p) = person {
        q = q.filter(notification::person_id.eq(p));
    }
    let rows: Vec<PendingRow> = q
        .order(notification::id.asc())
        .limit(limit)
        .select((
            notification::id,
            local_user::id,
            notification::person_id,
            local_user::email,
            notification::kind,
            notification::group_id,
            person::name.nullable(),
            notification::post_id,
            post::title.nullable(),
            notification::comment_id,
            notification::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Pending {
                notification_id: r.0,
                local_user_id: r.1,
                person_id: r.2,
                to_address: r.3?,
                kind: r.4,
                group_id: r.5,
                actor_name: r.6,
                post_id: r.7,
                post_title: r.8,
                comment_id: r.9,
                created_at: r.10,
            })
        })
        .collect())
}

/// Members on daily mail whose last digest is older than `cutoff`.
pub fn digests_due(conn: &mut DbConn, cutoff: NaiveDateTime, limit: i64) -> Result<Vec<i64>> {
    Ok(mail_account::table
        .filter(mail_account::frequency.eq(Frequency::Daily.as_str()))
        .filter(
            mail_account::digest_at
                .is_null()
                .or(mail_account::digest_at.le(cutoff)),
        )
        .order(mail_account::local_user_id.asc())
        .limit(limit)
        .select(mail_account::local_user_id)
        .load(conn)?)
}

pub fn set_digest_at(conn: &mut DbConn, local_user_id: i64, at: NaiveDateTime) -> Result<()> {
    diesel::update(mail_account::table.find(local_user_id))
        .set(mail_account::digest_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Marks a notification mailed; false when it already was (another
/// process mailed it).
pub fn claim_for_mail(conn: &mut DbConn, notification_id: i64, at: NaiveDateTime) -> Result<bool> {
    let n = diesel::update(
        notification::table
            .find(notification_id)
            .filter(notification::emailed_at.is_null()),
    )
    .set(notification::emailed_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// When the newest link of `purpose` was made for an account.
pub fn latest_token_at(
    conn: &mut DbConn,
    local_user_id: i64,
    purpose: Purpose,
) -> Result<Option<NaiveDateTime>> {
    Ok(mail_token::table
        .filter(mail_token::local_user_id.eq(local_user_id))
        .filter(mail_token::purpose.eq(purpose.as_str()))
        .select(diesel::dsl::max(mail_token::created_at))
        .first(conn)?)
}
