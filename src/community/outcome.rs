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
