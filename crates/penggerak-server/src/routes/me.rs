//! `/me`: the caller's own profile, with the data problems found in it.

use crate::auth::AuthUser;
use crate::error::Result;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use penggerak_types::api::Profile;
use penggerak_types::route;
use penggerak_types::ApiError;

/// The signed-in user's own profile.
#[utoipa::path(
    get,
    path = route::ME,
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile, with `problems` when their records are inconsistent",
            body = Profile),
        (status = 401, description = "`unauthorized`: no access token, or it is unknown, expired or revoked",
            body = ApiError),
        (status = 404, description = "`not_found`: the user no longer exists", body = ApiError),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<Profile>> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(crate::people::load_profile(&mut conn, &user.user_id).await?))
}
