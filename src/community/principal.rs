//! Who sends a request to an admin capability, and the one rule that lets
//! them use it. Every admin capability an integration may be given is
//! named by a `Scope`; it is open to
//!
//! - an admin of this server, by their own session (every scope), and
//! - an integration token holding that scope (see `api_tokens`).
//!
//! `Principal::grant(scope)` decides, once; the capability's rules take
//! the `Grant` it returns (which cannot be made any other way) and check
//! that it is for their scope.
//!
//! Capabilities with a wider rule for people (analytics: a group's
//! moderators read their group, staff read everything) take the
//! `Principal` itself: `Principal::Person` goes to their own rule for
//! people, and `Principal::Integration` is let in by `holds(scope)`.

use super::api_tokens::Integration;
use super::Actor;
use crate::error::{Error, Result};
use crate::store::api_tokens::Scope;

/// Who sent a request: a person by their session, or an integration by
/// its token.
#[derive(Debug, Clone)]
pub enum Principal {
    Person(Box<Actor>),
    Integration(Integration),
}

/// Who holds a grant.
#[derive(Debug, Clone)]
pub enum Holder {
    /// An admin of this server, by their own session.
    Admin(Box<Actor>),
    /// An integration token holding the scope.
    Token(Integration),
}

/// Leave to use the admin capability of one scope, given by
/// `Principal::grant`.
#[derive(Debug, Clone)]
pub struct Grant {
    scope: Scope,
    holder: Holder,
}

impl Principal {
    /// Leave to use the capability of `scope`: an admin's session, or a
    /// token holding `scope`; 403 for anyone else.
    pub fn grant(self, scope: Scope) -> Result<Grant> {
        match self {
            Principal::Person(actor) if actor.is_admin() && actor.person.local => Ok(Grant {
                scope,
                holder: Holder::Admin(actor),
            }),
            Principal::Person(_) => Err(Error::forbidden(format!(
                "only admins (or an integration token with the scope {scope}) do this"
            ))),
            Principal::Integration(i) if i.holds(scope) => Ok(Grant {
                scope,
                holder: Holder::Token(i),
            }),
            Principal::Integration(i) => Err(Error::forbidden(format!(
                "the integration token {:?} does not hold the scope {scope} (it holds: {})",
                i.name,
                i.scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// Whether this is an integration holding `scope` (for capabilities
    /// whose rule for people is their own).
    pub fn holds(&self, scope: Scope) -> bool {
        match self {
            Principal::Person(_) => false,
            Principal::Integration(i) => i.holds(scope),
        }
    }

    /// The person, when a person sent the request.
    pub fn person(&self) -> Option<&Actor> {
        match self {
            Principal::Person(actor) => Some(actor),
            Principal::Integration(_) => None,
        }
    }
}

impl Grant {
    /// Admin capabilities check that they were given the leave of their
    /// own scope (and not that of another).
    pub fn require(&self, scope: Scope) -> Result<()> {
        if self.scope == scope {
            Ok(())
        } else {
            Err(Error::forbidden(format!(
                "this needs the scope {scope}, not {}",
                self.scope
            )))
        }
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// The admin acting, for the audit log (None for a token).
    pub fn person_id(&self) -> Option<i64> {
        match &self.holder {
            Holder::Admin(actor) => Some(actor.id()),
            Holder::Token(_) => None,
        }
    }
}
