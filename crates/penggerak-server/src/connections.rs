//! Who holds the server's connections, so that no client can hold them all.
//!
//! At most [`crate::Transport::max_connections`] connections are served at once. A client that opens that
//! many and keeps them (downloads it never reads, heads sent a byte at a time) would otherwise leave every
//! other teacher waiting in the listen queue. Two things stop it:
//!
//! - A connection whose answer makes no progress for [`crate::Transport::write_stall_timeout`] (the client
//!   stopped reading) is closed, as nginx's `send_timeout` does ([`Watched`]).
//! - While there is room, anyone may hold as many as they like (a school's router or a carrier's NAT
//!   carries many users behind one address). When every connection is taken and someone arrives, the
//!   client holding the most gives up the one of its connections that has been quiet the longest, if it
//!   holds at least two more than the newcomer's client ([`Holders::full`]); otherwise a newcomer whose
//!   client already holds some is closed at once (the accept loop waits for nobody who has a share). So
//!   each newcomer from elsewhere takes one from whoever holds the most, until every client holds about
//!   as many as the others: only someone with about as many addresses as there are connections could
//!   still hold them all (a flood from that many is the network's or the proxy's to stop).
//!
//! Clients are counted by address, an IPv6 one by its /64 (as the in-flight share counts them); a trusted
//! proxy, by its own address, carries many clients and limits them itself: it never gives one up.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;

/// The connections each client holds, each with the means to close it and when it last moved a byte.
pub(crate) struct Holders {
    exempt: Vec<ipnet::IpNet>,
    epoch: Instant,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    next: u64,
    by_client: HashMap<IpAddr, Client>,
}

#[derive(Default)]
struct Client {
    /// A trusted proxy: never asked to give a connection up.
    exempt: bool,
    conns: Vec<Conn>,
}

struct Conn {
    id: u64,
    /// Held for its drop: dropping it closes the connection.
    _close: oneshot::Sender<()>,
    progress: Arc<Progress>,
}

/// When a connection last read or wrote a byte, in milliseconds since its [`Holders`] began.
pub(crate) struct Progress {
    epoch: Instant,
    last: AtomicU64,
}

impl Progress {
    fn touch(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }

    fn last(&self) -> u64 {
        self.last.load(Ordering::Relaxed)
    }
}

/// What to do with a connection that arrives when every one is taken.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WhenFull {
    /// Wait for a place: the newcomer's client holds none and no other holds two (or it is a proxy's).
    Wait,
    /// A connection of the client holding the most is being closed: wait for its place.
    Evicted,
    /// The newcomer's client holds connections already, and none holds two more: close it.
    Refuse,
}

/// One connection's entry, removed when it is dropped (when the connection ends).
pub(crate) struct Holding {
    of: Arc<Holders>,
    client: IpAddr,
    id: u64,
}

