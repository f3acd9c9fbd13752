//! Full-text search over threads, comments, groups and people, local and
//! remote: what a viewer may find, ranked best first.
//!
//! A club's threads and comments are found only by those who see it from
//! inside (`privacy::unseen_clubs`, the same rule as every other reader),
//! and the store leaves them out in the ranking query itself, not after
//! it. A club itself is found by its profile, as the group directory lists
//! it. Removed, deleted and held content is never found; people the viewer
//! blocked, and people of blocked servers, are left out as in the feeds.
//!
//! The query is plain words: anything but letters and digits separates
//! words and is dropped, so no FTS5 or tsquery syntax from the user ever
//! reaches the store. The last word also matches as a prefix.

use super::privacy::{self, Viewer};
use super::{handle, Actor};
use crate::error::{Error, Result};
use crate::store::search::{self as rows, Found, Scope, Terms, HIT_END, HIT_START};
use crate::store::{comments as comment_rows, groups as group_rows, people as people_rows};
use crate::store::{posts as post_rows, DbConn};
use crate::App;
use chrono::NaiveDateTime;

pub use crate::store::search::SearchKind as Kind;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words are looked for.
pub const MAX_WORDS: usize = 12;
/// The deepest page (each one deeper costs more to rank and skip).
pub const MAX_PAGE: i64 = 50;
/// A last word shorter than this matches only itself, not as a prefix
/// ("a*" would match most of the index).
const MIN_PREFIX_CHARS: usize = 3;

/// The words of a query, or why there are none to look for.
pub fn parse(query: &str) -> Result<Terms> {
    let query = query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::bad_request(format!(
            "the search is too long: at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect();
    let ends_in_word = query.chars().last().is_some_and(char::is_alphanumeric);
    let prefix = ends_in_word
        && words
            .last()
            .is_some_and(|w| w.chars().count() >= MIN_PREFIX_CHARS);
    let terms = Terms::new(words, prefix);
    if terms.is_empty() {
        return Err(Error::bad_request(
            "the search has no words to look for: type some letters or digits",
        ));
    }
    Ok(terms)
}

/// A piece of an excerpt: plain text, or a word that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// A person or group as a result names it.
#[derive(Debug, Clone)]
pub struct Named {
    /// `name` here, `name@host` elsewhere.
    pub handle: String,
    /// The display name or title (the name when there is none).
    pub label: String,
}

/// Where a remote result comes from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub domain: String,
    /// Its address on its own server.
    pub url: String,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
    /// A thread's title (a comment's thread's), a group's title, a
    /// person's display name.
    pub title: String,
    pub excerpt: Vec<Piece>,
    /// Its page here.
    pub link: String,
    /// A comment's thread.
    pub thread_id: Option<i64>,
    pub group: Option<Named>,
    pub author: Option<Named>,
    /// Set for remote content, groups and people.
    pub origin: Option<Origin>,
    pub created_at: NaiveDateTime,
}

impl Hit {
    /// The excerpt as plain text.
    pub fn excerpt_text(&self) -> String {
        self.excerpt.iter().map(|p| p.text.as_str()).collect()
    }
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Results {
    pub kind: Kind,
    /// From 1.
    pub page: i64,
    pub hits: Vec<Hit>,
    /// Whether a next page has results.
    pub more: bool,
}

/// The `page`th page (from 1) of what `viewer` finds for `query` among `kind`.
pub async fn search(
    app: &App,
    viewer: Option<&Actor>,
    query: &str,
    kind: Kind,
    page: i64,
) -> Result<Results> {
    let terms = parse(query)?;
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(Error::bad_request(format!(
            "the page is from 1 to {MAX_PAGE}"
        )));
    }
    let limit = app.config.limits.page_size;
    let candidates = app.config.limits.search_candidates;
    let viewer = viewer.cloned();
    app.store
        .run(move |conn| {
            let hidden_groups = privacy::unseen_clubs(conn, Viewer::account(viewer.as_ref()))?;
            let scope = Scope {
                hidden_groups: &hidden_groups,
                viewer: viewer.as_ref().map(Actor::id),
            };
            let mut found = rows::find(
                conn,
                kind,
                &terms,
                &scope,
                candidates,
                limit + 1,
                (page - 1) * limit,
            )?;
            let more = found.len() as i64 > limit;
            found.truncate(limit as usize);
            let hits = describe(conn, kind, found)?;
            Ok(Results {
                kind,
                page,
                hits,
                more,
            })
        })
        .await
}

/// Loads what the results show, in the order found.
fn describe(conn: &mut DbConn, kind: Kind, found: Vec<Found>) -> Result<Vec<Hit>> {
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let mut hits = Vec::with_capacity(found.len());
    match kind {
        Kind::Threads => {
            let posts = post_rows::by_ids(conn, &ids)?;
            let groups = group_rows::by_ids(conn, &unique(posts.iter().map(|p| p.group_id)))?;
            let people = people_rows::by_ids(conn, &unique(posts.iter().map(|p| p.author_id)))?;
            for f in found {
                let Some(p) = posts.iter().find(|p| p.id == f.id) else {
                    continue;
                };
                hits.push(Hit {
                    kind,
                    id: p.id,
                    title: p.title.clone(),
                    excerpt: pieces(&f.excerpt),
                    link: format!("/post/{}", p.id),
                    thread_id: Some(p.id),
                    group: groups.iter().find(|g| g.id == p.group_id).map(group_named),
                    author: people
                        .iter()
                        .find(|u| u.id == p.author_id)
                        .map(person_named),
                    origin: origin(p.local, &p.ap_id),
                    created_at: p.created_at,
                });
            }
        }
        Kind::Comments => {
            let comments = comment_rows::by_ids(conn, &ids)?;
            let posts = post_rows::by_ids(conn, &unique(comments.iter().map(|c| c.post_id)))?;
            let groups = group_rows::by_ids(conn, &unique(posts.iter().map(|p| p.group_id)))?;
            let people = people_rows::by_ids(conn, &unique(comments.iter().map(|c| c.author_id)))?;
            for f in found {
                let Some(c) = comments.iter().find(|c| c.id == f.id) else {
                    continue;
                };
                let Some(p) = posts.iter().find(|p| p.id == c.post_id) else {
                    continue;
                };
                hits.push(Hit {
                    kind,
                    id: c.id,
                    title: p.title.clone(),
                    excerpt: pieces(&f.excerpt),
                    link: format!("/comment/{}", c.id),
                    thread_id: Some(p.id),
                    group: groups.iter().find(|g| g.id == p.group_id).map(group_named),
                    author: people
                        .iter()
                        .find(|u| u.id == c.author_id)
                        .map(person_named),
                    origin: origin(c.local, &c.ap_id),
                    created_at: c.created_at,
                });
            }
        }
        Kind::Groups => {
            let groups = group_rows::by_ids(conn, &ids)?;
            for f in found {
                let Some(g) = groups.iter().find(|g| g.id == f.id) else {
                    continue;
                };
                let named = group_named(g);
                hits.push(Hit {
                    kind,
                    id: g.id,
                    title: named.label.clone(),
                    excerpt: pieces(&f.excerpt),
                    link: format!("/g/{}", named.handle),
                    thread_id: None,
                    group: Some(named),
                    author: None,
                    origin: origin(g.local, &g.ap_id),
                    created_at: g.created_at,
                });
            }
        }
        Kind::People => {
            let people = people_rows::by_ids(conn, &ids)?;
            for f in found {
                let Some(u) = people.iter().find(|u| u.id == f.id) else {
                    continue;
                };
                let named = person_named(u);
                hits.push(Hit {
                    kind,
                    id: u.id,
                    title: named.label.clone(),
                    excerpt: pieces(&f.excerpt),
                    link: format!("/u/{}", named.handle),
                    thread_id: None,
                    group: None,
                    author: Some(named),
                    origin: origin(u.local, &u.ap_id),
                    created_at: u.created_at,
                });
            }
        }
    }
    Ok(hits)
}

fn unique(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut v: Vec<i64> = ids.collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn group_named(g: &group_rows::Group) -> Named {
    Named {
        handle: handle(&g.name, g.local, &g.ap_id),
        label: if g.title.trim().is_empty() {
            g.name.clone()
        } else {
            g.title.clone()
        },
    }
}

fn person_named(u: &people_rows::Person) -> Named {
    Named {
        handle: handle(&u.name, u.local, &u.ap_id),
        label: u
            .display_name
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| u.name.clone()),
    }
}

/// The server a remote row comes from, and its address there.
fn origin(local: bool, ap_id: &str) -> Option<Origin> {
    if local {
        return None;
    }
    let url = url::Url::parse(ap_id).ok()?;
    let domain = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => return None,
    };
    Some(Origin {
        domain,
        url: ap_id.to_string(),
    })
}

