//! The database handle: opening (creating the SQLite file if needed, WAL mode) and migrating.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;

/// The server's database. SQLite today; the PostgreSQL backend is added behind this same type.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: SqlitePool,
}

impl Db {
    /// Opens `url` (`sqlite:///path/file.sqlite` or `sqlite::memory:`), creating the file if missing, and
    /// applies every pending migration.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Opens a SQLite file at `path`.
    pub async fn open_file(path: &std::path::Path) -> anyhow::Result<Self> {
        Self::open(&format!("sqlite://{}", path.display())).await
    }

    /// True when no user exists yet (a fresh database the demo seed may fill).
    pub async fn is_empty(&self) -> anyhow::Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }
}
