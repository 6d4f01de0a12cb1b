//! The performance cycle (e-Kinerja): the cycle served as data, each teacher's plan and its workflow
//! (rules in [`PlanStatus::mover`]), classroom observations, evidence uploads and the predikat.
//!
//! The teacher writes their plan's results and reflection and moves it to the principal; the principal of
//! the teacher's school approves or returns it, schedules and records observations and gives the
//! predikat. Nobody else writes any of it; a plan is seen by its owner and that principal only.

use super::{ApiPath, ApiQuery};
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience, Filter, Stored};
use crate::routes::pkb::current_year;
use crate::routes::ApiJson;
use crate::{files, AppState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use penggerak_types::kinerja::{
    Actor, Cycle, Evidence, EvidenceUpload, KinerjaOverview, NewObservation, Observation, ObservationPatch,
    PerformancePlan, PlanEvent, PlanMove, PlanPatch, PlanRating, PlanRefusal, PlanStatus,
};
use penggerak_types::pkb::BaseVersion;
use penggerak_types::{limits, ApiError, Changed, ErrorCode, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kinerja", get(overview))
        .route("/kinerja/plans/{id}", get(plan).patch(edit_plan))
        .route("/kinerja/plans/{id}/status", post(move_plan))
        .route("/kinerja/plans/{id}/predikat", put(rate_plan))
        .route("/kinerja/observations", post(schedule))
        .route("/kinerja/observations/{id}", patch(edit_observation))
        .route(
            "/kinerja/evidence/{id}",
            put(upload)
                .delete(delete_evidence)
                // The idempotency layer has already bounded the body; the route checks the cycle's limit.
                .layer(DefaultBodyLimit::max(crate::idempotency::MAX_BODY)),
        )
        .route("/kinerja/evidence/{id}/file", get(download))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(overview, plan, edit_plan, move_plan, rate_plan, schedule, edit_observation, upload, delete_evidence, download),
    components(schemas(Cycle, PerformancePlan, Observation, Evidence)),
    tags((name = "kinerja", description = "The performance cycle (e-Kinerja): plans, observations, evidence, predikat"))
)]
pub struct Doc;

/// The id of the cycle of `year`.
pub fn cycle_id(year: i32) -> String {
    format!("kinerja-{year}")
}

/// The id of `user_id`'s plan in `cycle`.
pub fn plan_id(cycle: &str, user_id: &str) -> String {
    format!("skp:{cycle}:{user_id}")
}

fn invalid(message: impl Into<String>) -> ServerError {
    ServerError::new(ErrorCode::Validation, message)
}

/// The answer for a refused plan edit or move.
fn refused(r: PlanRefusal) -> ServerError {
    match r {
        PlanRefusal::NotNow(m) => ServerError::new(ErrorCode::Conflict, m),
        PlanRefusal::NotYours(m) => ServerError::new(ErrorCode::Forbidden, m),
        PlanRefusal::Invalid(m) => invalid(m),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

async fn load_cycle(conn: &mut AnyConnection, id: &str) -> Result<Cycle> {
    records::get::<Cycle>(conn, RecordKind::Cycle, id)
        .await?
        .map(|s| s.data)
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Siklus kinerja tidak ditemukan."))
}

/// What the caller is to a plan: its owner, the principal of its school, or nobody (`404`).
fn relation(caller: &Caller, plan: &Stored<PerformancePlan>) -> Result<Actor> {
    if plan.data.owner_id == caller.user_id {
        Ok(Actor::Owner)
    } else if plan.audience.school.is_some() && plan.audience.school.as_deref() == caller.principal_of() {
        Ok(Actor::Principal)
    } else {
        Err(ServerError::new(ErrorCode::NotFound, "Rencana kinerja tidak ditemukan."))
    }
}

async fn load_plan(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
) -> Result<(Stored<PerformancePlan>, Actor)> {
    let plan = records::get::<PerformancePlan>(conn, RecordKind::PerformancePlan, id)
        .await?
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Rencana kinerja tidak ditemukan."))?;
    let actor = relation(caller, &plan)?;
    Ok((plan, actor))
}

async fn name_of(conn: &mut AnyConnection, user_id: &str) -> Result<String> {
    let row: Option<(String,)> = sqlx::query_as("SELECT full_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(n,)| n).unwrap_or_default())
}

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
    Ok(KinerjaOverview { cycle, plan: Some(plan), observations, evidence })
}

/// The current cycle and the caller's plan in it, with its observations and evidence.
#[utoipa::path(
    get,
    path = "/api/v1/kinerja",
    operation_id = "kinerja_overview",
    tag = "kinerja",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cycle and the caller's plan (none for people without one)", body = KinerjaOverview),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
        None => Ok(Json(KinerjaOverview { cycle, plan: None, observations: vec![], evidence: vec![] })),
    }
}

