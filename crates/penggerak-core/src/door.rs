//! Berbagi di sekolah's machinery, below the engine (`sharing.rs` is its door to the engine): the peers
//! this device knows (found by mDNS, added by address, dropped for lying), and the door colleagues' devices
//! fetch from — an HTTP/1 server on the local network answering only `GET` of a file part by the SHA-256
//! of a file this device saved and checked, or of a saved text by its catalogue tag
//! ([`penggerak_types::peer`]) — with its mDNS announcement. Never imports the engine.
//!
//! What a stranger on the network can get: the files and texts of public learning materials this device
//! saved, if they know their hashes — nothing else (no listing, no account, no token, no path from the
//! request). The door is bounded: [`limits::PEER_CONNECTIONS`] connections at once (more wait), a request
//! head of [`limits::PEER_REQUEST_HEAD`] bytes, a part of [`limits::PEER_PART_MAX`] bytes,
//! [`limits::PEER_CONNECTION_SECS`] per connection.

use crate::{CoreError, LocalStore};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use hyper::{Method, Request, Response, StatusCode};
use penggerak_client::{PeerClient, PeerPart};
use penggerak_types::ipc::Peer;
use penggerak_types::{limits, peer};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The setting that keeps the peers added by address (space-separated `address:port`).
pub(crate) const PEERS_ADDED: &str = "peers_added";
/// How long a peer has to answer one part before the download asks the next peer or the server.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the door waits for a request's head on an open connection.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// Colleagues' devices: found on the network, added by address, and dropped for lying. One per engine.
pub(crate) struct Peers {
    client: PeerClient,
    state: Mutex<PeerState>,
}

#[derive(Default)]
struct PeerState {
    /// Found by mDNS: the service's full name → where it answers.
    found: BTreeMap<String, SocketAddr>,
    /// Added by the user (the setting, as read when the door opened or changed since).
    added: Vec<SocketAddr>,
    /// Sent bytes that were not the catalogue's: never asked again while the engine runs.
    dropped: Vec<SocketAddr>,
    /// How long each peer took to answer its last part: the quickest is asked first.
    answered_in: BTreeMap<SocketAddr, Duration>,
}

impl Peers {
    pub(crate) fn new() -> Result<Self, CoreError> {
        Ok(Self { client: PeerClient::new(PEER_TIMEOUT)?, state: Mutex::default() })
    }

    /// What the peer client received since the last call (for the data use, "dari rekan").
    pub(crate) fn take_received(&self) -> u64 {
        self.client.meter().take().received
    }

