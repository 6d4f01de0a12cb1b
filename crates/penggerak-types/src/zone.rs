//! Indonesia's three time zones, and an instant shown as the wall time of one.
//!
//! A user's times are shown in the zone of their school's province: WIB (UTC+7), WITA (UTC+8) or WIT
//! (UTC+9), with the zone named. A community event's time is written in the zone of the community's
//! province. Indonesia keeps no daylight saving, so a zone is a fixed offset.
//!
//! Plain arithmetic, no clock and no date crate: the UI (wasm) uses it, and every kilobyte of its binary
//! is paid for at each cold start on a cheap phone. `tests` checks it against the `time` crate.

use serde::{Deserialize, Serialize};

/// One of Indonesia's time zones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7: Sumatra, Java, West and Central Kalimantan. The default, for a user
    /// with no school (or a province not known here).
    #[default]
    Wib,
    /// Waktu Indonesia Tengah, UTC+8: Bali, Nusa Tenggara, South, East and North Kalimantan, Sulawesi.
    Wita,
    /// Waktu Indonesia Timur, UTC+9: Maluku and Papua.
    Wit,
}

/// The provinces in WITA, spelled as the ministry does; matched by [`fold`]ed name.
const WITA: &[&str] = &[
    "Bali",
    "Nusa Tenggara Barat",
    "Nusa Tenggara Timur",
    "Kalimantan Selatan",
    "Kalimantan Timur",
    "Kalimantan Utara",
    "Sulawesi Utara",
    "Gorontalo",
    "Sulawesi Tengah",
    "Sulawesi Barat",
    "Sulawesi Selatan",
    "Sulawesi Tenggara",
];

/// The provinces in WIT.
const WIT: &[&str] = &[
    "Maluku",
    "Maluku Utara",
    "Papua",
    "Papua Barat",
    "Papua Barat Daya",
    "Papua Selatan",
    "Papua Tengah",
    "Papua Pegunungan",
];

/// A province name reduced to lower-case letters and digits ("D.I. Yogyakarta" and "DI Yogyakarta"
/// both become "diyogyakarta"), with a leading "Provinsi" dropped.
fn fold(name: &str) -> String {
    let folded: String =
        name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    folded.strip_prefix("provinsi").map(str::to_owned).unwrap_or(folded)
}

impl Zone {
    /// The zone of a province (WIB when the name is not one this module knows).
    pub fn of_province(province: &str) -> Zone {
        let p = fold(province);
        if WITA.iter().any(|w| fold(w) == p) {
            Zone::Wita
        } else if WIT.iter().any(|w| fold(w) == p) {
            Zone::Wit
        } else {
            Zone::Wib
        }
    }

    /// Hours ahead of UTC.
    pub const fn hours(self) -> i64 {
        match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        }
    }

    /// The name shown after a time: `WIB`, `WITA`, `WIT` (the same in both languages).
    pub const fn abbrev(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }
}

