//! Every failure a handler can return, mapped to `{code, message}` with the matching HTTP status.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use penggerak_types::{ApiError, ErrorCode};
use std::time::Duration;

/// A handler error. `Api` errors are expected outcomes shown to the user; `Internal` ones are logged and
/// answered with a generic message so that no internal detail leaks. `RateLimited` is answered with 429 and
/// a `Retry-After` header in whole seconds.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Api(ApiError),
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServerError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServerError::Api(ApiError::new(code, message))
    }
}

impl From<sqlx::Error> for ServerError {
    fn from(e: sqlx::Error) -> Self {
        ServerError::Internal(e.into())
    }
}

impl From<crate::limits::Refused> for ServerError {
    fn from(r: crate::limits::Refused) -> Self {
        ServerError::RateLimited { retry_after: r.retry_after }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let body = match self {
            ServerError::Api(e) => e,
            ServerError::RateLimited { retry_after } => return rate_limited(retry_after),
            ServerError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                ApiError::new(ErrorCode::Internal, "Terjadi kesalahan pada server. Coba lagi nanti.")
            }
        };
        let status =
            StatusCode::from_u16(body.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}

/// 429 with `Retry-After` rounded up to whole seconds (at least 1), and a message in minutes or seconds.
fn rate_limited(retry_after: Duration) -> Response {
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let secs = secs.max(1);
    let wait = if secs >= 60 { format!("{} menit", secs.div_ceil(60)) } else { format!("{secs} detik") };
    let body = ApiError::new(
        ErrorCode::RateLimited,
        format!("Terlalu banyak percobaan masuk. Coba lagi dalam {wait}."),
    );
    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, secs.to_string())], Json(body)).into_response()
}

pub type Result<T> = std::result::Result<T, ServerError>;
