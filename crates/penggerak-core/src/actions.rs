//! What the user does: every write the UI can ask for, each one call on [`Engine`]. A user action is
//! built into a [`Change`] ([`crate::changes`], with the rules checked on the device), applied to the
//! store and queued in one transaction ([`crate::outbox`]), and the sync loop is woken. Also: drafts kept
//! as they are typed, refused changes dismissed or reopened, conflicts settled.
//!
//! Never: reads for a screen (that is [`crate::views`]) or talks to the server (that is [`crate::sync`]).

use crate::outbox::{Change, LocalWrite, Reopen};
use crate::{changes, CoreError, Engine};
use penggerak_types::ipc::{
    feedback_draft_key, new_activity_draft_key, new_observation_draft_key, observation_follow_up_draft_key,
    observation_preparation_draft_key, observation_record_draft_key, plan_draft_key,
    plan_reflection_draft_key, predikat_note_draft_key, reflection_draft_key, return_note_draft_key, Action,
    Keep, ReopenPage,
};
use penggerak_types::kinerja::{Actor, PerformancePlan};
use penggerak_types::{Field, Reason, RecordKind};

/// Who `me` is to performance plan `id`: its owner, or (for anyone else) acting as the principal — the
/// rules then refuse what that person may not do.
async fn actor_on(store: &crate::LocalStore, me: &str, id: &str) -> Result<Actor, CoreError> {
    let owner = store
        .record(RecordKind::PerformancePlan, id)
        .await?
        .map(|r| r.parse::<PerformancePlan>())
        .transpose()?
        .map(|p| p.owner_id);
    Ok(if owner.as_deref() == Some(me) { Actor::Owner } else { Actor::Principal })
}

