//! Text being typed, kept on the device as it is typed (the shell's `save_draft`), one write at a time and
//! the newest text last ([`DraftQueue`]). Used by every box whose text must survive a killed app.

use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::view_model::DraftQueue;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

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
    /// Not kept: the device holds as many drafts as it may ([`penggerak_types::limits::DRAFTS`]).
    Full,
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
            DraftState::Full => td_string!(l, draft_full),
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

    /// Whether there is typed text to save for real (on the device already, unless keeping it failed).
    pub fn savable(self) -> bool {
        matches!(self, DraftState::Unsent | DraftState::Saved | DraftState::Failed | DraftState::Full)
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

/// How many times a box was typed in, and its newest text.
type Typing = (u64, String);

/// The draft of one text box (or editor) under `key`.
#[derive(Clone, Copy)]
pub struct Draft {
    key: StoredValue<String>,
    /// Shared with the task writing it: that task finishes writing the newest text typed even when the
    /// page has gone meanwhile (a box left the moment after typing), which a value owned by the page would
    /// not let it.
    queue: StoredValue<Rc<RefCell<DraftQueue>>, LocalStorage>,
    /// How many times the box was typed in, and its newest text: a change that sent its text settles
    /// knowing whether she went on typing meanwhile ([`PageDrafts::settle`]).
    typing: StoredValue<Typing, LocalStorage>,
    pub state: RwSignal<DraftState>,
}

impl Draft {
    /// `kept`: whether a draft from before is on the device.
    pub fn new(key: String, kept: bool) -> Draft {
        Draft {
            key: StoredValue::new(key),
            queue: StoredValue::new_local(Rc::default()),
            typing: StoredValue::new_local((0, String::new())),
            state: RwSignal::new(if kept { DraftState::Unsent } else { DraftState::Clean }),
        }
    }

    /// The draft of a box whose page does not carry its kept text (the principal's notes and records): read
    /// from the device as the box opens and handed to `found`, unless something was typed meanwhile.
    pub fn restored(key: String, found: impl FnOnce(String) + 'static) -> Draft {
        Draft::restored_boxed(key, Box::new(found))
    }

    fn restored_boxed(key: String, found: Box<dyn FnOnce(String)>) -> Draft {
        let draft = Draft::new(key.clone(), false);
        leptos::task::spawn_local(async move {
            // A form's empty draft is nothing typed (a box's is a cleared box: an edit not sent yet).
            let form = penggerak_types::ipc::FORM_DRAFT_PREFIXES.iter().any(|p| key.starts_with(p));
            match ipc::draft(key).await {
                Ok(Some(text)) if form && text.is_empty() => {}
                Ok(Some(text)) if draft.state.try_get_untracked() == Some(DraftState::Clean) => {
                    found(text);
                    let _ = draft.state.try_set(DraftState::Unsent);
                }
                Ok(_) => {}
                Err(e) => leptos::logging::warn!("draft not read: {}", e.message),
            }
        });
        draft
    }

    /// The line under its box (`id`, which the box names in `aria-describedby`, so it is read with the box):
    /// where what is typed stands ("Tersimpan di perangkat saat Anda mengetik.", "Menyimpan draf…", "Draf
    /// belum dikirim" for text read back or opened again). Not a live region: a page opening with several
    /// drafts, or one settling, would have each read out.
    pub fn status_line(self, l: Locale, id: String) -> impl IntoView {
        view! { <p class="muted draft-state" id=id>{move || self.state.get().label(l)}</p> }
    }

    /// The user typed: `text` is the whole new content.
    pub fn typed(&self, text: String) {
        self.state.set(DraftState::Saving);
        self.typing.update_value(|(n, last)| {
            *n += 1;
            last.clone_from(&text);
        });
        let (Some(queue), Some(key)) = (self.queue.try_get_value(), self.key.try_get_value()) else { return };
        let now = queue.borrow_mut().typed(text);
        if let Some(now) = now {
            leptos::task::spawn_local(keep(key, now, queue, self.state));
        }
    }
}

/// A pause of `ms` milliseconds in the page's event loop.
async fn pause(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(
            move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            },
            std::time::Duration::from_millis(ms),
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Draft {
    /// Runs `send` once what was typed is on the device (two seconds at most): a change sent while its
    /// draft's last write is under way would have that write land after the change forgot the draft, and
    /// the sent text come back as a draft.
    pub fn then(self, send: impl FnOnce() + 'static) {
        self.then_boxed(Box::new(send));
    }

    /// One copy of the waiting for every caller (a generic one per button weighed kilobytes each).
    fn then_boxed(self, send: Box<dyn FnOnce()>) {
        leptos::task::spawn_local(async move {
            for _ in 0..200 {
                let busy = self.queue.try_with_value(|q| q.borrow().busy()).unwrap_or(false);
                if !busy {
                    break;
                }
                pause(10).await;
            }
            send();
        });
    }
}

/// The drafts of one page's boxes whose page does not carry them: one per key while the page shows the
/// same thing, made under the page's owner. A redraw (a sync settling, an action landing) then neither
/// starts a second writer for a key, whose writes could overtake the first's, nor reads the draft back over
/// what is being typed.
#[derive(Clone, Copy)]
pub struct PageDrafts {
    owner: StoredValue<Owner, LocalStorage>,
    made: StoredValue<std::collections::HashMap<String, Draft>, LocalStorage>,
    /// The drafts whose text the page's changes under way send ([`PageDrafts::sending`]), each with how
    /// many times it had been typed in then, and its text then.
    sent: StoredValue<Vec<(Draft, Typing)>, LocalStorage>,
}

impl Default for PageDrafts {
    fn default() -> Self {
        Self::new()
    }
}

impl PageDrafts {
    /// For the page being built (call it in the page's component).
    pub fn new() -> PageDrafts {
        PageDrafts {
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
            made: StoredValue::new_local(std::collections::HashMap::new()),
            sent: StoredValue::new_local(Vec::new()),
        }
    }

    /// The draft of `key`, made (and read back into `found`) the first time it is asked for.
    pub fn get(&self, key: String, found: impl FnOnce(String) + 'static) -> Draft {
        self.get_boxed(key, Box::new(found))
    }

    fn get_boxed(&self, key: String, found: Box<dyn FnOnce(String)>) -> Draft {
        if let Some(d) = self.made.try_with_value(|m| m.get(&key).copied()).flatten() {
            return d;
        }
        let owner = self.owner.get_value();
        let d = owner.with(|| Draft::restored_boxed(key.clone(), found));
        self.made.update_value(|m| {
            m.insert(key, d);
        });
        d
    }

    /// `drafts` are what the change being dispatched sends: their lines go back to the hint once the page's
    /// change is kept ([`PageDrafts::settle`]).
    pub fn sending(&self, drafts: &[Draft]) {
        let typed: Vec<(Draft, Typing)> =
            drafts.iter().map(|d| (*d, d.typing.try_get_value().unwrap_or_default())).collect();
        self.sent.update_value(|v| v.extend(typed));
    }

    /// The page's change was kept (`kept`) or not: the lines of the drafts it sent go back to the hint, as
    /// they read before anything was typed (a draft line under sent text would say it was not); the other
    /// boxes' lines, and a failed change's, say what they said. A box typed in while the change was on its
    /// way may hold text the change did not carry, and the change forgot its draft on the device: that
    /// text is kept again as its draft (the box may have been emptied of what was sent by then). Not when
    /// it came back to what was sent, or to nothing: that would bring sent text back as a draft to send
    /// again, or keep an empty one.
    pub fn settle(&self, kept: bool) {
        let sent = self.sent.try_update_value(std::mem::take).unwrap_or_default();
        if kept {
            for (d, (then, sent_text)) in sent {
                match d.typing.try_get_value() {
                    Some((now, text)) if now != then && text != sent_text && !text.trim().is_empty() => {
                        d.typed(text)
                    }
                    _ => {
                        let _ = d.state.try_set(DraftState::Clean);
                    }
                }
            }
        }
    }

    /// The page shows something else now: its boxes are read back afresh when they are drawn.
    pub fn forget(&self) {
        self.made.update_value(std::collections::HashMap::clear);
    }
}

/// Writes `text` as the draft, then whatever was typed meanwhile, until the device holds the newest text.
async fn keep(key: String, mut text: String, queue: Rc<RefCell<DraftQueue>>, state: RwSignal<DraftState>) {
    let mut failed;
    loop {
        // What counts is the newest text: an earlier failed write is overwritten by a later one.
        failed = match ipc::save_draft(key.clone(), text).await {
            Ok(()) => None,
            Err(e) if matches!(e.reason, Some(penggerak_types::Reason::DraftsFull { .. })) => {
                Some(DraftState::Full)
            }
            Err(e) => {
                leptos::logging::warn!("draft not kept: {}", e.message);
                Some(DraftState::Failed)
            }
        };
        let next = queue.borrow_mut().saved();
        match next {
            Some(next) => text = next,
            None => break,
        }
    }
    // The box may be gone by now (the user left the page): then there is no one to tell.
    let _ = state.try_set(failed.unwrap_or(DraftState::Saved));
}
