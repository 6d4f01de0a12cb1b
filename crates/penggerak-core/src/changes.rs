//! The changes a user can make, each as a [`Change`]: the request for the server and its immediate local
//! effect, computed from the records on the device. The UI calls these (through the shell) and nothing
//! else writes. Each names its route as a [`Write`] (route and ids); the outbox checks and fills it.

use crate::outbox::{Change, LocalWrite};
use crate::{CoreError, LocalStore};
use penggerak_types::api::{
    attendance_id, attendance_open, Attendance, Community, CommunityEventRecord, Membership,
};
use penggerak_types::ipc::ChangeLabel;
use penggerak_types::kinerja::{
    Actor, Cycle, NewFeedback, NewObservation, Observation, ObservationPatch, PerformancePlan, PlanEvent,
    PlanMove, PlanPatch, PlanRating, PlanRefusal, PlanStatus, Predikat,
};
use penggerak_types::pkb::{NewPkbItem, PkbItem, PkbItemPatch, PkbStatus};
use penggerak_types::route::Write;
use penggerak_types::{limits, Reason, RecordKind};
use serde_json::Value;

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, CoreError> {
    serde_json::to_value(v).map_err(|e| CoreError::Storage(e.to_string()))
}

/// Join community `id` as `user_id`: a membership appears and the member count goes up at once.
pub async fn join_community(store: &LocalStore, user_id: &str, id: &str) -> Result<Change, CoreError> {
    membership_change(store, user_id, id, true).await
}

/// Leave community `id`: the membership goes and the member count goes down at once.
pub async fn leave_community(store: &LocalStore, user_id: &str, id: &str) -> Result<Change, CoreError> {
    membership_change(store, user_id, id, false).await
}

/// Joining or leaving: the request always goes (the server decides), the local effect only when it
/// changes something on this device.
async fn membership_change(
    store: &LocalStore,
    user_id: &str,
    id: &str,
    join: bool,
) -> Result<Change, CoreError> {
    let community =
        store.record(RecordKind::Community, id).await?.map(|r| r.parse::<Community>()).transpose()?;
    let name = community.as_ref().map_or(id, |c| c.name.as_str()).to_owned();
    let membership_id = format!("{id}:{user_id}");
    let member = store.record(RecordKind::Membership, &membership_id).await?.is_some();
    let mut local = Vec::new();
    if join != member {
        local.push(if join {
            let joined_at = store.now_rfc3339();
            let m = Membership { community_id: id.to_owned(), user_id: user_id.to_owned(), joined_at };
            LocalWrite::Put { kind: RecordKind::Membership, id: membership_id, data: to_value(&m)? }
        } else {
            LocalWrite::Delete { kind: RecordKind::Membership, id: membership_id }
        });
        if let Some(mut c) = community {
            c.member_count = (c.member_count + if join { 1 } else { -1 }).max(0);
            local.push(LocalWrite::Put {
                kind: RecordKind::Community,
                id: id.to_owned(),
                data: to_value(&c)?,
            });
        }
    }
    let community = id.to_owned();
    let (label, write) = if join {
        (ChangeLabel::Join { community: name }, Write::JoinCommunity { community })
    } else {
        (ChangeLabel::Leave { community: name }, Write::LeaveCommunity { community })
    };
    Ok(Change { label, write, body: None, local })
}

/// Say "Saya hadir" at event `event_id` as `user_id` (`attend`), or take it back: the attendance appears
/// (or goes) and the event's count moves at once. Refused here, before anything is queued, when the user is
/// not a member of its community (a join made offline counts) or when attendance cannot be said now by the
/// device's clock; the server decides again by its own.
pub async fn attendance_change(
    store: &LocalStore,
    user_id: &str,
    event_id: &str,
    attend: bool,
) -> Result<Change, CoreError> {
    let record = store
        .record(RecordKind::CommunityEvent, event_id)
        .await?
        .ok_or(CoreError::Refused(Reason::NotOnDevice))?;
    let mut event: CommunityEventRecord = record.parse()?;
    if store.record(RecordKind::Membership, &format!("{}:{user_id}", event.community_id)).await?.is_none() {
        return Err(CoreError::Refused(Reason::MembersOnly));
    }
    let starts_at = crate::clock::unix_of(&event.event.starts_at)
        .ok_or(CoreError::Refused(Reason::NotValid { field: penggerak_types::Field::CommunityEvent }))?;
    attendance_open(starts_at, store.now()).map_err(CoreError::Refused)?;
    let id = attendance_id(event_id, user_id);
    let attended = store.record(RecordKind::Attendance, &id).await?.is_some();
    let mut local = Vec::new();
    if attend != attended {
        local.push(if attend {
            let a = Attendance {
                event_id: event_id.to_owned(),
                community_id: event.community_id.clone(),
                user_id: user_id.to_owned(),
                attended_at: store.now_rfc3339(),
            };
            LocalWrite::Put { kind: RecordKind::Attendance, id, data: to_value(&a)? }
        } else {
            LocalWrite::Delete { kind: RecordKind::Attendance, id }
        });
        event.event.attendee_count = (event.event.attendee_count + if attend { 1 } else { -1 }).max(0);
        local.push(LocalWrite::Put {
            kind: RecordKind::CommunityEvent,
            id: event_id.to_owned(),
            data: to_value(&event)?,
        });
    }
    let (title, event) = (event.event.title, event_id.to_owned());
    let (label, write) = if attend {
        (ChangeLabel::Attend { event: title }, Write::AttendEvent { event })
    } else {
        (ChangeLabel::Unattend { event: title }, Write::UnattendEvent { event })
    };
    Ok(Change { label, write, body: None, local })
}

