//! The store: one diesel code path over SQLite or PostgreSQL. Owns the
//! connection pool, migrations and transactions; the submodules hold the
//! rows and queries of each table group. No SQL lives outside this module.

pub mod albums;
pub mod analytics;
pub mod api_tokens;
pub mod articles;
pub mod blocks;
pub mod branding;
pub mod comments;
pub mod deliveries;
pub mod escalation;
pub mod events;
pub mod files;
pub mod follows;
pub mod groups;
pub mod health;
pub mod ideas;
pub mod idempotency;
pub mod influence;
pub mod instances;
pub mod mail;
pub mod media;
pub mod modlog;
pub mod notifications;
pub mod oauth;
pub mod people;
pub mod posts;
pub mod reports;
pub mod reputation;
pub mod schema;
pub mod search;
pub mod terms;
pub mod text;
pub mod votes;
pub mod watched;
pub mod webhooks;

use crate::config::{Config, DatabaseTarget};
use crate::error::{Error, ErrorKind, Result};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

/// Opens connections of the backend the URL names (diesel's own
/// `MultiConnection::establish` tries each backend and hides the error).
pub struct ConnectionManager {
    target: DatabaseTarget,
    busy_timeout_ms: u32,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.target {
            DatabaseTarget::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConn::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
            DatabaseTarget::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // mmap_size: pages are read through a memory map, not a
                // read() each time another connection's write emptied this
                // connection's page cache. wal_autocheckpoint: the WAL is
                // copied back (and synced) every 4,000 pages, not 1,000, so
                // a page written many times in a row is copied once.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA mmap_size = 268435456; PRAGMA wal_autocheckpoint = 4000;",
                    self.busy_timeout_ms
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Clone)]
pub struct Store {
    pool: Pool<ConnectionManager>,
    backend: Backend,
    /// Woken after a store call that recorded an event (the consumers wait on it).
    event_wakeup: std::sync::Arc<tokio::sync::Notify>,
}

thread_local! {
    /// Set by `events::insert` on this thread; read when the store call ends.
    static RECORDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that the current store call recorded an event.
fn note_event() {
    RECORDED.with(|r| r.set(true));
}

impl Store {
    /// Opens the pool (creating the SQLite file's folder if needed).
    pub fn open(config: &Config) -> Result<Store> {
        let target = config
            .database_target()
            .map_err(|e| Error::bad_request(e.to_string()))?;
        let backend = match &target {
            DatabaseTarget::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Error::with_cause(
                            ErrorKind::Unavailable,
                            format!("cannot create the data folder {}", dir.display()),
                            e,
                        )
                    })?;
                }
                // WAL is a property of the file: set it once here, as the
                // pool's connections opening at the same time on a new file
                // would race for it and log "database is locked".
                diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| {
                        Error::with_cause(ErrorKind::Unavailable, "cannot open the database", e)
                    })?
                    .batch_execute("PRAGMA journal_mode = WAL;")?;
                Backend::Sqlite
            }
            DatabaseTarget::Postgres(_) => Backend::Postgres,
        };
        let manager = ConnectionManager {
            target,
            busy_timeout_ms: config.database.busy_timeout_ms,
        };
        let pool = Pool::builder()
            .max_size(config.database.pool_size)
            // A PostgreSQL connection can break (server restart) and is
            // checked with `SELECT 1` when taken; an SQLite file cannot, and
            // the check was a statement more on every store call.
            .test_on_check_out(backend == Backend::Postgres)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| {
                Error::with_cause(ErrorKind::Unavailable, "cannot open the database", e)
            })?;
        Ok(Store {
            pool,
            backend,
            event_wakeup: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool's size now (for the metrics).
    pub fn pool_state(&self) -> PoolState {
        let s = self.pool.state();
        PoolState {
            connections: s.connections,
            idle: s.idle_connections,
            max: self.pool.max_size(),
        }
    }

    /// Runs `f` with a pooled connection on a blocking thread, never on the
    /// async workers.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let wakeup = self.event_wakeup.clone();
        tokio::task::spawn_blocking(move || {
            let asked = std::time::Instant::now();
            let mut conn = pool.get()?;
            crate::telemetry::pool_wait(asked.elapsed());
            RECORDED.with(|r| r.set(false));
            let result = f(&mut conn);
            if RECORDED.with(|r| r.replace(false)) {
                wakeup.notify_waiters();
            }
            result
        })
        .await?
    }

    /// The same, for callers already off the async threads (CLI, jobs).
    pub fn run_blocking<T>(&self, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
        let asked = std::time::Instant::now();
        let mut conn = self.pool.get()?;
        crate::telemetry::pool_wait(asked.elapsed());
        RECORDED.with(|r| r.set(false));
        let result = f(&mut conn);
        if RECORDED.with(|r| r.replace(false)) {
            self.event_wakeup.notify_waiters();
        }
        result
    }

    /// What the event consumers of this process wait on.
    pub fn event_wakeup(&self) -> &tokio::sync::Notify {
        &self.event_wakeup
    }

    /// Applies the pending migrations of this backend; returns how many ran.
    pub fn migrate(&self) -> Result<usize> {
        self.run_blocking(|conn| {
            let applied = match conn {
                DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
                DbConn::Pg(c) => c
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.len()),
            };
            applied.map_err(|e| Error::new(ErrorKind::Internal, format!("migration failed: {e}")))
        })
    }

    /// Whether the database answers; any failure is `Unavailable` (503).
    pub async fn check(&self) -> Result<()> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1").map_err(|e| {
                Error::with_cause(ErrorKind::Unavailable, "the database does not answer", e)
            })
        })
        .await
        .map_err(|e| Error {
            kind: ErrorKind::Unavailable,
            ..e
        })
    }
}

