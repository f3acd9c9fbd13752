//! Local accounts: registration (by the instance's registration mode),
//! approval, login and logout with bearer tokens, and profiles.

use super::{email, markdown, names, tokens, Actor, InstanceRole};
use crate::config::{RegistrationMode, Verification};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::federation::ids::Ids;
use crate::store::people::{
    self, AccountState, LocalUser, NewLocalUser, NewPerson, Person, ProfileChange, SessionKind,
};
use crate::store::{self, now, write_tx, DbConn};
use crate::App;
use activitypub_federation::http_signatures::Keypair;
use std::net::IpAddr;
use std::time::Instant;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 1024;

#[derive(Debug, Clone)]
pub struct Account {
    pub user: LocalUser,
    pub person: Person,
}

impl Account {
    pub fn actor(&self) -> Actor {
        Actor {
            person: self.person.clone(),
            role: self.user.role,
        }
    }
}

pub struct Registration {
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    /// The version of the terms of service accepted, when there are terms.
    pub accept_terms: Option<i64>,
}

pub(crate) fn validate_password(password: &str) -> Result<()> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(Error::unprocessable(format!(
            "a password has at least {PASSWORD_MIN} characters"
        )));
    }
    if len > PASSWORD_MAX {
        return Err(Error::unprocessable(format!(
            "a password has at most {PASSWORD_MAX} characters"
        )));
    }
    Ok(())
}

pub(crate) fn validate_email(email: &str) -> Result<()> {
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'))
        && !email.chars().any(char::is_whitespace)
        && crate::input::forbidden_char(email, crate::input::Source::Line).is_none();
    if ok {
        Ok(())
    } else {
        Err(Error::unprocessable(format!(
            "not an email address: {email:?}"
        )))
    }
}

/// What every new local account is made of; shared by sign-up and the CLI.
pub struct NewAccount<'a> {
    pub name: &'a str,
    pub password_hash: String,
    pub email: Option<String>,
    pub role: InstanceRole,
    pub state: AccountState,
    pub keys: Keypair,
}

/// Inserts person + local user, claiming the name in the shared namespace.
pub fn insert_account(
    conn: &mut DbConn,
    ids: &Ids,
    instance_id: i64,
    new: NewAccount<'_>,
) -> Result<Account> {
    write_tx(conn, |conn| insert_account_in(conn, ids, instance_id, new))
}

/// `insert_account` inside the caller's write transaction.
fn insert_account_in(
    conn: &mut DbConn,
    ids: &Ids,
    instance_id: i64,
    new: NewAccount<'_>,
) -> Result<Account> {
    {
        if !people::claim_local_name(conn, new.name, "person")? {
            return Err(Error::conflict(format!("the name {:?} is taken", new.name)));
        }
        if let Some(email) = &new.email {
            if people::email_taken(conn, email)? {
                return Err(Error::conflict("that email address is already registered"));
            }
        }
        let at = now();
        let person = people::insert_person(
            conn,
            &NewPerson {
                ap_id: ids.person(new.name),
                name: new.name.to_string(),
                display_name: None,
                local: true,
                instance_id,
                inbox_url: ids.person_inbox(new.name),
                shared_inbox_url: Some(ids.shared_inbox()),
                public_key: new.keys.public_key,
                private_key: Some(new.keys.private_key),
                created_at: at,
                updated_at: at,
            },
        )?;
        let user = people::insert_local_user(
            conn,
            &NewLocalUser {
                person_id: person.id,
                password_hash: new.password_hash,
                email: new.email,
                role: new.role,
                state: new.state,
                created_at: at,
            },
        )?;
        Ok(Account { user, person })
    }
}

