//! Sync's shared state inside a [`Engine`](crate::Engine): the status the screens watch, the wake-up
//! bell, and the lock that keeps one sync pass at a time. Its own room so that the session holds it and
//! the sync loop uses it without the two importing each other.

use penggerak_types::ipc::SyncStatus;
use penggerak_types::limits::SYNC_PAGE_RECORDS;
use tokio::sync::{watch, Mutex, Notify};

/// Pages that must arrive whole in a row before the page asked for grows again (twice as large).
const GROW_AFTER: u32 = 3;

/// How many records a `/sync` page asks for, learned from the link. A link too slow for a whole page
/// within the request timeout would otherwise be asked the same page again and again and never get past
/// it. Halved when a page could not arrive whole (it timed out, or the connection failed mid-answer: the
/// client hands that back at once rather than asking again); doubled after [`GROW_AFTER`] pages that
/// arrived, up to where it started but, while the app runs, at most three quarters of the smallest size
/// that failed (a steady slow link would otherwise pay for a failed page every few). A page of one record
/// that could not arrive in the usual time is one record too large for the link: the next is given the
/// time the largest record takes on the slowest link ([`PageSize::patient`]), or that record would stop
/// every sync after it for good.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageSize {
    /// What a page starts at: the tests' size, else the server's default.
    most: u32,
    /// Whether `most` is the server's default, which a request need not name.
    servers: bool,
    now: u32,
    arrived: u32,
    /// Pages of this many records or more have failed to arrive whole.
    failed: Option<u32>,
}

impl PageSize {
    fn new(most: Option<u32>) -> Self {
        let servers = most.is_none();
        let most = most.unwrap_or(SYNC_PAGE_RECORDS).max(1);
        Self { most, servers, now: most, arrived: 0, failed: None }
    }

    /// The records a page has now.
    pub(crate) fn now(&self) -> u32 {
        self.now
    }

    /// The `limit` to ask for: none while that is the server's default.
    pub(crate) fn limit(&self) -> Option<u32> {
        (!self.servers || self.now != self.most).then_some(self.now)
    }

    /// Whether the next page is to be given the time the largest record takes on the slowest link: a page
    /// of one record has failed to arrive in the usual time.
    pub(crate) fn patient(&self) -> bool {
        self.now == 1 && self.failed == Some(1)
    }

    /// A page arrived whole.
    pub(crate) fn arrived(&mut self) {
        if self.patient() {
            // It was that record's size, not every page's: pages may grow again.
            self.failed = None;
        }
        self.arrived += 1;
        // Three quarters of the smallest size that failed: a size just under it would most likely fail too.
        let most = self.failed.map_or(self.most, |f| self.most.min(f / 4 * 3).max(1));
        if self.arrived >= GROW_AFTER && self.now < most {
            self.now = self.now.saturating_mul(2).min(most);
            self.arrived = 0;
        }
    }

    /// A page did not arrive whole in time.
    pub(crate) fn too_slow(&mut self) {
        self.failed = Some(self.failed.map_or(self.now, |f| f.min(self.now)));
        self.now = (self.now / 2).max(1);
        self.arrived = 0;
    }
}

/// Sync's shared state inside a [`Engine`].
pub(crate) struct SyncControl {
    pub(crate) status: watch::Sender<SyncStatus>,
    pub(crate) wake: Notify,
    pub(crate) running: Mutex<()>,
    /// One count of the texts left behind at a time (`Engine::refresh_stranded`).
    pub(crate) stranded: Mutex<()>,
    /// Records per `/sync` page, as the link allows (tests start it small to exercise paging).
    pub(crate) page_size: std::sync::Mutex<PageSize>,
    /// The waiting change whose last try was sent and had no answer in its time: its next try is given
    /// the time the largest answer takes on the slowest link (as a page of one record is). In memory,
    /// like the page size: a restart tries in the usual time first again.
    patient_with: std::sync::Mutex<Option<i64>>,
}

impl SyncControl {
    /// Pages start at `records` (tests), not the server's default.
    pub(crate) fn start_pages_at(&mut self, records: u32) {
        self.page_size = std::sync::Mutex::new(PageSize::new(Some(records)));
    }

    /// The page size, to read or adjust.
    pub(crate) fn pages(&self) -> std::sync::MutexGuard<'_, PageSize> {
        self.page_size.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The change (outbox `seq`) whose next try is to be patient, if any.
    pub(crate) fn patient_with(&self) -> Option<i64> {
        *self.patient_with.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What the last try of a change that left showed: `Some(seq)` when it was sent and no answer came,
    /// `None` when an answer came (whatever it said).
    pub(crate) fn be_patient_with(&self, seq: Option<i64>) {
        *self.patient_with.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = seq;
    }

    pub(crate) fn new() -> Self {
        Self {
            status: watch::channel(SyncStatus::default()).0,
            wake: Notify::new(),
            running: Mutex::new(()),
            stranded: Mutex::new(()),
            page_size: std::sync::Mutex::new(PageSize::new(None)),
            patient_with: std::sync::Mutex::new(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_halves_when_it_cannot_arrive_and_grows_back_short_of_what_failed() {
        let mut p = PageSize::new(None);
        assert_eq!(p.now(), SYNC_PAGE_RECORDS, "the server's default at first");
        assert_eq!(p.limit(), None, "which a request need not name");
        for _ in 0..4 {
            p.too_slow();
        }
        assert_eq!(p.now(), SYNC_PAGE_RECORDS / 16, "halved each time");
        assert_eq!(p.limit(), Some(SYNC_PAGE_RECORDS / 16), "and then named");
        p.arrived();
        p.arrived();
        assert_eq!(p.now(), SYNC_PAGE_RECORDS / 16, "two pages are not yet a better link");
        p.arrived();
        assert_eq!(
            p.now(),
            45,
            "three in a row: larger again, but short of the smallest size that failed (62 records: 3/4 of it)"
        );
        for _ in 0..100 {
            p.arrived();
        }
        assert_eq!(p.now(), 45, "and never back to it: the link showed it cannot carry it");
        let mut once = PageSize::new(None);
        once.too_slow();
        for _ in 0..30 {
            once.arrived();
        }
        assert_eq!(once.now(), 375, "one failure at 500: it grows back to 375, not 500");
        for _ in 0..100 {
            p.too_slow();
        }
        assert_eq!(p.now(), 1, "never below one record");
        assert!(p.patient(), "a page of one record failed: the next is given the largest record's time");
        p.arrived();
        assert!(!p.patient(), "it came: that record was too large for the link, not every page");
        p.arrived();
        p.arrived();
        assert_eq!(p.now(), 2, "so pages grow again, learning the link afresh");
        assert!(!PageSize::new(Some(1)).patient(), "a page of one is not given more time before it failed");
        let mut tests = PageSize::new(Some(9));
        assert_eq!((tests.now(), tests.limit()), (9, Some(9)), "a size the tests set is always named");
        tests.arrived();
        assert_eq!(tests.now(), 9, "and never exceeded");
    }
}
