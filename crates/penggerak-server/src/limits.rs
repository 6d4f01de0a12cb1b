//! Sign-in rate limits: counts of recent failed attempts, per client address and per account, kept in the
//! database so that every instance of the server on one database enforces the same counts (two instances
//! do not double the allowance, a restart does not reset it); and which address a request counts against
//! when it comes through a trusted reverse proxy.
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
//! Each address and each account key is one row (`login_addresses`, `login_strikes`), read and written in
//! one transaction that holds the row's lock (PostgreSQL: the upsert's row lock; SQLite: the write lock of
//! `BEGIN IMMEDIATE`), so concurrent attempts on any instance are counted one after the other. Storage is
//! bounded: an address row keeps at most `max` times; [`RateLimits::expire`] (the server's housekeeping) deletes rows
//! with nothing left in their window, so what is kept is one row per address or account tried within a
//! window; at most [`MAX_HOPS`] forwarded addresses are read.
//!
//! Never: reads the clock itself (callers pass `now` in Unix milliseconds, so tests can move time), or
//! keeps anything that names a password.

use crate::Db;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// How many addresses of a forwarding header are read, from the right.
pub const MAX_HOPS: usize = 32;

/// A point in time as the limits count it: Unix milliseconds.
pub type Millis = i64;

/// Now, in Unix milliseconds (every instance's clock; instances of one deployment keep theirs in step).
pub fn now_millis() -> Millis {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as Millis
}

