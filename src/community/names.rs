//! The one naming rule shared by users and groups (they share a namespace,
//! so `acct:NAME@HOST` is never ambiguous).

use crate::error::{Error, Result};

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 30;

/// Lowercase ASCII letters, digits and underscore; 3 to 30 characters.
pub fn validate_name(name: &str) -> Result<()> {
    let len = name.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(Error::unprocessable(format!(
            "a name has {MIN_LEN} to {MAX_LEN} characters (got {len})"
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(Error::unprocessable(format!(
            "a name may hold only lowercase letters, digits and underscore (found {bad:?})"
        )));
    }
    Ok(())
}

/// Splits `name@host` into its parts; a bare name has no host.
pub fn split_handle(handle: &str) -> (&str, Option<&str>) {
    let handle = handle.strip_prefix('@').unwrap_or(handle);
    match handle.split_once('@') {
        Some((name, host)) => (name, Some(host)),
        None => (handle, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_allowed_alphabet() {
        for ok in ["ann", "support_2", "a_b", "x".repeat(30).as_str(), "123"] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_length_case_and_symbols() {
        for bad in [
            "ab",
            "",
            &"x".repeat(31),
            "Ann",
            "ann-b",
            "ann.b",
            "añn",
            "a b",
            "ann@x",
        ] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn splits_handles() {
        assert_eq!(split_handle("ann"), ("ann", None));
        assert_eq!(split_handle("ann@b.example"), ("ann", Some("b.example")));
        assert_eq!(
            split_handle("@ann@b.example:8080"),
            ("ann", Some("b.example:8080"))
        );
    }
}
