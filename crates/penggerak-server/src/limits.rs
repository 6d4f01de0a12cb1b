//! Sign-in rate limits: in-memory sliding windows of recent attempts, per account and per client address.
//!
//! Owns: how many sign-in attempts are allowed, and for how long a refused caller must wait. Counts per
//! account are failed attempts only (a successful sign-in clears them); counts per address are every
//! attempt. Memory is bounded: each key keeps at most `max` timestamps, and each window keeps at most
//! [`MAX_KEYS`] keys, dropping expired ones first and then the tenth used least recently.
//!
//! Never: reads the clock itself (callers pass `now`, so tests can move time), touches the database, or
//! survives a restart (the limits are a brake on guessing, not an audit log).

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many keys one window remembers at most.
pub const MAX_KEYS: usize = 100_000;

/// At most `max` attempts within any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }
}

/// An attempt was refused; the caller may try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

/// Who a sign-in attempt counts against: the account (by user id when the identifier names one, otherwise
/// by the normalised identifier, so unknown and known identifiers are limited alike).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountKey {
    User(String),
    Identifier(String),
}

impl AccountKey {
    /// The key of an identifier that names no account: trimmed and lower-cased, like the lookup.
    pub fn unknown(identifier: &str) -> Self {
        AccountKey::Identifier(identifier.trim().to_lowercase())
    }
}

/// The sign-in limits of one server process, shared by every request through `AppState`.
#[derive(Debug)]
pub struct RateLimits {
    per_account: SlidingWindow<AccountKey>,
    per_address: SlidingWindow<IpAddr>,
}

impl RateLimits {
    pub fn new(per_account: Limit, per_address: Limit) -> Self {
        Self {
            per_account: SlidingWindow::new(per_account, MAX_KEYS),
            per_address: SlidingWindow::new(per_address, MAX_KEYS),
        }
    }

    /// Counts a sign-in attempt from `address`, or refuses it if that address used up its attempts.
    pub fn login_from(&self, address: IpAddr, now: Instant) -> Result<(), Refused> {
        self.per_address.try_hit(address_key(address), now)
    }

    /// Counts a sign-in attempt against `account` before the password is checked, or refuses it if the
    /// account has too many recent failures. A success then calls [`RateLimits::login_succeeded`], which
    /// clears the count, so in effect only failures are counted.
    pub fn login_to(&self, account: &AccountKey, now: Instant) -> Result<(), Refused> {
        self.per_account.try_hit(account.clone(), now)
    }

    /// The right password was given: forget the account's failed attempts.
    pub fn login_succeeded(&self, account: &AccountKey) {
        self.per_account.clear(account);
    }
}

/// The address an attempt counts against. IPv6 clients usually own a whole /64, so they count as one;
/// IPv4-mapped IPv6 addresses count as the IPv4 address.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