/// A plan, for its owner or the principal of the owner's school, with its cycle, observations and
/// evidence.
#[utoipa::path(
    get,
    path = "/api/v1/kinerja/plans/{id}",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = KinerjaOverview),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    path = "/api/v1/kinerja/plans/{id}",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanPatch,
    responses(
        (status = 200, description = "The plan as changed", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    let mut tx = state.db.begin().await?;
    let (plan, actor) = load_plan(&mut tx, &caller, &id).await?;
    if actor != Actor::Owner {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            "Rencana kinerja hanya diubah oleh gurunya sendiri.",
        ));
    }
    records::check_version(&mut tx, RecordKind::PerformancePlan, &id, patch.base_version).await?;
    let cycle = load_cycle(&mut tx, &plan.data.cycle_id).await?;
    let next = plan.data.patched(&patch, &cycle).map_err(refused)?;
    let record = records::put(&mut tx, RecordKind::PerformancePlan, &id, &plan.audience, &next).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// Moves a plan: the owner submits (from Draf or Dikembalikan); the principal approves or returns (with a
/// note) a submitted plan and agrees (Disepakati: ready for e-Kinerja) an approved one.
#[utoipa::path(
    post,
    path = "/api/v1/kinerja/plans/{id}/status",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanMove,
    responses(
        (status = 200, description = "The plan in its new status", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    let mut tx = state.db.begin().await?;
    let (plan, actor) = load_plan(&mut tx, &caller, &id).await?;
    records::check_version(&mut tx, RecordKind::PerformancePlan, &id, mv.base_version).await?;
    let cycle = load_cycle(&mut tx, &plan.data.cycle_id).await?;
    let note = plan.data.check_move(mv.to, actor, mv.note.as_deref(), &cycle).map_err(refused)?;
    let mut next = plan.data.clone();
    next.status = mv.to;
    next.history.push(PlanEvent {
        to: mv.to,
        by_id: caller.user_id.clone(),
        by_name: name_of(&mut tx, &caller.user_id).await?,
        at: now_rfc3339(),
        note,
    });
    let record = records::put(&mut tx, RecordKind::PerformancePlan, &id, &plan.audience, &next).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// The principal gives (or changes) the predikat of an agreed plan.
#[utoipa::path(
    put,
    path = "/api/v1/kinerja/plans/{id}/predikat",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanRating,
    responses(
        (status = 200, description = "The rated plan", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    let mut tx = state.db.begin().await?;
    let (plan, actor) = load_plan(&mut tx, &caller, &id).await?;
    if actor != Actor::Principal {
        return Err(ServerError::new(ErrorCode::Forbidden, "Predikat diberikan oleh kepala sekolah."));
    }
    records::check_version(&mut tx, RecordKind::PerformancePlan, &id, rating.base_version).await?;
    if plan.data.status != PlanStatus::Disepakati {
        return Err(ServerError::new(ErrorCode::Conflict, "Predikat diberikan setelah rencana disepakati."));
    }
    let note = rating.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| !penggerak_types::limits::fits(n, penggerak_types::limits::NOTE)) {
        return Err(invalid(format!("Catatan paling banyak {} karakter.", limits::NOTE)));
    }
    let next = PerformancePlan { predikat: Some(rating.predikat), predikat_note: note, ..plan.data };
    let record = records::put(&mut tx, RecordKind::PerformancePlan, &id, &plan.audience, &next).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// A one-line text field: at most `max` characters and no control characters (a line break or NUL in a
/// file name would break the download's headers).
fn check_line(label: &str, s: &str, max: usize) -> Result<()> {
    if !limits::fits(s, max) || limits::has_control(s) {
        return Err(invalid(format!("{label} paling banyak {max} karakter, dalam satu baris.")));
    }
    Ok(())
}

/// How many live records of `kind` belong to `plan` (its owner's, naming it through `plan_of`). Read
/// after the plan itself in a write transaction, whose row is then locked, so concurrent adds are counted
/// one after the other.
async fn on_plan<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    kind: RecordKind,
    plan: &PerformancePlan,
    plan_of: impl Fn(&T) -> &String,
) -> Result<usize> {
    let owned = records::list::<T>(conn, kind, Filter::Owner(&plan.owner_id)).await?;
    Ok(owned.iter().filter(|r| plan_of(&r.data) == &plan.id).count())
}

/// The principal schedules a classroom observation of a staff member's plan.
#[utoipa::path(
    post,
    path = "/api/v1/kinerja/observations",
    tag = "kinerja",
    security(("bearer" = [])),
    request_body = NewObservation,
    responses(
        (status = 200, description = "The scheduled observation", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    if uuid::Uuid::parse_str(&new.id).is_err() {
        return Err(invalid("Id observasi harus berupa UUID."));
    }
    let mut tx = state.db.begin().await?;
    let (plan, actor) = load_plan(&mut tx, &caller, &new.plan_id).await?;
    if actor != Actor::Principal {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            "Observasi kelas dijadwalkan oleh kepala sekolah.",
        ));
    }
    caller.new_id(
        records::audience_of(&mut tx, RecordKind::Observation, &new.id).await?,
        "Id observasi ini sudah dipakai.",
    )?;
    let scheduled =
        on_plan::<Observation>(&mut tx, RecordKind::Observation, &plan.data, |o| &o.plan_id).await?;
    if scheduled >= limits::OBSERVATIONS_PER_PLAN {
        return Err(invalid(format!(
            "Satu rencana paling banyak memuat {} observasi.",
            limits::OBSERVATIONS_PER_PLAN
        )));
    }
    let obs = new.observation(&plan.data, &caller.user_id).map_err(invalid)?;
    let record = records::put(&mut tx, RecordKind::Observation, &obs.id, &plan.audience, &obs).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// The observed teacher writes their preparation; the principal reschedules, records and follows up.
#[utoipa::path(
    patch,
    path = "/api/v1/kinerja/observations/{id}",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Observation id")),
    request_body = ObservationPatch,
    responses(
        (status = 200, description = "The observation as changed", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    let mut tx = state.db.begin().await?;
    let obs = records::get::<Observation>(&mut tx, RecordKind::Observation, &id)
        .await?
        .filter(|o| caller.can_read(&o.audience))
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Observasi tidak ditemukan."))?;
    let is_owner = obs.data.owner_id == caller.user_id;
    let is_principal =
        obs.audience.school.is_some() && obs.audience.school.as_deref() == caller.principal_of();
    if is_owner && !patch.teacher_only() {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            "Guru hanya dapat mengisi persiapan observasi; jadwal, catatan dan tindak lanjut diisi kepala sekolah.",
        ));
    }
    if !is_owner && !is_principal {
        return Err(ServerError::new(ErrorCode::NotFound, "Observasi tidak ditemukan."));
    }
    if is_principal && patch.preparation.is_some() {
        return Err(ServerError::new(ErrorCode::Forbidden, "Persiapan observasi diisi oleh guru."));
    }
    records::check_version(&mut tx, RecordKind::Observation, &id, patch.base_version).await?;
    let next = obs.data.patched(&patch).map_err(invalid)?;
    let record = records::put(&mut tx, RecordKind::Observation, &id, &obs.audience, &next).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

/// The owner uploads an evidence file (bukti dukung) to their plan; the body is the file. Only in cycles
/// that take evidence, of the type and size the cycle says. The client picks the id (a UUID).
#[utoipa::path(
    put,
    path = "/api/v1/kinerja/evidence/{id}",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id (a UUID)"), EvidenceUpload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes (a PDF, whatever the `Content-Type`)"),
    responses(
        (status = 200, description = "The evidence record", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(invalid("Id bukti dukung harus berupa UUID."));
    }
    if meta.title.trim().is_empty() || meta.file_name.trim().is_empty() {
        return Err(invalid("Judul dan nama berkas bukti dukung harus diisi."));
    }
    check_line("Judul", &meta.title, limits::TITLE)?;
    check_line("Nama berkas", &meta.file_name, limits::FILE_NAME)?;
    if meta.result_id.as_deref().is_some_and(|r| !limits::is_id(r)) || !limits::is_id(&meta.plan_id) {
        return Err(invalid("Rencana atau hasil kerja yang dirujuk tidak valid."));
    }
    let mut tx = state.db.begin().await?;
    let (plan, actor) = load_plan(&mut tx, &caller, &meta.plan_id).await?;
    if actor != Actor::Owner {
        return Err(ServerError::new(
            ErrorCode::Forbidden,
            "Bukti dukung diunggah oleh guru pemilik rencana.",
        ));
    }
    let cycle = load_cycle(&mut tx, &plan.data.cycle_id).await?;
    let Some(rule) = cycle.evidence else {
        return Err(invalid(format!("{} tidak memakai unggahan bukti dukung.", cycle.name)));
    };
    if body.len() as u64 > rule.max_bytes {
        return Err(ServerError::new(
            ErrorCode::PayloadTooLarge,
            format!("Berkas bukti dukung paling besar {} MB.", rule.max_bytes / 1_000_000),
        ));
    }
    if rule.content_type == "application/pdf" && !body.starts_with(b"%PDF-") {
        return Err(invalid("Bukti dukung harus berupa berkas PDF."));
    }
    if let Some(r) = &meta.result_id {
        if !plan.data.results.iter().any(|x| &x.id == r) {
            return Err(invalid("Hasil kerja yang dirujuk tidak ada dalam rencana."));
        }
    }
    caller.new_id(
        records::audience_of(&mut tx, RecordKind::Evidence, &id).await?,
        "Id bukti dukung ini sudah dipakai.",
    )?;
    if on_plan::<Evidence>(&mut tx, RecordKind::Evidence, &plan.data, |e| &e.plan_id).await?
        >= limits::EVIDENCE_PER_PLAN
    {
        return Err(invalid(format!(
            "Satu rencana paling banyak memuat {} bukti dukung.",
            limits::EVIDENCE_PER_PLAN
        )));
    }
    let sha256 = files::store(&mut tx, RecordKind::Evidence, &id, &body).await?;
    let evidence = Evidence {
        id: id.clone(),
        plan_id: plan.data.id.clone(),
        owner_id: caller.user_id.clone(),
        result_id: meta.result_id,
        title: meta.title.trim().to_owned(),
        file_name: meta.file_name.trim().to_owned(),
        content_type: rule.content_type,
        size: body.len() as u64,
        sha256,
        uploaded_at: now_rfc3339(),
    };
    let record = records::put(&mut tx, RecordKind::Evidence, &id, &plan.audience, &evidence).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![record] }))
}

