//! The principal's reads: his staff at a glance (Staf) and one staff member's page, worked out from the
//! records his device holds (his school's people, their plans, participations and observations reach it
//! through `/sync`), the same way the server's `/school/staff` is ([`penggerak_types::staff`]). Works
//! offline, like every screen.
//!
//! One fact only the server knows: when each staff member's device last synced. A principal's sync fetches
//! it (`/school/staff`, at most every [`SIGHTINGS_EVERY_SECS`], the server's own granularity) and keeps it
//! with when it was fetched; the screens read that copy, dated.
//!
//! Never: writes (the principal's decisions go through [`crate::actions`] like every change), except that
//! copy, from the sync.

use crate::engine::Link;
use crate::{CoreError, Engine, LocalStore};
use penggerak_types::api::StaffSummary;
use penggerak_types::api::{Profile, Role};
use penggerak_types::ipc::Fetched;
use penggerak_types::ipc::{PrincipalWaits, StaffMemberView, StaffRow, StaffView, StageCount, StatusCount};
use penggerak_types::kinerja::{
    cycle_id, Actor, Cycle, Feedback, Observation, ObservationStatus, PerformancePlan, PlanStatus,
};
use penggerak_types::pkb::{self, PkbItem, PkbPlan};
use penggerak_types::programme::{Participation, Programme};
use penggerak_types::staff::{summarise, Records};
use penggerak_types::{Reason, RecordKind};
use std::collections::BTreeMap;

/// Where the last copy of when each staff member last synced is kept (`sync_meta`).
const SIGHTINGS: &str = "fetched:staff_last_sync";
/// How old that copy may get before a sync asks again (the server notes syncs to the quarter hour).
pub(crate) const SIGHTINGS_EVERY_SECS: i64 = 15 * 60;

/// When each staff member last synced (person id → RFC 3339), as the server last told.
type Sightings = Fetched<BTreeMap<String, String>>;

async fn sightings(store: &LocalStore) -> Result<Option<Sightings>, CoreError> {
    Ok(store.meta(SIGHTINGS).await?.and_then(|j| serde_json::from_str(&j).ok()))
}