/// Sign-up through the API, per the registration mode; every attempt
/// counts against the client's address.
pub async fn register(app: &App, reg: Registration, from: IpAddr) -> Result<Account> {
    let state = match app.config.registration {
        RegistrationMode::Closed => {
            return Err(Error::forbidden("registration is closed on this server"))
        }
        RegistrationMode::Approval => AccountState::Pending,
        RegistrationMode::Open => AccountState::Active,
    };
    app.register_throttle
        .take(&from.to_string(), Instant::now())
        .map_err(|retry| {
            Error::too_many_requests(
                format!(
                    "at most {} sign-ups an hour from one address; wait and try again",
                    app.config.limits.register_per_address_per_hour
                ),
                retry,
            )
        })?;
    names::validate_name(&reg.username)?;
    validate_password(&reg.password)?;
    let email = reg
        .email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    match &email {
        Some(e) => validate_email(e)?,
        None if app.config.email.verification == Verification::Required => {
            return Err(Error::unprocessable(
                "an email address is required to sign up here",
            ))
        }
        None => {}
    }
    let (name, accept) = (reg.username.clone(), reg.accept_terms);
    let (taken, accepted_terms) = app
        .store
        .run(move |conn| {
            let accepted = crate::moderation::terms::check_registration(conn, accept)?;
            let taken = store::people::local_by_name(conn, &name)?.is_some()
                || store::groups::local_by_name(conn, &name)?.is_some();
            Ok((taken, accepted))
        })
        .await?;
    if taken {
        // Answer before the costly hashing and key generation.
        return Err(Error::conflict(format!(
            "the name {:?} is taken",
            reg.username
        )));
    }
    let password = reg.password;
    let password_hash =
        tokio::task::spawn_blocking(move || tokens::hash_password(&password)).await??;
    let keys = app.keys.take().await?;
    let app2 = app.clone();
    let account = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let account = insert_account_in(
                    conn,
                    &app2.ids,
                    app2.local_instance_id,
                    NewAccount {
                        name: &reg.username,
                        password_hash,
                        email,
                        role: InstanceRole::User,
                        state,
                        keys,
                    },
                )?;
                if let Some(version) = accepted_terms {
                    store::terms::accept(conn, account.person.id, version)?;
                }
                if let Some(address) = &account.user.email {
                    email::queue_verification(
                        conn,
                        &app2,
                        &account.user,
                        &account.person.name,
                        address,
                    )?;
                }
                Ok(account)
            })
        })
        .await?;
    if account.user.email.is_some() {
        email::wake(app);
    }
    Ok(account)
}

/// The counters a failed login from `from` on `username` goes to: the name
/// as tried from that address (guessing one member's password locks that
/// address out of her name, not her), and the address itself (guessing
/// across many names).
fn login_keys(from: IpAddr, username: &str) -> (String, String) {
    // An address holds no '/', so the pair cannot be mistaken for another.
    (format!("{from}/{username}"), from.to_string())
}

/// Checks the password and issues a new bearer token.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    from: IpAddr,
    kind: SessionKind,
    user_agent: Option<String>,
) -> Result<(String, Account)> {
    let account = check_login(app, username, password, from).await?;
    let token = open_session(app, &account, kind, user_agent).await?;
    Ok((token, account))
}

/// Checks a password login (throttled per address and per name; pending
/// accounts and unconfirmed addresses refused): the account, no session.
pub async fn check_login(
    app: &App,
    username: &str,
    password: &str,
    from: IpAddr,
) -> Result<Account> {
    let (name_key, address_key) = login_keys(from, username);
    let at = Instant::now();
    if let Err(retry) = app.login_address_throttle.check(&address_key, at) {
        return Err(Error::too_many_requests(
            "too many failed logins from this address; wait and try again",
            retry,
        ));
    }
    if let Err(retry) = app.login_throttle.check(&name_key, at) {
        return Err(Error::too_many_requests(
            "too many failed logins for this name from this address; wait and try again",
            retry,
        ));
    }
    let failed = || {
        let at = Instant::now();
        app.login_throttle.fail(&name_key, at);
        app.login_address_throttle.fail(&address_key, at);
        Error::unauthorized("wrong username or password")
    };
    let (name, app2) = (username.to_string(), app.clone());
    // Whether the address is confirmed is read now and told only after
    // the password was right.
    let found = app
        .store
        .run(move |conn| match account_by_name(conn, &name)? {
            Some(a) => {
                let confirmed = email::check_verified(conn, &app2, &a.user);
                Ok(Some((a, confirmed)))
            }
            None => Ok(None),
        })
        .await?;
    let Some((account, confirmed)) = found else {
        return Err(failed());
    };
    let (password, hash) = (password.to_string(), account.user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || tokens::verify_password(&password, &hash)).await?;
    if !ok {
        return Err(failed());
    }
    check_state(&account.user)?;
    confirmed?;
    Ok(account)
}

/// A new session (a bearer token) for an account that may sign in: after
/// a login, or at once after an open sign-up.
pub async fn open_session(
    app: &App,
    account: &Account,
    kind: SessionKind,
    user_agent: Option<String>,
) -> Result<String> {
    check_state(&account.user)?;
    let token = tokens::random_token();
    let (hash, user_id) = (tokens::hash_token(&token), account.user.id);
    // A user agent is kept to tell sessions apart, not as evidence.
    let user_agent = user_agent.map(|ua| ua.chars().take(200).collect::<String>());
    app.store
        .run(move |conn| {
            let opened = people::Opened {
                kind,
                user_agent: user_agent.as_deref(),
            };
            people::insert_token(conn, user_id, &hash, &opened)
        })
        .await?;
    Ok(token)
}

