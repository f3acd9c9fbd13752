//! The bundled SQLite is built with the project's options (LIBSQLITE3_FLAGS
//! in .cargo/config.toml): a build without them (a Docker build context
//! missing .cargo/, say) works but re-plans every statement with a bound
//! LIMIT. Read through the same function the server's start-up check uses.

use crate::common;

use crate::common::Backend;
use guildhall::store::SQLITE_BUILD_OPTIONS;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundled_sqlite_has_the_projects_build_options() {
    let s = common::start(Backend::Sqlite).await;
    let store = s.app.store.clone();
    let (options, missing) = tokio::task::spawn_blocking(move || {
        (
            store.sqlite_compile_options().expect("compile options"),
            store.missing_sqlite_options().expect("missing options"),
        )
    })
    .await
    .expect("join");
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "PRAGMA compile_options: {options:?}"
    );
    assert!(
        missing.is_empty(),
        "built without {missing:?} of {SQLITE_BUILD_OPTIONS:?}; has {options:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_has_no_sqlite_options_to_miss() {
    if common::postgres_url().is_none() {
        eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
        return;
    }
    let s = common::start(Backend::Postgres).await;
    let store = s.app.store.clone();
    let missing = tokio::task::spawn_blocking(move || store.missing_sqlite_options())
        .await
        .expect("join")
        .expect("no check on PostgreSQL");
    assert!(missing.is_empty(), "{missing:?}");
}
