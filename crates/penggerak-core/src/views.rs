//! What each screen shows, read from the local store only (so it is instant, and the same with no
//! network): one [`Engine`] method per screen, each a pure read of the store on the user's own day. The
//! UI draws the answers.
//!
//! Never: writes (that is [`crate::actions`]).

use crate::{CoreError, Engine, LocalStore};
use penggerak_types::api::{Community, CommunityEventRecord, Membership, Profile};
use penggerak_types::ipc::{
    plan_draft_key, plan_reflection_draft_key, reflection_draft_key, Approval, ChangeField, ChangeLabel,
    CommunitiesView, CommunityItem, ConflictField, ConflictView, Deadline, DeadlineKind, EventItem, Home,
    ItemStatus, KinerjaView, PkbItemView, PkbView, ProgrammeStatus, ProgrammeStep, ProgrammesView,
    RefusedChange, StageStatus, HOME_DEADLINES,
};
use penggerak_types::kinerja::{Actor, Cycle, Evidence, Observation, PerformancePlan, PlanStatus};
use penggerak_types::pkb::{jp_done, PkbItem, PkbPlan, PkbStatus};
use penggerak_types::programme::{Participation, Programme, StageOutcome};
use penggerak_types::{ApiError, ErrorCode, RecordKind};

impl Engine {
    /// Beranda: who the user is, where she stands, what is due soon.
    pub async fn home(&self) -> Result<Home, CoreError> {
        home(self.store(), &self.today().await?).await
    }

    /// Every deadline from today on (Beranda shows the first few).
    pub async fn all_deadlines(&self) -> Result<Vec<Deadline>, CoreError> {
        all_deadlines(self.store(), &self.today().await?).await
    }

    /// Kinerja: the user's performance plan this cycle, its observations, evidence and moves.
    pub async fn kinerja(&self) -> Result<KinerjaView, CoreError> {
        kinerja(self.store(), &self.today().await?).await
    }

    /// For a principal: the staff's plans waiting for their approval.
    pub async fn approvals(&self) -> Result<Vec<Approval>, CoreError> {
        waiting_for_me(self.store()).await
    }

    /// Komunitas: every community, the user's memberships and the events coming up.
    pub async fn communities(&self) -> Result<CommunitiesView, CoreError> {
        communities(self.store(), &self.today().await?).await
    }

    /// Rencana (PKB): this year's development plan.
    pub async fn pkb(&self) -> Result<PkbView, CoreError> {
        pkb(self.store(), &self.today().await?).await
    }

    /// Status GP: the user's programmes and their stages.
    pub async fn programmes(&self) -> Result<ProgrammesView, CoreError> {
        programmes(self.store()).await
    }

    /// Konflik: both versions of every record in conflict.
    pub async fn conflicts(&self) -> Result<Vec<ConflictView>, CoreError> {
        conflicts(self.store()).await
    }

    /// Perlu perhatian: every change the server refused, why and when, with what it carried.
    pub async fn refused(&self) -> Result<Vec<RefusedChange>, CoreError> {
        refused(self.store()).await
    }
}

/// The date in `zone` of an instant (an event's start, written in its community's zone): what "today"
/// and "tomorrow" mean for the user. What is not an instant keeps its first ten characters.
fn local_date(instant: &str, zone: penggerak_types::zone::Zone) -> String {
    match penggerak_types::zone::parse_instant(instant) {
        Some(unix) => penggerak_types::zone::WallTime::at(unix, zone).date(),
        None => instant.get(..10).unwrap_or_default().to_owned(),
    }
}

