//! The performance cycle (e-Kinerja): the cycle definition as data, a person's plan (SKP: planned results
//! (RHK) and their indicators) and its status workflow, classroom observations, evidence (bukti dukung),
//! reflection and predikat.
//!
//! The cycle changes shape from year to year (semesters or one period, points or reflections, uploads or
//! none, a pre-planning step or not), so a [`Cycle`] is served as data and the app draws whatever stages it
//! is given. The plan workflow is here, as plain rules both server and app use: [`PlanStatus::mover`] says
//! which move is allowed from which status and by whom: the teacher submits (from a draft or a returned
//! plan); the principal approves or returns (with a note) a submitted plan and agrees an approved one.

pub use crate::plan_status::{Actor, PlanStatus};
use serde::{Deserialize, Serialize};

/// The `cycle` record: one year's performance cycle. Id `kinerja-<year>`. Public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cycle {
    pub id: String,
    pub year: i32,
    pub name: String,
    /// The stages in order, each with its dates and what it asks for.
    pub stages: Vec<CycleStage>,
    /// Whether planned results carry points (the 2024 cycle); `None` when the cycle uses reflections.
    pub points: Option<PointRule>,
    /// Whether evidence files may be uploaded, and how large one may be.
    pub evidence: Option<EvidenceRule>,
    /// How many planned results a plan must have before it can be submitted.
    pub min_results: u32,
}

/// One stage of a cycle (pra-perencanaan, perencanaan, pelaksanaan, penilaian…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleStage {
    /// Stable code (`perencanaan`…), for the app to pick an icon; unknown codes are drawn generically.
    pub code: String,
    pub name: String,
    /// `YYYY-MM-DD`, inclusive.
    pub starts: String,
    pub ends: String,
    /// What the stage asks of the teacher, one line each.
    pub asks: Vec<String>,
}

/// Points per planned result and the total a plan needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointRule {
    pub min_per_result: u32,
    pub max_per_result: u32,
    pub needed: u32,
}

/// Evidence uploads: the accepted media type and the largest file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRule {
    pub content_type: String,
    pub max_bytes: u64,
}

/// The rating at the end of a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Predikat {
    SangatBaik,
    Baik,
    ButuhPerbaikan,
    Kurang,
    SangatKurang,
}

/// A planned result (RHK) with its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedResult {
    /// Chosen by the client (any short unique string within the plan).
    pub id: String,
    pub text: String,
    pub indicators: Vec<String>,
    /// Points, in cycles that use them.
    #[serde(default)]
    pub points: Option<u32>,
}

/// One step in a plan's history: who moved it where, when, with what note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanEvent {
    pub to: PlanStatus,
    pub by_id: String,
    pub by_name: String,
    /// RFC 3339, server time.
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The `performance_plan` record: a teacher's plan (SKP) in a cycle. Id `skp:<cycle id>:<user id>`.
/// Seen by its owner and the principal of the owner's school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PerformancePlan {
    pub id: String,
    pub cycle_id: String,
    pub owner_id: String,
    pub school_npsn: Option<String>,
    pub status: PlanStatus,
    pub results: Vec<PlannedResult>,
    /// Every status change, oldest first; a return's note is the principal's request.
    pub history: Vec<PlanEvent>,
    /// The teacher's reflection (penilaian), at most 10,000 characters.
    pub reflection: String,
    pub predikat: Option<Predikat>,
    /// The principal's words with the predikat.
    #[serde(default)]
    pub predikat_note: Option<String>,
}

/// Limits on what a teacher writes into a plan (all bounds live in [`crate::limits`]).
use crate::limits::{
    CLASS as MAX_CLASS, INDICATORS_PER_RESULT as MAX_INDICATORS, NOTE as MAX_NOTE,
    REFLECTION as MAX_REFLECTION, RESULTS_PER_PLAN as MAX_RESULTS, TEXT as MAX_TEXT,
};
use crate::reason::{Field, Reason};

