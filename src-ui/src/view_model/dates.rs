//! Dates and times as the user's language writes them: a calendar date or a wall time from its ISO form,
//! an instant as the wall time in the user's zone (with the zone named), a month and its year.

use crate::i18n::{td_string, Locale};
use penggerak_types::zone::{parse_instant, WallTime, Zone};

fn month(l: Locale, m: usize) -> &'static str {
    match m {
        1 => td_string!(l, month_1),
        2 => td_string!(l, month_2),
        3 => td_string!(l, month_3),
        4 => td_string!(l, month_4),
        5 => td_string!(l, month_5),
        6 => td_string!(l, month_6),
        7 => td_string!(l, month_7),
        8 => td_string!(l, month_8),
        9 => td_string!(l, month_9),
        10 => td_string!(l, month_10),
        11 => td_string!(l, month_11),
        _ => td_string!(l, month_12),
    }
}

/// `2026-03-05` → `5 Mar 2026`; `2026-03-05T08:00` → `5 Mar 2026 08.00` (`08:00` in English); anything
/// else as it is.
pub fn date_label(l: Locale, iso: &str) -> String {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|p| p.parse::<usize>().ok());
    match (part(0..4), part(5..7), part(8..10)) {
        (Some(y), Some(m @ 1..=12), Some(d)) if iso.len() >= 10 => {
            let date = td_string!(l, date_day, day = d, month = month(l, m), year = y).to_string();
            match (iso.get(11..13), iso.get(14..16)) {
                (Some(hour), Some(minute)) if iso.get(13..14) == Some(":") => {
                    td_string!(l, date_time, date = date, hour = hour.to_owned(), minute = minute.to_owned())
                        .to_string()
                }
                _ => date,
            }
        }
        _ => iso.to_owned(),
    }
}

/// The day (`YYYY-MM-DD`) in `zone` of an instant (RFC 3339); what is not an instant keeps its first ten
/// characters.
pub fn local_date(instant: &str, zone: penggerak_types::zone::Zone) -> String {
    match penggerak_types::zone::parse_instant(instant) {
        Some(unix) => penggerak_types::zone::WallTime::at(unix, zone).date(),
        None => instant.get(..10).unwrap_or_default().to_owned(),
    }
}

/// `2026-11` → (2026, the month's short name in `l`); `None` for anything else.
pub(super) fn month_year(l: Locale, yyyy_mm: &str) -> Option<(usize, &'static str)> {
    let year = yyyy_mm.get(0..4)?.parse().ok()?;
    match yyyy_mm.get(5..7)?.parse().ok()? {
        m @ 1..=12 => Some((year, month(l, m))),
        _ => None,
    }
}

/// An instant (RFC 3339, any offset) as the wall time in `zone`, with the zone named:
/// `22 Nov 2026 10.04 WIB`. What is not an instant is shown as [`date_label`] shows it.
pub fn time_label(l: Locale, instant: &str, zone: Zone) -> String {
    match parse_instant(instant) {
        Some(unix) => {
            let local = date_label(l, &WallTime::at(unix, zone).date_time());
            format!("{local} {}", zone.abbrev())
        }
        None => date_label(l, instant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    #[test]
    fn dates_read_in_indonesian() {
        assert_eq!(date_label(ID, "2026-03-05"), "5 Mar 2026");
        assert_eq!(date_label(ID, "2026-12-02T08:00"), "2 Des 2026 08.00", "Indonesian time uses a dot");
        assert_eq!(date_label(EN, "2026-12-02T08:00"), "2 Dec 2026 08:00");
        assert_eq!(date_label(EN, "2026-05-20"), "20 May 2026");
        assert_eq!(date_label(ID, "kapan-kapan"), "kapan-kapan");
    }

    #[test]
    fn an_instant_falls_on_the_users_own_day() {
        use penggerak_types::zone::Zone;
        assert_eq!(local_date("2026-12-02T16:30:00Z", Zone::Wib), "2026-12-02");
        assert_eq!(local_date("2026-12-02T16:30:00Z", Zone::Wita), "2026-12-03", "00.30 WITA is the 3rd");
        assert_eq!(local_date("2026-12-09", Zone::Wit), "2026-12-09", "a date stays a date");
    }
}
