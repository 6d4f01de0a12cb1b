//! Test fixtures shared by every crate's tests.
//!
//! [`TestServer`] runs the real reference server (not a mock) on `127.0.0.1:0` with its own fresh database
//! and the demo data, on a thread of its own so sync and async tests can both use it. Dropping it shuts the
//! server down and deletes the database.
//!
//! Each test server also serves its own metrics ([`TestServer::metrics_url`]) on a second loopback port, as
//! `--metrics-listen` does.
//!
//! The database is a temporary SQLite file, or — when `PENGGERAK_TEST_DATABASE` holds a PostgreSQL admin
//! URL (`postgres://user@127.0.0.1:port/postgres`, as `cargo xtask test` sets for its PostgreSQL pass) —
//! a new database created on that server for this one test server and dropped afterwards.
//!
//! [`TestServer::start_tls`] serves https instead, with a server certificate for `127.0.0.1` and
//! `localhost` issued by a [`TestCa`] made for the test; a test trusts that CA by pointing
//! `SSL_CERT_FILE` at [`TestCa::pem_path`] before its first client is built (the client reads the
//! operating system's trust store, which on Linux honours that variable).

mod chaos;
mod fault_proxy;

pub use chaos::{ChaosProxy, Mode as ChaosMode};
pub use fault_proxy::{FaultProxy, Faults};
use penggerak_server::{demo, serve, serve_tls, AppState, Config, Db, TlsConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use penggerak_server::demo::DEMO_PASSWORD;
pub use penggerak_server::Backoff as ServerBackoff;
pub use penggerak_server::Config as ServerConfig;

/// The sign-in request of the demo account `identifier` (NUPTK, NIP or email; every demo account has
/// [`DEMO_PASSWORD`]) at `server_url`.
pub fn demo_sign_in(identifier: &str, server_url: &str) -> penggerak_types::ipc::SignInRequest {
    penggerak_types::ipc::SignInRequest {
        identifier: identifier.into(),
        password: DEMO_PASSWORD.into(),
        server_url: Some(server_url.into()),
    }
}

/// A running reference server. Stops and cleans up on drop.
pub struct TestServer {
    addr: SocketAddr,
    metrics_addr: SocketAddr,
    db_path: Option<PathBuf>,
    database_url: String,
    target: Arc<Target>,
    config: Config,
    /// Set when serving https.
    tls: Option<TlsConfig>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

/// The thread serving requests, and how to stop it (`true`: and drop the database, it is the end).
struct Running {
    shutdown: tokio::sync::oneshot::Sender<bool>,
    thread: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server seeded with the demo data, with the default configuration.
    pub fn start() -> Self {
        Self::start_with(Config::default())
    }

    /// Starts a server seeded with the demo data, with `config` (e.g. short token lifetimes).
    pub fn start_with(config: Config) -> Self {
        Self::start_inner(config, None)
    }

    /// Starts a server seeded with the demo data that serves https (only), with a certificate for
    /// `127.0.0.1` and `localhost` issued by `ca`. [`TestServer::base_url`] is then `https://…`.
    pub fn start_tls(config: Config, ca: &TestCa) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory for the server's certificate");
        let (cert, key) = ca.issue_server(dir.path());
        // Loaded as the binary loads `--tls-cert`/`--tls-key`.
        let tls = penggerak_server::tls_config(&cert, &key).expect("the test server's certificate and key");
        Self::start_inner(Config { tls: true, ..config }, Some(tls))
    }

    fn start_inner(config: Config, tls: Option<TlsConfig>) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory for the test database");
        let target = Arc::new(match std::env::var(POSTGRES_ENV) {
            Ok(admin) if !admin.is_empty() => {
                Target::Postgres { admin, name: format!("penggerak_test_{}", uuid::Uuid::new_v4().simple()) }
            }
            _ => Target::Sqlite(dir.path().join("server.sqlite")),
        });
        let db_path = match &*target {
            Target::Sqlite(p) => Some(p.clone()),
            Target::Postgres { .. } => None,
        };
        let loopback: SocketAddr = "127.0.0.1:0".parse().expect("a socket address");
        let (running, (addr, metrics_addr), database_url) =
            spawn(Arc::clone(&target), loopback, config.clone(), tls.clone(), true);
        TestServer {
            addr,
            metrics_addr,
            db_path,
            database_url,
            target,
            config,
            tls,
            running: Some(running),
            _dir: dir,
        }
    }

    /// Stops the server as a crash or a maintenance window would, keeping its database: connections are
    /// refused until [`TestServer::restart`].
    pub fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.shutdown.send(false);
            let _ = r.thread.join();
        }
    }

    /// Starts the server again on the same address and database, after [`TestServer::stop`].
    pub fn restart(&mut self) {
        assert!(self.running.is_none(), "restart() follows stop()");
        let (running, (addr, metrics_addr), _) =
            spawn(Arc::clone(&self.target), self.addr, self.config.clone(), self.tls.clone(), false);
        assert_eq!(addr, self.addr, "the restarted server listens where clients expect it");
        // A new process counts from zero, on a port of its own.
        self.metrics_addr = metrics_addr;
        self.running = Some(running);
    }

    /// Starts another instance of this server on the same database, as a second process behind a load
    /// balancer would be (the same configuration, its own address, nothing seeded). It must be dropped
    /// before this server, which drops the database: declare it after the server.
    pub fn another_instance(&self) -> Instance {
        let loopback: SocketAddr = "127.0.0.1:0".parse().expect("a socket address");
        let (running, (addr, _), _) =
            spawn(Arc::clone(&self.target), loopback, self.config.clone(), self.tls.clone(), false);
        Instance { addr, https: self.tls.is_some(), running: Some(running) }
    }

    /// The address the server listens on (for a [`FaultProxy`] in front of it).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (`https://` from [`TestServer::start_tls`]), the base URL clients are given.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/metrics`: this server's Prometheus metrics (its own listener, not the API's).
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.metrics_addr)
    }

    /// The URL of the server's database (to open it alongside the server in a test).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Publishes a learning material on the running server as an importer would (a new version when its
    /// id exists): its text, its files' bytes, and the catalogue record with sizes and hashes from them.
    /// Returns the catalogue entry as published.
    pub fn publish_material(
        &self,
        material: penggerak_types::material::Material,
        content: &penggerak_types::material::MaterialContent,
        files: &[Vec<u8>],
    ) -> penggerak_types::material::Material {
        let (url, content, files) = (self.database_url.clone(), content.clone(), files.to_vec());
        // A runtime of its own, on a thread of its own: callers are often inside one already.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            rt.block_on(async move {
                let db = Db::open(&url).await.expect("the test server's database");
                let mut tx = db.begin().await.expect("a transaction");
                let published =
                    penggerak_server::domain::materials::publish(&mut tx, material, &content, &files)
                        .await
                        .expect("publishing the material");
                tx.commit().await.expect("committing the material");
                published
            })
        })
        .join()
        .expect("the publishing thread")
    }

    /// Publishes an app release for `platform`, as `penggerak-server publish-update` does.
    pub fn publish_update(&self, platform: &str, version: &str, notes: &str, bundle: &[u8], signature: &str) {
        let url = self.database_url.clone();
        let (platform, version, notes, bundle, signature) = (
            platform.to_owned(),
            version.to_owned(),
            notes.to_owned(),
            bundle.to_vec(),
            signature.to_owned(),
        );
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            rt.block_on(async move {
                let db = Db::open(&url).await.expect("the test server's database");
                let mut tx = db.begin().await.expect("a transaction");
                let new = penggerak_server::domain::releases::NewRelease {
                    platform: &platform,
                    version: &version,
                    notes: &notes,
                    file_name: "Penggerak_amd64.deb",
                    bundle: &bundle,
                    signature: &signature,
                    at: penggerak_server::auth::now_unix(),
                };
                penggerak_server::domain::releases::publish(&mut tx, new)
                    .await
                    .expect("publishing the release");
                tx.commit().await.expect("committing the release");
            })
        })
        .join()
        .expect("the publishing thread")
    }

    /// The server's SQLite file (to inspect what is stored at rest), or `None` on PostgreSQL.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.db_path.as_deref()
    }
}

