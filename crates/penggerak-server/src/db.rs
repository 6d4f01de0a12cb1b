//! The database handle: SQLite (default) or PostgreSQL, picked by the URL, behind one type.
//!
//! Queries go through sqlx's `Any` driver and are written once for both backends: `$1`-style
//! placeholders (SQLite binds `$N` positionally too) and portable SQL. So are the migrations in
//! `migrations/` (e.g. `BIGINT`, which SQLite stores as an integer; no booleans in results — count
//! instead). The integration tests run against both (`cargo xtask test`). Migrations are only ever added.

use anyhow::{bail, Context};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use sqlx::Executor;

static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// The most database connections one server process holds open (its pool's maximum).
pub const MAX_CONNECTIONS: u32 = 8;

/// Which database engine a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or an error naming the URLs that are accepted.
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!(
                "unsupported database URL {:?}: use sqlite:///path/file.sqlite or postgres://user@host/db",
                redact(url)
            )
        }
    }
}

/// The server's database.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl Db {
    /// Opens `url` (`sqlite:///path/file.sqlite`, `sqlite::memory:`, or `postgres://…`), creating a
    /// missing SQLite file, and applies every pending migration.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        let options = AnyPoolOptions::new().max_connections(MAX_CONNECTIONS);
        let pool = match backend {
            Backend::Sqlite => {
                // Per connection: enforce foreign keys, wait on a busy writer, WAL with NORMAL sync (a
                // committed transaction survives a server crash; the server is not the only copy of a
                // teacher's changes, the devices' outboxes are).
                let url = if url.contains('?') || url.contains(":memory:") {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Backend::Postgres => options.connect(url).await,
        }
        .with_context(|| format!("connecting to {}", redact(url)))?;
        MIGRATIONS.run(&pool).await.context("applying migrations")?;
        crate::files::note_earlier_uses(&pool).await.context("noting the uses of stored files")?;
        Ok(Self { pool, backend })
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails with `SQLITE_BUSY`
    /// (no waiting) when another writer committed in between, which concurrent requests hit. PostgreSQL's
    /// row locks need no such care.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Opens a SQLite file at `path`.
    pub async fn open_file(path: &std::path::Path) -> anyhow::Result<Self> {
        Self::open(&format!("sqlite://{}", path.display())).await
    }

    /// Whether the database answers and has every migration this build knows applied (readiness):
    /// `Ok(missing)` with the versions not applied (empty when ready), `Err` when it does not answer.
    pub async fn migrations_missing(&self) -> Result<Vec<i64>, sqlx::Error> {
        let applied: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await?;
        Ok(MIGRATIONS.iter().map(|m| m.version).filter(|v| !applied.iter().any(|(a,)| a == v)).collect())
    }

    /// True when no user exists yet (a fresh database the demo seed may fill).
    pub async fn is_empty(&self) -> anyhow::Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n == 0)
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url_and_redaction() {
        assert_eq!(Backend::of("sqlite:///tmp/x.sqlite").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of("postgres://u@localhost/db").unwrap(), Backend::Postgres);
        assert!(Backend::of("mysql://x").is_err(), "only the two supported backends are accepted");
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db",
            "passwords never print"
        );
        assert_eq!(redact("sqlite:///tmp/x.sqlite"), "sqlite:///tmp/x.sqlite");
    }
}
