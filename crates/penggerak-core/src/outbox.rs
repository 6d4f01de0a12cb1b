//! The outbox: every change the user makes is applied to the local store and queued, with its
//! `Idempotency-Key`, in one SQLite transaction before anything is sent. Once [`LocalStore::enqueue`]
//! returns, the change survives a crash, a power cut and any number of retries: the key makes a resent
//! request count once on the server.
//!
//! Owns: queue order, keys, the records each change touches, every state change of an entry (enqueue;
//! finish, conflict, refuse, wait, count an attempt — decided by the pure [`verdict`] on the server's
//! answer; resolve), conflict resolution (keep mine, take theirs, merge), the bound on attempts
//! ([`MAX_ATTEMPTS`]). Never: drops a change the server has not
//! answered for good — a change given up after [`MAX_ATTEMPTS`], or held back with it, is kept, body and
//! all, as a notice.

use crate::records::{apply_server, settle};
use crate::{CoreError, LocalStore};
use penggerak_client::ClientError;
use penggerak_types::ipc::{
    feedback_draft_key, observation_follow_up_draft_key, observation_preparation_draft_key,
    observation_record_draft_key, plan_draft_key, plan_reflection_draft_key, predikat_note_draft_key,
    reflection_draft_key, return_note_draft_key, ChangeLabel, ReopenPage, ResultForm,
};
use penggerak_types::kinerja::PlannedResult;
use penggerak_types::plan_status::PlanStatus;
use penggerak_types::route::Write;
use penggerak_types::{ApiError, Changed, ErrorCode, Reason, RecordKind, SyncRecord};
use serde_json::Value;
use sqlx::SqliteConnection;

/// The field of a request body that names the record version the edit was made on.
pub const BASE_VERSION: &str = "base_version";

/// Passes of sync in which the server answered (a `/sync` pull went through) but failed this change
/// (5xx, `internal`, `in_progress`, 408, an unreadable answer, no answer at all after sending) before the
/// change is given up and kept as a notice. Being offline and whole-server outages never count. With the
/// sync loop's pauses (5 s doubling to 1 min) this is at least four minutes of a working server failing
/// this one change — longer than the server takes to take over an abandoned `in_progress` claim (2 min);
/// a change whose answer never comes counts at most once per [`CUT_SPACING_SECS`].
pub const MAX_ATTEMPTS: i64 = 8;

/// A change sent whose answer never came (the connection cut, or the answer not whole in time, after the
/// client's own tries) while the server answers the pull counts as an attempt only once such cuts have
/// gone on this long since the last one counted (or since the first): a bad mobile link cuts a change
/// many times before it gets through, and its answer may be a large one on a slow link; a change no
/// answer ever comes for (a middlebox resetting it) is given up after [`MAX_ATTEMPTS`] of these, over an
/// hour and more, not held for ever with every change behind it.
pub const CUT_SPACING_SECS: i64 = 10 * 60;

/// One change the user makes: the request that tells the server, and what it does to the local store at
/// once (so the screen shows it before the server has seen it).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What the user did, as data (the UI words it).
    pub label: ChangeLabel,
    /// Where it goes: the route and its ids.
    pub write: Write,
    pub body: Option<Value>,
    pub local: Vec<LocalWrite>,
}

/// A local effect of a [`Change`].
#[derive(Debug, Clone, PartialEq)]
pub enum LocalWrite {
    /// The record now reads `data`.
    Put { kind: RecordKind, id: String, data: Value },
    /// The record is gone.
    Delete { kind: RecordKind, id: String },
    /// The text typed under this draft key goes with the change now, so the draft is forgotten — in the
    /// same transaction, or a screen read in between would show the saved record beside the old draft.
    ForgetDraft { key: String },
}

impl LocalWrite {
    /// The record it writes, if it writes one.
    fn record(&self) -> Option<(RecordKind, &str)> {
        match self {
            LocalWrite::Put { kind, id, .. } | LocalWrite::Delete { kind, id } => Some((*kind, id)),
            LocalWrite::ForgetDraft { .. } => None,
        }
    }
}

/// A change waiting in the outbox.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Pending {
    pub seq: i64,
    pub idem_key: String,
    pub method: String,
    pub path: String,
    /// The [`Write`] as JSON (`None` for an entry queued before routes were stored: see [`Pending::write`]).
    pub route: Option<String>,
    pub body: Option<String>,
    /// The [`ChangeLabel`] as JSON (or an older app's Indonesian text: [`ChangeLabel::from_stored`]).
    pub label: String,
    /// `pending` (will be sent) or `conflict` (waits for the user's choice).
    pub state: String,
    /// Sync passes in which the server worked but failed this change (never offline ones); at
    /// [`MAX_ATTEMPTS`] it is given up and kept as a notice.
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A refused change the user has not dismissed yet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub label: String,
    pub code: String,
    pub message: String,
    /// The [`penggerak_types::Reason`] as JSON, when one was given.
    pub reason: Option<String>,
    /// The route the change was sent to, before routes were stored as [`Write`]s.
    pub path: Option<String>,
    /// The [`Write`] the change was sent as, as JSON.
    pub route: Option<String>,
    pub body: Option<String>,
    /// When it was refused (Unix seconds).
    pub created_at: i64,
}

