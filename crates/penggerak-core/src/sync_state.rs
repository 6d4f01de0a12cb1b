//! Sync's shared state inside a [`Engine`](crate::Engine): the status the screens watch, the wake-up
//! bell, and the lock that keeps one sync pass at a time. Its own room so that the session holds it and
//! the sync loop uses it without the two importing each other.

use penggerak_types::ipc::SyncStatus;
use tokio::sync::{watch, Mutex, Notify};

/// Sync's shared state inside a [`Engine`].
pub(crate) struct SyncControl {
    pub(crate) status: watch::Sender<SyncStatus>,
    pub(crate) wake: Notify,
    pub(crate) running: Mutex<()>,
    /// Records per `/sync` page (tests make it small to exercise paging).
    pub(crate) page_size: Option<u32>,
}

impl SyncControl {
    pub(crate) fn new() -> Self {
        Self {
            status: watch::channel(SyncStatus::default()).0,
            wake: Notify::new(),
            running: Mutex::new(()),
            page_size: None,
        }
    }
}
