//! Learning materials and their files.

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

/// This area's routes, relative to `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
}

/// This area's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths())]
pub struct Doc;
