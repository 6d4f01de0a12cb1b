//! The development plan (PKB): the caller's plan for the current year and its items. Only the owner
//! writes; their principal reads them through `/sync` (audience: owner + school).

use super::ApiPath;
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience, Filter};
use crate::routes::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use penggerak_types::pkb::{
    jp_done, BaseVersion, NewPkbItem, PkbItem, PkbItemPatch, PkbOverview, PkbPlan, PkbStatus, PkbTarget,
};
use penggerak_types::{limits, ApiError, Changed, ErrorCode, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pkb", get(overview))
        .route("/pkb/items", post(add_item))
        .route("/pkb/items/{id}", patch(edit_item).delete(delete_item))
        .route("/pkb/target", put(set_target))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(overview, add_item, edit_item, delete_item, set_target),
    components(schemas(PkbPlan, PkbItem)),
    tags((name = "pkb", description = "The yearly development plan (PKB)"))
)]
pub struct Doc;

/// The current year in WIB, the plan year.
pub fn current_year() -> i32 {
    let wib = time::UtcOffset::from_hms(7, 0, 0).expect("a whole-hour offset is valid");
    time::OffsetDateTime::now_utc().to_offset(wib).year()
}

/// The id of `user_id`'s plan for `year`.
pub fn plan_id(user_id: &str, year: i32) -> String {
    format!("pkb:{user_id}:{year}")
}

fn invalid(message: impl Into<String>) -> ServerError {
    ServerError::new(ErrorCode::Validation, message)
}

async fn own_plan(conn: &mut AnyConnection, caller: &Caller) -> Result<records::Stored<PkbPlan>> {
    records::get(conn, RecordKind::PkbPlan, &plan_id(&caller.user_id, current_year())).await?.ok_or_else(
        || ServerError::new(ErrorCode::NotFound, "Belum ada rencana pengembangan untuk tahun ini."),
    )
}

/// The caller's item `id`: 404 when it is not theirs (whether it exists is not their business).
async fn own_item(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<records::Stored<PkbItem>> {
    caller.own(
        records::get(conn, RecordKind::PkbItem, id).await?,
        |i: &PkbItem| &i.owner_id,
        "Rencana pengembangan hanya dapat diubah oleh gurunya sendiri.",
        "Kegiatan tidak ditemukan.",
    )
}

/// The caller's plan for the current year, with its items and the JP done.
#[utoipa::path(
    get,
    path = "/api/v1/pkb",
    operation_id = "pkb_overview",
    tag = "pkb",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The plan and its items", body = PkbOverview),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 404, description = "`not_found`: no plan for this year", body = ApiError),
    )
)]
pub async fn overview(State(state): State<AppState>, caller: Caller) -> Result<Json<PkbOverview>> {
    let mut conn = state.db.pool.acquire().await?;
    let plan = own_plan(&mut conn, &caller).await?.data;
    let mut items: Vec<PkbItem> =
        records::list::<PkbItem>(&mut conn, RecordKind::PkbItem, Filter::Owner(&caller.user_id))
            .await?
            .into_iter()
            .map(|s| s.data)
            .filter(|i| i.plan_id == plan.id)
            .collect();
    items.sort_by(|a, b| (&a.target_date, &a.title).cmp(&(&b.target_date, &b.title)));
    Ok(Json(PkbOverview { jp_done: jp_done(&items), plan, items }))
}