/// The user's place in the programme they are in now: the participation of the latest active programme
/// (else the latest one).
fn programme_step(parts: &[Participation], programmes: &[Programme]) -> Option<ProgrammeStep> {
    let mut found: Vec<(&Participation, &Programme)> = parts
        .iter()
        .filter_map(|p| programmes.iter().find(|d| d.id == p.programme_id).map(|d| (p, d)))
        .collect();
    found.sort_by_key(|(p, d)| (d.active, p.cohort_id.clone()));
    let (part, def) = found.pop()?;
    let at = def.stages.iter().position(|s| s.code == part.current_stage)?;
    let cohort = def.cohorts.iter().find(|c| c.id == part.cohort_id);
    Some(ProgrammeStep {
        programme: def.name.clone(),
        cohort: cohort.map(|c| c.name.clone()).unwrap_or_default(),
        stage: def.stages[at].name.clone(),
        next_stage: def.stages.get(at + 1).map(|s| s.name.clone()),
        stage_ends: cohort
            .and_then(|c| c.schedule.iter().find(|s| s.stage == part.current_stage))
            .map(|s| s.ends.clone()),
        graduated: part.certificate.is_some()
            || part.results.last().is_some_and(|r| r.outcome == StageOutcome::Lulus),
    })
}

/// The home screen's data, as of `today` (`YYYY-MM-DD`).
async fn home(store: &LocalStore, today: &str) -> Result<Home, CoreError> {
    let mut home = home_with_every_deadline(store, today).await?;
    home.deadlines.truncate(HOME_DEADLINES);
    // Only Beranda shows it (the deadlines list and reminders do not read the staff).
    home.for_principal = crate::staff::principal_waits(store, today).await?;
    Ok(home)
}

/// Every deadline from `today` on, soonest first: the home screen shows the first few, reminders look
/// at all of them.
pub async fn all_deadlines(store: &LocalStore, today: &str) -> Result<Vec<Deadline>, CoreError> {
    Ok(home_with_every_deadline(store, today).await?.deadlines)
}

/// The events of `me`'s communities on `today` or after it (her own zone's date, given with each): the
/// deadlines list's events, and the calendar file's.
pub(crate) async fn upcoming_events(
    store: &LocalStore,
    me: &Profile,
    today: &str,
) -> Result<Vec<(CommunityEventRecord, String)>, CoreError> {
    let mine: Vec<String> = store
        .all::<Membership>(RecordKind::Membership)
        .await?
        .into_iter()
        .filter(|m| m.user_id == me.id)
        .map(|m| m.community_id)
        .collect();
    Ok(store
        .all::<CommunityEventRecord>(RecordKind::CommunityEvent)
        .await?
        .into_iter()
        .filter(|e| mine.contains(&e.community_id))
        .map(|e| {
            let date = local_date(&e.event.starts_at, me.zone());
            (e, date)
        })
        .filter(|(_, date)| date.as_str() >= today)
        .collect())
}

