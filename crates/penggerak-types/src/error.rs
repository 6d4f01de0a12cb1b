//! Structured errors: `{code, message}` on the wire, for the HTTP API and for IPC alike.
//!
//! Clients branch on [`ErrorCode`], never on the message: the message is for people (Bahasa Indonesia on the
//! server side), the code is the contract.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable error code. Serialised in `snake_case`; new codes may be added, existing ones
/// are never renamed. Unknown codes from a newer server deserialise as [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed (bad JSON, missing field). HTTP 400.
    BadRequest,
    /// Identifier or password is wrong. HTTP 401.
    InvalidCredentials,
    /// No access token, or it is unknown, expired or revoked. HTTP 401.
    Unauthorized,
    /// The refresh token is unknown, expired or revoked: the user must sign in again. HTTP 401.
    SessionExpired,
    /// Authenticated, but not allowed to do this. HTTP 403.
    Forbidden,
    /// No such resource (or route). HTTP 404.
    NotFound,
    /// The request conflicts with the current state. HTTP 409.
    Conflict,
    /// A request with this `Idempotency-Key` is still being processed: send it again later. HTTP 409.
    /// (Unlike `conflict`, this is not an answer about the change.)
    InProgress,
    /// Syntactically fine but semantically invalid. HTTP 422.
    Validation,
    /// The request body is larger than the route accepts. HTTP 413.
    PayloadTooLarge,
    /// Too many attempts; try later. HTTP 429.
    RateLimited,
    /// The server failed. HTTP 500.
    Internal,
    /// Client side: the server could not be reached (offline, refused, timed out).
    Offline,
    /// Client side: the OS keychain could not be used (locked, missing, timed out).
    Keyring,
    /// Client side: the local store failed.
    Storage,
    /// Client side: the user is not signed in.
    NotSignedIn,
    /// Client side: signing out would lose changes still waiting to sync; ask the user first.
    ChangesWaiting,
    /// The request did not arrive whole in time (a stalled or trickling body, or a request that ran past
    /// the server's deadline). Send it again. HTTP 408.
    RequestTimeout,
    /// The server is handling as many requests as it can: send again in a moment. HTTP 503.
    ServerBusy,
    /// Client side: the server's TLS certificate is not trusted by this device (issued by a CA the
    /// operating system does not trust, expired, or for another address). Not retried: it fails the same
    /// way until the server's certificate or the device's trust store changes.
    UntrustedServer,
    /// A code this build does not know (sent by a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status the server answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::InvalidCredentials | ErrorCode::Unauthorized | ErrorCode::SessionExpired => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict | ErrorCode::InProgress => 409,
            ErrorCode::Validation => 422,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::Offline | ErrorCode::ServerBusy => 503,
            ErrorCode::Internal
            | ErrorCode::Keyring
            | ErrorCode::Storage
            | ErrorCode::NotSignedIn
            | ErrorCode::ChangesWaiting
            | ErrorCode::UntrustedServer
            | ErrorCode::Unknown => 500,
        }
    }
}

/// The one error shape of the API and of IPC: `{"code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// With `conflict` on an edit: the record as the server holds it now, so the client can show both
    /// versions and let the user choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<crate::sync::SyncRecord>>,
    /// The rule that refused, with its values ([`crate::Reason`]): what the app words in the user's
    /// language. `message` then says the same in Bahasa Indonesia.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::Reason>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), current: None, reason: None }
    }

    /// A refusal by a rule: `code` with the reason, and its Indonesian sentence as the message.
    pub fn refused(code: ErrorCode, reason: crate::Reason) -> Self {
        Self { code, message: reason.to_string(), current: None, reason: Some(reason) }
    }

    /// A `conflict` carrying the server's current copy of the record.
    pub fn conflict(message: impl Into<String>, current: crate::sync::SyncRecord) -> Self {
        Self {
            code: ErrorCode::Conflict,
            message: message.into(),
            current: Some(Box::new(current)),
            reason: None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?})", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}