/// Adds an item to the caller's current plan. The client picks the id (a UUID), so an item made offline
/// keeps it; an id already used is `409`.
#[utoipa::path(
    post,
    path = "/api/v1/pkb/items",
    tag = "pkb",
    security(("bearer" = [])),
    request_body = NewPkbItem,
    responses(
        (status = 200, description = "The new item", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 404, description = "`not_found`: no plan for this year", body = ApiError),
        (status = 409, description = "`conflict`: the id is already used by a record the caller can see (another person's answers 422 like an unusable id)", body = ApiError),
        (status = 422, description = "`validation`: id not a UUID, empty title, JP out of range, an unknown community event, the plan full…", body = ApiError),
    )
)]
pub async fn add_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewPkbItem>,
) -> Result<Json<Changed>> {
    if uuid::Uuid::parse_str(&new.id).is_err() {
        return Err(invalid("Id kegiatan harus berupa UUID."));
    }
    let mut tx = state.db.begin().await?;
    let plan = own_plan(&mut tx, &caller).await?;
    caller.new_id(
        records::audience_of(&mut tx, RecordKind::PkbItem, &new.id).await?,
        "Id kegiatan ini sudah dipakai.",
    )?;
    // The plan row read above is this transaction's until it ends, so two adds cannot both pass the count.
    let items =
        records::list::<PkbItem>(&mut tx, RecordKind::PkbItem, Filter::Owner(&caller.user_id)).await?;
    if items.iter().filter(|i| i.data.plan_id == plan.data.id).count() >= limits::PKB_ITEMS_PER_PLAN {
        return Err(invalid(format!(
            "Rencana pengembangan paling banyak memuat {} kegiatan.",
            limits::PKB_ITEMS_PER_PLAN
        )));
    }
    if let Some(event) = new.community_event_id.as_deref() {
        let known = limits::is_id(event)
            && records::current(&mut tx, RecordKind::CommunityEvent, event)
                .await?
                .is_some_and(|e| !e.deleted);
        if !known {
            return Err(invalid("Kegiatan komunitas yang dirujuk tidak ada."));
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
    item.check().map_err(invalid)?;
    let record = records::put(&mut tx, RecordKind::PkbItem, &item.id, &plan.audience, &item).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// Changes an item of the caller's: progress, status, reflection, title, JP, target date.
#[utoipa::path(
    patch,
    path = "/api/v1/pkb/items/{id}",
    tag = "pkb",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    request_body = PkbItemPatch,
    responses(
        (status = 200, description = "The item as changed", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 403, description = "`forbidden`: a principal reading a teacher's plan cannot change it", body = ApiError),
        (status = 404, description = "`not_found`: no such item of the caller's", body = ApiError),
        (status = 409, description = "`conflict`: the item changed since `base_version`; `current` holds it", body = ApiError),
        (status = 422, description = "`validation`: progress, status, JP or text out of range", body = ApiError),
    )
)]
pub async fn edit_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<PkbItemPatch>,
) -> Result<Json<Changed>> {
    let mut tx = state.db.begin().await?;
    let item = own_item(&mut tx, &caller, &id).await?;
    records::check_version(&mut tx, RecordKind::PkbItem, &id, patch.base_version).await?;
    let next = item.data.patched(&patch).map_err(invalid)?;
    let record = records::put(&mut tx, RecordKind::PkbItem, &id, &item.audience, &next).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// Deletes an item of the caller's.
#[utoipa::path(
    delete,
    path = "/api/v1/pkb/items/{id}",
    tag = "pkb",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    request_body = BaseVersion,
    responses(
        (status = 200, description = "The item's tombstone", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 403, description = "`forbidden`: not the caller's plan", body = ApiError),
        (status = 404, description = "`not_found`: no such item of the caller's", body = ApiError),
        (status = 409, description = "`conflict`: the item changed since `base_version`; `current` holds it", body = ApiError),
    )
)]
pub async fn delete_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(base): ApiJson<BaseVersion>,
) -> Result<Json<Changed>> {
    let mut tx = state.db.begin().await?;
    own_item(&mut tx, &caller, &id).await?;
    records::check_version(&mut tx, RecordKind::PkbItem, &id, base.base_version).await?;
    let gone = records::delete(&mut tx, RecordKind::PkbItem, &id)
        .await?
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Kegiatan tidak ditemukan."))?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![gone] }))
}

/// Sets the caller's JP target for the current year.
#[utoipa::path(
    put,
    path = "/api/v1/pkb/target",
    tag = "pkb",
    security(("bearer" = [])),
    request_body = PkbTarget,
    responses(
        (status = 200, description = "The plan with its new target", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 404, description = "`not_found`: no plan for this year", body = ApiError),
        (status = 409, description = "`conflict`: the plan changed since `base_version`; `current` holds it", body = ApiError),
        (status = 422, description = "`validation`: target out of 1..=500 JP", body = ApiError),
    )
)]
pub async fn set_target(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(target): ApiJson<PkbTarget>,
) -> Result<Json<Changed>> {
    if !(1..=500).contains(&target.target_jp) {
        return Err(invalid("Target JP harus antara 1 dan 500."));
    }
    let mut tx = state.db.begin().await?;
    let plan = own_plan(&mut tx, &caller).await?;
    let next = PkbPlan { target_jp: target.target_jp, ..plan.data };
    let record = records::put_versioned(
        &mut tx,
        RecordKind::PkbPlan,
        &next.id.clone(),
        target.base_version,
        &plan.audience,
        &next,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
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