async fn home_with_every_deadline(store: &LocalStore, today: &str) -> Result<Home, CoreError> {
    let me = store.profile().await?;
    let year = crate::clock::year_of(today);
    let parts: Vec<Participation> = store.all::<Participation>(RecordKind::Participation).await?;
    let parts: Vec<Participation> = parts.into_iter().filter(|p| p.person_id == me.id).collect();
    let programmes: Vec<Programme> = store.all(RecordKind::Programme).await?;
    let programme = programme_step(&parts, &programmes);

    let plan_id = penggerak_types::pkb::plan_id(&me.id, year);
    let jp_target = match store.record(RecordKind::PkbPlan, &plan_id).await? {
        Some(r) => r.parse::<PkbPlan>()?.target_jp,
        None => 0,
    };
    let items: Vec<PkbItem> = store
        .all::<PkbItem>(RecordKind::PkbItem)
        .await?
        .into_iter()
        .filter(|i| i.plan_id == plan_id)
        .collect();

    let cycle_id = penggerak_types::kinerja::cycle_id(year);
    let plan = match store.record(RecordKind::PerformancePlan, &format!("skp:{cycle_id}:{}", me.id)).await? {
        Some(r) => Some(r.parse::<PerformancePlan>()?),
        None => None,
    };

    let mut deadlines = Vec::new();
    if plan.is_some() {
        if let Some(r) = store.record(RecordKind::Cycle, &cycle_id).await? {
            let cycle: Cycle = r.parse()?;
            if let Some(stage) =
                cycle.stages.iter().find(|s| s.starts.as_str() <= today && today <= s.ends.as_str())
            {
                deadlines.push(Deadline {
                    date: stage.ends.clone(),
                    title: format!("{}: {}", cycle.name, stage.name),
                    kind: DeadlineKind::Kinerja,
                    community: None,
                    community_name: None,
                    starts_at: None,
                });
            }
        }
    }
    for i in items.iter().filter(|i| i.status != PkbStatus::Selesai) {
        if let Some(d) = &i.target_date {
            deadlines.push(Deadline {
                date: d.clone(),
                title: i.title.clone(),
                kind: DeadlineKind::Pkb,
                community: None,
                community_name: None,
                starts_at: None,
            });
        }
    }
    let events = upcoming_events(store, &me, today).await?;
    // Only her communities' records, each once (every community on the device would grow with the country).
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (e, _) in &events {
        if !names.contains_key(&e.community_id) {
            if let Some(r) = store.record(RecordKind::Community, &e.community_id).await? {
                names.insert(e.community_id.clone(), r.parse::<Community>()?.name);
            }
        }
    }
    for (e, date) in events {
        deadlines.push(Deadline {
            date,
            title: e.event.title,
            kind: DeadlineKind::Event,
            community_name: names.get(&e.community_id).cloned(),
            community: Some(e.community_id),
            starts_at: Some(e.event.starts_at),
        });
    }
    if let Some(step) = &programme {
        if let (Some(ends), false) = (&step.stage_ends, step.graduated) {
            deadlines.push(Deadline {
                date: ends.clone(),
                title: format!("{}: {}", step.programme, step.stage),
                kind: DeadlineKind::Programme,
                community: None,
                community_name: None,
                starts_at: None,
            });
        }
    }
    deadlines.retain(|d| d.date.as_str() >= today);
    deadlines.sort_by(|a, b| (&a.date, &a.title).cmp(&(&b.date, &b.title)));

    let waiting_for_me = waiting_for_me(store).await?.len() as u32;
    Ok(Home {
        profile: me,
        programme,
        deadlines,
        jp_done: jp_done(&items),
        jp_target,
        kinerja_status: plan.map(|p| p.status),
        waiting_for_me,
        for_principal: None,
    })
}

/// The performance screen's data: the user's plan in the cycle of `today`'s year (or their latest plan).
async fn kinerja(store: &LocalStore, today: &str) -> Result<KinerjaView, CoreError> {
    let me = store.profile().await?;
    let mut plans = Vec::new();
    for r in store.records(RecordKind::PerformancePlan).await? {
        let p: PerformancePlan = r.parse()?;
        if p.owner_id == me.id {
            plans.push((p, r.pending, r.conflict.is_some()));
        }
    }
    let current = penggerak_types::kinerja::cycle_id(crate::clock::year_of(today));
    plans.sort_by_key(|(p, ..)| (p.cycle_id == current, p.cycle_id.clone()));
    let (plan, pending, conflict) = match plans.pop() {
        Some((p, pending, conflict)) => (Some(p), pending, conflict),
        None => (None, false, false),
    };
    let cycle_id = plan.as_ref().map_or(current, |p| p.cycle_id.clone());
    let cycle = match store.record(RecordKind::Cycle, &cycle_id).await? {
        Some(r) => Some(r.parse::<Cycle>()?),
        None => None,
    };
    let plan_id = plan.as_ref().map(|p| p.id.clone()).unwrap_or_default();
    let mut observations: Vec<Observation> = store
        .all::<Observation>(RecordKind::Observation)
        .await?
        .into_iter()
        .filter(|o| o.plan_id == plan_id)
        .collect();
    observations.sort_by(|a, b| a.scheduled_at.cmp(&b.scheduled_at));
    let mut evidence: Vec<Evidence> = store
        .all::<Evidence>(RecordKind::Evidence)
        .await?
        .into_iter()
        .filter(|e| e.plan_id == plan_id)
        .collect();
    evidence.sort_by(|a, b| a.uploaded_at.cmp(&b.uploaded_at));
    let feedback = crate::staff::feedback_on(store, &plan_id).await?;
    let moves = plan.as_ref().map(|p| p.status.moves_for(Actor::Owner)).unwrap_or_default();
    let (draft, reflection_draft) = match &plan {
        Some(p) => (
            store.draft(&plan_draft_key(&p.id)).await?,
            store.draft(&plan_reflection_draft_key(&p.id)).await?.filter(|d| *d != p.reflection),
        ),
        None => (None, None),
    };
    Ok(KinerjaView {
        cycle,
        plan,
        observations,
        evidence,
        feedback,
        moves,
        pending,
        conflict,
        draft,
        reflection_draft,
    })
}

