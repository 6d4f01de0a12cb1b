//! The Penggerak wire contract.
//!
//! Every shape that crosses a process boundary lives here: the HTTP API (`api`) and the app's IPC between
//! the Leptos UI and the Tauri shell (`ipc`). If a type is serialisable, it is part of a contract: changing a
//! field name or an error code breaks deployed apps, so the golden tests in `tests/golden.rs` pin the JSON.
//!
//! This crate depends on `serde` (and `serde_json` for record data) only and must keep building for `wasm32-unknown-unknown`: no I/O, no
//! clocks, no crypto, no HTTP or Tauri types. The one exception is the off-by-default `openapi` feature,
//! which derives `utoipa::ToSchema` on the HTTP shapes for the server's OpenAPI document; the UI never
//! enables it.

pub mod api;
pub mod error;
pub mod ipc;
pub mod kinerja;
pub mod limits;
pub mod material;
pub mod net;
pub mod peer;
pub mod pkb;
pub mod plan_status;
pub mod programme;
pub mod reason;
pub mod route;
pub mod staff;
pub mod sync;
pub mod zone;

pub use error::{ApiError, ErrorCode};
pub use reason::{Field, Reason};
pub use sync::{Changed, RecordKind, SyncPage, SyncQuery, SyncRecord};
