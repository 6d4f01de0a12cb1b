//! `/communities`: list with search and filters, one community with its upcoming events, and join and
//! leave ([`crate::domain::communities`]). Community data is visible to every signed-in user; membership
//! changes only the caller's own.

use super::{ApiPath, ApiQuery};
use crate::auth::{now_unix, AuthUser};
use crate::domain::communities::{self, local_offset, not_found, to_event, EventRow, EVENT_COLUMNS};
use crate::error::Result;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use penggerak_types::api::{CommunityDetail, CommunityQuery, CommunitySummary};
use penggerak_types::route;
use penggerak_types::{ApiError, Changed};

const SUMMARY_COLUMNS: &str = "c.id, c.name, c.topic, c.jenjang, c.province, c.regency,
    (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id) AS member_count,
    (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id AND m.user_id = $1) AS mine";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    name: String,
    topic: String,
    jenjang: String,
    province: String,
    regency: String,
    member_count: i64,
    mine: i64,
}

impl From<SummaryRow> for CommunitySummary {
    fn from(r: SummaryRow) -> Self {
        CommunitySummary {
            id: r.id,
            name: r.name,
            topic: r.topic,
            jenjang: r.jenjang,
            province: r.province,
            regency: r.regency,
            member_count: r.member_count,
            is_member: r.mine > 0,
        }
    }
}

/// Learning communities, searched and filtered; every given filter must match.
#[utoipa::path(
    get,
    path = route::COMMUNITIES,
    operation_id = "list_communities",
    tag = "communities",
    security(("bearer" = [])),
    params(CommunityQuery),
    responses(
        (status = 200, description = "Matching communities by name", body = Vec<CommunitySummary>),
        (status = 422, description = "`validation`: a search text or filter value too long", body = ApiError),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<CommunityQuery>,
) -> Result<Json<Vec<CommunitySummary>>> {
    super::check_search(query.q.as_deref(), [&query.topic, &query.jenjang, &query.province])?;
    // `%`, `_` and `\` in what the teacher typed are looked for as they are, not as LIKE wildcards.
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| {
            format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
        })
        .unwrap_or_default();
    let exact = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM communities c
         WHERE ($2 = '' OR lower(c.name) LIKE $2 ESCAPE '\\' OR lower(c.description) LIKE $2 ESCAPE '\\'
                OR lower(c.topic) LIKE $2 ESCAPE '\\')
           AND ($3 = '' OR c.topic = $3)
           AND ($4 = '' OR c.jenjang = $4)
           AND ($5 = '' OR c.province = $5)
           AND ($6 = 0 OR EXISTS (SELECT 1 FROM community_members m2
                                  WHERE m2.community_id = c.id AND m2.user_id = $1))
         ORDER BY c.name, c.id"
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(&user.user_id)
        .bind(pattern)
        .bind(exact(&query.topic))
        .bind(exact(&query.jenjang))
        .bind(exact(&query.province))
        .bind(i64::from(query.mine.unwrap_or(false)))
        .fetch_all(&state.db.pool)
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// One community with its lead and upcoming events.
#[utoipa::path(
    get,
    path = route::COMMUNITY,
    operation_id = "community",
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The community", body = CommunityDetail),
        (status = 404, description = "`not_found`: no such community", body = ApiError),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<CommunityDetail>> {
    Ok(Json(load_detail(&state, &user.user_id, &id).await?))
}

/// Joins a community (joining twice changes nothing). Answers the membership and the community.
#[utoipa::path(
    post,
    path = route::COMMUNITY_JOIN,
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The caller's membership and the community with its new count", body = Changed),
        (status = 404, description = "`not_found`: no such community", body = ApiError),
    )
)]
pub async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    Ok(Json(communities::join(&state.db, &user.user_id, &id).await?))
}

/// Leaves a community (leaving when not a member changes nothing). The lead cannot leave. Answers the
/// membership's tombstone and the community.
#[utoipa::path(
    post,
    path = route::COMMUNITY_LEAVE,
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The membership's tombstone and the community with its new count", body = Changed),
        (status = 404, description = "`not_found`: no such community", body = ApiError),
        (status = 409, description = "`conflict`: the lead cannot leave their own community", body = ApiError),
    )
)]
pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    Ok(Json(communities::leave(&state.db, &user.user_id, &id).await?))
}

/// Says the caller was at a community event ("Saya hadir"; saying it twice changes nothing). Answers the
/// attendance and the event with its new count.
#[utoipa::path(
    post,
    path = route::EVENT_ATTEND,
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community event id")),
    responses(
        (status = 200, description = "The caller's attendance and the event with its new count", body = Changed),
        (status = 404, description = "`not_found`: no such event", body = ApiError),
        (status = 409, description = "`conflict`: not a member of the event's community (`members_only`), or \
            outside the time attendance is said in (`attendance_not_yet`, `attendance_closed`)", body = ApiError),
    )
)]
pub async fn attend(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    Ok(Json(communities::attend(&state.db, &user.user_id, &id).await?))
}

/// Takes back the caller's "Saya hadir" (when not said, nothing changes), under the same rules. Answers
/// the attendance's tombstone and the event with its new count.
#[utoipa::path(
    post,
    path = route::EVENT_UNATTEND,
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community event id")),
    responses(
        (status = 200, description = "The attendance's tombstone and the event with its new count", body = Changed),
        (status = 404, description = "`not_found`: no such event", body = ApiError),
        (status = 409, description = "`conflict`: not a member, or outside the time attendance is said in", body = ApiError),
    )
)]
pub async fn unattend(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    Ok(Json(communities::unattend(&state.db, &user.user_id, &id).await?))
}

async fn load_detail(state: &AppState, user_id: &str, id: &str) -> Result<CommunityDetail> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM communities c WHERE c.id = $2");
    let summary: SummaryRow = sqlx::query_as(&sql)
        .bind(user_id)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(not_found)?;
    let (description, lead_name): (String, String) = sqlx::query_as(
        "SELECT c.description, u.full_name FROM communities c JOIN users u ON u.id = c.lead_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let events: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM community_events e
         WHERE e.community_id = $1 AND e.starts_at >= $2 ORDER BY e.starts_at, e.id"
    ))
    .bind(id)
    .bind(now_unix())
    .fetch_all(&state.db.pool)
    .await?;
    let offset = local_offset(&summary.province);
    let upcoming_events = events.into_iter().map(|e| to_event(e, offset)).collect::<Result<Vec<_>>>()?;
    Ok(CommunityDetail { summary: summary.into(), description, lead_name, upcoming_events })
}
