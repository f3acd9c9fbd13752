//! Full-text search: the SQL of both backends, in one place.
//!
//! The backends index text differently, so this module is written twice,
//! once per backend, and nowhere else:
//! - **SQLite**: an FTS5 external-content table per searchable table
//!   (`post_fts`, `comment_fts`, `grp_fts`, `person_fts`), kept current by
//!   triggers (migration `2026-12-02-000080_search`). FTS5 ranks the
//!   newest matches (`limits.search_candidates`) by `bm25()` (titles and names weigh
//!   more) over the index alone; they are joined back to their table for
//!   the filters (`sqlite_find`); `snippet()` cuts the page's excerpts.
//! - **PostgreSQL**: a generated `search_vector` column per table with a
//!   GIN index. The newest matches of `search_vector @@ to_tsquery(..)`
//!   are found in a widening range of ids (`postgres_find`), filtered,
//!   ranked by `ts_rank` (titles and names are weight A), with
//!   `ts_headline` for the page's excerpts.
//!
//! Both leave out, before a page is cut: removed, deleted and held rows,
//! the clubs the viewer sees from outside (given by the caller from
//! `community::privacy`), people the viewer blocked and people of blocked
//! servers. So a page is always full when there are enough visible
//! matches, and nothing hidden is counted.
//!
//! User text never reaches the SQL as FTS5 or tsquery syntax: `Terms`
//! holds only words of letters and digits, which this module quotes (FTS5)
//! or joins with `&` (tsquery), and the query is a bound parameter.

use super::articles::ArticleState;
use super::instances::DomainPolicy;
use super::DbConn;
use crate::error::Result;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

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

/// The best of the newest `candidates` matches of `terms` among `kind`,
/// best first. A word found in more rows than `candidates` is ranked
/// among its newest (another word narrows it down): ranking every match
/// costs a bm25 or ts_rank per match, 30,000 for a middling word at 1M
/// threads and ten times that for a common one, where this costs about
/// the same for every query. The candidates grow only when hidden rows
/// leave a page short.
pub fn find(
    conn: &mut DbConn,
    kind: SearchKind,
    terms: &Terms,
    scope: &Scope,
    candidates: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let (limit, offset) = (limit.max(0), offset.max(0));
    let (filters, candidates) = (filters(kind, scope), candidates.max(limit + offset));
    match conn {
        DbConn::Sqlite(c) => sqlite_find(c, kind, terms, &filters, candidates, limit, offset),
        DbConn::Pg(c) => postgres_find(c, kind, terms, &filters, candidates, limit, offset),
    }
}

/// The candidates grow this many times when hidden rows left a page short.
const GROWTH: i64 = 4;

