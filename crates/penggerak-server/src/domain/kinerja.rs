//! The performance cycle (e-Kinerja): cycles, each teacher's plan and its workflow (rules in
//! [`PerformancePlan::check_move`] and [`PerformancePlan::patched`]), classroom observations, evidence
//! files and the predikat.
//!
//! The teacher writes their plan's results and reflection, moves it to the principal and uploads
//! evidence; the principal of the teacher's school approves or returns it, schedules and records
//! observations and gives the predikat. Nobody else writes any of it; a plan is seen by its owner and that
//! principal only.

use super::{refused_by, transaction, versioned, Next};
use crate::auth::Caller;
use crate::error::{Result, ServerError};
use crate::files;
use crate::records::{self, Audience, Filter, Stored};
use crate::Db;
use penggerak_types::kinerja::{
    Actor, Cycle, Evidence, EvidenceUpload, Feedback, NewFeedback, NewObservation, Observation,
    ObservationPatch, PerformancePlan, PlanEvent, PlanMove, PlanPatch, PlanRating, PlanRefusal,
};
use penggerak_types::{limits, ApiError, Changed, ErrorCode, Field, Reason, RecordKind};
use sqlx::AnyConnection;

pub use penggerak_types::kinerja::{cycle_id, plan_id};

/// Writes a cycle definition (demo seed).
pub async fn put_cycle(conn: &mut AnyConnection, cycle: &Cycle) -> Result<()> {
    records::put(conn, RecordKind::Cycle, &cycle.id, &Audience::public(), cycle).await?;
    Ok(())
}

