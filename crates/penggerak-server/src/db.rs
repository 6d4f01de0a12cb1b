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

/// The most database connections one server process holds open (its pool's maximum), unless the operator
/// sets it (`--database-connections`). Every instance on one PostgreSQL holds up to this many: their sum
/// must stay under the database's `max_connections` (100 by default), see `docs/capacity.md`.
pub const MAX_CONNECTIONS: u32 = 8;

/// The range `--database-connections` accepts.
pub const CONNECTIONS_RANGE: std::ops::RangeInclusive<u32> = 1..=256;

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
        Self::open_with(url, MAX_CONNECTIONS).await
    }

    /// [`Db::open`] with a pool of at most `connections` (within [`CONNECTIONS_RANGE`]).
    pub async fn open_with(url: &str, connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        if !CONNECTIONS_RANGE.contains(&connections) {
            bail!(
                "{connections} database connections: between {} and {}",
                CONNECTIONS_RANGE.start(),
                CONNECTIONS_RANGE.end()
            );
        }
        let options = AnyPoolOptions::new().max_connections(connections);
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
        if backend == Backend::Postgres {
            feed_sequence(&pool).await.context("creating the feed's sequence")?;
        }
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

    /// Whether `url` connects with TLS that authenticates the server, as `--database-require-tls` demands:
    /// `Ok` only for PostgreSQL with `sslmode=verify-full`, else one line saying what to use.
    ///
    /// The mode is read by sqlx's own parser (the one the `Any` driver connects with), so aliases
    /// (`ssl-mode`) and a repeated `sslmode` (the last wins) are judged as the connection will use them,
    /// and `PGSSLMODE` counts when the URL names no mode. Nothing else is read or changed.
    ///
    /// Refused, each with its reason: `disable`, `allow` and `prefer` (plain text is possible: `prefer`
    /// silently falls back to it); `require` (encrypted, but the server's certificate is not checked, so
    /// a man in the middle poses as the server and reads everything); and `verify-ca`, because sqlx
    /// trusts Mozilla's public roots next to `sslrootcert` and `verify-ca` skips the host name, so a
    /// certificate anyone can get from a public CA for their own domain would pass.
    pub fn check_tls(url: &str) -> Result<(), String> {
        use sqlx::postgres::{PgConnectOptions, PgSslMode};
        const USE: &str = "use postgres://user@host/db?sslmode=verify-full&sslrootcert=/path/ca.pem \
                           (sslrootcert may be left out when a public CA signed the server's certificate)";
        let shown = redact(url);
        match Backend::of(url) {
            Ok(Backend::Postgres) => {}
            Ok(Backend::Sqlite) => {
                return Err(format!(
                    "--database-require-tls: {shown} is a local SQLite file, not a PostgreSQL server; {USE}"
                ))
            }
            Err(_) => return Err(format!("--database-require-tls: {shown} is not a PostgreSQL URL; {USE}")),
        }
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| format!("--database-require-tls: the URL {shown} does not parse: {e}"))?;
        let why = match options.get_ssl_mode() {
            PgSslMode::VerifyFull => return Ok(()),
            PgSslMode::Disable | PgSslMode::Allow => "is not encrypted",
            PgSslMode::Prefer => {
                "falls back to plain text when the server (or a man in the middle) declines TLS \
                 (prefer is the default when the URL names no sslmode)"
            }
            PgSslMode::Require => {
                "encrypts but does not check the server's certificate, so a man in the middle can pose \
                 as the server and read everything"
            }
            PgSslMode::VerifyCa => {
                "does not check the host name, and the trusted roots include the public CAs, so a \
                 certificate anyone can get for their own domain passes"
            }
        };
        let mode = match options.get_ssl_mode() {
            PgSslMode::Disable => "disable",
            PgSslMode::Allow => "allow",
            PgSslMode::Prefer => "prefer",
            PgSslMode::Require => "require",
            PgSslMode::VerifyCa => "verify-ca",
            PgSslMode::VerifyFull => "verify-full",
        };
        Err(format!("--database-require-tls: {shown} connects with sslmode={mode}, which {why}; {USE}"))
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

/// PostgreSQL only (the migrations are shared with SQLite, which has no sequences): creates the sequence
/// that numbers changes in the feed (see `records`), starting after every number the `record_seq` row
/// handed out, once. Instances starting together take turns on an advisory lock, so only the first creates
/// it and none ever moves it back.
async fn feed_sequence(pool: &AnyPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    // An arbitrary key of this database's own, for this one purpose.
    sqlx::query("SELECT pg_advisory_xact_lock(7364816702)").execute(&mut *tx).await?;
    let (exists,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM pg_class WHERE relname = 'record_seq_values' AND relkind = 'S'                  AND pg_table_is_visible(oid)")
            .fetch_one(&mut *tx)
            .await?;
    if exists == 0 {
        sqlx::query("CREATE SEQUENCE record_seq_values").execute(&mut *tx).await?;
        let (_,): (i64,) = sqlx::query_as(
            "SELECT setval('record_seq_values', GREATEST(1,
                 (SELECT value FROM record_seq WHERE id = 1), (SELECT COALESCE(MAX(seq), 0) FROM records)))",
        )
        .fetch_one(&mut *tx)
        .await?;
    }
    tx.commit().await
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

    /// The refusal, which must name the mode it saw and, as every refusal must, what to use instead.
    fn refusal(url: &str) -> String {
        let e = Db::check_tls(url).expect_err(url);
        assert!(e.contains("sslmode=verify-full"), "every refusal names what to use: {e}");
        assert!(!e.contains('\n'), "the refusal is one line: {e}");
        e
    }

    #[test]
    fn require_tls_accepts_only_verify_full() {
        assert_eq!(
            Db::check_tls("postgres://u@db.example/penggerak?sslmode=verify-full&sslrootcert=/etc/ca.pem"),
            Ok(()),
            "verify-full checks the chain and the host name: the one mode that authenticates the server"
        );
        assert_eq!(
            Db::check_tls("postgresql://u@db.example/penggerak?ssl-mode=verify-full"),
            Ok(()),
            "sqlx reads ssl-mode as sslmode, so the check must too"
        );
        for (mode, why) in [
            ("disable", "is not encrypted"),
            ("allow", "is not encrypted"),
            ("prefer", "falls back to plain text"),
            ("require", "does not check the server's certificate"),
            ("verify-ca", "does not check the host name"),
        ] {
            let e = refusal(&format!("postgres://u@db.example/penggerak?sslmode={mode}"));
            assert!(
                e.contains(&format!("sslmode={mode}")) && e.contains(why),
                "{mode} is refused because it {why}: {e}"
            );
        }
        // sqlx keeps the last sslmode it reads: an earlier verify-full must not hide a later disable.
        let e = refusal("postgres://u@db.example/p?sslmode=verify-full&sslmode=disable");
        assert!(e.contains("sslmode=disable"), "the mode judged is the one sqlx connects with: {e}");
    }

    #[test]
    fn require_tls_refuses_what_is_not_postgres_or_does_not_parse_and_never_prints_the_password() {
        let e = refusal("sqlite:///var/lib/penggerak/penggerak.sqlite");
        assert!(e.contains("SQLite"), "a SQLite file has no connection to encrypt; the message says so: {e}");
        refusal("mysql://u@db.example/p?ssl-mode=VERIFY_IDENTITY");
        let e = refusal("postgres://u:hunter2@db.example/p?sslmode=verify-fully");
        assert!(e.contains("does not parse"), "an unknown sslmode is not silently taken for another: {e}");
        let e = refusal("postgres://u:hunter2@db.example/p?sslmode=require");
        assert!(!e.contains("hunter2") && e.contains("u:***@"), "the refusal shows the URL redacted: {e}");
    }

    #[test]
    fn require_tls_refuses_a_url_without_sslmode_unless_pgsslmode_says_verify_full() {
        // With no sslmode in the URL, sqlx takes PGSSLMODE, else prefer; the check follows it either way.
        let url = "postgres://u@db.example/penggerak";
        match std::env::var("PGSSLMODE").ok().as_deref() {
            Some("verify-full") => assert_eq!(Db::check_tls(url), Ok(()), "PGSSLMODE=verify-full is used"),
            Some(_) => {
                refusal(url);
            }
            None => {
                let e = refusal(url);
                assert!(e.contains("sslmode=prefer"), "without a mode sqlx prefers TLS but falls back: {e}");
            }
        }
    }
}
