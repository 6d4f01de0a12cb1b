//! The development plan (PKB): each teacher's plan for a year, its items and its JP target. Only the owner
//! writes; their principal reads (audience: owner + school).

use super::{refused_by, transaction, versioned, Next};
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience, Filter, Stored};
use crate::Db;
use penggerak_types::pkb::{NewPkbItem, PkbItem, PkbItemPatch, PkbPlan, PkbStatus, PkbTarget};
use penggerak_types::{limits, Changed, ErrorCode, Field, Reason, RecordKind};
use sqlx::AnyConnection;

/// The current year in WIB, the plan year.
pub fn current_year() -> i32 {
    let wib = time::UtcOffset::from_hms(7, 0, 0).expect("a whole-hour offset is valid");
    time::OffsetDateTime::now_utc().to_offset(wib).year()
}

pub use penggerak_types::pkb::plan_id;

/// The caller's plan for the current year, or `404`.
pub async fn own_plan(conn: &mut AnyConnection, caller: &Caller) -> Result<Stored<PkbPlan>> {
    load_plan(conn, &plan_id(&caller.user_id, current_year())).await
}

/// The plan `id` (one of [`plan_id`]), or `404`.
async fn load_plan(conn: &mut AnyConnection, id: &str) -> Result<Stored<PkbPlan>> {
    records::get(conn, RecordKind::PkbPlan, id).await?.ok_or_else(|| {
        ServerError::new(ErrorCode::NotFound, "Belum ada rencana pengembangan untuk tahun ini.")
    })
}

/// The caller's item `id`: 404 when it is not theirs (whether it exists is not their business).
async fn own_item(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Stored<PkbItem>> {
    caller.own(
        records::get(conn, RecordKind::PkbItem, id).await?,
        |i: &PkbItem| &i.owner_id,
        "Rencana pengembangan hanya dapat diubah oleh gurunya sendiri.",
        "Kegiatan tidak ditemukan.",
    )
}

/// Adds an item to the caller's current plan, under the id the client picked (a UUID).
pub async fn add_item(db: &Db, caller: &Caller, new: NewPkbItem) -> Result<Changed> {
    if uuid::Uuid::parse_str(&new.id).is_err() {
        return Err(refused_by(Reason::NotValid { field: Field::Id }));
    }
    transaction(db, async |tx| {
        let plan = own_plan(tx, caller).await?;
        caller.new_id(
            records::audience_of(tx, RecordKind::PkbItem, &new.id).await?,
            "Id kegiatan ini sudah dipakai.",
        )?;
        // The plan row read above is this transaction's until it ends, so two adds cannot both pass the
        // count.
        let items = records::list::<PkbItem>(tx, RecordKind::PkbItem, Filter::Owner(&caller.user_id)).await?;
        if items.iter().filter(|i| i.data.plan_id == plan.data.id).count() >= limits::PKB_ITEMS_PER_PLAN {
            return Err(refused_by(Reason::TooMany {
                field: Field::PkbItems,
                max: limits::PKB_ITEMS_PER_PLAN as u32,
            }));
        }
        if let Some(event) = new.community_event_id.as_deref() {
            let known = limits::is_id(event)
                && records::current(tx, RecordKind::CommunityEvent, event).await?.is_some_and(|e| !e.deleted);
            if !known {
                return Err(refused_by(Reason::NotValid { field: Field::CommunityEvent }));
            }
        }
        let item = PkbItem {
            id: new.id.clone(),
            plan_id: plan.data.id.clone(),
            owner_id: caller.user_id.clone(),
            kind: new.kind,
            title: new.title.trim().to_owned(),
            jp: new.jp,
            target_date: new.target_date.filter(|d| !d.is_empty()),
            status: PkbStatus::BelumMulai,
            progress: 0,
            reflection: String::new(),
            community_event_id: new.community_event_id,
        };
        item.check().map_err(refused_by)?;
        Ok(vec![records::put(tx, RecordKind::PkbItem, &item.id, &plan.audience, &item).await?])
    })
    .await
}

/// Changes an item of the caller's.
pub async fn edit_item(db: &Db, caller: &Caller, id: &str, patch: &PkbItemPatch) -> Result<Changed> {
    versioned(
        db,
        RecordKind::PkbItem,
        id,
        patch.base_version,
        async |tx| own_item(tx, caller, id).await,
        async |_, item| Ok(Next::Put(item.data.patched(patch).map_err(refused_by)?)),
    )
    .await
}

/// Deletes an item of the caller's.
pub async fn delete_item(db: &Db, caller: &Caller, id: &str, base_version: i64) -> Result<Changed> {
    versioned(
        db,
        RecordKind::PkbItem,
        id,
        base_version,
        async |tx| own_item(tx, caller, id).await,
        async |_, _| Ok(Next::Delete),
    )
    .await
}

/// Sets the caller's JP target for the current year (1 to 500).
pub async fn set_target(db: &Db, caller: &Caller, target: &PkbTarget) -> Result<Changed> {
    if !(1..=500).contains(&target.target_jp) {
        return Err(refused_by(Reason::OutOfRange { field: Field::JpTarget, min: 1, max: 500 }));
    }
    let id = plan_id(&caller.user_id, current_year());
    versioned(
        db,
        RecordKind::PkbPlan,
        &id,
        target.base_version,
        async |tx| load_plan(tx, &id).await,
        async |_, plan| Ok(Next::Put(PkbPlan { target_jp: target.target_jp, ..plan.data })),
    )
    .await
}

/// Writes a plan for `user_id` (demo seed and first use).
pub async fn create_plan(
    conn: &mut AnyConnection,
    user_id: &str,
    school: Option<&str>,
    year: i32,
    target_jp: u32,
) -> Result<PkbPlan> {
    let plan = PkbPlan { id: plan_id(user_id, year), owner_id: user_id.to_owned(), year, target_jp };
    records::put(conn, RecordKind::PkbPlan, &plan.id, &Audience::staff(user_id, school), &plan).await?;
    Ok(plan)
}
