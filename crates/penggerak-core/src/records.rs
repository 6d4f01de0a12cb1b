//! The local copy of every record the server sent, with the user's waiting edits laid over it
//! (`migrations/0002_records.sql`). Screens read from here only, so they look the same with no network.
//!
//! Owns: which copy a screen sees (the user's edit while it waits, else the server's), ignoring server
//! copies older than one already held, tombstones. Never: talks to the network.

use crate::{CoreError, LocalStore};
use penggerak_types::{RecordKind, SyncRecord};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::SqliteConnection;

/// A record as the app holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRecord {
    pub kind: RecordKind,
    pub id: String,
    /// What the user sees: their own edit while it waits, else the server copy.
    pub data: Value,
    /// The server version this copy is based on (0: created here, not on the server yet).
    pub server_version: i64,
    /// A change of the user's touching this record has not been confirmed by the server yet.
    pub pending: bool,
    /// The server refused the user's edit because the record changed meanwhile: this is the server's
    /// current copy. Both stay until the user chooses.
    pub conflict: Option<SyncRecord>,
}

impl LocalRecord {
    /// The data as the kind's type.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, CoreError> {
        serde_json::from_value(self.data.clone()).map_err(|e| {
            CoreError::Storage(format!("record {}/{} is not a {}: {e}", self.kind, self.id, self.kind))
        })
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    id: String,
    data: Option<String>,
    server_version: i64,
    conflict_data: Option<String>,
    pending: i64,
}

const SELECT: &str = "SELECT r.kind, r.id, r.data, r.server_version, r.conflict_data,
        EXISTS (SELECT 1 FROM outbox_touches t WHERE t.kind = r.kind AND t.id = r.id) AS pending
    FROM records r";

impl Row {
    fn into_record(self) -> Result<LocalRecord, CoreError> {
        let bad = |e: serde_json::Error| CoreError::Storage(format!("record {}/{}: {e}", self.kind, self.id));
        Ok(LocalRecord {
            kind: RecordKind::parse(&self.kind),
            data: serde_json::from_str(self.data.as_deref().unwrap_or("null")).map_err(bad)?,
            server_version: self.server_version,
            pending: self.pending != 0,
            conflict: self.conflict_data.as_deref().map(serde_json::from_str).transpose().map_err(bad)?,
            id: self.id,
        })
    }
}

impl LocalStore {
    /// The live record `kind/id`, if the device has it.
    pub async fn record(&self, kind: RecordKind, id: &str) -> Result<Option<LocalRecord>, CoreError> {
        let row: Option<Row> =
            sqlx::query_as(&format!("{SELECT} WHERE r.kind = ? AND r.id = ? AND r.deleted = 0"))
                .bind(kind.as_str())
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(Row::into_record).transpose()
    }

    /// Every live record of `kind`, by id.
    pub async fn records(&self, kind: RecordKind) -> Result<Vec<LocalRecord>, CoreError> {
        let rows: Vec<Row> =
            sqlx::query_as(&format!("{SELECT} WHERE r.kind = ? AND r.deleted = 0 ORDER BY r.id"))
                .bind(kind.as_str())
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(Row::into_record).collect()
    }

    /// Every live record of `kind` as its type.
    pub async fn all<T: DeserializeOwned>(&self, kind: RecordKind) -> Result<Vec<T>, CoreError> {
        self.records(kind).await?.iter().map(LocalRecord::parse).collect()
    }

    /// Records whose edit conflicts with a newer server copy.
    pub async fn conflicts(&self) -> Result<Vec<LocalRecord>, CoreError> {
        let rows: Vec<Row> =
            sqlx::query_as(&format!("{SELECT} WHERE r.conflict_data IS NOT NULL ORDER BY r.kind, r.id"))
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(Row::into_record).collect()
    }

    #[cfg(feature = "testing")]
    /// How many live records of each kind the device holds.
    pub async fn counts(&self) -> Result<Vec<(RecordKind, i64)>, CoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT kind, COUNT(*) FROM records WHERE deleted = 0 GROUP BY kind ORDER BY kind",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(k, n)| (RecordKind::parse(&k), n)).collect())
    }
}

/// Whether a waiting change of the user's touches `kind/id`.
pub(crate) async fn is_pending(conn: &mut SqliteConnection, kind: &str, id: &str) -> Result<bool, CoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox_touches WHERE kind = ? AND id = ?")
        .bind(kind)
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Takes a server copy into the store. A copy older than the one held is ignored (answers can arrive out
/// of order). While the user's edit waits, only the server copy beside it is updated; otherwise the
/// server copy becomes what the user sees, and a tombstone removes the record. `generation` marks records
/// seen by a full sync (see `sync.rs`).
pub(crate) async fn apply_server(
    conn: &mut SqliteConnection,
    r: &SyncRecord,
    generation: i64,
) -> Result<(), CoreError> {
    if r.kind == RecordKind::Unknown {
        return Ok(()); // a newer server's kind: this build cannot show it
    }
    let kind = r.kind.as_str();
    let held: Option<(i64,)> = sqlx::query_as("SELECT server_version FROM records WHERE kind = ? AND id = ?")
        .bind(kind)
        .bind(&r.id)
        .fetch_optional(&mut *conn)
        .await?;
    if held.is_some_and(|(v,)| v > r.version) {
        return Ok(());
    }
    let data = r.data.as_ref().map(Value::to_string);
    if is_pending(conn, kind, &r.id).await? {
        sqlx::query(
            "UPDATE records SET server_version = ?, server_data = ?, generation = MAX(generation, ?)
             WHERE kind = ? AND id = ?",
        )
        .bind(r.version)
        .bind(&data)
        .bind(generation)
        .bind(kind)
        .bind(&r.id)
        .execute(&mut *conn)
        .await?;
    } else if r.deleted {
        sqlx::query("DELETE FROM records WHERE kind = ? AND id = ?")
            .bind(kind)
            .bind(&r.id)
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO records (kind, id, data, deleted, server_version, server_data, generation)
             VALUES (?, ?, ?, 0, ?, ?, ?)
             ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, deleted = 0,
                 server_version = excluded.server_version, server_data = excluded.server_data,
                 conflict_data = NULL, generation = MAX(records.generation, excluded.generation)",
        )
        .bind(kind)
        .bind(&r.id)
        .bind(&data)
        .bind(r.version)
        .bind(&data)
        .bind(generation)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// After the last waiting change of `kind/id` left the outbox without a server copy of the record in its
/// answer: show the server copy again, or drop a record the server never had.
pub(crate) async fn settle(conn: &mut SqliteConnection, kind: &str, id: &str) -> Result<(), CoreError> {
    if is_pending(conn, kind, id).await? {
        return Ok(());
    }
    sqlx::query("DELETE FROM records WHERE kind = ? AND id = ? AND server_version = 0")
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE records SET data = server_data, deleted = (server_data IS NULL), conflict_data = NULL
         WHERE kind = ? AND id = ?",
    )
    .bind(kind)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