impl Holders {
    pub(crate) fn new(exempt: Vec<ipnet::IpNet>) -> Self {
        Self { exempt, epoch: Instant::now(), held: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whom `peer` is counted as, and whether that is a trusted proxy (by its own address, not its /64).
    fn client(&self, peer: IpAddr) -> (IpAddr, bool) {
        let peer = peer.to_canonical();
        if self.exempt.iter().any(|net| net.contains(&peer)) {
            (peer, true)
        } else {
            (crate::limits::share_key(peer), false)
        }
    }

    /// Records a connection from `peer`. The receiver resolves when it is to be closed; the progress is
    /// the connection's to touch as bytes move ([`Watched`]).
    pub(crate) fn add(self: &Arc<Self>, peer: IpAddr) -> (Holding, oneshot::Receiver<()>, Arc<Progress>) {
        let (client, exempt) = self.client(peer);
        let (close, closed) = oneshot::channel();
        let progress = Arc::new(Progress { epoch: self.epoch, last: AtomicU64::new(0) });
        progress.touch();
        let mut held = self.lock();
        let id = held.next;
        held.next += 1;
        let entry = held.by_client.entry(client).or_default();
        entry.exempt = exempt;
        entry.conns.push(Conn { id, _close: close, progress: Arc::clone(&progress) });
        (Holding { of: Arc::clone(self), client, id }, closed, progress)
    }

    /// Every connection is taken and one arrives from `peer`: closes the quietest connection of the client
    /// holding the most when it holds at least two more than `peer`'s client, and says what the newcomer
    /// should do.
    pub(crate) fn full(&self, peer: IpAddr) -> WhenFull {
        let (newcomer, proxy) = self.client(peer);
        let mut held = self.lock();
        let has = held.by_client.get(&newcomer).map_or(0, |c| c.conns.len());
        let most = held
            .by_client
            .iter()
            .filter(|(_, c)| !c.exempt)
            .max_by_key(|(_, c)| c.conns.len())
            .map(|(client, c)| (*client, c.conns.len()));
        match most {
            Some((client, n)) if client != newcomer && n >= has + 2 => {
                let conns = &mut held.by_client.get_mut(&client).expect("found above").conns;
                let quietest = (0..conns.len())
                    .min_by_key(|&i| (conns[i].progress.last(), conns[i].id))
                    .expect("a client found holding the most holds one");
                // Dropping its sender closes it; its entry is gone already, its place comes when its task ends.
                conns.swap_remove(quietest);
                if conns.is_empty() {
                    held.by_client.remove(&client);
                }
                tracing::info!(%client, "every connection taken: closing the quietest of the client holding the most");
                WhenFull::Evicted
            }
            // It holds about as many as anyone already: closed, not queued, for while the accept loop
            // waits for a place nobody else gets past it (and one client reconnecting what it is refused
            // must not keep the others waiting).
            _ if has > 0 && !proxy => WhenFull::Refuse,
            // A client holding none, when every other holds one at most (or a trusted proxy): it waits.
            _ => WhenFull::Wait,
        }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        let mut held = self.of.lock();
        if let Some(c) = held.by_client.get_mut(&self.client) {
            c.conns.retain(|conn| conn.id != self.id);
            if c.conns.is_empty() {
                held.by_client.remove(&self.client);
            }
        }
    }
}

/// A connection's stream, watched: every byte read or written touches its [`Progress`], and a write that
/// cannot go on for `stall` (the client is not reading) fails with `TimedOut`, which ends the connection.
pub(crate) struct Watched<S> {
    inner: S,
    progress: Arc<Progress>,
    stall: Duration,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Watched<S> {
    pub(crate) fn new(inner: S, progress: Arc<Progress>, stall: Duration) -> Self {
        Self { inner, progress, stall, stalled: None }
    }

    /// After a write's poll: progress clears the stall, a write that cannot go on starts or checks it.
    fn after_write(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<std::io::Result<usize>>,
    ) -> Poll<std::io::Result<usize>> {
        match polled {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.progress.touch();
                }
                self.stalled = None;
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let stall = self.stall;
                let timer = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
                if timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the client stopped reading the answer",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.progress.touch();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.after_write(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.after_write(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn closed(rx: &mut oneshot::Receiver<()>) -> bool {
        rx.try_recv().is_err_and(|e| e == oneshot::error::TryRecvError::Closed)
    }

    #[test]
    fn the_client_holding_the_most_gives_up_its_quietest_to_one_holding_two_fewer() {
        let h = Arc::new(Holders::new(Vec::new()));
        let (_a1, mut a1_closed, a1) = h.add(ip("192.0.2.1"));
        let (_a2, mut a2_closed, _) = h.add(ip("192.0.2.1"));
        let (_b, _, _) = h.add(ip("192.0.2.9"));
        // Two against one: the newcomer's client already holds one, two is not two more: it has its share.
        assert_eq!(h.full(ip("192.0.2.9")), WhenFull::Refuse);
        // A client holding none: two is two more. The quietest goes, not simply the oldest.
        std::thread::sleep(Duration::from_millis(5));
        a1.touch();
        assert_eq!(h.full(ip("198.51.100.7")), WhenFull::Evicted);
        assert!(closed(&mut a2_closed), "the quieter of its two");
        assert!(!closed(&mut a1_closed), "the one that moved a byte since stays");
        let (_a3, _, _) = h.add(ip("192.0.2.1"));
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Refuse, "the holder's own newcomer is closed");
    }

    #[test]
    fn no_fixed_share_to_hide_under_many_addresses_each_holding_a_few() {
        let h = Arc::new(Holders::new(Vec::new()));
        let mut kept = Vec::new();
        for a in 1..=8 {
            for _ in 0..3 {
                kept.push(h.add(ip(&format!("203.0.113.{a}"))));
            }
        }
        assert_eq!(h.full(ip("198.51.100.7")), WhenFull::Evicted, "three each is two more than none");
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_trusted_proxy_gives_nothing_up() {
        let h = Arc::new(Holders::new(Vec::new()));
        let (_x, _, _) = h.add(ip("2001:db8:1:1::a"));
        let (_y, _, _) = h.add(ip("2001:db8:1:1::b"));
        assert_eq!(h.full(ip("2001:db8:1:1::c")), WhenFull::Refuse, "one /64, one client");
        // A proxy named by its own address, IPv4 or IPv6 (whose /64 it is not).
        let proxies = vec!["10.0.0.2/32".parse().unwrap(), "::1/128".parse().unwrap()];
        let h = Arc::new(Holders::new(proxies));
        let mut kept = Vec::new();
        for _ in 0..3 {
            kept.push(h.add(ip("10.0.0.2")));
            kept.push(h.add(ip("::1")));
        }
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Wait, "the proxies' connections are many clients'");
        assert_eq!(h.full(ip("::1")), WhenFull::Wait, "and a proxy's newcomer waits as before");
        assert_eq!(h.full(ip("::ffff:10.0.0.2")), WhenFull::Wait, "however its address is written");
    }

    #[test]
    fn a_connection_that_ends_is_no_longer_counted() {
        let h = Arc::new(Holders::new(Vec::new()));
        let (a, _, _) = h.add(ip("192.0.2.1"));
        let (b, _, _) = h.add(ip("192.0.2.1"));
        drop((a, b));
        assert_eq!(h.full(ip("198.51.100.7")), WhenFull::Wait);
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Wait, "it holds none any more");
        assert!(h.lock().by_client.is_empty(), "nothing left behind for a client gone");
    }

    #[tokio::test]
    async fn a_write_the_client_does_not_read_fails_after_the_stall_and_progress_resets_it() {
        let h = Arc::new(Holders::new(Vec::new()));
        let (_held, _, progress) = h.add(ip("192.0.2.1"));
        let (near, mut far) = tokio::io::duplex(64);
        let mut w = Watched::new(near, progress, Duration::from_secs(2));
        w.write_all(&[0; 64]).await.unwrap();
        // The next byte waits for room; the client reads a moment later, well inside the stall.
        let reader = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut buf = [0u8; 64];
            tokio::io::AsyncReadExt::read_exact(&mut far, &mut buf).await.unwrap();
            far
        });
        w.write_all(&[0; 1]).await.expect("a client that reads in time lets the answer go on");
        let _far = reader.await.unwrap();
        // Full again, and nobody reads any more: the write fails once the stall is over.
        w.write_all(&[0; 63]).await.unwrap();
        let e = w.write_all(&[0; 1]).await.expect_err("a client that never reads again");
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
    }
}
