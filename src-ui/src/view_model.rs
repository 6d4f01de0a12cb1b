//! View logic as plain functions: what to show for an error, a role, a profile — in the chosen language.
//! Tested natively. Every word comes from the translations (`locales/*.json`) through `td_string!`.

use crate::i18n::{td_string, Locale};
use penggerak_types::api::{Community, Fixer, Profile, Role};
use penggerak_types::ipc::{
    CommunityItem, DataUse, DeadlineKind, MaterialItem, PkbItemView, Reminder, Saved, SyncPhase, SyncStatus,
};
use penggerak_types::kinerja::Actor;
use penggerak_types::kinerja::{ObservationStatus, PlanStatus, PlannedResult, Predikat};
use penggerak_types::material::{MaterialKind, MaterialQuery};
use penggerak_types::pkb::{PkbItemKind, PkbStatus};
use penggerak_types::programme::StageOutcome;
use penggerak_types::zone::{parse_instant, WallTime, Zone};
use penggerak_types::{ApiError, ErrorCode, Field, Reason};

/// The sentence to show for an error. Known codes get a fixed, friendly sentence in the chosen language;
/// others show the message the engine or server wrote (in Bahasa Indonesia: it is the server's data).
pub fn error_text(l: Locale, e: &ApiError) -> String {
    // A rule this version does not know: the server's sentence says it.
    if let Some(r) = e.reason.as_ref().filter(|r| **r != Reason::Unknown) {
        return reason_text(l, r);
    }
    match e.code {
        ErrorCode::Offline => td_string!(l, err_offline).to_string(),
        ErrorCode::InvalidCredentials => td_string!(l, err_invalid_credentials).to_string(),
        ErrorCode::SessionExpired => td_string!(l, err_session_expired).to_string(),
        ErrorCode::RateLimited => td_string!(l, err_rate_limited).to_string(),
        ErrorCode::PayloadTooLarge => td_string!(l, err_payload_too_large).to_string(),
        ErrorCode::ServerBusy => td_string!(l, err_server_busy).to_string(),
        ErrorCode::RequestTimeout => td_string!(l, err_request_timeout).to_string(),
        // The device's own words (the OS keyring's, the database driver's) go to the log, not the screen.
        ErrorCode::Keyring => {
            leptos::logging::warn!("keyring: {}", e.message);
            td_string!(l, err_keyring).to_string()
        }
        ErrorCode::Storage => {
            leptos::logging::warn!("storage: {}", e.message);
            td_string!(l, err_storage).to_string()
        }
        ErrorCode::Forbidden if e.message.is_empty() => td_string!(l, err_not_allowed).to_string(),
        _ if e.message.is_empty() => td_string!(l, err_generic).to_string(),
        _ => e.message.clone(),
    }
}

/// A rule's refusal in the user's language, from its typed values.
pub fn reason_text(l: Locale, r: &Reason) -> String {
    let f = |field: Field| reason_field(l, field);
    match r {
        Reason::ChangesWaiting { count } => td_string!(l, err_changes_waiting, count = *count).to_string(),
        Reason::Required { field } => td_string!(l, reason_required, field = f(*field)).to_string(),
        Reason::TooLong { field, max } => {
            td_string!(l, reason_too_long, field = f(*field), max = *max).to_string()
        }
        Reason::TooMany { field, max } => {
            td_string!(l, reason_too_many, field = f(*field), max = *max).to_string()
        }
        Reason::TooFew { field, min } => {
            td_string!(l, reason_too_few, field = f(*field), min = *min).to_string()
        }
        Reason::OutOfRange { field, min, max } => {
            td_string!(l, reason_out_of_range, field = f(*field), min = *min, max = *max).to_string()
        }
        Reason::Format { field, format } => {
            td_string!(l, reason_format, field = f(*field), format = format_label(l, format)).to_string()
        }
        Reason::NotValid { field } => td_string!(l, reason_not_valid, field = f(*field)).to_string(),
        Reason::DoneMeansFull => td_string!(l, reason_done_means_full).to_string(),
        Reason::NotStartedMeansZero => td_string!(l, reason_not_started_means_zero).to_string(),
        Reason::FullMeansDone => td_string!(l, reason_full_means_done).to_string(),
        Reason::NoPointsInCycle => td_string!(l, reason_no_points).to_string(),
        Reason::IndicatorNeeded => td_string!(l, reason_indicator_needed).to_string(),
        Reason::PointsNeeded => td_string!(l, reason_points_needed).to_string(),
        Reason::PointsShort { total, needed } => {
            td_string!(l, reason_points_short, total = *total, needed = *needed).to_string()
        }
        Reason::ResultsLocked { status } => {
            td_string!(l, reason_results_locked, status = plan_status_label(l, *status)).to_string()
        }
        Reason::ReflectionLocked => td_string!(l, reason_reflection_locked).to_string(),
        Reason::PlanMove { from, to } => td_string!(
            l,
            reason_plan_move,
            from = plan_status_label(l, *from),
            to = plan_status_label(l, *to)
        )
        .to_string(),
        Reason::MoveBy { by: Actor::Principal } => td_string!(l, reason_move_by_principal).to_string(),
        Reason::MoveBy { by: Actor::Owner } => td_string!(l, reason_move_by_owner).to_string(),
        Reason::HistoryFull { max } => td_string!(l, reason_history_full, max = *max).to_string(),
        Reason::ReturnNeedsNote => td_string!(l, reason_return_needs_note).to_string(),
        Reason::UnknownProgrammeItem => td_string!(l, reason_unknown_programme_item).to_string(),
        Reason::FacilitatorRecords => td_string!(l, reason_facilitator_records).to_string(),
        Reason::OtherStage => td_string!(l, reason_other_stage).to_string(),
        Reason::StageNotRunning => td_string!(l, reason_stage_not_running).to_string(),
        Reason::NotOnDevice => td_string!(l, reason_not_on_device).to_string(),
        Reason::GivenUp { attempts } => td_string!(l, reason_given_up, attempts = *attempts).to_string(),
        Reason::HeldBack => td_string!(l, reason_held_back).to_string(),
        Reason::DraftInTheWay => td_string!(l, reason_draft_in_the_way).to_string(),
        Reason::Unknown => td_string!(l, err_generic).to_string(),
        Reason::FailingAgain { attempts, max } => {
            td_string!(l, reason_failing_again, attempts = *attempts, max = *max).to_string()
        }
    }
}

