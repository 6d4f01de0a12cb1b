//! `/communities`: list with search and filters, one community with its upcoming events, join, leave.
//! Community data is visible to every signed-in user; membership changes only the caller's own.

use crate::auth::{now_unix, AuthUser};
use crate::error::{Result, ServerError};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use penggerak_types::api::{CommunityDetail, CommunityEvent, CommunityQuery, CommunitySummary};
use penggerak_types::ErrorCode;

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

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(query): Query<CommunityQuery>,
) -> Result<Json<Vec<CommunitySummary>>> {
    let pattern = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("%{}%", q.to_lowercase()))
        .unwrap_or_default();
    let exact = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM communities c
         WHERE ($2 = '' OR lower(c.name) LIKE $2 OR lower(c.description) LIKE $2 OR lower(c.topic) LIKE $2)
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

pub async fn detail(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<CommunityDetail>> {
    Ok(Json(load_detail(&state, &user.user_id, &id).await?))
}

pub async fn join(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<CommunityDetail>> {
    load_detail(&state, &user.user_id, &id).await?; // 404 for an unknown community
    sqlx::query(
        "INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3)
         ON CONFLICT (community_id, user_id) DO NOTHING",
    )
    .bind(&id)
    .bind(&user.user_id)
    .bind(now_unix())
    .execute(&state.db.pool)
    .await?;
    Ok(Json(load_detail(&state, &user.user_id, &id).await?))
}

pub async fn leave(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<CommunityDetail>> {
    let lead: Option<(String,)> = sqlx::query_as("SELECT lead_id FROM communities WHERE id = $1")
        .bind(&id)
        .fetch_optional(&state.db.pool)
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
    sqlx::query("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&user.user_id)
        .execute(&state.db.pool)
        .await?;
    Ok(Json(load_detail(&state, &user.user_id, &id).await?))
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
    let upcoming_events = events
        .into_iter()
        .map(|e| {
            Ok(CommunityEvent {
                id: e.id,
                title: e.title,
                starts_at: rfc3339(e.starts_at, offset)?,
                place: e.place,
                link: e.link,
                speaker: e.speaker,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CommunityDetail { summary: summary.into(), description, lead_name, upcoming_events })
}

/// Indonesia's three time zones: WIB (+7), WITA (+8), WIT (+9), by province.
fn local_offset(province: &str) -> time::UtcOffset {
    const WITA: &[&str] = &[
        "Bali",
        "Nusa Tenggara Barat",
        "Nusa Tenggara Timur",
        "Kalimantan Selatan",
        "Kalimantan Timur",
        "Kalimantan Utara",
        "Sulawesi Utara",
        "Sulawesi Tengah",
        "Sulawesi Selatan",
        "Sulawesi Tenggara",
        "Sulawesi Barat",
        "Gorontalo",
    ];
    const WIT: &[&str] = &[
        "Maluku",
        "Maluku Utara",
        "Papua",
        "Papua Barat",
        "Papua Selatan",
        "Papua Tengah",
        "Papua Pegunungan",
        "Papua Barat Daya",
    ];
    let hours = if WITA.contains(&province) {
        8
    } else if WIT.contains(&province) {
        9
    } else {
        7
    };
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
