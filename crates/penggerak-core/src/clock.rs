//! The engine's clock: where "now" comes from, so that tests can set it.
//!
//! Owns: the current instant for what the engine decides by the calendar (today's deadlines and
//! reminders, the month data use is counted in, the year a new plan item belongs to), read through
//! [`Engine::today`](crate::Engine::today) in the user's own time zone
//! ([`penggerak_types::zone::Zone`], from their school's province). [`SystemClock`] in the app,
//! [`FixedClock`] in tests.

use penggerak_types::zone::{WallTime, Zone};
use std::sync::atomic::{AtomicI64, Ordering};

/// The day after `date` (`YYYY-MM-DD`), or `None` if it is not a date.
pub fn date_after(date: &str) -> Option<String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let next = time::Date::parse(date, &fmt).ok()?.next_day()?;
    next.format(&fmt).ok()
}

/// The instant an RFC 3339 time names, in Unix seconds, or `None` if it names none.
pub(crate) fn unix_of(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Unix seconds `unix` as RFC 3339 UTC (what the screens are given for "when"), or "" if out of range.
pub(crate) fn rfc3339_of(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The year of a date (`YYYY-MM-DD`), or 0 if it has none.
pub(crate) fn year_of(date: &str) -> i32 {
    date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now(&self) -> i64;

    /// Nanoseconds since 1970-01-01T00:00:00Z, for stamps that must tell two moments of one second apart
    /// (when the last sync finished). A clock that knows only seconds says the start of its second.
    fn now_nanos(&self) -> i128 {
        i128::from(self.now()) * 1_000_000_000
    }
}

/// The device's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    }

    fn now_nanos(&self) -> i128 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128)
    }
}

/// A clock that says what it was told to (tests).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(unix: i64) -> Self {
        Self(AtomicI64::new(unix))
    }

    pub fn set(&self, unix: i64) {
        self.0.store(unix, Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Today's date in `zone` by `clock`, `YYYY-MM-DD`.
pub fn today(zone: Zone, clock: &dyn Clock) -> String {
    WallTime::at(clock.now(), zone).date()
}
