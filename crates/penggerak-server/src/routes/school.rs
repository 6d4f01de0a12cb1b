//! The principal's views of their own school's staff: who they are, where each stands in programmes and
//! their development plan, and the data problems that need someone's action. Only a principal, only their
//! own school. A pengawas's view of the schools she supervises: each summed up, and each school's staff,
//! read-only; nothing of a school she does not supervise.

use super::ApiPath;
use crate::auth::Caller;
use crate::domain::pkb::{current_year, plan_id};
use crate::error::{Result, ServerError};
use crate::records::{self, Filter};
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use penggerak_types::api::{Profile, Role, StaffSummary, SupervisedSchool};
use penggerak_types::kinerja::{PerformancePlan, PlanStatus};
use penggerak_types::pkb::{PkbItem, PkbPlan};
use penggerak_types::programme::{Participation, Programme};
use penggerak_types::route;
use penggerak_types::staff::{summarise, Records};
use penggerak_types::{ApiError, ErrorCode, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::SCHOOL_STAFF, get(staff))
        .route(route::SCHOOL_STAFF_MEMBER, get(one))
        .route(route::SUPERVISION_SCHOOLS, get(supervision))
        .route(route::SUPERVISION_SCHOOL_STAFF, get(supervised_staff))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(staff, one, supervision, supervised_staff),
    tags((name = "school", description = "A principal's view of their own school; a pengawas's of the schools she supervises"))
)]
pub struct Doc;

fn principal_school(caller: &Caller) -> Result<&str> {
    caller.principal_of().ok_or_else(|| {
        ServerError::new(
            ErrorCode::Forbidden,
            "Hanya kepala sekolah yang dapat melihat data staf sekolahnya.",
        )
    })
}

fn data<T>(stored: Vec<records::Stored<T>>) -> Vec<T> {
    stored.into_iter().map(|s| s.data).collect()
}

async fn summary(
    conn: &mut AnyConnection,
    person: Profile,
    programmes: &[Programme],
) -> Result<StaffSummary> {
    let participations: Vec<Participation> =
        data(records::list(conn, RecordKind::Participation, Filter::Owner(&person.id)).await?);
    let year = current_year();
    let pkb_plan = records::get::<PkbPlan>(conn, RecordKind::PkbPlan, &plan_id(&person.id, year)).await?;
    let items: Vec<PkbItem> =
        data(records::list(conn, RecordKind::PkbItem, Filter::Owner(&person.id)).await?);
    let cycle = crate::domain::kinerja::cycle_id(year);
    let plan = records::get::<PerformancePlan>(
        conn,
        RecordKind::PerformancePlan,
        &crate::domain::kinerja::plan_id(&cycle, &person.id),
    )
    .await?;
    let last_synced_at = crate::people::last_sync(conn, &person.id).await?;
    let summary = summarise(
        person,
        &Records {
            participations: &participations,
            programmes,
            pkb_plan: pkb_plan.as_ref().map(|p| &p.data),
            items: &items,
            plan: plan.as_ref().map(|p| &p.data),
        },
    );
    // The one fact only the server knows.
    Ok(StaffSummary { last_synced_at, ..summary })
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
    Ok(Json(staff_of(&mut conn, npsn).await?))
}

/// Every programme's definition.
async fn programmes(conn: &mut AnyConnection) -> Result<Vec<Programme>> {
    Ok(data(records::list(conn, RecordKind::Programme, Filter::All).await?))
}

/// The staff of school `npsn` (teachers and the principal), by name.
async fn staff_of(conn: &mut AnyConnection, npsn: &str) -> Result<Vec<StaffSummary>> {
    let programmes = programmes(conn).await?;
    let mut out = Vec::new();
    for id in crate::people::staff_ids(conn, npsn).await? {
        let person = crate::people::load_profile(conn, &id).await?;
        out.push(summary(conn, person, &programmes).await?);
    }
    out.sort_by(|a, b| a.person.full_name.cmp(&b.person.full_name));
    Ok(out)
}

/// The schools `caller` supervises (a pengawas; `403` for anyone else).
async fn supervised(conn: &mut AnyConnection, caller: &Caller) -> Result<Vec<String>> {
    if caller.role != Role::Pengawas {
        return Err(ServerError::new(ErrorCode::Forbidden, "Hanya pengawas yang melihat sekolah binaannya."));
    }
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT school_npsn FROM supervision WHERE pengawas_id = $1 ORDER BY school_npsn")
            .bind(&caller.user_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// A pengawas's schools, each summed up from its staff.
#[utoipa::path(
    get,
    path = route::SUPERVISION_SCHOOLS,
    tag = "school",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each supervised school with its principal, staff count, plans by status and JP progress", body = Vec<SupervisedSchool>),
        (status = 403, description = "`forbidden`: only a pengawas", body = ApiError),
    )
)]
pub async fn supervision(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SupervisedSchool>>> {
    let mut conn = state.db.pool.acquire().await?;
    let mut out = Vec::new();
    for npsn in supervised(&mut conn, &caller).await? {
        let Some(school) = crate::people::load_school(&mut conn, &npsn).await? else { continue };
        let staff = staff_of(&mut conn, &npsn).await?;
        let principal = staff
            .iter()
            .find(|s| Some(&s.person.id) == school.principal_id.as_ref())
            .map(|s| s.person.full_name.clone());
        let count = |st: Option<PlanStatus>| staff.iter().filter(|s| s.kinerja_status == st).count() as u32;
        let with_target: Vec<&StaffSummary> = staff.iter().filter(|s| s.jp_target > 0).collect();
        out.push(SupervisedSchool {
            principal,
            staff: staff.len() as u32,
            plans: PlanStatus::ALL.iter().map(|st| count(Some(*st))).collect(),
            without_plan: count(None),
            jp_reached: with_target.iter().filter(|s| s.jp_done >= s.jp_target).count() as u32,
            with_jp_target: with_target.len() as u32,
            school,
        });
    }
    Ok(Json(out))
}

/// One supervised school's staff, read-only.
#[utoipa::path(
    get,
    path = route::SUPERVISION_SCHOOL_STAFF,
    tag = "school",
    security(("bearer" = [])),
    params(("npsn" = String, Path, description = "The school's NPSN")),
    responses(
        (status = 200, description = "Each staff member, as the school's principal sees them", body = Vec<StaffSummary>),
        (status = 403, description = "`forbidden`: only a pengawas", body = ApiError),
        (status = 404, description = "`not_found`: not a school the caller supervises", body = ApiError),
    )
)]
pub async fn supervised_staff(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(npsn): ApiPath<String>,
) -> Result<Json<Vec<StaffSummary>>> {
    let mut conn = state.db.pool.acquire().await?;
    if !supervised(&mut conn, &caller).await?.contains(&npsn) {
        return Err(ServerError::new(ErrorCode::NotFound, "Sekolah ini bukan sekolah binaan Anda."));
    }
    Ok(Json(staff_of(&mut conn, &npsn).await?))
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
    let programmes = programmes(&mut conn).await?;
    let person = crate::people::load_profile(&mut conn, &id).await?;
    Ok(Json(summary(&mut conn, person, &programmes).await?))
}