pub(crate) fn check_state(user: &LocalUser) -> Result<()> {
    match user.state {
        AccountState::Active => Ok(()),
        AccountState::Pending => Err(Error::forbidden(
            "this account is waiting for an administrator's approval",
        )),
        AccountState::Rejected => Err(Error::forbidden("this account was not approved")),
    }
}

pub fn account_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Account>> {
    let Some(person) = people::local_by_name(conn, name)? else {
        return Ok(None);
    };
    Ok(people::local_user_by_person(conn, person.id)?.map(|user| Account { user, person }))
}

/// The account behind a bearer token.
pub async fn authenticate(app: &App, token: &str) -> Result<Account> {
    let hash = tokens::hash_token(token);
    let found = app
        .store
        .run(move |conn| {
            let found = people::by_token(conn, &hash)?;
            // "Last used" is kept to the nearest few minutes: a write per
            // request would cost more than it tells.
            if let Some((_, _, used)) = &found {
                let at = now();
                if *used < at - chrono::Duration::minutes(TOUCH_AFTER_MINUTES) {
                    people::touch_token(conn, &hash, at)?;
                }
            }
            Ok(found)
        })
        .await?;
    let Some((user, person, _)) = found else {
        return Err(Error::unauthorized("the token is not valid or was revoked"));
    };
    check_state(&user)?;
    Ok(Account { user, person })
}

/// How stale a session's "last used" may get before a request renews it.
const TOUCH_AFTER_MINUTES: i64 = 5;

pub async fn logout(app: &App, token: &str) -> Result<()> {
    let hash = tokens::hash_token(token);
    app.store
        .run(move |conn| people::revoke_token(conn, &hash))
        .await?;
    Ok(())
}

/// A live session as its owner sees it in their settings.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: people::Session,
    /// The session these settings are seen from.
    pub current: bool,
}

/// The account's live sessions; `current` is the token of the session
/// asking, when it is one.
pub async fn sessions(
    app: &App,
    account: &Account,
    current: Option<&str>,
) -> Result<Vec<SessionView>> {
    let user_id = account.user.id;
    let current = current.map(tokens::hash_token);
    let rows = app
        .store
        .run(move |conn| people::live_sessions(conn, user_id))
        .await?;
    Ok(rows
        .into_iter()
        .map(|session| SessionView {
            current: current.as_deref() == Some(session.token_hash.as_str()),
            session,
        })
        .collect())
}

/// Ends one of the account's sessions (by its id in the list).
pub async fn end_session(app: &App, account: &Account, id: i64) -> Result<()> {
    let user_id = account.user.id;
    let ended = app
        .store
        .run(move |conn| people::revoke_session(conn, user_id, id))
        .await?;
    if ended {
        Ok(())
    } else {
        Err(Error::not_found(format!("no live session {id} of yours")))
    }
}

/// Ends every session of the account but the one of `keep` (a token).
pub async fn end_other_sessions(app: &App, account: &Account, keep: &str) -> Result<usize> {
    let (user_id, keep) = (account.user.id, tokens::hash_token(keep));
    app.store
        .run(move |conn| people::revoke_other_tokens(conn, user_id, &keep))
        .await
}

/// A signed-in member changes their password: the current one is checked
/// first; every other session of the account ends (the one of `keep`, a
/// token, stays signed in).
pub async fn change_password(
    app: &App,
    account: &Account,
    current: &str,
    new: String,
    keep: Option<&str>,
) -> Result<()> {
    validate_password(&new)?;
    // Guessing the current password from a session is throttled like
    // guessing it at the sign-in form.
    let key = format!("password-change/{}", account.user.id);
    if let Err(retry) = app.login_throttle.check(&key, Instant::now()) {
        return Err(Error::too_many_requests(
            "too many wrong current passwords; wait and try again",
            retry,
        ));
    }
    let (current, hash) = (current.to_string(), account.user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || tokens::verify_password(&current, &hash)).await?;
    if !ok {
        app.login_throttle.fail(&key, Instant::now());
        return Err(Error::unprocessable("the current password is not right"));
    }
    let new_hash = tokio::task::spawn_blocking(move || tokens::hash_password(&new)).await??;
    let (user_id, keep) = (account.user.id, keep.map(tokens::hash_token));
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                people::set_password_hash(conn, user_id, &new_hash)?;
                match &keep {
                    Some(keep) => people::revoke_other_tokens(conn, user_id, keep)?,
                    None => people::revoke_all_tokens(conn, user_id)?,
                };
                Ok(())
            })
        })
        .await
}