fn unix_of(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

impl Engine {
    /// For a principal, at the end of a sync that went through: asks the server when his staff last
    /// synced, unless the copy kept is younger than [`SIGHTINGS_EVERY_SECS`].
    pub(crate) async fn refresh_sightings(&self, link: &mut Link) -> Result<(), CoreError> {
        let store = self.store();
        let Some((_, me)) = store.account().await? else { return Ok(()) };
        if me.role != Role::KepalaSekolah {
            return Ok(());
        }
        let kept = sightings(store).await?.and_then(|s| unix_of(&s.fetched_at));
        if kept.is_some_and(|at| (0..SIGHTINGS_EVERY_SECS).contains(&(store.now() - at))) {
            return Ok(());
        }
        let staff: Vec<StaffSummary> = self
            .call(link, |client, token| async move {
                client.get_json::<Vec<StaffSummary>>(&token, penggerak_types::route::SCHOOL_STAFF, &[]).await
            })
            .await?;
        let value = staff.into_iter().filter_map(|s| Some((s.person.id, s.last_synced_at?))).collect();
        let copy = Sightings { value, fetched_at: store.now_rfc3339(), offline: false };
        let json = serde_json::to_string(&copy).map_err(|e| CoreError::Storage(e.to_string()))?;
        let _one_writer = self.edits.lock().await;
        self.still_signed_in(link)?;
        store.set_meta(SIGHTINGS, &json).await
    }
}

/// Everything the staff picture is made of, read once.
struct School {
    people: Vec<Profile>,
    programmes: Vec<Programme>,
    participations: Vec<Participation>,
    pkb_plans: Vec<PkbPlan>,
    items: Vec<PkbItem>,
    /// Plans of the current cycle, with whether a change of the principal's to each waits or conflicts.
    plans: Vec<(PerformancePlan, bool, bool)>,
    observations: Vec<Observation>,
    cycle: String,
    year: i32,
    /// When each last synced, as the server last told (see [`Engine::refresh_sightings`]).
    sightings: Option<Sightings>,
}

impl School {
    async fn read(store: &LocalStore, today: &str) -> Result<School, CoreError> {
        let me = store.profile().await?;
        if me.role != Role::KepalaSekolah {
            return Err(CoreError::Refused(Reason::MoveBy { by: Actor::Principal }));
        }
        let npsn = me.school.as_ref().map(|s| s.npsn.clone());
        let year = crate::clock::year_of(today);
        let cycle = cycle_id(year);
        let people: Vec<Profile> = store
            .all::<Profile>(RecordKind::Person)
            .await?
            .into_iter()
            .filter(|p| p.school.as_ref().map(|s| &s.npsn) == npsn.as_ref())
            .collect();
        let mut plans = Vec::new();
        for r in store.records(RecordKind::PerformancePlan).await? {
            let p: PerformancePlan = r.parse()?;
            if p.cycle_id == cycle {
                plans.push((p, r.pending, r.conflict.is_some()));
            }
        }
        Ok(School {
            people,
            programmes: store.all(RecordKind::Programme).await?,
            participations: store.all(RecordKind::Participation).await?,
            pkb_plans: store.all(RecordKind::PkbPlan).await?,
            items: store.all(RecordKind::PkbItem).await?,
            plans,
            observations: store.all(RecordKind::Observation).await?,
            cycle,
            year,
            sightings: sightings(store).await?,
        })
    }

    fn row(&self, person: &Profile) -> StaffRow {
        let pkb_id = pkb::plan_id(&person.id, self.year);
        let plan = self.plans.iter().find(|(p, ..)| p.owner_id == person.id);
        let parts: Vec<Participation> =
            self.participations.iter().filter(|p| p.person_id == person.id).cloned().collect();
        let mut summary = summarise(
            person.clone(),
            &Records {
                participations: &parts,
                programmes: &self.programmes,
                pkb_plan: self.pkb_plans.iter().find(|p| p.id == pkb_id),
                items: &self.items,
                plan: plan.map(|(p, ..)| p),
            },
        );
        summary.last_synced_at = self.sightings.as_ref().and_then(|s| s.value.get(&person.id).cloned());
        let next_observation = plan.and_then(|(p, ..)| {
            self.observations
                .iter()
                .filter(|o| o.plan_id == p.id && o.status != ObservationStatus::Selesai)
                .map(|o| o.scheduled_at.clone())
                .min()
        });
        StaffRow {
            summary,
            plan_id: plan.map(|(p, ..)| p.id.clone()),
            predikat: plan.and_then(|(p, ..)| p.predikat),
            submitted_at: plan
                .filter(|(p, ..)| p.status == PlanStatus::PerluDisetujui)
                .and_then(|(p, ..)| p.history.last().map(|e| e.at.clone())),
            next_observation,
            pending: plan.is_some_and(|(_, pending, _)| *pending),
        }
    }
}

/// The feedback notes on plan `plan_id`, oldest first (his staff member's page, and the teacher's own
/// Kinerja).
pub(crate) async fn feedback_on(store: &LocalStore, plan_id: &str) -> Result<Vec<Feedback>, CoreError> {
    let mut feedback: Vec<Feedback> = store
        .all::<Feedback>(RecordKind::Feedback)
        .await?
        .into_iter()
        .filter(|f| f.plan_id == plan_id)
        .collect();
    feedback.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    Ok(feedback)
}

/// For a principal, what waits for him besides approvals (see [`PrincipalWaits`]); `None` for anyone
/// else.
pub(crate) async fn principal_waits(
    store: &LocalStore,
    today: &str,
) -> Result<Option<PrincipalWaits>, CoreError> {
    let me = store.profile().await?;
    if me.role != Role::KepalaSekolah {
        return Ok(None);
    }
    let school = School::read(store, today).await?;
    let week_end = (1..7).try_fold(today.to_owned(), |d, _| crate::clock::date_after(&d)).unwrap_or_default();
    let mut waits = PrincipalWaits::default();
    for person in &school.people {
        if !person.problems.is_empty() {
            waits.data_problems += 1;
        }
        if person.id == me.id {
            continue;
        }
        let row = school.row(person);
        if row.summary.kinerja_status == Some(PlanStatus::Disepakati) && row.predikat.is_none() {
            waits.to_rate += 1;
        }
        if row.summary.plan_not_submitted() {
            waits.not_submitted += 1;
        }
        let day = row.next_observation.as_deref().and_then(|at| at.get(..10));
        if day.is_some_and(|d| d >= today && d <= week_end.as_str()) {
            waits.observations_this_week += 1;
        }
    }
    Ok(Some(waits))
}

/// The Staf screen's data (see [`StaffView`]).
async fn staff(store: &LocalStore, today: &str) -> Result<StaffView, CoreError> {
    let school = School::read(store, today).await?;
    let mut rows: Vec<StaffRow> = school.people.iter().map(|p| school.row(p)).collect();
    rows.sort_by(|a, b| a.summary.person.full_name.cmp(&b.summary.person.full_name));
    let count = |s: Option<PlanStatus>| rows.iter().filter(|r| r.summary.kinerja_status == s).count() as u32;
    let mut plan_counts: Vec<StatusCount> =
        PlanStatus::ALL.iter().map(|s| StatusCount { status: Some(*s), count: count(Some(*s)) }).collect();
    plan_counts.push(StatusCount { status: None, count: count(None) });
    let with_target: Vec<&StaffRow> = rows.iter().filter(|r| r.summary.jp_target > 0).collect();
    let jp_reached = with_target.iter().filter(|r| r.summary.jp_done >= r.summary.jp_target).count() as u32;
    let mut stages: Vec<StageCount> = Vec::new();
    for stage in rows.iter().flat_map(|r| r.summary.programmes.iter().map(|p| p.stage.clone())) {
        match stages.iter_mut().find(|s| s.stage == stage) {
            Some(s) => s.count += 1,
            None => stages.push(StageCount { stage, count: 1 }),
        }
    }
    stages.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.stage.cmp(&b.stage)));
    Ok(StaffView {
        plan_counts,
        jp_reached,
        with_jp_target: with_target.len() as u32,
        stages,
        sightings_at: school.sightings.as_ref().map(|s| s.fetched_at.clone()),
        rows,
    })
}