#[derive(QueryableByName)]
struct Ranked {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

#[derive(QueryableByName)]
struct Visible {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// SQLite: FTS5 takes the newest candidates from the index alone
/// (`ORDER BY rowid DESC`) and ranks them (`rank`, the bm25 weights given
/// with `rank MATCH`); only they are joined to their rows for the
/// visibility filters, and the page is cut from the visible ones.
fn sqlite_find(
    c: &mut diesel::SqliteConnection,
    kind: SearchKind,
    terms: &Terms,
    filters: &str,
    mut candidates: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>> {
    let (fts, weights, snippet_column) = fts_table(kind);
    let (from, alias, _) = source(kind);
    let wanted = (offset + limit) as usize;
    loop {
        let ranked = diesel::sql_query(format!(
            "SELECT rowid AS id, rank AS score FROM {fts} \
             WHERE {fts} MATCH ? AND rank MATCH '{weights}' ORDER BY rowid DESC LIMIT {candidates}"
        ))
        .bind::<Text, _>(terms.fts5())
        .load::<Ranked>(c)?;
        let every_match = (ranked.len() as i64) < candidates;
        let visible: std::collections::HashSet<i64> = if ranked.is_empty() {
            Default::default()
        } else {
            // The candidates drive the join (CROSS JOIN keeps them first):
            // with `id IN (..)` the planner may walk an index of a filter
            // column (`held`) over the whole table instead.
            diesel::sql_query(format!(
                "SELECT {alias}.id AS id FROM json_each(?) AS cand CROSS JOIN {from} \
                 WHERE {alias}.id = cand.value AND {filters}"
            ))
            .bind::<Text, _>(format!("[{}]", id_list(ranked.iter().map(|r| r.id))))
            .load::<Visible>(c)?
            .into_iter()
            .map(|v| v.id)
            .collect()
        };
        let mut shown: Vec<Ranked> = ranked
            .into_iter()
            .filter(|r| visible.contains(&r.id))
            .collect();
        if every_match || shown.len() >= wanted {
            // Lower bm25 is better; equal scores newest first.
            shown.sort_by(|a, b| a.score.total_cmp(&b.score).then(b.id.cmp(&a.id)));
            let page: Vec<i64> = shown
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|r| r.id)
                .collect();
            return sqlite_excerpts(c, fts, snippet_column, terms, &page);
        }
        candidates *= GROWTH;
    }
}

/// The excerpts of the page's rows, in the page's order.
fn sqlite_excerpts(
    c: &mut diesel::SqliteConnection,
    fts: &str,
    column: u8,
    terms: &Terms,
    page: &[i64],
) -> Result<Vec<Found>> {
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let (s, e) = (HIT_START, HIT_END);
    let (lo, hi) = (
        page.iter().min().copied().unwrap_or_default(),
        page.iter().max().copied().unwrap_or_default(),
    );
    // One pass over the rowid range; `+rowid IN` is checked row by row. Given
    // to FTS5 as `rowid IN`, a prefix query's merged doclist is built
    // again for every id (50 ms for a page of a common word's prefix).
    let mut found: std::collections::HashMap<i64, String> = diesel::sql_query(format!(
        "SELECT rowid AS id, coalesce(snippet({fts}, {column}, '{s}', '{e}', '…', 24), '') AS excerpt \
         FROM {fts} WHERE {fts} MATCH ? AND rowid BETWEEN {lo} AND {hi} AND +rowid IN ({})",
        id_list(page.iter().copied())
    ))
    .bind::<Text, _>(terms.fts5())
    .load::<Found>(c)?
    .into_iter()
    .map(|f| (f.id, f.excerpt))
    .collect();
    Ok(page
        .iter()
        .filter_map(|id| found.remove(id).map(|excerpt| Found { id: *id, excerpt }))
        .collect())
}

/// Ids from the store, written into a statement.
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// An FTS5 table, its bm25 weights (titles and names weigh more) and the
/// column an excerpt is cut from.
fn fts_table(kind: SearchKind) -> (&'static str, &'static str, u8) {
    match kind {
        SearchKind::Threads => ("post_fts", "bm25(10.0, 1.0)", 1),
        SearchKind::Comments => ("comment_fts", "bm25()", 0),
        SearchKind::Groups => ("grp_fts", "bm25(10.0, 10.0, 1.0)", 2),
        SearchKind::People => ("person_fts", "bm25(10.0, 10.0, 1.0)", 2),
    }
}

/// The rows a kind's matches are, joined to what the filters read: the
/// `FROM`, the matched table's alias, and the table.
fn source(kind: SearchKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        SearchKind::Threads => ("post p JOIN grp g ON g.id = p.group_id", "p", "post"),
        SearchKind::Comments => (
            "comment c JOIN post p ON p.id = c.post_id JOIN grp g ON g.id = p.group_id",
            "c",
            "comment",
        ),
        SearchKind::Groups => ("grp g", "g", "grp"),
        SearchKind::People => ("person u", "u", "person"),
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

/// PostgreSQL: the newest candidates are the newest ids the GIN index
/// matches, looked for in a range of ids below the newest row
/// (`BitmapAnd` of the GIN and primary-key indexes), widened until it
/// holds enough of them: without a range the heap is read for every match
/// (a random page each) or every row is tested from the newest down,
/// either costing some 100 ms for a middling word at 1M threads. They are
/// filtered, ranked by `ts_rank` and the page gets `ts_headline`.
fn postgres_find(
    c: &mut diesel::PgConnection,
    kind: SearchKind,
    terms: &Terms,
    filters: &str,
    mut candidates: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>> {
    let (from, alias, table) = source(kind);
    let query = terms.tsquery();
    let wanted = (offset + limit) as usize;
    let newest = diesel::sql_query(format!("SELECT coalesce(max(id), 0) AS id FROM {table}"))
        .get_result::<Visible>(c)?
        .id;
    // The first range guesses that one row in 16 matches.
    let mut span = candidates * 16;
    loop {
        let floor = newest - span;
        let range = if floor > 0 {
            format!(" AND m.id > {floor}")
        } else {
            String::new()
        };
        let matched = diesel::sql_query(format!(
            "SELECT m.id AS id FROM {table} m \
             WHERE m.search_vector @@ to_tsquery('english', $1){range} \
             ORDER BY m.id DESC LIMIT {candidates}"
        ))
        .bind::<Text, _>(&query)
        .load::<Visible>(c)?;
        let full = matched.len() as i64 == candidates;
        if !full && floor > 0 {
            span *= 8;
            continue;
        }
        let visible: Vec<i64> = if matched.is_empty() {
            Vec::new()
        } else {
            diesel::sql_query(format!(
                "SELECT {alias}.id AS id FROM {from} WHERE {alias}.id IN ({}) AND {filters}",
                id_list(matched.iter().map(|m| m.id))
            ))
            .load::<Visible>(c)?
            .into_iter()
            .map(|v| v.id)
            .collect()
        };
        if full && visible.len() < wanted {
            candidates *= GROWTH;
            continue;
        }
        if visible.is_empty() {
            return Ok(Vec::new());
        }
        return Ok(diesel::sql_query(postgres_rank_sql(
            kind,
            &id_list(visible.into_iter()),
            limit,
            offset,
        ))
        .bind::<Text, _>(&query)
        .load::<Found>(c)?);
    }
}

/// PostgreSQL: `ts_rank` (higher is better) over the visible candidates,
/// `ts_headline` for the page's rows only (it re-reads the text).
fn postgres_rank_sql(kind: SearchKind, ids: &str, limit: i64, offset: i64) -> String {
    let (s, e) = (HIT_START, HIT_END);
    let (_, _, table) = source(kind);
    let text = match kind {
        SearchKind::Threads | SearchKind::Comments => "t.body_source",
        SearchKind::Groups => "t.description_source",
        SearchKind::People => "t.bio_source",
    };
    format!(
        "WITH q AS (SELECT to_tsquery('english', $1) AS q), \
         hits AS (SELECT r.id AS id, ts_rank(r.search_vector, q.q) AS score \
                  FROM {table} r CROSS JOIN q WHERE r.id IN ({ids}) \
                  ORDER BY score DESC, r.id DESC LIMIT {limit} OFFSET {offset}) \
         SELECT hits.id AS id, \
                coalesce(ts_headline('english', {text}, q.q, \
                  'StartSel={s}, StopSel={e}, MaxWords=30, MinWords=12, ShortWord=2'), '') AS excerpt \
         FROM hits JOIN {table} t ON t.id = hits.id CROSS JOIN q \
         ORDER BY hits.score DESC, hits.id DESC"
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
