//! The principal's views of their own school's staff: who they are, where each stands in programmes and
//! their development plan, and the data problems that need someone's action. Only a principal, only their
//! own school.

use super::ApiPath;
use crate::auth::Caller;
use crate::domain::pkb::{current_year, plan_id};
use crate::error::{Result, ServerError};
use crate::records::{self, Filter};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use penggerak_types::api::{Profile, StaffProgramme, StaffSummary};
use penggerak_types::kinerja::PerformancePlan;
use penggerak_types::pkb::{jp_done, PkbItem, PkbPlan};
use penggerak_types::programme::{Participation, Programme, StageOutcome};
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new().route(route::SCHOOL_STAFF, get(staff)).route(route::SCHOOL_STAFF_MEMBER, get(one))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(staff, one), tags((name = "school", description = "A principal's view of their own school")))]
pub struct Doc;

fn principal_school(caller: &Caller) -> Result<&str> {
    caller.principal_of().ok_or_else(|| {
        ServerError::new(
            ErrorCode::Forbidden,
            "Hanya kepala sekolah yang dapat melihat data staf sekolahnya.",
        )
    })
}

async fn summary(
    conn: &mut AnyConnection,
    person: Profile,
    programmes: &[Programme],
) -> Result<StaffSummary> {
    let parts =
        records::list::<Participation>(conn, RecordKind::Participation, Filter::Owner(&person.id)).await?;
    let programmes = parts
        .into_iter()
        .filter_map(|p| {
            let def = programmes.iter().find(|d| d.id == p.data.programme_id)?;
            let stage = def.stages.iter().find(|s| s.code == p.data.current_stage)?;
            let cohort = def.cohorts.iter().find(|c| c.id == p.data.cohort_id)?;
            Some(StaffProgramme {
                programme: def.name.clone(),
                cohort: cohort.name.clone(),
                stage: stage.name.clone(),
                graduated: p.data.certificate.is_some()
                    || p.data.results.last().is_some_and(|r| r.outcome == StageOutcome::Lulus),
            })
        })
        .collect();
    let plan_id = plan_id(&person.id, current_year());
    let target =
        records::get::<PkbPlan>(conn, RecordKind::PkbPlan, &plan_id).await?.map_or(0, |p| p.data.target_jp);
    let items: Vec<PkbItem> = records::list::<PkbItem>(conn, RecordKind::PkbItem, Filter::Owner(&person.id))
        .await?
        .into_iter()
        .map(|s| s.data)
        .filter(|i| i.plan_id == plan_id)
        .collect();
    let cycle = crate::domain::kinerja::cycle_id(current_year());
    let kinerja_status = records::get::<PerformancePlan>(
        conn,
        RecordKind::PerformancePlan,
        &crate::domain::kinerja::plan_id(&cycle, &person.id),
    )
    .await?
    .map(|p| p.data.status);
    Ok(StaffSummary { person, programmes, jp_done: jp_done(&items), jp_target: target, kinerja_status })
}

/// The caller's school's staff (teachers and the principal), by name.
#[utoipa::path(
    get,
    path = route::SCHOOL_STAFF,
    tag = "school",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each staff member with programme stage, plan progress and data problems", body = Vec<StaffSummary>),
        (status = 403, description = "`forbidden`: only a principal", body = ApiError),
    )
)]
pub async fn staff(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<StaffSummary>>> {
    let npsn = principal_school(&caller)?;
    let mut conn = state.db.pool.acquire().await?;
    let programmes: Vec<Programme> = records::list(&mut conn, RecordKind::Programme, Filter::All)
        .await?
        .into_iter()
        .map(|s| s.data)
        .collect();
    let mut out = Vec::new();
    for id in crate::people::staff_ids(&mut conn, npsn).await? {
        let person = crate::people::load_profile(&mut conn, &id).await?;
        out.push(summary(&mut conn, person, &programmes).await?);
    }
    out.sort_by(|a, b| a.person.full_name.cmp(&b.person.full_name));
    Ok(Json(out))
}

/// One staff member of the caller's school.
#[utoipa::path(
    get,
    path = route::SCHOOL_STAFF_MEMBER,
    tag = "school",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The staff member", body = StaffSummary),
        (status = 403, description = "`forbidden`: only a principal", body = ApiError),
        (status = 404, description = "`not_found`: not on the caller's staff", body = ApiError),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StaffSummary>> {
    let npsn = principal_school(&caller)?;
    let mut conn = state.db.pool.acquire().await?;
    if !crate::people::staff_ids(&mut conn, npsn).await?.contains(&id) {
        return Err(ServerError::new(ErrorCode::NotFound, "Staf tidak ditemukan di sekolah Anda."));
    }
    let programmes: Vec<Programme> = records::list(&mut conn, RecordKind::Programme, Filter::All)
        .await?
        .into_iter()
        .map(|s| s.data)
        .collect();
    let person = crate::people::load_profile(&mut conn, &id).await?;
    Ok(Json(summary(&mut conn, person, &programmes).await?))
}