fn millis(d: Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

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

/// Why an attempt was not let through: refused by a limit, or the database failed.
#[derive(Debug)]
pub enum Blocked {
    Refused(Refused),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for Blocked {
    fn from(e: sqlx::Error) -> Self {
        Blocked::Db(e)
    }
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

    /// The key as stored: its kind, then the value (kinds never collide).
    fn stored(&self) -> String {
        match self {
            AccountKey::User(id) => format!("user:{id}"),
            AccountKey::Identifier(id) => format!("identifier:{id}"),
            AccountKey::Device(hash) => format!("device:{hash}"),
        }
    }
}

/// The sign-in limits every instance on one database shares (through `AppState`): the policies here, the
/// counts in the database.
#[derive(Debug, Clone)]
pub struct RateLimits {
    per_account: Backoff,
    per_address: Limit,
}

impl RateLimits {
    pub fn new(per_account: Backoff, per_address: Limit) -> Self {
        Self { per_account, per_address }
    }

    /// Counts a sign-in attempt from `address` at `now` as a failure until
    /// [`RateLimits::login_from_succeeded`] takes it back, or refuses it (counting nothing) if that address
    /// used up its failures in the window ending at `now`.
    pub async fn login_from(&self, db: &Db, address: IpAddr, now: Millis) -> Result<(), Blocked> {
        let window = millis(self.per_address.window);
        if self.per_address.max == 0 {
            return Err(Blocked::Refused(Refused { retry_after: self.per_address.window }));
        }
        let key = address_key(address).to_string();
        let mut tx = db.begin().await?;
        let mut times = lock_address(&mut tx, &key, now).await?;
        times.retain(|&t| now.saturating_sub(t) < window);
        if times.len() >= self.per_address.max as usize {
            let oldest = times.iter().copied().min().unwrap_or(now);
            tx.commit().await?;
            let wait = oldest.saturating_add(window).saturating_sub(now).max(0);
            return Err(Blocked::Refused(Refused { retry_after: Duration::from_millis(wait as u64) }));
        }
        times.push(now);
        store_address(&mut tx, &key, &times, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The attempt from `address` counted at `at` did not fail (right password, or refused by the account's
    /// delay before any password was checked): it no longer counts.
    pub async fn login_from_succeeded(
        &self,
        db: &Db,
        address: IpAddr,
        at: Millis,
    ) -> Result<(), sqlx::Error> {
        let key = address_key(address).to_string();
        let mut tx = db.begin().await?;
        let mut times = lock_address(&mut tx, &key, at).await?;
        if let Some(i) = times.iter().rposition(|&t| t == at) {
            times.remove(i);
        }
        store_address(&mut tx, &key, &times, at).await?;
        tx.commit().await
    }

    /// Counts a sign-in attempt against `account` before the password is checked, or refuses it while the
    /// account must wait after its recent failures. A success then calls [`RateLimits::login_succeeded`],
    /// which clears the count, so in effect only failures are counted.
    pub async fn login_to(&self, db: &Db, account: &AccountKey, now: Millis) -> Result<(), Blocked> {
        let policy = self.per_account;
        let key = account.stored();
        let mut tx = db.begin().await?;
        // The upsert takes the row's lock: concurrent attempts on the same account, on any instance, are
        // counted one after the other.
        let (failures, last): (i64, i64) = sqlx::query_as(
            "INSERT INTO login_strikes (key, failures, last_at) VALUES ($1, 0, $2)
             ON CONFLICT (key) DO UPDATE SET failures = login_strikes.failures
             RETURNING failures, last_at",
        )
        .bind(&key)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let failures = if now.saturating_sub(last) >= millis(policy.forget_after) {
            0
        } else {
            u32::try_from(failures).unwrap_or(u32::MAX)
        };
        let ready = last.saturating_add(millis(policy.wait(failures)));
        if failures > 0 && now < ready {
            tx.commit().await?;
            return Err(Blocked::Refused(Refused {
                retry_after: Duration::from_millis((ready - now) as u64),
            }));
        }
        sqlx::query("UPDATE login_strikes SET failures = $2, last_at = $3 WHERE key = $1")
            .bind(&key)
            .bind(i64::from(failures.saturating_add(1)))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The right password was given: forget the account's (or device's) failed attempts.
    pub async fn login_succeeded(&self, db: &Db, account: &AccountKey) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_strikes WHERE key = $1")
            .bind(account.stored())
            .execute(&db.pool)
            .await?;
        Ok(())
    }

    /// Deletes what no longer counts at `now`: addresses with no failure in the window, accounts with no
    /// failure for `forget_after`. Returns how many rows went.
    pub async fn expire(&self, db: &Db, now: Millis) -> Result<u64, sqlx::Error> {
        let addresses = sqlx::query("DELETE FROM login_addresses WHERE last_at <= $1")
            .bind(now.saturating_sub(millis(self.per_address.window)))
            .execute(&db.pool)
            .await?
            .rows_affected();
        let accounts = sqlx::query("DELETE FROM login_strikes WHERE last_at <= $1")
            .bind(now.saturating_sub(millis(self.per_account.forget_after)))
            .execute(&db.pool)
            .await?
            .rows_affected();
        Ok(addresses + accounts)
    }
}

/// Locks the row of the address `key` (creating it) and returns its failure times.
async fn lock_address(
    tx: &mut sqlx::AnyConnection,
    key: &str,
    now: Millis,
) -> Result<Vec<Millis>, sqlx::Error> {
    let (times,): (String,) = sqlx::query_as(
        "INSERT INTO login_addresses (address, times, last_at) VALUES ($1, '', $2)
         ON CONFLICT (address) DO UPDATE SET times = login_addresses.times
         RETURNING times",
    )
    .bind(key)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    // Written only by `store_address`: numbers separated by spaces. Anything else counts as nothing.
    Ok(times.split_ascii_whitespace().filter_map(|t| t.parse().ok()).collect())
}

/// Stores the failure times of the address `key`; `last_at` is the latest of them (or `now` when none is
/// left, so [`RateLimits::expire`] removes the row a window later).
async fn store_address(
    tx: &mut sqlx::AnyConnection,
    key: &str,
    times: &[Millis],
    now: Millis,
) -> Result<(), sqlx::Error> {
    let text = times.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    let last = times.iter().copied().max().unwrap_or(now);
    sqlx::query("UPDATE login_addresses SET times = $2, last_at = $3 WHERE address = $1")
        .bind(key)
        .bind(text)
        .bind(last)
        .execute(&mut *tx)
        .await?;
    Ok(())
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

/// The address a client's share is counted by: its own, or for IPv6 its /64 (one subscriber's network,
/// whose addresses it may pick at will).
pub(crate) fn share_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(octets.into())
        }
        v4 => v4,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);
    const SEC: Duration = Duration::from_secs(1);
    /// A moment to count from (any Unix time in milliseconds).
    const T0: Millis = 1_800_000_000_000;

    fn at(offset: Duration) -> Millis {
        T0 + millis(offset)
    }

    /// The counts live in a real database file, as on a server (SQLite here; the PostgreSQL pass of the
    /// integration tests runs the same queries with several instances).
    async fn db() -> (Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        (Db::open_file(&dir.path().join("limits.sqlite")).await.unwrap(), dir)
    }

    fn refused(r: Result<(), Blocked>) -> Refused {
        match r {
            Err(Blocked::Refused(r)) => r,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn addresses(max: u32, window: Duration) -> RateLimits {
        RateLimits::new(backoff(), Limit::new(max, window))
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[tokio::test]
    async fn refuses_after_max_within_the_window_and_says_when_to_retry() {
        let (db, _dir) = db().await;
        let w = addresses(3, 10 * MIN);
        for i in 0..3 {
            w.login_from(&db, A, at(i * MIN)).await.expect("within the limit");
        }
        let r = refused(w.login_from(&db, A, at(5 * MIN)).await);
        assert_eq!(
            r.retry_after,
            5 * MIN,
            "the oldest attempt (t0) leaves the window at t0 + 10 min, 5 minutes after the refused one"
        );
        w.login_from(&db, B, at(5 * MIN)).await.expect("another address has its own count");
    }

    #[tokio::test]
    async fn the_window_slides_instead_of_resetting() {
        let (db, _dir) = db().await;
        let w = addresses(2, 10 * MIN);
        w.login_from(&db, A, at(Duration::ZERO)).await.unwrap();
        w.login_from(&db, A, at(6 * MIN)).await.unwrap();
        refused(w.login_from(&db, A, at(9 * MIN)).await);
        w.login_from(&db, A, at(10 * MIN))
            .await
            .expect("at t0 + 10 min the first attempt has left the window");
        refused(w.login_from(&db, A, at(11 * MIN)).await);
    }

    #[tokio::test]
    async fn refused_attempts_do_not_extend_the_wait() {
        let (db, _dir) = db().await;
        let w = addresses(1, 10 * MIN);
        w.login_from(&db, A, at(Duration::ZERO)).await.unwrap();
        for i in 1..10 {
            refused(w.login_from(&db, A, at(i * MIN)).await);
        }
        w.login_from(&db, A, at(10 * MIN))
            .await
            .expect("hammering while refused must not lock a key out longer");
    }

    #[tokio::test]
    async fn storage_is_bounded_by_the_limit_and_the_window() {
        let (db, _dir) = db().await;
        let w = addresses(5, MIN);
        for i in 0..50 {
            let _ = w.login_from(&db, A, at(i * SEC / 10)).await;
        }
        let (times,): (String,) =
            sqlx::query_as("SELECT times FROM login_addresses").fetch_one(&db.pool).await.unwrap();
        assert_eq!(
            times.split(' ').count(),
            5,
            "refused attempts are not stored: an address keeps at most `max` times"
        );
        let siti = AccountKey::User("guru-siti".into());
        w.login_to(&db, &siti, at(Duration::ZERO)).await.unwrap();
        assert_eq!(w.expire(&db, at(30 * SEC)).await.unwrap(), 0, "nothing has left its window yet");
        assert_eq!(
            w.expire(&db, at(10 * MIN + 5 * SEC)).await.unwrap(),
            2,
            "the address a window after its last failure and the account after `forget_after` are deleted"
        );
        for table in ["login_addresses", "login_strikes"] {
            let (n,): (i64,) =
                sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap();
            assert_eq!(n, 0, "{table} is empty once every window has passed");
        }
    }

    fn backoff() -> Backoff {
        Backoff { free: 2, first: SEC, max: 10 * SEC, forget_after: 10 * MIN }
    }

    #[tokio::test]
    async fn account_delays_grow_after_the_free_failures_up_to_the_cap() {
        let (db, _dir) = db().await;
        let w = RateLimits::new(backoff(), Limit::new(1000, MIN));
        let (siti, agus) = (AccountKey::User("siti".into()), AccountKey::User("agus".into()));
        w.login_to(&db, &siti, T0).await.unwrap();
        w.login_to(&db, &siti, T0).await.unwrap();
        let mut t = T0;
        for expected in [1, 2, 4, 8, 10, 10] {
            let r = refused(w.login_to(&db, &siti, t).await);
            assert_eq!(r.retry_after, expected * SEC, "the wait doubles up to the 10 s cap");
            for _ in 0..5 {
                assert_eq!(
                    refused(w.login_to(&db, &siti, t).await),
                    r,
                    "refused attempts do not lengthen the wait"
                );
            }
            t += millis(expected * SEC);
            w.login_to(&db, &siti, t).await.expect("after waiting, one more attempt is let through");
        }
        w.login_to(&db, &agus, t).await.expect("another account has its own delays");
        w.login_succeeded(&db, &siti).await.unwrap();
        w.login_to(&db, &siti, t).await.expect("a success starts over");
        w.login_to(&db, &siti, t).await.expect("with the free failures again");
        refused(w.login_to(&db, &siti, t).await);
        let later = t + millis(10 * MIN);
        w.login_to(&db, &siti, later).await.expect("ten quiet minutes forget the failures");
        w.login_to(&db, &siti, later).await.expect("so the free failures are there again");
    }

    #[tokio::test]
    async fn successes_do_not_count_against_the_address() {
        let (db, _dir) = db().await;
        let limits = RateLimits::new(backoff(), Limit::new(3, MIN));
        for i in 0..100 {
            let now = T0 + i * 10;
            limits.login_from(&db, A, now).await.expect("successes never use up the address budget");
            limits.login_from_succeeded(&db, A, now).await.unwrap();
        }
        for _ in 0..3 {
            limits.login_from(&db, A, at(SEC)).await.unwrap();
        }
        refused(limits.login_from(&db, A, at(SEC)).await);
        let siti = AccountKey::User("guru-siti".into());
        limits.login_to(&db, &siti, T0).await.unwrap();
        limits.login_to(&db, &siti, T0).await.unwrap();
        refused(limits.login_to(&db, &siti, T0).await);
        limits
            .login_to(&db, &AccountKey::Device("hash".into()), T0)
            .await
            .expect("her known device is counted apart from the account");
        limits.login_succeeded(&db, &siti).await.unwrap();
        limits.login_to(&db, &siti, T0).await.expect("a successful sign-in forgets the failures");
    }

    #[tokio::test]
    async fn concurrent_attempts_never_overshoot_the_address_limit() {
        let (db, _dir) = db().await;
        let limits = RateLimits::new(backoff(), Limit::new(10, MIN));
        let attempts = (0..40).map(|_| {
            let (db, limits) = (db.clone(), limits.clone());
            tokio::spawn(async move { limits.login_from(&db, A, T0).await })
        });
        let mut let_through = 0;
        for a in attempts {
            match a.await.unwrap() {
                Ok(()) => let_through += 1,
                Err(Blocked::Refused(_)) => {}
                Err(Blocked::Db(e)) => panic!("a counted attempt must not fail on the database: {e}"),
            }
        }
        assert_eq!(
            let_through, 10,
            "40 guesses at once: each is counted under the row's lock, so exactly `max` pass"
        );
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
