//! `Idempotency-Key`: every mutating request outside `/auth/` carries a UUID the client picked once for
//! that change. The first request with a key runs and its answer is stored; a retry with the same key
//! gets the stored answer (marked `Idempotent-Replayed: true`) without running again. The same key with a
//! different request is `422`; a retry while the first is still running is `409 in_progress` (not an
//! answer about the change: send again later); no key is `400`.
//!
//! Keys are scoped per user. The claim is one `INSERT … ON CONFLICT DO NOTHING`, so concurrent retries
//! of one key produce one effect. Answers are stored for 2xx and 4xx; a 5xx releases the claim instead,
//! because a server failure is not an answer about the change and the retry deserves a real attempt. So
//! does a conflict carrying the server's copy (`409` with `current`): nothing changed, a retry deserves the
//! copy as it is then, and kept for a month each such answer (up to a whole plan, ~0.5 MB, for a request
//! of a few bytes with a stale version) would let one client fill the database at megabytes a second.
//! Rows are kept at least 30 days ([`RETENTION`]): devices stay offline for days. Answers are kept whole
//! for as long: a device offline for days retries a change whose answer it lost before it pulls, and moves
//! the edits it queued after that change onto the versions the answer names (a "done" naming no records
//! would leave them on the old versions, to be refused as conflicts with her own edit).
//!
//! What one user's changes make the database keep is bounded: [`CHANGES_PER_DAY`] keyed changes a day (one
//! more is `429 rate_limited`, and the app sends it later), and [`KEPT_BYTES_PER_DAY`] of answers kept
//! whole (past them an answer is kept as "done", below).
//!
//! Only the matched route decides (`MatchedPath`): the sign-in routes under `/auth/` pass through, a path
//! that merely contains `/auth/` does not. No more of a body than the route's limit
//! ([`crate::Transport::body_limit`]) is ever kept. A running request renews its claim every
//! [`crate::Transport::claim_heartbeat`], so only a claim not renewed for
//! [`crate::Transport::stale_claim`] (its server died) is taken over. An answer larger than
//! [`crate::Transport::max_stored_response`] still goes whole to the client, but what is kept for a replay
//! is "done" (a 2xx `{"records": []}`: the next sync brings the records; a refusal as `{code, message}`).

use crate::auth::{now_unix, AuthUser};
use crate::error::{body_read_error, code_for_status, message_for, too_large, ServerError};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use penggerak_types::api::{API_PREFIX, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
use penggerak_types::{ApiError, ErrorCode, Reason};
use sha2::{Digest, Sha256};

/// Uploads of one user received at once: each is held whole in memory until it is stored (up to
/// [`MAX_BODY`]), so without a bound one account could hold gigabytes of the server's memory with uploads
/// sent slowly. One more is answered `503 server_busy` (the app sends it again later).
pub const UPLOADS_PER_USER: usize = 2;

/// Keyed changes one user may make in a UTC day: far more than a teacher or a principal makes (a month's
/// queue sent at once is a few hundred). Each key is kept for [`RETENTION`], so without a bound one account
/// could grow the database without end. One more is answered `429 rate_limited`: the app waits and sends
/// it later, nothing lost. A retry of a change already answered is replayed whatever the count.
pub const CHANGES_PER_DAY: u32 = 3_000;
/// Bytes of answers kept for replay per user per UTC day; past them an answer is kept as "done" (as one
/// larger than [`crate::Transport::max_stored_response`] is). A performance plan's answer is a few tens of
/// kilobytes (a principal's approval answers the whole plan), a padded one half a megabyte: this is
/// hundreds of real decisions on a deadline day, and a bound on what one account's edits can make the
/// database keep for a month.
pub const KEPT_BYTES_PER_DAY: usize = 16 * 1024 * 1024;

/// How long a key and its answer are kept.
pub const RETENTION: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);
/// Deletes the keys made before `$1` ([`expire`]).
pub const EXPIRE: &str = "DELETE FROM idempotency_keys WHERE created_at < $1";
/// Deletes the change counts of the days before `$1` (today, [`expire`]).
pub const EXPIRE_DAYS: &str = "DELETE FROM change_days WHERE day < $1";
/// The largest upload body (evidence uploads are up to 10 MB): the default of
/// [`crate::Transport::max_upload_body`].
pub const MAX_BODY: usize = 11 * 1024 * 1024;

