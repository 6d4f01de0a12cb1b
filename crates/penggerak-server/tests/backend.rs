//! The test servers run on the backend the test run asked for: SQLite by default, PostgreSQL when
//! `PENGGERAK_TEST_DATABASE` is set (the PostgreSQL pass of `cargo xtask test`). Without this, a broken
//! PostgreSQL setup could silently fall back to SQLite and the "tested on both" claim would be false.

use penggerak_server::db::Backend;
use penggerak_server::Db;
use penggerak_testkit::{TestServer, POSTGRES_ENV};

#[tokio::test]
async fn the_test_server_runs_on_the_requested_backend() {
    let server = TestServer::start();
    let want_postgres = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    let db = Db::open(server.database_url()).await.unwrap();
    let expected = if want_postgres { Backend::Postgres } else { Backend::Sqlite };
    assert_eq!(db.backend, expected, "{POSTGRES_ENV} decides the backend");
    let engine: (String,) = match db.backend {
        Backend::Postgres => sqlx::query_as("SELECT version()").fetch_one(&db.pool).await.unwrap(),
        Backend::Sqlite => {
            sqlx::query_as("SELECT 'SQLite ' || sqlite_version()").fetch_one(&db.pool).await.unwrap()
        }
    };
    let word = if want_postgres { "PostgreSQL" } else { "SQLite" };
    assert!(engine.0.starts_with(word), "the database itself says it is {word}: {}", engine.0);
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
    assert!(users > 0, "the server's own database holds the demo users");
    db.pool.close().await;
}