pub struct ProfileEdit {
    pub display_name: Option<String>,
    pub bio: Option<String>,
}

pub async fn update_profile(app: &App, actor: &Actor, edit: ProfileEdit) -> Result<Person> {
    let mut change = ProfileChange::default();
    if let Some(name) = edit.display_name {
        let name = name.trim().to_string();
        if name.chars().count() > 100 {
            return Err(Error::too_large(
                "a display name has at most 100 characters",
            ));
        }
        change.display_name = Some(Some(name).filter(|n| !n.is_empty()));
    }
    if let Some(bio) = edit.bio {
        super::check_size("bio", &bio, app.config.limits.bio_bytes)?;
        change.bio_html = Some(Some(markdown::render(&bio)).filter(|_| !bio.is_empty()));
        change.bio_source = Some(Some(bio).filter(|b| !b.is_empty()));
    }
    change.updated_at = Some(now());
    let person_id = actor.id();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let person = people::update_profile(conn, person_id, &change)?;
                events::record(
                    conn,
                    Change::by(person_id, What::ProfileEdited { person_id }),
                )?;
                Ok(person)
            })
        })
        .await
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(Error::forbidden("only an administrator may do this"))
    }
}

pub async fn pending_registrations(app: &App, actor: &Actor) -> Result<Vec<Account>> {
    require_admin(actor)?;
    let rows = app
        .store
        .run(|conn| people::local_users_by_state(conn, AccountState::Pending))
        .await?;
    Ok(rows
        .into_iter()
        .map(|(user, person)| Account { user, person })
        .collect())
}

/// An administrator approves (`active`) or rejects (`rejected`) a pending sign-up.
pub async fn decide_registration(
    app: &App,
    actor: Option<&Actor>,
    name: &str,
    approve: bool,
) -> Result<Account> {
    if let Some(actor) = actor {
        require_admin(actor)?;
    }
    let name = name.to_string();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut account = account_by_name(conn, &name)?
                    .ok_or_else(|| Error::not_found(format!("no account named {name:?}")))?;
                if account.user.state != AccountState::Pending {
                    return Err(Error::conflict(format!(
                        "{name} is not waiting for approval (state: {})",
                        account.user.state
                    )));
                }
                let state = if approve {
                    AccountState::Active
                } else {
                    AccountState::Rejected
                };
                people::set_local_user_state(conn, account.user.id, state)?;
                account.user.state = state;
                Ok(account)
            })
        })
        .await
}

/// An administrator (or the CLI, `actor` None) sets a local account's
/// instance role: user, staff (the brand's employees), moderator or admin.
pub async fn set_role(app: &App, actor: Option<&Actor>, name: &str, role: &str) -> Result<Account> {
    if let Some(actor) = actor {
        require_admin(actor)?;
    }
    let role = InstanceRole::parse(role).ok_or_else(|| {
        Error::unprocessable(format!(
            "role must be one of {}; got {role:?}",
            InstanceRole::listed()
        ))
    })?;
    let name = name.to_string();
    let by = actor.map(Actor::id);
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut account = account_by_name(conn, &name)?
                    .ok_or_else(|| Error::not_found(format!("no account named {name:?}")))?;
                people::set_role(conn, account.user.id, role)?;
                crate::moderation::log::record(
                    conn,
                    "set_role",
                    by,
                    crate::moderation::log::Target {
                        person_id: Some(account.person.id),
                        ..Default::default()
                    },
                    crate::moderation::log::Entry {
                        reason: Some(format!("{name}: {role}")),
                        admin_only: true,
                        ..Default::default()
                    },
                )?;
                account.user.role = role;
                Ok(account)
            })
        })
        .await
}

/// `guildhall admin create-user`: an active account, admin if asked.
pub fn create_user_blocking(app: &App, name: &str, password: &str, admin: bool) -> Result<Account> {
    names::validate_name(name)?;
    validate_password(password)?;
    let password_hash = tokens::hash_password(password)?;
    let keys = app.keys.take_blocking()?;
    let role = if admin {
        InstanceRole::Admin
    } else {
        InstanceRole::User
    };
    app.store.run_blocking(|conn| {
        insert_account(
            conn,
            &app.ids,
            app.local_instance_id,
            NewAccount {
                name,
                password_hash,
                email: None,
                role,
                state: AccountState::Active,
                keys,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_and_email_rules() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("long enough").is_ok());
        assert!(validate_email("ann@example.com").is_ok());
        for bad in ["ann", "ann@", "@x.y", "ann@localhost", "a b@x.y"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }
}