fn is_mutating(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The middleware. Requests it does not concern (reads, sign-in routes, unauthenticated calls, which
/// the handler answers with 401) pass through untouched.
///
/// A keyed change's work runs in its own task: when the client goes away mid-request (a phone losing
/// signal), hyper drops this future, and without the task the claim would stay unanswered and block every
/// retry; the places it took in the in-flight limits go with it ([`crate::in_flight::Held`]). Only a keyed
/// change: anything else runs in the request itself, so a client that hangs up ends its work.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let keyed = is_mutating(req.method())
        && req.headers().contains_key(IDEMPOTENCY_KEY)
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|m| !m.as_str().starts_with(&format!("{API_PREFIX}/auth/")));
    if !keyed {
        // No key on a change is answered 400 by `run` (after the caller is known): run here, not detached.
        return match run(state, req, next).await {
            Ok(resp) => resp,
            Err(e) => e.into_response(),
        };
    }
    // Its places in the in-flight limits go with it: given back when the work ends, not when the client
    // leaves, or a client hanging up at once would have any number of changes at work.
    let mut req = req;
    let held = crate::in_flight::Held::take(&mut req);
    let work = tokio::spawn(async move {
        let _held = held;
        match run(state, req, next).await {
            Ok(resp) => resp,
            Err(e) => e.into_response(),
        }
    });
    match work.await {
        Ok(resp) => resp,
        Err(e) => ServerError::Internal(anyhow::anyhow!("request task failed: {e}")).into_response(),
    }
}

async fn run(state: AppState, req: Request, next: Next) -> Result<Response, ServerError> {
    // The route as matched, not the path as sent: a community whose id is "auth" is no sign-in route.
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let Some(matched) = matched else {
        return Ok(next.run(req).await); // no route: the fallback answers 404
    };
    if !is_mutating(req.method()) || matched.starts_with(&format!("{API_PREFIX}/auth/")) {
        return Ok(next.run(req).await);
    }
    let (mut parts, body) = req.into_parts();
    let Ok(user) = AuthUser::from_request_parts(&mut parts, &state).await else {
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    let key = parts
        .headers
        .get(IDEMPOTENCY_KEY)
        .ok_or_else(|| {
            ServerError::new(
                ErrorCode::BadRequest,
                "Header Idempotency-Key (UUID) wajib untuk perubahan data.",
            )
        })?
        .to_str()
        .ok()
        .and_then(|k| uuid::Uuid::parse_str(k.trim()).ok())
        .ok_or_else(|| ServerError::new(ErrorCode::BadRequest, "Idempotency-Key harus berupa UUID."))?
        .hyphenated()
        .to_string();
    // An upload takes one of its user's turns before a byte of it is read (held until it is answered).
    // (An upload is the route's PUT: removing evidence, its DELETE, sends no file.)
    let _turn = if parts.method == Method::PUT && crate::Transport::is_upload(Some(&matched)) {
        let turn = state.uploads.take(user.user_id.clone(), UPLOADS_PER_USER);
        if turn.is_none() {
            return Err(ServerError::new(ErrorCode::ServerBusy, message_for(ErrorCode::ServerBusy)));
        }
        turn
    } else {
        None
    };
    // The route's own limit, before anything is buffered: a JSON route never has an upload's worth kept.
    let limit = state.config.transport.body_limit(Some(&matched));
    let bytes = read_body(body, limit).await?;
    let fingerprint = {
        let mut h = Sha256::new();
        h.update(parts.method.as_str().as_bytes());
        h.update(b" ");
        h.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("").as_bytes());
        h.update(b"\n");
        h.update(&bytes);
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };

    if !claim(&state, &user.user_id, &key, &fingerprint).await? {
        return replay(&state, &user.user_id, &key, &fingerprint).await;
    }
    // The key is claimed: whatever happens before the work runs, it is given back (else every retry would
    // hear `in_progress` until the claim went stale).
    match count_a_change(&state, &user.user_id).await {
        Ok(made) if made <= i64::from(state.config.transport.changes_per_day) => {}
        Ok(_) => {
            release(&state, &user.user_id, &key).await?;
            return Ok(over_the_days_changes(state.config.transport.changes_per_day));
        }
        Err(e) => {
            release(&state, &user.user_id, &key).await?;
            return Err(e);
        }
    }

    let work = next.run(Request::from_parts(parts, Body::from(bytes)));
    let resp = renewing(&state, &user.user_id, &key, work).await;
    let (resp_parts, resp_body) = resp.into_parts();
    let kept = read_bounded(resp_body, state.config.transport.max_stored_response)
        .await
        .map_err(|e| ServerError::Internal(anyhow::anyhow!("response body: {e}")))?;
    if resp_parts.status.is_server_error() || carries_a_copy(resp_parts.status, &kept) {
        release(&state, &user.user_id, &key).await?;
    } else {
        let within_the_day = match &kept {
            Bounded::Whole(bytes) => keep_bytes(&state, &user.user_id, bytes.len()).await,
            Bounded::Over { .. } => false,
        };
        let stored = match &kept {
            Bounded::Whole(bytes) if within_the_day => String::from_utf8_lossy(bytes).into_owned(),
            _ => too_large_to_keep(resp_parts.status),
        };
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND idem_key = $4",
        )
        .bind(i64::from(resp_parts.status.as_u16()))
        .bind(stored)
        .bind(&user.user_id)
        .bind(&key)
        .execute(&state.db.pool)
        .await?;
    }
    let body = match kept {
        Bounded::Whole(bytes) => Body::from(bytes),
        Bounded::Over { read, rest } => Body::from_stream(
            futures_util::stream::once(std::future::ready(Ok::<_, axum::Error>(read)))
                .chain(rest.into_data_stream()),
        ),
    };
    Ok(Response::from_parts(resp_parts, body))
}

