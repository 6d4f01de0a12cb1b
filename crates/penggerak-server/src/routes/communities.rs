//! `/communities`: list with search and filters, one community with its upcoming events, join, leave.
//! Community data is visible to every signed-in user; membership changes only the caller's own.

use super::{ApiPath, ApiQuery};
use crate::auth::{now_unix, AuthUser};
use crate::error::{Result, ServerError};
use crate::records::{self, Audience};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use penggerak_types::api::{
    Community, CommunityDetail, CommunityEvent, CommunityEventRecord, CommunityQuery, CommunitySummary,
    Membership,
};
use penggerak_types::{ApiError, Changed, ErrorCode, RecordKind, SyncRecord};
use sqlx::AnyConnection;

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
    path = "/api/v1/communities",
    operation_id = "list_communities",
    tag = "communities",
    security(("bearer" = [])),
    params(CommunityQuery),
    responses(
        (status = 200, description = "Matching communities by name", body = Vec<CommunitySummary>),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    path = "/api/v1/communities/{id}",
    operation_id = "community",
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The community", body = CommunityDetail),
        (status = 401, description = "`unauthorized`", body = ApiError),
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
    path = "/api/v1/communities/{id}/join",
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The caller's membership and the community with its new count", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 404, description = "`not_found`: no such community", body = ApiError),
    )
)]
pub async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    let mut tx = state.db.begin().await?;
    let exists: Option<(String,)> =
        sqlx::query_as("SELECT id FROM communities WHERE id = $1").bind(&id).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Err(not_found());
    }
    let joined_at = now_unix();
    let inserted = sqlx::query(
        "INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3)
         ON CONFLICT (community_id, user_id) DO NOTHING",
    )
    .bind(&id)
    .bind(&user.user_id)
    .bind(joined_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let records = if inserted == 1 {
        vec![publish_membership(&mut tx, &id, &user.user_id, joined_at).await?, publish(&mut tx, &id).await?]
    } else {
        current_pair(&mut tx, &id, &user.user_id).await?
    };
    tx.commit().await?;
    Ok(Json(Changed { records }))
}

/// Leaves a community (leaving when not a member changes nothing). The lead cannot leave. Answers the
/// membership's tombstone and the community.
#[utoipa::path(
    post,
    path = "/api/v1/communities/{id}/leave",
    tag = "communities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Community id")),
    responses(
        (status = 200, description = "The membership's tombstone and the community with its new count", body = Changed),
        (status = 401, description = "`unauthorized`", body = ApiError),
        (status = 404, description = "`not_found`: no such community", body = ApiError),
        (status = 409, description = "`conflict`: the lead cannot leave their own community", body = ApiError),
    )
)]
pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Changed>> {
    let mut tx = state.db.begin().await?;
    let lead: Option<(String,)> = sqlx::query_as("SELECT lead_id FROM communities WHERE id = $1")
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
    match lead {
        None => return Err(not_found()),
        Some((lead,)) if lead == user.user_id => {
            return Err(ServerError::new(
                ErrorCode::Conflict,
                "Penggerak komunitas tidak dapat keluar dari komunitasnya sendiri.",
            ))
        }
        Some(_) => {}
    }
    let removed = sqlx::query("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&user.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let records = if removed == 1 {
        let gone = records::delete(&mut tx, RecordKind::Membership, &membership_id(&id, &user.user_id))
            .await?
            .ok_or_else(|| ServerError::Internal(anyhow::anyhow!("membership {id} had no record")))?;
        vec![gone, publish(&mut tx, &id).await?]
    } else {
        current_pair(&mut tx, &id, &user.user_id).await?
    };
    tx.commit().await?;
    Ok(Json(Changed { records }))
}

/// The id of the `membership` record of `user_id` in `community_id`.
pub fn membership_id(community_id: &str, user_id: &str) -> String {
    format!("{community_id}:{user_id}")
}

/// The membership (or its tombstone, if there ever was one) and the community, unchanged.
async fn current_pair(conn: &mut AnyConnection, id: &str, user_id: &str) -> Result<Vec<SyncRecord>> {
    let mut out = Vec::new();
    if let Some(m) = records::current(conn, RecordKind::Membership, &membership_id(id, user_id)).await? {
        out.push(m);
    }
    out.extend(records::current(conn, RecordKind::Community, id).await?);
    Ok(out)
}

