//! Text being typed, kept on the device as it is typed (the shell's `save_draft`), one write at a time and
//! the newest text last ([`DraftQueue`]). Used by every box whose text must survive a killed app.

use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::view_model::DraftQueue;
use leptos::prelude::*;

/// Where the text being typed stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DraftState {
    /// Nothing typed since it was last saved for real.
    Clean,
    /// A draft from before is on the device, not sent yet.
    Unsent,
    Saving,
    Saved,
    Failed,
}

impl DraftState {
    /// What the line under the box says.
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            DraftState::Clean => td_string!(l, reflection_hint),
            DraftState::Unsent => td_string!(l, draft_unsent),
            DraftState::Saving => td_string!(l, draft_saving),
            DraftState::Saved => td_string!(l, draft_saved),
            DraftState::Failed => td_string!(l, draft_failed),
        }
    }

    /// What the line under a box says when its saved text is `saved`: once nothing is being typed, where
    /// the saved text stands ("Disimpan · menunggu dikirim", then "Terkirim ✓").
    pub fn line(self, l: Locale, saved: Saved) -> &'static str {
        match (self, saved) {
            (DraftState::Clean, Saved::Waiting) => td_string!(l, draft_waiting),
            (DraftState::Clean, Saved::Sent) => td_string!(l, draft_sent),
            _ => self.label(l),
        }
    }

    /// Whether there is typed text to save for real (and it is on the device already).
    pub fn savable(self) -> bool {
        matches!(self, DraftState::Unsent | DraftState::Saved | DraftState::Failed)
    }
}

/// Where a box's saved text stands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Saved {
    /// Nothing saved yet.
    Nothing,
    /// Saved on the device, waiting to be sent.
    Waiting,
    /// On the server.
    Sent,
}

impl Saved {
    /// For a record whose change is still waiting (`pending`) and whose saved text is `text`.
    pub fn of(pending: bool, text: &str) -> Saved {
        if pending {
            Saved::Waiting
        } else if text.trim().is_empty() {
            Saved::Nothing
        } else {
            Saved::Sent
        }
    }
}

/// The draft of one text box (or editor) under `key`.
#[derive(Clone, Copy)]
pub struct Draft {
    key: StoredValue<String>,
    queue: StoredValue<DraftQueue>,
    pub state: RwSignal<DraftState>,
}

impl Draft {
    /// `kept`: whether a draft from before is on the device.
    pub fn new(key: String, kept: bool) -> Draft {
        Draft {
            key: StoredValue::new(key),
            queue: StoredValue::new(DraftQueue::default()),
            state: RwSignal::new(if kept { DraftState::Unsent } else { DraftState::Clean }),
        }
    }

    /// The user typed: `text` is the whole new content.
    pub fn typed(&self, text: String) {
        self.state.set(DraftState::Saving);
        if let Some(now) = self.queue.try_update_value(|q| q.typed(text)).flatten() {
            leptos::task::spawn_local(keep(self.key.get_value(), now, self.queue, self.state));
        }
    }
}

/// Writes `text` as the draft, then whatever was typed meanwhile, until the device holds the newest text.
async fn keep(key: String, mut text: String, queue: StoredValue<DraftQueue>, state: RwSignal<DraftState>) {
    let mut failed;
    loop {
        // What counts is the newest text: an earlier failed write is overwritten by a later one.
        failed = match ipc::save_draft(key.clone(), text).await {
            Ok(()) => false,
            Err(e) => {
                leptos::logging::warn!("draft not kept: {}", e.message);
                true
            }
        };
        match queue.try_update_value(|q| q.saved()).flatten() {
            Some(next) => text = next,
            None => break,
        }
    }
    // The box may be gone by now (the user left the page): then there is no one to tell.
    let _ = state.try_set(if failed { DraftState::Failed } else { DraftState::Saved });
}
