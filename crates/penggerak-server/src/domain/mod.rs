//! The domain's writes: every change to an area's data, one module per area, each with the rules and the
//! record-level authorisation of its changes (whose record it is, what the caller is to it). The route
//! handlers extract the request, call one of these and answer; the demo seed writes through the same
//! functions. Reads that screens need stay with their routes, using this module's loaders.
//!
//! Owns: the shape of a change: one write transaction ([`transaction`]), and for a change of an existing
//! record on a base version, load (authorised), version check, change, write ([`versioned`]). Never: reads
//! HTTP (headers, paths, bodies) or words a refusal for anything but the API's `{code, message}`.

pub mod communities;
pub mod kinerja;
pub mod materials;
pub mod pkb;
pub mod programmes;
pub mod releases;

use crate::error::{Result, ServerError};
use crate::records::{self, Stored};
use crate::Db;
use penggerak_types::{Changed, ErrorCode, RecordKind, SyncRecord};
use sqlx::AnyConnection;

/// What a versioned change does to its record.
pub enum Next<T> {
    /// Replace its data (its audience stays).
    Put(T),
    /// Delete it, leaving a tombstone.
    Delete,
}

/// Runs `change` in one write transaction ([`Db::begin`]) and commits it; the records it wrote are the
/// answer. Any error rolls the whole change back.
pub async fn transaction(
    db: &Db,
    change: impl AsyncFnOnce(&mut AnyConnection) -> Result<Vec<SyncRecord>>,
) -> Result<Changed> {
    let mut tx = db.begin().await?;
    let records = change(&mut tx).await?;
    tx.commit().await?;
    Ok(Changed { records })
}

/// The versioned write, in one transaction: `load` finds the record `kind/id` and authorises the caller
/// (its refusals come first, so a stranger learns nothing from a version check); then the record must be
/// live at `base_version` (else `409 conflict` with the current copy, see [`records::check_version`]);
/// `change` checks the rules and says what becomes of it; it is written with its audience unchanged, and
/// the answer is the record as written. The loaded row stays the transaction's until it ends
/// (`FOR UPDATE` on PostgreSQL), so two changes from one base version cannot both pass.
pub async fn versioned<T: serde::Serialize>(
    db: &Db,
    kind: RecordKind,
    id: &str,
    base_version: i64,
    load: impl AsyncFnOnce(&mut AnyConnection) -> Result<Stored<T>>,
    change: impl AsyncFnOnce(&mut AnyConnection, Stored<T>) -> Result<Next<T>>,
) -> Result<Changed> {
    transaction(db, async |conn| {
        let current = load(conn).await?;
        records::check_version(conn, kind, id, base_version).await?;
        let audience = current.audience.clone();
        let record = match change(conn, current).await? {
            Next::Put(data) => records::put(conn, kind, id, &audience, &data).await?,
            // Live a moment ago and locked since: gone only if `change` deleted it itself.
            Next::Delete => records::delete(conn, kind, id)
                .await?
                .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Data tidak ditemukan."))?,
        };
        Ok(vec![record])
    })
    .await
}

/// `422 validation` by a rule: its [`Reason`](penggerak_types::Reason) for the app to word, and its
/// Indonesian sentence as the message.
fn refused_by(reason: penggerak_types::Reason) -> ServerError {
    ServerError::Api(penggerak_types::ApiError::refused(ErrorCode::Validation, reason))
}
