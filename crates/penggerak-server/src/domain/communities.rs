//! Learning communities: membership (join, leave) and the records the tables publish: each community
//! (public, with its member count), each of its events (public, in the community's local time) and each
//! membership (the member's only). Communities and events themselves come from the seed.

use super::transaction;
use crate::auth::now_unix;
use crate::error::{Result, ServerError};
use crate::records::{self, Audience};
use crate::Db;
use penggerak_types::api::{
    attendance_id, attendance_open, Attendance, Community, CommunityEvent, CommunityEventRecord, Membership,
};
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

/// `user_id` says they were at event `event_id` ("Saya hadir"; saying it twice changes nothing): the
/// attendance and the event with its new count. Only a member of the event's community may, and only
/// while [`attendance_open`] by the server's clock.
pub async fn attend(db: &Db, user_id: &str, event_id: &str) -> Result<Changed> {
    attendance(db, user_id, event_id, true).await
}

/// `user_id` takes back their "Saya hadir" at `event_id` (when not said, nothing changes), under the same
/// rules as saying it: the attendance's tombstone and the event.
pub async fn unattend(db: &Db, user_id: &str, event_id: &str) -> Result<Changed> {
    attendance(db, user_id, event_id, false).await
}

async fn attendance(db: &Db, user_id: &str, event_id: &str, attend: bool) -> Result<Changed> {
    transaction(db, async |tx| {
        let event: Option<(String, i64)> =
            sqlx::query_as("SELECT community_id, starts_at FROM community_events WHERE id = $1")
                .bind(event_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (community_id, starts_at) = event.ok_or_else(event_not_found)?;
        let member: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM community_members WHERE community_id = $1 AND user_id = $2")
                .bind(&community_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let refused =
            |reason| ServerError::Api(penggerak_types::ApiError::refused(ErrorCode::Conflict, reason));
        if member.is_none() {
            return Err(refused(penggerak_types::Reason::MembersOnly));
        }
        let now = now_unix();
        attendance_open(starts_at, now).map_err(refused)?;
        let id = attendance_id(event_id, user_id);
        let changed = if attend {
            sqlx::query(
                "INSERT INTO community_event_attendance (event_id, user_id, attended_at) VALUES ($1, $2, $3)
                 ON CONFLICT (event_id, user_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        } else {
            sqlx::query("DELETE FROM community_event_attendance WHERE event_id = $1 AND user_id = $2")
                .bind(event_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        };
        if changed == 0 {
            let mut out = Vec::new();
            out.extend(records::current(tx, RecordKind::Attendance, &id).await?);
            out.extend(records::current(tx, RecordKind::CommunityEvent, event_id).await?);
            return Ok(out);
        }
        let first = if attend {
            publish_attendance(tx, &community_id, event_id, user_id, now).await?
        } else {
            records::delete(tx, RecordKind::Attendance, &id)
                .await?
                .ok_or_else(|| ServerError::Internal(anyhow::anyhow!("attendance {id} had no record")))?
        };
        Ok(vec![first, publish_event(tx, &community_id, event_id).await?])
    })
    .await
}

/// Writes the `attendance` record of `user_id` at `event_id` (visible to the attendee only).
pub async fn publish_attendance(
    conn: &mut AnyConnection,
    community_id: &str,
    event_id: &str,
    user_id: &str,
    attended_at: i64,
) -> Result<SyncRecord> {
    let a = Attendance {
        event_id: event_id.to_owned(),
        community_id: community_id.to_owned(),
        user_id: user_id.to_owned(),
        attended_at: rfc3339(attended_at, time::UtcOffset::UTC)?,
    };
    records::put(
        conn,
        RecordKind::Attendance,
        &attendance_id(event_id, user_id),
        &Audience::private(user_id),
        &a,
    )
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

/// The columns of an [`EventRow`], events aliased `e`.
pub(crate) const EVENT_COLUMNS: &str = "e.id, e.title, e.starts_at, e.place, e.link, e.speaker,
    (SELECT COUNT(*) FROM community_event_attendance a WHERE a.event_id = e.id) AS attendee_count";

/// Writes the public `community_event` record of every event of community `id`.
pub async fn publish_events(conn: &mut AnyConnection, id: &str) -> Result<()> {
    let events: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM community_events e WHERE e.community_id = $1 ORDER BY e.starts_at, e.id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for e in events {
        put_event(conn, id, e).await?;
    }
    Ok(())
}

/// Writes the public `community_event` record of event `event_id` of community `community_id` (after a
/// change of who was there).
async fn publish_event(conn: &mut AnyConnection, community_id: &str, event_id: &str) -> Result<SyncRecord> {
    let e: EventRow =
        sqlx::query_as(&format!("SELECT {EVENT_COLUMNS} FROM community_events e WHERE e.id = $1"))
            .bind(event_id)
            .fetch_one(&mut *conn)
            .await?;
    put_event(conn, community_id, e).await
}

async fn put_event(conn: &mut AnyConnection, community_id: &str, e: EventRow) -> Result<SyncRecord> {
    let (province,): (String,) = sqlx::query_as("SELECT province FROM communities WHERE id = $1")
        .bind(community_id)
        .fetch_one(&mut *conn)
        .await?;
    let record = CommunityEventRecord {
        community_id: community_id.to_owned(),
        event: to_event(e, local_offset(&province))?,
    };
    records::put(conn, RecordKind::CommunityEvent, &record.event.id.clone(), &Audience::public(), &record)
        .await
}

pub(crate) fn to_event(e: EventRow, offset: time::UtcOffset) -> Result<CommunityEvent> {
    Ok(CommunityEvent {
        id: e.id,
        title: e.title,
        starts_at: rfc3339(e.starts_at, offset)?,
        place: e.place,
        link: e.link,
        speaker: e.speaker,
        attendee_count: e.attendee_count,
    })
}

pub(crate) fn not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Komunitas tidak ditemukan.")
}

fn event_not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Kegiatan komunitas tidak ditemukan.")
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: String,
    title: String,
    starts_at: i64,
    place: Option<String>,
    link: Option<String>,
    speaker: Option<String>,
    attendee_count: i64,
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
