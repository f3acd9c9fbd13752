//! One-click unsubscribe (RFC 8058): the link in every mail stops, without
//! logging in, the notification mail of the kind it came with, or all of
//! it.

use super::tokens;
use crate::error::{Error, Result};
use crate::notifications::Delivery;
use crate::store::mail::{self as rows, Frequency, Purpose};
use crate::store::{notifications, people, write_tx, DbConn};
use crate::App;

/// What a link stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stops {
    /// Mail of one notification kind (it stays in the app).
    Kind(String),
    /// All notification mail.
    All,
}

fn lookup(conn: &mut DbConn, token: &str) -> Result<(rows::Token, Stops)> {
    let t = rows::token(conn, &tokens::hash_token(token), Purpose::Unsubscribe)?
        .ok_or_else(|| Error::not_found("no such unsubscribe link"))?;
    let stops = if t.scope.is_empty() {
        Stops::All
    } else {
        Stops::Kind(t.scope.clone())
    };
    Ok((t, stops))
}

/// What the link behind `token` would stop (for the confirmation page).
pub async fn what(app: &App, token: &str) -> Result<Stops> {
    let token = token.to_string();
    app.store.run(move |conn| Ok(lookup(conn, &token)?.1)).await
}

/// Stops what the link says. Clicking it again changes nothing more.
pub async fn unsubscribe(app: &App, token: &str) -> Result<Stops> {
    let token = token.to_string();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (t, stops) = lookup(conn, &token)?;
                match &stops {
                    Stops::Kind(kind) => {
                        let user = people::local_user_by_id(conn, t.local_user_id)?;
                        notifications::set_preference(
                            conn,
                            user.person_id,
                            kind,
                            Delivery::App.as_str(),
                        )?;
                    }
                    Stops::All => {
                        let mut s = rows::settings(conn, t.local_user_id)?;
                        s.frequency = Frequency::Never;
                        rows::save_settings(conn, t.local_user_id, &s)?;
                    }
                }
                Ok(stops)
            })
        })
        .await
}