/// A date or time format as people in the user's language write it ("TTTT-BB-HH" in Bahasa Indonesia);
/// one this app does not know, as the rule gave it.
fn format_label(l: Locale, format: &str) -> String {
    match format {
        "YYYY-MM-DD" => td_string!(l, format_date).to_string(),
        "YYYY-MM-DDTHH:MM" => td_string!(l, format_date_time).to_string(),
        other => other.to_owned(),
    }
}

/// A field a rule is about, as people call it.
fn reason_field(l: Locale, field: Field) -> &'static str {
    match field {
        Field::Title => td_string!(l, rfield_title),
        Field::Id => td_string!(l, rfield_id),
        Field::CommunityEvent => td_string!(l, rfield_community_event),
        Field::Jp => td_string!(l, rfield_jp),
        Field::Progress => td_string!(l, rfield_progress),
        Field::Reflection => td_string!(l, rfield_reflection),
        Field::TargetDate => td_string!(l, rfield_target_date),
        Field::Results => td_string!(l, rfield_results),
        Field::ResultText => td_string!(l, rfield_result_text),
        Field::Indicators => td_string!(l, rfield_indicators),
        Field::Points => td_string!(l, rfield_points),
        Field::Note => td_string!(l, rfield_note),
        Field::ObservationClass => td_string!(l, rfield_observation_class),
        Field::ObservationFocus => td_string!(l, rfield_observation_focus),
        Field::ObservationText => td_string!(l, rfield_observation_text),
        Field::ObservationSchedule => td_string!(l, rfield_observation_schedule),
        Field::ProgrammeSteps => td_string!(l, rfield_programme_steps),
        Field::PkbItems => td_string!(l, rfield_pkb_items),
        Field::JpTarget => td_string!(l, rfield_jp_target),
        Field::Observations => td_string!(l, rfield_observations),
        Field::Evidence => td_string!(l, rfield_evidence),
        Field::Unknown => td_string!(l, rfield_unknown),
    }
}

/// The sentence for an error a page's `ErrorBoundary` caught: an [`ApiError`] as [`error_text`] says it,
/// anything else as it reads.
pub fn caught_error_text(l: Locale, e: &leptos::error::Error) -> String {
    // Leptos's error derefs to an `Arc<dyn Error>`, which is itself an `Error`: downcasting that finds
    // the `Arc`, never the `ApiError` inside, so take the error the `Arc` holds.
    let inner: &(dyn std::error::Error + Send + Sync + 'static) = &***e;
    match inner.downcast_ref::<ApiError>() {
        Some(api) => error_text(l, api),
        None => e.to_string(),
    }
}

/// Classifies a plain-string rejection from the Tauri runtime (not from our commands).
pub fn shell_rejection(l: Locale, raw: &str) -> ApiError {
    if raw.contains("__TAURI__") || raw.contains("undefined is not an object") || raw.contains("is undefined")
    {
        ApiError::new(ErrorCode::Internal, td_string!(l, err_not_in_app))
    } else {
        let what = if raw.contains("not allowed") {
            (ErrorCode::Forbidden, td_string!(l, err_not_allowed))
        } else {
            (ErrorCode::Internal, td_string!(l, err_generic))
        };
        ApiError::new(what.0, td_string!(l, err_detail, what = what.1, detail = raw.to_owned()).to_string())
    }
}

pub fn role_label(l: Locale, role: Role) -> &'static str {
    match role {
        Role::Guru => td_string!(l, role_guru),
        Role::KepalaSekolah => td_string!(l, role_kepala_sekolah),
        Role::Pengawas => td_string!(l, role_pengawas),
        Role::Admin => td_string!(l, role_admin),
    }
}

/// The identity line under the name: "Guru · NUPTK 3471…" (NIP preferred for civil servants; both are
/// the ministry's names for the numbers, in every language).
pub fn identity_line(l: Locale, p: &Profile) -> String {
    let id = match (&p.nip, &p.nuptk) {
        (Some(nip), _) => format!(" · NIP {nip}"),
        (None, Some(nuptk)) => format!(" · NUPTK {nuptk}"),
        (None, None) => String::new(),
    };
    format!("{}{id}", role_label(l, p.role))
}

/// "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta", or a notice that no school is linked.
pub fn school_line(l: Locale, p: &Profile) -> String {
    match &p.school {
        Some(s) => format!("{} — {}, {}", s.name, s.regency, s.province),
        None => td_string!(l, no_school).to_owned(),
    }
}

/// The plan status as the UI says it.
pub fn plan_status_label(l: Locale, s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draf => td_string!(l, status_draf),
        PlanStatus::PerluDisetujui => td_string!(l, status_perlu_disetujui),
        PlanStatus::Disetujui => td_string!(l, status_disetujui),
        PlanStatus::Dikembalikan => td_string!(l, status_dikembalikan),
        PlanStatus::Disepakati => td_string!(l, status_disepakati),
    }
}

pub fn predikat_label(l: Locale, p: Predikat) -> &'static str {
    match p {
        Predikat::SangatBaik => td_string!(l, predikat_sangat_baik),
        Predikat::Baik => td_string!(l, predikat_baik),
        Predikat::ButuhPerbaikan => td_string!(l, predikat_butuh_perbaikan),
        Predikat::Kurang => td_string!(l, predikat_kurang),
        Predikat::SangatKurang => td_string!(l, predikat_sangat_kurang),
    }
}

pub fn observation_status_label(l: Locale, s: ObservationStatus) -> &'static str {
    match s {
        ObservationStatus::Terjadwal => td_string!(l, obs_terjadwal),
        ObservationStatus::Dilaksanakan => td_string!(l, obs_dilaksanakan),
        ObservationStatus::Selesai => td_string!(l, obs_selesai),
    }
}

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

/// A byte count as a phone's data settings show it (decimal units): `850 B`, `12,3 KB`, `1,2 MB`
/// (`12.3 KB` in English).
pub fn bytes_label(l: Locale, n: u64) -> String {
    if n < 1_000 {
        return td_string!(l, size_b, n = n).to_string();
    }
    let n = u128::from(n);
    let units = [1_000u128, 1_000_000, 1_000_000_000];
    for (i, &size) in units.iter().enumerate() {
        let whole = (n + size / 2) / size;
        // 999,96 KB reads as 1 MB, not 1000 KB.
        if whole >= 1_000 && i + 1 < units.len() {
            continue;
        }
        let number = if whole >= 100 {
            whole.to_string()
        } else {
            // One decimal, rounded half up, in integers (no float formatting to differ between platforms).
            let tenths = (n * 10 + size / 2) / size;
            match tenths % 10 {
                0 => (tenths / 10).to_string(),
                t => format!("{}{}{t}", tenths / 10, td_string!(l, decimal_separator)),
            }
        };
        return match i {
            0 => td_string!(l, size_kb, n = number).to_string(),
            1 => td_string!(l, size_mb, n = number).to_string(),
            _ => td_string!(l, size_gb, n = number).to_string(),
        };
    }
    unreachable!("the last unit takes any size")
}

