//! The local store: one SQLite file in the app's data directory.
//!
//! Durability: WAL with `synchronous = FULL`, so a transaction that returned is on disk even after a power
//! cut (NORMAL would only survive an application crash). The writes are small and rare enough that the
//! extra fsync costs nothing a user notices. Migrations in `migrations/` are only ever added.

use crate::CoreError;
use penggerak_types::api::Profile;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct LocalStore {
    pool: SqlitePool,
}

const LAST_SERVER: &str = "last_server_url";

impl LocalStore {
    /// Opens (creating if needed) `penggerak.sqlite` in `data_dir` and migrates it.
    pub async fn open(data_dir: &Path) -> Result<Self, CoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| CoreError::Storage(format!("creating {}: {e}", data_dir.display())))?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("penggerak.sqlite"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String, CoreError> {
        let (result,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(result)
    }

    /// The cached account: the server it belongs to and its profile.
    pub async fn account(&self) -> Result<Option<(String, Profile)>, CoreError> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT server_url, profile FROM account WHERE id = 1")
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(server, json)| {
            serde_json::from_str(&json)
                .map(|p| (server, p))
                .map_err(|e| CoreError::Storage(format!("cached profile unreadable: {e}")))
        })
        .transpose()
    }

    /// Replaces the cached account, and remembers its server as the last one used.
    pub async fn save_account(&self, server_url: &str, profile: &Profile) -> Result<(), CoreError> {
        let json = serde_json::to_string(profile).map_err(|e| CoreError::Storage(e.to_string()))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO account (id, server_url, profile, updated_at) VALUES (1, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, profile = excluded.profile,
                                            updated_at = excluded.updated_at",
        )
        .bind(server_url)
        .bind(&json)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        set_setting(&mut tx, LAST_SERVER, server_url).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the account's data (sign-out). Settings such as the last server stay.
    pub async fn clear_account(&self) -> Result<(), CoreError> {
        sqlx::query("DELETE FROM account").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn last_server(&self) -> Result<Option<String>, CoreError> {
        self.setting(LAST_SERVER).await
    }

    pub(crate) async fn setting(&self, key: &str) -> Result<Option<String>, CoreError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v,)| v))
    }

    /// Closes the pool, checkpointing the WAL (used before deleting or inspecting the file).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub(crate) async fn set_setting(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
    value: &str,
) -> Result<(), CoreError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}
