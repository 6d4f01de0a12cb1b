//! Every deadline from today on as a calendar file (iCalendar, RFC 5545) the user saves where she chooses
//! and opens in her phone's or computer's calendar: one all-day event per deadline, its title as the
//! summary, its kind as the category (in Bahasa Indonesia, as the ministry's words), and a UID that stays
//! the same for the same deadline, so importing a newer file updates events instead of doubling them.
//! Written whole to a temporary file beside the chosen one and renamed, so a cut never leaves half a file.
//!
//! One community event can be saved the same way ("Tambah ke kalender"): at its time (UTC in the file, so
//! any calendar shows it in its own zone), [`EVENT_HOURS`] long, with where it meets, its link and speaker.
//! The deadlines file holds its community events exactly so (same UID, same time), so a calendar that has
//! imported one event and then the deadlines updates that event instead of showing it twice.

use crate::{CoreError, Engine};
use chrono::NaiveDate;
use icalendar::{Calendar, Component, Event, EventLike};
use penggerak_types::api::{Community, CommunityEventRecord};
use penggerak_types::ipc::{Deadline, DeadlineKind};
use penggerak_types::{Reason, RecordKind};
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
/// Community events come as `events` (each with its community's name), written as [`event_ics`] writes
/// them; the deadlines of kind event are left for them.
pub fn deadlines_ics(deadlines: &[Deadline], events: &[(CommunityEventRecord, String)]) -> String {
    let mut cal = Calendar::new();
    cal.name("Penggerak: tenggat");
    for (e, community) in events {
        match event_entry(e, community) {
            Some(event) => {
                cal.push(event);
            }
            None => {
                tracing::warn!(event = %e.event.id, "an event without a time is left out of the calendar file")
            }
        }
    }
    for d in deadlines.iter().filter(|d| d.kind != DeadlineKind::Event) {
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

/// How long a community event is in the calendar: the records say when it starts, not when it ends; one
/// meeting is two lesson hours (the JP it counts for), so two hours.
pub const EVENT_HOURS: i64 = 2;

/// One community event (of the community named `community`) as an iCalendar text, or `None` when its
/// start is not a time.
pub fn event_ics(e: &CommunityEventRecord, community: &str) -> Option<String> {
    let mut cal = Calendar::new();
    cal.push(event_entry(e, community)?);
    Some(cal.done().to_string())
}

/// One community event as a calendar entry, or `None` when its start is not a time.
fn event_entry(e: &CommunityEventRecord, community: &str) -> Option<Event> {
    let start = crate::clock::unix_of(&e.event.starts_at)?;
    let starts = chrono::DateTime::from_timestamp(start, 0)?;
    let ends = chrono::DateTime::from_timestamp(start + EVENT_HOURS * 60 * 60, 0)?;
    let mut event = Event::new();
    event
        .uid(&format!("{}@penggerak", e.event.id))
        .summary(&e.event.title)
        .starts(starts)
        .ends(ends)
        .add_property("CATEGORIES", category(DeadlineKind::Event));
    let mut about = vec![community.to_owned()];
    about.extend(e.event.speaker.as_ref().map(|s| format!("Narasumber: {s}")));
    // Where it meets: the place, or else the online meeting's address.
    if let Some(place) = e.event.place.as_ref().or(e.event.link.as_ref()) {
        event.location(place);
    }
    if let Some(link) = &e.event.link {
        event.add_property("URL", link);
        about.push(link.clone());
    }
    event.description(&about.join("\n"));
    Some(event.done())
}

impl Engine {
    /// Writes every deadline from today on (see the module) to `path`, whole or not at all.
    pub async fn export_deadlines(&self, path: &Path) -> Result<(), CoreError> {
        let deadlines = self.all_deadlines().await?;
        let store = self.store();
        let me = store.profile().await?;
        let names: std::collections::HashMap<String, String> = store
            .all::<Community>(RecordKind::Community)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let events: Vec<(CommunityEventRecord, String)> =
            crate::views::upcoming_events(store, &me, &self.today().await?)
                .await?
                .into_iter()
                .map(|(e, _)| {
                    let name = names.get(&e.community_id).cloned().unwrap_or_else(|| e.community_id.clone());
                    (e, name)
                })
                .collect();
        write_whole(path, &deadlines_ics(&deadlines, &events)).await
    }

    /// Writes the community event `id` (see the module) to `path`, whole or not at all. `NotOnDevice` when
    /// the device does not hold it.
    pub async fn export_event(&self, id: &str, path: &Path) -> Result<(), CoreError> {
        write_whole(path, &self.event_ics(id).await?).await
    }

    /// The community event `id` as a calendar file's text (checked before a dialog opens).
    pub async fn event_ics(&self, id: &str) -> Result<String, CoreError> {
        let store = self.store();
        let record = store
            .record(RecordKind::CommunityEvent, id)
            .await?
            .ok_or(CoreError::Refused(Reason::NotOnDevice))?;
        let e: CommunityEventRecord = record.parse()?;
        let community = store.record(RecordKind::Community, &e.community_id).await?;
        let name = community
            .and_then(|r| r.parse::<Community>().ok())
            .map_or_else(|| e.community_id.clone(), |c| c.name);
        event_ics(&e, &name)
            .ok_or(CoreError::Refused(Reason::NotValid { field: penggerak_types::Field::CommunityEvent }))
    }
}

/// Writes `text` to `path` through a temporary file beside it, so a cut never leaves half a file.
async fn write_whole(path: &Path, text: &str) -> Result<(), CoreError> {
    let tmp = path.with_extension("ics.part");
    let io = |e: std::io::Error| {
        tracing::warn!(path = %path.display(), error = %e, "the calendar file could not be saved");
        CoreError::Refused(Reason::NotSaved)
    };
    tokio::fs::write(&tmp, text.as_bytes()).await.map_err(io)?;
    tokio::fs::rename(&tmp, path).await.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(date: &str, title: &str, kind: DeadlineKind) -> Deadline {
        Deadline {
            date: date.into(),
            title: title.into(),
            kind,
            community: None,
            community_name: None,
            starts_at: None,
        }
    }

    #[test]
    fn each_deadline_is_an_all_day_event_with_a_stable_uid_and_its_title_escaped() {
        let list = [
            deadline("2026-12-31", "Lokakarya 3; refleksi, tindak lanjut", DeadlineKind::Programme),
            deadline("2027-02-28", "Unggah bukti dukung", DeadlineKind::Kinerja),
            deadline("bukan tanggal", "Dilewati", DeadlineKind::Pkb),
        ];
        let text = deadlines_ics(&list, &[]);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"), "{text}");
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "a deadline without a date is left out");
        assert!(text.contains("DTSTART;VALUE=DATE:20261231\r\n"), "all day, on its date: {text}");
        assert!(text.contains("DTEND;VALUE=DATE:20270101\r\n"), "ending the next day (a year's end too)");
        assert!(text.contains("SUMMARY:Lokakarya 3\\; refleksi\\, tindak lanjut\r\n"), "escaped: {text}");
        assert!(text.contains("CATEGORIES:Pendidikan Guru Penggerak\r\n"), "its kind: {text}");
        assert!(!text.contains("Dilewati"));
        let again = deadlines_ics(&list[..1], &[]);
        let uid_line = |t: &str| t.lines().find(|l| l.starts_with("UID:")).map(str::to_owned);
        assert_eq!(uid_line(&text), uid_line(&again), "the same deadline keeps its UID in a later file");
        assert!(text.lines().all(|l| l.len() <= 75), "lines folded at 75 octets");
    }

    #[test]
    fn an_event_is_at_its_time_in_utc_with_where_and_who() {
        use penggerak_types::api::CommunityEvent;
        let e = CommunityEventRecord {
            community_id: "kom-13".into(),
            event: CommunityEvent {
                id: "kom-13-ev2".into(),
                title: "Webinar: asesmen, diagnostik".into(),
                starts_at: "2026-12-10T15:00:00+08:00".into(),
                place: None,
                link: Some("https://meet.example.id/kom-13-2".into()),
                speaker: Some("Dra. Endang".into()),
                attendee_count: 0,
            },
        };
        let text = event_ics(&e, "KKG Denpasar").unwrap();
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART:20261210T070000Z\r\n"), "15:00 WITA is 07:00 UTC: {text}");
        assert!(unfolded.contains("DTEND:20261210T090000Z\r\n"), "two hours long: {text}");
        assert!(unfolded.contains("UID:kom-13-ev2@penggerak\r\n"), "the same event keeps its UID: {text}");
        assert!(unfolded.contains("SUMMARY:Webinar: asesmen\\, diagnostik\r\n"), "escaped: {text}");
        assert!(
            unfolded.contains("LOCATION:https://meet.example.id/kom-13-2\r\n"),
            "online: its link: {text}"
        );
        assert!(
            unfolded.contains(
                "DESCRIPTION:KKG Denpasar\\nNarasumber: Dra. Endang\\nhttps://meet.example.id/kom-13-2"
            ),
            "the community, the speaker and the link, one per line: {text}"
        );
        let bad = CommunityEventRecord {
            event: CommunityEvent { starts_at: "besok".into(), ..e.event.clone() },
            ..e.clone()
        };
        assert_eq!(event_ics(&bad, "x"), None, "no time, no calendar entry");

        // In the deadlines file, the event is the same entry (its UID and time), not an all-day one
        // beside it: a calendar that imported both keeps one.
        let as_deadline = Deadline {
            date: "2026-12-10".into(),
            title: e.event.title.clone(),
            kind: DeadlineKind::Event,
            community: Some("kom-13".into()),
            community_name: Some("KKG Denpasar".into()),
            starts_at: Some(e.event.starts_at.clone()),
        };
        let all = deadlines_ics(
            &[as_deadline, deadline("2027-02-28", "Unggah bukti dukung", DeadlineKind::Kinerja)],
            &[(e.clone(), "KKG Denpasar".into()), (bad, "x".into())],
        )
        .replace("\r\n ", "");
        assert_eq!(
            all.matches("BEGIN:VEVENT").count(),
            2,
            "the event once, the other deadline, no bad event: {all}"
        );
        let entry = |t: &str| {
            let from = t.find("BEGIN:VEVENT").unwrap();
            let to = from + t[from..].find("END:VEVENT").unwrap();
            let mut lines: Vec<String> =
                t[from..to].lines().filter(|l| !l.starts_with("DTSTAMP")).map(str::to_owned).collect();
            lines.sort();
            lines
        };
        assert_eq!(
            entry(&all),
            entry(&unfolded),
            "the event as 'Tambah ke kalender' writes it (but its stamp)"
        );
        assert!(!all.contains("DTSTART;VALUE=DATE:20261210"), "no all-day copy of it: {all}");
    }
}