/// `2026-11` → (2026, the month's short name in `l`); `None` for anything else.
fn month_year(l: Locale, yyyy_mm: &str) -> Option<(usize, &'static str)> {
    let year = yyyy_mm.get(0..4)?.parse().ok()?;
    match yyyy_mm.get(5..7)?.parse().ok()? {
        m @ 1..=12 => Some((year, month(l, m))),
        _ => None,
    }
}

/// The rows of the data-use table: the three newest months with any use (the current one called "this
/// month") and, when there is more than one month, the total since the first. Each row is (label, amount).
pub fn data_use_rows(l: Locale, d: &DataUse) -> Vec<(String, String)> {
    let amount = |sent: u64, received: u64| {
        td_string!(l, data_use_amount, received = bytes_label(l, received), sent = bytes_label(l, sent))
            .to_string()
    };
    let label = |month: &str| match (month == d.this_month, month_year(l, month)) {
        (true, _) => td_string!(l, data_use_this_month).to_string(),
        (false, Some((year, name))) => td_string!(l, data_use_month, month = name, year = year).to_string(),
        (false, None) => td_string!(l, data_use_month_raw, month = month.to_owned()).to_string(),
    };
    let mut rows: Vec<(String, String)> =
        d.months.iter().take(3).map(|m| (label(&m.month), amount(m.sent, m.received))).collect();
    if d.months.len() > 1 {
        let first = &d.months[d.months.len() - 1].month;
        let (sent, received) = d.total();
        let since = match month_year(l, first) {
            Some((year, name)) => td_string!(l, data_use_total, month = name, year = year).to_string(),
            None => td_string!(l, data_use_month_raw, month = first.clone()).to_string(),
        };
        rows.push((since, amount(sent, received)));
    }
    rows
}

/// Development-plan progress in percent of the target, 0..=100 (0 without a target).
pub fn jp_percent(done: u32, target: u32) -> u32 {
    done.saturating_mul(100).checked_div(target).map_or(0, |p| p.min(100))
}

/// "16 dari 32 JP".
pub fn jp_progress(l: Locale, done: u32, target: u32) -> String {
    td_string!(l, jp_progress, done = done, target = target).to_string()
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
        parts.push(td_string!(l, sync_waiting, count = s.waiting).to_string());
    }
    if s.conflicts > 0 {
        parts.push(td_string!(l, sync_conflicts, count = s.conflicts).to_string());
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

/// A record field as people call it (the JSON name when it has no name of its own here).
pub fn field_label(l: Locale, field: &str) -> String {
    let known = match field {
        "progress" => td_string!(l, field_progress),
        "status" => td_string!(l, field_status),
        "reflection" => td_string!(l, field_reflection),
        "title" => td_string!(l, field_title),
        "target_date" => td_string!(l, field_target_date),
        "jp" => td_string!(l, jp),
        "results" => td_string!(l, field_results),
        "note" => td_string!(l, field_note),
        "history" => td_string!(l, field_history),
        other => return other.replace('_', " "),
    };
    known.to_owned()
}

/// A field's value in a conflict, as people read it: text as it is, numbers and yes/no plainly, nothing
/// (or empty text) as a dash.
pub fn field_value(l: Locale, v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => td_string!(l, value_none).to_owned(),
        Some(Value::String(s)) if s.is_empty() => td_string!(l, value_none).to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => td_string!(l, value_yes).to_owned(),
        Some(Value::Bool(false)) => td_string!(l, value_no).to_owned(),
        Some(other) => other.to_string(),
    }
}

/// Who must fix a data problem, as the notice names them.
pub fn fixer_label(l: Locale, f: Fixer) -> &'static str {
    match f {
        Fixer::Guru => td_string!(l, fixer_guru),
        Fixer::KepalaSekolah => td_string!(l, fixer_kepala_sekolah),
        Fixer::OperatorSekolah => td_string!(l, fixer_operator),
        Fixer::AdminDinas => td_string!(l, fixer_dinas),
        Fixer::Unknown => td_string!(l, fixer_unknown),
    }
}

pub fn stage_outcome_label(l: Locale, o: StageOutcome) -> &'static str {
    match o {
        StageOutcome::Belum => td_string!(l, outcome_belum),
        StageOutcome::Berlangsung => td_string!(l, outcome_berlangsung),
        StageOutcome::Lulus => td_string!(l, outcome_lulus),
        StageOutcome::TidakLulus => td_string!(l, outcome_tidak_lulus),
    }
}

pub fn pkb_status_label(l: Locale, s: PkbStatus) -> &'static str {
    match s {
        PkbStatus::BelumMulai => td_string!(l, pkb_status_belum),
        PkbStatus::Berjalan => td_string!(l, pkb_status_berjalan),
        PkbStatus::Selesai => td_string!(l, pkb_status_selesai),
    }
}

pub fn pkb_kind_label(l: Locale, k: PkbItemKind) -> &'static str {
    match k {
        PkbItemKind::PelatihanMandiri => td_string!(l, pkb_kind_mandiri),
        PkbItemKind::Lokakarya => td_string!(l, pkb_kind_lokakarya),
        PkbItemKind::KomunitasBelajar => td_string!(l, pkb_kind_komunitas),
        PkbItemKind::Lainnya => td_string!(l, pkb_kind_lainnya),
    }
}

/// Where a deadline comes from, as the home screen and a reminder name it.
pub fn deadline_kind_label(l: Locale, k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::Kinerja => td_string!(l, nav_kinerja),
        DeadlineKind::Pkb => td_string!(l, pkb_heading),
        DeadlineKind::Event => td_string!(l, komunitas),
        DeadlineKind::Programme => td_string!(l, programme_heading),
    }
}

