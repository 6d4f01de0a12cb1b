//! [`ChaosProxy`]: a TCP proxy on `127.0.0.1:0` in front of a real server whose behaviour a test changes
//! while it runs: pass traffic through, be down (refuse and cut every connection, as when the phone loses
//! its signal), or misbehave like a bad mobile link — added latency, throttled bandwidth, connections reset
//! in the middle of a response, and connections that hang. Faults are drawn from a seeded generator, so a
//! failing run can be replayed. [`Mode::Answer`] puts a misbehaving proxy in the way instead: requests to
//! one path get a canned answer (an HTML 413, a bare 500) while every other request reaches the server;
//! [`Mode::Cut`] reads such a request and closes its connection without an answer.

use rand::{Rng, SeedableRng};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How the proxy treats traffic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Forward everything untouched.
    Pass,
    /// Refuse new connections and cut open ones.
    Down,
    /// A bad link: every connection gets `latency`, at most `bytes_per_sec` each way; with probability
    /// `reset` a connection is cut after a random part of the response, with probability `hang` it stops
    /// forwarding and stays open (the client's timeout must end it). Cuts and hangs come after a random
    /// number of response bytes (up to 4 KiB), so they strike in the middle of long-lived connections too.
    Bad { latency: Duration, bytes_per_sec: u64, reset: f64, hang: f64 },
    /// A proxy in the way that answers every request whose target starts with `path` itself, with `status`
    /// and `body` as `text/html` (never the server's `{code, message}`), and forwards every other request.
    /// One request per connection (it answers `Connection: close`), so each request is seen on its own; the
    /// request lines are kept (see [`ChaosProxy::requests`]).
    Answer { path: &'static str, status: u16, body: &'static str },
    /// As [`Mode::Answer`], but a request whose target starts with `path` is read whole and its connection
    /// closed with no answer at all: a server that dies on that request, or a middlebox that resets it.
    Cut { path: &'static str },
}

/// The longest request head [`Mode::Answer`] reads; a longer one is cut.
const MAX_HEAD: usize = 16 * 1024;
/// The largest request body [`Mode::Answer`] reads before answering a request itself.
const MAX_BODY: usize = 1024 * 1024;
/// Request lines kept for [`ChaosProxy::requests`]; older ones are dropped.
const MAX_REQUESTS: usize = 10_000;

struct Shared {
    mode: Mutex<Mode>,
    rng: Mutex<rand::rngs::StdRng>,
    connections: AtomicUsize,
    resets: AtomicUsize,
    hangs: AtomicUsize,
    bytes_down: AtomicU64,
    bytes_up: AtomicU64,
    generation: AtomicU64,
    /// Requests [`Mode::Answer`] answered itself.
    answered: AtomicUsize,
    /// Request lines seen in [`Mode::Answer`], oldest first, at most [`MAX_REQUESTS`].
    requests: Mutex<std::collections::VecDeque<String>>,
}

