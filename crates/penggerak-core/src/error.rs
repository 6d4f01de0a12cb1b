//! [`CoreError`]: what the engine can fail with, and its mapping to the `{code, message}` the UI shows.

use penggerak_client::ClientError;
use penggerak_types::{ApiError, ErrorCode, Reason};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("keyring: {0}")]
    Keyring(String),
    #[error("local store: {0}")]
    Storage(String),
    #[error("not signed in")]
    NotSignedIn,
    /// The user's input breaks a rule (checked on the device before queueing).
    #[error("refused: {0}")]
    Refused(Reason),
    /// A request the engine cannot make sense of (a broken caller, not the user's input).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Something the user asked for is not on the device (Bahasa Indonesia, for people).
    #[error("missing: {0}")]
    Missing(String),
    /// A download could not be used and was thrown away: why (another version on the server, damaged on
    /// the way), and what it was (for the log).
    #[error("download not usable: {1}")]
    Download(Reason, String),
    /// The device's storage is full: a file could not be written (what, for the log).
    #[error("device full: {0}")]
    DeviceFull(String),
    /// Sign-out would lose changes the server has not confirmed; the user must confirm.
    #[error("{0} changes still waiting to sync")]
    ChangesWaiting(u32),
}

impl From<sqlx::Error> for CoreError {
    fn from(e: sqlx::Error) -> Self {
        CoreError::Storage(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for CoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        CoreError::Storage(e.to_string())
    }
}

impl CoreError {
    /// The error as the UI receives it. Messages are Bahasa Indonesia; the UI branches on the code.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            CoreError::Client(e) => e.to_api_error(),
            CoreError::Keyring(m) => ApiError::new(
                ErrorCode::Keyring,
                format!("Penyimpanan kata sandi perangkat (keyring) tidak dapat dipakai: {m}"),
            ),
            CoreError::Storage(m) => {
                ApiError::new(ErrorCode::Storage, format!("Penyimpanan lokal aplikasi gagal: {m}"))
            }
            CoreError::NotSignedIn => ApiError::new(ErrorCode::NotSignedIn, "Silakan masuk terlebih dahulu."),
            CoreError::Refused(r) => ApiError::refused(ErrorCode::Validation, r.clone()),
            CoreError::Invalid(m) => ApiError::new(ErrorCode::Validation, m.clone()),
            CoreError::Missing(m) => {
                ApiError { message: m.clone(), ..ApiError::refused(ErrorCode::NotFound, Reason::NotOnDevice) }
            }
            CoreError::Download(reason, m) => {
                ApiError { message: m.clone(), ..ApiError::refused(ErrorCode::Conflict, reason.clone()) }
            }
            CoreError::DeviceFull(m) => {
                ApiError { message: m.clone(), ..ApiError::refused(ErrorCode::Storage, Reason::DeviceFull) }
            }
            CoreError::ChangesWaiting(n) => {
                ApiError::refused(ErrorCode::ChangesWaiting, Reason::ChangesWaiting { count: *n })
            }
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        e.to_api_error()
    }
}