    /// Gives back a count [`Peers::take_received`] took that could not be kept.
    pub(crate) fn put_back(&self, received: u64) {
        self.client.meter().put_back(penggerak_client::Traffic { sent: 0, received });
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PeerState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Peers to ask, quickest first (never answered: after those that did), without the dropped ones
    /// and those in `skip`.
    fn candidates(&self, skip: &[SocketAddr]) -> Vec<SocketAddr> {
        let s = self.state();
        let mut all: Vec<SocketAddr> = Vec::new();
        for a in s.added.iter().chain(s.found.values()) {
            if !all.contains(a) && !s.dropped.contains(a) && !skip.contains(a) {
                all.push(*a);
            }
        }
        // Stable: among peers never asked, those added by address first.
        all.sort_by_key(|a| s.answered_in.get(a).copied().unwrap_or(Duration::MAX));
        all
    }

    /// Drops `peer` until the engine is opened again: it sent what the catalogue does not list.
    pub(crate) fn drop_peer(&self, peer: SocketAddr) {
        let mut s = self.state();
        if !s.dropped.contains(&peer) {
            // Bounded: a network announcing liar after liar does not grow it forever (the oldest go).
            if s.dropped.len() >= 4 * limits::PEERS {
                s.dropped.remove(0);
            }
            s.dropped.push(peer);
        }
    }

    /// The peers added by address (from the setting).
    pub(crate) fn set_added(&self, added: Vec<SocketAddr>) {
        self.state().added = added;
    }

    /// Forgets the peers found on the network (the door closed: nothing looks any more).
    pub(crate) fn forget_found(&self) {
        self.state().found.clear();
    }

    /// The text of the material whose catalogue entry has `content_etag`, from the first peer (quickest
    /// first) that has it and whose copy is that version. A peer whose copy does not match the tag is
    /// dropped.
    pub(crate) async fn text(
        &self,
        content_etag: &str,
    ) -> Option<penggerak_types::material::MaterialContent> {
        let tag = peer::text_tag(content_etag)?;
        for at in self.candidates(&[]) {
            match self.client.text(at, content_etag).await {
                Ok(Some(body)) if text_is(tag, &body) => match serde_json::from_slice(&body) {
                    Ok(content) => return Some(content),
                    Err(e) => tracing::info!(peer = %at, error = %e, "a colleague's text could not be read"),
                },
                Ok(Some(_)) => {
                    tracing::warn!(peer = %at, "a colleague's device sent a text that is not the catalogue's; it is dropped");
                    self.drop_peer(at);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::info!(peer = %at, error = %e, "a colleague's device failed; the server takes over")
                }
            }
        }
        None
    }

    /// A part of the file with `sha256` from byte `from` (up to `len` bytes, which the file has) from the
    /// quickest peer that has it; `None` when no peer (left) has it. Peers that lack the file or fail are
    /// put in `skip`, and so is one whose part is short of `len`: it may hold the file, but a device that
    /// answers a byte at a time would be asked once for every byte of it. Its bytes are used (the
    /// file's hash checks them with the rest).
    pub(crate) async fn file_part(
        &self,
        sha256: &str,
        from: u64,
        len: u64,
        skip: &mut Vec<SocketAddr>,
    ) -> Option<(SocketAddr, Vec<u8>)> {
        for at in self.candidates(skip) {
            let asked = Instant::now();
            match self.client.file_part(at, sha256, from, len).await {
                Ok(PeerPart::Bytes(bytes)) => {
                    let mut state = self.state();
                    // Bounded: peers found come and go with their addresses.
                    if state.answered_in.len() >= 4 * limits::PEERS {
                        state.answered_in.clear();
                    }
                    state.answered_in.insert(at, asked.elapsed());
                    if (bytes.len() as u64) < len {
                        let sent = bytes.len();
                        tracing::info!(peer = %at, sent, len, "a colleague's device sent a short part");
                        skip.push(at);
                    }
                    return Some((at, bytes));
                }
                Ok(PeerPart::Missing) => skip.push(at),
                Err(e) => {
                    tracing::info!(peer = %at, error = %e, "a colleague's device failed; the server takes over");
                    skip.push(at);
                }
            }
        }
        None
    }

    pub(crate) fn listed(&self) -> Vec<Peer> {
        let s = self.state();
        let added = s.added.iter().map(|a| (a, true));
        let found = s.found.values().filter(|a| !s.added.contains(a)).map(|a| (a, false));
        added
            .chain(found)
            .map(|(a, added)| Peer { address: a.to_string(), added, dropped: s.dropped.contains(a) })
            .collect()
    }
}

/// What the door's connections share.
struct DoorContext {
    store: LocalStore,
    materials: PathBuf,
}

/// The open door: the listening task (which owns every connection's task, so closing it ends them all,
/// mid-transfer included) and the mDNS daemon announcing it. Closed when dropped.
pub(crate) struct Door {
    port: u16,
    /// Whether it listens on IPv6 as well as IPv4.
    ipv6: bool,
    task: tokio::task::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    mdns: Option<mdns_sd::ServiceDaemon>,
}

impl Door {
    /// Closes the door and returns once nothing listens and every connection is ended, mid-transfer
    /// included.
    pub(crate) async fn close(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Door {
    fn drop(&mut self) {
        // Closed without `close` (the engine dropped): the task ends at its next poll.
        self.task.abort();
        if let Some(d) = self.mdns.take() {
            if let Err(e) = d.shutdown() {
                tracing::warn!(error = %e, "could not stop announcing on the network");
            }
        }
        tracing::info!(port = self.port, "sharing on the network stopped");
    }
}

impl Door {
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Whether it listens on IPv6 as well as IPv4.
    pub(crate) fn ipv6(&self) -> bool {
        self.ipv6
    }

    /// Whether it is announced, and colleagues looked for, on the network.
    pub(crate) fn discovering(&self) -> bool {
        self.mdns.is_some()
    }

    /// Opens the door on `port` ([`peer::PORT`] in the app; any free port when that one is taken),
    /// announces it and starts looking for colleagues' doors.
    pub(crate) fn open(
        store: LocalStore,
        materials: PathBuf,
        peers: &Arc<Peers>,
        discovery: bool,
        port: u16,
    ) -> Result<Door, CoreError> {
        // IPv6 and IPv4 on one socket where the system allows it (a school network may give only one of
        // them), IPv4 alone otherwise; our port if it is free, any other if not.
        let any6 = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
        let any4 = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        let listener = [(any6, port), (any4, port), (any6, 0), (any4, 0)]
            .into_iter()
            .find_map(|at| std::net::TcpListener::bind(at).ok())
            .ok_or_else(|| CoreError::Storage("no port to share on".into()))?;
        listener.set_nonblocking(true).map_err(|e| CoreError::Storage(e.to_string()))?;
        let bound = listener.local_addr().map_err(|e| CoreError::Storage(e.to_string()))?;
        let (port, ipv6) = (bound.port(), bound.is_ipv6());
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|e| CoreError::Storage(e.to_string()))?;
        let context = Arc::new(DoorContext { store, materials });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(listener, context, stopped));
        let mdns = match discovery.then(|| announce_and_look(port, peers)) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "discovery on the network is unavailable; peers added by address still work");
                None
            }
        };
        tracing::info!(port, "sharing saved materials on the network");
        Ok(Door { port, ipv6, task, stop: Some(stop), mdns })
    }
}