impl Engine {
    /// Does what the user asked: applies it to the store at once and queues it for the server (the sync
    /// loop is woken). A change the rules refuse is refused here, before anything is queued.
    pub async fn act(&self, action: Action) -> Result<(), CoreError> {
        let _one_writer = self.edits.lock().await;
        let store = self.store();
        let me = store.profile().await?;
        let change: Change = match action {
            Action::JoinCommunity { id } => changes::join_community(store, &me.id, &id).await?,
            Action::LeaveCommunity { id } => changes::leave_community(store, &me.id, &id).await?,
            Action::AttendEvent { id } => changes::attendance_change(store, &me.id, &id, true).await?,
            Action::UnattendEvent { id } => changes::attendance_change(store, &me.id, &id, false).await?,
            Action::AddPkbItem { mut new } => {
                // The screen leaves the id to the engine: a new UUID, stable from here on, offline too.
                if new.id.is_empty() {
                    new.id = uuid::Uuid::new_v4().to_string();
                }
                let year = crate::clock::year_of(&self.today().await?);
                let plan = penggerak_types::pkb::plan_id(&me.id, year);
                let (max, field) = (penggerak_types::limits::PKB_ITEMS_PER_PLAN, Field::PkbItems);
                changes::room_on_plan(store, RecordKind::PkbItem, &plan, max, field).await?;
                // Rencana's form's fields go with the change (the page keeps as a draft what was typed
                // meanwhile). An event added from Komunitas is not the form's: its draft stays.
                let from_the_form = new.community_event_id.is_none();
                let mut change = changes::add_pkb_item(&plan, &me.id, new)?;
                if from_the_form {
                    change.local.push(LocalWrite::ForgetDraft { key: new_activity_draft_key() });
                }
                change
            }
            Action::EditPkbItem { id, patch } => {
                // A reflection saved for real no longer needs its draft; the change carries the text now.
                let saves_reflection = patch.reflection.is_some();
                let mut change = changes::edit_pkb_item(store, &id, patch).await?;
                if saves_reflection {
                    change.local.push(LocalWrite::ForgetDraft { key: reflection_draft_key(&id) });
                }
                change
            }
            Action::EditPerformancePlan { id, patch } => {
                // What is saved for real no longer needs its draft.
                let (saves_results, saves_reflection) = (patch.results.is_some(), patch.reflection.is_some());
                let mut change = changes::edit_performance_plan(store, &id, patch).await?;
                if saves_results {
                    change.local.push(LocalWrite::ForgetDraft { key: plan_draft_key(&id) });
                }
                if saves_reflection {
                    change.local.push(LocalWrite::ForgetDraft { key: plan_reflection_draft_key(&id) });
                }
                change
            }
            Action::MovePerformancePlan { id, to, note } => {
                let actor = actor_on(store, &me.id, &id).await?;
                let mut change =
                    changes::move_performance_plan(store, &id, (&me.id, &me.full_name, actor), to, note)
                        .await?;
                // The note typed for a return goes with it; a note typed and left for another decision
                // (approve, agree) is not kept for ever either: the plan has moved on.
                change.local.push(LocalWrite::ForgetDraft { key: return_note_draft_key(&id) });
                change
            }
            Action::ScheduleObservation { mut new } => {
                // The screen leaves the id to the engine: a new UUID, stable from here on, offline too.
                if new.id.is_empty() {
                    new.id = uuid::Uuid::new_v4().to_string();
                }
                let key = new_observation_draft_key(&new.plan_id);
                let mut change = changes::schedule_observation(store, &me.id, new).await?;
                change.local.push(LocalWrite::ForgetDraft { key });
                change
            }
            Action::EditObservation { id, patch } => {
                let (record, follow_up) = (patch.record.is_some(), patch.follow_up.is_some());
                let preparation = patch.preparation.is_some();
                let mut change = changes::edit_observation(store, &id, patch).await?;
                if preparation {
                    change
                        .local
                        .push(LocalWrite::ForgetDraft { key: observation_preparation_draft_key(&id) });
                }
                if record {
                    change.local.push(LocalWrite::ForgetDraft { key: observation_record_draft_key(&id) });
                }
                if follow_up {
                    change.local.push(LocalWrite::ForgetDraft { key: observation_follow_up_draft_key(&id) });
                }
                change
            }
            Action::RatePlan { id, predikat, note } => {
                let actor = actor_on(store, &me.id, &id).await?;
                let mut change = changes::rate_performance_plan(store, &id, actor, predikat, note).await?;
                change.local.push(LocalWrite::ForgetDraft { key: predikat_note_draft_key(&id) });
                change
            }
            Action::GiveFeedback { mut new } => {
                // The screen leaves the id to the engine: a new UUID, stable from here on, offline too.
                if new.id.is_empty() {
                    new.id = uuid::Uuid::new_v4().to_string();
                }
                let actor = actor_on(store, &me.id, &new.plan_id).await?;
                let key = feedback_draft_key(&new.plan_id);
                let mut change = changes::give_feedback(store, (&me.id, &me.full_name, actor), new).await?;
                change.local.push(LocalWrite::ForgetDraft { key });
                change
            }
        };
        #[cfg(feature = "testing")]
        {
            let pause = self.act_pause.lock().unwrap().clone();
            if let Some(barrier) = pause {
                barrier.wait().await;
                barrier.wait().await;
            }
        }
        self.queue(&change).await
    }

    /// Keeps `text` typed under draft `key` (on every keystroke, so nothing typed is lost); it goes
    /// with the change that saves it.
    pub async fn save_draft(&self, key: &str, text: &str) -> Result<(), CoreError> {
        // Typed text is the user's as a change is: not kept under a sign-out that is forgetting everything
        // (see `act`), and said so. Not behind `edits`: a page being applied would hold a keystroke, and a
        // change sent meanwhile would forget the draft before the keystroke brought it back.
        let _no_sign_out = self.drafts.read().await;
        self.store().profile().await?;
        self.store().save_draft(key, text).await
    }

    /// The text kept under draft `key`, if any (a box whose page does not carry it reads it as it opens).
    pub async fn draft(&self, key: &str) -> Result<Option<String>, CoreError> {
        self.store().draft(key).await
    }

    /// The user has read refused change `id` (and redone it, or let it go): it is forgotten.
    pub async fn dismiss_refused(&self, id: i64) -> Result<(), CoreError> {
        self.store().dismiss_notice(id).await?;
        self.wake_sync();
        Ok(())
    }