/// The answer for a refused plan edit or move.
fn refused(r: PlanRefusal) -> ServerError {
    match r {
        PlanRefusal::NotNow(r) => ServerError::Api(ApiError::refused(ErrorCode::Conflict, r)),
        PlanRefusal::NotYours(r) => ServerError::Api(ApiError::refused(ErrorCode::Forbidden, r)),
        PlanRefusal::Invalid(r) => refused_by(r),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// The cycle `id`, or `404`.
pub async fn load_cycle(conn: &mut AnyConnection, id: &str) -> Result<Cycle> {
    records::get::<Cycle>(conn, RecordKind::Cycle, id)
        .await?
        .map(|s| s.data)
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Siklus kinerja tidak ditemukan."))
}

/// What the caller is to a plan: its owner, the principal of its school, or nobody (`404`).
fn relation(caller: &Caller, plan: &Stored<PerformancePlan>) -> Result<Actor> {
    if plan.data.owner_id == caller.user_id {
        Ok(Actor::Owner)
    } else if plan.audience.school.is_some() && plan.audience.school.as_deref() == caller.principal_of() {
        Ok(Actor::Principal)
    } else {
        Err(ServerError::new(ErrorCode::NotFound, "Rencana kinerja tidak ditemukan."))
    }
}

/// The plan `id` and what the caller is to it; `404` when it is none of theirs to see.
pub async fn load_plan(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
) -> Result<(Stored<PerformancePlan>, Actor)> {
    let plan = records::get::<PerformancePlan>(conn, RecordKind::PerformancePlan, id)
        .await?
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Rencana kinerja tidak ditemukan."))?;
    let actor = relation(caller, &plan)?;
    Ok((plan, actor))
}

/// The plan `id` for a change only `only` may make: `403` ([`Reason::MoveBy`]) for the other party.
async fn plan_for(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    only: Actor,
) -> Result<Stored<PerformancePlan>> {
    let (plan, actor) = load_plan(conn, caller, id).await?;
    if actor != only {
        return Err(ServerError::Api(ApiError::refused(ErrorCode::Forbidden, Reason::MoveBy { by: only })));
    }
    Ok(plan)
}

async fn name_of(conn: &mut AnyConnection, user_id: &str) -> Result<String> {
    let row: Option<(String,)> = sqlx::query_as("SELECT full_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(n,)| n).unwrap_or_default())
}

/// The owner edits the results (while a draft or returned) or the reflection (until rated).
pub async fn edit_plan(db: &Db, caller: &Caller, id: &str, patch: &PlanPatch) -> Result<Changed> {
    versioned(
        db,
        RecordKind::PerformancePlan,
        id,
        patch.base_version,
        async |tx| plan_for(tx, caller, id, Actor::Owner).await,
        async |tx, plan| {
            let cycle = load_cycle(tx, &plan.data.cycle_id).await?;
            Ok(Next::Put(plan.data.patched(patch, &cycle).map_err(refused)?))
        },
    )
    .await
}

/// Moves a plan: the owner submits; the principal approves, returns (with a note) or agrees.
pub async fn move_plan(db: &Db, caller: &Caller, id: &str, mv: &PlanMove) -> Result<Changed> {
    versioned(
        db,
        RecordKind::PerformancePlan,
        id,
        mv.base_version,
        async |tx| Ok(load_plan(tx, caller, id).await?.0),
        async |tx, plan| {
            let actor = relation(caller, &plan)?;
            let cycle = load_cycle(tx, &plan.data.cycle_id).await?;
            let note = plan.data.check_move(mv.to, actor, mv.note.as_deref(), &cycle).map_err(refused)?;
            let mut next = plan.data;
            next.status = mv.to;
            next.history.push(PlanEvent {
                to: mv.to,
                by_id: caller.user_id.clone(),
                by_name: name_of(tx, &caller.user_id).await?,
                at: now_rfc3339(),
                note,
            });
            Ok(Next::Put(next))
        },
    )
    .await
}

/// The principal gives (or changes) the predikat of an agreed plan.
pub async fn rate_plan(db: &Db, caller: &Caller, id: &str, rating: PlanRating) -> Result<Changed> {
    versioned(
        db,
        RecordKind::PerformancePlan,
        id,
        rating.base_version,
        async |tx| plan_for(tx, caller, id, Actor::Principal).await,
        async |_, plan| Ok(Next::Put(plan.data.rated(&rating, Actor::Principal).map_err(refused)?)),
    )
    .await
}

/// A one-line text field: at most `max` characters, and no control characters (a line break or NUL in a
/// file name would break the download's headers): each refused with its own reason, so the user is told
/// the right fix.
fn check_line(field: Field, s: &str, max: usize) -> Result<()> {
    if !limits::fits(s, max) {
        return Err(refused_by(Reason::TooLong { field, max: max as u32 }));
    }
    if limits::has_control(s) {
        return Err(refused_by(Reason::NotValid { field }));
    }
    Ok(())
}

/// A file's name: a one-line field that names a file, not a path (no `/` or `\`, not `.` or `..`): it is
/// said back in the download's `Content-Disposition`, and a device may save the file under it.
fn check_file_name(s: &str) -> Result<()> {
    check_line(Field::FileName, s, limits::FILE_NAME)?;
    if s.contains(['/', '\\']) || s == "." || s == ".." {
        return Err(refused_by(Reason::NotValid { field: Field::FileName }));
    }
    Ok(())
}

/// What a plan holds besides itself, with how many of it one plan may hold.
struct Part {
    kind: RecordKind,
    max: usize,
    /// Its name in a refusal.
    name: &'static str,
    field: Field,
}

const OBSERVATIONS: Part = Part {
    kind: RecordKind::Observation,
    max: limits::OBSERVATIONS_PER_PLAN,
    name: "observasi",
    field: Field::Observations,
};
const FEEDBACK: Part = Part {
    kind: RecordKind::Feedback,
    max: limits::FEEDBACK_PER_PLAN,
    name: "umpan balik",
    field: Field::Feedback,
};
const EVIDENCE: Part = Part {
    kind: RecordKind::Evidence,
    max: limits::EVIDENCE_PER_PLAN,
    name: "bukti dukung",
    field: Field::Evidence,
};

/// Room on `plan` for a new `part` under the client's `id`: the id is free (else as [`Caller::new_id`]
/// answers) and the plan holds fewer than `part.max` of them (its owner's records naming it through
/// `plan_of`; else `422`). Counted after the plan itself was read in the write transaction, whose row is
/// then locked, so concurrent adds are counted one after the other.
async fn room_on<T: serde::de::DeserializeOwned>(
    conn: &mut AnyConnection,
    caller: &Caller,
    plan: &PerformancePlan,
    part: &Part,
    id: &str,
    plan_of: impl Fn(&T) -> &String,
) -> Result<()> {
    caller.new_id(
        records::audience_of(conn, part.kind, id).await?,
        &format!("Id {} ini sudah dipakai.", part.name),
    )?;
    let owned = records::list::<T>(conn, part.kind, Filter::Owner(&plan.owner_id)).await?;
    if owned.iter().filter(|r| plan_of(&r.data) == &plan.id).count() >= part.max {
        return Err(refused_by(Reason::TooMany { field: part.field, max: part.max as u32 }));
    }
    Ok(())
}

/// The principal schedules a classroom observation of a staff member's plan, under the id the client
/// picked (a UUID).
pub async fn schedule(db: &Db, caller: &Caller, new: &NewObservation) -> Result<Changed> {
    if uuid::Uuid::parse_str(&new.id).is_err() {
        return Err(refused_by(Reason::NotValid { field: Field::Id }));
    }
    transaction(db, async |tx| {
        let plan = plan_for(tx, caller, &new.plan_id, Actor::Principal).await?;
        room_on::<Observation>(tx, caller, &plan.data, &OBSERVATIONS, &new.id, |o| &o.plan_id).await?;
        let obs = new.observation(&plan.data, &caller.user_id).map_err(refused_by)?;
        Ok(vec![records::put(tx, RecordKind::Observation, &obs.id, &plan.audience, &obs).await?])
    })
    .await
}

/// The principal leaves a feedback note on a staff member's plan, at any point of the cycle, under the id
/// the client picked (a UUID). The note stays as written.
pub async fn give_feedback(db: &Db, caller: &Caller, new: &NewFeedback) -> Result<Changed> {
    if uuid::Uuid::parse_str(&new.id).is_err() {
        return Err(refused_by(Reason::NotValid { field: Field::Id }));
    }
    transaction(db, async |tx| {
        let plan = plan_for(tx, caller, &new.plan_id, Actor::Principal).await?;
        room_on::<Feedback>(tx, caller, &plan.data, &FEEDBACK, &new.id, |f| &f.plan_id).await?;
        let name = name_of(tx, &caller.user_id).await?;
        let note = new.feedback(&plan.data, (&caller.user_id, &name), &now_rfc3339()).map_err(refused_by)?;
        Ok(vec![records::put(tx, RecordKind::Feedback, &note.id, &plan.audience, &note).await?])
    })
    .await
}

/// The observed teacher writes their preparation; the principal reschedules, records and follows up.
pub async fn edit_observation(
    db: &Db,
    caller: &Caller,
    id: &str,
    patch: &ObservationPatch,
) -> Result<Changed> {
    let missing = || ServerError::new(ErrorCode::NotFound, "Observasi tidak ditemukan.");
    let load = async |tx: &mut AnyConnection| {
        let obs = records::get::<Observation>(tx, RecordKind::Observation, id)
            .await?
            .filter(|o| caller.can_read(&o.audience))
            .ok_or_else(missing)?;
        let is_owner = obs.data.owner_id == caller.user_id;
        let is_principal =
            obs.audience.school.is_some() && obs.audience.school.as_deref() == caller.principal_of();
        if is_owner && !patch.teacher_only() {
            return Err(ServerError::new(
                ErrorCode::Forbidden,
                "Guru hanya dapat mengisi persiapan observasi; jadwal, catatan dan tindak lanjut diisi kepala sekolah.",
            ));
        }
        if !is_owner && !is_principal {
            return Err(missing());
        }
        if is_principal && patch.preparation.is_some() {
            return Err(ServerError::Api(ApiError::refused(
                ErrorCode::Forbidden,
                Reason::MoveBy { by: Actor::Owner },
            )));
        }
        Ok(obs)
    };
    versioned(db, RecordKind::Observation, id, patch.base_version, load, async |_, obs| {
        Ok(Next::Put(obs.data.patched(patch).map_err(refused_by)?))
    })
    .await
}

/// The owner uploads an evidence file (bukti dukung) to their plan, under the id the client picked (a
/// UUID): only in cycles that take evidence, of the type and size the cycle says.
pub async fn add_evidence(
    db: &Db,
    caller: &Caller,
    id: &str,
    meta: EvidenceUpload,
    body: &[u8],
) -> Result<Changed> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(refused_by(Reason::NotValid { field: Field::Id }));
    }
    if meta.title.trim().is_empty() {
        return Err(refused_by(Reason::Required { field: Field::Title }));
    }
    if meta.file_name.trim().is_empty() {
        return Err(refused_by(Reason::Required { field: Field::FileName }));
    }
    check_line(Field::Title, &meta.title, limits::TITLE)?;
    check_file_name(&meta.file_name)?;
    if meta.result_id.as_deref().is_some_and(|r| !limits::is_id(r)) || !limits::is_id(&meta.plan_id) {
        return Err(refused_by(Reason::NotValid { field: Field::Results }));
    }
    transaction(db, async |tx| {
        let plan = plan_for(tx, caller, &meta.plan_id, Actor::Owner).await?;
        let cycle = load_cycle(tx, &plan.data.cycle_id).await?;
        let Some(rule) = cycle.evidence else {
            return Err(refused_by(Reason::NoEvidenceInCycle));
        };
        if body.len() as u64 > rule.max_bytes {
            let max_mb = (rule.max_bytes / 1_000_000) as u32;
            return Err(ServerError::Api(ApiError::refused(
                ErrorCode::PayloadTooLarge,
                Reason::FileTooLarge { max_mb },
            )));
        }
        if rule.content_type == "application/pdf" && !body.starts_with(b"%PDF-") {
            return Err(refused_by(Reason::Format { field: Field::Evidence, format: "PDF".into() }));
        }
        if let Some(r) = &meta.result_id {
            if !plan.data.results.iter().any(|x| &x.id == r) {
                return Err(refused_by(Reason::NotValid { field: Field::Results }));
            }
        }
        room_on::<Evidence>(tx, caller, &plan.data, &EVIDENCE, id, |e| &e.plan_id).await?;
        let sha256 = files::store(tx, RecordKind::Evidence, id, body).await?;
        let evidence = Evidence {
            id: id.to_owned(),
            plan_id: plan.data.id.clone(),
            owner_id: caller.user_id.clone(),
            result_id: meta.result_id,
            title: meta.title.trim().to_owned(),
            file_name: meta.file_name.trim().to_owned(),
            content_type: rule.content_type,
            size: body.len() as u64,
            sha256,
            uploaded_at: now_rfc3339(),
        };
        Ok(vec![records::put(tx, RecordKind::Evidence, id, &plan.audience, &evidence).await?])
    })
    .await
}

/// The evidence `id` if the caller may see it (its owner or their principal), else `404`.
pub async fn load_evidence(conn: &mut AnyConnection, caller: &Caller, id: &str) -> Result<Stored<Evidence>> {
    records::get::<Evidence>(conn, RecordKind::Evidence, id)
        .await?
        .filter(|e| caller.can_read(&e.audience))
        .ok_or_else(|| ServerError::new(ErrorCode::NotFound, "Bukti dukung tidak ditemukan."))
}

/// The owner removes an evidence file; its bytes go unless another record uses them.
pub async fn delete_evidence(db: &Db, caller: &Caller, id: &str, base_version: i64) -> Result<Changed> {
    let load = async |tx: &mut AnyConnection| {
        let ev = load_evidence(tx, caller, id).await?;
        if ev.data.owner_id != caller.user_id {
            return Err(ServerError::new(
                ErrorCode::Forbidden,
                "Bukti dukung hanya dihapus oleh pemiliknya.",
            ));
        }
        Ok(ev)
    };
    versioned(db, RecordKind::Evidence, id, base_version, load, async |tx, _| {
        files::release(tx, RecordKind::Evidence, id).await?;
        Ok(Next::Delete)
    })
    .await
}
