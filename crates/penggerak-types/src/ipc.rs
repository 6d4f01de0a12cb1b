//! IPC between the Leptos UI and the Tauri shell: one command name constant and one request/response pair
//! per command. The UI's `ipc` module and the shell's `commands` module are the only users.
//!
//! Errors cross IPC as [`crate::ApiError`] (`{code, message}`), exactly like HTTP errors.

use crate::api::Profile;
use serde::{Deserialize, Serialize};

/// Command names, as registered with `tauri::generate_handler!` and granted in `capabilities/main.json`.
pub mod cmd {
    pub const SESSION_STATE: &str = "session_state";
    pub const SIGN_IN: &str = "sign_in";
    pub const SIGN_OUT: &str = "sign_out";
    pub const SYNC_STATUS: &str = "sync_status";
    pub const SYNC_NOW: &str = "sync_now";
}

/// The event the shell emits with a [`SyncStatus`] whenever it changes (the UI listens instead of polling).
pub const SYNC_STATUS_EVENT: &str = "sync-status";

/// What the app knows about the session. Returned by `session_state`, `sign_in` and `sign_out`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionState {
    /// Nobody is signed in. `server_url` is the server the sign-in form should default to.
    SignedOut { server_url: String },
    /// Signed in (tokens are in the OS keychain; the profile comes from the local store).
    SignedIn { server_url: String, profile: Box<Profile> },
}

/// Arguments of `sign_in`. Sent by the UI as `{"request": SignInRequest}`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// NUPTK, NIP or e-mail address.
    pub identifier: String,
    pub password: String,
    /// The API server's base URL (e.g. `https://penggerak.example.id`); `None` keeps the current one.
    pub server_url: Option<String>,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("identifier", &self.identifier)
            .field("password", &"<redacted>")
            .field("server_url", &self.server_url)
            .finish()
    }
}

/// The argument envelope of `sign_in`: Tauri maps named command arguments from a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInArgs {
    pub request: SignInRequest,
}

/// What the sync engine is doing, for the status line every screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncStatus {
    pub phase: SyncPhase,
    /// Changes made on this device that the server has not confirmed yet.
    pub waiting: u32,
    /// Changes the server refused because the record changed meanwhile: the user must choose.
    pub conflicts: u32,
    /// Changes the server refused for good (shown once, so the user can redo them).
    pub notices: u32,
    /// When the last sync finished without error (RFC 3339, UTC).
    pub last_synced_at: Option<String>,
    /// During a pull: records received so far in this sync, and how many pages.
    pub received: u64,
    /// The last error, for people (Bahasa Indonesia), when `phase` is `offline` or `error`.
    pub message: Option<String>,
}

/// The phase of [`SyncStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    #[default]
    Idle,
    /// Sending waiting changes.
    Pushing,
    /// Receiving changes.
    Pulling,
    /// The server cannot be reached; changes wait and sync retries.
    Offline,
    /// The last sync failed for another reason (see `message`).
    Error,
    /// Not signed in.
    SignedOut,
}
