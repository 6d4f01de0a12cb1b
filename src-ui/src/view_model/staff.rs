//! The Staf screen (a principal's): who to show (a search by name and "who needs me" filters), what the
//! employment statuses are called, and the bars of its charts — lengths worked out here, drawn as SVG by
//! the page with the numbers beside them.

use crate::i18n::{td_string, Locale};
use penggerak_types::api::{DataProblem, Employment};
use penggerak_types::ipc::StaffRow;
use penggerak_types::kinerja::PlanStatus;

/// A school's (or her schools') plans by status and the staff without one, as a pengawas reads them:
/// "Draf\u{a0}2 · Perlu disetujui\u{a0}1 · Tanpa rencana\u{a0}4". What is zero is left out; a status and
/// its count are never split across lines (no-break space). `plans` in [`PlanStatus::ALL`]'s order.
pub fn plan_counts(l: Locale, plans: &[u32], without_plan: u32) -> String {
    PlanStatus::ALL
        .iter()
        .zip(plans)
        .filter(|(_, n)| **n > 0)
        .map(|(st, n)| format!("{}\u{a0}{n}", super::plan_status_label(l, *st)))
        // Everyone is counted: staff without a plan too (non-ASN teachers, and those who made none).
        .chain((without_plan > 0).then(|| format!("{}\u{a0}{without_plan}", td_string!(l, staff_no_plan))))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A staff member's data problem as the principal reads it, by its code: the server words each to its owner
/// ("Anda tercatat sebagai ASN…"), which on the staff member's page read as if it were about the principal,
/// and in Indonesian whatever the language chosen. A code this build does not know keeps the server's own
/// sentence.
pub fn staff_problem_text(l: Locale, p: &DataProblem) -> String {
    match p.code.as_str() {
        "asn_without_nip" => td_string!(l, staff_problem_asn_without_nip),
        "no_nuptk" => td_string!(l, staff_problem_no_nuptk),
        "no_school" => td_string!(l, staff_problem_no_school),
        "school_without_principal" => td_string!(l, staff_problem_school_without_principal),
        _ => return p.message.clone(),
    }
    .to_owned()
}

/// Which staff the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffShow {
    #[default]
    All,
    /// The teacher's move is next: a plan in Draf or Dikembalikan, or none yet for a civil servant (ASN:
    /// non-ASN teachers make no e-Kinerja plan).
    NotSubmitted,
    /// Waiting for the principal's approval.
    Waiting,
    /// Records with a data problem.
    Problems,
}

impl StaffShow {
    pub const ALL: [StaffShow; 4] =
        [StaffShow::All, StaffShow::NotSubmitted, StaffShow::Waiting, StaffShow::Problems];

    /// The value in the filter's `<select>`.
    pub fn code(self) -> &'static str {
        match self {
            StaffShow::All => "all",
            StaffShow::NotSubmitted => "not_submitted",
            StaffShow::Waiting => "waiting",
            StaffShow::Problems => "problems",
        }
    }

    pub fn from_code(code: &str) -> StaffShow {
        StaffShow::ALL.into_iter().find(|s| s.code() == code).unwrap_or_default()
    }

    pub fn label(self, l: Locale) -> &'static str {
        match self {
            StaffShow::All => td_string!(l, staff_show_all),
            StaffShow::NotSubmitted => td_string!(l, staff_show_not_submitted),
            StaffShow::Waiting => td_string!(l, staff_show_waiting),
            StaffShow::Problems => td_string!(l, staff_show_problems),
        }
    }
}

/// The order of the Staf list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaffSort {
    #[default]
    Name,
    /// Whose plan waits for the principal first, then returned ones, drafts, no plan, approved, agreed.
    Status,
    /// The furthest behind their JP target first (no target last).
    Jp,
    /// The longest without a sync first (never synced before all).
    LastSync,
}