/// Plans of the principal's staff waiting for them (Perlu disetujui), oldest submission first.
async fn waiting_for_me(store: &LocalStore) -> Result<Vec<Approval>, CoreError> {
    let me = store.profile().await?;
    let Some(school) = me.school.as_ref().map(|s| s.npsn.clone()) else { return Ok(vec![]) };
    let people: Vec<Profile> = store.all(RecordKind::Person).await?;
    let mut out: Vec<Approval> = store
        .all::<PerformancePlan>(RecordKind::PerformancePlan)
        .await?
        .into_iter()
        .filter(|p| p.owner_id != me.id && p.school_npsn.as_deref() == Some(school.as_str()))
        .filter(|p| p.status == PlanStatus::PerluDisetujui)
        .map(|plan| {
            let owner_name = people
                .iter()
                .find(|x| x.id == plan.owner_id)
                .map_or_else(|| plan.owner_id.clone(), |x| x.full_name.clone());
            Approval { plan, owner_name }
        })
        .collect();
    out.sort_by(|a, b| {
        let at = |x: &Approval| x.plan.history.last().map(|e| e.at.clone()).unwrap_or_default();
        at(a).cmp(&at(b))
    });
    Ok(out)
}

/// The Komunitas screen's data: every community on the device (by name), the user's memberships as the
/// device knows them (a join made offline counts at once, marked pending), and events from `today` on.
async fn communities(store: &LocalStore, today: &str) -> Result<CommunitiesView, CoreError> {
    let me = store.profile().await?;
    let mut memberships = Vec::new();
    for r in store.records(RecordKind::Membership).await? {
        let m: Membership = r.parse()?;
        if m.user_id == me.id {
            memberships.push(m.community_id);
        }
    }
    // The user's attendances (an attendance said offline counts at once), and whether each waits to sync.
    let mut attended = std::collections::HashMap::new();
    for r in store.records(RecordKind::Attendance).await? {
        if let Some(event) = r.id.strip_suffix(&format!(":{}", me.id)) {
            attended.insert(event.to_owned(), r.pending);
        }
    }
    // An event's record is also touched by saying attendance (its count): pending when that waits.
    let mut events = Vec::new();
    for r in store.records(RecordKind::CommunityEvent).await? {
        events.push((r.parse::<CommunityEventRecord>()?, r.pending));
    }
    let now = store.now();
    let mut out = Vec::new();
    for r in store.records(RecordKind::Community).await? {
        let community: Community = r.parse()?;
        let member = memberships.contains(&community.id);
        let (mut upcoming, mut past) = (Vec::new(), Vec::new());
        for (e, event_pending) in events.iter().filter(|(e, _)| e.community_id == community.id) {
            let open = crate::clock::unix_of(&e.event.starts_at)
                .map(|start| penggerak_types::api::attendance_open(start, now).is_ok());
            let item = EventItem {
                attended: attended.contains_key(&e.event.id),
                pending: attended.get(&e.event.id).copied().unwrap_or(false) || *event_pending,
                can_attend: member && open == Some(true),
                event: e.event.clone(),
            };
            if local_date(&e.event.starts_at, me.zone()).as_str() >= today {
                upcoming.push(item);
            } else if open == Some(true) {
                past.push(item);
            }
        }
        upcoming.sort_by(|a, b| a.event.starts_at.cmp(&b.event.starts_at));
        past.sort_by(|a, b| b.event.starts_at.cmp(&a.event.starts_at));
        // A join or leave touches the membership and the community: either marks it waiting.
        let membership = store.record(RecordKind::Membership, &format!("{}:{}", community.id, me.id)).await?;
        let pending = r.pending || membership.is_some_and(|m| m.pending);
        out.push(CommunityItem { member, pending, events: upcoming, past, community });
    }
    out.sort_by(|a, b| a.community.name.cmp(&b.community.name));
    Ok(CommunitiesView { communities: out })
}

