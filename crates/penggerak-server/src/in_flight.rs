//! The places requests hold in the in-flight limits: each client's and each user's share ([`Shares`]), and
//! what a request holds ([`Held`]), carried in its extensions so that work outliving the request's own
//! future (a keyed change, which the idempotency guard runs in its own task) takes them along. The layers
//! that take them are the router's.

use axum::extract::Request;
use std::sync::Arc;

/// How many of something each one (a client address, a user) has under way at once, each up to a most.
pub struct Shares<K>(std::sync::Mutex<std::collections::HashMap<K, usize>>);

impl<K> Default for Shares<K> {
    fn default() -> Self {
        Self(std::sync::Mutex::default())
    }
}

/// Requests in flight per client address ([`crate::Transport::max_in_flight_per_client`]).
pub type InFlight = Shares<std::net::IpAddr>;

/// Requests in flight per user ([`crate::Transport::max_in_flight_per_user`]).
pub type UsersInFlight = Shares<String>;

/// One place in a share, given back when dropped.
pub struct Share<K: std::hash::Hash + Eq> {
    of: Arc<Shares<K>>,
    who: K,
}

impl<K: std::hash::Hash + Eq + Clone> Shares<K> {
    /// A place in `who`'s share, unless it already has `most`.
    pub fn take(self: &Arc<Self>, who: K, most: usize) -> Option<Share<K>> {
        let mut counts = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = counts.entry(who.clone()).or_insert(0);
        if *n >= most {
            return None;
        }
        *n += 1;
        Some(Share { of: Arc::clone(self), who })
    }
}

/// The places a request holds (its client's share, an in-flight slot, its user's share), carried in its
/// extensions so that work which outlives the request's own future takes them along: a keyed change runs
/// on in its own task when its client hangs up ([`crate::idempotency::guard`]), and its places are given
/// back when that work ends, not when the client left. Each layer keeps its own handle too.
#[derive(Clone, Default)]
pub struct Held(Vec<Arc<dyn std::any::Any + Send + Sync>>);

impl Held {
    /// Adds `place` to what `req` holds, and returns the layer's own handle on it.
    pub(crate) fn add<T: Send + Sync + 'static>(req: &mut Request, place: T) -> Arc<T> {
        let place = Arc::new(place);
        req.extensions_mut().get_or_insert_default::<Held>().0.push(place.clone());
        place
    }

    /// What `req` holds, taken out of it (to move with its work).
    pub fn take(req: &mut Request) -> Held {
        req.extensions_mut().remove::<Held>().unwrap_or_default()
    }
}

impl<K: std::hash::Hash + Eq> Drop for Share<K> {
    fn drop(&mut self) {
        let mut counts = self.of.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.who) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.who);
            }
        }
    }
}