impl StaffSort {
    pub const ALL: [StaffSort; 4] = [StaffSort::Name, StaffSort::Status, StaffSort::Jp, StaffSort::LastSync];

    /// The value in the sort's `<select>`.
    pub fn code(self) -> &'static str {
        match self {
            StaffSort::Name => "name",
            StaffSort::Status => "status",
            StaffSort::Jp => "jp",
            StaffSort::LastSync => "last_sync",
        }
    }

    pub fn from_code(code: &str) -> StaffSort {
        StaffSort::ALL.into_iter().find(|s| s.code() == code).unwrap_or_default()
    }

    pub fn label(self, l: Locale) -> &'static str {
        match self {
            StaffSort::Name => td_string!(l, staff_sort_name),
            StaffSort::Status => td_string!(l, staff_sort_status),
            StaffSort::Jp => td_string!(l, staff_sort_jp),
            StaffSort::LastSync => td_string!(l, staff_sort_sync),
        }
    }

    /// Puts `rows` in this order; ties by name.
    pub fn apply(self, rows: &mut [StaffRow]) {
        let name = |r: &StaffRow| r.summary.person.full_name.to_lowercase();
        match self {
            StaffSort::Name => rows.sort_by_key(name),
            StaffSort::Status => rows.sort_by_key(|r| {
                let rank = match r.summary.kinerja_status {
                    Some(PlanStatus::PerluDisetujui) => 0,
                    Some(PlanStatus::Dikembalikan) => 1,
                    Some(PlanStatus::Draf) => 2,
                    None => 3,
                    Some(PlanStatus::Disetujui) => 4,
                    Some(PlanStatus::Disepakati) => 5,
                };
                (rank, name(r))
            }),
            StaffSort::Jp => rows.sort_by_key(|r| {
                let s = &r.summary;
                let pct = (s.jp_target > 0).then(|| super::jp_percent(s.jp_done, s.jp_target));
                (pct.is_none(), pct, name(r))
            }),
            // RFC 3339 times from one server, all UTC: their text sorts as time does.
            StaffSort::LastSync => rows.sort_by_key(|r| (r.summary.last_synced_at.clone(), name(r))),
        }
    }
}

/// The Staf list's search, filters and order. Empty fields match everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffFilter {
    /// Words that must all appear in the name (any case).
    pub q: String,
    pub show: StaffShow,
    /// A programme stage, by name.
    pub stage: String,
    pub sort: StaffSort,
}

impl StaffFilter {
    pub fn matches(&self, r: &StaffRow) -> bool {
        let s = &r.summary;
        let name = s.person.full_name.to_lowercase();
        let show = match self.show {
            StaffShow::All => true,
            StaffShow::NotSubmitted => s.plan_not_submitted(),
            StaffShow::Waiting => s.kinerja_status == Some(PlanStatus::PerluDisetujui),
            StaffShow::Problems => !s.person.problems.is_empty(),
        };
        self.q.to_lowercase().split_whitespace().all(|w| name.contains(w))
            && show
            && (self.stage.is_empty() || s.programmes.iter().any(|p| p.stage == self.stage))
    }
}

/// "PNS", "PPPK", "Honorer" / "Non-ASN".
pub fn employment_label(l: Locale, e: Employment) -> &'static str {
    match e {
        Employment::Pns => td_string!(l, employment_pns),
        Employment::Pppk => td_string!(l, employment_pppk),
        Employment::NonAsn => td_string!(l, employment_non_asn),
    }
}

/// A bar's length in percent of the longest (0..=100; the longest is 100, none at all is 0).
pub fn bar_percent(count: u32, most: u32) -> u32 {
    count.saturating_mul(100).checked_div(most).map_or(0, |p| p.min(100))
}

