//! A performance plan's status workflow, as plain rules both server and app use: [`PlanStatus::mover`]
//! says which move is allowed from which status and by whom: the teacher submits (from a draft or a
//! returned plan); the principal approves or returns (with a note) a submitted plan and agrees an approved
//! one. Re-exported from [`crate::kinerja`], where the plan is.

use serde::{Deserialize, Serialize};

/// Where a performance plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written by the teacher.
    Draf,
    /// Sent to the principal (perlu disetujui).
    PerluDisetujui,
    /// Approved by the principal.
    Disetujui,
    /// Returned by the principal with notes; the teacher revises and sends again.
    Dikembalikan,
    /// Agreed (signed off by the principal): ready to sync to e-Kinerja.
    Disepakati,
}

impl PlanStatus {
    /// Every status, in the order a plan goes through them (a return before an approval), as the
    /// principal's and the pengawas's counts list them.
    pub const ALL: [PlanStatus; 5] = [
        PlanStatus::Draf,
        PlanStatus::PerluDisetujui,
        PlanStatus::Dikembalikan,
        PlanStatus::Disetujui,
        PlanStatus::Disepakati,
    ];
}

/// Who moves a plan: its owner (the teacher) or the principal of the owner's school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Owner,
    Principal,
}

impl PlanStatus {
    /// Who may move a plan from `self` to `to`, or `None` when that move does not exist.
    pub fn mover(self, to: PlanStatus) -> Option<Actor> {
        use PlanStatus::*;
        match (self, to) {
            (Draf | Dikembalikan, PerluDisetujui) => Some(Actor::Owner),
            (PerluDisetujui, Disetujui | Dikembalikan) => Some(Actor::Principal),
            (Disetujui, Disepakati) => Some(Actor::Principal),
            _ => None,
        }
    }

    /// The moves `actor` can make from `self`.
    pub fn moves_for(self, actor: Actor) -> Vec<PlanStatus> {
        use PlanStatus::*;
        [PerluDisetujui, Disetujui, Dikembalikan, Disepakati]
            .into_iter()
            .filter(|&to| self.mover(to) == Some(actor))
            .collect()
    }

    /// Whether the teacher may change the planned results now.
    pub fn results_editable(self) -> bool {
        matches!(self, PlanStatus::Draf | PlanStatus::Dikembalikan)
    }
}
