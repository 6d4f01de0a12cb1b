//! Programmes (Guru Penggerak and its successors) as data: a programme has stages, items (modules,
//! lokakarya, pendampingan visits) and cohorts (angkatan) with dates per stage; its outcome is a
//! certificate. A person's participation records their cohort, current stage, per-stage results, per-item
//! progress and certificate. A new programme is a new record, not new code.

use serde::{Deserialize, Serialize};

/// The `programme` record (public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Whether new cohorts still run (Guru Penggerak stopped in March 2025).
    pub active: bool,
    /// In order.
    pub stages: Vec<StageDef>,
    pub items: Vec<ItemDef>,
    pub cohorts: Vec<Cohort>,
    /// What graduates receive, e.g. "Sertifikat Guru Penggerak".
    pub outcome: String,
}

/// A stage of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDef {
    /// Stable within the programme, e.g. `seleksi_2`.
    pub code: String,
    pub name: String,
    pub description: String,
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An online module, worked through in steps (the MERDEKA flow has 7).
    Modul,
    /// A workshop with other participants.
    Lokakarya,
    /// A mentoring visit by a Pengajar Praktik.
    Pendampingan,
}

/// An item of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDef {
    pub id: String,
    /// The stage it belongs to.
    pub stage: String,
    pub kind: ItemKind,
    /// e.g. "1.1", "Lokakarya 7".
    pub code: String,
    pub title: String,
    /// Steps to complete it (7 for a module's MERDEKA flow, 1 for a workshop or visit).
    pub steps: u8,
    /// Whether the participant records their own progress (modules), or the facilitator does.
    pub self_reported: bool,
}

/// A cohort (angkatan) and its stage dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cohort {
    pub id: String,
    /// e.g. "Angkatan 10".
    pub name: String,
    pub schedule: Vec<StageDates>,
}

/// When a stage runs for a cohort (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDates {
    pub stage: String,
    pub starts: String,
    pub ends: String,
}

/// How a person fared in a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Belum,
    Berlangsung,
    Lulus,
    TidakLulus,
}

/// A person's result in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageResult {
    pub stage: String,
    pub outcome: StageOutcome,
    /// `YYYY-MM-DD`, when decided.
    pub date: Option<String>,
    pub note: Option<String>,
}

/// A person's progress on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemProgress {
    pub item_id: String,
    /// Steps done, 0..=the item's `steps`.
    pub done: u8,
}

/// A graduate's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
}

/// The `participation` record (the person and their principal). Id `<programme id>:<person id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participation {
    pub id: String,
    pub person_id: String,
    pub programme_id: String,
    pub cohort_id: String,
    /// The stage the person is in, or stopped at.
    pub current_stage: String,
    pub results: Vec<StageResult>,
    pub items: Vec<ItemProgress>,
    pub certificate: Option<Certificate>,
}

/// `POST /api/v1/participations/{id}/items/{item_id}/progress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressUpdate {
    pub base_version: i64,
    /// Steps done now.
    pub done: u8,
}

impl Participation {
    /// The participation with item `item_id` at `done` steps, or why that is not allowed: the item must
    /// be self-reported, belong to the current stage, and `done` must be within its steps.
    pub fn with_progress(
        &self,
        programme: &Programme,
        item_id: &str,
        done: u8,
    ) -> Result<Participation, crate::Reason> {
        let item =
            programme.items.iter().find(|i| i.id == item_id).ok_or(crate::Reason::UnknownProgrammeItem)?;
        if !item.self_reported {
            return Err(crate::Reason::FacilitatorRecords);
        }
        if item.stage != self.current_stage {
            return Err(crate::Reason::OtherStage);
        }
        let current = self.results.iter().find(|r| r.stage == self.current_stage).map(|r| r.outcome);
        if current != Some(StageOutcome::Berlangsung) {
            return Err(crate::Reason::StageNotRunning);
        }
        if done > item.steps {
            return Err(crate::Reason::OutOfRange {
                field: crate::Field::ProgrammeSteps,
                min: 0,
                max: i64::from(item.steps),
            });
        }
        let mut next = self.clone();
        match next.items.iter_mut().find(|p| p.item_id == item_id) {
            Some(p) => p.done = done,
            None => next.items.push(ItemProgress { item_id: item_id.to_owned(), done }),
        }
        Ok(next)
    }
}
