//! `/me`: the caller's own profile.

use crate::auth::AuthUser;
use crate::error::{Result, ServerError};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use penggerak_types::api::{Profile, Role, School};
use penggerak_types::{ApiError, ErrorCode};

/// The signed-in user's own profile.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = Profile),
        (status = 401, description = "`unauthorized`: no access token, or it is unknown, expired or revoked",
            body = ApiError),
        (status = 404, description = "`not_found`: the user no longer exists", body = ApiError),
        (status = 500, description = "`internal`: the server failed", body = ApiError),
    )
)]
pub async fn me(State(state): State<AppState>, user: AuthUser) -> Result<Json<Profile>> {
    Ok(Json(load_profile(&state, &user.user_id).await?))
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: String,
    full_name: String,
    role: String,
    nuptk: Option<String>,
    nip: Option<String>,
    email: String,
    npsn: Option<String>,
    school_name: Option<String>,
    jenjang: Option<String>,
    province: Option<String>,
    regency: Option<String>,
}

pub async fn load_profile(state: &AppState, user_id: &str) -> Result<Profile> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "SELECT u.id, u.full_name, u.role, u.nuptk, u.nip, u.email,
                s.npsn, s.name AS school_name, s.jenjang, s.province, s.regency
         FROM users u LEFT JOIN schools s ON s.npsn = u.school_npsn WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let ProfileRow {
        id,
        full_name,
        role,
        nuptk,
        nip,
        email,
        npsn,
        school_name: name,
        jenjang,
        province,
        regency,
    } = row.ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Pengguna tidak ditemukan."))?;
    let role = parse_role(&role)?;
    let school = match (npsn, name, jenjang, province, regency) {
        (Some(npsn), Some(name), Some(jenjang), Some(province), Some(regency)) => {
            Some(School { npsn, name, jenjang, province, regency })
        }
        _ => None,
    };
    Ok(Profile { id, full_name, role, nuptk, nip, email, school })
}

fn parse_role(s: &str) -> Result<Role> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| ServerError::Internal(anyhow::anyhow!("bad role {s:?} in database: {e}")))
}
