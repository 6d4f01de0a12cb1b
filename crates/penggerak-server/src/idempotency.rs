//! `Idempotency-Key`: every mutating request outside `/auth/` carries a UUID the client picked once for
//! that change. The first request with a key runs and its answer is stored; a retry with the same key
//! gets the stored answer (marked `Idempotent-Replayed: true`) without running again. The same key with a
//! different request is `422`; a retry while the first is still running is `409 in_progress` (not an
//! answer about the change: send again later); no key is `400`.
//!
//! Keys are scoped per user. The claim is one `INSERT … ON CONFLICT DO NOTHING`, so concurrent retries
//! of one key produce one effect. Answers are stored for 2xx and 4xx; a 5xx releases the claim instead,
//! because a server failure is not an answer about the change and the retry deserves a real attempt.
//! Rows are kept at least 30 days ([`RETENTION`]): devices stay offline for days.

use crate::auth::{now_unix, AuthUser};
use crate::error::ServerError;
use crate::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use penggerak_types::api::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};
use penggerak_types::ErrorCode;
use sha2::{Digest, Sha256};

/// How long a key and its answer are kept.
pub const RETENTION: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);
/// The largest request body the layer buffers (evidence uploads are up to 10 MB; routes set their own,
/// lower limits) and the largest response it stores.
pub const MAX_BODY: usize = 11 * 1024 * 1024;

fn is_mutating(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The middleware. Requests it does not concern (reads, sign-in routes, unauthenticated calls, which
/// the handler answers with 401) pass through untouched.
///
/// The work runs in its own task: when the client goes away mid-request (a phone losing signal), hyper
/// drops this future, and without the task the claim would stay unanswered and block every retry.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let work = tokio::spawn(async move {
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

/// A claim without an answer older than this belongs to a request that died with its server process:
/// a retry may take it over.
const STALE_CLAIM: i64 = 120;

async fn run(state: AppState, req: Request, next: Next) -> Result<Response, ServerError> {
    if !is_mutating(req.method()) || req.uri().path().contains("/auth/") {
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
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            ServerError::new(ErrorCode::PayloadTooLarge, "Isi permintaan terlalu besar (paling besar 11 MB).")
        } else {
            ServerError::new(ErrorCode::BadRequest, "Isi permintaan tidak terbaca.")
        }
    })?;
    let fingerprint = {
        let mut h = Sha256::new();
        h.update(parts.method.as_str().as_bytes());
        h.update(b" ");
        h.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("").as_bytes());
        h.update(b"\n");
        h.update(&bytes);
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };

    // A claim left unanswered by a server that died mid-request would block the key forever.
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL AND created_at < $3",
    )
    .bind(&user.user_id)
    .bind(&key)
    .bind(now_unix() - STALE_CLAIM)
    .execute(&state.db.pool)
    .await?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(&user.user_id)
    .bind(&key)
    .bind(&fingerprint)
    .bind(now_unix())
    .execute(&state.db.pool)
    .await?
    .rows_affected()
        == 1;

    if !claimed {
        return replay(&state, &user.user_id, &key, &fingerprint).await;
    }

    let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let (resp_parts, resp_body) = resp.into_parts();
    let resp_bytes = to_bytes(resp_body, MAX_BODY)
        .await
        .map_err(|e| ServerError::Internal(anyhow::anyhow!("response body: {e}")))?;
    if resp_parts.status.is_server_error() {
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
            .bind(&user.user_id)
            .bind(&key)
            .execute(&state.db.pool)
            .await?;
    } else {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND idem_key = $4",
        )
        .bind(i64::from(resp_parts.status.as_u16()))
        .bind(String::from_utf8_lossy(&resp_bytes).into_owned())
        .bind(&user.user_id)
        .bind(&key)
        .execute(&state.db.pool)
        .await?;
    }
    Ok(Response::from_parts(resp_parts, Body::from(resp_bytes)))
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

/// Deletes keys older than [`RETENTION`]. Returns how many went.
pub async fn expire(state: &AppState) -> Result<u64, ServerError> {
    let cutoff = now_unix() - RETENTION.as_secs() as i64;
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(cutoff)
        .execute(&state.db.pool)
        .await?;
    Ok(done.rows_affected())
}