/// A reminder's notification: title ("Besok: Lokakarya 3") and body (where it comes from, and the date).
pub fn reminder_text(l: Locale, r: &Reminder) -> (String, String) {
    let title = r.deadline.title.clone();
    let heading = if r.today {
        td_string!(l, reminder_today, title = title).to_string()
    } else {
        td_string!(l, reminder_tomorrow, title = title).to_string()
    };
    let kind = deadline_kind_label(l, r.deadline.kind);
    let body = td_string!(l, reminder_body, kind = kind, date = date_label(l, &r.deadline.date)).to_string();
    (heading, body)
}

/// "1.240 anggota" / "1,240 members": the language's thousands separator and plural.
pub fn members_label(l: Locale, n: i64) -> String {
    let n = n.max(0);
    let digits = n.to_string();
    let sep = td_string!(l, thousands_separator);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    td_string!(l, members, count = n, n = out).to_string()
}

/// The Komunitas screen's search and filters. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommunityFilter {
    /// Words that must all appear in the name, topic, description, regency or lead (any case).
    pub q: String,
    pub topic: String,
    pub jenjang: String,
    /// A province.
    pub region: String,
}

impl CommunityFilter {
    pub fn matches(&self, c: &Community) -> bool {
        let hay =
            format!("{} {} {} {} {}", c.name, c.topic, c.description, c.regency, c.lead_name).to_lowercase();
        let words = self.q.to_lowercase();
        words.split_whitespace().all(|w| hay.contains(w))
            && (self.topic.is_empty() || c.topic == self.topic)
            && (self.jenjang.is_empty() || c.jenjang == self.jenjang)
            && (self.region.is_empty() || c.province == self.region)
    }
}

/// The choices each filter offers, from the communities on the device: topics, jenjang, provinces; each
/// sorted, without repeats.
pub fn filter_options(items: &[CommunityItem]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let pick = |f: fn(&Community) -> &String| {
        let set: std::collections::BTreeSet<String> = items.iter().map(|i| f(&i.community).clone()).collect();
        set.into_iter().collect::<Vec<_>>()
    };
    (pick(|c| &c.topic), pick(|c| &c.jenjang), pick(|c| &c.province))
}

/// Plan items grouped the way a teacher works through them: running first, then not started, then done.
/// Groups without items are left out; the order inside a group is kept.
pub fn pkb_groups(items: &[PkbItemView]) -> Vec<(PkbStatus, Vec<PkbItemView>)> {
    [PkbStatus::Berjalan, PkbStatus::BelumMulai, PkbStatus::Selesai]
        .into_iter()
        .map(|s| (s, items.iter().filter(|v| v.item.status == s).cloned().collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// One planned result as the plan editor holds it: its text, and its indicators one per line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResultForm {
    pub id: String,
    pub text: String,
    pub indicators: String,
    #[serde(default)]
    pub points: Option<u32>,
}

impl ResultForm {
    pub fn of(r: &PlannedResult) -> ResultForm {
        ResultForm {
            id: r.id.clone(),
            text: r.text.clone(),
            indicators: r.indicators.join("\n"),
            points: r.points,
        }
    }
}

/// The editor's rows: from its draft when one was kept (and can be read), else from the plan.
pub fn result_forms(results: &[PlannedResult], draft: Option<&str>) -> Vec<ResultForm> {
    draft
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_else(|| results.iter().map(ResultForm::of).collect())
}

/// The results to save: text trimmed, one indicator per non-blank line, rows left wholly empty dropped.
/// (Whether they are acceptable is the plan rules' call, on the device and on the server.)
pub fn results_from_forms(rows: &[ResultForm]) -> Vec<PlannedResult> {
    rows.iter()
        .filter(|r| !(r.text.trim().is_empty() && r.indicators.trim().is_empty()))
        .map(|r| PlannedResult {
            id: r.id.clone(),
            text: r.text.trim().to_owned(),
            indicators: r
                .indicators
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            points: r.points,
        })
        .collect()
}

/// An empty row with an id no other row has: `hasil-1`, `hasil-2`, …
pub fn new_result_form(rows: &[ResultForm]) -> ResultForm {
    let id = (1..)
        .map(|n| format!("hasil-{n}"))
        .find(|id| rows.iter().all(|r| &r.id != id))
        .expect("an unused id among finitely many rows");
    ResultForm { id, text: String::new(), indicators: String::new(), points: None }
}

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

/// The kinds of material, in the order the filter offers them, with the key the filter keeps.
pub const MATERIAL_KINDS: [(&str, MaterialKind); 4] = [
    ("modul", MaterialKind::Modul),
    ("perangkat_ajar", MaterialKind::PerangkatAjar),
    ("bacaan", MaterialKind::Bacaan),
    ("video", MaterialKind::Video),
];

/// A kind of material, in words.
pub fn material_kind_label(l: Locale, kind: MaterialKind) -> &'static str {
    match kind {
        MaterialKind::Modul => td_string!(l, kind_modul),
        MaterialKind::PerangkatAjar => td_string!(l, kind_perangkat_ajar),
        MaterialKind::Bacaan => td_string!(l, kind_bacaan),
        MaterialKind::Video => td_string!(l, kind_video),
    }
}

/// The Materi screen's search: words (all must appear in the title, topic or summary) and a kind key of
/// [`MATERIAL_KINDS`] ("" = every kind).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaterialFilter {
    pub q: String,
    pub kind: String,
}

impl MaterialFilter {
    pub fn matches(&self, item: &MaterialItem) -> bool {
        let kind = MATERIAL_KINDS.iter().find(|(key, _)| *key == self.kind).map(|(_, k)| *k);
        MaterialQuery { q: Some(self.q.clone()), kind, ..Default::default() }.matches(&item.material)
    }
}

/// How much of a material is on the device, in whole percent (rounded down: 100 only when all is there).
fn saved_percent(item: &MaterialItem) -> u64 {
    let total = item.material.download_size();
    if total == 0 {
        return 100;
    }
    (u128::from(item.saved_bytes.min(total)) * 100 / u128::from(total)) as u64
}

/// The chip beside a material: saved, a newer version waiting, or how far a stopped download got; `None`
/// when nothing of it is on the device.
pub fn saved_chip(l: Locale, item: &MaterialItem) -> Option<String> {
    match item.saved {
        Saved::Yes => Some(td_string!(l, saved_yes).to_string()),
        Saved::Outdated => Some(td_string!(l, saved_outdated).to_string()),
        Saved::No if item.saved_bytes > 0 => {
            Some(td_string!(l, saved_partial, percent = saved_percent(item)).to_string())
        }
        Saved::No => None,
    }
}

