//! `/auth/login`, `/auth/refresh`, `/auth/logout`. Sign-in attempts pass the per-address and per-account
//! (or per-known-device) limits of [`crate::limits`] before any password is checked; a successful sign-in
//! sets the device cookie. Answers that carry tokens say `Cache-Control: no-store`.

use super::ApiJson;
use crate::error::{Result, ServerError};
use crate::limits::{self, AccountKey};
use crate::{auth, AppState};
use axum::extract::{ConnectInfo, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use cookie::{Cookie, SameSite};
use penggerak_types::api::{LoginRequest, LoginResponse, RefreshRequest, DEVICE_COOKIE};
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode};
use std::net::SocketAddr;

/// Signs in with a NUPTK, NIP or e-mail address and a password; starts a new session.
#[utoipa::path(
    post,
    path = route::LOGIN,
    tag = "auth",
    request_body = LoginRequest,
    params(
        ("penggerak_device" = Option<String>, Cookie, description = "The device cookie this server set at an \
            earlier sign-in of the same account: a known device is limited on its own, so others guessing the \
            account's password do not keep it out"),
    ),
    responses(
        (status = 200, description = "Signed in: a new token pair and the user's profile", body = LoginResponse,
            headers(
                ("Cache-Control" = String, description = "`no-store`: the answer holds tokens"),
                ("Set-Cookie" = String, description = "`penggerak_device=…`: this device is now known for the \
                    account; send it with the next sign-in"),
            )),
        (status = 400, description = "`bad_request`: the body is not a JSON `LoginRequest`", body = ApiError),
        (status = 401, description = "`invalid_credentials`: unknown identifier or wrong password", body = ApiError),
        (status = 422, description = "`validation`: identifier or password is empty", body = ApiError),
        (status = 429, description = "`rate_limited`: after several failed sign-ins of this account (or of \
            this known device) each attempt must wait longer, or too many failed sign-ins came from this \
            address", body = ApiError,
            headers(("Retry-After" = u64, description = "Seconds until the next attempt may succeed"))),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<impl IntoResponse> {
    let now = limits::now_millis();
    if req.identifier.trim().is_empty() || req.password.is_empty() {
        return Err(ServerError::new(ErrorCode::Validation, "Isi NUPTK/NIP/email dan kata sandi."));
    }
    if !penggerak_types::limits::fits(&req.identifier, penggerak_types::limits::IDENTIFIER)
        || !penggerak_types::limits::fits(&req.password, penggerak_types::limits::PASSWORD)
    {
        return Err(ServerError::new(
            ErrorCode::Validation,
            format!(
                "NUPTK/NIP/email paling panjang {} karakter, kata sandi {} karakter.",
                penggerak_types::limits::IDENTIFIER,
                penggerak_types::limits::PASSWORD
            ),
        ));
    }
    let config = &state.config;
    let client =
        limits::client_address(peer.ip(), &headers, &config.trusted_proxies, config.forwarded_header);
    let account = auth::find_account(&state, &req.identifier).await?;
    let presented = device_cookie(&headers);
    let device = match (&account, &presented) {
        (Some(a), Some(token)) => auth::known_device(&state, &a.user_id, token).await?,
        _ => None,
    };
    // A known device has its own delays and no address limit; everyone else shares the account's delays
    // (one account has up to three identifiers: count against the user, not the spelling used) and the
    // address's failures.
    let key = match (&account, &device) {
        (_, Some(hash)) => AccountKey::Device(hash.clone()),
        (Some(a), None) => AccountKey::User(a.user_id.clone()),
        (None, None) => AccountKey::unknown(&req.identifier),
    };
    let counts_against_address = device.is_none();
    let (limits, db) = (&state.limits, &state.db);
    if counts_against_address {
        limits.login_from(db, client, now).await?;
    }
    if let Err(refused) = limits.login_to(db, &key, now).await {
        if counts_against_address {
            limits.login_from_succeeded(db, client, now).await?;
        }
        return Err(refused.into());
    }
    let user_id = auth::check_password(&state, account.as_ref(), &req.password).await?;
    limits.login_succeeded(db, &key).await?;
    if counts_against_address {
        limits.login_from_succeeded(db, client, now).await?;
    }
    let known = device.is_some().then_some(presented).flatten();
    let device_token = auth::remember_device(&state, &user_id, known.as_deref()).await?;
    let tokens = auth::start_session(&state, &user_id).await?;
    let profile = crate::people::load_profile(&mut *state.db.pool.acquire().await?, &user_id).await?;
    let cookie = Cookie::build((DEVICE_COOKIE, device_token))
        .path(route::LOGIN)
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(config.device_ttl.as_secs() as i64))
        .build();
    let cookie = HeaderValue::from_str(&cookie.to_string()).map_err(|e| ServerError::Internal(e.into()))?;
    Ok(([(CACHE_CONTROL, no_store()), (SET_COOKIE, cookie)], Json(LoginResponse { tokens, profile })))
}

/// The device cookie of a sign-in request, if any.
fn device_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(|c| c.ok())
        .find(|c| c.name() == DEVICE_COOKIE)
        .map(|c| c.value().to_owned())
}

/// Answers that carry tokens are never stored by a cache (RFC 6749 §5.1).
fn no_store() -> HeaderValue {
    HeaderValue::from_static("no-store")
}

/// Spends a refresh token for a new token pair in the same session. Retrying within a minute, before the
/// new refresh token was used, answers with the same pair (the first answer may have been lost); any
/// other reuse of a spent refresh token revokes the whole session.
#[utoipa::path(
    post,
    path = route::REFRESH,
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair (the old refresh token is now spent) and the profile",
            body = LoginResponse,
            headers(("Cache-Control" = String, description = "`no-store`: the answer holds tokens"))),
        (status = 400, description = "`bad_request`: the body is not a JSON `RefreshRequest`", body = ApiError),
        (status = 401, description = "`session_expired`: the refresh token is unknown, expired, spent or \
            revoked, or the session reached its absolute lifetime; sign in again", body = ApiError),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<impl IntoResponse> {
    // Longer than any token the server issues: no such session, and no work spent finding that out.
    if req.refresh_token.len() > penggerak_types::limits::TOKEN {
        return Err(ServerError::new(
            ErrorCode::SessionExpired,
            "Sesi Anda telah berakhir. Silakan masuk kembali.",
        ));
    }
    let (tokens, user_id) = auth::rotate(&state, &req.refresh_token).await?;
    let profile = crate::people::load_profile(&mut *state.db.pool.acquire().await?, &user_id).await?;
    Ok(([(CACHE_CONTROL, no_store())], Json(LoginResponse { tokens, profile })))
}

/// Signs out: revokes the session of the refresh token. Idempotent: unknown tokens are accepted.
#[utoipa::path(
    post,
    path = route::LOGOUT,
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
    // Longer than any token the server issues: nothing to revoke (signing out stays idempotent).
    if req.refresh_token.len() > penggerak_types::limits::TOKEN {
        return Ok(StatusCode::NO_CONTENT);
    }
    auth::revoke(&state, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}
