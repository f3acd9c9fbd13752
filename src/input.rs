//! What incoming text may hold, whoever sends it. PostgreSQL cannot store a
//! NUL in text while SQLite can, so an unchecked NUL was a 500 on one store
//! and a stored oddity on the other; and no control character has a place
//! in a path or a query. Checked once where text comes in: every request's
//! path and query and the API's JSON bodies (`api::input`); other servers'
//! text (the inbox's activities, fetched actors) has its NULs dropped, as
//! their content always had.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Where a text comes from, which decides the control characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A path, a query string, an email address: one line, no control
    /// character at all.
    Line,
    /// A string in a JSON body sent to the API (a post, a reason, a name):
    /// anything but a NUL, which a store cannot keep. Markup-like control
    /// characters in posts are the sanitizer's business.
    Text,
}

/// The first character `source` may not hold, if any.
pub fn forbidden_char(text: &str, source: Source) -> Option<char> {
    text.chars().find(|&c| match source {
        Source::Line => c.is_control(),
        Source::Text => c == '\0',
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

/// Drops the NULs of every string and key of another server's document:
/// they mean nothing in text, and no store could keep them.
pub fn drop_nul(value: &mut Value) {
    let clean = |s: &str| s.replace('\0', "");
    match value {
        Value::String(s) if s.contains('\0') => *s = clean(s),
        Value::Array(items) => items.iter_mut().for_each(drop_nul),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| (clean(&k), v))
                    .collect();
            }
            map.values_mut().for_each(drop_nul);
        }
        _ => {}
    }
}

/// `drop_nul` on an already parsed document (a fetched actor).
pub fn without_nul<T: Serialize + DeserializeOwned>(what: &str, object: T) -> Result<T> {
    let unreadable = |e: serde_json::Error| Error::bad_request(format!("{what}: {e}"));
    let mut value = serde_json::to_value(&object).map_err(unreadable)?;
    drop_nul(&mut value);
    serde_json::from_value(value).map_err(unreadable)
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
        assert_eq!(forbidden_char("a\0b", Source::Text), Some('\0'));
        assert_eq!(forbidden_char("a\u{c}b\t\r\n", Source::Text), None);
        assert_eq!(forbidden_char("a\tb", Source::Line), Some('\t'));
        assert_eq!(forbidden_char("a\u{1b}b", Source::Line), Some('\u{1b}'));
        assert_eq!(forbidden_char("ä €", Source::Line), None);
    }

    #[test]
    fn json_keys_and_nested_strings_are_checked() {
        let nested = serde_json::json!({"a": [{"b": "x\u{0}"}]});
        assert!(check_json("body", &nested, Source::Text).is_err());
        let key = serde_json::json!({"a\u{0}": 1});
        assert!(check_json("body", &key, Source::Text).is_err());
        assert!(check_json("body", &serde_json::json!({"a": "b\n"}), Source::Text).is_ok());
    }

    #[test]
    fn peers_nuls_are_dropped_everywhere() {
        let mut v = serde_json::json!({"a\u{0}": ["x\u{0}y", {"b": "\u{0}"}], "n": 1});
        drop_nul(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["xy", {"b": ""}], "n": 1}));
    }

    #[test]
    fn decoding_refuses_broken_utf8() {
        assert_eq!(percent_decode("path", "/a%00b").expect("decoded"), "/a\0b");
        assert_eq!(percent_decode("path", "%zz%4").expect("kept"), "%zz%4");
        assert!(percent_decode("path", "/%FF%FE").is_err());
    }
}
