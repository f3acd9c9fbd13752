//! `type` as peers write it. ActivityStreams allows a list of types
//! (`"type": ["Note", "Article"]`); this server reads the first one it
//! understands, for activities, content and actors alike, and the first
//! given when it understands none (so the refusal names it).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Every type this server acts on, whatever the kind of thing.
const KNOWN: &[&str] = &[
    // Activities.
    "Follow",
    "Accept",
    "Reject",
    "Undo",
    "Create",
    "Update",
    "Delete",
    "Like",
    "Dislike",
    "Announce",
    "Lock",
    "Add",
    "Remove",
    "Block",
    "Flag",
    // Content.
    "Note",
    "Page",
    "Article",
    "Question",
    "Video",
    "Event",
    // Actors.
    "Person",
    "Service",
    "Application",
    "Group",
    // Deleted things.
    "Tombstone",
];

/// The one type of `value`'s `type` (a string, or a list of them).
pub fn main_type(value: &Value) -> Option<&str> {
    match value.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(list) => {
            let names = || list.iter().filter_map(Value::as_str);
            names()
                .find(|t| KNOWN.contains(t))
                .or_else(|| names().next())
        }
        _ => None,
    }
}

/// Makes every `type` list in `value`, its `object` and that object's
/// `object` (an Announce of a Create of a Note) the one type `main_type`
/// chooses, so that every shape read from it sees one string.
pub fn with_one_type(mut value: Value) -> Value {
    let mut at = Some(&mut value);
    for _ in 0..3 {
        let Some(v) = at else { break };
        if let Some(kind) = main_type(v).filter(|_| v["type"].is_array()) {
            v["type"] = Value::String(kind.to_string());
        }
        at = v.get_mut("object").filter(|o| o.is_object());
    }
    value
}

/// Serde: a `type` given as one value or as a list; the first entry of the
/// list that reads as `T` wins.
pub fn one_type<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(list) => list
            .into_iter()
            .find_map(|t| T::deserialize(t).ok())
            .ok_or_else(|| serde::de::Error::custom("none of its types is understood here")),
        one => T::deserialize(one).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_of_types_reads_as_the_first_understood() {
        assert_eq!(
            main_type(&json!({"type": ["Note", "Article"]})),
            Some("Note")
        );
        assert_eq!(
            main_type(&json!({"type": ["schema:Thing", "Article"]})),
            Some("Article")
        );
        assert_eq!(
            main_type(&json!({"type": ["ChatMessage"]})),
            Some("ChatMessage")
        );
        assert_eq!(main_type(&json!({"type": "Page"})), Some("Page"));
        assert_eq!(main_type(&json!({"type": 3})), None);
    }

    #[test]
    fn nested_lists_become_one_type() {
        let v = with_one_type(json!({
            "type": ["Announce"],
            "object": {"type": ["x:Boost", "Create"], "object": {"type": ["Note", "Article"]}}
        }));
        assert_eq!(v["type"], "Announce");
        assert_eq!(v["object"]["type"], "Create");
        assert_eq!(v["object"]["object"]["type"], "Note");
    }
}
