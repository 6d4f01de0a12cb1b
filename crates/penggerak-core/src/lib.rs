//! The native engine of the Penggerak app.
//!
//! **The door is [`Engine`]** (`engine.rs`): the Tauri shell holds one and turns each IPC command into one
//! call on it; its methods are the crate's whole API. Everything the app does beyond drawing lives here, so
//! it is testable without a window: against the real reference server, a real SQLite file and the real OS
//! keyring.
//!
//! Its methods, by file:
//! - `engine.rs`: open, sign in, restore, refresh, sign out; the user's zone and day ([`clock`]).
//! - `views.rs` (reads): what each screen shows, from the local store only; `staff.rs`: the principal's
//!   reads (his staff, one staff member's page); `supervision.rs`: a pengawas's (fetched, kept for
//!   offline).
//! - `actions.rs` (writes): what the user does — built as a change (`changes.rs`, rules checked on the
//!   device), applied and queued in one transaction (`outbox.rs`, which owns every state change of a queued
//!   entry and the pure decision on the server's answer), sent by `sync.rs`.
//! - `sync.rs`: push, pull, status, the loop; `materials.rs`: saving materials for offline reading;
//!   `settings.rs`: preferences, reminders, data use.
//!
//! Below the door, crate-private: the store (`store.rs`, `records.rs`, `drafts.rs`, …), the outbox, the
//! change builders. Tests reach them through the `testing` feature only.
//!
//! Never: depends on Tauri; writes a token or password anywhere but the [`TokenStore`]; prints a secret
//! (they are [`Sensitive`]).

mod actions;
mod calendar;
mod changes;
pub mod clock;
mod data_use;
mod door;
mod drafts;
mod engine;
mod error;
mod export;
mod material_files;
mod materials;
pub mod network;
mod news;
mod outbox;
mod records;
mod reminders;
mod search;
mod secret;
mod settings;
mod sharing;
mod staff;
mod store;
mod supervision;
mod sync;
mod sync_state;
mod token_store;
mod views;

pub use engine::Engine;
pub use error::CoreError;
pub use secret::Sensitive;
use store::LocalStore;
pub use token_store::{KeyringStore, KnownDevices, MemoryStore, StoredTokens, TokenStore};

/// The default API server: the reference server that `cargo xtask run` starts on this machine.
/// Overridden by `PENGGERAK_SERVER` at start-up, or by the address typed on the sign-in screen.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// What the engine's own tests look at below the door: the store, the outbox, the change builders. Only
/// with the `testing` feature (the crate's tests turn it on); the app never sees it.
#[cfg(feature = "testing")]
pub mod testing {
    /// The change builders (what [`crate::Engine::act`] builds from a user action).
    pub mod changes {
        pub use crate::changes::*;
    }
    pub use crate::materials::PART as MATERIAL_PART;
    pub use crate::outbox::{
        Change, LocalWrite, Notice, Pending, Resolution, CUT_SPACING_SECS, MAX_ATTEMPTS,
    };
    pub use crate::records::LocalRecord;
    pub use crate::store::LocalStore;
    pub use crate::views::all_deadlines;

    /// Another connection to the store in `data_dir`, as another writer in the app would hold one: for
    /// tests that hold the store (`BEGIN IMMEDIATE`) or write to it behind the engine's back.
    pub async fn another_connection(data_dir: &std::path::Path) -> sqlx::SqliteConnection {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data_dir.join("penggerak.sqlite"));
        sqlx::SqliteConnection::connect_with(&options).await.expect("the store's file opens")
    }
}
