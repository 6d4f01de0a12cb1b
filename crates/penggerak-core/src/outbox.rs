//! The outbox: every change the user makes is applied to the local store and queued, with its
//! `Idempotency-Key`, in one SQLite transaction before anything is sent. Once [`LocalStore::enqueue`]
//! returns, the change survives a crash, a power cut and any number of retries: the key makes a resent
//! request count once on the server.
//!
//! Owns: queue order, keys, the records each change touches, conflict resolution (keep mine, take
//! theirs, merge), the bound on attempts ([`MAX_ATTEMPTS`]). Never: drops a change the server has not
//! answered for good — a change given up after [`MAX_ATTEMPTS`], or held back with it, is kept, body and
//! all, as a notice.

use crate::records::settle;
use crate::{CoreError, LocalStore};
use penggerak_types::{RecordKind, SyncRecord};
use serde_json::Value;
use sqlx::SqliteConnection;

/// The field of a request body that names the record version the edit was made on.
pub const BASE_VERSION: &str = "base_version";

/// Passes of sync in which the server answered (a `/sync` pull went through) but failed this change
/// (5xx, `internal`, `in_progress`, 408, an unreadable answer) before the change is given up and kept as a
/// notice. Being offline and whole-server outages never count. With the sync loop's pauses (5 s doubling
/// to 1 min) this is at least four minutes of a working server failing this one change — longer than the
/// server takes to take over an abandoned `in_progress` claim (2 min).
pub const MAX_ATTEMPTS: i64 = 8;

/// One change the user makes: the request that tells the server, and what it does to the local store at
/// once (so the screen shows it before the server has seen it).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What the user did, in their words (Bahasa Indonesia), for the "waiting to sync" list.
    pub label: String,
    /// `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The route under `/api/v1`, e.g. `/communities/kom-01/join`.
    pub path: String,
    pub body: Option<Value>,
    pub local: Vec<LocalWrite>,
}

/// A local effect of a [`Change`].
#[derive(Debug, Clone, PartialEq)]
pub enum LocalWrite {
    /// The record now reads `data`.
    Put { kind: RecordKind, id: String, data: Value },
    /// The record is gone.
    Delete { kind: RecordKind, id: String },
    /// The text typed under this draft key goes with the change now, so the draft is forgotten — in the
    /// same transaction, or a screen read in between would show the saved record beside the old draft.
    ForgetDraft { key: String },
}

impl LocalWrite {
    /// The record it writes, if it writes one.
    fn record(&self) -> Option<(RecordKind, &str)> {
        match self {
            LocalWrite::Put { kind, id, .. } | LocalWrite::Delete { kind, id } => Some((*kind, id)),
            LocalWrite::ForgetDraft { .. } => None,
        }
    }
}

/// A change waiting in the outbox.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Pending {
    pub seq: i64,
    pub idem_key: String,
    pub method: String,
    pub path: String,
    pub body: Option<String>,
    pub label: String,
    /// `pending` (will be sent) or `conflict` (waits for the user's choice).
    pub state: String,
    /// Sync passes in which the server worked but failed this change (never offline ones); at
    /// [`MAX_ATTEMPTS`] it is given up and kept as a notice.
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A refused change the user has not dismissed yet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub label: String,
    pub code: String,
    pub message: String,
    pub body: Option<String>,
}

/// How the user settles a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Send my version again, now based on the server's current version.
    KeepMine,
    /// Drop my edit; show the server's version.
    TakeTheirs,
    /// Send `body` (e.g. both texts merged), based on the server's current version; the record reads
    /// `data` meanwhile.
    Merge { body: Value, data: Value },
}

pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl LocalStore {
    /// Applies `change` locally and queues it, in one transaction. When this returns `Ok`, the change is
    /// durable (WAL, `synchronous = FULL`) and will reach the server exactly once. Returns its outbox seq.
    pub async fn enqueue(&self, change: &Change) -> Result<i64, CoreError> {
        if !matches!(change.method, "POST" | "PUT" | "PATCH" | "DELETE") {
            return Err(CoreError::Storage(format!("not a change method: {}", change.method)));
        }
        let mut tx = self.pool().begin().await?;
        for w in &change.local {
            write_local(&mut tx, w).await?;
        }
        let key = uuid::Uuid::new_v4().to_string();
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (idem_key, method, path, body, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
             RETURNING seq",
        )
        .bind(&key)
        .bind(change.method)
        .bind(&change.path)
        .bind(change.body.as_ref().map(Value::to_string))
        .bind(&change.label)
        .bind(now_unix())
        .fetch_one(&mut *tx)
        .await?;
        for (kind, id) in change.local.iter().filter_map(LocalWrite::record) {
            sqlx::query("INSERT OR IGNORE INTO outbox_touches (seq, kind, id) VALUES (?, ?, ?)")
                .bind(seq)
                .bind(kind.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(seq)
    }

    /// Every change still waiting, oldest first.
    pub async fn outbox(&self) -> Result<Vec<Pending>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, idem_key, method, path, body, label, state, attempts, last_error FROM outbox ORDER BY seq",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Refused changes not yet dismissed, oldest first.
    pub async fn notices(&self) -> Result<Vec<Notice>, CoreError> {
        Ok(sqlx::query_as("SELECT id, label, code, message, body FROM notices ORDER BY id")
            .fetch_all(self.pool())
            .await?)
    }

    /// The user has read notice `id`.
    pub async fn dismiss_notice(&self, id: i64) -> Result<(), CoreError> {
        sqlx::query("DELETE FROM notices WHERE id = ?").bind(id).execute(self.pool()).await?;
        Ok(())
    }

    /// Settles the conflict on `kind/id` as the user chose.
    pub async fn resolve(&self, kind: RecordKind, id: &str, how: Resolution) -> Result<(), CoreError> {
        let mut tx = self.pool().begin().await?;
        let (conflict,): (Option<String>,) =
            sqlx::query_as("SELECT conflict_data FROM records WHERE kind = ? AND id = ?")
                .bind(kind.as_str())
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| CoreError::Storage(format!("no record {kind}/{id}")))?;
        let current: SyncRecord = serde_json::from_str(
            &conflict.ok_or_else(|| CoreError::Storage(format!("{kind}/{id} has no conflict to resolve")))?,
        )
        .map_err(|e| CoreError::Storage(format!("conflict copy of {kind}/{id}: {e}")))?;
        let entries: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT o.seq, o.body FROM outbox o JOIN outbox_touches t ON t.seq = o.seq
             WHERE t.kind = ? AND t.id = ? AND o.state = 'conflict' ORDER BY o.seq",
        )
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // The server's copy is now the base either way.
        let server_data = current.data.as_ref().map(Value::to_string);
        sqlx::query(
            "UPDATE records SET server_version = ?, server_data = ?, conflict_data = NULL WHERE kind = ? AND id = ?",
        )
        .bind(current.version)
        .bind(&server_data)
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        match how {
            Resolution::TakeTheirs => {
                for (seq, _) in &entries {
                    sqlx::query("DELETE FROM outbox WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
                }
                settle(&mut tx, kind.as_str(), id).await?;
            }
            Resolution::KeepMine | Resolution::Merge { .. } => {
                for (n, (seq, body)) in entries.iter().enumerate() {
                    let mut body: Value = match (&how, body) {
                        (Resolution::Merge { body, .. }, _) if n == 0 => body.clone(),
                        (_, Some(text)) => serde_json::from_str(text)
                            .map_err(|e| CoreError::Storage(format!("outbox body {seq}: {e}")))?,
                        (_, None) => Value::Null,
                    };
                    if let Some(obj) = body.as_object_mut() {
                        obj.insert(BASE_VERSION.into(), current.version.into());
                    }
                    // A new body is a new request: it needs a new key (the old one's answer was the 409).
                    sqlx::query(
                        "UPDATE outbox SET body = ?, idem_key = ?, state = 'pending', last_error = NULL
                         WHERE seq = ?",
                    )
                    .bind(body.to_string())
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Resolution::Merge { data, .. } = &how {
                    sqlx::query("UPDATE records SET data = ? WHERE kind = ? AND id = ?")
                        .bind(data.to_string())
                        .bind(kind.as_str())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// How many changes wait, how many of them are in conflict, how many notices are unread.
    pub async fn outbox_counts(&self) -> Result<(u32, u32, u32), CoreError> {
        let (waiting, conflicts): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(state = 'conflict'), 0) FROM outbox")
                .fetch_one(self.pool())
                .await?;
        let (notices,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM notices").fetch_one(self.pool()).await?;
        Ok((waiting as u32, conflicts as u32, notices as u32))
    }
}

async fn write_local(conn: &mut SqliteConnection, w: &LocalWrite) -> Result<(), CoreError> {
    match w {
        LocalWrite::Put { kind, id, data } => {
            sqlx::query(
                "INSERT INTO records (kind, id, data, deleted) VALUES (?, ?, ?, 0)
                 ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, deleted = 0",
            )
            .bind(kind.as_str())
            .bind(id)
            .bind(data.to_string())
            .execute(conn)
            .await?;
        }
        LocalWrite::Delete { kind, id } => {
            sqlx::query(
                "INSERT INTO records (kind, id, data, deleted) VALUES (?, ?, NULL, 1)
                 ON CONFLICT (kind, id) DO UPDATE SET deleted = 1",
            )
            .bind(kind.as_str())
            .bind(id)
            .execute(conn)
            .await?;
        }
        LocalWrite::ForgetDraft { key } => {
            sqlx::query("DELETE FROM drafts WHERE key = ?").bind(key).execute(conn).await?;
        }
    }
    Ok(())
}
