//! The Penggerak reference API server.
//!
//! It implements the published contract of `penggerak-types` over HTTP with demo data, so the app runs end
//! to end on a fresh machine and tests talk to a real server. Entry point for tests and the binary alike:
//! [`serve`], which takes an already-bound listener (tests bind `127.0.0.1:0`) and a shutdown future.
//!
//! Owns: the database schema (`migrations/`), authentication, authorisation, and error mapping to
//! `{code, message}`. Never: trusts the client for identity, stores a token or password in plaintext.

pub mod auth;
pub mod db;
pub mod demo;
pub mod error;
pub mod idempotency;
pub mod routes;

use std::future::Future;
use std::time::Duration;

pub use db::Db;

/// Token lifetimes and other knobs. `Default` is what the binary uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self { access_ttl: Duration::from_secs(15 * 60), refresh_ttl: Duration::from_secs(30 * 24 * 60 * 60) }
    }
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
}

/// Serves the API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, routes::router(state)).with_graceful_shutdown(shutdown).await
}