/// The write stored as `route` (JSON), if there is one.
fn stored_route(route: Option<&str>) -> Option<Write> {
    route.and_then(|r| serde_json::from_str(r).ok())
}

/// The write a `method` and `path` name, for entries queued before routes were stored (when `path` was
/// relative to `/api/v1`).
fn legacy_write(method: &str, path: &str) -> Option<Write> {
    Write::from_request(method, path).or_else(|| Write::from_request(method, &format!("/api/v1{path}")))
}

impl Pending {
    /// Where this entry goes. `None` only for an entry an older app queued to a route this one does not
    /// know: it cannot be sent, and is kept as a notice instead.
    pub fn write(&self) -> Option<Write> {
        stored_route(self.route.as_deref()).or_else(|| legacy_write(&self.method, &self.path))
    }
}

impl Notice {
    /// Where the refused change was going (see [`Pending::write`]). An old notice kept its path but not
    /// its method: a path names one write whatever the method.
    pub fn write(&self) -> Option<Write> {
        stored_route(self.route.as_deref()).or_else(|| {
            let path = self.path.as_deref()?;
            ["POST", "PATCH", "PUT", "DELETE"].iter().find_map(|m| legacy_write(m, path))
        })
    }
}

/// How an editor's draft key is made from its record's id.
type DraftKey = fn(&str) -> String;

/// Where a refused change's text goes back to be fixed (see [`Notice::reopen`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reopen {
    /// Each editor's draft key and the text it gets back.
    pub drafts: Vec<(String, String)>,
    /// The record the editors belong to.
    pub record: (RecordKind, String),
    /// Rencana's (an activity's reflection); else the page of the plan or observation: Kinerja for her
    /// own, the staff member's page for one of the principal's staff ([`Reopen::page`]).
    pub on_rencana: bool,
}

impl Reopen {
    /// The page the editors are on, for a record owned by `owner` as seen by `me`.
    pub(crate) fn page(&self, owner: &str, me: &str) -> ReopenPage {
        if self.on_rencana {
            ReopenPage::Pkb
        } else if owner == me {
            ReopenPage::Kinerja
        } else {
            ReopenPage::StaffMember { teacher: owner.to_owned() }
        }
    }
}

impl Notice {
    /// Where this refused change's text goes back to be fixed, each into its editor's draft: the texts
    /// people write at length (an activity's reflection; a plan's reflection or results; the principal's
    /// note returning a plan, his feedback, his note with a predikat; an observation's preparation,
    /// record and follow-up). `None` for anything else (a move without a note, a join: nothing typed to
    /// keep).
    pub(crate) fn reopen(&self) -> Option<Reopen> {
        let body: Value = serde_json::from_str(self.body.as_deref()?).ok()?;
        // A text field of the body, when there is text in it.
        let text = |field: &str| {
            body.get(field).and_then(Value::as_str).filter(|t| !t.trim().is_empty()).map(str::to_owned)
        };
        let plan = |id: String, drafts: Vec<(String, String)>| {
            (!drafts.is_empty()).then_some(Reopen {
                drafts,
                record: (RecordKind::PerformancePlan, id),
                on_rencana: false,
            })
        };
        match self.write()? {
            Write::EditPkbItem { item } => Some(Reopen {
                drafts: vec![(reflection_draft_key(&item), text("reflection")?)],
                record: (RecordKind::PkbItem, item),
                on_rencana: true,
            }),
            Write::EditPlan { plan: id } => {
                let results = body
                    .get("results")
                    .and_then(|r| serde_json::from_value::<Vec<PlannedResult>>(r.clone()).ok());
                let draft = match results {
                    Some(results) => {
                        let rows: Vec<ResultForm> = results.iter().map(ResultForm::of).collect();
                        (plan_draft_key(&id), serde_json::to_string(&rows).ok()?)
                    }
                    None => (plan_reflection_draft_key(&id), text("reflection")?),
                };
                plan(id, vec![draft])
            }
            // Only a return carries a note to keep (approving and agreeing carry none).
            Write::MovePlan { plan: id } => {
                let returned = serde_json::to_value(PlanStatus::Dikembalikan).ok()?;
                if body.get("to") != Some(&returned) {
                    return None;
                }
                plan(id.clone(), vec![(return_note_draft_key(&id), text("note")?)])
            }
            Write::RatePlan { plan: id } => {
                plan(id.clone(), vec![(predikat_note_draft_key(&id), text("note")?)])
            }
            Write::GiveFeedback => {
                let id = body.get("plan_id")?.as_str()?.to_owned();
                plan(id.clone(), vec![(feedback_draft_key(&id), text("text")?)])
            }
            Write::EditObservation { observation } => {
                let keys: [(&str, DraftKey); 3] = [
                    ("preparation", observation_preparation_draft_key),
                    ("record", observation_record_draft_key),
                    ("follow_up", observation_follow_up_draft_key),
                ];
                let drafts: Vec<(String, String)> =
                    keys.iter().filter_map(|(field, key)| Some((key(&observation), text(field)?))).collect();
                (!drafts.is_empty()).then_some(Reopen {
                    drafts,
                    record: (RecordKind::Observation, observation),
                    on_rencana: false,
                })
            }
            _ => None,
        }
    }
}

