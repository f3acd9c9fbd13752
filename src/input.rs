//! What incoming text may hold, whoever sends it. PostgreSQL cannot store a
//! NUL in text while SQLite can, so an unchecked NUL was a 500 on one store
//! and a stored oddity on the other; and no control character has a place
//! in a name, a path or a query. Checked once where text comes in: every
//! request's path and query and the API's JSON bodies (`api::input`), the
//! inbox's activities and the actors fetched from other servers.

use crate::error::{Error, Result};
use serde::Serialize;
use serde_json::Value;

/// Where a text comes from, which decides the control characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A path, a query string: one line, no control character at all.
    Line,
    /// A string in a JSON body sent to the API (a post, a reason, a name):
    /// tab, line feed and carriage return, no other control character.
    Prose,
    /// Text from another server, kept as sent except that it may not hold
    /// a NUL, which a store cannot keep.
    Peer,
}

/// The first character `source` may not hold, if any.
pub fn forbidden_char(text: &str, source: Source) -> Option<char> {
    text.chars().find(|&c| match source {
        Source::Line => c.is_control(),
        Source::Prose => c.is_control() && !matches!(c, '\t' | '\n' | '\r'),
        Source::Peer => c == '\0',
    })
}

/// Refuses (400) `text` with a character `source` may not hold; `what`
/// names it for the person reading the error.
pub fn check(what: &str, text: &str, source: Source) -> Result<()> {
    match forbidden_char(text, source) {
        None => Ok(()),
        Some(c) => Err(Error::bad_request(format!(
            "{what} holds the control character U+{:04X}, which is not accepted",
            u32::from(c)
        ))),
    }
}

/// `check` on every string and key of a JSON document.
pub fn check_json(what: &str, value: &Value, source: Source) -> Result<()> {
    match value {
        Value::String(s) => check(what, s, source),
        Value::Array(items) => items.iter().try_for_each(|v| check_json(what, v, source)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check(what, k, source)?;
            check_json(what, v, source)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

/// `check_json` on an already parsed object (a fetched actor).
pub fn check_object<T: Serialize>(what: &str, object: &T, source: Source) -> Result<()> {
    let value = serde_json::to_value(object)
        .map_err(|e| Error::bad_request(format!("{what} cannot be read: {e}")))?;
    check_json(what, &value, source)
}

/// Percent-decodes a path or query string (`+` stays as it is: it is no
/// control character either way), refusing text that is not UTF-8.
pub fn percent_decode(what: &str, raw: &str) -> Result<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let (h, l) = (hex(h).unwrap_or(0), hex(l).unwrap_or(0));
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| Error::bad_request(format!("{what} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_has_its_rule() {
        assert_eq!(forbidden_char("a\0b", Source::Peer), Some('\0'));
        assert_eq!(forbidden_char("a\u{1b}b", Source::Peer), None);
        assert_eq!(forbidden_char("a\tb\r\n", Source::Prose), None);
        assert_eq!(forbidden_char("a\u{1b}b", Source::Prose), Some('\u{1b}'));
        assert_eq!(forbidden_char("a\tb", Source::Line), Some('\t'));
        assert_eq!(forbidden_char("ä €", Source::Line), None);
    }

    #[test]
    fn json_keys_and_nested_strings_are_checked() {
        let nested = serde_json::json!({"a": [{"b": "x\u{0}"}]});
        assert!(check_json("body", &nested, Source::Peer).is_err());
        let key = serde_json::json!({"a\u{0}": 1});
        assert!(check_json("body", &key, Source::Prose).is_err());
        assert!(check_json("body", &serde_json::json!({"a": "b\n"}), Source::Prose).is_ok());
    }

    #[test]
    fn decoding_refuses_broken_utf8() {
        assert_eq!(percent_decode("path", "/a%00b").expect("decoded"), "/a\0b");
        assert_eq!(percent_decode("path", "%zz%4").expect("kept"), "%zz%4");
        assert!(percent_decode("path", "/%FF%FE").is_err());
    }
}
