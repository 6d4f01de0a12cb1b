//! Sign-in rate limits: in-memory counts of recent failed attempts, per client address and per account,
//! and which address a request counts against when it comes through a trusted reverse proxy.
//!
//! Owns: how many failed sign-ins are allowed, and for how long a refused caller must wait.
//! - Per address: at most `max` failures in a sliding window (an attempt is counted before the password is
//!   checked, so concurrent guesses cannot overshoot, and taken back when it succeeds: teachers signing in
//!   behind one carrier NAT or school proxy never use up each other's budget).
//! - Per account (or per known device of it): growing delays instead of a lockout. After `free` failures in
//!   a row each further attempt must wait `first`, then twice as long after every further failure, up to
//!   `max`; refused attempts are not counted, a success or `forget_after` without failures starts over. A
//!   sign-in from one of the account's known devices counts against that device, not the account, so
//!   someone hammering a teacher's NUPTK cannot keep her out of her own device.
//! - The client address is the TCP peer, unless the peer is a trusted proxy: then the right-most address of
//!   `X-Forwarded-For` (or `Forwarded`, as configured) that is not itself a trusted proxy.
//!
//! Memory is bounded: each address keeps at most `max` timestamps, each map at most [`MAX_KEYS`] keys,
//! dropping expired ones first and then the tenth used least recently; at most [`MAX_HOPS`] forwarded
//! addresses are read.
//!
//! Never: reads the clock itself (callers pass `now`, so tests can move time), touches the database, or
//! survives a restart (the limits are a brake on guessing, not an audit log).

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many keys one window remembers at most.
pub const MAX_KEYS: usize = 100_000;
/// How many addresses of a forwarding header are read, from the right.
pub const MAX_HOPS: usize = 32;

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

/// Growing delays after failures: `free` failures in a row cost nothing; after them each attempt must wait
/// `first` after the last failure, doubling with every further failure, at most `max`. A key with no
/// failure for `forget_after` starts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first: Duration,
    pub max: Duration,
    pub forget_after: Duration,
}

impl Backoff {
    /// How long after the last of `failures` failures in a row the next attempt must wait.
    pub fn wait(&self, failures: u32) -> Duration {
        if failures < self.free {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(failures - self.free).unwrap_or(u32::MAX);
        self.first.checked_mul(factor).unwrap_or(self.max).min(self.max)
    }
}

/// An attempt was refused; the caller may try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub retry_after: Duration,
}

/// Who a sign-in attempt counts against: the account (by user id when the identifier names one, otherwise
/// by the normalised identifier, so unknown and known identifiers are limited alike), or one known device
/// of the account (by the hash of its device token).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AccountKey {
    User(String),
    Identifier(String),
    Device(String),
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
    per_account: Backoffs<AccountKey>,
    per_address: SlidingWindow<IpAddr>,
}

impl RateLimits {
    pub fn new(per_account: Backoff, per_address: Limit) -> Self {
        Self {
            per_account: Backoffs::new(per_account, MAX_KEYS),
            per_address: SlidingWindow::new(per_address, MAX_KEYS),
        }
    }

    /// Counts a sign-in attempt from `address` as a failure until [`RateLimits::login_from_succeeded`]
    /// takes it back, or refuses it if that address used up its failures.
    pub fn login_from(&self, address: IpAddr, now: Instant) -> Result<(), Refused> {
        self.per_address.try_hit(address_key(address), now)
    }

    /// The attempt from `address` counted at `at` did not fail (right password, or refused by the account's
    /// delay before any password was checked): it no longer counts.
    pub fn login_from_succeeded(&self, address: IpAddr, at: Instant) {
        self.per_address.release(&address_key(address), at);
    }

    /// Counts a sign-in attempt against `account` before the password is checked, or refuses it while the
    /// account must wait after its recent failures. A success then calls [`RateLimits::login_succeeded`],
    /// which clears the count, so in effect only failures are counted.
    pub fn login_to(&self, account: &AccountKey, now: Instant) -> Result<(), Refused> {
        self.per_account.try_attempt(account.clone(), now)
    }

    /// The right password was given: forget the account's (or device's) failed attempts.
    pub fn login_succeeded(&self, account: &AccountKey) {
        self.per_account.clear(account);
    }
}

/// Which forwarding header a trusted proxy sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, Caddy, Traefik, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for=proxy1`.
    Forwarded,
}

impl std::str::FromStr for ForwardedHeader {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            _ => Err(format!("{s:?}: expected x-forwarded-for or forwarded")),
        }
    }
}

/// A trusted proxy as given on the command line: a network (`10.0.0.0/8`) or one address (`10.0.0.1`).
pub fn parse_trusted_proxy(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or a network (CIDR)"))
}

