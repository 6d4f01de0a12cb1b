//! The Penggerak reference API server.
//!
//! It implements the published contract of `penggerak-types` over HTTP with demo data, so the app runs end
//! to end on a fresh machine and tests talk to a real server. Entry point for tests and the binary alike:
//! [`serve`], which takes an already-bound listener (tests bind `127.0.0.1:0`) and a shutdown future.
//!
//! Owns: the database schema (`migrations/`), authentication, authorisation, sign-in rate limits, error
//! mapping to `{code, message}`, and the OpenAPI document of the routes. Never: trusts the client for
//! identity, stores a token or password in plaintext.
//!
//! Layers: [`routes`] (HTTP: extract, authenticate, answer) call [`domain`] (every change and its rules,
//! also used by [`demo`]), which reads and writes through [`records`] (the record store and its versions).

pub mod auth;
mod connections;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod files;
pub mod idempotency;
pub mod in_flight;
pub mod limits;
pub mod metrics;
pub mod people;
pub mod records;
pub mod routes;

use std::future::Future;
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
    /// Timeouts, concurrency and size limits of the HTTP transport.
    pub transport: Transport,
    /// The address apps reach this server at (`https://api.example.id`), for the absolute links the
    /// updater needs; unset, a link is made of the request's `Host` and [`Config::tls`].
    pub public_url: Option<String>,
    /// This process serves https itself (links made from `Host` say `https`).
    pub tls: bool,
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
            transport: Transport::default(),
            public_url: None,
            tls: false,
        }
    }
}

/// How long the server waits for a client, how many requests and connections it serves at once, and how
/// large a body it reads: the transport's limits, in one place. `Default` suits teachers on 2G links: a
/// slow but honest client gets through, a stalled or trickling one is cut.
#[derive(Debug, Clone)]
pub struct Transport {
    /// The whole request line and headers must arrive within this, or the connection is closed (hyper).
    /// With TLS, the handshake must also finish within this before the head's own wait begins: it is the
    /// same client sending its opening bytes, and a stalled one must not hold a connection slot longer.
    pub header_read_timeout: Duration,
    /// The longest pause between two pieces of a request body before the request is cut (408).
    pub body_idle_timeout: Duration,
    /// The longest a request may take, body included, before it is answered `408 request_timeout`.
    pub request_timeout: Duration,
    /// The same for a file upload ([`Transport::UPLOAD_ROUTES`]): 10 MB at about 12 KB/s, a slow 2G link.
    pub upload_timeout: Duration,
    /// Requests handled at once; one more is answered `503 server_busy` at once rather than queued.
    pub max_in_flight: usize,
    /// Of those, the most one client address may have (an IPv6 client counted by its /64; behind a trusted
    /// proxy, the client it names): one more is answered `503 server_busy` at once. A client sending bodies
    /// slowly, or never, would otherwise hold every slot and every other teacher's request with them. Well
    /// above what a school's router or a carrier's NAT carries at once for the app's users behind it.
    pub max_in_flight_per_client: usize,
    /// Of those, the most one user may have, from any address and any of her sessions: one more is
    /// answered `503 server_busy` at once (the app tries again a moment later). One account's requests
    /// from several addresses, each within its own share (bodies sent slowly or never, costly reads from
    /// many threads), would otherwise take every slot, and every other teacher would be answered `503`.
    /// Well above what the app asks at once from a phone and a laptop together (a sync pass is one request
    /// at a time; a page asks two or three).
    pub max_in_flight_per_user: usize,
    /// Connections held open at once. When they are all taken, the client holding the most gives up its
    /// quietest to a newcomer from a client holding at least two fewer; otherwise a newcomer whose client
    /// holds some already is closed, and one whose client holds none waits in the listen queue (see
    /// `connections`). While there is room no client is limited: many of the app's users may share one
    /// address.
    pub max_connections: usize,
    /// The longest an answer may make no progress because the client does not read it (a download never
    /// read holds its connection) before the connection is closed, as nginx's `send_timeout`.
    pub write_stall_timeout: Duration,
    /// Passwords checked at once (argon2: ~19 MiB and a core for tens of milliseconds each); a sign-in past
    /// it waits its turn within its deadline. Without it every request slot could be an argon2 run at once:
    /// ~5 GB for 256 (an account's own delays hold it to a few attempts at once, but identifiers that name
    /// nobody are free and are checked against a decoy hash). The cores this instance may use, by default.
    pub password_checks: usize,
    /// The largest JSON (or other non-upload) request body, in bytes.
    pub max_json_body: usize,
    /// The largest upload body, in bytes. A body over its route's limit is read and dropped up to
    /// [`Transport::hard_body_cap`] so the client hears `413`; beyond that it is refused on its head.
    pub max_upload_body: usize,
    /// The largest answer the idempotency layer keeps for replay, in bytes (see `idempotency`).
    pub max_stored_response: usize,
    /// Keyed changes one user may make in a UTC day ([`idempotency::CHANGES_PER_DAY`]).
    pub changes_per_day: u32,
    /// Bytes of answers kept for replay per user per UTC day ([`idempotency::KEPT_BYTES_PER_DAY`]).
    pub kept_bytes_per_day: usize,
    /// An unanswered idempotency claim not renewed for this long belongs to a dead request and may be
    /// taken over.
    pub stale_claim: Duration,
    /// How often a running request renews its idempotency claim (well under `stale_claim`).
    pub claim_heartbeat: Duration,
}

