//! The principal's picture of his staff, worked out the same way on the server (`/school/staff`) and on
//! his device (the Staf screen, from the records it holds), so the two can never disagree.

use crate::api::{Profile, StaffProgramme, StaffSummary};
use crate::kinerja::PerformancePlan;
use crate::pkb::{jp_done, PkbItem, PkbPlan};
use crate::programme::{Participation, Programme, StageOutcome};

/// One person's records, as the caller holds them.
pub struct Records<'a> {
    /// The person's participations in programmes.
    pub participations: &'a [Participation],
    /// Every programme's definition.
    pub programmes: &'a [Programme],
    /// The person's development plan of the year.
    pub pkb_plan: Option<&'a PkbPlan>,
    /// The person's development-plan items (those of other plans are left out here).
    pub items: &'a [PkbItem],
    /// The person's performance plan of the current cycle.
    pub plan: Option<&'a PerformancePlan>,
}

/// `person`'s summary from their records.
pub fn summarise(person: Profile, r: &Records<'_>) -> StaffSummary {
    let programmes = r
        .participations
        .iter()
        .filter(|p| p.person_id == person.id)
        .filter_map(|p| {
            let def = r.programmes.iter().find(|d| d.id == p.programme_id)?;
            let stage = def.stages.iter().find(|s| s.code == p.current_stage)?;
            let cohort = def.cohorts.iter().find(|c| c.id == p.cohort_id)?;
            Some(StaffProgramme {
                programme: def.name.clone(),
                cohort: cohort.name.clone(),
                stage: stage.name.clone(),
                graduated: p.certificate.is_some()
                    || p.results.last().is_some_and(|res| res.outcome == StageOutcome::Lulus),
            })
        })
        .collect();
    let plan_id = r.pkb_plan.map(|p| p.id.as_str());
    let items = r.items.iter().filter(|i| Some(i.plan_id.as_str()) == plan_id && i.owner_id == person.id);
    StaffSummary {
        programmes,
        jp_done: jp_done(items),
        jp_target: r.pkb_plan.map_or(0, |p| p.target_jp),
        kinerja_status: r.plan.filter(|p| p.owner_id == person.id).map(|p| p.status),
        last_synced_at: None,
        person,
    }
}
