//! The development plan (PKB) over HTTP: the caller's plan for the current year and its items, and the
//! changes of [`crate::domain::pkb`]. Only the owner writes; their principal reads them through `/sync`
//! (audience: owner + school).

use super::{ApiJson, ApiPath};
use crate::auth::Caller;
use crate::domain::pkb::{self, own_plan};
use crate::error::Result;
use crate::records::{self, Filter};
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use penggerak_types::pkb::{
    jp_done, BaseVersion, NewPkbItem, PkbItem, PkbItemPatch, PkbOverview, PkbPlan, PkbTarget,
};
use penggerak_types::route;
use penggerak_types::{ApiError, Changed, RecordKind};
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::PKB, get(overview))
        .route(route::PKB_ITEMS, post(add_item))
        .route(route::PKB_ITEM, patch(edit_item).delete(delete_item))
        .route(route::PKB_TARGET, put(set_target))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(overview, add_item, edit_item, delete_item, set_target),
    components(schemas(PkbPlan, PkbItem)),
    tags((name = "pkb", description = "The yearly development plan (PKB)"))
)]
pub struct Doc;

/// The caller's plan for the current year, with its items and the JP done.
#[utoipa::path(
    get,
    path = route::PKB,
    operation_id = "pkb_overview",
    tag = "pkb",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The plan and its items", body = PkbOverview),
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
    path = route::PKB_ITEMS,
    tag = "pkb",
    security(("bearer" = [])),
    request_body = NewPkbItem,
    responses(
        (status = 200, description = "The new item", body = Changed),
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
    Ok(Json(pkb::add_item(&state.db, &caller, new).await?))
}

/// Changes an item of the caller's: progress, status, reflection, title, JP, target date.
#[utoipa::path(
    patch,
    path = route::PKB_ITEM,
    tag = "pkb",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    request_body = PkbItemPatch,
    responses(
        (status = 200, description = "The item as changed", body = Changed),
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
    Ok(Json(pkb::edit_item(&state.db, &caller, &id, &patch).await?))
}

/// Deletes an item of the caller's.
#[utoipa::path(
    delete,
    path = route::PKB_ITEM,
    tag = "pkb",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    request_body = BaseVersion,
    responses(
        (status = 200, description = "The item's tombstone", body = Changed),
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
    Ok(Json(pkb::delete_item(&state.db, &caller, &id, base.base_version).await?))
}

/// Sets the caller's JP target for the current year.
#[utoipa::path(
    put,
    path = route::PKB_TARGET,
    tag = "pkb",
    security(("bearer" = [])),
    request_body = PkbTarget,
    responses(
        (status = 200, description = "The plan with its new target", body = Changed),
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
    Ok(Json(pkb::set_target(&state.db, &caller, &target).await?))
}