impl PerformancePlan {
    /// Why these results cannot be saved in a plan of `cycle`, if they cannot.
    pub fn check_results(results: &[PlannedResult], cycle: &Cycle) -> Result<(), Reason> {
        if results.len() > MAX_RESULTS {
            return Err(Reason::TooMany { field: Field::Results, max: MAX_RESULTS as u32 });
        }
        let mut ids = std::collections::HashSet::new();
        for r in results {
            if r.id.trim().is_empty() || r.id.len() > 64 || !ids.insert(r.id.as_str()) {
                return Err(Reason::NotValid { field: Field::Id });
            }
            if r.text.trim().is_empty() {
                return Err(Reason::Required { field: Field::ResultText });
            }
            if r.text.chars().count() > MAX_TEXT {
                return Err(Reason::TooLong { field: Field::ResultText, max: MAX_TEXT as u32 });
            }
            if r.indicators.len() > MAX_INDICATORS {
                return Err(Reason::TooMany { field: Field::Indicators, max: MAX_INDICATORS as u32 });
            }
            if r.indicators.iter().any(|i| i.trim().is_empty()) {
                return Err(Reason::Required { field: Field::Indicators });
            }
            if r.indicators.iter().any(|i| i.chars().count() > MAX_TEXT) {
                return Err(Reason::TooLong { field: Field::Indicators, max: MAX_TEXT as u32 });
            }
            match (&cycle.points, r.points) {
                (None, Some(_)) => return Err(Reason::NoPointsInCycle),
                (Some(rule), Some(p)) if !(rule.min_per_result..=rule.max_per_result).contains(&p) => {
                    return Err(Reason::OutOfRange {
                        field: Field::Points,
                        min: i64::from(rule.min_per_result),
                        max: i64::from(rule.max_per_result),
                    })
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Why this plan cannot be sent to the principal yet, if it cannot.
    pub fn check_submittable(&self, cycle: &Cycle) -> Result<(), Reason> {
        if (self.results.len() as u32) < cycle.min_results.max(1) {
            return Err(Reason::TooFew { field: Field::Results, min: cycle.min_results.max(1) });
        }
        if self.results.iter().any(|r| r.indicators.is_empty()) {
            return Err(Reason::IndicatorNeeded);
        }
        if let Some(rule) = &cycle.points {
            if self.results.iter().any(|r| r.points.is_none()) {
                return Err(Reason::PointsNeeded);
            }
            let total: u32 = self.results.iter().filter_map(|r| r.points).sum();
            if total < rule.needed {
                return Err(Reason::PointsShort { total, needed: rule.needed });
            }
        }
        Ok(())
    }

    /// The principal's note on the latest return, while the plan is returned.
    pub fn return_note(&self) -> Option<&str> {
        if self.status != PlanStatus::Dikembalikan {
            return None;
        }
        self.history.iter().rev().find(|e| e.to == PlanStatus::Dikembalikan).and_then(|e| e.note.as_deref())
    }
}

/// `GET /api/v1/kinerja`: the current cycle, the caller's plan in it, its observations and evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KinerjaOverview {
    pub cycle: Cycle,
    pub plan: Option<PerformancePlan>,
    pub observations: Vec<Observation>,
    pub evidence: Vec<Evidence>,
    /// The principal's feedback notes on the plan, oldest first.
    #[serde(default)]
    pub feedback: Vec<Feedback>,
}

/// `PATCH /api/v1/kinerja/plans/{id}`: the owner's edits, on the version they were made on. Results may
/// change only while the plan is a draft or returned; the reflection until a predikat is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPatch {
    pub base_version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<PlannedResult>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reflection: Option<String>,
}

/// `POST /api/v1/kinerja/plans/{id}/status`: move the plan (submit, approve, return, agree). A return
/// needs a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanMove {
    pub base_version: i64,
    pub to: PlanStatus,
    #[serde(default)]
    pub note: Option<String>,
}

/// `PUT /api/v1/kinerja/plans/{id}/predikat`: the principal's rating of an agreed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRating {
    pub base_version: i64,
    pub predikat: Predikat,
    #[serde(default)]
    pub note: Option<String>,
}

/// The `feedback` record: a short note a principal leaves on a staff member's plan at any point of the
/// cycle (umpan balik). It stays as written; seen by the plan's owner and the principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// A UUID chosen by the principal's client.
    pub id: String,
    pub plan_id: String,
    /// The plan's owner (the teacher it is for).
    pub owner_id: String,
    pub by_id: String,
    pub by_name: String,
    /// When it was written (RFC 3339).
    pub at: String,
    pub text: String,
}

/// `POST /api/v1/kinerja/feedback`: the principal leaves a feedback note on a staff member's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFeedback {
    pub id: String,
    pub plan_id: String,
    pub text: String,
}

