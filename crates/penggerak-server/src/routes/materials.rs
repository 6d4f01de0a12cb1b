//! Learning materials: the catalogue (public `material` records, also in `/sync`), each material's text
//! content (`ETag` + `If-None-Match` → `304`, so a device that has it pays nothing to check), and its
//! files (`Range`/`If-Range`, see [`crate::files`]), so a download broken by a lost signal resumes.

use super::{ApiPath, ApiQuery};
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::records::{self, Filter};
use crate::{files, AppState};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use penggerak_types::material::{Material, MaterialContent, MaterialQuery};
use penggerak_types::route;
use penggerak_types::{ApiError, ErrorCode, RecordKind};
use sqlx::AnyConnection;
use utoipa::OpenApi;

/// This area's routes (templates from [`penggerak_types::route`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(route::MATERIALS, get(list))
        .route(route::MATERIAL, get(detail))
        .route(route::MATERIAL_CONTENT, get(content))
        .route(route::MATERIAL_FILE, get(file))
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, detail, content, file),
    components(schemas(Material, MaterialContent)),
    tags((name = "materials", description = "Learning materials: catalogue, text content and files"))
)]
pub struct Doc;

fn missing() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Materi tidak ditemukan.")
}

async fn load(conn: &mut AnyConnection, id: &str) -> Result<Material> {
    records::get::<Material>(conn, RecordKind::Material, id).await?.map(|s| s.data).ok_or_else(missing)
}

/// The catalogue, filtered; newest first.
#[utoipa::path(
    get,
    path = route::MATERIALS,
    operation_id = "list_materials",
    tag = "materials",
    security(("bearer" = [])),
    params(MaterialQuery),
    responses(
        (status = 200, description = "Matching materials, most recently updated first", body = Vec<Material>),
        (status = 400, description = "`bad_request`: unknown kind", body = ApiError),
        (status = 422, description = "`validation`: a search text or filter value too long", body = ApiError),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<MaterialQuery>,
) -> Result<Json<Vec<Material>>> {
    super::check_search(query.q.as_deref(), [&query.topic, &query.jenjang])?;
    let mut conn = state.db.pool.acquire().await?;
    let mut all: Vec<Material> = records::list::<Material>(&mut conn, RecordKind::Material, Filter::All)
        .await?
        .into_iter()
        .map(|s| s.data)
        .filter(|m| query.matches(m))
        .collect();
    all.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.title.cmp(&b.title)));
    Ok(Json(all))
}

/// One catalogue entry.
#[utoipa::path(
    get,
    path = route::MATERIAL,
    operation_id = "material",
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Material id")),
    responses(
        (status = 200, description = "The material", body = Material),
        (status = 404, description = "`not_found`", body = ApiError),
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Material>> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(load(&mut conn, &id).await?))
}

/// A material's text in sections. `ETag` is the catalogue's `content_etag`; `If-None-Match` with it
/// answers `304` without a body.
#[utoipa::path(
    get,
    path = route::MATERIAL_CONTENT,
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Material id"),
        ("If-None-Match" = Option<String>, Header, description = "The `content_etag` the client holds"),
    ),
    responses(
        (status = 200, description = "The content", body = MaterialContent),
        (status = 304, description = "The client's copy is current"),
        (status = 404, description = "`not_found`", body = ApiError),
    )
)]
pub async fn content(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT etag, body FROM material_content WHERE id = $1")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?;
    let (etag, body) = row.ok_or_else(missing)?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok((StatusCode::OK, [(header::ETAG, etag), (header::CONTENT_TYPE, "application/json".to_owned())], body)
        .into_response())
}

/// A material's file, with `Range` (`206`), `If-Range`, `ETag` (the SHA-256) and `416` outside the file.
/// Never compressed (so ranges are byte ranges of the file itself).
#[utoipa::path(
    get,
    path = route::MATERIAL_FILE,
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Material id"),
        ("file_id" = String, Path, description = "File id within the material"),
        ("Range" = Option<String>, Header, description = "`bytes=<from>-[<to>]` or `bytes=-<last n>`"),
        ("If-Range" = Option<String>, Header, description = "The file's `ETag`: resume only if unchanged"),
    ),
    responses(
        (status = 200, description = "The whole file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "`If-None-Match` matched"),
        (status = 404, description = "`not_found`", body = ApiError),
        (status = 416, description = "The range is outside the file", body = ApiError),
    )
)]
pub async fn file(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath((id, file_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let mut conn = state.db.pool.acquire().await?;
    let m = load(&mut conn, &id).await?;
    let f = m.files.iter().find(|f| f.id == file_id).ok_or_else(missing)?;
    drop(conn);
    files::serve(&state.db.pool, &headers, &f.sha256, f.size, &f.content_type, &f.name)
}
