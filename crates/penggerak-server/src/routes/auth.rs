//! `/auth/login`, `/auth/refresh`, `/auth/logout`. Sign-in attempts pass the per-address and per-account
//! limits of [`crate::limits`] before any password is checked.

use super::ApiJson;
use crate::error::{Result, ServerError};
use crate::limits::AccountKey;
use crate::{auth, AppState};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use penggerak_types::api::{LoginRequest, LoginResponse, RefreshRequest};
use penggerak_types::{ApiError, ErrorCode};
use std::net::SocketAddr;
use std::time::Instant;

/// Signs in with a NUPTK, NIP or e-mail address and a password; starts a new session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in: a new token pair and the user's profile", body = LoginResponse),
        (status = 400, description = "`bad_request`: the body is not a JSON `LoginRequest`", body = ApiError),
        (status = 401, description = "`invalid_credentials`: unknown identifier or wrong password", body = ApiError),
        (status = 422, description = "`validation`: identifier or password is empty", body = ApiError),
        (status = 429, description = "`rate_limited`: too many failed sign-ins for this account, or too many \
            attempts from this address", body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed"))),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let now = Instant::now();
    state.limits.login_from(client.ip(), now)?;
    if req.identifier.trim().is_empty() || req.password.is_empty() {
        return Err(ServerError::new(ErrorCode::Validation, "Isi NUPTK/NIP/email dan kata sandi."));
    }
    let account = auth::find_account(&state, &req.identifier).await?;
    // One account has up to three identifiers: count against the user, not the spelling used.
    let key = match &account {
        Some(a) => AccountKey::User(a.user_id.clone()),
        None => AccountKey::unknown(&req.identifier),
    };
    state.limits.login_to(&key, now)?;
    let user_id = auth::check_password(account.as_ref(), &req.password).await?;
    state.limits.login_succeeded(&key);
    let tokens = auth::start_session(&state, &user_id).await?;
    let profile = crate::people::load_profile(&mut *state.db.pool.acquire().await?, &user_id).await?;
    Ok(Json(LoginResponse { tokens, profile }))
}

/// Spends a refresh token for a new token pair in the same session. Reusing a spent refresh token revokes
/// the whole session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair (the old refresh token is now spent) and the profile",
            body = LoginResponse),
        (status = 400, description = "`bad_request`: the body is not a JSON `RefreshRequest`", body = ApiError),
        (status = 401, description = "`session_expired`: the refresh token is unknown, expired, spent or \
            revoked; sign in again", body = ApiError),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<LoginResponse>> {
    let (tokens, user_id) = auth::rotate(&state, &req.refresh_token).await?;
    let profile = crate::people::load_profile(&mut *state.db.pool.acquire().await?, &user_id).await?;
    Ok(Json(LoginResponse { tokens, profile }))
}

/// Signs out: revokes the session of the refresh token. Idempotent: unknown tokens are accepted.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session is revoked (or never existed)"),
        (status = 400, description = "`bad_request`: the body is not a JSON `RefreshRequest`", body = ApiError),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<StatusCode> {
    auth::revoke(&state, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}