impl NewFeedback {
    /// The note this leaves on `plan`, by `by` (id and name) at `at`, or why it cannot be left: the text
    /// is required (trimmed) and at most [`crate::limits::TEXT`] characters.
    pub fn feedback(&self, plan: &PerformancePlan, by: (&str, &str), at: &str) -> Result<Feedback, Reason> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(Reason::Required { field: Field::Feedback });
        }
        if text.chars().count() > MAX_TEXT {
            return Err(Reason::TooLong { field: Field::Feedback, max: MAX_TEXT as u32 });
        }
        Ok(Feedback {
            id: self.id.clone(),
            plan_id: plan.id.clone(),
            owner_id: plan.owner_id.clone(),
            by_id: by.0.to_owned(),
            by_name: by.1.to_owned(),
            at: at.to_owned(),
            text: text.to_owned(),
        })
    }
}

/// Where an observation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObservationStatus {
    /// Scheduled; the teacher prepares.
    Terjadwal,
    /// Held; the principal has recorded it.
    Dilaksanakan,
    /// The follow-up discussion is done.
    Selesai,
}

/// The `observation` record: a classroom observation of a teacher by their principal. The principal
/// schedules it and writes the record and follow-up; the teacher writes their preparation. Seen by both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Observation {
    /// A UUID chosen by the scheduling client.
    pub id: String,
    pub plan_id: String,
    /// The observed teacher.
    pub owner_id: String,
    pub observer_id: String,
    pub school_npsn: Option<String>,
    /// Local date and time, `YYYY-MM-DDTHH:MM`.
    pub scheduled_at: String,
    /// Class and subject, e.g. "VIII B — Matematika".
    pub class_name: String,
    /// What the observation looks at.
    pub focus: String,
    pub status: ObservationStatus,
    /// The teacher's preparation notes.
    pub preparation: String,
    /// The principal's record of the lesson.
    pub record: String,
    /// What was agreed in the follow-up discussion.
    pub follow_up: String,
}

/// `POST /api/v1/kinerja/observations`: the principal schedules an observation of a staff member's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewObservation {
    pub id: String,
    pub plan_id: String,
    pub scheduled_at: String,
    pub class_name: String,
    #[serde(default)]
    pub focus: String,
}

/// `PATCH /api/v1/kinerja/observations/{id}`: the teacher may change `preparation`; the principal the
/// rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObservationPatch {
    pub base_version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ObservationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preparation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
}

impl ObservationPatch {
    /// Whether the patch touches only what the observed teacher may change.
    pub fn teacher_only(&self) -> bool {
        self.scheduled_at.is_none()
            && self.class_name.is_none()
            && self.focus.is_none()
            && self.status.is_none()
            && self.record.is_none()
            && self.follow_up.is_none()
    }
}

/// Whether `s` is a local date-time `YYYY-MM-DDTHH:MM` on a day that exists ([`crate::zone::is_date`]).
pub fn is_local_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 16 || b[10] != b'T' || b[13] != b':' || !crate::zone::is_date(&s[..10]) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit())).and_then(|p| p.parse::<u32>().ok())
    };
    matches!((num(11..13), num(14..16)), (Some(0..=23), Some(0..=59)))
}

/// The `evidence` record: a file (bukti dukung) a teacher attached to their plan, optionally to one planned
/// result. The bytes are at `GET /api/v1/kinerja/evidence/{id}/file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub id: String,
    pub plan_id: String,
    pub owner_id: String,
    #[serde(default)]
    pub result_id: Option<String>,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
    /// RFC 3339, server time.
    pub uploaded_at: String,
}

/// `PUT /api/v1/kinerja/evidence/{id}?…`: the metadata of an upload (the body is the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EvidenceUpload {
    pub plan_id: String,
    pub title: String,
    pub file_name: String,
    #[serde(default)]
    pub result_id: Option<String>,
}

/// Why a plan edit or move is refused: the state does not allow it (`409` on the server), the caller is
/// not the one who makes it (`403`), or the values are invalid (`422`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanRefusal {
    NotNow(Reason),
    NotYours(Reason),
    Invalid(Reason),
}