/// Change a development-plan item (progress, status, reflection…), on the version the device holds. The
/// edit is checked here with the server's own rules, so a bad value is refused before it is queued.
pub async fn edit_pkb_item(
    store: &LocalStore,
    id: &str,
    mut patch: PkbItemPatch,
) -> Result<Change, CoreError> {
    let record =
        store.record(RecordKind::PkbItem, id).await?.ok_or(CoreError::Refused(Reason::NotOnDevice))?;
    let item: PkbItem = record.parse()?;
    patch.base_version = record.server_version;
    let next = item.patched(&patch).map_err(CoreError::Refused)?;
    Ok(Change {
        label: ChangeLabel::EditActivity { title: item.title.clone() },
        write: Write::EditPkbItem { item: id.to_owned() },
        body: Some(to_value(&patch)?),
        local: vec![LocalWrite::Put { kind: RecordKind::PkbItem, id: id.to_owned(), data: to_value(&next)? }],
    })
}

/// Add an item to the plan `plan_id` of `owner_id`, with a new id chosen here (so it is stable offline).
pub fn add_pkb_item(plan_id: &str, owner_id: &str, new: NewPkbItem) -> Result<Change, CoreError> {
    let item = PkbItem {
        id: new.id.clone(),
        plan_id: plan_id.to_owned(),
        owner_id: owner_id.to_owned(),
        kind: new.kind,
        title: new.title.trim().to_owned(),
        jp: new.jp,
        target_date: new.target_date.clone(),
        status: PkbStatus::BelumMulai,
        progress: 0,
        reflection: String::new(),
        community_event_id: new.community_event_id.clone(),
    };
    item.check().map_err(CoreError::Refused)?;
    Ok(Change {
        label: ChangeLabel::AddActivity { title: item.title.clone() },
        write: Write::AddPkbItem,
        body: Some(to_value(&new)?),
        local: vec![LocalWrite::Put { kind: RecordKind::PkbItem, id: new.id, data: to_value(&item)? }],
    })
}

/// Refuses one more `kind` record on plan `plan_id` when the device already holds `max` of them (the
/// server's own bound, [`penggerak_types::limits`]): said before anything is queued, not queued to be
/// refused by the server change after change behind her others.
pub async fn room_on_plan(
    store: &LocalStore,
    kind: RecordKind,
    plan_id: &str,
    max: usize,
    field: penggerak_types::Field,
) -> Result<(), CoreError> {
    let on_plan = store
        .records(kind)
        .await?
        .iter()
        .filter(|r| r.data.get("plan_id").and_then(Value::as_str) == Some(plan_id))
        .count();
    if on_plan >= max {
        return Err(CoreError::Refused(Reason::TooMany { field, max: max as u32 }));
    }
    Ok(())
}

async fn performance_plan(store: &LocalStore, id: &str) -> Result<(PerformancePlan, i64), CoreError> {
    let record = store
        .record(RecordKind::PerformancePlan, id)
        .await?
        .ok_or(CoreError::Refused(Reason::NotOnDevice))?;
    Ok((record.parse()?, record.server_version))
}

async fn cycle_of(store: &LocalStore, plan: &PerformancePlan) -> Result<Cycle, CoreError> {
    store
        .record(RecordKind::Cycle, &plan.cycle_id)
        .await?
        .ok_or(CoreError::Refused(Reason::NotOnDevice))?
        .parse()
}

/// The device says no with the server's own words.
fn refused(r: PlanRefusal) -> CoreError {
    match r {
        PlanRefusal::NotNow(r) | PlanRefusal::NotYours(r) | PlanRefusal::Invalid(r) => CoreError::Refused(r),
    }
}

/// The teacher edits their performance plan (results while a draft or returned, the reflection until
/// rated), checked against the cycle on the device with the server's own rules.
pub async fn edit_performance_plan(
    store: &LocalStore,
    id: &str,
    mut patch: PlanPatch,
) -> Result<Change, CoreError> {
    let (plan, version) = performance_plan(store, id).await?;
    patch.base_version = version;
    let next = plan.patched(&patch, &cycle_of(store, &plan).await?).map_err(refused)?;
    Ok(Change {
        label: ChangeLabel::EditPlan,
        write: Write::EditPlan { plan: id.to_owned() },
        body: Some(to_value(&patch)?),
        local: vec![LocalWrite::Put {
            kind: RecordKind::PerformancePlan,
            id: id.to_owned(),
            data: to_value(&next)?,
        }],
    })
}