/// Build options the bundled SQLite must have, set by `LIBSQLITE3_FLAGS` in
/// `.cargo/config.toml` (docs/performance.md). A build that misses that
/// file (a Docker build context without it, say) still works, only slower:
/// without QPSG every statement with a bound `LIMIT` is planned again each
/// time it runs. So start-up looks, and warns.
pub const SQLITE_BUILD_OPTIONS: &[&str] = &["ENABLE_QPSG", "DEFAULT_MEMSTATUS=0"];

#[derive(diesel::QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = diesel::sql_types::Text)]
    compile_options: String,
}

impl Store {
    /// What `PRAGMA compile_options` lists for the linked SQLite (empty
    /// on PostgreSQL).
    pub fn sqlite_compile_options(&self) -> Result<Vec<String>> {
        self.run_blocking(|conn| match conn {
            DbConn::Sqlite(c) => Ok(diesel::sql_query("PRAGMA compile_options")
                .load::<CompileOption>(c)?
                .into_iter()
                .map(|o| o.compile_options)
                .collect()),
            DbConn::Pg(_) => Ok(Vec::new()),
        })
    }

    /// The `SQLITE_BUILD_OPTIONS` the linked SQLite was built without
    /// (none on PostgreSQL).
    pub fn missing_sqlite_options(&self) -> Result<Vec<&'static str>> {
        if self.backend != Backend::Sqlite {
            return Ok(Vec::new());
        }
        let have = self.sqlite_compile_options()?;
        Ok(SQLITE_BUILD_OPTIONS
            .iter()
            .copied()
            .filter(|want| !have.iter().any(|h| h == want))
            .collect())
    }
}

/// A write transaction. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so a read-then-write never fails half-way with
/// SQLITE_BUSY when another writer got in between.
pub fn write_tx<T>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T>) -> Result<T> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn);
    let end = match (&result, conn) {
        (Ok(_), DbConn::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConn::Pg(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConn::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConn::Pg(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (result, end) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) => Err(e.into()),
        (Err(e), _) => Err(e),
    }
}

/// Now, truncated to microseconds so both backends store the same value.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Whether an error is a unique-constraint violation (a taken name, a
/// repeated vote), which callers turn into 409 with their own wording.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
