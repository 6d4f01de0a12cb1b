//! The menu: which pages a role reaches and which of them fit the phone's bottom bar, and which menu entry a
//! path belongs to (the page the top bar names and the menu marks).

use penggerak_types::api::Role;
use penggerak_types::ipc::{Deadline, DeadlineKind, Home, SyncPhase, SyncStatus};
use penggerak_types::kinerja::PlanStatus;

/// A page of the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dest {
    Home,
    Status,
    Komunitas,
    Rencana,
    Kinerja,
    Staf,
    Binaan,
    Materi,
    Settings,
    Help,
}

impl Dest {
    /// Where it is.
    pub fn href(self) -> &'static str {
        match self {
            Dest::Home => "/",
            Dest::Status => "/status",
            Dest::Komunitas => "/komunitas",
            Dest::Rencana => "/rencana",
            Dest::Kinerja => "/kinerja",
            Dest::Staf => "/staf",
            Dest::Binaan => "/binaan",
            Dest::Materi => "/materi",
            Dest::Settings => "/pengaturan",
            Dest::Help => "/bantuan",
        }
    }

    /// Its menu entry's element id is `nav-<this>` (what the end-to-end tests press).
    pub fn id(self) -> &'static str {
        match self {
            Dest::Home => "home",
            Dest::Status => "status",
            Dest::Komunitas => "komunitas",
            Dest::Rencana => "rencana",
            Dest::Kinerja => "kinerja",
            Dest::Staf => "staf",
            Dest::Binaan => "binaan",
            Dest::Materi => "materi",
            Dest::Settings => "settings",
            Dest::Help => "help",
        }
    }
}

/// The menu of a role: `bar` is the four pages its people open most, on the phone's bottom bar beside
/// "Lainnya"; `more` the rest, behind "Lainnya" on a phone. A desktop's side menu shows both, `bar` first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    pub bar: [Dest; 4],
    pub more: Vec<Dest>,
}

/// The menu of `role`. A teacher lives in her communities, development plan and materials; a principal in
/// his staff and the performance cycle he carries with them; a pengawas in the schools he supervises.
pub fn menu(role: Role) -> Menu {
    match role {
        Role::KepalaSekolah => Menu {
            bar: [Dest::Home, Dest::Staf, Dest::Kinerja, Dest::Materi],
            more: vec![Dest::Status, Dest::Komunitas, Dest::Rencana, Dest::Settings, Dest::Help],
        },
        Role::Pengawas => Menu {
            bar: [Dest::Home, Dest::Binaan, Dest::Kinerja, Dest::Materi],
            more: vec![Dest::Status, Dest::Komunitas, Dest::Rencana, Dest::Settings, Dest::Help],
        },
        _ => Menu {
            bar: [Dest::Home, Dest::Komunitas, Dest::Rencana, Dest::Materi],
            more: vec![Dest::Status, Dest::Kinerja, Dest::Settings, Dest::Help],
        },
    }
}

/// A page the top bar can name: a menu page, or one reached from elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Menu(Dest),
    Conflicts,
    Refused,
    Storage,
    /// The first-run cards.
    Welcome,
    /// Every deadline (from Beranda).
    Deadlines,
}

/// The page at `path` (the router's path, without a query): a page below a menu page is that page
/// ("/materi/m1" is Materi), an unknown path is Beranda (what the router shows for it).
pub fn place_of(path: &str) -> Place {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "status" => Place::Menu(Dest::Status),
        "komunitas" => Place::Menu(Dest::Komunitas),
        "rencana" => Place::Menu(Dest::Rencana),
        "kinerja" => Place::Menu(Dest::Kinerja),
        "staf" => Place::Menu(Dest::Staf),
        "binaan" => Place::Menu(Dest::Binaan),
        "materi" => Place::Menu(Dest::Materi),
        "pengaturan" => Place::Menu(Dest::Settings),
        "konflik" => Place::Conflicts,
        "ditolak" => Place::Refused,
        "penyimpanan" => Place::Storage,
        "bantuan" => Place::Menu(Dest::Help),
        "mulai" => Place::Welcome,
        "tenggat" => Place::Deadlines,
        _ => Place::Menu(Dest::Home),
    }
}

