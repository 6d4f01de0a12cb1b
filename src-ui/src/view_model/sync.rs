//! What the sync status says: the status line every screen shows (and how far a long sync has come), when
//! the last sync succeeded, why one failed, and the data-use table of the settings page.

use super::dates::{month_year, time_label};
use super::errors::error_text;
use super::sizes::bytes_label;
use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::{DataUse, SyncPhase, SyncStatus};
use penggerak_types::zone::Zone;

/// The rows of the data-use table: the three newest months with any use (the current one called "this
/// month") and, when there is more than one month, the total since the first. Each row is (label, amount).
pub fn data_use_rows(l: Locale, d: &DataUse) -> Vec<(String, String)> {
    // What came from colleagues (Berbagi di sekolah) is said beside, never added to the paid data.
    let amount = |sent: u64, received: u64, from_peers: u64| {
        let total = bytes_label(l, sent.saturating_add(received));
        let paid = td_string!(
            l,
            data_use_amount,
            total = total,
            received = bytes_label(l, received),
            sent = bytes_label(l, sent)
        )
        .to_string();
        if from_peers == 0 {
            paid
        } else {
            td_string!(l, data_use_with_peers, paid = paid, peers = bytes_label(l, from_peers)).to_string()
        }
    };
    let label = |month: &str| match (month == d.this_month, month_year(l, month)) {
        (true, _) => td_string!(l, data_use_this_month).to_string(),
        (false, Some((year, name))) => td_string!(l, data_use_month, month = name, year = year).to_string(),
        (false, None) => td_string!(l, data_use_month_raw, month = month.to_owned()).to_string(),
    };
    let mut rows: Vec<(String, String)> = d
        .months
        .iter()
        .take(3)
        .map(|m| (label(&m.month), amount(m.sent, m.received, m.from_peers)))
        .collect();
    if d.months.len() > 1 {
        let first = &d.months[d.months.len() - 1].month;
        let (sent, received) = d.total();
        let since = match month_year(l, first) {
            Some((year, name)) => td_string!(l, data_use_total, month = name, year = year).to_string(),
            None => td_string!(l, data_use_month_raw, month = first.clone()).to_string(),
        };
        rows.push((since, amount(sent, received, d.total_from_peers())));
    }
    rows
}

/// How far a long sync has come, as (done, of): sending more than one change, or receiving what the
/// server said it would send. `None` when there is nothing worth a progress bar.
pub fn sync_progress(s: &SyncStatus) -> Option<(u64, u64)> {
    match s.phase {
        SyncPhase::Pushing if s.push_total > 1 => {
            let total = u64::from(s.push_total);
            Some((total.saturating_sub(u64::from(s.waiting)), total))
        }
        SyncPhase::Pulling if s.expected > 0 => Some((s.received.min(s.expected), s.expected)),
        _ => None,
    }
}

/// The status line every screen shows: what sync is doing (and how far it has come), what waits, and
/// when it last succeeded.
pub fn sync_line(l: Locale, s: &SyncStatus, zone: Zone) -> String {
    let mut parts = vec![match s.phase {
        SyncPhase::Pushing | SyncPhase::Pulling => match sync_progress(s) {
            Some((done, total)) => td_string!(l, sync_progress, done = done, total = total).to_string(),
            None => td_string!(l, sync_running).to_owned(),
        },
        SyncPhase::Offline => td_string!(l, sync_offline).to_owned(),
        SyncPhase::Error => td_string!(l, sync_error).to_owned(),
        SyncPhase::Idle | SyncPhase::SignedOut => match &s.last_synced_at {
            Some(at) => td_string!(l, sync_idle_at, when = time_label(l, at, zone)).to_string(),
            None => td_string!(l, sync_never).to_owned(),
        },
    }];
    if s.waiting > 0 {
        parts.push(crate::counted!(
            l,
            s.waiting,
            sync_waiting_singular,
            sync_waiting_plural,
            count = s.waiting
        ));
    }
    if s.conflicts > 0 {
        parts.push(crate::counted!(
            l,
            s.conflicts,
            sync_conflicts_singular,
            sync_conflicts_plural,
            count = s.conflicts
        ));
    }
    parts.join(" · ")
}

