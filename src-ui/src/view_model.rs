//! View logic as plain functions: what to show for an error, a role, a profile. Tested natively.

use crate::text;
use penggerak_types::api::{Community, Fixer, Profile, Role};
use penggerak_types::ipc::{CommunityItem, PkbItemView, SyncPhase, SyncStatus};
use penggerak_types::kinerja::{ObservationStatus, PlanStatus, Predikat};
use penggerak_types::pkb::{PkbItemKind, PkbStatus};
use penggerak_types::programme::StageOutcome;
use penggerak_types::{ApiError, ErrorCode};

/// The sentence to show for an error. Known codes get a fixed, friendly sentence; others show the
/// message the engine or server wrote (already Bahasa Indonesia).
pub fn error_text(e: &ApiError) -> String {
    match e.code {
        ErrorCode::Offline => text::ERR_OFFLINE.into(),
        ErrorCode::InvalidCredentials => text::ERR_INVALID_CREDENTIALS.into(),
        ErrorCode::SessionExpired => text::ERR_SESSION_EXPIRED.into(),
        ErrorCode::RateLimited => text::ERR_RATE_LIMITED.into(),
        ErrorCode::Keyring => format!("{} ({})", text::ERR_KEYRING, e.message),
        ErrorCode::Forbidden if e.message.is_empty() => text::ERR_NOT_ALLOWED.into(),
        _ if e.message.is_empty() => text::ERR_GENERIC.into(),
        _ => e.message.clone(),
    }
}

/// Classifies a plain-string rejection from the Tauri runtime (not from our commands).
pub fn shell_rejection(raw: &str) -> ApiError {
    if raw.contains("__TAURI__") || raw.contains("undefined is not an object") || raw.contains("is undefined")
    {
        ApiError::new(ErrorCode::Internal, text::ERR_NOT_IN_APP)
    } else if raw.contains("not allowed") {
        ApiError::new(ErrorCode::Forbidden, format!("{} ({raw})", text::ERR_NOT_ALLOWED))
    } else {
        ApiError::new(ErrorCode::Internal, format!("{}: {raw}", text::ERR_GENERIC))
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Guru => text::ROLE_GURU,
        Role::KepalaSekolah => text::ROLE_KEPALA_SEKOLAH,
        Role::Pengawas => text::ROLE_PENGAWAS,
        Role::Admin => text::ROLE_ADMIN,
    }
}

/// The identity line under the name: "Guru · NUPTK 3471…" (NIP preferred for civil servants).
pub fn identity_line(p: &Profile) -> String {
    let id = match (&p.nip, &p.nuptk) {
        (Some(nip), _) => format!(" · {} {nip}", text::NIP),
        (None, Some(nuptk)) => format!(" · {} {nuptk}", text::NUPTK),
        (None, None) => String::new(),
    };
    format!("{}{id}", role_label(p.role))
}

/// "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta", or a notice that no school is linked.
pub fn school_line(p: &Profile) -> String {
    match &p.school {
        Some(s) => format!("{} — {}, {}", s.name, s.regency, s.province),
        None => text::NO_SCHOOL.into(),
    }
}

/// The plan status as the UI says it.
pub fn plan_status_label(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draf => text::STATUS_DRAF,
        PlanStatus::PerluDisetujui => text::STATUS_PERLU_DISETUJUI,
        PlanStatus::Disetujui => text::STATUS_DISETUJUI,
        PlanStatus::Dikembalikan => text::STATUS_DIKEMBALIKAN,
        PlanStatus::Disepakati => text::STATUS_DISEPAKATI,
    }
}

pub fn predikat_label(p: Predikat) -> &'static str {
    match p {
        Predikat::SangatBaik => text::PREDIKAT_SANGAT_BAIK,
        Predikat::Baik => text::PREDIKAT_BAIK,
        Predikat::ButuhPerbaikan => text::PREDIKAT_BUTUH_PERBAIKAN,
        Predikat::Kurang => text::PREDIKAT_KURANG,
        Predikat::SangatKurang => text::PREDIKAT_SANGAT_KURANG,
    }
}

pub fn observation_status_label(s: ObservationStatus) -> &'static str {
    match s {
        ObservationStatus::Terjadwal => text::OBS_TERJADWAL,
        ObservationStatus::Dilaksanakan => text::OBS_DILAKSANAKAN,
        ObservationStatus::Selesai => text::OBS_SELESAI,
    }
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];

/// `2026-03-05` → `5 Mar 2026`; `2026-03-05T08:00` → `5 Mar 2026 08.00`; anything else as it is.
pub fn date_label(iso: &str) -> String {
    let part = |r: std::ops::Range<usize>| iso.get(r).and_then(|p| p.parse::<usize>().ok());
    match (part(0..4), part(5..7), part(8..10)) {
        (Some(y), Some(m @ 1..=12), Some(d)) if iso.len() >= 10 => {
            let time = iso.get(11..16).filter(|t| t.len() == 5).map(|t| format!(" {}", t.replace(':', ".")));
            format!("{d} {} {y}{}", MONTHS[m - 1], time.unwrap_or_default())
        }
        _ => iso.to_owned(),
    }
}