/// Writes the `membership` record (visible to the member only).
pub async fn publish_membership(
    conn: &mut AnyConnection,
    community_id: &str,
    user_id: &str,
    joined_at: i64,
) -> Result<SyncRecord> {
    let m = Membership {
        community_id: community_id.to_owned(),
        user_id: user_id.to_owned(),
        joined_at: rfc3339(joined_at, time::UtcOffset::UTC)?,
    };
    records::put(
        conn,
        RecordKind::Membership,
        &membership_id(community_id, user_id),
        &Audience::private(user_id),
        &m,
    )
    .await
}

/// Writes the public `community` record from the tables (after a change of its members).
pub async fn publish(conn: &mut AnyConnection, id: &str) -> Result<SyncRecord> {
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        description: String,
        topic: String,
        jenjang: String,
        province: String,
        regency: String,
        lead_id: String,
        lead_name: String,
        member_count: i64,
    }
    let r: Row = sqlx::query_as(
        "SELECT c.name, c.description, c.topic, c.jenjang, c.province, c.regency, c.lead_id,
                u.full_name AS lead_name,
                (SELECT COUNT(*) FROM community_members m WHERE m.community_id = c.id) AS member_count
         FROM communities c JOIN users u ON u.id = c.lead_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(not_found)?;
    let c = Community {
        id: id.to_owned(),
        name: r.name,
        description: r.description,
        topic: r.topic,
        jenjang: r.jenjang,
        province: r.province,
        regency: r.regency,
        lead_id: r.lead_id,
        lead_name: r.lead_name,
        member_count: r.member_count,
    };
    records::put(conn, RecordKind::Community, id, &Audience::public(), &c).await
}

/// Writes the public `community_event` record of every event of community `id`.
pub async fn publish_events(conn: &mut AnyConnection, id: &str) -> Result<()> {
    let (province,): (String,) = sqlx::query_as("SELECT province FROM communities WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT id, title, starts_at, place, link, speaker FROM community_events
         WHERE community_id = $1 ORDER BY starts_at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for e in events {
        let record = CommunityEventRecord {
            community_id: id.to_owned(),
            event: to_event(e, local_offset(&province))?,
        };
        records::put(
            conn,
            RecordKind::CommunityEvent,
            &record.event.id.clone(),
            &Audience::public(),
            &record,
        )
        .await?;
    }
    Ok(())
}

fn to_event(e: EventRow, offset: time::UtcOffset) -> Result<CommunityEvent> {
    Ok(CommunityEvent {
        id: e.id,
        title: e.title,
        starts_at: rfc3339(e.starts_at, offset)?,
        place: e.place,
        link: e.link,
        speaker: e.speaker,
    })
}

fn not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Komunitas tidak ditemukan.")
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    title: String,
    starts_at: i64,
    place: Option<String>,
    link: Option<String>,
    speaker: Option<String>,
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
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT id, title, starts_at, place, link, speaker FROM community_events
         WHERE community_id = $1 AND starts_at >= $2 ORDER BY starts_at, id",
    )
    .bind(id)
    .bind(now_unix())
    .fetch_all(&state.db.pool)
    .await?;
    let offset = local_offset(&summary.province);
    let upcoming_events = events.into_iter().map(|e| to_event(e, offset)).collect::<Result<Vec<_>>>()?;
    Ok(CommunityDetail { summary: summary.into(), description, lead_name, upcoming_events })
}

/// The offset of a province's time zone ([`penggerak_types::zone::Zone`]).
fn local_offset(province: &str) -> time::UtcOffset {
    let hours = penggerak_types::zone::Zone::of_province(province).hours() as i8;
    time::UtcOffset::from_hms(hours, 0, 0).expect("a whole-hour offset is valid")
}

fn rfc3339(unix: i64, offset: time::UtcOffset) -> Result<String> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|e| ServerError::Internal(e.into()))?
        .to_offset(offset)
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ServerError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_carry_the_local_zone() {
        assert_eq!(rfc3339(0, local_offset("DI Yogyakarta")).unwrap(), "1970-01-01T07:00:00+07:00", "WIB");
        assert_eq!(rfc3339(0, local_offset("Bali")).unwrap(), "1970-01-01T08:00:00+08:00", "WITA");
        assert_eq!(rfc3339(0, local_offset("Papua")).unwrap(), "1970-01-01T09:00:00+09:00", "WIT");
    }
}
