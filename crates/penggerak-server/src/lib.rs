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
pub use limits::{Backoff, ForwardedHeader, Limit, RateLimits};
pub use routes::openapi;

/// Token lifetimes, sign-in limits and other knobs. `Default` is what the binary uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// Growing delays after failed sign-ins, per account, and apart from it per known device of the account
    /// (a success clears the count).
    pub login_per_account: Backoff,
    /// Failed sign-ins allowed per client address (successes are not counted; known devices are exempt).
    pub login_per_address: Limit,
    // Sessions, devices and client addresses (issue 13).
    /// How long a just-spent refresh token is still answered with its successor pair, while the successor
    /// is unused (a retry whose answer was lost); reuse after it revokes the session family.
    pub refresh_grace: Duration,
    /// The absolute lifetime of a session family: refreshing never extends a sign-in past it.
    pub session_lifetime: Duration,
    /// How long a known device (the device cookie of a successful sign-in) stays known without signing in.
    pub device_ttl: Duration,
    /// Reverse proxies whose forwarding header names the client address (empty: the TCP peer is the client).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The header the trusted proxies set.
    pub forwarded_header: ForwardedHeader,
}

impl Default for Config {
    fn default() -> Self {
        const QUARTER_HOUR: Duration = Duration::from_secs(15 * 60);
        Self {
            access_ttl: QUARTER_HOUR,
            refresh_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            login_per_account: Backoff {
                free: 5,
                first: Duration::from_secs(1),
                max: Duration::from_secs(5 * 60),
                forget_after: QUARTER_HOUR,
            },
            login_per_address: Limit::new(50, QUARTER_HOUR),
            refresh_grace: Duration::from_secs(60),
            session_lifetime: Duration::from_secs(90 * 24 * 60 * 60),
            device_ttl: Duration::from_secs(180 * 24 * 60 * 60),
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::XForwardedFor,
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