impl PlanRefusal {
    /// The rule that refused.
    pub fn reason(&self) -> &Reason {
        match self {
            PlanRefusal::NotNow(r) | PlanRefusal::NotYours(r) | PlanRefusal::Invalid(r) => r,
        }
    }
}

impl PerformancePlan {
    /// The plan after the owner's `patch` in `cycle`: results only while a draft or returned, the
    /// reflection until rated.
    pub fn patched(&self, patch: &PlanPatch, cycle: &Cycle) -> Result<PerformancePlan, PlanRefusal> {
        let mut next = self.clone();
        if let Some(results) = &patch.results {
            if !self.status.results_editable() {
                return Err(PlanRefusal::NotNow(Reason::ResultsLocked { status: self.status }));
            }
            PerformancePlan::check_results(results, cycle).map_err(PlanRefusal::Invalid)?;
            next.results = results.clone();
        }
        if let Some(reflection) = &patch.reflection {
            if self.predikat.is_some() {
                return Err(PlanRefusal::NotNow(Reason::ReflectionLocked));
            }
            if reflection.chars().count() > MAX_REFLECTION {
                return Err(PlanRefusal::Invalid(Reason::TooLong {
                    field: Field::Reflection,
                    max: MAX_REFLECTION as u32,
                }));
            }
            next.reflection = reflection.clone();
        }
        Ok(next)
    }

    /// Checks a move to `to` by `actor` with `note` (trimmed; a return needs one) in `cycle`, and returns
    /// the note to record.
    pub fn check_move(
        &self,
        to: PlanStatus,
        actor: Actor,
        note: Option<&str>,
        cycle: &Cycle,
    ) -> Result<Option<String>, PlanRefusal> {
        match self.status.mover(to) {
            None => return Err(PlanRefusal::NotNow(Reason::PlanMove { from: self.status, to })),
            Some(who) if who != actor => return Err(PlanRefusal::NotYours(Reason::MoveBy { by: who })),
            Some(_) => {}
        }
        if self.history.len() >= crate::limits::PLAN_HISTORY {
            return Err(PlanRefusal::NotNow(Reason::HistoryFull { max: crate::limits::PLAN_HISTORY as u32 }));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| !crate::limits::fits(n, MAX_NOTE)) {
            return Err(PlanRefusal::Invalid(Reason::TooLong { field: Field::Note, max: MAX_NOTE as u32 }));
        }
        if to == PlanStatus::Dikembalikan && note.is_none() {
            return Err(PlanRefusal::Invalid(Reason::ReturnNeedsNote));
        }
        if to == PlanStatus::PerluDisetujui {
            self.check_submittable(cycle).map_err(PlanRefusal::Invalid)?;
        }
        Ok(note)
    }
}

impl PerformancePlan {
    /// The plan with `rating` given by `actor`: only the principal, only once the plan is agreed
    /// (Disepakati); the note trimmed and bounded.
    pub fn rated(&self, rating: &PlanRating, actor: Actor) -> Result<PerformancePlan, PlanRefusal> {
        if actor != Actor::Principal {
            return Err(PlanRefusal::NotYours(Reason::MoveBy { by: Actor::Principal }));
        }
        if self.status != PlanStatus::Disepakati {
            return Err(PlanRefusal::NotNow(Reason::RatingNeedsAgreed));
        }
        let note = rating.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        if note.as_ref().is_some_and(|n| !crate::limits::fits(n, MAX_NOTE)) {
            return Err(PlanRefusal::Invalid(Reason::TooLong { field: Field::Note, max: MAX_NOTE as u32 }));
        }
        Ok(PerformancePlan { predikat: Some(rating.predikat), predikat_note: note, ..self.clone() })
    }
}

/// The id of a year's performance cycle.
pub fn cycle_id(year: i32) -> String {
    format!("kinerja-{year}")
}

/// The id of `user_id`'s plan in `cycle`.
pub fn plan_id(cycle: &str, user_id: &str) -> String {
    format!("skp:{cycle}:{user_id}")
}

