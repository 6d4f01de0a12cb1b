//! Who holds the server's connections, so that one client cannot hold them all.
//!
//! At most [`crate::Transport::max_connections`] connections are served at once. A client that opens that
//! many and keeps them (downloads it never reads, heads sent a byte at a time) would otherwise leave every
//! other teacher waiting in the listen queue. While there is room, anyone may hold as many as they like (a
//! school's router or a carrier's NAT carries many users behind one address). When every connection is
//! taken and someone else arrives, the client holding the most gives up its oldest, if it holds more than
//! [`crate::Transport::connections_per_client_when_full`]; a newcomer from that client itself is closed
//! instead. Clients are counted by address, an IPv6 one by its /64; a trusted proxy (which carries many
//! clients and limits them itself) never gives one up.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

/// The connections each client holds, oldest first, each with the means to close it.
pub(crate) struct Holders {
    fair: usize,
    exempt: Vec<ipnet::IpNet>,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    next: u64,
    by_client: HashMap<IpAddr, VecDeque<(u64, oneshot::Sender<()>)>>,
}

/// What to do with a connection that arrives when every one is taken.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WhenFull {
    /// Wait for a place (no one holds more than a fair share, or the newcomer is a trusted proxy's).
    Wait,
    /// A connection of the client holding the most is being closed: wait for its place.
    Evicted,
    /// The newcomer is from the client holding the most, beyond its fair share: close it.
    Refuse,
}

/// One connection's entry: dropped when the connection ends. `closed` resolves when it must be closed.
pub(crate) struct Holding {
    of: Arc<Holders>,
    client: IpAddr,
    id: u64,
}

impl Holders {
    pub(crate) fn new(fair: usize, exempt: Vec<ipnet::IpNet>) -> Self {
        Self { fair: fair.max(1), exempt, held: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn exempt(&self, ip: IpAddr) -> bool {
        self.exempt.iter().any(|net| net.contains(&ip.to_canonical()))
    }

    /// Records a connection from `peer`; the receiver resolves when it is to be closed.
    pub(crate) fn add(self: &Arc<Self>, peer: IpAddr) -> (Holding, oneshot::Receiver<()>) {
        let client = crate::routes::share_key(peer);
        let (close, closed) = oneshot::channel();
        let mut held = self.lock();
        let id = held.next;
        held.next += 1;
        held.by_client.entry(client).or_default().push_back((id, close));
        (Holding { of: Arc::clone(self), client, id }, closed)
    }

    /// Every connection is taken and one arrives from `peer`: closes the oldest connection of the client
    /// holding the most when that is over its fair share and not `peer`'s, and says what the newcomer
    /// should do.
    pub(crate) fn full(&self, peer: IpAddr) -> WhenFull {
        let newcomer = crate::routes::share_key(peer);
        let mut held = self.lock();
        let most = held
            .by_client
            .iter()
            .filter(|(client, conns)| conns.len() > self.fair && !self.exempt(**client))
            .max_by_key(|(_, conns)| conns.len())
            .map(|(client, _)| *client);
        match most {
            Some(client) if client == newcomer => WhenFull::Refuse,
            Some(client) => {
                // Dropping its sender closes it; its entry goes when its task ends.
                let conns = held.by_client.get_mut(&client).expect("found above");
                conns.pop_front();
                if conns.is_empty() {
                    held.by_client.remove(&client);
                }
                tracing::info!(%client, "every connection taken: closing the oldest of the client holding the most");
                WhenFull::Evicted
            }
            None => WhenFull::Wait,
        }
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        let mut held = self.of.lock();
        if let Some(conns) = held.by_client.get_mut(&self.client) {
            conns.retain(|(id, _)| *id != self.id);
            if conns.is_empty() {
                held.by_client.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_client_over_its_fair_share_gives_one_up_and_its_oldest_first() {
        let h = Arc::new(Holders::new(2, vec!["10.0.0.2/32".parse().unwrap()]));
        let (_a1, mut a1_closed) = h.add(ip("192.0.2.1"));
        let (_a2, mut a2_closed) = h.add(ip("192.0.2.1"));
        let (_b, _) = h.add(ip("192.0.2.9"));
        // Two each at most: nobody is over the fair share, the newcomer waits.
        assert_eq!(h.full(ip("198.51.100.7")), WhenFull::Wait);
        let (_a3, _) = h.add(ip("192.0.2.1"));
        assert_eq!(h.full(ip("198.51.100.7")), WhenFull::Evicted, "three is over the share of two");
        assert!(a1_closed.try_recv().is_err_and(|e| e == oneshot::error::TryRecvError::Closed), "its oldest");
        assert!(a2_closed.try_recv().is_err_and(|e| e == oneshot::error::TryRecvError::Empty), "only that");
        let (_a4, _) = h.add(ip("192.0.2.1"));
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Refuse, "the holder's own newcomer is closed");
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_trusted_proxy_gives_nothing_up() {
        let h = Arc::new(Holders::new(1, vec!["10.0.0.2/32".parse().unwrap()]));
        let (_x, _) = h.add(ip("2001:db8:1:1::a"));
        let (_y, _) = h.add(ip("2001:db8:1:1::b"));
        assert_eq!(h.full(ip("2001:db8:1:1::c")), WhenFull::Refuse, "one /64, one client");
        let h = Arc::new(Holders::new(1, vec!["10.0.0.2/32".parse().unwrap()]));
        let (_p, _) = h.add(ip("10.0.0.2"));
        let (_q, _) = h.add(ip("10.0.0.2"));
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Wait, "the proxy's connections are many clients'");
        assert_eq!(h.full(ip("10.0.0.2")), WhenFull::Wait, "and the proxy's newcomer waits as before");
    }

    #[test]
    fn a_connection_that_ends_is_no_longer_counted() {
        let h = Arc::new(Holders::new(1, Vec::new()));
        let (a, _) = h.add(ip("192.0.2.1"));
        let (b, _) = h.add(ip("192.0.2.1"));
        drop((a, b));
        assert_eq!(h.full(ip("192.0.2.1")), WhenFull::Wait);
        assert!(h.lock().by_client.is_empty(), "nothing left behind for a client gone");
    }
}
