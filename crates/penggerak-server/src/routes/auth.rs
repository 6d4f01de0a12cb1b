//! `/auth/login`, `/auth/refresh`, `/auth/logout`.

use super::ApiJson;
use crate::error::{Result, ServerError};
use crate::{auth, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use penggerak_types::api::{LoginRequest, LoginResponse, RefreshRequest};
use penggerak_types::ErrorCode;

pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    if req.identifier.trim().is_empty() || req.password.is_empty() {
        return Err(ServerError::new(ErrorCode::Validation, "Isi NUPTK/NIP/email dan kata sandi."));
    }
    let user_id = auth::check_credentials(&state, &req.identifier, &req.password).await?;
    let tokens = auth::start_session(&state, &user_id).await?;
    let profile = super::me::load_profile(&state, &user_id).await?;
    Ok(Json(LoginResponse { tokens, profile }))
}

pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<LoginResponse>> {
    let (tokens, user_id) = auth::rotate(&state, &req.refresh_token).await?;
    let profile = super::me::load_profile(&state, &user_id).await?;
    Ok(Json(LoginResponse { tokens, profile }))
}

pub async fn logout(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<StatusCode> {
    auth::revoke(&state, &req.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}
