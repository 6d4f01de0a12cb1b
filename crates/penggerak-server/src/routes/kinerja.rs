//! The performance cycle (e-Kinerja) over HTTP: the cycle served as data, each teacher's plan with its
//! observations and evidence, and the changes of [`crate::domain::kinerja`] (who may make which, and the
//! workflow's rules, are there). A plan is seen by its owner and the principal of their school only.

use super::{ApiJson, ApiPath, ApiQuery};
use crate::auth::Caller;
use crate::domain::kinerja::{self, cycle_id, load_cycle, load_evidence, load_plan, plan_id};
use crate::domain::pkb::current_year;
use crate::error::Result;
use crate::records::{self, Filter};
use crate::{files, AppState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use penggerak_types::kinerja::{
    Cycle, Evidence, EvidenceUpload, Feedback, KinerjaOverview, NewFeedback, NewObservation, Observation,
    ObservationPatch, PerformancePlan, PlanMove, PlanPatch, PlanRating,
};
use penggerak_types::pkb::BaseVersion;
use penggerak_types::route;
use penggerak_types::{ApiError, Changed, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::KINERJA, get(overview))
        .route(route::KINERJA_PLAN, get(plan).patch(edit_plan))
        .route(route::KINERJA_PLAN_STATUS, post(move_plan))
        .route(route::KINERJA_PLAN_PREDIKAT, put(rate_plan))
        .route(route::KINERJA_OBSERVATIONS, post(schedule))
        .route(route::KINERJA_OBSERVATION, patch(edit_observation))
        .route(route::KINERJA_FEEDBACK, post(give_feedback))
        .route(
            route::KINERJA_EVIDENCE,
            put(upload)
                .delete(delete_evidence)
                // The idempotency layer has already bounded the body; the route checks the cycle's limit.
                .layer(DefaultBodyLimit::max(crate::idempotency::MAX_BODY)),
        )
        .route(route::KINERJA_EVIDENCE_FILE, get(download))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(overview, plan, edit_plan, move_plan, rate_plan, schedule, edit_observation, give_feedback, upload, delete_evidence, download),
    components(schemas(Cycle, PerformancePlan, Observation, Evidence, Feedback)),
    tags((name = "kinerja", description = "The performance cycle (e-Kinerja): plans, observations, feedback, evidence, predikat"))
)]
pub struct Doc;

async fn details(conn: &mut AnyConnection, plan: PerformancePlan) -> Result<KinerjaOverview> {
    let cycle = load_cycle(conn, &plan.cycle_id).await?;
    let mut observations: Vec<Observation> =
        records::list::<Observation>(conn, RecordKind::Observation, Filter::Owner(&plan.owner_id))
            .await?
            .into_iter()
            .map(|s| s.data)
            .filter(|o| o.plan_id == plan.id)
            .collect();
    observations.sort_by(|a, b| a.scheduled_at.cmp(&b.scheduled_at));
    let mut evidence: Vec<Evidence> =
        records::list::<Evidence>(conn, RecordKind::Evidence, Filter::Owner(&plan.owner_id))
            .await?
            .into_iter()
            .map(|s| s.data)
            .filter(|e| e.plan_id == plan.id)
            .collect();
    evidence.sort_by(|a, b| a.uploaded_at.cmp(&b.uploaded_at));
    let mut feedback: Vec<Feedback> =
        records::list::<Feedback>(conn, RecordKind::Feedback, Filter::Owner(&plan.owner_id))
            .await?
            .into_iter()
            .map(|s| s.data)
            .filter(|f| f.plan_id == plan.id)
            .collect();
    feedback.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(KinerjaOverview { cycle, plan: Some(plan), observations, evidence, feedback })
}