/// Announces this device's door and keeps [`PeerState::found`] up to date from what the network says.
fn announce_and_look(port: u16, peers: &Arc<Peers>) -> Result<mdns_sd::ServiceDaemon, mdns_sd::Error> {
    let daemon = mdns_sd::ServiceDaemon::new()?;
    // A random instance name: nothing about the user or the device travels in the announcement.
    let instance = format!("penggerak-{:016x}", rand_u64());
    let host = format!("{instance}.local.");
    let info =
        mdns_sd::ServiceInfo::new(peer::SERVICE_TYPE, &instance, &host, (), port, None)?.enable_addr_auto();
    let own = info.get_fullname().to_owned();
    daemon.register(info)?;
    let events = daemon.browse(peer::SERVICE_TYPE)?;
    let peers = Arc::clone(peers);
    tokio::spawn(async move {
        while let Ok(event) = events.recv_async().await {
            match event {
                mdns_sd::ServiceEvent::ServiceResolved(s) if s.fullname != own => {
                    // An IPv4 address on the local network first (the same as typed addresses).
                    let mut ips: Vec<IpAddr> = s
                        .addresses
                        .iter()
                        .map(|ip| ip.to_ip_addr())
                        .filter(|ip| peer::is_local(*ip) && !ip.is_loopback())
                        .collect();
                    ips.sort_by_key(|ip| ip.is_ipv6());
                    let Some(ip) = ips.first() else { continue };
                    let mut state = peers.state();
                    if state.found.len() < limits::PEERS || state.found.contains_key(&s.fullname) {
                        tracing::info!(peer = %SocketAddr::new(*ip, s.port), "found a colleague's device");
                        state.found.insert(s.fullname.clone(), SocketAddr::new(*ip, s.port));
                    }
                }
                mdns_sd::ServiceEvent::ServiceRemoved(_, fullname) => {
                    peers.state().found.remove(&fullname);
                }
                _ => {}
            }
        }
    });
    Ok(daemon)
}

fn rand_u64() -> u64 {
    let id = uuid::Uuid::new_v4();
    u64::from_le_bytes(id.as_bytes()[..8].try_into().unwrap_or_default())
}