/// A wall-clock time in one zone, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WallTime {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl WallTime {
    /// The wall time in `zone` of `unix` (seconds since 1970-01-01T00:00:00Z).
    pub fn at(unix: i64, zone: Zone) -> WallTime {
        let local = unix + zone.hours() * 3600;
        let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        WallTime { year, month, day, hour: (secs / 3600) as u8, minute: (secs % 3600 / 60) as u8 }
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DDTHH:MM`.
    pub fn date_time(&self) -> String {
        format!("{}T{:02}:{:02}", self.date(), self.hour, self.minute)
    }
}

/// Seconds since 1970-01-01T00:00:00Z of an RFC 3339 instant (`2026-11-22T03:04:05Z`,
/// `2026-11-22T10:04:05.123+07:00`), or `None` when `s` is not one.
pub fn parse_instant(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        (!part.is_empty() && part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Fractions of a second are allowed and ignored.
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [h1, h2, m1, m2];
            if !digits.iter().all(|d| d.is_ascii_digit()) {
                return None;
            }
            let (h, m) = (
                i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0'),
                i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0'),
            );
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u8, day as u8);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset)
}

/// Whether `s` is a calendar date `YYYY-MM-DD` that exists (no 30 February, no month 13), in the years
/// the app deals with (2000–2100).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit())).and_then(|p| p.parse::<i64>().ok())
    };
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y @ 2000..=2100), Some(m @ 1..=12), Some(d)) => (1..=days_in_month(y, m)).contains(&d),
        _ => false,
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_of_indonesia_is_in_its_zone() {
        // The 38 provinces (2022): 18 WIB, 12 WITA, 8 WIT.
        let wib = [
            "Aceh",
            "Sumatera Utara",
            "Sumatera Barat",
            "Riau",
            "Kepulauan Riau",
            "Jambi",
            "Sumatera Selatan",
            "Kepulauan Bangka Belitung",
            "Bengkulu",
            "Lampung",
            "Banten",
            "DKI Jakarta",
            "Jawa Barat",
            "Jawa Tengah",
            "DI Yogyakarta",
            "Jawa Timur",
            "Kalimantan Barat",
            "Kalimantan Tengah",
        ];
        assert_eq!(wib.len() + WITA.len() + WIT.len(), 38, "every province once");
        for p in wib {
            assert_eq!(Zone::of_province(p), Zone::Wib, "{p}");
        }
        for p in WITA {
            assert_eq!(Zone::of_province(p), Zone::Wita, "{p}");
        }
        for p in WIT {
            assert_eq!(Zone::of_province(p), Zone::Wit, "{p}");
        }
        assert_eq!(Zone::of_province("Provinsi Bali"), Zone::Wita, "with the word Provinsi");
        assert_eq!(Zone::of_province("PAPUA BARAT DAYA"), Zone::Wit, "in capitals");
        assert_eq!(Zone::of_province("D.I. Yogyakarta"), Zone::Wib, "with dots");
        assert_eq!(Zone::of_province("Papua Barat"), Zone::Wit, "not confused with Papua Barat Daya");
        assert_eq!(Zone::of_province(""), Zone::Wib, "no province: WIB");
    }

    #[test]
    fn an_instant_reads_as_its_wall_time_in_each_zone() {
        // 07:00 UTC, the demo's event hour: 14:00 in Yogyakarta, 15:00 in Bali, 16:00 in Jayapura.
        let t = parse_instant("2026-12-02T07:00:00Z").unwrap();
        assert_eq!(WallTime::at(t, Zone::Wib).date_time(), "2026-12-02T14:00");
        assert_eq!(WallTime::at(t, Zone::Wita).date_time(), "2026-12-02T15:00");
        assert_eq!(WallTime::at(t, Zone::Wit).date_time(), "2026-12-02T16:00");
        // The same instant written in another zone is the same instant.
        assert_eq!(parse_instant("2026-12-02T14:00:00+07:00"), Some(t));
        assert_eq!(parse_instant("2026-12-02T15:00:00.250+08:00"), Some(t));
        // Late UTC evening is already tomorrow in every Indonesian zone; a leap day; a new year.
        assert_eq!(
            WallTime::at(parse_instant("2024-02-28T18:00:00Z").unwrap(), Zone::Wib).date(),
            "2024-02-29"
        );
        assert_eq!(
            WallTime::at(parse_instant("2026-12-31T15:30:00Z").unwrap(), Zone::Wit).date(),
            "2027-01-01"
        );
        assert_eq!(
            WallTime::at(parse_instant("2026-12-31T15:30:00Z").unwrap(), Zone::Wita).date(),
            "2026-12-31"
        );
    }

    #[test]
    fn what_is_not_an_instant_is_refused() {
        for s in [
            "",
            "2026-12-02",
            "2026-12-02T07:00",
            "2026-12-02T07:00:00",
            "2026-13-02T07:00:00Z",
            "2026-02-30T07:00:00Z",
            "2026-12-02T24:00:00Z",
            "2026-12-02T07:00:00+7:00",
            "2026-12-02T07:00:00.Z",
            "2026-12-02T07:00:00Zjunk",
            "２０２６-12-02T07:00:00Z",
            "+026-12-02T07:00:00Z",
        ] {
            assert_eq!(parse_instant(s), None, "{s:?}");
        }
    }

    /// Checked against the `time` crate: every ~8 h 20 min from 1900 to 2200, in each zone, both ways.
    #[test]
    fn the_arithmetic_agrees_with_the_time_crate() {
        use time::format_description::well_known::Rfc3339;
        let (start, end) = (-2_208_988_800_i64, 7_258_118_400_i64);
        let mut checked = 0;
        for unix in (start..end).step_by(30_011) {
            let utc = time::OffsetDateTime::from_unix_timestamp(unix).unwrap();
            for zone in [Zone::Wib, Zone::Wita, Zone::Wit] {
                let offset = time::UtcOffset::from_hms(zone.hours() as i8, 0, 0).unwrap();
                let theirs = utc.to_offset(offset);
                let ours = WallTime::at(unix, zone);
                let expected = (
                    i64::from(theirs.year()),
                    theirs.month() as u8,
                    theirs.day(),
                    theirs.hour(),
                    theirs.minute(),
                );
                assert_eq!((ours.year, ours.month, ours.day, ours.hour, ours.minute), expected, "{unix}");
                let written = theirs.format(&Rfc3339).unwrap();
                assert_eq!(parse_instant(&written), Some(unix), "{written}");
            }
            checked += 1;
        }
        assert!(checked > 300_000, "{checked} instants");
    }

    #[test]
    fn only_dates_that_exist_are_dates() {
        for ok in ["2026-12-31", "2028-02-29", "2000-02-29", "2026-01-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "0000-00-00",
            "2026-02-30",
            "2026-13-45",
            "9999-99-99",
            "2100-02-29",
            "2026-04-31",
            "2026-1-01",
            "2026-01-+1",
            "2026/01/01",
            "2026-01-01 ",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        // The same answer as a calendar library, every day of four years around a leap day.
        for y in 2027..=2030 {
            for m in 1..=12u8 {
                for d in 1..=31u8 {
                    let real =
                        time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).is_ok();
                    assert_eq!(is_date(&format!("{y:04}-{m:02}-{d:02}")), real, "{y}-{m}-{d}");
                }
            }
        }
    }
}