/// Gives the key up: the change did not happen (or changed nothing), and a retry deserves a real attempt.
async fn release(state: &AppState, user_id: &str, key: &str) -> Result<(), ServerError> {
    sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
        .bind(user_id)
        .bind(key)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Counts one more change in `user_id`'s day (UTC) and returns how many it has made: one upsert, so
/// concurrent changes on any instance are counted one after the other. Its row then holds the day's kept
/// bytes too ([`keep_bytes`]).
async fn count_a_change(state: &AppState, user_id: &str) -> Result<i64, ServerError> {
    let (made,): (i64,) = sqlx::query_as(
        "INSERT INTO change_days (day, user_id, changes, kept_bytes) VALUES ($1, $2, 1, 0)
         ON CONFLICT (day, user_id) DO UPDATE SET changes = change_days.changes + 1
         RETURNING changes",
    )
    .bind(today())
    .bind(user_id)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(made)
}

/// Whether an answer of `bytes` fits in what `user_id`'s day may keep, counting it if it does (one
/// conditional update: an answer that does not fit takes nothing from the answers after it). The change is
/// applied by now: a failure here is logged and the answer kept as "done", never a reason to fail it.
async fn keep_bytes(state: &AppState, user_id: &str, bytes: usize) -> bool {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let most = i64::try_from(state.config.transport.kept_bytes_per_day).unwrap_or(i64::MAX);
    let counted = sqlx::query(
        "UPDATE change_days SET kept_bytes = kept_bytes + $1
         WHERE day = $2 AND user_id = $3 AND kept_bytes + $1 <= $4",
    )
    .bind(bytes)
    .bind(today())
    .bind(user_id)
    .bind(most)
    .execute(&state.db.pool)
    .await;
    match counted {
        Ok(done) => done.rows_affected() == 1,
        Err(e) => {
            tracing::warn!(error = %e, "counting an answer's bytes failed; it is kept as done");
            false
        }
    }
}

/// `429 rate_limited` for a change past the day's count, with `Retry-After` until the next UTC day.
fn over_the_days_changes(max: u32) -> Response {
    const DAY: i64 = 24 * 60 * 60;
    let until_tomorrow = (today() + 1) * DAY - now_unix();
    let body = ApiError::refused(ErrorCode::RateLimited, Reason::ChangesPerDay { max });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, until_tomorrow.max(1).to_string())],
        axum::Json(body),
    )
        .into_response()
}

/// Today's number, in UTC days since 1970.
fn today() -> i64 {
    now_unix().div_euclid(24 * 60 * 60)
}

/// Whether an answer is a conflict carrying the server's copy of the record (`current`), which is not kept.
fn carries_a_copy(status: StatusCode, answer: &Bounded) -> bool {
    status == StatusCode::CONFLICT
        && match answer {
            Bounded::Whole(bytes) => {
                serde_json::from_slice::<ApiError>(bytes).is_ok_and(|e| e.current.is_some())
            }
            // Too large to keep whole: only a conflict's copy makes a refusal that large.
            Bounded::Over { .. } => true,
        }
}

/// The request body, kept only up to `limit`. A body over it is read to its end and dropped as it comes
/// (never kept; the global cap of [`crate::Transport::hard_body_cap`] and the timeouts still bound it), so
/// that the client, which is still sending, can hear the `413` instead of a reset connection.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, ServerError> {
    let mut kept = Vec::new();
    let mut over = false;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let (Ok(data), false) = (frame.into_data(), over) {
                    if kept.len() + data.len() > limit {
                        over = true;
                        kept = Vec::new();
                    } else {
                        kept.extend_from_slice(&data);
                    }
                }
            }
            Err(_) if over => break, // past the global cap or too slow: 413 all the same
            Err(e) => return Err(body_read_error(&e, Some(limit))),
        }
    }
    if over {
        return Err(too_large(Some(limit)));
    }
    Ok(kept.into())
}

/// Takes the key for this request: one `INSERT … ON CONFLICT DO NOTHING`, after removing a claim left
/// unanswered and not renewed for [`crate::Transport::stale_claim`] (its request died with its server
/// process). False when another request holds the key or has answered it.
async fn claim(state: &AppState, user_id: &str, key: &str, fingerprint: &str) -> Result<bool, ServerError> {
    let stale = state.config.transport.stale_claim.as_secs() as i64;
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL AND created_at < $3",
    )
    .bind(user_id)
    .bind(key)
    .bind(now_unix() - stale)
    .execute(&state.db.pool)
    .await?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(fingerprint)
    .bind(now_unix())
    .execute(&state.db.pool)
    .await?
    .rows_affected()
        == 1;
    Ok(claimed)
}