/// Splits an excerpt on the store's hit marks.
fn pieces(excerpt: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut text = String::new();
    let mut hit = false;
    let flush = |text: &mut String, hit: bool, out: &mut Vec<Piece>| {
        if !text.is_empty() {
            out.push(Piece {
                text: std::mem::take(text),
                hit,
            });
        }
    };
    for c in excerpt.chars() {
        match c {
            HIT_START => {
                flush(&mut text, hit, &mut out);
                hit = true;
            }
            HIT_END => {
                flush(&mut text, hit, &mut out);
                hit = false;
            }
            c => text.push(c),
        }
    }
    flush(&mut text, hit, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_words() {
        assert!(parse("").is_err());
        assert!(parse("  \"*&|! ").is_err());
        assert!(parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        assert_eq!(
            parse("Rust NEAR(").unwrap(),
            Terms::new(vec!["rust".into(), "near".into()], false)
        );
        assert_eq!(
            parse("rust feder").unwrap(),
            Terms::new(vec!["rust".into(), "feder".into()], true)
        );
        assert_eq!(
            parse("rust is").unwrap(),
            Terms::new(vec!["rust".into(), "is".into()], false)
        );
    }

    #[test]
    fn excerpts_split_on_marks() {
        let p = pieces("the \u{E000}fox\u{E001} jumps");
        assert_eq!(p.len(), 3);
        assert!(p[1].hit && p[1].text == "fox");
        assert!(!p[0].hit && !p[2].hit);
    }
}