/// One staff member's page (see [`StaffMemberView`]).
async fn staff_member(store: &LocalStore, today: &str, id: &str) -> Result<StaffMemberView, CoreError> {
    let school = School::read(store, today).await?;
    let person = school.people.iter().find(|p| p.id == id).ok_or(CoreError::Refused(Reason::NotOnDevice))?;
    let row = school.row(person);
    let found = school.plans.iter().find(|(p, ..)| p.owner_id == id);
    let plan = found.map(|(p, ..)| p.clone());
    let cycle = match store.record(RecordKind::Cycle, &school.cycle).await? {
        Some(r) => Some(r.parse::<Cycle>()?),
        None => None,
    };
    let mut observations: Vec<Observation> = match &plan {
        Some(p) => school.observations.iter().filter(|o| o.plan_id == p.id).cloned().collect(),
        None => vec![],
    };
    observations.sort_by(|a, b| a.scheduled_at.cmp(&b.scheduled_at));
    let feedback = match &plan {
        Some(p) => feedback_on(store, &p.id).await?,
        None => vec![],
    };
    Ok(StaffMemberView {
        moves: plan.as_ref().map(|p| p.status.moves_for(Actor::Principal)).unwrap_or_default(),
        can_rate: plan.as_ref().is_some_and(|p| p.status == PlanStatus::Disepakati),
        pending: found.is_some_and(|(_, pending, _)| *pending),
        conflict: found.is_some_and(|(.., conflict)| *conflict),
        row,
        plan,
        cycle,
        observations,
        feedback,
    })
}

impl Engine {
    /// Staf (a principal's): his whole staff, with counts for the charts.
    pub async fn staff(&self) -> Result<StaffView, CoreError> {
        staff(self.store(), &self.today().await?).await
    }

    /// One staff member's page, for their principal.
    pub async fn staff_member(&self, id: &str) -> Result<StaffMemberView, CoreError> {
        staff_member(self.store(), &self.today().await?, id).await
    }
}
