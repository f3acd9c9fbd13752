//! What a rule did with a change asked of it. Callers that take "already
//! done" as success (a repeated delivery, an older Update) read it here
//! rather than from an error kind.

/// Whether a rule changed what is stored.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    /// Nothing to do: already so, or superseded by a newer change.
    Unchanged,
}

impl Outcome {
    pub fn changed(self) -> bool {
        self == Outcome::Changed
    }
}

/// What a rule did, with what it made when it changed something.
#[must_use]
#[derive(Debug)]
pub enum Applied<T> {
    Changed(T),
    /// Already so (the same action twice, or one another request made at
    /// the same moment): the error a person who asked directly is told.
    Unchanged(crate::error::Error),
}

impl<T> Applied<T> {
    /// For a person's own request: "already so" is an error to them.
    pub fn into_result(self) -> crate::error::Result<T> {
        match self {
            Applied::Changed(v) => Ok(v),
            Applied::Unchanged(e) => Err(e),
        }
    }

    /// For another server's activity: "already so" is no error, only
    /// nothing to pass on.
    pub fn changed(self) -> Option<T> {
        match self {
            Applied::Changed(v) => Some(v),
            Applied::Unchanged(_) => None,
        }
    }
}
