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
use penggerak_types::api::{Profile, StaffSummary};
use penggerak_types::kinerja::PerformancePlan;
use penggerak_types::pkb::{PkbItem, PkbPlan};
use penggerak_types::programme::{Participation, Programme};
use penggerak_types::route;
use penggerak_types::staff::{summarise, Records};
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
    Ok(summarise(
        person,
        &Records {
            participations: &participations,
            programmes,
            pkb_plan: pkb_plan.as_ref().map(|p| &p.data),
            items: &items,
            plan: plan.as_ref().map(|p| &p.data),
        },
    ))
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