impl Transport {
    /// Routes (as matched, with the API prefix) that take a file body rather than JSON: they get
    /// [`Transport::max_upload_body`] and [`Transport::upload_timeout`].
    pub const UPLOAD_ROUTES: &'static [&'static str] = &[penggerak_types::route::KINERJA_EVIDENCE];

    pub(crate) fn is_upload(matched_path: Option<&str>) -> bool {
        matched_path.is_some_and(|p| Self::UPLOAD_ROUTES.contains(&p))
    }

    /// The largest body the route matched as `matched_path` reads.
    pub fn body_limit(&self, matched_path: Option<&str>) -> usize {
        if Self::is_upload(matched_path) {
            self.max_upload_body
        } else {
            self.max_json_body
        }
    }

    /// The global maximum of any request body: twice the upload maximum. A `Content-Length` over it is
    /// refused before a byte is read (the client, still sending, may see the connection reset).
    pub fn hard_body_cap(&self) -> usize {
        self.max_upload_body.saturating_mul(2)
    }

    /// How long the route matched as `matched_path` may take, body included.
    pub fn deadline(&self, matched_path: Option<&str>) -> Duration {
        if Self::is_upload(matched_path) {
            self.upload_timeout
        } else {
            self.request_timeout
        }
    }
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(15),
            body_idle_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(15 * 60),
            max_in_flight: 256,
            max_in_flight_per_client: 64,
            max_in_flight_per_user: 16,
            password_checks: std::thread::available_parallelism().map_or(1, usize::from),
            max_connections: 1024,
            write_stall_timeout: Duration::from_secs(60),
            max_json_body: penggerak_types::limits::JSON_BODY,
            max_upload_body: idempotency::MAX_BODY,
            max_stored_response: 1024 * 1024,
            changes_per_day: idempotency::CHANGES_PER_DAY,
            kept_bytes_per_day: idempotency::KEPT_BYTES_PER_DAY,
            stale_claim: Duration::from_secs(120),
            claim_heartbeat: Duration::from_secs(20),
        }
    }
}

/// Shared state of every request handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// The sign-in limits' policies (their counts are in the database, shared by every instance).
    pub limits: RateLimits,
    /// This instance's request and pool metrics (served by [`metrics::serve`] when an operator asks).
    pub metrics: Arc<metrics::Metrics>,
    /// Turns to check a password ([`Transport::password_checks`] of them).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// The in-flight slots of every route together ([`Transport::max_in_flight`]).
    pub slots: Arc<tokio::sync::Semaphore>,
    /// Requests in flight per client ([`Transport::max_in_flight_per_client`]).
    pub in_flight: Arc<in_flight::InFlight>,
    /// Requests in flight per user ([`Transport::max_in_flight_per_user`]).
    pub users_in_flight: Arc<in_flight::UsersInFlight>,
    /// Uploads being received per user ([`idempotency::UPLOADS_PER_USER`]).
    pub uploads: Arc<in_flight::Shares<String>>,
}

impl AppState {
    /// The state of a server process on `db` with `config`, its metrics at zero.
    pub fn new(db: Db, config: Config) -> Self {
        let limits = RateLimits::new(config.login_per_account, config.login_per_address);
        let metrics = Arc::new(metrics::Metrics::new(db.pool.clone()));
        let password_checks = Arc::new(tokio::sync::Semaphore::new(config.transport.password_checks.max(1)));
        let slots = Arc::new(tokio::sync::Semaphore::new(config.transport.max_in_flight.max(1)));
        Self {
            db,
            config,
            limits,
            metrics,
            password_checks,
            slots,
            in_flight: Arc::default(),
            users_in_flight: Arc::default(),
            uploads: Arc::default(),
        }
    }
}

/// Serves the API on `listener` until `shutdown` resolves, then lets the open connections finish. Handlers
/// see each client's socket address (for the per-address sign-in limit).
///
/// HTTP/1.1 through hyper's connection builder rather than `axum::serve`, which sets no timer and so no
/// header timeout: a client must send its whole head within [`Transport::header_read_timeout`] or the
/// connection is closed, and an answer the client stops reading is given up after
/// [`Transport::write_stall_timeout`]. At most [`Transport::max_connections`] connections are served at
/// once; when they are all taken, who gives one up, who is closed and who waits is
/// [`Transport::max_connections`]'s to say. (Request deadlines, body timeouts, sizes and the in-flight limit are layers of
/// [`routes::router`].) Plain HTTP: for tests, and behind a reverse proxy that terminates TLS; see
/// [`serve_tls`] for the server terminating it itself.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, None, shutdown).await
}