/// A further instance of a [`TestServer`] on its database ([`TestServer::another_instance`]). Stops on drop,
/// leaving the database to the server.
pub struct Instance {
    addr: SocketAddr,
    https: bool,
    running: Option<Running>,
}

impl Instance {
    /// `http://127.0.0.1:PORT` (`https://` for a TLS server's instance), this instance's base URL.
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.shutdown.send(false);
            let _ = r.thread.join();
        }
    }
}

/// Runs a server on `bind` over `target`'s database (created and seeded when `create`) on a thread of its
/// own, with its metrics on a loopback port of their own; returns once both listen, with both addresses.
fn spawn(
    target: Arc<Target>,
    bind: SocketAddr,
    config: Config,
    tls: Option<TlsConfig>,
    create: bool,
) -> (Running, (SocketAddr, SocketAddr), String) {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<bool>();
    let thread = std::thread::Builder::new()
        .name("penggerak-test-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime for the test server");
            rt.block_on(async move {
                let started = async {
                    let url = if create { target.create().await? } else { target.url() };
                    let db = Db::open(&url).await?;
                    if create {
                        demo::seed_if_empty(&db).await?;
                    }
                    // tokio sets SO_REUSEADDR, so a restart can take the address back at once.
                    let listener = tokio::net::TcpListener::bind(bind).await?;
                    let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    let addrs = (listener.local_addr()?, metrics.local_addr()?);
                    anyhow::Ok((db, (listener, metrics), (addrs, url)))
                }
                .await;
                match started {
                    Ok((db, (listener, metrics), addr)) => {
                        ready_tx.send(Ok(addr)).ok();
                        let (final_tx, final_rx) = tokio::sync::oneshot::channel::<bool>();
                        let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
                        let shutdown = async move {
                            // Dropped without a word (the test panicked): the end, clean up.
                            let last = shutdown_rx.await.unwrap_or(true);
                            let _ = stop_metrics.send(());
                            let _ = final_tx.send(last);
                        };
                        let pool = db.pool.clone();
                        let state = AppState::new(db, config);
                        let metrics = tokio::spawn(penggerak_server::metrics::serve(
                            metrics,
                            state.clone(),
                            async move {
                                let _ = metrics_stopped.await;
                            },
                        ));
                        match tls {
                            Some(tls) => serve_tls(listener, state, tls, shutdown).await,
                            None => serve(listener, state, shutdown).await,
                        }
                        .expect("test server");
                        metrics.await.expect("metrics listener task").expect("metrics listener");
                        pool.close().await;
                        if final_rx.await.unwrap_or(true) {
                            if let Err(e) = target.drop_database().await {
                                eprintln!("test database not dropped: {e:#}");
                            }
                        }
                    }
                    Err(e) => {
                        ready_tx.send(Err(e)).ok();
                    }
                }
            });
        })
        .expect("spawning the test server thread");
    let (addr, database_url) = ready_rx
        .recv()
        .expect("the test server thread ended before starting")
        .expect("the test server failed to start");
    (Running { shutdown: shutdown_tx, thread }, addr, database_url)
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.shutdown.send(true);
            let _ = r.thread.join();
        } else {
            // Stopped and never restarted: the database is still there.
            let target = Arc::clone(&self.target);
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(target.drop_database()).ok()
            })
            .join();
        }
    }
}