/// Accepts connections, [`limits::PEER_CONNECTIONS`] at a time (the others wait in the queue), each for
/// at most [`limits::PEER_CONNECTION_SECS`]. Ends (and ends every connection) when aborted.
async fn serve(
    listener: tokio::net::TcpListener,
    context: Arc<DoorContext>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits::PEER_CONNECTIONS));
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = async {
                let slot = Arc::clone(&slots).acquire_owned().await;
                (slot, listener.accept().await)
            } => accepted,
        };
        let (Ok(slot), accepted) = accepted else { break };
        let (stream, from) = match accepted {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "sharing: accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let context = Arc::clone(&context);
        connections.spawn(async move {
            let _slot = slot;
            let io = hyper_util::rt::TokioIo::new(stream);
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(limits::PEER_REQUEST_HEAD);
            let service = hyper::service::service_fn(move |req| {
                let context = Arc::clone(&context);
                async move { Ok::<_, std::convert::Infallible>(answer(&context, req).await) }
            });
            let connection = http.serve_connection(io, service);
            match tokio::time::timeout(Duration::from_secs(limits::PEER_CONNECTION_SECS), connection).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(peer = %from, error = %e, "sharing: a connection failed"),
                Err(_) => tracing::debug!(peer = %from, "sharing: a connection took too long and was closed"),
            }
        });
    }
    // Stopped: nothing listens from here on, and every connection ends now, mid-transfer included.
    drop(listener);
    connections.shutdown().await;
}

fn plain(status: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    r
}

/// The answer to one request: `206` with the part asked for of a file this device saved and checked,
/// `404` for anything else it does not hold (whatever the path names), `400`/`416` for a bad range.
async fn answer(context: &DoorContext, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET {
        return plain(StatusCode::METHOD_NOT_ALLOWED);
    }
    if let Some(tag) = req.uri().path().strip_prefix(peer::TEXT_PREFIX) {
        return match saved_text(context, tag).await {
            Some(body) => {
                let mut r = Response::new(Full::new(Bytes::from(body)));
                r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
            None => plain(StatusCode::NOT_FOUND),
        };
    }
    let Some(sha) = req.uri().path().strip_prefix(peer::FILE_PREFIX).filter(|s| peer::is_sha256(s)) else {
        return plain(StatusCode::NOT_FOUND);
    };
    let Some((path, size)) = saved_file(context, sha).await else {
        return plain(StatusCode::NOT_FOUND);
    };
    let Some((first, last)) = req.headers().get(RANGE).and_then(|v| v.to_str().ok()).and_then(parse_range)
    else {
        return plain(StatusCode::BAD_REQUEST);
    };
    if first >= size {
        let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE);
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
            r.headers_mut().insert(CONTENT_RANGE, v);
        }
        return r;
    }
    let len = last
        .unwrap_or(u64::MAX)
        .saturating_sub(first)
        .saturating_add(1)
        .min(limits::PEER_PART_MAX)
        .min(size - first);
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut file = std::fs::File::open(&path)?;
        file.seek(SeekFrom::Start(first))?;
        let mut bytes = vec![0; len as usize];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    })
    .await;
    let bytes = match read {
        Ok(Ok(b)) => b,
        other => {
            tracing::warn!(?other, "sharing: a saved file could not be read");
            return plain(StatusCode::NOT_FOUND);
        }
    };
    let mut r = Response::new(Full::new(Bytes::from(bytes)));
    *r.status_mut() = StatusCode::PARTIAL_CONTENT;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{}/{size}", first + len - 1)) {
        h.insert(CONTENT_RANGE, v);
    }
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The text of a saved material whose catalogue tag is `tag`, as its JSON body: only if it is that
/// version's (its SHA-256 starts with the tag, which is what a receiver checks), and not over
/// [`limits::PEER_PART_MAX`].
async fn saved_text(context: &DoorContext, tag: &str) -> Option<Vec<u8>> {
    if !peer::is_text_tag(tag) {
        return None;
    }
    let (body,): (String,) =
        sqlx::query_as("SELECT content FROM saved_materials WHERE content_etag = ? LIMIT 1")
            .bind(format!("\"{tag}\""))
            .fetch_optional(context.store.pool())
            .await
            .ok()??;
    (body.len() as u64 <= limits::PEER_PART_MAX && text_is(tag, body.as_bytes())).then(|| body.into_bytes())
}

/// Whether `body` is the text tagged `tag` (the first 32 hex digits of its SHA-256).
fn text_is(tag: &str, body: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let sha: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    sha.starts_with(tag) && tag.len() == 32
}

