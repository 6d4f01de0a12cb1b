//! Every failure a handler can return, mapped to `{code, message}` with the matching HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use penggerak_types::{ApiError, ErrorCode};

/// A handler error. `Api` errors are expected outcomes shown to the user; `Internal` ones are logged and
/// answered with a generic message so that no internal detail leaks.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Api(ApiError),
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

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let body = match self {
            ServerError::Api(e) => e,
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

pub type Result<T> = std::result::Result<T, ServerError>;