/// Whether "Lainnya" is the current entry on a phone: the page shown is one of `menu.more`.
pub fn in_more(menu: &Menu, path: &str) -> bool {
    matches!(place_of(path), Place::Menu(d) if menu.more.contains(&d))
}

/// Where a deadline on Beranda leads: the page it comes from (an event: its community's page).
pub fn deadline_href(d: &Deadline) -> String {
    match (d.kind, &d.community) {
        (DeadlineKind::Kinerja, _) => Dest::Kinerja.href().to_owned(),
        (DeadlineKind::Pkb, _) => Dest::Rencana.href().to_owned(),
        (DeadlineKind::Event, Some(c)) => format!("/komunitas/{c}"),
        (DeadlineKind::Event, None) => Dest::Komunitas.href().to_owned(),
        (DeadlineKind::Programme, _) => Dest::Status.href().to_owned(),
    }
}

/// The next thing to do, as Beranda's button offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// A principal's plans wait for him (how many).
    Approve(u32),
    /// Her performance plan is a draft, or came back: finish it and send it.
    SendPlan,
    /// Her development plan still lacks JP.
    ContinuePkb,
}

impl NextStep {
    pub fn href(self) -> &'static str {
        match self {
            NextStep::Approve(_) => Dest::Staf.href(),
            NextStep::SendPlan => Dest::Kinerja.href(),
            NextStep::ContinuePkb => Dest::Rencana.href(),
        }
    }
}

/// What most needs doing now, from Beranda's data: plans waiting for the principal, then one's own plan to
/// send, then JP still to earn; nothing when all is done.
pub fn next_step(h: &Home) -> Option<NextStep> {
    if h.waiting_for_me > 0 {
        return Some(NextStep::Approve(h.waiting_for_me));
    }
    if matches!(h.kinerja_status, Some(PlanStatus::Draf | PlanStatus::Dikembalikan)) {
        return Some(NextStep::SendPlan);
    }
    (h.jp_target > 0 && h.jp_done < h.jp_target).then_some(NextStep::ContinuePkb)
}

/// What the top bar's sync button shows, most pressing first: a failed sync, offline, syncing, changes
/// waiting to be sent, or all sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMark {
    Failed,
    Offline,
    Running,
    Waiting,
    Done,
}