/// Development-plan progress in percent of the target, 0..=100 (0 without a target).
pub fn jp_percent(done: u32, target: u32) -> u32 {
    done.saturating_mul(100).checked_div(target).map_or(0, |p| p.min(100))
}

/// The status line every screen shows: what sync is doing, what waits, and when it last succeeded.
pub fn sync_line(s: &SyncStatus) -> String {
    let mut parts = vec![match s.phase {
        SyncPhase::Pushing | SyncPhase::Pulling => text::SYNC_RUNNING.to_owned(),
        SyncPhase::Offline => text::SYNC_OFFLINE.to_owned(),
        SyncPhase::Error => text::SYNC_ERROR.to_owned(),
        SyncPhase::Idle | SyncPhase::SignedOut => match &s.last_synced_at {
            Some(at) => format!("{} ({} {})", text::SYNC_IDLE, text::LAST_SYNCED, date_label(&wib_time(at))),
            None => text::SYNC_NEVER.to_owned(),
        },
    }];
    if s.waiting > 0 {
        parts.push(format!("{} {}", s.waiting, text::SYNC_WAITING));
    }
    if s.conflicts > 0 {
        parts.push(format!("{} {}", s.conflicts, text::SYNC_CONFLICTS));
    }
    parts.join(" · ")
}

/// When the last sync succeeded, in WIB, or that it never did.
pub fn last_synced(s: &SyncStatus) -> String {
    match &s.last_synced_at {
        Some(at) => date_label(&wib_time(at)),
        None => text::SYNC_NEVER.to_owned(),
    }
}

/// An RFC 3339 UTC time (`2026-11-22T03:04:05Z`) as local WIB `YYYY-MM-DDTHH:MM`; other input unchanged.
fn wib_time(utc: &str) -> String {
    let num = |r: std::ops::Range<usize>| utc.get(r).and_then(|p| p.parse::<u32>().ok());
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi)) =
        (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16))
    else {
        return utc.to_owned();
    };
    if !utc.ends_with('Z') {
        return utc.to_owned();
    }
    let mut h = h + 7;
    let (mut y, mut mo, mut d) = (y, mo, d);
    if h >= 24 {
        h -= 24;
        let days = match mo {
            2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        d += 1;
        if d > days {
            d = 1;
            mo += 1;
            if mo > 12 {
                mo = 1;
                y += 1;
            }
        }
    }
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}")
}

/// A record field as people call it (the JSON name when it has no name of its own here).
pub fn field_label(field: &str) -> String {
    match field {
        "progress" => text::FIELD_PROGRESS.into(),
        "status" => text::FIELD_STATUS.into(),
        "reflection" => text::FIELD_REFLECTION.into(),
        "title" => text::FIELD_TITLE.into(),
        "target_date" => text::FIELD_TARGET_DATE.into(),
        "jp" => text::JP.into(),
        "results" => text::FIELD_RESULTS.into(),
        "note" => text::FIELD_NOTE.into(),
        "history" => text::FIELD_HISTORY.into(),
        other => other.replace('_', " "),
    }
}

/// A field's value in a conflict, as people read it: text as it is, numbers and yes/no plainly, nothing
/// (or empty text) as a dash.
pub fn field_value(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => text::VALUE_NONE.to_owned(),
        Some(Value::String(s)) if s.is_empty() => text::VALUE_NONE.to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => text::VALUE_YES.to_owned(),
        Some(Value::Bool(false)) => text::VALUE_NO.to_owned(),
        Some(other) => other.to_string(),
    }
}

/// Who must fix a data problem, as the notice names them.
pub fn fixer_label(f: Fixer) -> &'static str {
    match f {
        Fixer::Guru => text::FIXER_GURU,
        Fixer::KepalaSekolah => text::FIXER_KEPALA_SEKOLAH,
        Fixer::OperatorSekolah => text::FIXER_OPERATOR,
        Fixer::AdminDinas => text::FIXER_DINAS,
        Fixer::Unknown => text::FIXER_UNKNOWN,
    }
}

pub fn stage_outcome_label(o: StageOutcome) -> &'static str {
    match o {
        StageOutcome::Belum => text::OUTCOME_BELUM,
        StageOutcome::Berlangsung => text::OUTCOME_BERLANGSUNG,
        StageOutcome::Lulus => text::OUTCOME_LULUS,
        StageOutcome::TidakLulus => text::OUTCOME_TIDAK_LULUS,
    }
}

pub fn pkb_status_label(s: PkbStatus) -> &'static str {
    match s {
        PkbStatus::BelumMulai => text::PKB_STATUS_BELUM,
        PkbStatus::Berjalan => text::PKB_STATUS_BERJALAN,
        PkbStatus::Selesai => text::PKB_STATUS_SELESAI,
    }
}

