//! [`FaultProxy`]: a TCP proxy on `127.0.0.1:0` in front of a real server, which misbehaves on purpose for
//! the first connections it sees: drops them after reading the request (the request was sent, no answer
//! came), or answers `503` as a broken load balancer would. Later connections are forwarded untouched.
//! It counts connections so a test can tell how often a client tried.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the proxy does to the first connections, in this order.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    /// Read the request, then close without answering.
    pub drop_first: usize,
    /// Then answer `503 Service Unavailable` with a non-JSON body.
    pub unavailable_next: usize,
}

pub struct FaultProxy {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (e.g. a [`crate::TestServer`]'s address).
    pub fn start(upstream: SocketAddr, faults: Faults) -> FaultProxy {
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("proxy runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
                ready_tx.send(listener.local_addr().expect("proxy address")).ok();
                loop {
                    let (mut inbound, _) = tokio::select! {
                        _ = &mut shutdown_rx => return,
                        accepted = listener.accept() => match accepted { Ok(a) => a, Err(_) => continue },
                    };
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(async move {
                        if n < faults.drop_first + faults.unavailable_next {
                            let mut buf = [0u8; 4096];
                            let _ = inbound.read(&mut buf).await; // the request arrived…
                            if n >= faults.drop_first {
                                let _ = inbound
                                    .write_all(
                                        b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\n\
                                          content-length: 11\r\nconnection: close\r\n\r\nunavailable",
                                    )
                                    .await;
                            }
                            return; // …and the connection closes
                        }
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                }
            });
        });
        let addr = ready_rx.recv().expect("the proxy started");
        FaultProxy { addr, connections, shutdown: Some(shutdown_tx), thread: Some(thread) }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