/// `bytes=<first>-<last>` or `bytes=<first>-`: one range only.
fn parse_range(v: &str) -> Option<(u64, Option<u64>)> {
    let (first, last) = v.trim().strip_prefix("bytes=")?.split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last = match last.trim() {
        "" => None,
        l => Some(l.parse::<u64>().ok().filter(|l| *l >= first)?),
    };
    Some((first, last))
}

/// The file saved under hash `sha` and its size, if this device holds it whole: looked up in the saved
/// files (every one checked against the catalogue when it was saved), never from anything in the request
/// but the hash.
async fn saved_file(context: &DoorContext, sha: &str) -> Option<(PathBuf, u64)> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT material_id, file_id, size FROM saved_material_files WHERE sha256 = ? LIMIT 4",
    )
    .bind(sha)
    .fetch_all(context.store.pool())
    .await
    .ok()?;
    rows.into_iter().find_map(|(material, file, size)| {
        let path = crate::material_files::saved_file_path(&context.materials, &material, &file)?;
        let size = u64::try_from(size).ok()?;
        (std::fs::metadata(&path).ok()?.len() == size).then_some((path, size))
    })
}

/// This device's addresses on its local networks (not loopback; IPv6 only when the door listens on it),
/// with `port`.
pub(crate) fn own_addresses(port: u16, ipv6: bool) -> Vec<String> {
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && peer::is_local(*ip) && (ipv6 || ip.is_ipv4()))
        .collect();
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.dedup();
    ips.into_iter().map(|ip| SocketAddr::new(ip, port).to_string()).collect()
}

pub(crate) fn added_from(setting: Option<String>) -> Vec<SocketAddr> {
    setting
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|a| peer::parse_address(a).ok())
        .take(limits::PEERS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_one_range_from_a_first_byte() {
        assert_eq!(parse_range("bytes=0-99"), Some((0, Some(99))));
        assert_eq!(parse_range("bytes=100-"), Some((100, None)));
        for bad in ["bytes=5-1", "bytes=-100", "bytes=0-1,5-9", "items=0-1", "bytes=a-b", ""] {
            assert_eq!(parse_range(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn peers_are_asked_once_each_quickest_first_never_a_dropped_one() {
        let at = |last: u8| SocketAddr::from(([192, 168, 1, last], 47800));
        let peers = Peers::new().unwrap();
        {
            let mut s = peers.state();
            s.added = vec![at(1), at(2)];
            s.found.insert("a".into(), at(1));
            s.found.insert("b".into(), at(3));
            s.found.insert("c".into(), at(4));
            s.answered_in.insert(at(3), Duration::from_millis(5));
        }
        peers.drop_peer(at(4));
        assert_eq!(
            peers.candidates(&[at(2)]),
            vec![at(3), at(1)],
            "the one that answered first, then the rest as added; a peer added and found is asked once"
        );
        let listed = peers.listed();
        assert_eq!(listed.len(), 4, "each device listed once: {listed:?}");
        assert!(listed.iter().any(|p| p.address == at(4).to_string() && p.dropped));
    }

    #[test]
    fn the_peers_dropped_are_bounded_and_the_newest_kept() {
        let peers = Peers::new().unwrap();
        let many = 4 * limits::PEERS + 10;
        for i in 0..many {
            peers.drop_peer(SocketAddr::from(([10, 0, (i / 250) as u8, (i % 250) as u8], 47800)));
        }
        let s = peers.state();
        assert_eq!(s.dropped.len(), 4 * limits::PEERS, "a network announcing liar after liar is bounded");
        let newest = SocketAddr::from(([10, 0, ((many - 1) / 250) as u8, ((many - 1) % 250) as u8], 47800));
        assert!(s.dropped.contains(&newest), "the newest liar is the one remembered");
    }

    #[test]
    fn typed_peers_are_kept_bounded_and_valid() {
        let many: Vec<String> = (1..=40).map(|i| format!("192.168.1.{i}:47800")).collect();
        let kept = added_from(Some(format!("8.8.8.8:1 junk {}", many.join(" "))));
        assert_eq!(kept.len(), limits::PEERS, "no more than the bound, whatever the setting holds");
        assert_eq!(kept[0].to_string(), "192.168.1.1:47800", "what is not a local address is left out");
        assert!(added_from(None).is_empty());
    }
}