pub fn pkb_kind_label(k: PkbItemKind) -> &'static str {
    match k {
        PkbItemKind::PelatihanMandiri => text::PKB_KIND_MANDIRI,
        PkbItemKind::Lokakarya => text::PKB_KIND_LOKAKARYA,
        PkbItemKind::KomunitasBelajar => text::PKB_KIND_KOMUNITAS,
        PkbItemKind::Lainnya => text::PKB_KIND_LAINNYA,
    }
}

/// "1.240 anggota": Indonesian thousands separator.
pub fn members_label(n: i64) -> String {
    let digits = n.max(0).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} {}", text::MEMBERS)
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
    use penggerak_types::api::School;

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
        assert_eq!(error_text(&e), text::ERR_INVALID_CREDENTIALS, "known codes get the UI's own sentence");
        let e = ApiError::new(ErrorCode::Validation, "Alamat server tidak valid: x");
        assert_eq!(error_text(&e), "Alamat server tidak valid: x", "other codes show the engine's message");
        let e = ApiError::new(ErrorCode::Internal, "");
        assert_eq!(error_text(&e), text::ERR_GENERIC, "never an empty error box");
    }

    #[test]
    fn acl_refusals_and_missing_bridge_are_classified() {
        let e = shell_rejection("sign_in not allowed. Command not found");
        assert_eq!(e.code, ErrorCode::Forbidden);
        let e = shell_rejection("TypeError: window.__TAURI__ is undefined");
        assert_eq!(e.message, text::ERR_NOT_IN_APP);
    }

    #[test]
    fn identity_prefers_nip_and_school_has_a_fallback() {
        let mut p = profile();
        assert_eq!(identity_line(&p), "Guru · NUPTK 3471");
        p.nip = Some("1987".into());
        p.role = Role::KepalaSekolah;
        assert_eq!(identity_line(&p), "Kepala sekolah · NIP 1987");
        assert_eq!(school_line(&p), text::NO_SCHOOL);
        p.school = Some(School {
            npsn: "1".into(),
            name: "SD Negeri 1 Depok".into(),
            jenjang: "SD".into(),
            province: "DI Yogyakarta".into(),
            regency: "Kabupaten Sleman".into(),
            principal_id: None,
        });
        assert_eq!(school_line(&p), "SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta");
    }

    #[test]
    fn dates_read_in_indonesian_and_sync_times_in_wib() {
        assert_eq!(date_label("2026-03-05"), "5 Mar 2026");
        assert_eq!(date_label("2026-12-02T08:00"), "2 Des 2026 08.00");
        assert_eq!(date_label("kapan-kapan"), "kapan-kapan");
        assert_eq!(
            wib_time("2026-12-31T20:30:00Z"),
            "2027-01-01T03:30",
            "late UTC evening is the next WIB day"
        );
        assert_eq!(wib_time("2026-02-28T18:00:00Z"), "2026-03-01T01:00");
        assert_eq!(wib_time("2024-02-28T18:00:00Z"), "2024-02-29T01:00", "leap years");
    }

    #[test]
    fn the_sync_line_says_what_waits() {
        let mut s = SyncStatus::default();
        assert_eq!(sync_line(&s), text::SYNC_NEVER);
        s.last_synced_at = Some("2026-11-22T03:04:05Z".into());
        assert_eq!(sync_line(&s), format!("{} ({} 22 Nov 2026 10.04)", text::SYNC_IDLE, text::LAST_SYNCED));
        s.phase = SyncPhase::Offline;
        s.waiting = 2;
        s.conflicts = 1;
        assert_eq!(
            sync_line(&s),
            format!("{} · 2 {} · 1 {}", text::SYNC_OFFLINE, text::SYNC_WAITING, text::SYNC_CONFLICTS)
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
            [Draf, PerluDisetujui, Disetujui, Dikembalikan, Disepakati].map(plan_status_label).into();
        assert_eq!(labels.len(), 5, "no two statuses read the same");
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
    fn members_use_the_indonesian_thousands_separator() {
        assert_eq!(members_label(7), "7 anggota");
        assert_eq!(members_label(1240), "1.240 anggota");
        assert_eq!(members_label(1_000_000), "1.000.000 anggota");
        assert_eq!(members_label(-1), "0 anggota", "a count never shows negative");
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
        assert_eq!(field_value(None), text::VALUE_NONE);
        assert_eq!(field_value(Some(&json!(""))), text::VALUE_NONE, "empty text is shown as nothing");
        assert_eq!(field_value(Some(&json!("Baru"))), "Baru", "text without quotes");
        assert_eq!(field_value(Some(&json!(30))), "30");
        assert_eq!(field_value(Some(&json!(true))), text::VALUE_YES);
        assert_eq!(field_value(Some(&json!(false))), text::VALUE_NO);
    }
}
