//! The native engine of the Penggerak app.
//!
//! The Tauri shell holds one [`Session`] and turns each IPC command into one call on it. Everything the app
//! does beyond drawing lives here, so it is testable without a window: against the real reference server,
//! a real SQLite file and the real OS keyring.
//!
//! Owns: the session (sign-in, restore, token refresh, sign-out), the local store of records, the outbox,
//! sync (push, pull, status, loop), the token store, the data use, learning materials saved for offline.
//! Never: depends on Tauri; writes a token or password anywhere but the [`TokenStore`]; prints a secret
//! (they are [`Sensitive`]).

pub mod changes;
pub mod clock;
mod data_use;
mod drafts;
mod error;
mod materials;
pub mod outbox;
mod records;
mod reminders;
mod secret;
mod session;
mod store;
mod sync;
mod sync_state;
mod token_store;
pub mod views;

pub use error::CoreError;
pub use materials::PART as MATERIAL_PART;
pub use outbox::{Change, LocalWrite, Notice, Pending, Resolution};
pub use records::LocalRecord;
pub use secret::Sensitive;
pub use session::Session;
pub use store::LocalStore;
pub use token_store::{KeyringStore, KnownDevices, MemoryStore, StoredTokens, TokenStore};

/// The default API server: the reference server that `cargo xtask run` starts on this machine.
/// Overridden by `PENGGERAK_SERVER` at start-up, or by the address typed on the sign-in screen.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";