impl NewObservation {
    /// The observation this schedules on `plan`, by `observer_id`, or why it cannot.
    pub fn observation(&self, plan: &PerformancePlan, observer_id: &str) -> Result<Observation, Reason> {
        if !is_local_datetime(&self.scheduled_at) {
            return Err(schedule_format());
        }
        let class_name = self.class_name.trim();
        check_class(class_name)?;
        if self.focus.chars().count() > MAX_TEXT {
            return Err(Reason::TooLong { field: Field::ObservationFocus, max: MAX_TEXT as u32 });
        }
        Ok(Observation {
            id: self.id.clone(),
            plan_id: plan.id.clone(),
            owner_id: plan.owner_id.clone(),
            observer_id: observer_id.to_owned(),
            school_npsn: plan.school_npsn.clone(),
            scheduled_at: self.scheduled_at.clone(),
            class_name: class_name.to_owned(),
            focus: self.focus.trim().to_owned(),
            status: ObservationStatus::Terjadwal,
            preparation: String::new(),
            record: String::new(),
            follow_up: String::new(),
        })
    }
}

fn schedule_format() -> Reason {
    Reason::Format { field: Field::ObservationSchedule, format: "YYYY-MM-DDTHH:MM".into() }
}

fn check_class(class_name: &str) -> Result<(), Reason> {
    if class_name.is_empty() {
        return Err(Reason::Required { field: Field::ObservationClass });
    }
    if class_name.chars().count() > MAX_CLASS {
        return Err(Reason::TooLong { field: Field::ObservationClass, max: MAX_CLASS as u32 });
    }
    Ok(())
}