pub struct ChaosProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ChaosProxy {
    /// Starts a proxy to `upstream` in [`Mode::Pass`], drawing faults from `seed`.
    pub fn start(upstream: SocketAddr, seed: u64) -> ChaosProxy {
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Pass),
            rng: Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)),
            connections: AtomicUsize::new(0),
            resets: AtomicUsize::new(0),
            hangs: AtomicUsize::new(0),
            bytes_down: AtomicU64::new(0),
            bytes_up: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            answered: AtomicUsize::new(0),
            requests: Mutex::new(std::collections::VecDeque::new()),
        });
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
                ready_tx.send(listener.local_addr().expect("proxy address")).ok();
                loop {
                    let (inbound, _) = tokio::select! {
                        _ = &mut shutdown_rx => return,
                        accepted = listener.accept() => match accepted { Ok(a) => a, Err(_) => continue },
                    };
                    state.connections.fetch_add(1, Ordering::SeqCst);
                    let state = Arc::clone(&state);
                    tokio::spawn(async move { handle(inbound, upstream, state).await });
                }
            });
        });
        let addr = ready_rx.recv_timeout(Duration::from_secs(10)).expect("proxy started");
        ChaosProxy { addr, shared, shutdown: Some(shutdown_tx), thread: Some(thread) }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Switches behaviour; connections opened under an earlier mode are cut.
    pub fn set_mode(&self, mode: Mode) {
        *self.shared.mode.lock().expect("mode lock") = mode;
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Connections cut mid-response and connections left hanging so far.
    pub fn faults(&self) -> (usize, usize) {
        (self.shared.resets.load(Ordering::SeqCst), self.shared.hangs.load(Ordering::SeqCst))
    }

    /// Bytes forwarded so far: (server → client, client → server), i.e. what crossed the wire.
    pub fn bytes(&self) -> (u64, u64) {
        (self.shared.bytes_down.load(Ordering::SeqCst), self.shared.bytes_up.load(Ordering::SeqCst))
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Requests [`Mode::Answer`] answered (or [`Mode::Cut`] cut) itself so far.
    pub fn answered(&self) -> usize {
        self.shared.answered.load(Ordering::SeqCst)
    }

    /// The request lines (`POST /api/v1/… HTTP/1.1`) seen in [`Mode::Answer`], oldest first (the last
    /// 10 000).
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().expect("requests lock").iter().cloned().collect()
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

/// Per-connection plan drawn from the generator.
struct Plan {
    latency: Duration,
    bytes_per_sec: u64,
    /// Cut the connection after this many response bytes.
    cut_after: Option<usize>,
    /// Stop forwarding responses after this many bytes, but keep the connection open.
    hang_after: Option<usize>,
}

async fn handle(mut inbound: TcpStream, upstream: SocketAddr, state: Arc<Shared>) {
    let generation = state.generation.load(Ordering::SeqCst);
    let mode = *state.mode.lock().expect("mode lock");
    let plan = match mode {
        Mode::Down => return, // dropping `inbound` closes it at once
        Mode::Answer { path, status, body } => {
            // Bounded: a request that never finishes its head cannot hold the proxy.
            let _ = tokio::time::timeout(
                Duration::from_secs(30),
                answer_or_forward(inbound, upstream, &state, (path, status, body)),
            )
            .await;
            return;
        }
        Mode::Cut { path } => {
            let _ = tokio::time::timeout(
                Duration::from_secs(30),
                answer_or_forward(inbound, upstream, &state, (path, NO_ANSWER, "")),
            )
            .await;
            return;
        }
        Mode::Pass => Plan { latency: Duration::ZERO, bytes_per_sec: 0, cut_after: None, hang_after: None },
        Mode::Bad { latency, bytes_per_sec, reset, hang } => {
            let mut rng = state.rng.lock().expect("rng lock");
            let cut = rng.gen_bool(reset.clamp(0.0, 1.0)).then(|| rng.gen_range(0..4096));
            let hang = (cut.is_none() && rng.gen_bool(hang.clamp(0.0, 1.0))).then(|| rng.gen_range(0..4096));
            Plan { latency, bytes_per_sec, cut_after: cut, hang_after: hang }
        }
    };
    let Ok(mut outbound) = TcpStream::connect(upstream).await else { return };
    let (mut in_r, mut in_w) = inbound.split();
    let (mut out_r, mut out_w) = outbound.split();
    let alive = || state.generation.load(Ordering::SeqCst) == generation;
    let throttle = |n: usize| {
        if plan.bytes_per_sec == 0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(n as f64 / plan.bytes_per_sec as f64)
        }
    };
    let upload = async {
        let mut buf = vec![0u8; 4096];
        loop {
            let n = match tokio::time::timeout(Duration::from_millis(200), in_r.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return,
                Ok(Ok(n)) => n,
                Err(_) if alive() => continue,
                Err(_) => return,
            };
            tokio::time::sleep(throttle(n)).await;
            // Counted before it is passed on, so a test reading the count after its request was answered
            // never misses bytes still being written.
            state.bytes_up.fetch_add(n as u64, Ordering::SeqCst);
            if !alive() || out_w.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let download = async {
        tokio::time::sleep(plan.latency).await;
        let mut sent = 0usize;
        let mut buf = vec![0u8; 1024];
        loop {
            let n = match tokio::time::timeout(Duration::from_millis(200), out_r.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return,
                Ok(Ok(n)) => n,
                Err(_) if alive() => continue,
                Err(_) => return,
            };
            let mut n = n;
            if let Some(cut) = plan.cut_after {
                if sent + n > cut {
                    n = cut.saturating_sub(sent);
                    let _ = in_w.write_all(&buf[..n]).await;
                    state.resets.fetch_add(1, Ordering::SeqCst);
                    return; // reset mid-response
                }
            }
            if let Some(h) = plan.hang_after {
                if sent + n > h {
                    let _ = in_w.write_all(&buf[..h.saturating_sub(sent)]).await;
                    state.hangs.fetch_add(1, Ordering::SeqCst);
                    // Hang: keep the connection open, forward nothing, until the mode changes.
                    while alive() {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    return;
                }
            }
            tokio::time::sleep(throttle(n)).await;
            // Counted before the client can have read it (see above).
            state.bytes_down.fetch_add(n as u64, Ordering::SeqCst);
            if !alive() || in_w.write_all(&buf[..n]).await.is_err() {
                return;
            }
            sent += n;
        }
    };
    tokio::select! {
        _ = upload => {}
        _ = download => {}
    }
}

/// The `status` for [`answer_or_forward`] that closes the connection without an answer ([`Mode::Cut`]).
const NO_ANSWER: u16 = 0;

/// [`Mode::Answer`] and [`Mode::Cut`]: reads one request head; answers it here when its target starts with
/// `path` (or, with [`NO_ANSWER`], closes it once read), else forwards it (asking the server to close after
/// answering) and relays until either side closes.
async fn answer_or_forward(
    mut inbound: TcpStream,
    upstream: SocketAddr,
    state: &Shared,
    (path, status, body): (&str, u16, &str),
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if head.len() > MAX_HEAD {
            return;
        }
        match inbound.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    {
        let mut seen = state.requests.lock().expect("requests lock");
        if seen.len() == MAX_REQUESTS {
            seen.pop_front();
        }
        seen.push_back(request_line.clone());
    }
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let headers: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    if target.starts_with(path) {
        // Read the body first (as a proxy would), so the client is not cut while still sending.
        let length = headers
            .iter()
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0)
            .min(MAX_BODY);
        let mut have = head.len() - end;
        while have < length {
            match inbound.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => have += n,
            }
        }
        state.answered.fetch_add(1, Ordering::SeqCst);
        if status == NO_ANSWER {
            let _ = inbound.shutdown().await;
            return;
        }
        let answer = format!(
            "HTTP/1.1 {status} Proxy\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = inbound.write_all(answer.as_bytes()).await;
        let _ = inbound.shutdown().await;
        return;
    }
    let Ok(mut outbound) = TcpStream::connect(upstream).await else { return };
    let mut forwarded = format!("{request_line}\r\n");
    for h in headers.iter().filter(|l| !l.to_ascii_lowercase().starts_with("connection:")) {
        forwarded.push_str(h);
        forwarded.push_str("\r\n");
    }
    forwarded.push_str("connection: close\r\n\r\n");
    if outbound.write_all(forwarded.as_bytes()).await.is_err()
        || outbound.write_all(&head[end..]).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
}