/// The timestamps of the recent attempts of each key, at most `limit.max` per key.
#[derive(Debug)]
struct SlidingWindow<K> {
    limit: Limit,
    max_keys: usize,
    hits: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Eq + Hash + Clone> SlidingWindow<K> {
    fn new(limit: Limit, max_keys: usize) -> Self {
        Self { limit, max_keys: max_keys.max(1), hits: Mutex::new(HashMap::new()) }
    }

    /// Records an attempt of `key` at `now`, or refuses it (without recording) if `key` already made
    /// `limit.max` attempts within the window ending at `now`.
    fn try_hit(&self, key: K, now: Instant) -> Result<(), Refused> {
        let window = self.limit.window;
        if self.limit.max == 0 {
            return Err(Refused { retry_after: window });
        }
        let mut hits = self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !hits.contains_key(&key) && hits.len() >= self.max_keys {
            make_room(&mut hits, window, now, self.max_keys);
        }
        let times = hits.entry(key).or_default();
        while times.front().is_some_and(|&t| now.saturating_duration_since(t) >= window) {
            times.pop_front();
        }
        if times.len() >= self.limit.max as usize {
            let oldest = *times.front().expect("max > 0 attempts are recorded");
            return Err(Refused { retry_after: (oldest + window).saturating_duration_since(now) });
        }
        times.push_back(now);
        Ok(())
    }

    fn clear(&self, key: &K) {
        self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

/// Makes room for a new key in a full window: drops keys whose attempts all expired and, if that frees
/// nothing, the tenth of the keys whose latest attempts are oldest (so the scan is rare, not per request).
fn make_room<K: Eq + Hash + Clone>(
    hits: &mut HashMap<K, VecDeque<Instant>>,
    window: Duration,
    now: Instant,
    max_keys: usize,
) {
    hits.retain(|_, times| times.back().is_some_and(|&t| now.saturating_duration_since(t) < window));
    if hits.len() < max_keys {
        return;
    }
    let mut by_age: Vec<(Option<Instant>, K)> =
        hits.iter().map(|(k, times)| (times.back().copied(), k.clone())).collect();
    let evict = (max_keys / 10 + 1).min(by_age.len());
    by_age.select_nth_unstable_by_key(evict - 1, |(last, _)| *last);
    for (_, k) in &by_age[..evict] {
        hits.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn refuses_after_max_within_the_window_and_says_when_to_retry() {
        let w = SlidingWindow::new(Limit::new(3, 10 * MIN), 100);
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(w.try_hit("a", t0 + i * MIN), Ok(()), "attempt {} of 3 is within the limit", i + 1);
        }
        let refused = w.try_hit("a", t0 + 5 * MIN).expect_err("a 4th attempt within 10 minutes is refused");
        assert_eq!(
            refused.retry_after,
            5 * MIN,
            "the oldest attempt (t0) leaves the window at t0 + 10 min, 5 minutes after the refused one"
        );
        assert_eq!(w.try_hit("b", t0 + 5 * MIN), Ok(()), "another key has its own count");
    }

    #[test]
    fn the_window_slides_instead_of_resetting() {
        let w = SlidingWindow::new(Limit::new(2, 10 * MIN), 100);
        let t0 = Instant::now();
        w.try_hit("a", t0).unwrap();
        w.try_hit("a", t0 + 6 * MIN).unwrap();
        assert!(w.try_hit("a", t0 + 9 * MIN).is_err(), "two attempts in the last 10 minutes use the limit");
        assert_eq!(
            w.try_hit("a", t0 + 10 * MIN),
            Ok(()),
            "at t0 + 10 min the first attempt has left the window"
        );
        assert!(
            w.try_hit("a", t0 + 11 * MIN).is_err(),
            "the attempts at t0 + 6 and t0 + 10 min are still in the window"
        );
    }

    #[test]
    fn refused_attempts_do_not_extend_the_wait() {
        let w = SlidingWindow::new(Limit::new(1, 10 * MIN), 100);
        let t0 = Instant::now();
        w.try_hit("a", t0).unwrap();
        for i in 1..10 {
            assert!(w.try_hit("a", t0 + i * MIN).is_err(), "still within the first attempt's window");
        }
        assert_eq!(
            w.try_hit("a", t0 + 10 * MIN),
            Ok(()),
            "hammering while refused must not lock a key out longer"
        );
    }

    #[test]
    fn memory_is_bounded_by_dropping_expired_then_stalest_keys() {
        let w = SlidingWindow::new(Limit::new(5, MIN), 3);
        let t0 = Instant::now();
        for (i, k) in ["a", "b", "c"].into_iter().enumerate() {
            w.try_hit(k, t0 + Duration::from_secs(i as u64)).unwrap();
        }
        w.try_hit("d", t0 + Duration::from_secs(10)).unwrap();
        let keys = w.hits.lock().unwrap().keys().copied().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(keys, ["b", "c", "d"].into(), "a full window drops the key whose last attempt is oldest");
        w.try_hit("e", t0 + 2 * MIN).unwrap();
        assert_eq!(w.hits.lock().unwrap().len(), 1, "keys whose attempts all expired are dropped first");
    }

    #[test]
    fn success_clears_only_the_account_count() {
        let limits = RateLimits::new(Limit::new(1, MIN), Limit::new(10, MIN));
        let (t0, addr) = (Instant::now(), IpAddr::from([10, 0, 0, 1]));
        let siti = AccountKey::User("guru-siti".into());
        limits.login_to(&siti, t0).unwrap();
        assert!(limits.login_to(&siti, t0).is_err(), "one failure uses up a limit of 1");
        limits.login_succeeded(&siti);
        assert_eq!(limits.login_to(&siti, t0), Ok(()), "a successful sign-in forgets the failures");
        for _ in 0..10 {
            limits.login_from(addr, t0).unwrap();
        }
        assert!(limits.login_from(addr, t0).is_err(), "every attempt counts against the address");
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b), "one /64 is one client");
        assert_ne!(address_key(a), address_key(c), "another /64 is another client");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(
            address_key(mapped),
            IpAddr::from([192, 0, 2, 7]),
            "dual-stack sockets see IPv4 as mapped"
        );
    }

    #[test]
    fn unknown_identifiers_are_normalised_like_the_lookup() {
        assert_eq!(
            AccountKey::unknown("  Siti@Example.id "),
            AccountKey::unknown("siti@example.id"),
            "case and surrounding spaces must not give an attacker fresh attempts"
        );
    }
}