impl Observation {
    /// The observation after `patch` (who may send which field is the server's check), or why not.
    pub fn patched(&self, patch: &ObservationPatch) -> Result<Observation, Reason> {
        let mut next = self.clone();
        if let Some(at) = &patch.scheduled_at {
            if !is_local_datetime(at) {
                return Err(schedule_format());
            }
            next.scheduled_at = at.clone();
        }
        if let Some(c) = &patch.class_name {
            let c = c.trim();
            check_class(c)?;
            next.class_name = c.to_owned();
        }
        for (field, value) in [
            (&mut next.focus, &patch.focus),
            (&mut next.preparation, &patch.preparation),
            (&mut next.record, &patch.record),
            (&mut next.follow_up, &patch.follow_up),
        ] {
            if let Some(v) = value {
                if v.chars().count() > MAX_REFLECTION {
                    return Err(Reason::TooLong {
                        field: Field::ObservationText,
                        max: MAX_REFLECTION as u32,
                    });
                }
                *field = v.clone();
            }
        }
        if let Some(s) = patch.status {
            next.status = s;
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_moves_exist_and_each_has_one_mover() {
        use PlanStatus::*;
        assert_eq!(Draf.moves_for(Actor::Owner), vec![PerluDisetujui]);
        assert!(Draf.moves_for(Actor::Principal).is_empty(), "a principal cannot approve a draft never sent");
        assert_eq!(PerluDisetujui.moves_for(Actor::Principal), vec![Disetujui, Dikembalikan]);
        assert!(PerluDisetujui.moves_for(Actor::Owner).is_empty());
        assert_eq!(Dikembalikan.moves_for(Actor::Owner), vec![PerluDisetujui]);
        assert_eq!(Disetujui.moves_for(Actor::Principal), vec![Disepakati]);
        assert!(Disetujui.moves_for(Actor::Owner).is_empty());
        for a in [Actor::Owner, Actor::Principal] {
            assert!(Disepakati.moves_for(a).is_empty(), "an agreed plan is final");
        }
        assert!(Draf.results_editable() && Dikembalikan.results_editable());
        assert!(
            !PerluDisetujui.results_editable(),
            "a plan under review must not change under the principal"
        );
    }

    fn cycle(points: Option<PointRule>) -> Cycle {
        Cycle {
            id: "kinerja-2026".into(),
            year: 2026,
            name: "Siklus 2026".into(),
            stages: vec![],
            points,
            evidence: None,
            min_results: 2,
        }
    }

    fn result(id: &str, indicators: &[&str], points: Option<u32>) -> PlannedResult {
        PlannedResult {
            id: id.into(),
            text: format!("Hasil {id}"),
            indicators: indicators.iter().map(|s| s.to_string()).collect(),
            points,
        }
    }

    #[test]
    fn results_and_submission_are_checked_against_the_cycle() {
        let c = cycle(None);
        assert!(PerformancePlan::check_results(&[result("a", &["x"], None)], &c).is_ok());
        assert!(
            PerformancePlan::check_results(&[result("a", &[], None), result("a", &[], None)], &c).is_err()
        );
        assert!(
            PerformancePlan::check_results(&[result("a", &["x"], Some(8))], &c).is_err(),
            "no points here"
        );
        let mut plan = PerformancePlan {
            id: "p".into(),
            cycle_id: c.id.clone(),
            owner_id: "u".into(),
            school_npsn: None,
            status: PlanStatus::Draf,
            results: vec![result("a", &["x"], None)],
            history: vec![],
            reflection: String::new(),
            predikat: None,
            predikat_note: None,
        };
        assert!(plan.check_submittable(&c).is_err(), "the cycle asks for two results");
        plan.results.push(result("b", &[], None));
        assert!(plan.check_submittable(&c).is_err(), "every result needs an indicator");
        plan.results[1].indicators.push("y".into());
        assert!(plan.check_submittable(&c).is_ok());

        let pc = cycle(Some(PointRule { min_per_result: 4, max_per_result: 36, needed: 32 }));
        assert!(PerformancePlan::check_results(&[result("a", &["x"], Some(40))], &pc).is_err());
        plan.results = vec![result("a", &["x"], Some(12)), result("b", &["y"], Some(12))];
        assert!(plan.check_submittable(&pc).is_err(), "24 points < 32 needed");
        plan.results[1].points = Some(20);
        assert!(plan.check_submittable(&pc).is_ok());
    }

    #[test]
    fn a_plan_moved_back_and_forth_without_end_stops_growing() {
        let c = cycle(None);
        let event = |to| PlanEvent {
            to,
            by_id: "k".into(),
            by_name: "K".into(),
            at: "t".into(),
            note: Some("n".into()),
        };
        let mut plan = PerformancePlan {
            id: "p".into(),
            cycle_id: c.id.clone(),
            owner_id: "u".into(),
            school_npsn: None,
            status: PlanStatus::PerluDisetujui,
            results: vec![],
            history: vec![event(PlanStatus::PerluDisetujui); crate::limits::PLAN_HISTORY - 1],
            reflection: String::new(),
            predikat: None,
            predikat_note: None,
        };
        assert!(plan.check_move(PlanStatus::Dikembalikan, Actor::Principal, Some("perbaiki"), &c).is_ok());
        plan.history.push(event(PlanStatus::Dikembalikan));
        assert!(
            matches!(
                plan.check_move(PlanStatus::Dikembalikan, Actor::Principal, Some("perbaiki"), &c),
                Err(PlanRefusal::NotNow(_))
            ),
            "a history at its bound takes no more moves: the record would grow without end"
        );
    }

    #[test]
    fn local_datetimes_are_checked() {
        assert!(is_local_datetime("2026-03-10T08:00"));
        for bad in ["2026-03-10", "2026-13-10T08:00", "2026-03-10 08:00", "2026-03-10T24:00", "x"] {
            assert!(!is_local_datetime(bad), "{bad:?} must be refused");
        }
    }

    #[test]
    fn observations_are_checked_where_they_are_made_and_changed() {
        let plan = PerformancePlan {
            id: "p".into(),
            cycle_id: "c".into(),
            owner_id: "u".into(),
            school_npsn: Some("1".into()),
            status: PlanStatus::Disetujui,
            results: vec![],
            history: vec![],
            reflection: String::new(),
            predikat: None,
            predikat_note: None,
        };
        let new = |at: &str, class: &str| NewObservation {
            id: "o".into(),
            plan_id: "p".into(),
            scheduled_at: at.into(),
            class_name: class.into(),
            focus: String::new(),
        };
        let o = new("2026-12-02T08:00", "  Kelas IV ").observation(&plan, "k").unwrap();
        assert_eq!(
            (o.owner_id.as_str(), o.class_name.as_str(), o.status),
            ("u", "Kelas IV", ObservationStatus::Terjadwal)
        );
        assert!(new("besok", "Kelas IV").observation(&plan, "k").is_err());
        assert!(new("2026-12-02T08:00", " ").observation(&plan, "k").is_err());
        let moved = ObservationPatch { scheduled_at: Some("2026-12-04T09:00".into()), ..Default::default() };
        assert_eq!(o.patched(&moved).unwrap().scheduled_at, "2026-12-04T09:00");
        let bad = ObservationPatch { record: Some("x".repeat(MAX_REFLECTION + 1)), ..Default::default() };
        assert!(o.patched(&bad).is_err(), "over-long text is refused, not cut");
    }
}
