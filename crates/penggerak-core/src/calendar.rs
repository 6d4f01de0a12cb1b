//! Every deadline from today on as a calendar file (iCalendar, RFC 5545) the user saves where she chooses
//! and opens in her phone's or computer's calendar: one all-day event per deadline, its title as the
//! summary, its kind as the category (in Bahasa Indonesia, as the ministry's words), and a UID that stays
//! the same for the same deadline, so importing a newer file updates events instead of doubling them.
//! Written whole to a temporary file beside the chosen one and renamed, so a cut never leaves half a file.

use crate::{CoreError, Engine};
use chrono::NaiveDate;
use icalendar::{Calendar, Component, Event, EventLike};
use penggerak_types::ipc::{Deadline, DeadlineKind};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The category of a deadline's kind.
fn category(k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::Kinerja => "Kinerja",
        DeadlineKind::Pkb => "Rencana Pengembangan (PKB)",
        DeadlineKind::Event => "Komunitas Belajar",
        DeadlineKind::Programme => "Pendidikan Guru Penggerak",
    }
}

/// A UID for `d`, the same whenever the same deadline is exported (its kind, date and title).
fn uid(d: &Deadline) -> String {
    let mut h = Sha256::new();
    for part in [category(d.kind), &d.date, &d.title] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex: String = h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}@penggerak")
}

/// The deadlines as an iCalendar text (CRLF lines, folded, escaped by the `icalendar` crate). A deadline
/// whose date is not a `YYYY-MM-DD` date is left out (the server's data, checked when it was stored).
pub fn deadlines_ics(deadlines: &[Deadline]) -> String {
    let mut cal = Calendar::new();
    cal.name("Penggerak: tenggat");
    for d in deadlines {
        let Ok(date) = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d") else {
            tracing::warn!(date = %d.date, "a deadline without a date is left out of the calendar file");
            continue;
        };
        let Some(next) = date.succ_opt() else { continue };
        let event = Event::new()
            .uid(&uid(d))
            .summary(&d.title)
            .starts(date)
            // All day: the end is the next day, not included (RFC 5545 3.6.1).
            .ends(next)
            .add_property("CATEGORIES", category(d.kind))
            .done();
        cal.push(event);
    }
    cal.done().to_string()
}

impl Engine {
    /// Writes every deadline from today on (see the module) to `path`, whole or not at all.
    pub async fn export_deadlines(&self, path: &Path) -> Result<(), CoreError> {
        let text = deadlines_ics(&self.all_deadlines().await?);
        let tmp = path.with_extension("ics.part");
        let io = |e: std::io::Error| {
            tracing::warn!(path = %path.display(), error = %e, "the calendar file could not be saved");
            CoreError::Refused(penggerak_types::Reason::NotSaved)
        };
        tokio::fs::write(&tmp, text.as_bytes()).await.map_err(io)?;
        tokio::fs::rename(&tmp, path).await.map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(date: &str, title: &str, kind: DeadlineKind) -> Deadline {
        Deadline { date: date.into(), title: title.into(), kind, community: None }
    }

    #[test]
    fn each_deadline_is_an_all_day_event_with_a_stable_uid_and_its_title_escaped() {
        let list = [
            deadline("2026-12-31", "Lokakarya 3; refleksi, tindak lanjut", DeadlineKind::Event),
            deadline("2027-02-28", "Unggah bukti dukung", DeadlineKind::Kinerja),
            deadline("bukan tanggal", "Dilewati", DeadlineKind::Pkb),
        ];
        let text = deadlines_ics(&list);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"), "{text}");
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "a deadline without a date is left out");
        assert!(text.contains("DTSTART;VALUE=DATE:20261231\r\n"), "all day, on its date: {text}");
        assert!(text.contains("DTEND;VALUE=DATE:20270101\r\n"), "ending the next day (a year's end too)");
        assert!(text.contains("SUMMARY:Lokakarya 3\\; refleksi\\, tindak lanjut\r\n"), "escaped: {text}");
        assert!(text.contains("CATEGORIES:Komunitas Belajar\r\n"), "its kind: {text}");
        assert!(!text.contains("Dilewati"));
        let again = deadlines_ics(&list[..1]);
        let uid_line = |t: &str| t.lines().find(|l| l.starts_with("UID:")).map(str::to_owned);
        assert_eq!(uid_line(&text), uid_line(&again), "the same deadline keeps its UID in a later file");
        assert!(text.lines().all(|l| l.len() <= 75), "lines folded at 75 octets");
    }
}