/// Runs `work` while renewing its claim every [`crate::Transport::claim_heartbeat`], so that a request that
/// runs longer than the stale-claim age is not taken for dead and run a second time by a retry.
async fn renewing<F: std::future::Future>(state: &AppState, user_id: &str, key: &str, work: F) -> F::Output {
    let every = state.config.transport.claim_heartbeat;
    let heartbeat = async {
        loop {
            tokio::time::sleep(every).await;
            let renewed = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND idem_key = $3 AND status IS NULL",
            )
            .bind(now_unix())
            .bind(user_id)
            .bind(key)
            .execute(&state.db.pool)
            .await;
            if let Err(e) = renewed {
                tracing::warn!(error = %e, "renewing an idempotency claim failed");
            }
        }
    };
    tokio::pin!(work);
    tokio::select! {
        out = &mut work => out,
        never = heartbeat => never,
    }
}

/// A response body read up to a limit: whole, or the part read so far and the rest still to come.
enum Bounded {
    Whole(Bytes),
    Over { read: Bytes, rest: Body },
}

async fn read_bounded(mut body: Body, limit: usize) -> Result<Bounded, axum::Error> {
    let mut read = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            read.extend_from_slice(&data);
            if read.len() > limit {
                return Ok(Bounded::Over { read: read.into(), rest: body });
            }
        }
    }
    Ok(Bounded::Whole(read.into()))
}

/// What is kept for a replay when the answer was larger than [`crate::Transport::max_stored_response`]:
/// the change is applied by then, so the retry must hear "done", not run it again. A success is kept as a
/// `Changed` naming no records (the next `/sync` brings them); a refusal as `{code, message}` of its status.
fn too_large_to_keep(status: StatusCode) -> String {
    let body = if status.is_success() {
        serde_json::json!({ "records": [] })
    } else {
        let code = code_for_status(status);
        serde_json::to_value(ApiError::new(code, message_for(code))).unwrap_or_default()
    };
    body.to_string()
}

async fn replay(
    state: &AppState,
    user_id: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Response, ServerError> {
    let row: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT fingerprint, status, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some((stored, status, response)) = row else {
        // The first attempt failed with a 5xx and released the key in between: ask for a retry.
        return Err(ServerError::new(
            ErrorCode::InProgress,
            "Permintaan ini sedang diproses ulang. Coba lagi.",
        ));
    };
    if stored != fingerprint {
        return Err(ServerError::new(
            ErrorCode::Validation,
            "Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda.",
        ));
    }
    let (Some(status), Some(body)) = (status, response) else {
        return Err(ServerError::new(ErrorCode::InProgress, "Permintaan dengan kunci ini masih diproses."));
    };
    let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
    let mut resp = (status, body).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    Ok(resp)
}

/// Deletes keys older than [`RETENTION`], found by their age's index (migration 0016; each hourly run
/// reads only the expired keys, never the whole table), and the change counts of the days before today.
/// Returns how many keys went.
pub async fn expire(state: &AppState) -> Result<u64, ServerError> {
    let done =
        sqlx::query(EXPIRE).bind(now_unix() - RETENTION.as_secs() as i64).execute(&state.db.pool).await?;
    // The days' counts before today are done with (at most one row per user and day).
    sqlx::query(EXPIRE_DAYS).bind(today()).execute(&state.db.pool).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Db};
    use std::time::Duration;

    /// A change that runs past the stale-claim age while its client retries: the retry must wait for
    /// the running attempt (409 `in_progress`), never take its claim over and apply the change again.
    #[tokio::test]
    async fn a_running_claim_is_renewed_so_no_retry_takes_it_over() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_file(&dir.path().join("claims.sqlite")).await.unwrap();
        let mut config = Config::default();
        config.transport.stale_claim = Duration::from_secs(2);
        config.transport.claim_heartbeat = Duration::from_millis(200);
        let state = AppState::new(db, config);
        assert!(claim(&state, "u1", "k1", "f").await.unwrap(), "a fresh key is claimed");
        // The first attempt runs for three times the stale age; a retry comes every 250 ms.
        let first = renewing(&state, "u1", "k1", tokio::time::sleep(Duration::from_secs(6)));
        let retries = async {
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                if claim(&state, "u1", "k1", "f").await.unwrap() {
                    return;
                }
            }
        };
        tokio::select! {
            () = first => {}
            () = retries => panic!("a retry took over the claim of an attempt still running: it would run twice"),
        }
    }
}