/// How the user settles a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Send my version again, now based on the server's current version.
    KeepMine,
    /// Drop my edit; show the server's version.
    TakeTheirs,
    /// Send `body` (e.g. both texts merged), based on the server's current version; the record reads
    /// `data` meanwhile.
    // Not offered on a screen yet (Konflik offers mine or theirs); the engine's tests use it.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    Merge { body: Value, data: Value },
}

/// What one answer to a sent change means for its outbox entry: the whole decision, with no I/O, so
/// that every class of answer is tested on its own (`tests` below). [`crate::Engine`]'s push carries it
/// out through the transitions below.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Applied (2xx): the entry leaves the outbox and the answer's records come in.
    Applied(Vec<SyncRecord>),
    /// 409 with the server's copy: kept beside the user's edit until the user chooses.
    Conflict(ApiError),
    /// Refused for good (a 4xx other than 408/429, with our `{code, message}` or without): a notice
    /// keeps it; later changes to the same records are held back with it.
    Refused(ApiError),
    /// Not the change's fault (offline before sending, 429, `server_busy`): it waits, nothing is counted, and
    /// nothing behind it overtakes it. `note` is kept on the entry, `problem` says why on the sync line.
    Wait { note: String, problem: ApiError },
    /// The server answered but failed this change (5xx, `internal`, `in_progress`, 408 or
    /// `request_timeout`, an answer that is not the contract, no answer at all after sending): an attempt,
    /// counted only if the server answers a pull.
    Failing(ApiError),
    /// Not about this change: the session (sign in again) or the device (storage) — the pass stops.
    Stop(CoreError),
}

/// The [`Verdict`] on `answer`, the result of sending one outbox entry.
pub(crate) fn verdict(answer: Result<Changed, CoreError>) -> Verdict {
    let e = match answer {
        Ok(changed) => return Verdict::Applied(changed.records),
        Err(CoreError::Client(e)) => e,
        Err(other) => return Verdict::Stop(other),
    };
    match e {
        ClientError::Api(e) => match e.code {
            ErrorCode::Conflict if e.current.is_some() => Verdict::Conflict(e),
            // The server's pace, not the change: like 429.
            ErrorCode::RateLimited | ErrorCode::ServerBusy => {
                Verdict::Wait { note: e.message.clone(), problem: e }
            }
            // The server's own deadline (a slow link): its answer is kept for the retry, like a proxy's 408.
            ErrorCode::InProgress | ErrorCode::Internal | ErrorCode::Unknown | ErrorCode::RequestTimeout => {
                Verdict::Failing(e)
            }
            ErrorCode::Unauthorized | ErrorCode::SessionExpired | ErrorCode::InvalidCredentials => {
                Verdict::Stop(CoreError::Client(ClientError::Api(e)))
            }
            _ => Verdict::Refused(e),
        },
        e @ ClientError::Rejected { status: 429 } => {
            Verdict::Wait { note: e.to_string(), problem: e.to_api_error() }
        }
        e @ ClientError::Rejected { status: 408 } => Verdict::Failing(e.to_api_error()),
        e @ ClientError::Rejected { .. } => Verdict::Refused(e.to_api_error()),
        ClientError::Unavailable { status } => Verdict::Failing(ApiError::new(
            ErrorCode::Internal,
            format!("Server gagal memproses perubahan ini (HTTP {status})."),
        )),
        e @ (ClientError::Protocol(_) | ClientError::NotTheApi(_) | ClientError::Redirected { .. }) => {
            Verdict::Failing(e.to_api_error())
        }
        // Sent, and its answer never came (the connection cut or timed out after the client's own retries):
        // the link, or a server that dies on this very change, or a middlebox that resets it every time.
        // Counted only when the server answers the pull right after (as any failing change), and at most
        // once per `CUT_SPACING_SECS` (sync.rs), so a link that is down or poor for a while never gives it
        // up, and a change no answer ever comes for ends as a notice.
        e @ ClientError::Offline { request_sent: true, .. } => Verdict::Failing(e.to_api_error()),
        // An untrusted certificate is about the server, not this change: nothing was sent; the pass waits
        // (with the reason shown) until the certificate or the device's trust store is fixed.
        e @ (ClientError::Offline { .. } | ClientError::BadUrl { .. } | ClientError::Untrusted { .. }) => {
            Verdict::Wait { note: e.to_string(), problem: e.to_api_error() }
        }
    }
}

