//! Programmes and participation (Guru Penggerak and successors): a participant records their own
//! progress on the self-reported items (modules) of the stage they are in; everything else in a
//! participation is recorded by the programme.

use super::{versioned, Next};
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records;
use crate::Db;
use penggerak_types::programme::{Participation, Programme, ProgressUpdate};
use penggerak_types::{Changed, RecordKind};

/// The caller records their progress (steps done) on item `item_id` of participation `id`.
pub async fn record_progress(
    db: &Db,
    caller: &Caller,
    id: &str,
    item_id: &str,
    update: &ProgressUpdate,
) -> Result<Changed> {
    let load = async |tx: &mut sqlx::AnyConnection| {
        caller.own(
            records::get(tx, RecordKind::Participation, id).await?,
            |p: &Participation| &p.person_id,
            "Kemajuan program dicatat oleh pesertanya sendiri.",
            "Keikutsertaan tidak ditemukan.",
        )
    };
    versioned(db, RecordKind::Participation, id, update.base_version, load, async |tx, p| {
        let programme =
            records::get::<Programme>(tx, RecordKind::Programme, &p.data.programme_id).await?.ok_or_else(
                || ServerError::Internal(anyhow::anyhow!("participation {id} of a missing programme")),
            )?;
        let next = p.data.with_progress(&programme.data, item_id, update.done).map_err(super::refused_by)?;
        Ok(Next::Put(next))
    })
    .await
}