async fn load_evidence(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Stored<Evidence>> {
    records::get::<Evidence>(conn, RecordKind::Evidence, id)
        .await?
        .filter(|e| caller.can_read(&e.audience))
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Bukti dukung tidak ditemukan."))
}

/// The owner removes an evidence file.
#[utoipa::path(
    delete,
    path = "/api/v1/kinerja/evidence/{id}",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id")),
    request_body = BaseVersion,
    responses(
        (status = 200, description = "The evidence's tombstone", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    let mut tx = state.db.begin().await?;
    let ev = load_evidence(&mut tx, &caller, &id).await?;
    if ev.data.owner_id != caller.user_id {
        return Err(ServerError::new(ErrorCode::Forbidden, "Bukti dukung hanya dihapus oleh pemiliknya."));
    }
    records::check_version(&mut tx, RecordKind::Evidence, &id, base.base_version).await?;
    let gone = records::delete(&mut tx, RecordKind::Evidence, &id)
        .await?
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Bukti dukung tidak ditemukan."))?;
    files::release(&mut tx, RecordKind::Evidence, &id).await?;
    tx.commit().await?;
    Ok(Json(Changed { records: vec![gone] }))
}

/// The evidence file, for its owner and their principal; `Range`, `If-Range` and `ETag` as for material
/// files.
#[utoipa::path(
    get,
    path = "/api/v1/kinerja/evidence/{id}/file",
    tag = "kinerja",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Evidence id")),
    responses(
        (status = 200, description = "The whole file", content_type = "application/pdf", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    files::serve(&mut conn, &headers, &ev.sha256, ev.size, &ev.content_type, &ev.file_name).await
}

/// Writes a cycle definition (demo seed).
pub async fn put_cycle(conn: &mut AnyConnection, cycle: &Cycle) -> Result<()> {
    records::put(conn, RecordKind::Cycle, &cycle.id, &Audience::public(), cycle).await?;
    Ok(())
}