/// What the download button offers, with what it will cost in data; `None` when the material is saved in
/// its newest version (nothing to download).
pub fn save_label(l: Locale, item: &MaterialItem) -> Option<String> {
    let total = item.material.download_size();
    let left = total.saturating_sub(item.saved_bytes);
    match item.saved {
        Saved::Yes => None,
        Saved::Outdated => {
            Some(td_string!(l, update_material, size = bytes_label(l, left.max(1))).to_string())
        }
        Saved::No if item.saved_bytes > 0 => {
            Some(td_string!(l, resume_material, size = bytes_label(l, left)).to_string())
        }
        Saved::No => Some(td_string!(l, save_material, size = bytes_label(l, total)).to_string()),
    }
}

/// The progress line of a download running: bytes on the device of the whole.
pub fn saving_label(l: Locale, item: &MaterialItem) -> String {
    let total = item.material.download_size();
    td_string!(
        l,
        saving_material,
        done = bytes_label(l, item.saved_bytes.min(total)),
        total = bytes_label(l, total)
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::api::School;
    use penggerak_types::ipc::Deadline;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    fn material_item(saved: Saved, saved_bytes: u64) -> MaterialItem {
        MaterialItem {
            material: penggerak_types::material::Material {
                id: "materi-01".into(),
                title: "Pembelajaran Berdiferensiasi".into(),
                kind: MaterialKind::Modul,
                topic: "Pembelajaran".into(),
                jenjang: vec![],
                summary: "Menyesuaikan pembelajaran dengan kebutuhan murid.".into(),
                updated: "2026-11-01".into(),
                content_size: 20_000,
                content_etag: "\"e\"".into(),
                files: vec![penggerak_types::material::MaterialFile {
                    id: "f".into(),
                    name: "modul.pdf".into(),
                    content_type: "application/pdf".into(),
                    size: 5_980_000,
                    sha256: "00".into(),
                }],
            },
            saved,
            saved_bytes,
        }
    }

    #[test]
    fn a_material_says_what_saving_it_costs_and_how_far_it_got() {
        let none = material_item(Saved::No, 0);
        assert_eq!(saved_chip(ID, &none), None, "nothing on the device: no chip");
        assert_eq!(save_label(ID, &none).unwrap(), "Unduh untuk dibaca tanpa internet (6 MB)");
        assert_eq!(save_label(EN, &none).unwrap(), "Save for offline reading (6 MB)");

        let half = material_item(Saved::No, 3_000_000);
        assert_eq!(saved_chip(ID, &half).unwrap(), "Terunduh 50%");
        assert_eq!(save_label(ID, &half).unwrap(), "Lanjutkan unduhan (3 MB lagi)", "only what is missing");
        assert_eq!(saving_label(EN, &half), "Downloading… 3 MB of 6 MB");

        let almost = material_item(Saved::No, 5_999_999);
        assert_eq!(saved_chip(EN, &almost).unwrap(), "99% downloaded", "100% only when it is all there");

        let saved = material_item(Saved::Yes, 6_000_000);
        assert_eq!((saved_chip(ID, &saved).unwrap().as_str(), save_label(ID, &saved)), ("Tersimpan", None));

        let old = material_item(Saved::Outdated, 5_980_000);
        assert_eq!(saved_chip(EN, &old).unwrap(), "New version available");
        assert_eq!(save_label(ID, &old).unwrap(), "Perbarui (20 KB)", "the new text is what is missing");
    }

    #[test]
    fn the_materials_filter_combines_words_and_kind() {
        let m = material_item(Saved::No, 0);
        let f = |q: &str, kind: &str| MaterialFilter { q: q.into(), kind: kind.into() }.matches(&m);
        assert!(f("", ""), "an empty filter shows everything");
        assert!(f("BERDIFERENSIASI murid", ""), "words in any case, from title and summary");
        assert!(!f("berdiferensiasi video", ""), "every word must match");
        assert!(f("", "modul") && !f("", "video"), "the kind narrows");
        assert_eq!(
            MATERIAL_KINDS.map(|(_, k)| material_kind_label(EN, k)),
            ["Module", "Teaching kit", "Reading", "Video"]
        );
    }

    fn profile() -> Profile {
        Profile {
            id: "u".into(),
            full_name: "Agus".into(),
            role: Role::Guru,
            nuptk: Some("3471".into()),
            nip: None,
            email: "a@x".into(),
            school: None,
            employment: Default::default(),
            subjects: vec![],
            problems: vec![],
        }
    }

    #[test]
    fn errors_read_as_sentences_not_codes() {
        let e = ApiError::new(ErrorCode::InvalidCredentials, "server text");
        assert_eq!(error_text(ID, &e), "NUPTK/NIP/email atau kata sandi salah.", "the UI's own sentence");
        assert_eq!(error_text(EN, &e), "Wrong NUPTK/NIP/email or password.", "in the chosen language");
        let e = ApiError::new(ErrorCode::Validation, "Alamat server tidak valid: x");
        assert_eq!(
            error_text(EN, &e),
            "Alamat server tidak valid: x",
            "other codes show the engine's message"
        );
        let e = ApiError::new(ErrorCode::Internal, "");
        assert_eq!(
            error_text(ID, &e),
            "Terjadi kesalahan. Coba lagi sebentar lagi.",
            "never an empty error box"
        );
        // The sign-out warning's count is a field of its reason, not a number read out of a sentence.
        let e = ApiError::refused(ErrorCode::ChangesWaiting, Reason::ChangesWaiting { count: 1 });
        assert!(error_text(EN, &e).starts_with("1 change or draft has"), "{}", error_text(EN, &e));
        let e = ApiError::refused(ErrorCode::ChangesWaiting, Reason::ChangesWaiting { count: 3 });
        assert!(error_text(EN, &e).starts_with("3 changes or drafts have"), "the count, and English plural");
        assert!(error_text(ID, &e).starts_with("3 perubahan atau draf"), "{}", error_text(ID, &e));
    }

    /// Every refusal is worded in the user's language from its rule and values: no Rust names, and the
    /// same rule reads in English in the English UI.
    #[test]
    fn refusals_are_worded_from_their_reason_in_either_language() {
        let e = ApiError::refused(
            ErrorCode::Conflict,
            Reason::PlanMove { from: PlanStatus::PerluDisetujui, to: PlanStatus::Disepakati },
        );
        assert_eq!(
            error_text(ID, &e),
            "Rencana berstatus “Perlu disetujui” tidak dapat diubah menjadi “Disepakati”."
        );
        assert_eq!(error_text(EN, &e), "A plan that is “Needs approval” cannot become “Agreed”.");
        let e = ApiError::refused(ErrorCode::Validation, Reason::TooLong { field: Field::Title, max: 200 });
        assert_eq!(error_text(ID, &e), "Judul paling panjang 200 karakter.");
        assert_eq!(error_text(EN, &e), "Title: at most 200 characters.");
        // A rule from a newer server: its own sentence, not a blank.
        let mut e = ApiError::new(ErrorCode::Validation, "Aturan baru dari server.");
        e.reason = Some(Reason::Unknown);
        assert_eq!(error_text(EN, &e), "Aturan baru dari server.");
        let date = Reason::Format { field: Field::TargetDate, format: "YYYY-MM-DD".into() };
        let e = ApiError::refused(ErrorCode::Validation, date);
        assert_eq!(
            error_text(ID, &e),
            "Tanggal target harus berformat TTTT-BB-HH.",
            "the format as written here"
        );
        assert_eq!(error_text(EN, &e), "Target date must be written as YYYY-MM-DD.");
        // The server's pace and deadline, in the user's language (not the server's Indonesian message).
        let e = ApiError::new(ErrorCode::ServerBusy, "Server sedang sibuk. Coba lagi sebentar lagi.");
        assert_eq!(error_text(EN, &e), "The server is busy. The app will try again shortly.");
        let e = ApiError::new(ErrorCode::RequestTimeout, "x");
        assert_eq!(
            error_text(EN, &e),
            "The connection was too slow for the server to wait. The app will try again."
        );
        let e = ApiError::refused(ErrorCode::Validation, Reason::PointsShort { total: 60, needed: 100 });
        assert_eq!(error_text(EN, &e), "The points add up to 60; this cycle needs at least 100.");
        // The device's own English stays out of the sentence.
        let e = ApiError::new(
            ErrorCode::Storage,
            "Penyimpanan lokal aplikasi gagal: error returned from database: x",
        );
        assert_eq!(
            error_text(ID, &e),
            "Data di perangkat tidak dapat dibaca. Tutup lalu buka lagi aplikasi."
        );
        let e = ApiError::new(ErrorCode::Keyring, "Platform secure storage failure: DBus error");
        assert!(!error_text(EN, &e).contains("DBus"), "{}", error_text(EN, &e));
        // Every rule has its words in both languages (a missing key would not compile; an empty one would).
        for r in every_reason() {
            for l in [ID, EN] {
                let text = reason_text(l, &r);
                assert!(text.len() > 10 && !text.contains("{{") && !text.contains("Perlu_"), "{r:?}: {text}");
            }
        }
    }

    fn every_reason() -> Vec<Reason> {
        use Field::*;
        let fields = [
            Title,
            Id,
            CommunityEvent,
            Jp,
            Progress,
            Reflection,
            TargetDate,
            Results,
            ResultText,
            Indicators,
            Points,
            Note,
            ObservationClass,
            ObservationFocus,
            ObservationText,
            ObservationSchedule,
            ProgrammeSteps,
            PkbItems,
            JpTarget,
            Observations,
            Evidence,
            Unknown,
        ];
        let mut all = vec![
            Reason::ChangesWaiting { count: 2 },
            Reason::DoneMeansFull,
            Reason::NotStartedMeansZero,
            Reason::FullMeansDone,
            Reason::NoPointsInCycle,
            Reason::IndicatorNeeded,
            Reason::PointsNeeded,
            Reason::PointsShort { total: 1, needed: 2 },
            Reason::ResultsLocked { status: PlanStatus::Disetujui },
            Reason::ReflectionLocked,
            Reason::PlanMove { from: PlanStatus::Draf, to: PlanStatus::Disepakati },
            Reason::MoveBy { by: Actor::Principal },
            Reason::MoveBy { by: Actor::Owner },
            Reason::HistoryFull { max: 100 },
            Reason::ReturnNeedsNote,
            Reason::UnknownProgrammeItem,
            Reason::FacilitatorRecords,
            Reason::OtherStage,
            Reason::StageNotRunning,
            Reason::NotOnDevice,
            Reason::GivenUp { attempts: 8 },
            Reason::HeldBack,
            Reason::FailingAgain { attempts: 2, max: 8 },
            Reason::DraftInTheWay,
        ];
        for field in fields {
            all.extend([
                Reason::Required { field },
                Reason::TooLong { field, max: 5 },
                Reason::TooMany { field, max: 5 },
                Reason::TooFew { field, min: 1 },
                Reason::OutOfRange { field, min: 0, max: 9 },
                Reason::Format { field, format: "YYYY-MM-DD".into() },
                Reason::NotValid { field },
            ]);
        }
        all
    }

    #[test]
    fn acl_refusals_and_missing_bridge_are_classified() {
        let e = shell_rejection(ID, "sign_in not allowed. Command not found");
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(
            e.message,
            "Tindakan ini tidak dapat dilakukan di aplikasi. (sign_in not allowed. Command not found)",
            "the sentence, then the runtime's words for whoever reads a report"
        );
        let e = shell_rejection(EN, "TypeError: window.__TAURI__ is undefined");
        assert_eq!(e.message, "This page must be opened inside the Penggerak app.");
    }

    #[test]
    fn identity_prefers_nip_and_school_has_a_fallback() {
        let mut p = profile();
        assert_eq!(identity_line(ID, &p), "Guru · NUPTK 3471");
        assert_eq!(identity_line(EN, &p), "Teacher · NUPTK 3471");
        p.nip = Some("1987".into());
        p.role = Role::KepalaSekolah;
        assert_eq!(identity_line(ID, &p), "Kepala sekolah · NIP 1987");
        assert_eq!(school_line(ID, &p), "Belum terhubung ke satuan pendidikan");
        p.school = Some(School {
            npsn: "1".into(),
            name: "SD Negeri 1 Depok".into(),
            jenjang: "SD".into(),
            province: "DI Yogyakarta".into(),
            regency: "Kabupaten Sleman".into(),
            principal_id: None,
        });
        assert_eq!(school_line(EN, &p), "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta", "names stay");
    }

    #[test]
    fn dates_read_in_indonesian() {
        assert_eq!(date_label(ID, "2026-03-05"), "5 Mar 2026");
        assert_eq!(date_label(ID, "2026-12-02T08:00"), "2 Des 2026 08.00", "Indonesian time uses a dot");
        assert_eq!(date_label(EN, "2026-12-02T08:00"), "2 Dec 2026 08:00");
        assert_eq!(date_label(EN, "2026-05-20"), "20 May 2026");
        assert_eq!(date_label(ID, "kapan-kapan"), "kapan-kapan");
    }

    /// A failed sync says why, in the user's language, from the problem's data.
    #[test]
    fn a_failed_sync_says_why() {
        let mut s = SyncStatus { phase: SyncPhase::Error, ..Default::default() };
        assert_eq!(sync_problem(EN, &s), None, "nothing known, nothing said");
        s.problem =
            Some(ApiError::refused(ErrorCode::Internal, Reason::FailingAgain { attempts: 2, max: 8 }));
        assert_eq!(
            sync_problem(EN, &s).as_deref(),
            Some("The server failed one of your changes (2 of 8 tries); it will be sent again.")
        );
        assert!(sync_problem(ID, &s)
            .unwrap()
            .starts_with("Server gagal memproses salah satu perubahan Anda (2 dari 8"));
        s.phase = SyncPhase::Idle;
        assert_eq!(sync_problem(EN, &s), None, "a sync that went through has no problem to show");
        s.phase = SyncPhase::Offline;
        s.problem = Some(ApiError::new(ErrorCode::Offline, "Server tidak dapat dihubungi."));
        assert!(
            sync_problem(EN, &s).unwrap().starts_with("The server cannot be reached"),
            "worded from the code"
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
            "Luring · 2 perubahan menunggu sinkronisasi · 1 perubahan bentrok, pilih versinya"
        );
        assert_eq!(
            sync_line(EN, &s, Zone::Wib),
            "Offline · 2 changes waiting to sync · 1 conflict to resolve"
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
    fn the_plan_editor_keeps_rows_and_saves_clean_results() {
        let planned = vec![PlannedResult {
            id: "r1".into(),
            text: "Modul ajar".into(),
            indicators: vec!["Dua modul".into(), "Dipakai di kelas".into()],
            points: Some(20),
        }];
        let mut rows = result_forms(&planned, None);
        assert_eq!(rows[0].indicators, "Dua modul\nDipakai di kelas", "one indicator per line");
        assert_eq!(results_from_forms(&rows), planned, "unchanged rows give the plan back");
        let added = new_result_form(&rows);
        assert_eq!(added.id, "hasil-1");
        rows.push(added);
        let next = new_result_form(&rows);
        assert_eq!(next.id, "hasil-2", "never an id another row has");
        rows.push(next);
        rows[1].text = "  Asesmen diagnostik ".into();
        rows[1].indicators = "\n Satu asesmen tiap semester \n\n".into();
        let saved = results_from_forms(&rows);
        assert_eq!(saved.len(), 2, "the wholly empty row is dropped");
        assert_eq!(saved[1].text, "Asesmen diagnostik");
        assert_eq!(saved[1].indicators, ["Satu asesmen tiap semester"], "blank lines are not indicators");
        assert_eq!(saved[0].points, Some(20), "points the plan had stay");

        let draft = serde_json::to_string(&rows).unwrap();
        assert_eq!(result_forms(&planned, Some(&draft)), rows, "a kept draft comes back as typed");
        assert_eq!(
            result_forms(&planned, Some("not json")).len(),
            1,
            "an unreadable draft falls back to the plan"
        );
    }

    #[test]
    fn jp_progress_is_bounded() {
        assert_eq!((jp_percent(16, 32), jp_percent(40, 32), jp_percent(5, 0)), (50, 100, 0));
    }

    #[test]
    fn every_status_has_a_label() {
        use PlanStatus::*;
        let labels: std::collections::BTreeSet<_> =
            [Draf, PerluDisetujui, Disetujui, Dikembalikan, Disepakati]
                .map(|s| plan_status_label(EN, s))
                .into();
        assert_eq!(labels.len(), 5, "no two statuses read the same");
        assert_eq!(plan_status_label(ID, PerluDisetujui), "Perlu disetujui");
    }

    fn community(name: &str, topic: &str, jenjang: &str, province: &str) -> Community {
        Community {
            id: name.to_lowercase(),
            name: name.into(),
            description: "Berbagi praktik baik".into(),
            topic: topic.into(),
            jenjang: jenjang.into(),
            province: province.into(),
            regency: "Kabupaten Sleman".into(),
            lead_id: "l".into(),
            lead_name: "Ibu Ratna".into(),
            member_count: 3,
        }
    }

    #[test]
    fn the_community_filter_needs_every_word_and_every_chosen_field() {
        let c = community("Kombel Numerasi Sleman", "Numerasi", "SD", "DI Yogyakarta");
        let all = CommunityFilter::default();
        assert!(all.matches(&c), "an empty filter shows everything");
        let words = CommunityFilter { q: "numerasi  SLEMAN".into(), ..all.clone() };
        assert!(words.matches(&c), "words match in any case, in any field, extra spaces ignored");
        let missing = CommunityFilter { q: "numerasi literasi".into(), ..all.clone() };
        assert!(!missing.matches(&c), "every word must be found");
        let lead = CommunityFilter { q: "ratna".into(), ..all.clone() };
        assert!(lead.matches(&c), "the lead's name is searched too");
        let other = CommunityFilter { jenjang: "SMP".into(), ..all.clone() };
        assert!(!other.matches(&c), "a chosen jenjang must match exactly");
        let bali = CommunityFilter { region: "Bali".into(), topic: "Numerasi".into(), ..all };
        assert!(!bali.matches(&c), "a chosen province must match");
    }

    #[test]
    fn filter_options_are_sorted_and_unique() {
        let item = |c| CommunityItem { community: c, member: false, pending: false, events: vec![] };
        let items = vec![
            item(community("B", "Numerasi", "SD", "DI Yogyakarta")),
            item(community("A", "Literasi", "SD", "Bali")),
            item(community("C", "Numerasi", "SMP", "Bali")),
        ];
        let (topics, jenjang, regions) = filter_options(&items);
        assert_eq!(topics, ["Literasi", "Numerasi"]);
        assert_eq!(jenjang, ["SD", "SMP"]);
        assert_eq!(regions, ["Bali", "DI Yogyakarta"]);
    }

    #[test]
    fn an_error_caught_by_a_boundary_keeps_its_code_and_is_worded_in_the_language() {
        // What a page renders as `Err(ApiError)` reaches its ErrorBoundary wrapped in Leptos's own error type.
        let caught = leptos::error::Error::from(ApiError::new(ErrorCode::Offline, "raw"));
        assert_eq!(caught_error_text(ID, &caught), error_text(ID, &ApiError::new(ErrorCode::Offline, "")));
        assert_ne!(
            caught_error_text(EN, &caught),
            caught_error_text(ID, &caught),
            "the sentence follows the language, so the code survived the wrapping"
        );
        let other = leptos::error::Error::from(std::io::Error::other("disk full"));
        assert_eq!(caught_error_text(ID, &other), "disk full", "anything else reads as it is");
    }

    #[test]
    fn bytes_read_like_a_phones_data_settings_in_each_language() {
        assert_eq!(bytes_label(ID, 0), "0 B");
        assert_eq!(bytes_label(ID, 999), "999 B");
        assert_eq!(bytes_label(ID, 1_000), "1 KB", "a whole number has no decimal");
        assert_eq!(bytes_label(ID, 12_345), "12,3 KB", "Indonesian decimal comma");
        assert_eq!(bytes_label(EN, 12_345), "12.3 KB", "English decimal point");
        assert_eq!(bytes_label(ID, 12_960), "13 KB", "12.96 rounds to a whole 13.0, shown without the .0");
        assert_eq!(bytes_label(ID, 150_400), "150 KB", "three digits need no decimal");
        assert_eq!(bytes_label(ID, 999_960), "1 MB", "rounds into the next unit, never \"1000 KB\"");
        assert_eq!(bytes_label(ID, 999_400), "999 KB");
        assert_eq!(bytes_label(ID, 1_250_000), "1,3 MB", "half rounds up");
        assert_eq!(bytes_label(EN, 3_400_000_000), "3.4 GB");
        assert_eq!(
            bytes_label(EN, u64::MAX),
            "18446744074 GB",
            "the largest count neither overflows nor panics"
        );
    }

    #[test]
    fn data_use_shows_this_month_the_two_before_and_everything_since_the_first() {
        use penggerak_types::ipc::MonthlyDataUse;
        let m = |month: &str, sent, received| MonthlyDataUse { month: month.into(), sent, received };
        let none = DataUse { this_month: "2026-11".into(), months: vec![] };
        assert!(data_use_rows(ID, &none).is_empty(), "nothing to show: the page says so in words");

        let one = DataUse { this_month: "2026-11".into(), months: vec![m("2026-11", 2_100, 1_250_000)] };
        assert_eq!(
            data_use_rows(ID, &one),
            vec![("Bulan ini:".to_owned(), "1,3 MB diterima · 2,1 KB dikirim".to_owned())],
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
        };
        let rows = data_use_rows(EN, &many);
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            labels,
            ["Nov 2026:", "Oct 2026:", "Sep 2026:", "Total since Aug 2026:"],
            "no use yet this month: the newest month is named, not called this month"
        );
        assert_eq!(rows[3].1, "1.3 MB received · 4 KB sent", "the total counts the months not listed too");
        let odd = DataUse { this_month: "2026-12".into(), months: vec![m("2026-13", 1, 2)] };
        assert_eq!(data_use_rows(ID, &odd)[0].0, "2026-13:", "a month that is not one is shown as it came");
    }

    #[test]
    fn members_use_the_indonesian_thousands_separator() {
        assert_eq!(members_label(ID, 7), "7 anggota");
        assert_eq!(members_label(ID, 1240), "1.240 anggota");
        assert_eq!(members_label(ID, 1_000_000), "1.000.000 anggota");
        assert_eq!(members_label(ID, -1), "0 anggota", "a count never shows negative");
        assert_eq!(members_label(EN, 1), "1 member");
        assert_eq!(members_label(EN, 1240), "1,240 members", "English separator and plural");
    }

    #[test]
    fn plan_items_group_running_first_and_skip_empty_groups() {
        let item = |id: &str, status| PkbItemView {
            item: penggerak_types::pkb::PkbItem {
                id: id.into(),
                plan_id: "p".into(),
                owner_id: "u".into(),
                kind: PkbItemKind::Lokakarya,
                title: id.into(),
                jp: 4,
                target_date: None,
                status,
                progress: 0,
                reflection: String::new(),
                community_event_id: None,
            },
            pending: false,
            conflict: false,
            draft: None,
        };
        let groups = pkb_groups(&[
            item("a", PkbStatus::Selesai),
            item("b", PkbStatus::Berjalan),
            item("c", PkbStatus::Selesai),
        ]);
        let shape: Vec<(PkbStatus, Vec<String>)> =
            groups.into_iter().map(|(s, v)| (s, v.into_iter().map(|i| i.item.id).collect())).collect();
        assert_eq!(
            shape,
            [(PkbStatus::Berjalan, vec!["b".to_owned()]), (PkbStatus::Selesai, vec!["a".into(), "c".into()])]
        );
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

    #[test]
    fn conflict_values_read_plainly() {
        use serde_json::json;
        assert_eq!(field_value(ID, None), "—");
        assert_eq!(field_value(ID, Some(&json!(""))), "—", "empty text is shown as nothing");
        assert_eq!(field_value(ID, Some(&json!("Baru"))), "Baru", "text without quotes");
        assert_eq!(field_value(ID, Some(&json!(30))), "30");
        assert_eq!(field_value(ID, Some(&json!(true))), "ya");
        assert_eq!(field_value(EN, Some(&json!(false))), "no");
        assert_eq!(field_label(EN, "target_date"), "Target date");
        assert_eq!(field_label(ID, "some_field"), "some field", "unknown fields by their own name");
    }

    #[test]
    fn reminders_say_when_what_and_where_from() {
        let r = Reminder {
            deadline: Deadline {
                date: "2026-12-01".into(),
                title: "Lokakarya 3".into(),
                kind: DeadlineKind::Pkb,
            },
            today: false,
        };
        assert_eq!(
            reminder_text(ID, &r),
            ("Besok: Lokakarya 3".to_owned(), "Rencana Pengembangan · 1 Des 2026".to_owned())
        );
        let r = Reminder { today: true, ..r };
        assert_eq!(
            reminder_text(EN, &r),
            ("Today: Lokakarya 3".to_owned(), "Development plan · 1 Dec 2026".to_owned())
        );
    }
}
