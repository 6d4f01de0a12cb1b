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

#[cfg(test)]
mod tests {
    use super::*;

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