impl LocalStore {
    /// Applies `change` locally and queues it, in one transaction. When this returns `Ok`, the change is
    /// durable (WAL, `synchronous = FULL`) and will reach the server exactly once. Returns its outbox seq.
    pub async fn enqueue(&self, change: &Change) -> Result<i64, CoreError> {
        let path = change.write.path().map_err(CoreError::Refused)?;
        let route = serde_json::to_string(&change.write).map_err(|e| CoreError::Storage(e.to_string()))?;
        let mut tx = self.write().await?;
        for w in &change.local {
            write_local(&mut tx, w).await?;
        }
        let key = uuid::Uuid::new_v4().to_string();
        let (seq,): (i64,) = sqlx::query_as(
            "INSERT INTO outbox (idem_key, method, path, route, body, label, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        )
        .bind(&key)
        .bind(change.write.method())
        .bind(path)
        .bind(route)
        .bind(change.body.as_ref().map(Value::to_string))
        .bind(serde_json::to_string(&change.label).map_err(|e| CoreError::Storage(e.to_string()))?)
        .bind(self.now())
        .fetch_one(&mut *tx)
        .await?;
        for (kind, id) in change.local.iter().filter_map(LocalWrite::record) {
            sqlx::query("INSERT OR IGNORE INTO outbox_touches (seq, kind, id) VALUES (?, ?, ?)")
                .bind(seq)
                .bind(kind.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(seq)
    }

    #[cfg(feature = "testing")]
    /// Every change still waiting, oldest first.
    pub async fn outbox(&self) -> Result<Vec<Pending>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, idem_key, method, path, route, body, label, state, attempts, last_error FROM outbox ORDER BY seq",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Refused changes not yet dismissed, oldest first.
    pub async fn notices(&self) -> Result<Vec<Notice>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT id, label, code, message, reason, path, route, body, created_at FROM notices ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The user has read notice `id`.
    pub async fn dismiss_notice(&self, id: i64) -> Result<(), CoreError> {
        sqlx::query("DELETE FROM notices WHERE id = ?").bind(id).execute(self.pool()).await?;
        Ok(())
    }

    /// Notice `id`, if it is still there.
    pub async fn notice(&self, id: i64) -> Result<Option<Notice>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT id, label, code, message, reason, path, route, body, created_at FROM notices WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Settles the conflict on `kind/id` as the user chose.
    pub async fn resolve(&self, kind: RecordKind, id: &str, how: Resolution) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        let (conflict,): (Option<String>,) =
            sqlx::query_as("SELECT conflict_data FROM records WHERE kind = ? AND id = ?")
                .bind(kind.as_str())
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| CoreError::Storage(format!("no record {kind}/{id}")))?;
        let current: SyncRecord = serde_json::from_str(
            &conflict.ok_or_else(|| CoreError::Storage(format!("{kind}/{id} has no conflict to resolve")))?,
        )
        .map_err(|e| CoreError::Storage(format!("conflict copy of {kind}/{id}: {e}")))?;
        let entries: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT o.seq, o.body FROM outbox o JOIN outbox_touches t ON t.seq = o.seq
             WHERE t.kind = ? AND t.id = ? AND o.state = 'conflict' ORDER BY o.seq",
        )
        .bind(kind.as_str())
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // The server's copy is now the base either way.
        let server_data = current.data.as_ref().map(Value::to_string);
        sqlx::query(
            "UPDATE records SET server_version = ?, server_data = ?, conflict_data = NULL WHERE kind = ? AND id = ?",
        )
        .bind(current.version)
        .bind(&server_data)
        .bind(kind.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        match how {
            Resolution::TakeTheirs => {
                for (seq, _) in &entries {
                    sqlx::query("DELETE FROM outbox WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
                }
                settle(&mut tx, kind.as_str(), id).await?;
            }
            Resolution::KeepMine | Resolution::Merge { .. } => {
                for (n, (seq, body)) in entries.iter().enumerate() {
                    let mut body: Value = match (&how, body) {
                        (Resolution::Merge { body, .. }, _) if n == 0 => body.clone(),
                        (_, Some(text)) => serde_json::from_str(text)
                            .map_err(|e| CoreError::Storage(format!("outbox body {seq}: {e}")))?,
                        (_, None) => Value::Null,
                    };
                    if let Some(obj) = body.as_object_mut() {
                        obj.insert(BASE_VERSION.into(), current.version.into());
                    }
                    // A new body is a new request: it needs a new key (the old one's answer was the 409).
                    sqlx::query(
                        "UPDATE outbox SET body = ?, idem_key = ?, state = 'pending', last_error = NULL
                         WHERE seq = ?",
                    )
                    .bind(body.to_string())
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(seq)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Resolution::Merge { data, .. } = &how {
                    sqlx::query("UPDATE records SET data = ? WHERE kind = ? AND id = ?")
                        .bind(data.to_string())
                        .bind(kind.as_str())
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// How many changes wait, how many of them are in conflict, how many notices are unread.
    pub async fn outbox_counts(&self) -> Result<(u32, u32, u32), CoreError> {
        let (waiting, conflicts): (i64, i64) =
            sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(state = 'conflict'), 0) FROM outbox")
                .fetch_one(self.pool())
                .await?;
        let (notices,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM notices").fetch_one(self.pool()).await?;
        Ok((waiting as u32, conflicts as u32, notices as u32))
    }
}

async fn write_local(conn: &mut SqliteConnection, w: &LocalWrite) -> Result<(), CoreError> {
    match w {
        LocalWrite::Put { kind, id, data } => {
            sqlx::query(
                "INSERT INTO records (kind, id, data, deleted) VALUES (?, ?, ?, 0)
                 ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, deleted = 0",
            )
            .bind(kind.as_str())
            .bind(id)
            .bind(data.to_string())
            .execute(conn)
            .await?;
        }
        LocalWrite::Delete { kind, id } => {
            sqlx::query(
                "INSERT INTO records (kind, id, data, deleted) VALUES (?, ?, NULL, 1)
                 ON CONFLICT (kind, id) DO UPDATE SET deleted = 1",
            )
            .bind(kind.as_str())
            .bind(id)
            .execute(conn)
            .await?;
        }
        LocalWrite::ForgetDraft { key } => {
            sqlx::query("DELETE FROM drafts WHERE key = ?").bind(key).execute(conn).await?;
        }
    }
    Ok(())
}

/// The transitions the push makes (see [`verdict`]).
impl LocalStore {
    pub(crate) async fn next_pending(&self) -> Result<Option<Pending>, CoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, idem_key, method, path, route, body, label, state, attempts, last_error FROM outbox
             WHERE state = 'pending' ORDER BY seq LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?)
    }

    /// The server applied entry `seq`: it leaves the outbox and its answer's records come in.
    ///
    /// A later change the user made on top of this one (queued on the same record, on the same server
    /// version) is moved onto the version the server has now, so her own chain of edits — approve, then
    /// agree, made offline — is not mistaken for someone else's edit in between.
    pub(crate) async fn finish(&self, seq: i64, records: &[SyncRecord]) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        let touched = touches(&mut tx, seq).await?;
        let (body,): (Option<String>,) =
            sqlx::query_as("SELECT body FROM outbox WHERE seq = ?").bind(seq).fetch_one(&mut *tx).await?;
        let base = body.as_deref().and_then(base_version_of);
        if let Some(base) = base {
            for r in
                records.iter().filter(|r| touched.iter().any(|(k, i)| k == r.kind.as_str() && *i == r.id))
            {
                rebase_later(&mut tx, seq, r, base).await?;
            }
        }
        sqlx::query("DELETE FROM outbox WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
        for r in records {
            apply_server(&mut tx, r, 0).await?;
        }
        // Records the answer did not include show the server's copy again (or go, if it never had one).
        for (kind, id) in touched {
            if !records.iter().any(|r| r.kind.as_str() == kind && r.id == id) {
                settle(&mut tx, &kind, &id).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The server refused entry `seq` because a record changed meanwhile: keep the user's edit and the
    /// server's copy side by side until the user chooses.
    pub(crate) async fn mark_conflict(&self, seq: i64, e: &ApiError) -> Result<(), CoreError> {
        let current =
            e.current.as_deref().ok_or_else(|| CoreError::Storage("conflict without a copy".into()))?;
        let mut tx = self.write().await?;
        sqlx::query("UPDATE outbox SET state = 'conflict', last_error = ? WHERE seq = ?")
            .bind(&e.message)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        let copy = serde_json::to_string(current).map_err(|e| CoreError::Storage(e.to_string()))?;
        sqlx::query(
            "INSERT INTO records (kind, id, data, deleted, server_version, server_data, conflict_data)
             VALUES (?, ?, ?, ?, 0, NULL, ?)
             ON CONFLICT (kind, id) DO UPDATE SET conflict_data = excluded.conflict_data",
        )
        .bind(current.kind.as_str())
        .bind(&current.id)
        .bind(current.data.as_ref().map(|d| d.to_string()))
        .bind(i64::from(current.deleted))
        .bind(&copy)
        .execute(&mut *tx)
        .await?;
        // Make sure the conflicting record counts as touched by the entry, so it keeps the user's copy.
        sqlx::query("INSERT OR IGNORE INTO outbox_touches (seq, kind, id) VALUES (?, ?, ?)")
            .bind(seq)
            .bind(current.kind.as_str())
            .bind(&current.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The server refused entry `seq` for good (or it was given up): it leaves the outbox, a notice keeps
    /// what was refused and why, and the records it touched show the server's copy again. Every later
    /// waiting change that touches one of those records (and so on, transitively) goes with it unsent, each
    /// with a notice of its own that keeps its body.
    pub(crate) async fn reject(&self, seq: i64, e: &ApiError) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        let entry: Pending = sqlx::query_as(
            "SELECT seq, idem_key, method, path, route, body, label, state, attempts, last_error FROM outbox
             WHERE seq = ?",
        )
        .bind(seq)
        .fetch_one(&mut *tx)
        .await?;
        let label = ChangeLabel::from_stored(&entry.label).to_string();
        add_notice(&mut tx, &entry, e, self.now()).await?;
        let mut touched = touches(&mut tx, seq).await?;
        sqlx::query("DELETE FROM outbox WHERE seq = ?").bind(seq).execute(&mut *tx).await?;
        let later: Vec<Pending> = sqlx::query_as(
            "SELECT seq, idem_key, method, path, route, body, label, state, attempts, last_error FROM outbox
             WHERE seq > ? AND state = 'pending' ORDER BY seq",
        )
        .bind(seq)
        .fetch_all(&mut *tx)
        .await?;
        let mut held = 0;
        for later in later {
            let later_seq = later.seq;
            let its = touches(&mut tx, later_seq).await?;
            if !its.iter().any(|r| touched.contains(r)) {
                continue;
            }
            let mut held_back = ApiError::refused(e.code, Reason::HeldBack);
            held_back.message = format!("{} (\u{201c}{label}\u{201d})", held_back.message);
            add_notice(&mut tx, &later, &held_back, self.now()).await?;
            sqlx::query("DELETE FROM outbox WHERE seq = ?").bind(later_seq).execute(&mut *tx).await?;
            touched.extend(its.into_iter().filter(|r| !touched.contains(r)).collect::<Vec<_>>());
            held += 1;
        }
        for (kind, id) in touched {
            settle(&mut tx, &kind, &id).await?;
        }
        tx.commit().await?;
        tracing::warn!(label, code = ?e.code, held, "the server refused a change");
        Ok(())
    }

    /// Entry `seq` could not be sent for a reason that is not its own (offline, 429, an outage): the
    /// reason is kept, the attempts are not counted.
    pub(crate) async fn note_wait(&self, seq: i64, message: &str) -> Result<(), CoreError> {
        sqlx::query("UPDATE outbox SET last_error = ? WHERE seq = ?")
            .bind(message)
            .bind(seq)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Entry `seq` was sent and no answer came, once more: whether this cut counts as an attempt
    /// ([`CUT_SPACING_SECS`] after the cuts not counted yet began; the first cut starts them).
    pub(crate) async fn cut_counts(&self, seq: i64) -> Result<bool, CoreError> {
        let now = self.now();
        let (since,): (Option<i64>,) = sqlx::query_as("SELECT cut_since FROM outbox WHERE seq = ?")
            .bind(seq)
            .fetch_one(self.pool())
            .await?;
        let counts = since.is_some_and(|s| now - s >= CUT_SPACING_SECS);
        if since.is_none() || counts {
            sqlx::query("UPDATE outbox SET cut_since = ? WHERE seq = ?")
                .bind(now)
                .bind(seq)
                .execute(self.pool())
                .await?;
        }
        Ok(counts)
    }

    /// Whether entry `seq` was ever sent with no answer coming while the server answered the pull right
    /// after (`cut_since`, set by [`LocalStore::cut_counts`] at the first such cut and never cleared): the
    /// server may have taken it. A cut while the whole server could not be reached is not told apart from
    /// the link being down, and is not remembered here.
    pub(crate) async fn ever_cut(&self, seq: i64) -> Result<bool, CoreError> {
        let (since,): (Option<i64>,) = sqlx::query_as("SELECT cut_since FROM outbox WHERE seq = ?")
            .bind(seq)
            .fetch_one(self.pool())
            .await?;
        Ok(since.is_some())
    }

    /// The server works but failed entry `seq` once more: counts the attempt and returns how many.
    pub(crate) async fn count_attempt(&self, seq: i64, message: &str) -> Result<i64, CoreError> {
        let (attempts,): (i64,) = sqlx::query_as(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ? RETURNING attempts",
        )
        .bind(message)
        .bind(seq)
        .fetch_one(self.pool())
        .await?;
        Ok(attempts)
    }
}

/// A notice keeping `entry` (its label, route and body) with the answer `e`, refused `at` (Unix seconds).
async fn add_notice(
    conn: &mut sqlx::SqliteConnection,
    entry: &Pending,
    e: &ApiError,
    at: i64,
) -> Result<(), CoreError> {
    let code =
        serde_json::to_value(e.code).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let reason = e.reason.as_ref().and_then(|r| serde_json::to_string(r).ok());
    sqlx::query(
        "INSERT INTO notices (label, code, message, reason, path, route, body, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&entry.label)
    .bind(code)
    .bind(&e.message)
    .bind(reason)
    .bind(&entry.path)
    .bind(entry.write().and_then(|w| serde_json::to_string(&w).ok()))
    .bind(&entry.body)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The `base_version` a change's body was made on, if it names one.
fn base_version_of(body: &str) -> Option<i64> {
    serde_json::from_str::<Value>(body).ok()?.get(BASE_VERSION)?.as_i64()
}

/// Moves the pending changes after `seq` that touch `record` and were made on `base` onto the version the
/// server answered with (see [`LocalStore::finish`]).
async fn rebase_later(
    conn: &mut sqlx::SqliteConnection,
    seq: i64,
    record: &SyncRecord,
    base: i64,
) -> Result<(), CoreError> {
    let later: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT o.seq, o.body FROM outbox o JOIN outbox_touches t ON t.seq = o.seq
         WHERE o.seq > ? AND o.state = 'pending' AND t.kind = ? AND t.id = ? ORDER BY o.seq",
    )
    .bind(seq)
    .bind(record.kind.as_str())
    .bind(&record.id)
    .fetch_all(&mut *conn)
    .await?;
    for (later_seq, body) in later {
        let Some(mut body) = body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok()) else {
            continue;
        };
        if body.get(BASE_VERSION).and_then(Value::as_i64) != Some(base) {
            continue;
        }
        if let Some(obj) = body.as_object_mut() {
            obj.insert(BASE_VERSION.into(), record.version.into());
        }
        sqlx::query("UPDATE outbox SET body = ? WHERE seq = ?")
            .bind(body.to_string())
            .bind(later_seq)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn touches(conn: &mut sqlx::SqliteConnection, seq: i64) -> Result<Vec<(String, String)>, CoreError> {
    Ok(sqlx::query_as("SELECT kind, id FROM outbox_touches WHERE seq = ?").bind(seq).fetch_all(conn).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::RecordKind;

    fn api(code: ErrorCode) -> Result<Changed, CoreError> {
        Err(CoreError::Client(ClientError::Api(ApiError::new(code, "x"))))
    }

    fn client(e: ClientError) -> Result<Changed, CoreError> {
        Err(CoreError::Client(e))
    }

    /// The name of a verdict, for the table.
    fn kind(v: &Verdict) -> &'static str {
        match v {
            Verdict::Applied(_) => "applied",
            Verdict::Conflict(_) => "conflict",
            Verdict::Refused(_) => "refused",
            Verdict::Wait { .. } => "wait",
            Verdict::Failing(_) => "failing",
            Verdict::Stop(_) => "stop",
        }
    }

    /// Every class of answer a sent change can get, and what it means for the entry.
    #[test]
    fn every_answer_class_has_its_verdict() {
        let record = SyncRecord {
            kind: RecordKind::PkbItem,
            id: "a".into(),
            version: 2,
            deleted: false,
            data: Some(serde_json::json!({})),
        };
        let with_copy = ApiError::conflict("changed meanwhile", record.clone());
        let table: Vec<(&str, Result<Changed, CoreError>, &str)> = vec![
            ("2xx with records", Ok(Changed { records: vec![record.clone()] }), "applied"),
            ("2xx without records", Ok(Changed { records: vec![] }), "applied"),
            // A 304 to a change is not the contract: the client reports it as such; it may pass later.
            ("304", client(ClientError::Protocol("HTTP 304 without an error body".into())), "failing"),
            ("400 bad_request", api(ErrorCode::BadRequest), "refused"),
            ("422 validation", api(ErrorCode::Validation), "refused"),
            ("413 payload_too_large", api(ErrorCode::PayloadTooLarge), "refused"),
            ("413 from a proxy, HTML", client(ClientError::Rejected { status: 413 }), "refused"),
            ("401 unauthorized", api(ErrorCode::Unauthorized), "stop"),
            ("401 session_expired", api(ErrorCode::SessionExpired), "stop"),
            ("403 forbidden", api(ErrorCode::Forbidden), "refused"),
            ("404 not_found", api(ErrorCode::NotFound), "refused"),
            ("409 with the server's copy", Err(CoreError::Client(ClientError::Api(with_copy))), "conflict"),
            ("409 without a copy (a state rule)", api(ErrorCode::Conflict), "refused"),
            ("429 rate_limited", api(ErrorCode::RateLimited), "wait"),
            ("429 from a proxy", client(ClientError::Rejected { status: 429 }), "wait"),
            ("408 from a proxy", client(ClientError::Rejected { status: 408 }), "failing"),
            ("408 request_timeout, the server's deadline", api(ErrorCode::RequestTimeout), "failing"),
            ("500 internal", api(ErrorCode::Internal), "failing"),
            ("409 in_progress", api(ErrorCode::InProgress), "failing"),
            ("an error code this app does not know", api(ErrorCode::Unknown), "failing"),
            ("502 without a body", client(ClientError::Unavailable { status: 502 }), "failing"),
            ("503 server_busy, the in-flight limit", api(ErrorCode::ServerBusy), "wait"),
            (
                "offline before sending",
                client(ClientError::Offline { message: "refused".into(), request_sent: false }),
                "wait",
            ),
            (
                "offline after sending (the answer lost), counted if the server answers the pull",
                client(ClientError::Offline { message: "reset".into(), request_sent: true }),
                "failing",
            ),
            (
                "the server's certificate not trusted (nothing sent; not this change's fault)",
                client(ClientError::Untrusted {
                    problem: penggerak_client::CertificateProblem::UnknownIssuer,
                    detail: "x".into(),
                }),
                "wait",
            ),
            ("the device's own storage", Err(CoreError::Storage("disk full".into())), "stop"),
        ];
        let mut wrong = Vec::new();
        for (what, answer, expected) in table {
            let got = kind(&verdict(answer));
            if got != expected {
                wrong.push(format!("{what}: {got}, expected {expected}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    fn notice(route: Option<Write>, path: Option<&str>, body: serde_json::Value) -> Notice {
        Notice {
            id: 1,
            label: "x".into(),
            code: "validation".into(),
            message: "x".into(),
            reason: None,
            path: path.map(str::to_owned),
            route: route.map(|w| serde_json::to_string(&w).unwrap()),
            body: Some(body.to_string()),
            created_at: 0,
        }
    }

    #[test]
    fn a_refused_text_goes_back_to_its_own_editor() {
        let plan = || Some(Write::EditPlan { plan: "p/1".into() });
        let results = serde_json::json!({"base_version": 3, "results": [
            {"id": "hasil-1", "text": "Hasil", "indicators": ["satu", "dua"], "points": null}
        ]});
        let r = notice(plan(), None, results).reopen().expect("a plan's results are reopened");
        assert_eq!(r.drafts[0].0, "plan:p/1");
        assert_eq!(r.page("guru-1", "guru-1"), ReopenPage::Kinerja, "her own plan: on Kinerja");
        let rows: Vec<ResultForm> = serde_json::from_str(&r.drafts[0].1).unwrap();
        assert_eq!(rows[0].indicators, "satu\ndua", "in the editor's own shape: one indicator per line");

        let reflection = serde_json::json!({"base_version": 3, "reflection": "Saya belajar"});
        let r = notice(plan(), None, reflection.clone()).reopen().unwrap();
        assert_eq!(r.drafts, [("plan-reflection:p/1".to_owned(), "Saya belajar".to_owned())]);
        let item = Some(Write::EditPkbItem { item: "i1".into() });
        assert_eq!(notice(item, None, reflection.clone()).reopen().unwrap().page("a", "b"), ReopenPage::Pkb);

        // Queued before routes were stored: the path (relative to /api/v1) still finds the editor.
        let legacy = notice(None, Some("/pkb/items/i%2F1"), reflection.clone()).reopen().unwrap();
        assert_eq!((legacy.drafts[0].0.as_str(), legacy.record.1.as_str()), ("reflection:i/1", "i/1"));

        // Nothing typed to keep: a move without a note, a join.
        let moved = || Some(Write::MovePlan { plan: "p1".into() });
        assert!(notice(moved(), None, serde_json::json!({"to": "perlu_disetujui"})).reopen().is_none());
        let approved = serde_json::json!({"to": "disetujui", "note": "Bagus"});
        assert!(notice(moved(), None, approved).reopen().is_none(), "only a return's note has a box");
        let joined = Some(Write::JoinCommunity { community: "k".into() });
        assert!(notice(joined, None, reflection).reopen().is_none());
    }

    #[test]
    fn the_principals_refused_texts_go_back_to_the_staff_members_page() {
        let returned =
            serde_json::json!({"base_version": 2, "to": "dikembalikan", "note": "Tambahkan indikator"});
        let r = notice(Some(Write::MovePlan { plan: "p1".into() }), None, returned).reopen().unwrap();
        assert_eq!(r.drafts, [(return_note_draft_key("p1"), "Tambahkan indikator".to_owned())]);
        assert_eq!(
            r.page("guru-siti", "kepsek-bambang"),
            ReopenPage::StaffMember { teacher: "guru-siti".into() },
            "the plan is one of his staff's: her page on his device"
        );
        let rated = serde_json::json!({"base_version": 5, "predikat": "baik", "note": "Pertahankan."});
        let r = notice(Some(Write::RatePlan { plan: "p1".into() }), None, rated).reopen().unwrap();
        assert_eq!(r.drafts, [(predikat_note_draft_key("p1"), "Pertahankan.".to_owned())]);
        let unrated = serde_json::json!({"base_version": 5, "predikat": "baik", "note": "  "});
        assert!(notice(Some(Write::RatePlan { plan: "p1".into() }), None, unrated).reopen().is_none());
        let feedback =
            serde_json::json!({"id": "f1", "plan_id": "p1", "text": "Indikator kedua perlu angka."});
        let r = notice(Some(Write::GiveFeedback), None, feedback).reopen().unwrap();
        assert_eq!(r.drafts, [(feedback_draft_key("p1"), "Indikator kedua perlu angka.".to_owned())]);
        assert_eq!(r.record, (RecordKind::PerformancePlan, "p1".to_owned()));
        // An observation's texts, each back into its own box; her preparation on her Kinerja.
        let edit =
            serde_json::json!({"base_version": 1, "record": "Murid aktif.", "follow_up": "Coba kuis."});
        let r =
            notice(Some(Write::EditObservation { observation: "o1".into() }), None, edit).reopen().unwrap();
        assert_eq!(
            r.drafts,
            [
                (observation_record_draft_key("o1"), "Murid aktif.".to_owned()),
                (observation_follow_up_draft_key("o1"), "Coba kuis.".to_owned())
            ]
        );
        let prepared = serde_json::json!({"base_version": 1, "preparation": "RPP siap."});
        let r = notice(Some(Write::EditObservation { observation: "o1".into() }), None, prepared)
            .reopen()
            .unwrap();
        assert_eq!(r.drafts, [(observation_preparation_draft_key("o1"), "RPP siap.".to_owned())]);
        assert_eq!(r.page("guru-siti", "guru-siti"), ReopenPage::Kinerja);
        let moved = serde_json::json!({"base_version": 1, "status": "selesai"});
        assert!(notice(Some(Write::EditObservation { observation: "o1".into() }), None, moved)
            .reopen()
            .is_none());
    }
}
