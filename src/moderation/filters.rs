//! Automatic moderation of new threads and comments in local groups:
//! watched words (the instance's and the group's) block, hold for review or
//! flag; content from silenced servers is held for review.

use crate::community::Actor;
use crate::error::{Error, Result};
use crate::federation::actors::authority;
use crate::store::comments::Comment;
use crate::store::groups::Group;
use crate::store::posts::Post;
use crate::store::reports::{self, NewReport};
use crate::store::watched::{self, WatchedWord};
use crate::store::{now, DbConn};
use std::collections::HashSet;

pub const ACTIONS: &[&str] = &["block", "hold", "flag"];

/// What automatic moderation decided for a new thread or comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    /// Held for review.
    pub hold: bool,
    /// A watched word to report to the moderators.
    pub flag: Option<String>,
}

fn severity(action: &str) -> u8 {
    match action {
        "block" => 3,
        "hold" => 2,
        _ => 1,
    }
}

/// Whether `word` (a word, or a phrase of several) occurs in `text`,
/// ignoring case and punctuation; single words match whole words only.
pub fn occurs(text: &str, word: &str) -> bool {
    let norm = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (text, word) = (norm(text), norm(word));
    if word.is_empty() {
        return false;
    }
    if word.contains(' ') {
        return format!(" {text} ").contains(&format!(" {word} "));
    }
    text.split(' ')
        .collect::<HashSet<_>>()
        .contains(word.as_str())
}

/// The most severe watched word found in `text`.
pub fn strongest<'a>(text: &str, words: &'a [WatchedWord]) -> Option<&'a WatchedWord> {
    words
        .iter()
        .filter(|w| occurs(text, &w.word))
        .max_by_key(|w| severity(&w.action))
}

/// Screens new content by `actor` in the local `group`: refuses it (a
/// blocked word, 422), or says whether to hold and what to flag.
pub fn screen(conn: &mut DbConn, actor: &Actor, group: &Group, text: &str) -> Result<Screen> {
    if !group.local {
        return Ok(Screen::default());
    }
    let words = watched::applying_to(conn, Some(group.id))?;
    let mut screen = Screen::default();
    if let Some(w) = strongest(text, &words) {
        match w.action.as_str() {
            "block" => {
                return Err(Error::unprocessable(format!(
                    "this contains {:?}, which is not allowed here",
                    w.word
                )))
            }
            "hold" => screen.hold = true,
            _ => screen.flag = Some(w.word.clone()),
        }
    }
    if !actor.person.local {
        let domain = url::Url::parse(&actor.person.ap_id)
            .map(|u| authority(&u))
            .unwrap_or_default();
        if super::policy::silenced(conn, &domain)? {
            screen.hold = true;
        }
    }
    Ok(screen)
}

/// Reports content that matched a `flag` watched word to the group's
/// moderators, as this server (no reporter).
pub fn flag(
    conn: &mut DbConn,
    local_instance_id: i64,
    post: &Post,
    comment: Option<&Comment>,
    word: &str,
) -> Result<()> {
    reports::insert(
        conn,
        &NewReport {
            ap_id: None,
            reporter_id: None,
            origin_instance_id: local_instance_id,
            post_id: Some(post.id),
            comment_id: comment.map(|c| c.id),
            person_id: comment.map_or(post.author_id, |c| c.author_id),
            group_id: Some(post.group_id),
            reason: format!("automatic: contains the watched word {word:?}"),
            created_at: now(),
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(word: &str, action: &str) -> WatchedWord {
        WatchedWord {
            id: 0,
            group_id: None,
            word: word.into(),
            action: action.into(),
            created_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn whole_words_and_phrases_ignoring_case_and_punctuation() {
        assert!(occurs("Buy CHEAP pills!", "cheap"));
        assert!(!occurs("cheapskate", "cheap"));
        assert!(occurs("get rich, quick: now", "rich quick"));
        assert!(!occurs("rich and quick", "rich quick"));
        assert!(!occurs("anything", "  "));
    }

    #[test]
    fn the_most_severe_match_wins() {
        let words = [
            word("spam", "flag"),
            word("scam", "block"),
            word("cheap", "hold"),
        ];
        assert_eq!(
            strongest("cheap spam", &words).map(|w| w.action.as_str()),
            Some("hold")
        );
        assert_eq!(
            strongest("cheap scam spam", &words).map(|w| w.action.as_str()),
            Some("block")
        );
        assert!(strongest("hello", &words).is_none());
    }
}
