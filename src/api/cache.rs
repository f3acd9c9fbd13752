//! A short-lived cache of JSON answers for readers without an account: a
//! popular group's front page or thread, read by many at once, is built
//! once rather than once per reader. Signed-in readers always get a fresh
//! answer (it carries their own votes and permissions).
//!
//! An entry serves until `cache.anonymous_ttl_ms` has passed or until this
//! process has finished any request that may write (any method but GET and
//! HEAD), whichever comes first: what someone posts, edits or votes here
//! shows at once. Writes by other processes (several behind one
//! PostgreSQL) and by background jobs show within the time limit.

use crate::error::{Error, Result};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most entries kept; the map is emptied of stale entries, then of all,
/// when it is full.
const CAPACITY: usize = 4096;

pub struct AnswerCache {
    ttl_ms: AtomicU64,
    writes: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

struct Entry {
    body: Bytes,
    made: Instant,
    writes: u64,
}

/// Where an answer being built started: compare it when storing, so that
/// an answer read before a write is never kept after it.
#[derive(Clone, Copy)]
pub struct Ticket(u64);

impl AnswerCache {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration) -> AnswerCache {
        AnswerCache {
            ttl_ms: AtomicU64::new(ttl.as_millis().try_into().unwrap_or(u64::MAX)),
            writes: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn ttl(&self) -> Duration {
        Duration::from_millis(self.ttl_ms.load(Ordering::Relaxed))
    }

    pub fn enabled(&self) -> bool {
        !self.ttl().is_zero()
    }

    /// Changes the time limit (zero: off) of a running server.
    pub fn set_ttl(&self, ttl: Duration) {
        self.ttl_ms.store(
            ttl.as_millis().try_into().unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// A request that may have written has finished.
    pub fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.writes.load(Ordering::SeqCst))
    }

    /// The stored answer for `key`, if it is still current.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        if !self.enabled() {
            return None;
        }
        let writes = self.writes.load(Ordering::SeqCst);
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        (e.writes == writes && e.made.elapsed() < self.ttl()).then(|| e.body.clone())
    }

    /// Keeps `body` for `key`, unless a write finished since `ticket`.
    pub fn put(&self, key: String, body: Bytes, ticket: Ticket) {
        if !self.enabled() || self.writes.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= CAPACITY {
            let ttl = self.ttl();
            entries.retain(|_, e| e.writes == ticket.0 && e.made.elapsed() < ttl);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                body,
                made: Instant::now(),
                writes: ticket.0,
            },
        );
    }
}

/// A 200 with a JSON body already encoded.
fn json_answer(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

/// The JSON answer to `req`: for a reader without an account, the kept
/// one if current, else built by `build` and kept; for a signed-in
/// reader, always built.
pub async fn json_for<T, F>(
    cache: &AnswerCache,
    req: &HttpRequest,
    anonymous: bool,
    build: F,
) -> Result<HttpResponse>
where
    T: Serialize,
    F: Future<Output = Result<T>>,
{
    let key = req.uri().to_string();
    if anonymous {
        if let Some(body) = cache.get(&key) {
            return Ok(json_answer(body));
        }
    }
    let ticket = cache.ticket();
    let value = build.await?;
    let body = Bytes::from(
        serde_json::to_vec(&value).map_err(|e| Error::internal("cannot encode an answer", e))?,
    );
    if anonymous {
        cache.put(key, body.clone(), ticket);
    }
    Ok(json_answer(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_serves_until_a_write_or_its_time_is_up() {
        let cache = AnswerCache::new(Duration::from_secs(60));
        let t = cache.ticket();
        cache.put("/a".into(), Bytes::from_static(b"1"), t);
        assert_eq!(cache.get("/a").as_deref(), Some(&b"1"[..]));
        assert_eq!(cache.get("/b"), None);
        cache.note_write();
        assert_eq!(cache.get("/a"), None, "a write ends every entry");

        let short = AnswerCache::new(Duration::from_millis(20));
        let t = short.ticket();
        short.put("/a".into(), Bytes::from_static(b"1"), t);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(short.get("/a"), None, "the time limit ends an entry");
    }

    #[test]
    fn an_answer_built_across_a_write_is_not_kept() {
        let cache = AnswerCache::new(Duration::from_secs(60));
        let before = cache.ticket();
        cache.note_write();
        cache.put("/a".into(), Bytes::from_static(b"old"), before);
        assert_eq!(cache.get("/a"), None);
    }

    #[test]
    fn a_zero_time_limit_turns_it_off() {
        let cache = AnswerCache::new(Duration::ZERO);
        let t = cache.ticket();
        cache.put("/a".into(), Bytes::from_static(b"1"), t);
        assert_eq!(cache.get("/a"), None);
    }
}
