//! Full-text search: the SQL of both backends, in one place.
//!
//! The backends index text differently, so this module is written twice,
//! once per backend, and nowhere else:
//! - **SQLite**: an FTS5 external-content table per searchable table
//!   (`post_fts`, `comment_fts`, `grp_fts`, `person_fts`), kept current by
//!   triggers (migration `2026-12-02-000080_search`). A query is an FTS5
//!   `MATCH` joined back to its table by rowid, ranked by `bm25()` (titles
//!   and names weigh more), with `snippet()` for the excerpt.
//! - **PostgreSQL**: a generated `search_vector` column per table with a
//!   GIN index. A query is `search_vector @@ to_tsquery(..)`, ranked by
//!   `ts_rank` (titles and names are weight A), with `ts_headline` for the
//!   excerpt, computed only for the page's rows (it re-reads the text).
//!
//! Both filter in the same statement that ranks, before the `LIMIT`:
//! removed, deleted and held rows, the clubs the viewer sees from outside
//! (given by the caller from `community::privacy`), people the viewer
//! blocked and people of blocked servers. So a page is always full when
//! there are enough visible matches, and nothing hidden is counted.
//!
//! User text never reaches the SQL as FTS5 or tsquery syntax: `Terms`
//! holds only words of letters and digits, which this module quotes (FTS5)
//! or joins with `&` (tsquery), and the query is a bound parameter.

use super::articles::ArticleState;
use super::instances::DomainPolicy;
use super::DbConn;
use crate::error::Result;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

crate::text_enum! {
    /// What a search looks through.
    pub enum SearchKind {
        Threads => "threads",
        Comments => "comments",
        Groups => "groups",
        People => "people",
    }
}

/// Where a matched word starts and ends in an excerpt (private-use
/// characters: the excerpt is plain text, split on these by the caller).
pub const HIT_START: char = '\u{E000}';
pub const HIT_END: char = '\u{E001}';

/// The words of a query: letters and digits only, so nothing in them is
/// FTS5 or tsquery syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    words: Vec<String>,
    /// The last word also matches words it starts (typing "federat" finds
    /// "federation").
    prefix_last: bool,
}