/// When the last sync succeeded, in the user's zone, or that it never did.
pub fn last_synced(l: Locale, s: &SyncStatus, zone: Zone) -> String {
    match &s.last_synced_at {
        Some(at) => time_label(l, at, zone),
        None => td_string!(l, sync_never).to_owned(),
    }
}

/// Why the last sync did not finish, in the user's words, while that is still so (offline or failed).
pub fn sync_problem(l: Locale, s: &SyncStatus) -> Option<String> {
    match s.phase {
        SyncPhase::Offline | SyncPhase::Error => s.problem.as_ref().map(|p| error_text(l, p)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows with their no-break spaces (between a size and its unit) shown as spaces.
    fn plain(rows: Vec<(String, String)>) -> Vec<(String, String)> {
        rows.into_iter().map(|(a, b)| (a, b.replace('\u{a0}', " "))).collect()
    }
    use crate::view_model::fixtures::profile;
    use penggerak_types::api::School;
    use penggerak_types::{ApiError, ErrorCode, Reason};

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    /// A failed sync says why, in the user's language, from the problem's data.
    #[test]
    fn a_failed_sync_says_why() {
        let mut s = SyncStatus { phase: SyncPhase::Error, ..Default::default() };
        assert_eq!(sync_problem(EN, &s), None, "nothing known, nothing said");
        s.problem =
            Some(ApiError::refused(ErrorCode::Internal, Reason::FailingAgain { attempts: 2, max: 8 }));
        assert_eq!(
            sync_problem(EN, &s).as_deref(),
            Some("One of your changes did not get through (2 of 8 tries); it will be sent again.")
        );
        assert!(sync_problem(ID, &s)
            .unwrap()
            .starts_with("Salah satu perubahan Anda gagal terkirim (2 dari 8"));
        s.phase = SyncPhase::Idle;
        assert_eq!(sync_problem(EN, &s), None, "a sync that went through has no problem to show");
        s.phase = SyncPhase::Offline;
        s.problem = Some(ApiError::new(ErrorCode::Offline, "Server tidak dapat dihubungi."));
        assert!(
            sync_problem(EN, &s).unwrap().starts_with("No internet connection. Your changes are kept"),
            "worded from the code, and saying nothing is lost"
        );
    }

    /// The demo's Bali teacher (Ni Made Ayu Lestari, SD Negeri 3 Ubud): her times are WITA, named.
    #[test]
    fn times_are_shown_in_the_users_own_zone_with_its_name() {
        let mut made = profile();
        made.school = Some(School {
            npsn: "50102345".into(),
            name: "SD Negeri 3 Ubud".into(),
            jenjang: "SD".into(),
            province: "Bali".into(),
            regency: "Kabupaten Gianyar".into(),
            principal_id: None,
        });
        let wita = made.zone();
        assert_eq!(wita, Zone::Wita);
        // A webinar of a Yogyakarta community at 14.00 WIB is at 15.00 for her; one in Bali reads as written.
        assert_eq!(time_label(ID, "2026-12-07T14:00:00+07:00", wita), "7 Des 2026 15.00 WITA");
        assert_eq!(time_label(EN, "2026-12-07T15:00:00+08:00", wita), "7 Dec 2026 15:00 WITA");
        // A sync time (UTC) late in the evening is already the next day in Bali and in Papua.
        assert_eq!(time_label(ID, "2026-12-31T16:30:00Z", wita), "1 Jan 2027 00.30 WITA");
        assert_eq!(time_label(ID, "2026-12-31T16:30:00Z", Zone::Wib), "31 Des 2026 23.30 WIB");
        assert_eq!(time_label(ID, "2026-12-31T14:30:00Z", Zone::Wit), "31 Des 2026 23.30 WIT");
        assert_eq!(time_label(ID, "kapan-kapan", wita), "kapan-kapan", "not an instant: as it is");
        let s = SyncStatus { last_synced_at: Some("2026-11-22T03:04:05Z".into()), ..Default::default() };
        assert_eq!(sync_line(ID, &s, wita), "Terakhir disinkronkan 22 Nov 2026 11.04 WITA");
        assert_eq!(last_synced(EN, &s, wita), "22 Nov 2026 11:04 WITA");
        // No school (a pengawas): WIB.
        assert_eq!(profile().zone(), Zone::Wib);
    }

    #[test]
    fn the_sync_line_says_what_waits() {
        let mut s = SyncStatus::default();
        assert_eq!(sync_line(ID, &s, Zone::Wib), "Belum pernah disinkronkan");
        s.last_synced_at = Some("2026-11-22T03:04:05Z".into());
        assert_eq!(sync_line(ID, &s, Zone::Wib), "Terakhir disinkronkan 22 Nov 2026 10.04 WIB", "in WIB");
        assert_eq!(sync_line(EN, &s, Zone::Wib), "Last synced 22 Nov 2026 10:04 WIB");
        s.phase = SyncPhase::Offline;
        s.waiting = 2;
        s.conflicts = 1;
        assert_eq!(
            sync_line(ID, &s, Zone::Wib),
            "Luring · 2 perubahan menunggu dikirim · 1 perubahan bentrok, pilih versinya"
        );
        assert_eq!(
            sync_line(EN, &s, Zone::Wib),
            "Offline · 2 changes waiting to be sent · 1 conflict to resolve"
        );
        s.waiting = 1;
        assert!(sync_line(EN, &s, Zone::Wib).contains("1 change waiting"), "English singular");
    }

    #[test]
    fn long_syncs_show_how_far_they_have_come() {
        let mut s = SyncStatus { phase: SyncPhase::Pulling, ..Default::default() };
        assert_eq!(sync_progress(&s), None, "before the first page nothing is known");
        assert_eq!(sync_line(ID, &s, Zone::Wib), "Menyinkronkan…");
        (s.received, s.expected) = (500, 1840);
        assert_eq!(sync_progress(&s), Some((500, 1840)));
        assert_eq!(sync_line(ID, &s, Zone::Wib), "Menyinkronkan 500 dari 1840…");
        assert_eq!(sync_line(EN, &s, Zone::Wib), "Syncing 500 of 1840…");
        let s = SyncStatus { phase: SyncPhase::Pushing, push_total: 12, waiting: 9, ..Default::default() };
        assert_eq!(sync_progress(&s), Some((3, 12)), "three of twelve changes sent");
        let s = SyncStatus { phase: SyncPhase::Pushing, push_total: 1, waiting: 1, ..Default::default() };
        assert_eq!(sync_progress(&s), None, "one change is quick: no bar");
        let s = SyncStatus { phase: SyncPhase::Idle, expected: 10, received: 10, ..Default::default() };
        assert_eq!(sync_progress(&s), None, "finished");
    }

    #[test]
    fn data_use_shows_this_month_the_two_before_and_everything_since_the_first() {
        use penggerak_types::ipc::MonthlyDataUse;
        let m = |month: &str, sent, received| MonthlyDataUse {
            month: month.into(),
            sent,
            received,
            from_peers: 0,
        };
        let none = DataUse { this_month: "2026-11".into(), months: vec![], connection: Default::default() };
        assert!(data_use_rows(ID, &none).is_empty(), "nothing to show: the page says so in words");

        let one = DataUse {
            this_month: "2026-11".into(),
            months: vec![m("2026-11", 2_100, 1_250_000)],
            connection: Default::default(),
        };
        assert_eq!(
            plain(data_use_rows(ID, &one)),
            vec![("Bulan ini:".to_owned(), "1,3 MB (unduh 1,3 MB · unggah 2,1 KB)".to_owned())],
            "one month needs no total"
        );

        let many = DataUse {
            this_month: "2026-12".into(),
            months: vec![
                m("2026-11", 1_000, 500_000),
                m("2026-10", 1_000, 400_000),
                m("2026-09", 1_000, 300_000),
                m("2026-08", 1_000, 100_000),
            ],
            connection: Default::default(),
        };
        let rows = plain(data_use_rows(EN, &many));
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            labels,
            ["Nov 2026:", "Oct 2026:", "Sep 2026:", "Total since Aug 2026:"],
            "no use yet this month: the newest month is named, not called this month"
        );
        assert_eq!(
            rows[3].1, "1.3 MB (download 1.3 MB · upload 4 KB)",
            "the total counts the months not listed too, and says the sum first"
        );
        let odd = DataUse {
            this_month: "2026-12".into(),
            months: vec![m("2026-13", 1, 2)],
            connection: Default::default(),
        };
        assert_eq!(data_use_rows(ID, &odd)[0].0, "2026-13:", "a month that is not one is shown as it came");
    }
}
