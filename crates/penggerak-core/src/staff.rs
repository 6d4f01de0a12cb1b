//! The principal's reads: his staff at a glance (Staf) and one staff member's page, worked out from the
//! records his device holds (his school's people, their plans, participations and observations reach it
//! through `/sync`), the same way the server's `/school/staff` is ([`penggerak_types::staff`]). Works
//! offline, like every screen.
//!
//! Never: writes (the principal's decisions go through [`crate::actions`] like every change).

use crate::{CoreError, Engine, LocalStore};
use penggerak_types::api::{Profile, Role};
use penggerak_types::ipc::{StaffMemberView, StaffRow, StaffView, StageCount, StatusCount};
use penggerak_types::kinerja::{
    cycle_id, Actor, Cycle, Observation, ObservationStatus, PerformancePlan, PlanStatus,
};
use penggerak_types::pkb::{self, PkbItem, PkbPlan};
use penggerak_types::programme::{Participation, Programme};
use penggerak_types::staff::{summarise, Records};
use penggerak_types::{Reason, RecordKind};

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
        })
    }

    fn row(&self, person: &Profile) -> StaffRow {
        let pkb_id = pkb::plan_id(&person.id, self.year);
        let plan = self.plans.iter().find(|(p, ..)| p.owner_id == person.id);
        let parts: Vec<Participation> =
            self.participations.iter().filter(|p| p.person_id == person.id).cloned().collect();
        let summary = summarise(
            person.clone(),
            &Records {
                participations: &parts,
                programmes: &self.programmes,
                pkb_plan: self.pkb_plans.iter().find(|p| p.id == pkb_id),
                items: &self.items,
                plan: plan.map(|(p, ..)| p),
            },
        );
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
    Ok(StaffView { plan_counts, jp_reached, with_jp_target: with_target.len() as u32, stages, rows })
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
        Some(p) => crate::views::feedback_on(store, &p.id).await?,
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