impl Terms {
    /// The words of `words` (anything but letters and digits is dropped
    /// again here, whatever the caller did).
    pub fn new(words: Vec<String>, prefix_last: bool) -> Terms {
        let words = words
            .into_iter()
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        Terms { words, prefix_last }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// `"word" "word"*`: each word a quoted string (implicit AND).
    fn fts5(&self) -> String {
        let last = self.words.len().saturating_sub(1);
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last && self.prefix_last {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `word & word:*`, for `to_tsquery('english', ..)`.
    fn tsquery(&self) -> String {
        let last = self.words.len().saturating_sub(1);
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last && self.prefix_last {
                    format!("{w}:*")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// What the viewer may not see, applied in the query.
pub struct Scope<'a> {
    /// Clubs seen from outside: their threads and comments are left out.
    pub hidden_groups: &'a [i64],
    /// The signed-in viewer (people they blocked are left out).
    pub viewer: Option<i64>,
}

/// A match: the row's id and an excerpt with `HIT_START`/`HIT_END` marks.
#[derive(Debug, QueryableByName)]
pub struct Found {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub excerpt: String,
}

/// The best matches of `terms` among `kind`, best first.
pub fn find(
    conn: &mut DbConn,
    kind: SearchKind,
    terms: &Terms,
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let page = format!("LIMIT {} OFFSET {}", limit.max(0), offset.max(0));
    match conn {
        DbConn::Sqlite(c) => {
            let sql = sqlite_sql(kind, &filters(kind, scope), &page);
            Ok(diesel::sql_query(sql)
                .bind::<Text, _>(terms.fts5())
                .load::<Found>(c)?)
        }
        DbConn::Pg(c) => {
            let sql = postgres_sql(kind, &filters(kind, scope), &page);
            Ok(diesel::sql_query(sql)
                .bind::<Text, _>(terms.tsquery())
                .load::<Found>(c)?)
        }
    }
}

/// The visibility conditions, the same on both backends. Ids are
/// integers from the store, written into the statement.
fn filters(kind: SearchKind, scope: &Scope) -> String {
    let blocked_servers = format!(
        "SELECT bp.id FROM person bp JOIN instance bi ON bi.id = bp.instance_id WHERE bi.policy = '{}'",
        DomainPolicy::Blocked.as_str()
    );
    // Drafts and scheduled articles are not out yet.
    let unpublished = format!(
        "p.id NOT IN (SELECT post_id FROM article WHERE state <> '{}')",
        ArticleState::Published.as_str()
    );
    let mut f: Vec<String> = Vec::new();
    let author = match kind {
        SearchKind::Threads => {
            f.push("p.removed = FALSE AND p.deleted = FALSE AND p.held = FALSE".into());
            f.push(unpublished.clone());
            f.push("g.deleted = FALSE".into());
            "p.author_id"
        }
        SearchKind::Comments => {
            f.push("c.removed = FALSE AND c.deleted = FALSE AND c.held = FALSE".into());
            f.push("p.removed = FALSE AND p.deleted = FALSE AND p.held = FALSE".into());
            f.push(unpublished.clone());
            f.push("g.deleted = FALSE".into());
            "c.author_id"
        }
        SearchKind::Groups => {
            // The directory lists every group and club (a club's profile
            // is public); so does search.
            f.push("g.deleted = FALSE".into());
            return f.join(" AND ");
        }
        SearchKind::People => {
            f.push("u.deleted = FALSE AND u.banned = FALSE".into());
            "u.id"
        }
    };
    if !scope.hidden_groups.is_empty() && kind != SearchKind::People {
        let ids: Vec<String> = scope.hidden_groups.iter().map(i64::to_string).collect();
        f.push(format!("p.group_id NOT IN ({})", ids.join(",")));
    }
    f.push(format!("{author} NOT IN ({blocked_servers})"));
    if let Some(viewer) = scope.viewer {
        f.push(format!(
            "{author} NOT IN (SELECT blocked_id FROM person_block WHERE blocker_id = {viewer})"
        ));
    }
    f.join(" AND ")
}

/// SQLite: FTS5 `MATCH ?`, `bm25()` (lower is better), `snippet()`.
fn sqlite_sql(kind: SearchKind, filters: &str, page: &str) -> String {
    let (s, e) = (HIT_START, HIT_END);
    match kind {
        SearchKind::Threads => format!(
            "SELECT p.id AS id, coalesce(snippet(post_fts, 1, '{s}', '{e}', '…', 24), '') AS excerpt \
             FROM post_fts JOIN post p ON p.id = post_fts.rowid JOIN grp g ON g.id = p.group_id \
             WHERE post_fts MATCH ? AND {filters} \
             ORDER BY bm25(post_fts, 10.0, 1.0), p.id DESC {page}"
        ),
        SearchKind::Comments => format!(
            "SELECT c.id AS id, coalesce(snippet(comment_fts, 0, '{s}', '{e}', '…', 24), '') AS excerpt \
             FROM comment_fts JOIN comment c ON c.id = comment_fts.rowid \
             JOIN post p ON p.id = c.post_id JOIN grp g ON g.id = p.group_id \
             WHERE comment_fts MATCH ? AND {filters} \
             ORDER BY bm25(comment_fts), c.id DESC {page}"
        ),
        SearchKind::Groups => format!(
            "SELECT g.id AS id, coalesce(snippet(grp_fts, 2, '{s}', '{e}', '…', 24), '') AS excerpt \
             FROM grp_fts JOIN grp g ON g.id = grp_fts.rowid \
             WHERE grp_fts MATCH ? AND {filters} \
             ORDER BY bm25(grp_fts, 10.0, 10.0, 1.0), g.id DESC {page}"
        ),
        SearchKind::People => format!(
            "SELECT u.id AS id, coalesce(snippet(person_fts, 2, '{s}', '{e}', '…', 24), '') AS excerpt \
             FROM person_fts JOIN person u ON u.id = person_fts.rowid \
             WHERE person_fts MATCH ? AND {filters} \
             ORDER BY bm25(person_fts, 10.0, 10.0, 1.0), u.id DESC {page}"
        ),
    }
}

/// PostgreSQL: `@@ to_tsquery('english', $1)`, `ts_rank` (higher is
/// better), `ts_headline` for the page's rows only.
fn postgres_sql(kind: SearchKind, filters: &str, page: &str) -> String {
    let (s, e) = (HIT_START, HIT_END);
    let headline = |column: &str| {
        format!(
            "coalesce(ts_headline('english', {column}, q.q, \
             'StartSel={s}, StopSel={e}, MaxWords=30, MinWords=12, ShortWord=2'), '')"
        )
    };
    let (from, alias, text) = match kind {
        SearchKind::Threads => (
            "post p JOIN grp g ON g.id = p.group_id",
            "p",
            "t.body_source",
        ),
        SearchKind::Comments => (
            "comment c JOIN post p ON p.id = c.post_id JOIN grp g ON g.id = p.group_id",
            "c",
            "t.body_source",
        ),
        SearchKind::Groups => ("grp g", "g", "t.description_source"),
        SearchKind::People => ("person u", "u", "t.bio_source"),
    };
    let table = match kind {
        SearchKind::Threads => "post",
        SearchKind::Comments => "comment",
        SearchKind::Groups => "grp",
        SearchKind::People => "person",
    };
    format!(
        "WITH q AS (SELECT to_tsquery('english', $1) AS q), \
         hits AS (SELECT {alias}.id AS id, ts_rank({alias}.search_vector, q.q) AS score \
                  FROM {from} CROSS JOIN q \
                  WHERE {alias}.search_vector @@ q.q AND {filters} \
                  ORDER BY score DESC, {alias}.id DESC {page}) \
         SELECT hits.id AS id, {headline} AS excerpt \
         FROM hits JOIN {table} t ON t.id = hits.id CROSS JOIN q \
         ORDER BY hits.score DESC, hits.id DESC",
        headline = headline(text)
    )
}

#[cfg(test)]
mod tests {
    use super::Terms;

    #[test]
    fn user_text_is_never_query_syntax() {
        let t = Terms::new(
            vec!["NEAR(".into(), "\"a*".into(), "b'c".into(), "&|!".into()],
            true,
        );
        assert_eq!(t.fts5(), "\"NEAR\" \"a\" \"bc\"*");
        assert_eq!(t.tsquery(), "NEAR & a & bc:*");
        assert!(Terms::new(vec!["*".into(), "\"".into()], false).is_empty());
    }
}