    /// Opens refused change `id` again to be fixed: each text it carried goes back into its editor as a
    /// draft (kept as typed, sent when saved), and the notice goes, in one transaction. Returns the page
    /// the editors are on: hers on Kinerja, a staff member's on his or her page.
    pub async fn reopen_refused(&self, id: i64) -> Result<ReopenPage, CoreError> {
        let _one_writer = self.edits.lock().await;
        self.store().profile().await?;
        let notice = self.store().notice(id).await?.ok_or(CoreError::Refused(Reason::NotOnDevice))?;
        let reopen = notice.reopen().ok_or(CoreError::Refused(Reason::NotValid { field: Field::Id }))?;
        // Its editors belong to a record the device still holds (an item whose adding was refused is gone,
        // and its text with it would be nowhere to see): else the notice stays, text and all.
        let page =
            reopen_page(self.store(), &reopen).await?.ok_or(CoreError::Refused(Reason::NotOnDevice))?;
        // Other text typed there since is not overwritten.
        for (key, text) in &reopen.drafts {
            if self.store().draft(key).await?.is_some_and(|d| !d.trim().is_empty() && d != *text) {
                return Err(CoreError::Refused(Reason::DraftInTheWay));
            }
        }
        self.store().reopen_notice(id, &reopen.drafts).await?;
        // The sync line's count of refused changes follows.
        self.wake_sync();
        Ok(page)
    }

    /// Settles a conflict the way the user chose: mine is sent again on the server's current version, or
    /// theirs replaces mine. The sync loop is woken to send or settle it.
    pub async fn resolve_conflict(&self, kind: RecordKind, id: &str, keep: Keep) -> Result<(), CoreError> {
        let how = match keep {
            Keep::Mine => crate::outbox::Resolution::KeepMine,
            Keep::Theirs => crate::outbox::Resolution::TakeTheirs,
        };
        {
            let _one_writer = self.edits.lock().await;
            self.store().profile().await?;
            self.store().resolve(kind, id, how).await?;
        }
        self.wake_sync();
        Ok(())
    }
}

/// The page `reopen`'s editors are on, or `None` when the device no longer holds their record.
pub(crate) async fn reopen_page(
    store: &crate::LocalStore,
    reopen: &Reopen,
) -> Result<Option<ReopenPage>, CoreError> {
    let (kind, id) = &reopen.record;
    let Some(record) = store.record(*kind, id).await? else {
        return Ok(None);
    };
    // Every box it fills is drawn for the record as it stands now (a text put into a box the page does not
    // draw, with the notice gone, would be nowhere to see).
    if !reopen.drafts.iter().all(|(key, _)| box_shown(*kind, &record.data, id, key)) {
        return Ok(None);
    }
    let me = store.account().await?.map(|(_, p)| p.id).unwrap_or_default();
    let owner = record.data.get("owner_id").and_then(serde_json::Value::as_str).unwrap_or(&me).to_owned();
    Ok(Some(reopen.page(&owner, &me)))
}

/// Whether the page draws the box of draft `key` for record `id` (`data` as the device holds it), by the
/// same rules the pages draw their boxes by: a plan's results while they are editable, its reflection
/// until a predikat is given, the return note while the principal may return it, the predikat note while
/// it may be rated; an observation's preparation until it is done. Feedback, the form scheduling an
/// observation, an observation's record and follow-up, and an activity's reflection are always drawn.
pub(crate) fn box_shown(kind: RecordKind, data: &serde_json::Value, id: &str, key: &str) -> bool {
    use penggerak_types::kinerja::{Observation, ObservationStatus, PlanStatus};
    match kind {
        RecordKind::PerformancePlan => {
            let Ok(plan) = serde_json::from_value::<PerformancePlan>(data.clone()) else { return false };
            if key == plan_draft_key(id) {
                plan.status.results_editable()
            } else if key == plan_reflection_draft_key(id) {
                plan.predikat.is_none()
            } else if key == return_note_draft_key(id) {
                plan.status.moves_for(Actor::Principal).contains(&PlanStatus::Dikembalikan)
            } else if key == predikat_note_draft_key(id) {
                plan.status == PlanStatus::Disepakati
            } else {
                // Feedback, and the form scheduling an observation: drawn whatever the plan's status.
                key == feedback_draft_key(id) || key == new_observation_draft_key(id)
            }
        }
        RecordKind::Observation => {
            if key == observation_preparation_draft_key(id) {
                serde_json::from_value::<Observation>(data.clone())
                    .is_ok_and(|o| o.status != ObservationStatus::Selesai)
            } else {
                key == observation_record_draft_key(id) || key == observation_follow_up_draft_key(id)
            }
        }
        RecordKind::PkbItem => key == reflection_draft_key(id),
        _ => false,
    }
}