/// JP progress bars, the furthest behind first: (name, done, target) of everyone with a target.
pub fn jp_bars(rows: &[StaffRow]) -> Vec<(String, u32, u32)> {
    let mut bars: Vec<(String, u32, u32)> = rows
        .iter()
        .filter(|r| r.summary.jp_target > 0)
        .map(|r| (r.summary.person.full_name.clone(), r.summary.jp_done, r.summary.jp_target))
        .collect();
    bars.sort_by_key(|(name, done, target)| (super::jp_percent(*done, *target), name.clone()));
    bars
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::fixtures::profile;
    use penggerak_types::api::{Fixer, Role, StaffProgramme, StaffSummary};

    fn row(name: &str, status: Option<PlanStatus>, stage: &str, jp: (u32, u32)) -> StaffRow {
        let mut person = profile();
        person.full_name = name.into();
        StaffRow {
            summary: StaffSummary {
                person,
                programmes: vec![StaffProgramme {
                    programme: "Pendidikan Guru Penggerak".into(),
                    cohort: "Angkatan 11".into(),
                    stage: stage.into(),
                    graduated: false,
                }],
                jp_done: jp.0,
                jp_target: jp.1,
                kinerja_status: status,
                last_synced_at: None,
            },
            plan_id: None,
            predikat: None,
            submitted_at: None,
            next_observation: None,
            pending: false,
        }
    }

    #[test]
    fn the_filters_answer_who_needs_the_principal() {
        let mut ani = row("Ani Lestari", Some(PlanStatus::Dikembalikan), "Lokakarya", (10, 32));
        let budi = row("Budi Santoso", Some(PlanStatus::PerluDisetujui), "Pendampingan", (32, 32));
        let mut citra = row("Citra Dewi", None, "Lokakarya", (0, 0));
        citra.summary.person.employment = Employment::NonAsn;
        let mut dodi = row("Dodi Pratama", None, "Pelatihan", (0, 0));
        dodi.summary.person.employment = Employment::Pppk;
        let mut kepala = row("Kepala Sekolah", None, "Pelatihan", (0, 0));
        kepala.summary.person.role = Role::KepalaSekolah;
        kepala.summary.person.employment = Employment::Pns;
        ani.summary.person.problems.push(DataProblem {
            code: "asn_without_nip".into(),
            message: "x".into(),
            fix_by: Fixer::OperatorSekolah,
        });
        let all = [ani, budi, citra, dodi, kepala];
        let names = |f: &StaffFilter| {
            all.iter()
                .filter(|r| f.matches(r))
                .map(|r| r.summary.person.full_name.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&StaffFilter::default()).len(), 5, "no filter: everyone");
        let show = |s| StaffFilter { show: s, ..Default::default() };
        assert_eq!(
            names(&show(StaffShow::NotSubmitted)),
            ["Ani Lestari", "Dodi Pratama"],
            "a returned plan is hers to redo; a PPPK teacher with no plan has one to make; a non-ASN \
             teacher makes none, and the principal's own plan is not his staff's"
        );
        assert_eq!(names(&show(StaffShow::Waiting)), ["Budi Santoso"]);
        assert_eq!(names(&show(StaffShow::Problems)), ["Ani Lestari"]);
        let q = StaffFilter { q: "  dewi CITRA ".into(), ..Default::default() };
        assert_eq!(names(&q), ["Citra Dewi"], "every word, in any case and order");
        let stage = StaffFilter { stage: "Lokakarya".into(), ..Default::default() };
        assert_eq!(names(&stage), ["Ani Lestari", "Citra Dewi"]);
        for s in StaffShow::ALL {
            assert_eq!(StaffShow::from_code(s.code()), s, "the select's value round-trips");
        }
    }

    #[test]
    fn a_staff_members_data_problem_is_about_them_not_the_reader() {
        let p = |code: &str| DataProblem {
            code: code.into(),
            message: "Anda belum terdaftar (kalimat server).".into(),
            fix_by: Fixer::OperatorSekolah,
        };
        for code in ["asn_without_nip", "no_nuptk", "no_school", "school_without_principal"] {
            for l in [Locale::id, Locale::en] {
                let text = staff_problem_text(l, &p(code));
                assert!(!text.starts_with("Anda") && !text.contains(" Anda "), "{code} in {l:?}: {text}");
                assert!(!text.starts_with("You") && !text.contains(" you"), "{code} in {l:?}: {text}");
                assert_ne!(text, p(code).message, "worded here, by its code");
            }
        }
        assert_eq!(
            staff_problem_text(Locale::id, &p("asn_without_nip")),
            "Tercatat sebagai ASN tetapi NIP belum ada di Dapodik, sehingga rencana kinerjanya tidak dapat \
             dikirim ke e-Kinerja."
        );
        assert_eq!(
            staff_problem_text(Locale::en, &p("a_new_code")),
            "Anda belum terdaftar (kalimat server).",
            "a code from a newer server keeps the server's sentence"
        );
    }

    #[test]
    fn bars_are_in_proportion_and_the_furthest_behind_comes_first() {
        assert_eq!(
            (bar_percent(0, 0), bar_percent(3, 6), bar_percent(6, 6), bar_percent(1, 3)),
            (0, 50, 100, 33)
        );
        let rows =
            [row("Ani", None, "", (32, 32)), row("Budi", None, "", (8, 32)), row("Citra", None, "", (0, 0))];
        let bars = jp_bars(&rows);
        assert_eq!(bars, [("Budi".into(), 8, 32), ("Ani".into(), 32, 32)], "no target, no bar; behind first");
    }

    #[test]
    fn the_list_sorts_by_what_the_principal_asks() {
        let mut rows = vec![
            row("Dewi", Some(PlanStatus::Disepakati), "", (40, 32)),
            row("ani", Some(PlanStatus::Draf), "", (8, 32)),
            row("Citra", None, "", (0, 0)),
            row("Budi", Some(PlanStatus::PerluDisetujui), "", (16, 32)),
        ];
        rows[0].summary.last_synced_at = Some("2026-12-01T02:00:00Z".into());
        rows[1].summary.last_synced_at = Some("2026-11-20T02:00:00Z".into());
        rows[3].summary.last_synced_at = Some("2026-12-02T01:00:00Z".into());
        let order = |s: StaffSort, rows: &mut Vec<StaffRow>| {
            s.apply(rows);
            rows.iter().map(|r| r.summary.person.full_name.clone()).collect::<Vec<_>>()
        };
        assert_eq!(order(StaffSort::Name, &mut rows), ["ani", "Budi", "Citra", "Dewi"], "by name, any case");
        assert_eq!(
            order(StaffSort::Status, &mut rows),
            ["Budi", "ani", "Citra", "Dewi"],
            "waiting for him, then the teachers' move, no plan, done"
        );
        assert_eq!(
            order(StaffSort::Jp, &mut rows),
            ["ani", "Budi", "Dewi", "Citra"],
            "behind first, no target last"
        );
        assert_eq!(
            order(StaffSort::LastSync, &mut rows),
            ["Citra", "ani", "Dewi", "Budi"],
            "never synced, then the longest ago"
        );
        for s in StaffSort::ALL {
            assert_eq!(StaffSort::from_code(s.code()), s, "the select's value round-trips");
        }
    }

    #[test]
    fn plan_counts_leave_out_zeros_and_keep_each_label_with_its_number() {
        let l = crate::i18n::Locale::id;
        assert_eq!(
            plan_counts(l, &[2, 0, 1, 0, 5], 4),
            "Draf\u{a0}2 · Dikembalikan\u{a0}1 · Disepakati\u{a0}5 · Tanpa rencana\u{a0}4"
        );
        assert_eq!(plan_counts(l, &[0, 3, 0, 0, 0], 0), "Perlu disetujui\u{a0}3", "no one without a plan");
        assert_eq!(plan_counts(l, &[0; 5], 0), "", "nobody: nothing to say");
    }
}