/// The address a request counts against: `peer`, or when `peer` is one of the `trusted` proxies, the
/// right-most address in `header` that is not a trusted proxy (addresses to its left were written by the
/// client and prove nothing). An entry that is not an address (`unknown`, an obfuscated `Forwarded` name)
/// stops the walk at the last trusted hop; a request whose every hop is trusted counts against the
/// left-most one.
pub fn client_address(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[IpNet],
    header: ForwardedHeader,
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let name = match header {
        ForwardedHeader::XForwardedFor => "x-forwarded-for",
        ForwardedHeader::Forwarded => "forwarded",
    };
    // Several header lines are one list, in order.
    let lines: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
    let mut client = peer;
    for entry in lines.iter().rev().flat_map(|line| line.rsplit(',')).take(MAX_HOPS) {
        let hop = match header {
            ForwardedHeader::XForwardedFor => parse_hop(entry),
            ForwardedHeader::Forwarded => forwarded_for(entry).and_then(parse_hop),
        };
        let Some(hop) = hop.map(|ip| ip.to_canonical()) else { return client };
        client = hop;
        if !is_trusted(&hop) {
            return hop;
        }
    }
    client
}

/// The `for=` value of one `Forwarded` element (`for=192.0.2.1;proto=https`), unquoted.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        key.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"'))
    })
}

/// One hop's address: `192.0.2.1`, `2001:db8::1`, `192.0.2.1:4711` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| hop.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
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
            make_room(&mut hits, |times| times.back().copied(), window, now, self.max_keys);
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

    /// Takes back the attempt of `key` recorded at `at`.
    fn release(&self, key: &K, at: Instant) {
        let mut hits = self.hits.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(times) = hits.get_mut(key) {
            if let Some(i) = times.iter().rposition(|&t| t == at) {
                times.remove(i);
            }
            if times.is_empty() {
                hits.remove(key);
            }
        }
    }
}

/// Failures in a row of each key and when the last one was.
#[derive(Debug, Clone, Copy)]
struct Strikes {
    failures: u32,
    last: Instant,
}

/// Growing delays per key (see [`Backoff`]).
#[derive(Debug)]
struct Backoffs<K> {
    policy: Backoff,
    max_keys: usize,
    strikes: Mutex<HashMap<K, Strikes>>,
}

