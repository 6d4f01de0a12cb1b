//! `GET /sync`: the delta feed. Every record visible to the caller that changed after the cursor, oldest
//! first, in pages; `ETag` + `If-None-Match` → `304` when nothing changed, so a no-change sync costs one
//! small request.
//!
//! The cursor is `<place>.<scope>`, or `<place>.<scope>.<left>` after a page with more to come: the place
//! in the feed of the last change sent (`<seq>`, or `<tx>_<seq>` where the change's transaction is
//! numbered, see `records`), a hash of what the caller may see (user, role, school), and how many changes
//! were still to come after it. When the scope changed (a teacher became principal, moved school) the old
//! cursor no longer fits, and the answer is a full sync marked `reset`.
//!
//! A page's `remaining` is counted once, when a sync starts (a cursor without `left`), and carried in the
//! cursor from page to page less what each page sent; it is counted again only when it runs out while
//! more is still to come (changes made during the sync). Counted on every page, a first sync of `n`
//! records in pages of `p` read `n²/2p` rows only to say how far it had come.

use super::ApiQuery;
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records::{self, Position};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode, SyncPage, SyncQuery};
use sha2::{Digest, Sha256};

use penggerak_types::limits::{self, SYNC_PAGE_RECORDS as DEFAULT_LIMIT, SYNC_PAGE_RECORDS_MAX as MAX_LIMIT};

/// Changes visible to the caller since `cursor`.
#[utoipa::path(
    get,
    path = route::SYNC,
    tag = "sync",
    security(("bearer" = [])),
    params(SyncQuery, ("If-None-Match" = Option<String>, Header, description = "The `ETag` of the previous answer")),
    responses(
        (status = 200, description = "The changed records and the next cursor", body = SyncPage,
            headers(("ETag" = String, description = "Send back as `If-None-Match` with the same cursor"))),
        (status = 304, description = "Nothing changed since the cursor"),
        (status = 400, description = "`bad_request`: `limit` out of range", body = ApiError),
    )
)]
pub async fn sync(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SyncQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ServerError::new(
            ErrorCode::BadRequest,
            format!("limit harus antara 1 dan {MAX_LIMIT}."),
        ));
    }
    if query.cursor.as_ref().is_some_and(|c| c.len() > limits::CURSOR) {
        return Err(ServerError::new(ErrorCode::BadRequest, "cursor tidak dikenali."));
    }
    let scope = scope(&caller);
    let (after, left, reset) = match query.cursor.as_deref().and_then(|c| parse_cursor(c, &scope)) {
        Some(Cursor { place, left }) => (place, left, false),
        None => (Position::default(), None, true),
    };
    let mut conn = state.db.pool.acquire().await?;
    crate::people::saw_sync(&mut conn, &caller.user_id, time::OffsetDateTime::now_utc().unix_timestamp())
        .await?;
    let (rows, more) = records::feed(
        &mut conn,
        after,
        &caller.user_id,
        caller.principal_of(),
        i64::from(limit),
        limits::SYNC_PAGE_BYTES,
    )
    .await?;
    let last = rows.last().map_or(after, |(place, _)| *place);
    let sent = rows.len() as u64;
    let remaining = match left {
        _ if !more => 0,
        Some(left) if left > sent => left - sent,
        _ => records::feed_count(&mut conn, after, last, &caller.user_id, caller.principal_of()).await?,
    };
    let cursor = match remaining {
        0 => format!("{}.{scope}", place_text(last)),
        left => format!("{}.{scope}.{left}", place_text(last)),
    };
    let page =
        SyncPage { records: rows.into_iter().map(|(_, r)| r).collect(), cursor, more, reset, remaining };
    // Same caller scope and same resulting cursor ⇒ same content: the ETag names both. A full sync (reset)
    // is never answered 304: the client asked for everything.
    let etag = format!("\"{}\"", page.cursor);
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ServerError::Internal(e.into()))?;
    if page.records.is_empty() && !reset && if_none_match(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }
    Ok(([(header::ETAG, etag_value)], Json(page)).into_response())
}

/// What the caller may see, hashed: changes when role, school or user change.
fn scope(caller: &Caller) -> String {
    let mut h = Sha256::new();
    h.update(caller.user_id.as_bytes());
    h.update(b"\0");
    h.update(format!("{:?}", caller.role).as_bytes());
    h.update(b"\0");
    h.update(caller.principal_of().unwrap_or("").as_bytes());
    h.finalize()[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// A place as the cursor writes it: `<seq>` when its transaction is not numbered (SQLite, and cursors from
/// before places had transactions, which stay valid), else `<tx>_<seq>`.
fn place_text(p: Position) -> String {
    if p.tx == 0 {
        p.seq.to_string()
    } else {
        format!("{}_{}", p.tx, p.seq)
    }
}

/// A cursor as the client sent it back: the place after which the feed is read, and how many changes were
/// still to come after it when it was answered (none after the last page of a sync).
#[derive(Debug, PartialEq, Eq)]
struct Cursor {
    place: Position,
    left: Option<u64>,
}

fn parse_cursor(cursor: &str, scope: &str) -> Option<Cursor> {
    let mut parts = cursor.split('.');
    let (place, s, left) = (parts.next()?, parts.next()?, parts.next());
    if s != scope || parts.next().is_some() {
        return None;
    }
    let (tx, seq) = match place.split_once('_') {
        Some((tx, seq)) => (tx.parse().ok()?, seq.parse().ok()?),
        None => (0, place.parse().ok()?),
    };
    let left = match left {
        Some(n) => Some(n.parse().ok().filter(|n| *n > 0)?),
        None => None,
    };
    (tx >= 0 && seq >= 0).then_some(Cursor { place: Position { tx, seq }, left })
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::api::Role;

    #[test]
    fn cursors_belong_to_one_scope() {
        let teacher = Caller { user_id: "u".into(), role: Role::Guru, school: Some("1".into()) };
        let principal = Caller { role: Role::KepalaSekolah, ..teacher.clone() };
        let (a, b) = (scope(&teacher), scope(&principal));
        assert_ne!(a, b, "becoming principal widens what the user sees, so the cursor must change");
        let at = |tx, seq| Some(Cursor { place: Position { tx, seq }, left: None });
        assert_eq!(parse_cursor(&format!("42.{a}"), &a), at(0, 42), "a place without a transaction");
        assert_eq!(parse_cursor(&format!("907_42.{a}"), &a), at(907, 42), "a place in transaction 907");
        assert_eq!(
            parse_cursor(&format!("{}.{a}", place_text(Position { tx: 907, seq: 42 })), &a),
            at(907, 42)
        );
        assert_eq!(place_text(Position { tx: 0, seq: 42 }), "42", "SQLite's cursors keep their old form");
        assert_eq!(parse_cursor(&format!("1_-3.{a}"), &a), None);
        assert_eq!(parse_cursor(&format!("1_2_3.{a}"), &a), None);
        assert_eq!(parse_cursor(&format!("42.{a}"), &b), None, "another scope's cursor means a full sync");
        assert_eq!(parse_cursor("garbage", &a), None);
        assert_eq!(parse_cursor(&format!("-3.{a}"), &a), None);
        assert_eq!(
            parse_cursor(&format!("907_42.{a}.1500"), &a),
            Some(Cursor { place: Position { tx: 907, seq: 42 }, left: Some(1500) }),
            "how many were still to come, as the last page said"
        );
        for bad in ["0", "-1", "x", "", "1.2"] {
            assert_eq!(parse_cursor(&format!("42.{a}.{bad}"), &a), None, "`{bad}` is no count");
        }
    }
}
