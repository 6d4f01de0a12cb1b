//! What domain values are called in the user's language (roles, plan and PKB statuses, predikat,
//! observation and stage outcomes, kinds of plan item and deadline, who must fix a data problem) and the
//! lines made of them: the identity and school lines under a name, a reminder's notification.

use super::dates::date_label;
use crate::i18n::{td_string, Locale};
use penggerak_types::api::{Fixer, Profile, Role};
use penggerak_types::ipc::{ChangeLabel, DeadlineKind, DraftFor, News, Reminder};
use penggerak_types::kinerja::{ObservationStatus, PlanStatus, Predikat};
use penggerak_types::pkb::{PkbItemKind, PkbStatus};
use penggerak_types::programme::StageOutcome;

/// What a change the user made was, in the user's language ("Gabung ke Komunitas …", "Submit the
/// performance plan").
pub fn change_label(l: Locale, c: &ChangeLabel) -> String {
    match c {
        ChangeLabel::Join { community } => td_string!(l, change_join, name = community.as_str()).to_string(),
        ChangeLabel::Leave { community } => {
            td_string!(l, change_leave, name = community.as_str()).to_string()
        }
        ChangeLabel::Attend { event } => td_string!(l, change_attend, event = event.as_str()).to_string(),
        ChangeLabel::Unattend { event } => td_string!(l, change_unattend, event = event.as_str()).to_string(),
        ChangeLabel::AddActivity { title } => {
            td_string!(l, change_add_activity, title = title.as_str()).to_string()
        }
        ChangeLabel::EditActivity { title } => {
            td_string!(l, change_edit_activity, title = title.as_str()).to_string()
        }
        ChangeLabel::EditPlan => td_string!(l, change_edit_plan).to_string(),
        ChangeLabel::MovePlan { to } => match to {
            PlanStatus::PerluDisetujui => td_string!(l, change_submit_plan).to_string(),
            PlanStatus::Disetujui => td_string!(l, change_approve_plan).to_string(),
            PlanStatus::Dikembalikan => td_string!(l, change_return_plan).to_string(),
            PlanStatus::Disepakati => td_string!(l, change_agree_plan).to_string(),
            PlanStatus::Draf => td_string!(l, change_edit_plan).to_string(),
        },
        ChangeLabel::ScheduleObservation { class } => {
            td_string!(l, change_schedule_observation, class = class.as_str()).to_string()
        }
        ChangeLabel::EditObservation { class } => {
            td_string!(l, change_edit_observation, class = class.as_str()).to_string()
        }
        ChangeLabel::RatePlan { predikat } => {
            td_string!(l, change_rate_plan, predikat = predikat_label(l, *predikat)).to_string()
        }
        ChangeLabel::GiveFeedback => td_string!(l, change_give_feedback).to_string(),
        ChangeLabel::Said { text } => text.clone(),
    }
}

