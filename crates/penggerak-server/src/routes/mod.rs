//! The HTTP surface: one module per area, all under [`penggerak_types::api::API_PREFIX`].

mod auth;
pub mod communities;
mod json;
pub mod kinerja;
pub mod materials;
mod me;
pub mod openapi;
pub mod pkb;
mod programmes;
mod school;
mod sync;

use crate::error::ServerError;
use crate::AppState;
use axum::http::{header, Extensions, HeaderMap, StatusCode, Version};
use axum::routing::{get, post};
use axum::{Json, Router};
use penggerak_types::api::{Health, API_PREFIX};
use penggerak_types::{ApiError, ErrorCode};
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

pub use json::ApiJson;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(me::me))
        .route("/openapi.json", get(openapi::serve))
        .route("/communities", get(communities::list))
        .route("/communities/{id}", get(communities::detail))
        .route("/communities/{id}/join", post(communities::join))
        .route("/communities/{id}/leave", post(communities::leave))
        .route("/sync", get(sync::sync))
        .merge(programmes::router())
        .merge(pkb::router())
        .merge(kinerja::router())
        .merge(materials::router())
        .merge(school::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::idempotency::guard));
    Router::new()
        .nest(API_PREFIX, api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Teachers pay for every byte: compress any response the client accepts compressed (zstd, br, gzip).
        // File downloads (they advertise `Accept-Ranges`) are sent as stored, so that a byte range means
        // the same bytes whatever the client accepts and an interrupted download can resume.
        .layer(tower_http::compression::CompressionLayer::new().compress_when(DefaultPredicate::new().and(
            |_: StatusCode, _: Version, h: &HeaderMap, _: &Extensions| !h.contains_key(header::ACCEPT_RANGES),
        )))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Whether the server and its database answer.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "server",
    responses(
        (status = 200, description = "The server and its database answer", body = Health),
        (status = 500, description = "`internal`: the database does not answer", body = ApiError),
    )
)]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> crate::error::Result<Json<Health>> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() }))
}

async fn not_found() -> ServerError {
    ServerError::new(ErrorCode::NotFound, "Alamat tidak ditemukan.")
}

async fn method_not_allowed() -> ServerError {
    ServerError::new(ErrorCode::BadRequest, "Metode HTTP ini tidak didukung untuk alamat ini.")
}