/// The current cycle and the caller's plan in it, with its observations and evidence.
#[utoipa::path(
    get,
    path = route::KINERJA,
    operation_id = "kinerja_overview",
    tag = "kinerja",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycle and the caller's plan (none for people without one)", body = KinerjaOverview),
        (status = 404, description = "`not_found`: no cycle for this year", body = ApiError),
    )
)]
pub async fn overview(State(state): State<AppState>, caller: Caller) -> Result<Json<KinerjaOverview>> {
    let mut conn = state.db.pool.acquire().await?;
    let cycle_id = cycle_id(current_year());
    let cycle = load_cycle(&mut conn, &cycle_id).await?;
    match records::get::<PerformancePlan>(
        &mut conn,
        RecordKind::PerformancePlan,
        &plan_id(&cycle_id, &caller.user_id),
    )
    .await?
    {
        Some(p) => Ok(Json(details(&mut conn, p.data).await?)),
        None => Ok(Json(KinerjaOverview {
            cycle,
            plan: None,
            observations: vec![],
            evidence: vec![],
            feedback: vec![],
        })),
    }
}

/// A plan, for its owner or the principal of the owner's school, with its cycle, observations and
/// evidence.
#[utoipa::path(
    get,
    path = route::KINERJA_PLAN,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = KinerjaOverview),
        (status = 404, description = "`not_found`: no such plan the caller may see", body = ApiError),
    )
)]
pub async fn plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<KinerjaOverview>> {
    let mut conn = state.db.pool.acquire().await?;
    let (plan, _) = load_plan(&mut conn, &caller, &id).await?;
    Ok(Json(details(&mut conn, plan.data).await?))
}

/// The owner edits the results (while a draft or returned) or the reflection (until rated).
#[utoipa::path(
    patch,
    path = route::KINERJA_PLAN,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanPatch,
    responses(
        (status = 200, description = "The plan as changed", body = Changed),
        (status = 403, description = "`forbidden`: only the owner edits a plan", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version` (`current` holds it), or results locked in this status", body = ApiError),
        (status = 422, description = "`validation`: results or reflection out of bounds", body = ApiError),
    )
)]
pub async fn edit_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<PlanPatch>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::edit_plan(&state.db, &caller, &id, &patch).await?))
}

/// Moves a plan: the owner submits (from Draf or Dikembalikan); the principal approves or returns (with a
/// note) a submitted plan and agrees (Disepakati: ready for e-Kinerja) an approved one.
#[utoipa::path(
    post,
    path = route::KINERJA_PLAN_STATUS,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanMove,
    responses(
        (status = 200, description = "The plan in its new status", body = Changed),
        (status = 403, description = "`forbidden`: this move is the other party's", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version` (`current` holds it), or no such move from this status", body = ApiError),
        (status = 422, description = "`validation`: the plan is incomplete, or a return without a note", body = ApiError),
    )
)]
pub async fn move_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(mv): ApiJson<PlanMove>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::move_plan(&state.db, &caller, &id, &mv).await?))
}

