//! Learning communities: membership (join, leave) and the records the tables publish: each community
//! (public, with its member count), each of its events (public, in the community's local time) and each
//! membership (the member's only). Communities and events themselves come from the seed.

use super::transaction;
use crate::auth::now_unix;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience};
use crate::Db;
use penggerak_types::api::{Community, CommunityEvent, CommunityEventRecord, Membership};
use penggerak_types::{Changed, ErrorCode, RecordKind, SyncRecord};
use sqlx::AnyConnection;

/// `user_id` joins community `id` (joining twice changes nothing): the membership and the community.
pub async fn join(db: &Db, user_id: &str, id: &str) -> Result<Changed> {
    transaction(db, async |tx| {
        lead_of(tx, id).await?;
        let joined_at = now_unix();
        let inserted = sqlx::query(
            "INSERT INTO community_members (community_id, user_id, joined_at) VALUES ($1, $2, $3)
             ON CONFLICT (community_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(user_id)
        .bind(joined_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            Ok(vec![publish_membership(tx, id, user_id, joined_at).await?, publish(tx, id).await?])
        } else {
            current_pair(tx, id, user_id).await
        }
    })
    .await
}

/// `user_id` leaves community `id` (leaving when not a member changes nothing); the lead cannot. The
/// membership's tombstone and the community.
pub async fn leave(db: &Db, user_id: &str, id: &str) -> Result<Changed> {
    transaction(db, async |tx| {
        if lead_of(tx, id).await? == user_id {
            return Err(ServerError::Api(penggerak_types::ApiError::refused(
                ErrorCode::Conflict,
                penggerak_types::Reason::LeadCannotLeave,
            )));
        }
        let removed = sqlx::query("DELETE FROM community_members WHERE community_id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 1 {
            let gone = records::delete(tx, RecordKind::Membership, &membership_id(id, user_id))
                .await?
                .ok_or_else(|| ServerError::Internal(anyhow::anyhow!("membership {id} had no record")))?;
            Ok(vec![gone, publish(tx, id).await?])
        } else {
            current_pair(tx, id, user_id).await
        }
    })
    .await
}

/// The lead of community `id`, or `404` when there is no such community.
async fn lead_of(conn: &mut AnyConnection, id: &str) -> Result<String> {
    let lead: Option<(String,)> =
        sqlx::query_as("SELECT lead_id FROM communities WHERE id = $1").bind(id).fetch_optional(conn).await?;
    lead.map(|(lead,)| lead).ok_or_else(not_found)
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

pub(crate) fn to_event(e: EventRow, offset: time::UtcOffset) -> Result<CommunityEvent> {
    Ok(CommunityEvent {
        id: e.id,
        title: e.title,
        starts_at: rfc3339(e.starts_at, offset)?,
        place: e.place,
        link: e.link,
        speaker: e.speaker,
    })
}

pub(crate) fn not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Komunitas tidak ditemukan.")
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: String,
    title: String,
    starts_at: i64,
    place: Option<String>,
    link: Option<String>,
    speaker: Option<String>,
}

/// The offset of a province's time zone ([`penggerak_types::zone::Zone`]).
pub(crate) fn local_offset(province: &str) -> time::UtcOffset {
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