/// [`serve`] over TLS with `tls` (see [`tls_config`]). Each connection's handshake runs in its own task,
/// holding its connection slot, bounded by [`Transport::header_read_timeout`]: a slow or stalled handshake
/// never holds up the accept loop, and is abandoned when the server shuts down.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: TlsConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, Some(tokio_rustls::TlsAcceptor::from(tls)), shutdown).await
}

/// A server's TLS configuration, as [`tls_config`] makes it.
pub type TlsConfig = Arc<tokio_rustls::rustls::ServerConfig>;

/// Why [`tls_config`] could not load a certificate and key.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("reading the certificate chain {path}: {error}")]
    Certificate { path: String, error: String },
    #[error("{path} holds no certificate (PEM `CERTIFICATE` blocks expected)")]
    NoCertificate { path: String },
    #[error("reading the private key {path}: {error}")]
    Key { path: String, error: String },
    #[error("the certificate and key do not go together: {0}")]
    Mismatch(String),
}

/// The TLS configuration of a server: the certificate chain (PEM, the server's certificate first, then
/// its intermediates) and its private key (PEM: PKCS#8, PKCS#1 or SEC1), ring as the provider, HTTP/1.1
/// announced by ALPN (the server speaks nothing else).
pub fn tls_config(cert_pem: &std::path::Path, key_pem: &std::path::Path) -> Result<TlsConfig, TlsSetupError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let cert_path = cert_pem.display().to_string();
    let chain = CertificateDer::pem_file_iter(cert_pem)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsSetupError::Certificate { path: cert_path.clone(), error: e.to_string() })?;
    if chain.is_empty() {
        return Err(TlsSetupError::NoCertificate { path: cert_path });
    }
    let key = PrivateKeyDer::from_pem_file(key_pem)
        .map_err(|e| TlsSetupError::Key { path: key_pem.display().to_string(), error: e.to_string() })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| TlsSetupError::Mismatch(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let transport = state.config.transport.clone();
    let holders = connections::Holders::new(state.config.trusted_proxies.clone());
    serve_router(
        listener,
        routes::router(state),
        &transport,
        transport.max_connections,
        holders,
        tls,
        shutdown,
    )
    .await
}

/// Serves `app` on `listener` as [`serve`] describes (over TLS with `tls`, as [`serve_tls`] does), at most
/// `max_connections` connections at once (the API's listener and the metrics listener alike), none held
/// by one client at the expense of the others (see [`connections`]: `holders`).
pub(crate) async fn serve_router(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    transport: &Transport,
    max_connections: usize,
    holders: connections::Holders,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let connections = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(transport.header_read_timeout);
    // Dropped when the accept loop ends: handshakes still running give up (see `serve_tls`).
    let (stopping, stopped) = tokio::sync::watch::channel(());
    tokio::pin!(shutdown);
    let holders = Arc::new(holders);
    loop {
        // Accepted before a place is free, to know who asks: with every place taken, one client's hold
        // on them must not keep everyone else waiting (`connections`).
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match Arc::clone(&connections).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if holders.full(remote.ip()) == connections::WhenFull::Refuse {
                    drop(stream);
                    continue;
                }
                // Until a connection ends (the one just told to close, if any); the next waits in the
                // listen queue meanwhile, as before.
                tokio::select! {
                    permit = Arc::clone(&connections).acquire_owned() => match permit {
                        Ok(p) => p,
                        Err(_) => break, // never closed
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (holding, mut close, progress) = holders.add(remote.ip());
        let _ = stream.set_nodelay(true);
        let stream = connections::Watched::new(stream, progress, transport.write_stall_timeout);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
            tower::ServiceExt::oneshot(app.clone(), req)
        });
        let Some(acceptor) = tls.clone() else {
            let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(async move {
                tokio::select! {
                    ended = connection => if let Err(e) = ended {
                        tracing::debug!(error = %e, %remote, "connection ended with an error");
                    },
                    _ = &mut close => tracing::debug!(%remote, "connection closed to make room"),
                }
                drop((holding, permit));
            });
            continue;
        };
        let (watcher, http, mut stopped) = (graceful.watcher(), http.clone(), stopped.clone());
        let limit = transport.header_read_timeout;
        tokio::spawn(async move {
            let _held = (holding, permit);
            let handshake = tokio::time::timeout(limit, acceptor.accept(stream));
            let stream = tokio::select! {
                done = handshake => match done {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, %remote, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!(%remote, "TLS handshake not done in time");
                        return;
                    }
                },
                // The server is stopping: a connection not yet set up is not worth waiting for.
                _ = stopped.changed() => return,
                _ = &mut close => return,
            };
            tokio::select! {
                ended = watcher.watch(http.serve_connection(TokioIo::new(stream), service)) => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, %remote, "connection ended with an error");
                    }
                }
                _ = &mut close => tracing::debug!(%remote, "connection closed to make room"),
            }
        });
    }
    drop(listener);
    drop(stopping);
    graceful.shutdown().await;
    Ok(())
}