/// The principal gives (or changes) the predikat of an agreed plan.
#[utoipa::path(
    put,
    path = route::KINERJA_PLAN_PREDIKAT,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanRating,
    responses(
        (status = 200, description = "The rated plan", body = Changed),
        (status = 403, description = "`forbidden`: only the principal rates", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version`, or the plan is not agreed yet", body = ApiError),
        (status = 422, description = "`validation`: note too long", body = ApiError),
    )
)]
pub async fn rate_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(rating): ApiJson<PlanRating>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::rate_plan(&state.db, &caller, &id, rating).await?))
}

/// The principal schedules a classroom observation of a staff member's plan.
#[utoipa::path(
    post,
    path = route::KINERJA_OBSERVATIONS,
    tag = "kinerja",
    security(("bearer" = [])),
    request_body = NewObservation,
    responses(
        (status = 200, description = "The scheduled observation", body = Changed),
        (status = 403, description = "`forbidden`: only the teacher's principal schedules", body = ApiError),
        (status = 404, description = "`not_found`: no such plan the caller may see", body = ApiError),
        (status = 409, description = "`conflict`: the id is already used by a record the caller can see (another person's answers 422 like an unusable id)", body = ApiError),
        (status = 422, description = "`validation`: id not a UUID, bad date-time, empty class", body = ApiError),
    )
)]
pub async fn schedule(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewObservation>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::schedule(&state.db, &caller, &new).await?))
}

/// The principal leaves a short feedback note (umpan balik) on a staff member's plan, at any point of the
/// cycle. The client picks the id (a UUID); the note stays as written and is seen by the plan's owner.
#[utoipa::path(
    post,
    path = route::KINERJA_FEEDBACK,
    tag = "kinerja",
    security(("bearer" = [])),
    request_body = NewFeedback,
    responses(
        (status = 200, description = "The note as kept", body = Changed),
        (status = 403, description = "`forbidden`: only the teacher's principal leaves feedback", body = ApiError),
        (status = 404, description = "`not_found`: no such plan the caller may see", body = ApiError),
        (status = 409, description = "`conflict`: the id is already used by a record the caller can see", body = ApiError),
        (status = 422, description = "`validation`: id not a UUID, empty or too long a note, too many notes on the plan", body = ApiError),
    )
)]
pub async fn give_feedback(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewFeedback>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::give_feedback(&state.db, &caller, &new).await?))
}

/// The observed teacher writes their preparation; the principal reschedules, records and follows up.
#[utoipa::path(
    patch,
    path = route::KINERJA_OBSERVATION,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Observation id")),
    request_body = ObservationPatch,
    responses(
        (status = 200, description = "The observation as changed", body = Changed),
        (status = 403, description = "`forbidden`: a field the caller may not change", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version`; `current` holds it", body = ApiError),
        (status = 422, description = "`validation`: bad date-time or text too long", body = ApiError),
    )
)]
pub async fn edit_observation(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<ObservationPatch>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::edit_observation(&state.db, &caller, &id, &patch).await?))
}

/// The owner uploads an evidence file (bukti dukung) to their plan; the body is the file. Only in cycles
/// that take evidence, of the type and size the cycle says. The client picks the id (a UUID).
#[utoipa::path(
    put,
    path = route::KINERJA_EVIDENCE,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id (a UUID)"), EvidenceUpload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes (a PDF, whatever the `Content-Type`)"),
    responses(
        (status = 200, description = "The evidence record", body = Changed),
        (status = 403, description = "`forbidden`: not the caller's plan", body = ApiError),
        (status = 404, description = "`not_found`: no such plan the caller may see", body = ApiError),
        (status = 409, description = "`conflict`: the id is already used by a record the caller can see (another person's answers 422 like an unusable id)", body = ApiError),
        (status = 413, description = "`payload_too_large`: over the cycle's limit", body = ApiError),
        (status = 422, description = "`validation`: this cycle takes no evidence, not a PDF, empty title…", body = ApiError),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(meta): ApiQuery<EvidenceUpload>,
    body: Bytes,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::add_evidence(&state.db, &caller, &id, meta, &body).await?))
}

/// The owner removes an evidence file.
#[utoipa::path(
    delete,
    path = route::KINERJA_EVIDENCE,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id")),
    request_body = BaseVersion,
    responses(
        (status = 200, description = "The evidence's tombstone", body = Changed),
        (status = 403, description = "`forbidden`: not the caller's", body = ApiError),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 409, description = "`conflict`: changed since `base_version`", body = ApiError),
    )
)]
pub async fn delete_evidence(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(base): ApiJson<BaseVersion>,
) -> Result<Json<Changed>> {
    Ok(Json(kinerja::delete_evidence(&state.db, &caller, &id, base.base_version).await?))
}

/// The evidence file, for its owner and their principal; `Range`, `If-Range` and `ETag` as for material
/// files.
#[utoipa::path(
    get,
    path = route::KINERJA_EVIDENCE_FILE,
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id")),
    responses(
        (status = 200, description = "The whole file", content_type = "application/pdf", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 416, description = "The range is outside the file", body = ApiError),
    )
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let ev = load_evidence(&mut conn, &caller, &id).await?.data;
    drop(conn);
    files::serve(&state.db.pool, &headers, &ev.sha256, ev.size, &ev.content_type, &ev.file_name)
}
