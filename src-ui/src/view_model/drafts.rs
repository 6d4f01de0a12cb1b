//! The order in which typed text is saved as a draft: one save at a time, the newest text last.

/// Saving a draft as it is typed, one save at a time: a keystroke while a save is under way only
/// remembers the newest text, which goes when that save finishes. So saves never overtake each other and
/// the last text typed is always the last one saved.
#[derive(Debug, Default)]
pub struct DraftQueue {
    saving: bool,
    next: Option<String>,
}

impl DraftQueue {
    /// The user typed `text`: returns it if it should be saved now.
    pub fn typed(&mut self, text: String) -> Option<String> {
        if self.saving {
            self.next = Some(text);
            None
        } else {
            self.saving = true;
            Some(text)
        }
    }

    /// A save finished: returns the text to save next, if more was typed meanwhile.
    pub fn saved(&mut self) -> Option<String> {
        match self.next.take() {
            Some(t) => Some(t),
            None => {
                self.saving = false;
                None
            }
        }
    }

    /// Whether text typed is not on the device yet.
    pub fn busy(&self) -> bool {
        self.saving
    }
}

/// What a box holds once the text `sent` from it was kept, if it now holds `now`: nothing when nothing
/// was typed since; what was typed after it when she went on writing at its end; else all of it (she
/// changed what was sent meanwhile, and only she can tell which part is new). Typed text is never emptied
/// away with a change that did not carry it.
pub fn left_after_sending(now: &str, sent: &str) -> String {
    if now == sent {
        String::new()
    } else if let Some(rest) = now.strip_prefix(sent).filter(|_| !sent.is_empty()) {
        rest.trim_start().to_owned()
    } else {
        now.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_keeps_what_was_typed_after_its_text_was_sent() {
        assert_eq!(left_after_sending("Bagus.", "Bagus."), "", "nothing typed since: the box empties");
        assert_eq!(
            left_after_sending("Bagus. Lanjutkan", "Bagus."),
            "Lanjutkan",
            "written on at the end while it was being sent: the new words stay, not the sent ones again"
        );
        assert_eq!(
            left_after_sending("Baik sekali.", "Bagus."),
            "Baik sekali.",
            "changed meanwhile: all of it stays, nothing typed is thrown away"
        );
        assert_eq!(left_after_sending("", "Bagus."), "", "emptied meanwhile: stays empty");
        assert_eq!(left_after_sending("Baru", ""), "Baru", "nothing was sent: what is there stays");
    }

    #[test]
    fn a_draft_queue_saves_one_at_a_time_and_always_the_newest_text_last() {
        let mut q = DraftQueue::default();
        assert_eq!(q.typed("a".into()).as_deref(), Some("a"), "nothing under way: save now");
        assert!(q.busy());
        assert_eq!(q.typed("ab".into()), None, "a save is under way: wait");
        assert_eq!(q.typed("abc".into()), None);
        assert_eq!(q.saved().as_deref(), Some("abc"), "only the newest text follows, not every keystroke");
        assert!(q.busy(), "that save is under way now");
        assert_eq!(q.saved(), None, "nothing more was typed");
        assert!(!q.busy(), "everything typed is on the device");
        assert_eq!(
            q.typed("abcd".into()).as_deref(),
            Some("abcd"),
            "idle again: the next keystroke saves at once"
        );
    }
}
