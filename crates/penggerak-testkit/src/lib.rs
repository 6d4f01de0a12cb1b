//! Test fixtures shared by every crate's tests.
//!
//! [`TestServer`] runs the real reference server (not a mock) on `127.0.0.1:0` with its own temporary
//! SQLite file and the demo data, on a thread of its own so sync and async tests can both use it. Dropping
//! it shuts the server down and deletes the database.

use penggerak_server::{demo, serve, AppState, Config, Db};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread::JoinHandle;

pub use penggerak_server::demo::{DEMO_PASSWORD, USERS as DEMO_USERS};
pub use penggerak_server::Config as ServerConfig;

/// A running reference server. Stops and cleans up on drop.
pub struct TestServer {
    addr: SocketAddr,
    db_path: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server seeded with the demo data, with the default configuration.
    pub fn start() -> Self {
        Self::start_with(Config::default())
    }

    /// Starts a server seeded with the demo data, with `config` (e.g. short token lifetimes).
    pub fn start_with(config: Config) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory for the test database");
        let db_path = dir.path().join("server.sqlite");
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let path = db_path.clone();
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
                        let db = Db::open_file(&path).await?;
                        demo::seed_if_empty(&db).await?;
                        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                        let addr = listener.local_addr()?;
                        anyhow::Ok((db, listener, addr))
                    }
                    .await;
                    match started {
                        Ok((db, listener, addr)) => {
                            ready_tx.send(Ok(addr)).ok();
                            let shutdown = async {
                                let _ = shutdown_rx.await;
                            };
                            serve(listener, AppState::new(db, config), shutdown).await.expect("test server");
                        }
                        Err(e) => {
                            ready_tx.send(Err(e)).ok();
                        }
                    }
                });
            })
            .expect("spawning the test server thread");
        let addr = ready_rx
            .recv()
            .expect("the test server thread ended before starting")
            .expect("the test server failed to start");
        TestServer { addr, db_path, shutdown: Some(shutdown_tx), thread: Some(thread), _dir: dir }
    }

    /// `http://127.0.0.1:PORT`, the base URL clients are given.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's database file (to inspect state a test produced).
    pub fn db_path(&self) -> &std::path::Path {
        &self.db_path
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