/// The Rencana Pengembangan screen's data: the plan of `today`'s year, its items (by target date, then
/// title; undated last) with their sync state and any reflection draft, and JP done against the target.
async fn pkb(store: &LocalStore, today: &str) -> Result<PkbView, CoreError> {
    let me = store.profile().await?;
    let plan_id = penggerak_types::pkb::plan_id(&me.id, crate::clock::year_of(today));
    let plan = match store.record(RecordKind::PkbPlan, &plan_id).await? {
        Some(r) => Some(r.parse::<PkbPlan>()?),
        None => None,
    };
    let mut items = Vec::new();
    for r in store.records(RecordKind::PkbItem).await? {
        let item: PkbItem = r.parse()?;
        if item.plan_id != plan_id {
            continue;
        }
        let draft = store.draft(&reflection_draft_key(&item.id)).await?.filter(|d| *d != item.reflection);
        items.push(PkbItemView { item, pending: r.pending, conflict: r.conflict.is_some(), draft });
    }
    items.sort_by(|a, b| {
        let key = |v: &PkbItemView| {
            (v.item.target_date.is_none(), v.item.target_date.clone(), v.item.title.clone())
        };
        key(a).cmp(&key(b))
    });
    let done: Vec<PkbItem> = items.iter().map(|v| v.item.clone()).collect();
    Ok(PkbView { jp_target: plan.as_ref().map_or(0, |p| p.target_jp), jp_done: jp_done(&done), plan, items })
}

/// The Status Guru Penggerak screen's data: every programme the user takes part in (active programmes
/// first, then the latest cohort), each stage with its dates, the user's result and items.
async fn programmes(store: &LocalStore) -> Result<ProgrammesView, CoreError> {
    let me = store.profile().await?;
    let defs: Vec<Programme> = store.all(RecordKind::Programme).await?;
    let mut parts: Vec<(Participation, Programme)> = store
        .all::<Participation>(RecordKind::Participation)
        .await?
        .into_iter()
        .filter(|p| p.person_id == me.id)
        .filter_map(|p| defs.iter().find(|d| d.id == p.programme_id).cloned().map(|d| (p, d)))
        .collect();
    parts.sort_by_key(|(p, d)| std::cmp::Reverse((d.active, p.cohort_id.clone())));
    let programmes = parts.into_iter().map(|(part, def)| programme_status(&part, &def)).collect();
    Ok(ProgrammesView { programmes })
}

fn programme_status(part: &Participation, def: &Programme) -> ProgrammeStatus {
    let cohort = def.cohorts.iter().find(|c| c.id == part.cohort_id);
    let stages = def
        .stages
        .iter()
        .map(|s| {
            let dates = cohort.and_then(|c| c.schedule.iter().find(|d| d.stage == s.code));
            let result = part.results.iter().find(|r| r.stage == s.code);
            let items = def
                .items
                .iter()
                .filter(|i| i.stage == s.code)
                .map(|i| ItemStatus {
                    code: i.code.clone(),
                    title: i.title.clone(),
                    kind: i.kind,
                    done: part.items.iter().find(|p| p.item_id == i.id).map_or(0, |p| p.done.min(i.steps)),
                    steps: i.steps,
                })
                .collect();
            StageStatus {
                code: s.code.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                starts: dates.map(|d| d.starts.clone()),
                ends: dates.map(|d| d.ends.clone()),
                outcome: result.map_or(StageOutcome::Belum, |r| r.outcome),
                note: result.and_then(|r| r.note.clone()),
                current: s.code == part.current_stage,
                items,
            }
        })
        .collect();
    ProgrammeStatus {
        programme: def.name.clone(),
        cohort: cohort.map(|c| c.name.clone()).unwrap_or_default(),
        outcome: def.outcome.clone(),
        stages,
        certificate: part.certificate.clone(),
    }
}

