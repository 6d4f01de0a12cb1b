//! The Penggerak reference API server.
//!
//! It implements the published contract of `penggerak-types` over HTTP with demo data, so the app runs end
//! to end on a fresh machine and tests talk to a real server. Entry point for tests and the binary alike:
//! [`serve`], which takes an already-bound listener (tests bind `127.0.0.1:0`) and a shutdown future.
//!
//! Owns: the database schema (`migrations/`), authentication, authorisation, sign-in rate limits, error
//! mapping to `{code, message}`, and the OpenAPI document of the routes. Never: trusts the client for
//! identity, stores a token or password in plaintext.

pub mod auth;
pub mod db;
pub mod demo;
pub mod error;
pub mod files;
pub mod idempotency;
pub mod limits;
pub mod people;
pub mod records;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use db::Db;
pub use limits::{Limit, RateLimits};
pub use routes::openapi;

/// Token lifetimes, sign-in limits and other knobs. `Default` is what the binary uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// Failed sign-ins allowed per account (a success clears the count).
    pub login_per_account: Limit,
    /// Sign-in attempts allowed per client address, failed or not.
    pub login_per_address: Limit,
}

impl Default for Config {
    fn default() -> Self {
        const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);
        Self {
            access_ttl: QUARTER_HOUR,
            refresh_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            login_per_account: Limit::new(10, QUARTER_HOUR),
            login_per_address: Limit::new(50, QUARTER_HOUR),
        }
    }
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub limits: Arc<RateLimits>,
}

impl AppState {
    /// The state of a fresh server process: `config`'s sign-in limits start with no attempts counted.
    pub fn new(db: Db, config: Config) -> Self {
        let limits = Arc::new(RateLimits::new(config.login_per_account, config.login_per_address));
        Self { db, config, limits }
    }
}

/// Serves the API on `listener` until `shutdown` resolves. Handlers see each client's socket address (for
/// the per-address sign-in limit).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, routes::router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
