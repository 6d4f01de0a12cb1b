//! The local store: one SQLite file in the app's data directory.
//!
//! Durability: WAL with `synchronous = FULL`, so a transaction that returned is on disk even after a power
//! cut (NORMAL would only survive an application crash). The writes are small and rare enough that the
//! extra fsync costs nothing a user notices. Migrations in `migrations/` are only ever added.
//!
//! The data folder holds personal data (the database, saved materials): on unix it is the owner's only
//! (folders 0700, files 0600 — the database's `-wal`/`-shm` too), set again on every open so older
//! installs are mended. At rest it relies on the OS's disk encryption.

use crate::clock::{Clock, SystemClock};
use crate::CoreError;
use penggerak_types::api::Profile;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::sync::Arc;

#[derive(Clone)]
pub struct LocalStore {
    pool: SqlitePool,
    /// Where "now" comes from for what the store stamps (when a change was queued or refused, a draft
    /// saved): the engine's clock ([`crate::Engine::set_clock`]).
    clock: Arc<dyn Clock>,
}

const LAST_SERVER: &str = "last_server_url";

/// Makes `path` owner-only if it is there. One that is not (any more) needs no protecting: SQLite removes
/// its -wal and -shm files when the last connection closes, which another engine closing over the same
/// folder can do between any look and the change (seen as a failed open in the engine bench).
fn protect_if_there(path: &Path) -> std::io::Result<()> {
    match make_private(path, FILE_MODE) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl LocalStore {
    /// Opens (creating if needed) `penggerak.sqlite` in `data_dir` and migrates it.
    pub async fn open(data_dir: &Path) -> Result<Self, CoreError> {
        private_dir(data_dir)
            .map_err(|e| CoreError::Storage(format!("creating {}: {e}", data_dir.display())))?;
        let file = data_dir.join("penggerak.sqlite");
        // Created here owner-only: SQLite gives its -wal and -shm files the database file's permissions.
        private_file(&file, std::fs::OpenOptions::new().create(true).append(true))
            .and_then(|_| make_private(&file, FILE_MODE))
            .map_err(|e| CoreError::Storage(format!("creating {}: {e}", file.display())))?;
        for extra in ["penggerak.sqlite-wal", "penggerak.sqlite-shm"] {
            let path = data_dir.join(extra);
            protect_if_there(&path)
                .map_err(|e| CoreError::Storage(format!("protecting {}: {e}", path.display())))?;
        }
        mend_materials(&data_dir.join("materials"));
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool, clock: Arc::new(SystemClock) })
    }

    /// Now, by the engine's clock (Unix seconds).
    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Now, by the engine's clock, as RFC 3339 UTC.
    pub(crate) fn now_rfc3339(&self) -> String {
        time::OffsetDateTime::from_unix_timestamp_nanos(self.clock.now_nanos())
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default()
    }

    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// A write transaction, begun `IMMEDIATE`: it takes the write lock at once (waiting up to the busy
    /// timeout for it). A deferred one that reads first and writes later fails at once with "database is
    /// locked" if another connection wrote in between (WAL cannot move a read snapshot forward); with the
    /// sync loop, the UI's drafts and the news marker all writing, that happened.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, CoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    #[cfg(feature = "testing")]
    /// `PRAGMA integrity_check`: `"ok"` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String, CoreError> {
        let (result,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(result)
    }

    /// The signed-in user's cached profile, or `NotSignedIn`.
    pub async fn profile(&self) -> Result<Profile, CoreError> {
        self.account().await?.map(|(_, p)| p).ok_or(CoreError::NotSignedIn)
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
        let now = self.now();
        let mut tx = self.write().await?;
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

    #[cfg(feature = "testing")]
    /// Closes the pool, checkpointing the WAL (used before deleting or inspecting the file).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Owner-only folders (unix).
const DIR_MODE: u32 = 0o700;
/// Owner-only files (unix).
const FILE_MODE: u32 = 0o600;

/// Creates `path` (and its parents) if needed and makes it the owner's only.
pub(crate) fn private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    make_private(path, DIR_MODE)
}

/// Opens `path` with `options`, a file it creates being the owner's only.
pub(crate) fn private_file(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, FILE_MODE);
    options.open(path)
}

/// Saved materials of an install older than these permissions: made owner-only too (best effort; the
/// folder holds one level of folders, one per material, each with its files).
fn mend_materials(root: &Path) {
    let Ok(materials) = std::fs::read_dir(root) else { return };
    let _ = make_private(root, DIR_MODE);
    for dir in materials.flatten() {
        let _ = make_private(&dir.path(), DIR_MODE);
        for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            let _ = make_private(&file.path(), FILE_MODE);
        }
    }
}

#[cfg(unix)]
fn make_private(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn make_private(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gone_before_it_is_protected_is_no_failure() {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("penggerak.sqlite-wal");
        assert!(protect_if_there(&wal).is_ok(), "removed by the last connection closing: nothing to protect");
        std::fs::write(&wal, b"x").unwrap();
        protect_if_there(&wal).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&wal).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, FILE_MODE, "one that is there is made owner-only");
        }
    }

    /// A store as the app before migration 0013 left it: every school's record, as servers then synced
    /// them to every device, with the account of `role` at school `own`.
    async fn store_with_every_school(dir: &Path, role: &str, own: &str) {
        let old = tempfile::tempdir().unwrap();
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        for entry in std::fs::read_dir(&here).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.as_str() < "0013" {
                std::fs::copy(&path, old.path().join(&name)).unwrap();
            }
        }
        let options =
            SqliteConnectOptions::new().filename(dir.join("penggerak.sqlite")).create_if_missing(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        sqlx::migrate::Migrator::new(old.path()).await.unwrap().run(&pool).await.unwrap();
        let profile = serde_json::json!({"role": role, "school": {"npsn": own}}).to_string();
        sqlx::query(
            "INSERT INTO account (id, server_url, profile, updated_at) VALUES (1, 'https://x', ?, 0)",
        )
        .bind(profile)
        .execute(&pool)
        .await
        .unwrap();
        for (kind, id) in
            [("school", "20401234"), ("school", "50102345"), ("school", own), ("community", "k1")]
        {
            sqlx::query(
                "INSERT OR IGNORE INTO records (kind, id, data, server_version) VALUES (?, ?, '{}', 1)",
            )
            .bind(kind)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;
    }

    async fn held(store: &LocalStore) -> Vec<(String, String)> {
        sqlx::query_as("SELECT kind, id FROM records ORDER BY kind, id")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn other_schools_synced_by_older_servers_are_dropped_but_a_principals_own() {
        let pair = |k: &str, i: &str| (k.to_owned(), i.to_owned());
        let dir = tempfile::tempdir().unwrap();
        store_with_every_school(dir.path(), "guru", "20401234").await;
        let store = LocalStore::open(dir.path()).await.unwrap();
        assert_eq!(
            held(&store).await,
            [pair("community", "k1")],
            "a teacher's device reads no school record (hers comes with her profile): every one is dropped"
        );
        let dir = tempfile::tempdir().unwrap();
        store_with_every_school(dir.path(), "kepala_sekolah", "20409999").await;
        let store = LocalStore::open(dir.path()).await.unwrap();
        assert_eq!(
            held(&store).await,
            [pair("community", "k1"), pair("school", "20409999")],
            "a principal keeps his own school's record, which the server still syncs to him, and no other"
        );
    }
}