pub fn sync_mark(s: &SyncStatus) -> SyncMark {
    match s.phase {
        SyncPhase::Error => SyncMark::Failed,
        SyncPhase::Offline => SyncMark::Offline,
        SyncPhase::Pushing | SyncPhase::Pulling => SyncMark::Running,
        SyncPhase::Idle | SyncPhase::SignedOut if s.waiting > 0 => SyncMark::Waiting,
        SyncPhase::Idle | SyncPhase::SignedOut => SyncMark::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reaches_every_page_of_its_role_once() {
        for (role, own) in [
            (Role::Guru, None),
            (Role::KepalaSekolah, Some(Dest::Staf)),
            (Role::Pengawas, Some(Dest::Binaan)),
        ] {
            let m = menu(role);
            let all: Vec<Dest> = m.bar.iter().copied().chain(m.more.iter().copied()).collect();
            for d in [
                Dest::Home,
                Dest::Status,
                Dest::Komunitas,
                Dest::Rencana,
                Dest::Kinerja,
                Dest::Materi,
                Dest::Settings,
                Dest::Help,
            ]
            .into_iter()
            .chain(own)
            {
                assert_eq!(all.iter().filter(|x| **x == d).count(), 1, "{role:?} reaches {d:?} exactly once");
            }
            let foreign = [Dest::Staf, Dest::Binaan].into_iter().filter(|d| Some(*d) != own);
            for d in foreign {
                assert!(!all.contains(&d), "{role:?} has no {d:?} entry: it is another role's page");
            }
            assert_eq!(m.bar[0], Dest::Home, "Beranda is first on every bar");
        }
    }

    #[test]
    fn a_page_below_a_menu_page_belongs_to_it() {
        assert_eq!(place_of("/materi/m-1"), Place::Menu(Dest::Materi));
        assert_eq!(place_of("/komunitas/k1"), Place::Menu(Dest::Komunitas));
        assert_eq!(place_of("/staf/u9"), Place::Menu(Dest::Staf));
        assert_eq!(place_of("/"), Place::Menu(Dest::Home));
        assert_eq!(place_of("/tidak-ada"), Place::Menu(Dest::Home), "the router shows Beranda for it");
        assert_eq!(place_of("/penyimpanan"), Place::Storage);
        for d in [Dest::Status, Dest::Rencana, Dest::Kinerja, Dest::Binaan, Dest::Settings, Dest::Home] {
            assert_eq!(place_of(d.href()), Place::Menu(d), "{d:?}'s own path is its page");
        }
    }

    #[test]
    fn lainnya_is_current_only_for_its_pages() {
        let guru = menu(Role::Guru);
        assert!(in_more(&guru, "/kinerja"));
        assert!(in_more(&guru, "/pengaturan"));
        assert!(!in_more(&guru, "/materi/m-1"));
        assert!(!in_more(&guru, "/konflik"), "a page outside the menu marks no entry");
        assert!(in_more(&menu(Role::KepalaSekolah), "/rencana"));
    }

    #[test]
    fn a_deadline_leads_to_the_page_it_comes_from() {
        let d = |kind, community: Option<&str>| Deadline {
            date: "2026-12-06".into(),
            title: "x".into(),
            kind,
            community: community.map(str::to_owned),
            community_name: None,
            starts_at: None,
        };
        assert_eq!(deadline_href(&d(DeadlineKind::Event, Some("kom-1"))), "/komunitas/kom-1");
        assert_eq!(deadline_href(&d(DeadlineKind::Event, None)), "/komunitas");
        assert_eq!(deadline_href(&d(DeadlineKind::Pkb, None)), "/rencana");
        assert_eq!(deadline_href(&d(DeadlineKind::Kinerja, None)), "/kinerja");
        assert_eq!(deadline_href(&d(DeadlineKind::Programme, None)), "/status");
    }

    #[test]
    fn the_next_step_is_what_most_needs_doing() {
        let home = |waiting, status, done| Home {
            profile: crate::view_model::fixtures::profile(),
            programme: None,
            deadlines: Vec::new(),
            jp_done: done,
            jp_target: 32,
            kinerja_status: status,
            waiting_for_me: waiting,
            for_principal: None,
        };
        assert_eq!(
            next_step(&home(3, Some(PlanStatus::Draf), 0)),
            Some(NextStep::Approve(3)),
            "others wait first"
        );
        assert_eq!(next_step(&home(0, Some(PlanStatus::Draf), 0)), Some(NextStep::SendPlan));
        assert_eq!(next_step(&home(0, Some(PlanStatus::Dikembalikan), 40)), Some(NextStep::SendPlan));
        assert_eq!(next_step(&home(0, Some(PlanStatus::PerluDisetujui), 16)), Some(NextStep::ContinuePkb));
        assert_eq!(next_step(&home(0, Some(PlanStatus::Disepakati), 32)), None, "all done");
        assert_eq!(next_step(&home(0, None, 40)), None);
        assert_eq!(NextStep::SendPlan.href(), "/kinerja");
    }

    #[test]
    fn the_sync_mark_shows_the_most_pressing_state() {
        let s = |phase, waiting| SyncStatus { phase, waiting, ..Default::default() };
        assert_eq!(sync_mark(&s(SyncPhase::Error, 3)), SyncMark::Failed);
        assert_eq!(sync_mark(&s(SyncPhase::Offline, 3)), SyncMark::Offline);
        assert_eq!(sync_mark(&s(SyncPhase::Pushing, 3)), SyncMark::Running);
        assert_eq!(sync_mark(&s(SyncPhase::Idle, 3)), SyncMark::Waiting);
        assert_eq!(sync_mark(&s(SyncPhase::Idle, 0)), SyncMark::Done);
    }
}
