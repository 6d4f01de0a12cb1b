//! Programmes and participation (Guru Penggerak and successors): definitions are public records; a
//! participation is the person's and their principal's. Participants record their own progress on
//! self-reported items (modules) of the stage they are in; everything else is recorded by the programme.

use super::ApiPath;
use crate::auth::Caller;
use crate::domain::programmes;
use crate::error::{Result, ServerError};
use crate::records::{self, Filter};
use crate::routes::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use penggerak_types::programme::{Participation, Programme, ProgressUpdate};
use penggerak_types::route;
use penggerak_types::{ApiError, Changed, ErrorCode, RecordKind};
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::PROGRAMMES, get(list))
        .route(route::PROGRAMME, get(detail))
        .route(route::MY_PARTICIPATIONS, get(mine))
        .route(route::PARTICIPATION_PROGRESS, post(progress))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, detail, mine, progress),
    components(schemas(Programme, Participation)),
    tags((name = "programmes", description = "Programmes (Guru Penggerak and successors) and participation"))
)]
pub struct Doc;

/// Every programme definition.
#[utoipa::path(
    get,
    path = route::PROGRAMMES,
    operation_id = "list_programmes",
    tag = "programmes",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Programmes by id", body = Vec<Programme>),
    )
)]
pub async fn list(State(state): State<AppState>, _caller: Caller) -> Result<Json<Vec<Programme>>> {
    let mut conn = state.db.pool.acquire().await?;
    let all = records::list::<Programme>(&mut conn, RecordKind::Programme, Filter::All).await?;
    Ok(Json(all.into_iter().map(|s| s.data).collect()))
}

/// One programme definition.
#[utoipa::path(
    get,
    path = route::PROGRAMME,
    operation_id = "programme",
    tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")),
    responses(
        (status = 200, description = "The programme", body = Programme),
        (status = 404, description = "`not_found`", body = ApiError),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Programme>> {
    let mut conn = state.db.pool.acquire().await?;
    records::get::<Programme>(&mut conn, RecordKind::Programme, &id)
        .await?
        .map(|s| Json(s.data))
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Program tidak ditemukan."))
}

/// The caller's participations.
#[utoipa::path(
    get,
    path = route::MY_PARTICIPATIONS,
    tag = "programmes",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's participations (possibly none)", body = Vec<Participation>),
    )
)]
pub async fn mine(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<Participation>>> {
    let mut conn = state.db.pool.acquire().await?;
    let all =
        records::list::<Participation>(&mut conn, RecordKind::Participation, Filter::Owner(&caller.user_id))
            .await?;
    Ok(Json(all.into_iter().map(|s| s.data).collect()))
}

/// Records the caller's progress (steps done) on a self-reported item of their current stage.
#[utoipa::path(
    post,
    path = route::PARTICIPATION_PROGRESS,
    tag = "programmes",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Participation id"), ("item_id" = String, Path, description = "Item id")),
    request_body = ProgressUpdate,
    responses(
        (status = 200, description = "The participation as changed", body = Changed),
        (status = 403, description = "`forbidden`: a principal cannot record a teacher's progress", body = ApiError),
        (status = 404, description = "`not_found`: no such participation of the caller's", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version`; `current` holds it", body = ApiError),
        (status = 422, description = "`validation`: not a self-reported item of the current stage, or too many steps", body = ApiError),
    )
)]
pub async fn progress(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, item_id)): ApiPath<(String, String)>,
    ApiJson(update): ApiJson<ProgressUpdate>,
) -> Result<Json<Changed>> {
    Ok(Json(programmes::record_progress(&state.db, &caller, &id, &item_id, &update).await?))
}