/// Moves a performance plan (submit, approve, return with a note, agree) as `actor` (`by_id`, `by_name`):
/// the move shows at once, with a history entry the server's answer replaces.
pub async fn move_performance_plan(
    store: &LocalStore,
    id: &str,
    (by_id, by_name, actor): (&str, &str, Actor),
    to: PlanStatus,
    note: Option<String>,
) -> Result<Change, CoreError> {
    let (plan, version) = performance_plan(store, id).await?;
    let note =
        plan.check_move(to, actor, note.as_deref(), &cycle_of(store, &plan).await?).map_err(refused)?;
    let mut next = plan.clone();
    next.status = to;
    next.history.push(PlanEvent {
        to,
        by_id: by_id.to_owned(),
        by_name: by_name.to_owned(),
        at: store.now_rfc3339(),
        note: note.clone(),
    });
    Ok(Change {
        label: ChangeLabel::MovePlan { to },
        write: Write::MovePlan { plan: id.to_owned() },
        body: Some(to_value(&PlanMove { base_version: version, to, note })?),
        local: vec![LocalWrite::Put {
            kind: RecordKind::PerformancePlan,
            id: id.to_owned(),
            data: to_value(&next)?,
        }],
    })
}

/// The principal gives the predikat (with a note) to an agreed plan, as `actor` (the rule refuses anyone
/// else): checked on the device with the server's own rule, shown at once.
pub async fn rate_performance_plan(
    store: &LocalStore,
    id: &str,
    actor: Actor,
    predikat: Predikat,
    note: Option<String>,
) -> Result<Change, CoreError> {
    let (plan, version) = performance_plan(store, id).await?;
    let rating = PlanRating { base_version: version, predikat, note };
    let next = plan.rated(&rating, actor).map_err(refused)?;
    Ok(Change {
        label: ChangeLabel::RatePlan { predikat },
        write: Write::RatePlan { plan: id.to_owned() },
        body: Some(to_value(&rating)?),
        local: vec![LocalWrite::Put {
            kind: RecordKind::PerformancePlan,
            id: id.to_owned(),
            data: to_value(&next)?,
        }],
    })
}

/// Changes an observation: the teacher their preparation, the principal the schedule, record and
/// follow-up (the server enforces who writes what).
pub async fn edit_observation(
    store: &LocalStore,
    id: &str,
    mut patch: ObservationPatch,
) -> Result<Change, CoreError> {
    let record =
        store.record(RecordKind::Observation, id).await?.ok_or(CoreError::Refused(Reason::NotOnDevice))?;
    patch.base_version = record.server_version;
    let next = record.parse::<Observation>()?.patched(&patch).map_err(CoreError::Refused)?;
    Ok(Change {
        label: ChangeLabel::EditObservation { class: next.class_name.clone() },
        write: Write::EditObservation { observation: id.to_owned() },
        body: Some(to_value(&patch)?),
        local: vec![LocalWrite::Put {
            kind: RecordKind::Observation,
            id: id.to_owned(),
            data: to_value(&next)?,
        }],
    })
}

/// The principal schedules an observation of a staff member's plan, with an id chosen here.
pub async fn schedule_observation(
    store: &LocalStore,
    observer_id: &str,
    new: NewObservation,
) -> Result<Change, CoreError> {
    let (plan, _) = performance_plan(store, &new.plan_id).await?;
    let obs = new.observation(&plan, observer_id).map_err(CoreError::Refused)?;
    let (max, field) = (limits::OBSERVATIONS_PER_PLAN, penggerak_types::Field::Observations);
    room_on_plan(store, RecordKind::Observation, &plan.id, max, field).await?;
    Ok(Change {
        label: ChangeLabel::ScheduleObservation { class: obs.class_name.clone() },
        write: Write::ScheduleObservation,
        body: Some(to_value(&new)?),
        local: vec![LocalWrite::Put { kind: RecordKind::Observation, id: new.id, data: to_value(&obs)? }],
    })
}

/// The principal leaves a feedback note on a staff member's plan, as `by` (id, name, and what he is to
/// the plan: only its owner's principal may), with an id chosen here; it shows at once.
pub async fn give_feedback(
    store: &LocalStore,
    by: (&str, &str, Actor),
    new: NewFeedback,
) -> Result<Change, CoreError> {
    if by.2 != Actor::Principal {
        return Err(CoreError::Refused(Reason::MoveBy { by: Actor::Principal }));
    }
    let (plan, _) = performance_plan(store, &new.plan_id).await?;
    let note = new.feedback(&plan, (by.0, by.1), &store.now_rfc3339()).map_err(CoreError::Refused)?;
    let (max, field) = (limits::FEEDBACK_PER_PLAN, penggerak_types::Field::Feedback);
    room_on_plan(store, RecordKind::Feedback, &plan.id, max, field).await?;
    Ok(Change {
        label: ChangeLabel::GiveFeedback,
        write: Write::GiveFeedback,
        body: Some(to_value(&new)?),
        local: vec![LocalWrite::Put { kind: RecordKind::Feedback, id: new.id, data: to_value(&note)? }],
    })
}
