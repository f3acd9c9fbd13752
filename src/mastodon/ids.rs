//! Mastodon ids: strings of digits, one numbering for threads, comments,
//! people and groups. The id is `4 × row id + kind` (kind 0 a thread, 1 a
//! comment, 2 a person, 3 a group): stable, never two things with the
//! same id, and growing with the rows (newer is larger within a kind, as
//! apps expect when they page).

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    Thread(i64),
    Comment(i64),
    Person(i64),
    Group(i64),
}

impl Id {
    pub fn encode(self) -> String {
        let (row, kind) = match self {
            Id::Thread(n) => (n, 0),
            Id::Comment(n) => (n, 1),
            Id::Person(n) => (n, 2),
            Id::Group(n) => (n, 3),
        };
        (row * 4 + kind).to_string()
    }

    pub fn decode(text: &str) -> Result<Id> {
        let n: i64 = text
            .parse()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| Error::not_found(format!("no such id: {text:?}")))?;
        let row = n / 4;
        Ok(match n % 4 {
            0 => Id::Thread(row),
            1 => Id::Comment(row),
            2 => Id::Person(row),
            _ => Id::Group(row),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Id;

    #[test]
    fn ids_round_trip_and_never_collide() {
        for id in [Id::Thread(7), Id::Comment(7), Id::Person(7), Id::Group(7)] {
            assert_eq!(Id::decode(&id.encode()).expect("decode"), id);
        }
        assert_ne!(Id::Thread(1).encode(), Id::Comment(0).encode());
        assert!(Id::decode("-4").is_err());
        assert!(Id::decode("abc").is_err());
    }
}
