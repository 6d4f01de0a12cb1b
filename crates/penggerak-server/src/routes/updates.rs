//! App updates, for the Tauri updater of apps signed in to this server: whether a newer release is
//! published for the caller's platform (`204` when not), and the release's bundle (by hash, resumable).
//! Public: an app asks before (and whether or not) anyone is signed in, and a release is the same for all.
//! Published by an operator with `penggerak-server publish-update` ([`crate::domain::releases`]).

use super::ApiPath;
use crate::domain::releases;
use crate::error::{Result, ServerError};
use crate::{files, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use penggerak_types::api::AppUpdate;
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode};
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new().route(route::APP_UPDATE, get(update)).route(route::APP_UPDATE_FILE, get(file))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(update, file),
    components(schemas(AppUpdate)),
    tags((name = "updates", description = "App releases for the updater"))
)]
pub struct Doc;

fn missing() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Pembaruan tidak ditemukan.")
}

/// The release published for `{target}-{arch}` when it is newer than `current_version`.
#[utoipa::path(
    get,
    path = route::APP_UPDATE,
    operation_id = "app_update",
    tag = "updates",
    params(
        ("target" = String, Path, description = "Operating system: `linux`, `windows`, `darwin`"),
        ("arch" = String, Path, description = "`x86_64`, `aarch64`, `i686`, `armv7`"),
        ("current_version" = String, Path, description = "The asking app's version (semantic)"),
    ),
    responses(
        (status = 200, description = "A newer release, for the updater", body = AppUpdate),
        (status = 204, description = "Nothing newer is published for this platform"),
        (status = 422, description = "`validation`: not a platform or not a semantic version", body = ApiError),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiPath((target, arch, current)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let platform = format!("{target}-{arch}");
    if !releases::is_platform(&platform) {
        return Err(ServerError::new(ErrorCode::Validation, "Platform tidak dikenal."));
    }
    // A version is short (`0.1.0`, `1.2.3-rc.1`): anything longer than an id is not one.
    let current = Some(current)
        .filter(|v| v.len() <= route::MAX_ID_BYTES)
        .and_then(|v| semver::Version::parse(&v).ok())
        .ok_or_else(|| ServerError::new(ErrorCode::Validation, "Versi aplikasi tidak valid."))?;
    let mut conn = state.db.pool.acquire().await?;
    let Some(r) = releases::current(&mut conn, &platform).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let newer = semver::Version::parse(&r.version).is_ok_and(|v| v > current);
    if !newer {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let base = match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).ok_or_else(missing)?;
            format!("{}://{host}", if state.config.tls { "https" } else { "http" })
        }
    };
    let path = route::fill(route::APP_UPDATE_FILE, &[&r.sha256]).map_err(|_| missing())?;
    let pub_date = time::OffsetDateTime::from_unix_timestamp(r.pub_date)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default();
    Ok(Json(AppUpdate {
        version: r.version,
        notes: r.notes,
        pub_date,
        url: format!("{base}{path}"),
        signature: r.signature,
        size: u64::try_from(r.size).unwrap_or(0),
    })
    .into_response())
}

/// A published release's bundle (`Range`/`If-Range` as every stored file, so a broken download resumes).
#[utoipa::path(
    get,
    path = route::APP_UPDATE_FILE,
    operation_id = "app_update_file",
    tag = "updates",
    params(
        ("sha256" = String, Path, description = "The bundle's SHA-256, as the update's `url` names it"),
        ("Range" = Option<String>, Header, description = "`bytes=<from>-[<to>]` or `bytes=-<last n>`"),
    ),
    responses(
        (status = 200, description = "The bundle", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 404, description = "`not_found`: no published release has this bundle", body = ApiError),
        (status = 416, description = "The range is outside the file", body = ApiError),
    )
)]
pub async fn file(
    State(state): State<AppState>,
    ApiPath(sha256): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response> {
    // A SHA-256 in lowercase hex, as the update's link names it; anything else names no bundle.
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(missing());
    }
    let mut conn = state.db.pool.acquire().await?;
    let r = releases::by_file(&mut conn, &sha256).await?.ok_or_else(missing)?;
    drop(conn);
    files::serve(&state.db.pool, &headers, &r.sha256, r.size as u64, "application/octet-stream", &r.file_name)
}
