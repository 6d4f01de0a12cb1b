//! The engine's clock: where "now" comes from, so that tests can set it.
//!
//! Owns: the current instant for what the engine decides by the calendar (today's deadlines and
//! reminders, the month data use is counted in, the year a new plan item belongs to), read through
//! [`Session::today`](crate::Session::today) in the user's own time zone
//! ([`penggerak_types::zone::Zone`], from their school's province). [`SystemClock`] in the app,
//! [`FixedClock`] in tests.

use penggerak_types::zone::{WallTime, Zone};
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now(&self) -> i64;
}

/// The device's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
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