/// Every record in conflict, with the fields where the user's version and the server's differ.
async fn conflicts(store: &LocalStore) -> Result<Vec<ConflictView>, CoreError> {
    let mut out = Vec::new();
    for r in store.conflicts().await? {
        let Some(server) = r.conflict.as_ref() else { continue };
        let theirs = server.data.clone().unwrap_or(serde_json::Value::Null);
        // Its title, name or class; empty when it has none (a performance plan): the UI names it by its
        // kind, never by its id.
        let title = ["title", "name", "class_name"]
            .iter()
            .find_map(|k| r.data.get(k).or_else(|| theirs.get(k)).and_then(|v| v.as_str()))
            .unwrap_or_default()
            .to_owned();
        out.push(ConflictView {
            kind: r.kind,
            id: r.id.clone(),
            title,
            fields: differing_fields(&r.data, &theirs),
            theirs_deleted: server.deleted,
        });
    }
    Ok(out)
}

/// The changes the server refused for good (or that were given up, or held back with one), oldest first,
/// each with its reason as data and what it carried, for the user to read and redo.
async fn refused(store: &LocalStore) -> Result<Vec<RefusedChange>, CoreError> {
    let mut out = Vec::new();
    for n in store.notices().await? {
        // Offered only when its editors' record is still on the device (as reopening requires).
        let reopen = match n.reopen() {
            Some(r) => crate::actions::reopen_page(store, &r).await?,
            None => None,
        };
        out.push({
            let code =
                serde_json::from_value(serde_json::Value::String(n.code)).unwrap_or(ErrorCode::Unknown);
            let body = n.body.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok());
            let fields = match body {
                Some(serde_json::Value::Object(map)) => map
                    .into_iter()
                    .filter(|(k, v)| k != "base_version" && !v.is_null())
                    .map(|(field, value)| ChangeField { field, value })
                    .collect(),
                _ => vec![],
            };
            let mut reason = ApiError::new(code, n.message);
            reason.reason = n.reason.as_deref().and_then(|r| serde_json::from_str(r).ok());
            let at = crate::clock::rfc3339_of(n.created_at);
            RefusedChange { id: n.id, label: ChangeLabel::from_stored(&n.label), reason, fields, at, reopen }
        });
    }
    Ok(out)
}

/// The fields (of two JSON objects) whose values differ, by field name. A missing field and a null one
/// say the same thing.
fn differing_fields(mine: &serde_json::Value, theirs: &serde_json::Value) -> Vec<ConflictField> {
    let empty = serde_json::Map::new();
    let (a, b) = (mine.as_object().unwrap_or(&empty), theirs.as_object().unwrap_or(&empty));
    let value =
        |m: &serde_json::Map<String, serde_json::Value>, k: &str| m.get(k).filter(|v| !v.is_null()).cloned();
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .map(|k| ConflictField { field: k.clone(), mine: value(a, k), theirs: value(b, k) })
        .filter(|f| f.mine != f.theirs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_conflict_lists_only_the_fields_that_differ() {
        let mine =
            json!({"id": "a", "title": "Disiplin Positif", "progress": 30, "reflection": "", "done": true});
        let theirs = json!({"id": "a", "title": "Disiplin Positif", "progress": 25, "reflection": "Baru", "extra": null});
        let fields = differing_fields(&mine, &theirs);
        let shape: Vec<(&str, Option<serde_json::Value>, Option<serde_json::Value>)> =
            fields.iter().map(|f| (f.field.as_str(), f.mine.clone(), f.theirs.clone())).collect();
        assert_eq!(
            shape,
            [
                ("done", Some(json!(true)), None),
                ("progress", Some(json!(30)), Some(json!(25))),
                ("reflection", Some(json!("")), Some(json!("Baru"))),
            ],
            "equal fields (and missing = null) are left out; by field name"
        );
        assert!(differing_fields(&mine, &mine).is_empty(), "nothing differs from itself");
    }
}