/// A notification of what a sync brought: (title, body), in the user's language.
pub fn news_text(l: Locale, n: &News) -> (String, String) {
    let title = td_string!(l, app_name).to_string();
    let body = match n {
        News::PlanMoved { to: PlanStatus::Dikembalikan, note } => match note {
            Some(note) => td_string!(l, news_plan_returned_note, note = note.as_str()).to_string(),
            None => td_string!(l, news_plan_returned).to_string(),
        },
        News::PlanMoved { to: PlanStatus::Disepakati, .. } => td_string!(l, news_plan_agreed).to_string(),
        News::PlanMoved { to: PlanStatus::Disetujui, .. } => td_string!(l, news_plan_approved).to_string(),
        News::PlanMoved { to, .. } => {
            td_string!(l, news_plan_moved, status = plan_status_label(l, *to)).to_string()
        }
        News::PredikatGiven { predikat } => {
            td_string!(l, news_predikat, predikat = predikat_label(l, *predikat)).to_string()
        }
        News::ObservationScheduled { scheduled_at, class } => {
            td_string!(l, news_observation, class = class.as_str(), when = date_label(l, scheduled_at))
                .to_string()
        }
        News::WaitingForYou { count } => td_string!(l, news_waiting, count = *count).to_string(),
        News::Feedback { count } => td_string!(l, news_feedback, count = *count).to_string(),
    };
    (title, body)
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
/// The user's school; that there is none yet, as a gap to fill; nothing for a pengawas without one (she
/// works for the education office and supervises schools, she is not missing one).
pub fn school_line(l: Locale, p: &Profile) -> Option<String> {
    match &p.school {
        Some(s) => Some(format!("{} — {}, {}", s.name, s.regency, s.province)),
        None if p.role == Role::Pengawas => None,
        None => Some(td_string!(l, no_school).to_owned()),
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

/// What a text left behind was typed for (Perlu perhatian).
pub fn draft_for_label(l: Locale, d: DraftFor) -> &'static str {
    match d {
        DraftFor::ActivityReflection => td_string!(l, draft_for_activity_reflection),
        DraftFor::PlanResults => td_string!(l, draft_for_plan_results),
        DraftFor::PlanReflection => td_string!(l, draft_for_plan_reflection),
        DraftFor::ReturnNote => td_string!(l, draft_for_return_note),
        DraftFor::Feedback => td_string!(l, draft_for_feedback),
        DraftFor::PredikatNote => td_string!(l, draft_for_predikat_note),
        DraftFor::ObservationRecord => td_string!(l, draft_for_observation_record),
        DraftFor::ObservationPreparation => td_string!(l, draft_for_observation_preparation),
        DraftFor::ObservationFollowUp => td_string!(l, draft_for_observation_follow_up),
        DraftFor::NewObservation => td_string!(l, draft_for_new_observation),
        DraftFor::NewActivity => td_string!(l, draft_for_new_activity),
        DraftFor::Other => td_string!(l, draft_for_other),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::fixtures::profile;
    use penggerak_types::api::School;
    use penggerak_types::ipc::Deadline;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    #[test]
    fn identity_prefers_nip_and_school_has_a_fallback() {
        let mut p = profile();
        assert_eq!(identity_line(ID, &p), "Guru · NUPTK 3471");
        assert_eq!(identity_line(EN, &p), "Teacher · NUPTK 3471");
        p.nip = Some("1987".into());
        p.role = Role::KepalaSekolah;
        assert_eq!(identity_line(ID, &p), "Kepala sekolah · NIP 1987");
        assert_eq!(school_line(ID, &p).as_deref(), Some("Belum terhubung ke satuan pendidikan"));
        p.role = Role::Pengawas;
        assert_eq!(school_line(ID, &p), None, "a pengawas without a school is not missing one");
        p.school = Some(School {
            npsn: "1".into(),
            name: "SD Negeri 1 Depok".into(),
            jenjang: "SD".into(),
            province: "DI Yogyakarta".into(),
            regency: "Kabupaten Sleman".into(),
            principal_id: None,
        });
        assert_eq!(
            school_line(EN, &p).as_deref(),
            Some("SD Negeri 1 Depok — Kabupaten Sleman, DI Yogyakarta"),
            "names stay"
        );
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

    #[test]
    fn reminders_say_when_what_and_where_from() {
        let r = Reminder {
            deadline: Deadline {
                date: "2026-12-01".into(),
                title: "Lokakarya 3".into(),
                kind: DeadlineKind::Pkb,
                community: None,
                community_name: None,
                starts_at: None,
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

    #[test]
    fn a_change_is_named_in_the_users_language() {
        use penggerak_types::ipc::ChangeLabel::*;
        use PlanStatus::*;
        let join = Join { community: "Komunitas Guru Sleman".into() };
        assert_eq!(change_label(ID, &join), "Gabung ke Komunitas Guru Sleman");
        assert_eq!(change_label(EN, &join), "Join Komunitas Guru Sleman");
        let submit = MovePlan { to: PerluDisetujui };
        assert_eq!(change_label(ID, &submit), "Ajukan rencana kinerja");
        assert_eq!(change_label(EN, &submit), "Submit the performance plan");
        for c in [
            Leave { community: "K".into() },
            AddActivity { title: "T".into() },
            EditActivity { title: "T".into() },
            EditPlan,
            MovePlan { to: Disetujui },
            MovePlan { to: Dikembalikan },
            MovePlan { to: Disepakati },
            ScheduleObservation { class: "IV".into() },
            EditObservation { class: "IV".into() },
            RatePlan { predikat: penggerak_types::kinerja::Predikat::Baik },
        ] {
            assert_ne!(change_label(ID, &c), change_label(EN, &c), "{c:?} is worded in each language");
            assert!(!change_label(EN, &c).contains("{{"), "{c:?}: every placeholder is filled");
        }
        let old = Said { text: "Gabung ke K".into() };
        assert_eq!(change_label(EN, &old), "Gabung ke K", "an older app's label reads as it was written");
    }

    #[test]
    fn news_is_worded_in_the_users_language() {
        use penggerak_types::kinerja::Predikat;
        use PlanStatus::*;
        let returned = News::PlanMoved { to: Dikembalikan, note: Some("Tambahkan indikator.".into()) };
        assert_eq!(news_text(ID, &returned).1, "Rencana Anda dikembalikan: Tambahkan indikator.");
        assert_eq!(news_text(EN, &returned).1, "Your plan was returned: Tambahkan indikator.");
        assert_eq!(
            news_text(ID, &News::PlanMoved { to: Disetujui, note: None }).1,
            "Rencana Anda disetujui."
        );
        assert_eq!(
            news_text(EN, &News::PlanMoved { to: Disetujui, note: None }).1,
            "Your plan was approved."
        );
        assert_eq!(
            news_text(EN, &News::WaitingForYou { count: 3 }).1,
            "3 plans are waiting for your approval."
        );
        assert_eq!(
            news_text(ID, &News::WaitingForYou { count: 3 }).1,
            "3 rencana menunggu persetujuan Anda."
        );
        let rated = News::PredikatGiven { predikat: Predikat::Baik };
        assert!(news_text(ID, &rated).1.contains("Baik"));
        let obs =
            News::ObservationScheduled { scheduled_at: "2026-12-09T08:00".into(), class: "IV A".into() };
        // The school's wall time, said once ("9 Des 2026 08.00", not "… 08.00 08:00").
        assert_eq!(news_text(ID, &obs).1, "Observasi kelas IV A dijadwalkan pada 9 Des 2026 08.00.");
        assert_eq!(news_text(EN, &obs).1, "An observation of IV A is scheduled for 9 Dec 2026 08:00.");
        let moved = News::PlanMoved { to: PerluDisetujui, note: None };
        assert_eq!(
            news_text(ID, &moved).1,
            "Status rencana Anda sekarang: Perlu disetujui.",
            "a status is named as a status, not put after \"Rencana Anda\" as if it were a verb"
        );
    }
}