impl<K: Eq + Hash + Clone> Backoffs<K> {
    fn new(policy: Backoff, max_keys: usize) -> Self {
        Self { policy, max_keys: max_keys.max(1), strikes: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt of `key` at `now` as a failure (a success clears it), or refuses it (without
    /// counting) while `key` must still wait after its last failure.
    fn try_attempt(&self, key: K, now: Instant) -> Result<(), Refused> {
        let forget = self.policy.forget_after;
        let mut strikes = self.strikes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !strikes.contains_key(&key) && strikes.len() >= self.max_keys {
            make_room(&mut strikes, |s| Some(s.last), forget, now, self.max_keys);
        }
        let s = strikes.entry(key).or_insert(Strikes { failures: 0, last: now });
        if now.saturating_duration_since(s.last) >= forget {
            s.failures = 0;
        }
        let ready = s.last + self.policy.wait(s.failures);
        if s.failures > 0 && now < ready {
            return Err(Refused { retry_after: ready - now });
        }
        s.failures = s.failures.saturating_add(1);
        s.last = now;
        Ok(())
    }

    fn clear(&self, key: &K) {
        self.strikes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(key);
    }
}

/// Makes room for a new key in a full map: drops keys whose latest attempt is older than `keep_for` and, if
/// that frees nothing, the tenth of the keys whose latest attempts are oldest (so the scan is rare, not per
/// request).
fn make_room<K: Eq + Hash + Clone, V>(
    map: &mut HashMap<K, V>,
    last: impl Fn(&V) -> Option<Instant>,
    keep_for: Duration,
    now: Instant,
    max_keys: usize,
) {
    map.retain(|_, v| last(v).is_some_and(|t| now.saturating_duration_since(t) < keep_for));
    if map.len() < max_keys {
        return;
    }
    let mut by_age: Vec<(Option<Instant>, K)> = map.iter().map(|(k, v)| (last(v), k.clone())).collect();
    let evict = (max_keys / 10 + 1).min(by_age.len());
    by_age.select_nth_unstable_by_key(evict - 1, |(last, _)| *last);
    for (_, k) in &by_age[..evict] {
        map.remove(k);
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

    const SEC: Duration = Duration::from_secs(1);

    fn backoff() -> Backoff {
        Backoff { free: 2, first: SEC, max: 10 * SEC, forget_after: 10 * MIN }
    }

    #[test]
    fn account_delays_grow_after_the_free_failures_up_to_the_cap() {
        let w = Backoffs::new(backoff(), 100);
        let t0 = Instant::now();
        w.try_attempt("siti", t0).unwrap();
        w.try_attempt("siti", t0).unwrap();
        let mut t = t0;
        for expected in [1, 2, 4, 8, 10, 10] {
            let refused = w.try_attempt("siti", t).expect_err("after the free failures every attempt waits");
            assert_eq!(refused.retry_after, expected * SEC, "the wait doubles up to the 10 s cap");
            for _ in 0..5 {
                assert_eq!(
                    w.try_attempt("siti", t),
                    Err(refused),
                    "refused attempts do not lengthen the wait"
                );
            }
            t += expected * SEC;
            assert_eq!(w.try_attempt("siti", t), Ok(()), "after waiting, one more attempt is let through");
        }
        assert_eq!(w.try_attempt("agus", t), Ok(()), "another account has its own delays");
        w.clear(&"siti");
        assert_eq!(w.try_attempt("siti", t), Ok(()), "a success starts over");
        assert_eq!(w.try_attempt("siti", t), Ok(()), "with the free failures again");
        assert!(w.try_attempt("siti", t).is_err());
        assert_eq!(w.try_attempt("siti", t + 10 * MIN), Ok(()), "ten quiet minutes forget the failures");
        assert_eq!(w.try_attempt("siti", t + 10 * MIN), Ok(()), "so the free failures are there again");
    }

    #[test]
    fn backoff_memory_is_bounded() {
        let w = Backoffs::new(backoff(), 3);
        let t0 = Instant::now();
        for (i, k) in ["a", "b", "c", "d"].into_iter().enumerate() {
            w.try_attempt(k, t0 + i as u32 * SEC).unwrap();
        }
        let keys = w.strikes.lock().unwrap().keys().copied().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(keys, ["b", "c", "d"].into(), "a full map drops the key whose last attempt is oldest");
    }

    #[test]
    fn successes_do_not_count_against_the_address() {
        let limits = RateLimits::new(backoff(), Limit::new(3, MIN));
        let (t0, addr) = (Instant::now(), IpAddr::from([10, 0, 0, 1]));
        for i in 0..100u32 {
            let at = t0 + i * Duration::from_millis(10);
            limits.login_from(addr, at).expect("successes never use up the address budget");
            limits.login_from_succeeded(addr, at);
        }
        for _ in 0..3 {
            limits.login_from(addr, t0 + SEC).unwrap();
        }
        assert!(limits.login_from(addr, t0 + SEC).is_err(), "three failures use up a budget of 3");
        let siti = AccountKey::User("guru-siti".into());
        limits.login_to(&siti, t0).unwrap();
        limits.login_to(&siti, t0).unwrap();
        assert!(limits.login_to(&siti, t0).is_err(), "two failures are free, the third attempt waits");
        assert_eq!(
            limits.login_to(&AccountKey::Device("hash".into()), t0),
            Ok(()),
            "her known device is counted apart from the account"
        );
        limits.login_succeeded(&siti);
        assert_eq!(limits.login_to(&siti, t0), Ok(()), "a successful sign-in forgets the failures");
    }

    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_forwards_it() {
        use axum::http::HeaderValue;
        let proxies: Vec<IpNet> =
            ["10.0.0.0/8", "192.0.2.1"].iter().map(|s| parse_trusted_proxy(s).unwrap()).collect();
        let headers = |name: &'static str, values: &[&'static str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append(name, HeaderValue::from_static(v));
            }
            h
        };
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let xff = ForwardedHeader::XForwardedFor;
        let spoofed = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &spoofed, &proxies, xff),
            ip("198.51.100.7"),
            "a client that is no trusted proxy cannot choose its address with a header"
        );
        assert_eq!(
            client_address(ip("198.51.100.7"), &spoofed, &[], xff),
            ip("198.51.100.7"),
            "no proxies: the peer"
        );
        let chain = headers("x-forwarded-for", &["6.6.6.6, 203.0.113.9", "10.1.2.3"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &chain, &proxies, xff),
            ip("203.0.113.9"),
            "the right-most untrusted hop, over several header lines; the forged left part is ignored"
        );
        assert_eq!(
            client_address(
                ip("::ffff:10.0.0.1"),
                &headers("x-forwarded-for", &["[2001:db8::5]:4711"]),
                &proxies,
                xff
            ),
            ip("2001:db8::5"),
            "mapped peers are trusted as IPv4, ports and brackets are read"
        );
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                &headers("x-forwarded-for", &["203.0.113.9, garbage"]),
                &proxies,
                xff
            ),
            ip("10.0.0.1"),
            "an unreadable hop stops at the last trusted one"
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &HeaderMap::new(), &proxies, xff),
            ip("10.0.0.1"),
            "a trusted proxy without the header is the client"
        );
        let fwd =
            headers("forwarded", &[r#"for=6.6.6.6, for="[2001:db8::7]:80";proto=https, for=192.0.2.1"#]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &fwd, &proxies, ForwardedHeader::Forwarded),
            ip("2001:db8::7"),
            "RFC 7239 Forwarded: quoted, bracketed, with other parameters"
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &fwd, &proxies, xff),
            ip("10.0.0.1"),
            "only the configured header is read"
        );
        assert!(parse_trusted_proxy("10.0.0.0/33").is_err() && parse_trusted_proxy("proxy").is_err());
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