/// A certificate authority made for one test (a fresh key each time, valid from 1975 to 4096), and the
/// server certificates it issues. Trusted by nothing until a test points `SSL_CERT_FILE` at
/// [`TestCa::pem_path`].
pub struct TestCa {
    issuer: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    pem_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl TestCa {
    /// A new CA named `name` (its certificate's common name), its certificate written as a PEM file.
    pub fn new(name: &str) -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let key = rcgen::KeyPair::generate().expect("a CA key");
        let issuer = rcgen::CertifiedIssuer::self_signed(params, key).expect("the CA's certificate");
        let dir = tempfile::tempdir().expect("a temporary directory for the CA");
        let pem_path = dir.path().join("ca.pem");
        std::fs::write(&pem_path, issuer.pem()).expect("writing the CA's certificate");
        TestCa { issuer, pem_path, _dir: dir }
    }

    /// The CA's certificate, PEM: what `SSL_CERT_FILE` points at to trust it.
    pub fn pem_path(&self) -> &Path {
        &self.pem_path
    }

    /// Issues a server certificate for `127.0.0.1` and `localhost` (a fresh key), and writes it
    /// (`server.pem`) and its key (`server.key`, PKCS#8) into `dir`, as `--tls-cert`/`--tls-key` take them.
    pub fn issue_server(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let mut params = rcgen::CertificateParams::new(names).expect("server certificate parameters");
        params.distinguished_name.push(rcgen::DnType::CommonName, "penggerak test server");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let key = rcgen::KeyPair::generate().expect("a server key");
        let cert = params.signed_by(&key, &self.issuer).expect("the server's certificate");
        let (cert_path, key_path) = (dir.join("server.pem"), dir.join("server.key"));
        std::fs::write(&cert_path, cert.pem()).expect("writing the server's certificate");
        std::fs::write(&key_path, key.serialize_pem()).expect("writing the server's key");
        (cert_path, key_path)
    }
}

/// The address a `penggerak-server` process (its stdout piped) says it listens on, from its log line
/// `listening on <scheme>://ADDR`, waiting for that line; the rest of its stdout is then read on a thread
/// of its own, so the process never blocks on a full pipe. `None` when it ends (or its stdout was taken)
/// without saying so.
pub fn listening_address(server: &mut std::process::Child, scheme: &str) -> Option<String> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(server.stdout.take()?).lines();
    let marker = format!("listening on {scheme}://");
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split(&marker).nth(1).map(|a| a.trim().to_owned()))?;
    std::thread::spawn(move || lines.for_each(drop));
    Some(addr)
}

/// The environment variable naming a PostgreSQL admin URL to run test servers on.
pub const POSTGRES_ENV: &str = "PENGGERAK_TEST_DATABASE";

/// Where a test server's database lives.
enum Target {
    Sqlite(PathBuf),
    /// A fresh database `name` on the PostgreSQL server reached through the `admin` URL.
    Postgres {
        admin: String,
        name: String,
    },
}

impl Target {
    /// Creates the database and returns the URL the server opens.
    async fn create(&self) -> anyhow::Result<String> {
        if let Target::Postgres { admin, name } = self {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(admin).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
            conn.close().await?;
        }
        Ok(self.url())
    }

    /// The URL the server opens.
    fn url(&self) -> String {
        match self {
            Target::Sqlite(path) => format!("sqlite://{}", path.display()),
            Target::Postgres { admin, name } => {
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
                format!("{base}/{name}")
            }
        }
    }

    /// Drops the database `create` made (PostgreSQL); the SQLite file goes with its temporary directory.
    async fn drop_database(&self) -> anyhow::Result<()> {
        if let Target::Postgres { admin, name } = self {
            use sqlx::Connection;
            let mut conn = sqlx::AnyConnection::connect(admin).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await?;
            conn.close().await?;
        }
        Ok(())
    }
}
