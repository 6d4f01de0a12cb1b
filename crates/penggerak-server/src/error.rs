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

impl From<crate::limits::Blocked> for ServerError {
    fn from(b: crate::limits::Blocked) -> Self {
        match b {
            crate::limits::Blocked::Refused(r) => r.into(),
            crate::limits::Blocked::Db(e) => e.into(),
        }
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

/// The code of an error answer with `status` that carries no `{code, message}` of its own (one made by a
/// layer or by axum, turned into the API's shape by [`crate::routes`]).
pub fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        408 => ErrorCode::RequestTimeout,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        422 => ErrorCode::Validation,
        429 => ErrorCode::RateLimited,
        503 => ErrorCode::ServerBusy,
        400..=499 => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    }
}

/// The sentence for an error answer of `code` that has none of its own.
pub fn message_for(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::RequestTimeout => "Permintaan tidak selesai terkirim dalam batas waktu. Coba lagi.",
        ErrorCode::PayloadTooLarge => "Isi permintaan terlalu besar.",
        ErrorCode::ServerBusy => "Server sedang sibuk. Coba lagi sebentar lagi.",
        ErrorCode::NotFound => "Alamat tidak ditemukan.",
        ErrorCode::Internal => "Terjadi kesalahan pada server. Coba lagi nanti.",
        _ => "Permintaan tidak valid.",
    }
}

/// `limit` bytes in words ("2 MB", "512 KB", "100 byte").
pub fn size_words(limit: usize) -> String {
    const MB: usize = 1024 * 1024;
    if limit >= MB {
        format!("{} MB", limit.div_ceil(MB))
    } else if limit >= 1024 {
        format!("{} KB", limit.div_ceil(1024))
    } else {
        format!("{limit} byte")
    }
}

/// A request body that could not be read whole, as the client should hear it: larger than `limit` (413;
/// `None` when the limit is not known here),
/// too slow (408, the body timeout of [`crate::Transport`]), or cut off (400). `e` is the read error, looked
/// through to its causes.
pub fn body_read_error(e: &(dyn std::error::Error + 'static), limit: Option<usize>) -> ServerError {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return too_large(limit);
        }
        if c.is::<tower_http::timeout::TimeoutError>() {
            return ServerError::new(ErrorCode::RequestTimeout, message_for(ErrorCode::RequestTimeout));
        }
        cause = c.source();
    }
    ServerError::new(ErrorCode::BadRequest, "Isi permintaan tidak terbaca (sambungan terputus?).")
}

/// `413 payload_too_large`, naming the limit when known.
pub fn too_large(limit: Option<usize>) -> ServerError {
    let message = match limit {
        Some(l) => format!("Isi permintaan terlalu besar (paling besar {}).", size_words(l)),
        None => message_for(ErrorCode::PayloadTooLarge).to_owned(),
    };
    ServerError::new(ErrorCode::PayloadTooLarge, message)
}
