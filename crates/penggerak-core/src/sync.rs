//! Sync: push the outbox, then pull the server's delta feed into the local store.
//!
//! Push sends waiting changes oldest first, each with its stored `Idempotency-Key`, and takes the answer's
//! records into the store. What each answer means for the entry is decided by [`crate::outbox::verdict`]
//! (a pure function, table-tested there), and carried out by the outbox's transitions. An entry leaves
//! the outbox only on a definitive answer: applied (2xx), a conflict (409 with the server copy: kept,
//! marked, waits for the user), or refused (a 4xx other than 408/429, with our `{code, message}` or
//! without — a proxy's HTML 413: kept as a notice with its body so the user can redo it). Anything else
//! leaves it waiting and stops the push, so later changes never overtake earlier ones:
//! - offline before sending, 429, `server_busy`: the network or the server's pace, never counted against
//!   the change;
//! - a failure of the change (5xx, `internal`, `in_progress`, 408, `request_timeout`, an unreadable
//!   answer, no answer at all after sending): the pull runs anyway as a probe, and only if it goes through
//!   (the server works, it is this change) does the pass count as an attempt (a change whose answer never
//!   came, at most once per [`crate::outbox::CUT_SPACING_SECS`]). After [`MAX_ATTEMPTS`] the change is
//!   given up: a notice keeps it (saying the server may have taken it when its answer once failed to
//!   come while the server answered the pull), and the push goes on with the rest. So a day-long outage gives up
//!   nothing, and one poison change holds the rest for a few minutes only (one whose answer never comes,
//!   for an hour and more).
//!
//! A change refused or given up takes with it, unsent, every later waiting change that touches one of
//! its records (transitively: `outbox_touches`), each kept as a notice of its own — sent alone it would
//! land on a record the server never saw the earlier change to. Changes to other records go on.
//!
//! Pull follows `/sync` from the stored cursor, one transaction per page (records, cursor and ETag
//! together), so a crash mid-sync resumes where it stopped. With the last `ETag`, a no-change sync is one
//! bodiless `304`. A `reset` answer (first sync, or the server no longer knows the cursor) starts a full
//! pass; at its end, server records it did not mention are dropped.
//!
//! [`Engine::spawn_sync_loop`] runs sync at start, when woken (a change was made, the user asked), every
//! `period` while the app is open, and — while offline — with growing pauses (5 s … 1 min) so it notices
//! soon after connectivity returns.

use crate::engine::Link;
use crate::outbox::{verdict, Change, Verdict, MAX_ATTEMPTS};
use crate::records::apply_server;
use crate::{CoreError, Engine, LocalStore};
use penggerak_client::{ClientError, SyncAnswer};
use penggerak_types::ipc::{SyncPhase, SyncStatus};
use penggerak_types::{limits, ApiError, ErrorCode, Field, Reason, SyncPage};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const CURSOR: &str = "cursor";
const ETAG: &str = "etag";
const LAST_SYNCED: &str = "last_synced_at";
const GENERATION: &str = "generation";
const FULL_PASS: &str = "full_pass";
const OWNER: &str = "owner";

/// What stopped a push early.
enum Push {
    Done,
    /// The server cannot be reached, or asked to slow down: the rest waits, nothing is counted.
    Blocked(ApiError),
    /// The server answered, but failed entry `seq` in a way that may pass another time.
    Failing {
        seq: i64,
        label: String,
        error: ApiError,
    },
}

impl Engine {
    /// Applies `change` locally and queues it (durable when this returns), then wakes the sync loop.
    #[cfg(feature = "testing")]
    pub async fn change(&self, change: &Change) -> Result<(), CoreError> {
        self.queue(change).await
    }

    pub(crate) async fn queue(&self, change: &Change) -> Result<(), CoreError> {
        self.store().enqueue(change).await?;
        self.refresh_status(|_| {}).await;
        self.refresh_stranded().await;
        self.sync_control().wake.notify_one();
        Ok(())
    }

    /// Watches the sync status (the UI's status line).
    pub fn sync_status(&self) -> watch::Receiver<SyncStatus> {
        self.sync_control().status.subscribe()
    }

    /// Asks the sync loop to run now.
    pub fn wake_sync(&self) {
        self.sync_control().wake.notify_one();
    }

    /// The sync status's count of texts left behind ([`LocalStore::stranded_drafts`]) brought up to date:
    /// where it can change (a change queued, a sync pass ended, a draft let go), not at every count of the
    /// outbox (each change sent, each page pulled). Counted under the sync status's own lock, so an older
    /// count never overwrites a newer one.
    pub(crate) async fn refresh_stranded(&self) {
        let _in_order = self.sync_control().stranded.lock().await;
        if let Ok(drafts) = self.store().stranded_drafts().await {
            self.sync_control().status.send_modify(|s| s.stranded = drafts.len() as u32);
        }
    }

    async fn refresh_status(&self, edit: impl FnOnce(&mut SyncStatus)) {
        let counts = self.store().outbox_counts().await;
        let last = self.store().meta(LAST_SYNCED).await.ok().flatten();
        self.sync_control().status.send_modify(|s| {
            if let Ok((waiting, conflicts, notices)) = counts {
                (s.waiting, s.conflicts, s.notices) = (waiting, conflicts, notices);
            }
            s.last_synced_at = last;
            edit(s);
        });
    }

    /// One sync: push the outbox, then pull. Returns the status it ended in; an error only for what the
    /// caller must act on (signed out, storage failure), which the status says too (a pass that stopped
    /// on one said "Mengambil pembaruan…" until the next). What it cost in data is kept either way.
    pub async fn sync_now(&self) -> Result<SyncStatus, CoreError> {
        let _one_at_a_time = self.sync_control().running.lock().await;
        let result = match self.sync_pass().await {
            Err(e) => Err(self.failed(e).await),
            passed => passed,
        };
        self.keep_data_use_or_warn().await;
        result
    }

    async fn sync_pass(&self) -> Result<SyncStatus, CoreError> {
        let mut link = match self.link().await {
            Ok(link) => link,
            Err(CoreError::NotSignedIn) => {
                if let Err(e) = self.finish_revocation().await {
                    tracing::warn!(error = %e, "could not revoke a session signed out offline");
                }
                self.refresh_status(|s| (s.phase, s.message, s.problem) = (SyncPhase::SignedOut, None, None))
                    .await;
                return Ok(self.sync_control().status.borrow().clone());
            }
            // The keychain or the store failed before anything was sent: said on the sync line by
            // `sync_now`, which would otherwise keep the last pass's "Tersinkron" while nothing syncs.
            Err(e) => return Err(e),
        };
        self.refresh_status(|s| {
            (s.phase, s.received, s.expected, s.message, s.problem) = (SyncPhase::Pushing, 0, 0, None, None);
            s.push_total = s.waiting;
        })
        .await;
        // Each turn either ends the pass or gives up one waiting change, so it ends.
        let result = loop {
            match self.push(&mut link).await {
                // The server answered, and only its pace holds the change (a day's changes spent, a
                // proxy's limit): what others changed still comes in meanwhile.
                Ok(Push::Blocked(problem)) if problem.code == ErrorCode::RateLimited => {
                    self.refresh_status(|s| s.phase = SyncPhase::Pulling).await;
                    break match self.pull(&mut link).await {
                        Ok(()) => Err((SyncPhase::Error, problem)),
                        Err(failed) => Err((pull_phase(&failed), failed)),
                    };
                }
                Ok(Push::Blocked(problem)) => break Err((pull_phase(&problem), problem)),
                Ok(Push::Done) => {
                    self.refresh_status(|s| s.phase = SyncPhase::Pulling).await;
                    break self.pull(&mut link).await.map_err(|p| (pull_phase(&p), p));
                }
                Ok(Push::Failing { seq, label, error }) => {
                    // This change, or the whole server? Only a server that answers the pull counts.
                    self.refresh_status(|s| s.phase = SyncPhase::Pulling).await;
                    if let Err(problem) = self.pull(&mut link).await {
                        self.store().note_wait(seq, &error.message).await?;
                        break Err((pull_phase(&problem), problem));
                    }
                    // No answer came (a cut, or not whole in time): the link's lot until such cuts have
                    // gone on for a while; shown as offline meanwhile.
                    if error.code == ErrorCode::Offline && !self.store().cut_counts(seq).await? {
                        self.store().note_wait(seq, &error.message).await?;
                        break Err((SyncPhase::Offline, error));
                    }
                    let attempts = self.store().count_attempt(seq, &error.message).await?;
                    if attempts < MAX_ATTEMPTS {
                        let mut problem = ApiError::refused(
                            error.code,
                            Reason::FailingAgain { attempts: attempts as u32, max: MAX_ATTEMPTS as u32 },
                        );
                        problem.message = format!(
                            "\u{201c}{label}\u{201d} gagal terkirim ({attempts} dari {MAX_ATTEMPTS} kali): {}",
                            error.message
                        );
                        break Err((SyncPhase::Error, problem));
                    }
                    // Cut after it was sent, once or more: the server may have taken it, and the notice
                    // says so (doing it again could make it twice).
                    let attempts = attempts as u32;
                    let reason = if self.store().ever_cut(seq).await? {
                        Reason::GivenUpUnanswered { attempts }
                    } else {
                        Reason::GivenUp { attempts }
                    };
                    let mut given_up = ApiError::refused(error.code, reason);
                    // The server's own words on the last failure stay for whoever reads a report.
                    given_up.message = format!("{} ({})", given_up.message, error.message);
                    self.store().reject(seq, &given_up).await?;
                    self.refresh_status(|_| {}).await;
                }
                Err(e) => return Err(e),
            }
        };
        match result {
            Ok(()) => {
                {
                    let _one_writer = self.edits.lock().await;
                    self.still_signed_in(&link)?;
                    self.store().set_meta(LAST_SYNCED, &self.store().now_rfc3339()).await?;
                }
                // A principal's extra: not part of the sync's own outcome, so a failure is only logged.
                if let Err(e) = self.refresh_sightings(&mut link).await {
                    tracing::warn!(error = %e, "could not fetch when the staff last synced");
                }
                self.refresh_status(|s| (s.phase, s.message, s.problem) = (SyncPhase::Idle, None, None))
                    .await;
            }
            Err((phase, problem)) => {
                self.refresh_status(|s| {
                    (s.phase, s.message, s.problem) = (phase, Some(problem.message.clone()), Some(problem))
                })
                .await
            }
        }
        // What the pass brought may have moved a record on past a box with text kept in it.
        self.refresh_stranded().await;
        Ok(self.sync_control().status.borrow().clone())
    }

    async fn failed(&self, e: CoreError) -> CoreError {
        let api = e.to_api_error();
        let phase = if matches!(api.code, ErrorCode::SessionExpired | ErrorCode::NotSignedIn) {
            SyncPhase::SignedOut
        } else {
            SyncPhase::Error
        };
        self.refresh_status(|s| {
            (s.phase, s.message, s.problem) = (phase, Some(api.message.clone()), Some(api))
        })
        .await;
        e
    }

    async fn push(&self, link: &mut Link) -> Result<Push, CoreError> {
        let store = self.store();
        while let Some(entry) = store.next_pending().await? {
            let body = entry
                .body
                .as_deref()
                .map(serde_json::from_str::<serde_json::Value>)
                .transpose()
                .map_err(|e| CoreError::Storage(format!("outbox entry {}: {e}", entry.seq)))?;
            let Some(write) = entry.write() else {
                // Queued by an older app to a route this one does not know: it cannot be sent.
                let unknown = ApiError::refused(ErrorCode::BadRequest, Reason::NotValid { field: Field::Id });
                store.reject(entry.seq, &unknown).await?;
                continue;
            };
            let key = entry.idem_key.clone();
            // Sent before and no answer came in its time (a slow link, a large answer): now given the time
            // the largest record takes on the slowest link the app is made for.
            let more = if self.sync_control().patient_with() == Some(entry.seq) {
                penggerak_client::at_slowest(limits::RECORD_BYTES as u64)
            } else {
                Duration::ZERO
            };
            let answer = self
                .call(link, move |client, token| {
                    let (write, key, body) = (write.clone(), key.clone(), body.clone());
                    async move { client.write_given(&token, &write, body.as_ref(), &key, more).await }
                })
                .await;
            // The answer lands between two user changes, never inside one (see `Engine::edits`), and
            // never after a sign-out forgot the account it was for.
            let one_writer = self.edits.lock().await;
            self.still_signed_in(link)?;
            // Patient from a try sent with no answer on; no longer once an answer came. A try that never
            // left (no connection) says nothing either way.
            match &answer {
                Err(CoreError::Client(ClientError::Offline { request_sent: true, .. })) => {
                    self.sync_control().be_patient_with(Some(entry.seq))
                }
                Err(CoreError::Client(ClientError::Offline { request_sent: false, .. })) => {}
                _ => self.sync_control().be_patient_with(None),
            }
            match verdict(answer) {
                Verdict::Applied(records) => store.finish(entry.seq, &records).await?,
                Verdict::Conflict(e) => store.mark_conflict(entry.seq, &e).await?,
                Verdict::Refused(e) => store.reject(entry.seq, &e).await?,
                Verdict::Wait { note, problem } => {
                    store.note_wait(entry.seq, &note).await?;
                    return Ok(Push::Blocked(problem));
                }
                Verdict::Failing(error) => {
                    return Ok(Push::Failing {
                        seq: entry.seq,
                        label: penggerak_types::ipc::ChangeLabel::from_stored(&entry.label).to_string(),
                        error,
                    })
                }
                Verdict::Stop(e) => return Err(e),
            }
            drop(one_writer);
            self.refresh_status(|_| {}).await;
        }
        Ok(Push::Done)
    }

    /// Pulls until the feed has nothing more. `Err` says why when the server cannot be reached. A page that
    /// could not arrive whole makes the next ones smaller ([`crate::sync_state::PageSize`]).
    async fn pull(&self, link: &mut Link) -> Result<(), ApiError> {
        let store = self.store();
        // Pages in a row that said "more" and brought nothing, and pages in all: a feed that does not end.
        let (mut empty, mut pages) = (0, 0);
        loop {
            let (limit, patient) = {
                let pages = self.sync_control().pages();
                (pages.limit(), pages.patient())
            };
            // One record too large for the link in the usual time: the time the largest takes on the
            // slowest link the app is made for.
            let more = if patient {
                penggerak_client::at_slowest(limits::RECORD_BYTES as u64)
            } else {
                Duration::ZERO
            };
            let (cursor, etag) = match (store.meta(CURSOR).await, store.meta(ETAG).await) {
                (Ok(c), Ok(e)) => (c, e),
                (Err(e), _) | (_, Err(e)) => return Err(e.to_api_error()),
            };
            let answer = self
                .call(link, move |client, token| {
                    let (cursor, etag) = (cursor.clone(), etag.clone());
                    async move { client.sync_given(&token, cursor.as_deref(), etag.as_deref(), limit, more).await }
                })
                .await;
            match answer {
                Ok(SyncAnswer::NotModified) => return Ok(()),
                Ok(SyncAnswer::Page { page, etag }) => {
                    self.sync_control().pages().arrived();
                    let (n, more, remaining) = (page.records.len() as u64, page.more, page.remaining);
                    {
                        let _one_writer = self.edits.lock().await;
                        // A page for an account signed out meanwhile would fill the emptied store.
                        self.still_signed_in(link).map_err(|e| e.to_api_error())?;
                        store.apply_page(&page, etag.as_deref()).await.map_err(|e| e.to_api_error())?;
                    }
                    self.refresh_status(|s| {
                        s.received += n;
                        s.expected = s.received + remaining;
                    })
                    .await;
                    if !more {
                        return Ok(());
                    }
                    empty = if n == 0 { empty + 1 } else { 0 };
                    pages += 1;
                    if empty == limits::SYNC_EMPTY_PAGES || pages == limits::SYNC_PAGES_PER_PASS {
                        return Err(ClientError::NotTheApi(format!(
                            "{pages} sync pages in a pass, the last {empty} saying more and bringing no record"
                        ))
                        .to_api_error());
                    }
                }
                Err(e) => {
                    if cut_short(&e) {
                        let mut pages = self.sync_control().pages();
                        pages.too_slow();
                        tracing::info!(
                            records = pages.now(),
                            "a sync page did not arrive whole; asking for fewer"
                        );
                    }
                    return Err(e.to_api_error());
                }
            }
        }
    }

    /// Runs [`Engine::sync_now`] at once, then whenever woken or `period` passed; while offline, retries
    /// after 5 s, 10 s, 20 s … at most 1 min. Runs until the returned task is aborted.
    pub fn spawn_sync_loop(self: &Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                // Sharing follows the session: a session that ended (expired, signed out elsewhere)
                // closes the door at the next pass.
                this.follow_sharing_or_warn().await;
                let wait = match this.sync_now().await {
                    Ok(s) if matches!(s.phase, SyncPhase::Offline | SyncPhase::Error) => {
                        failures += 1;
                        Duration::from_secs(5 * 2u64.pow(failures.min(4) - 1))
                            .min(Duration::from_secs(60))
                            .min(period)
                    }
                    Ok(_) => {
                        failures = 0;
                        // Materials marked "Unduh nanti" go now if the connection allows, beside the loop
                        // (a download must not hold back the next sync).
                        let later = Arc::clone(&this);
                        tokio::spawn(async move {
                            if let Err(e) = later.fetch_later().await {
                                tracing::warn!(error = %e, "fetching materials marked for later failed");
                            }
                        });
                        period
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "sync failed");
                        failures += 1;
                        period
                    }
                };
                let woken = tokio::select! {
                    _ = this.sync_control().wake.notified() => true,
                    _ = tokio::time::sleep(wait) => false,
                };
                tracing::debug!(woken, "sync loop runs again");
            }
        })
    }
}

impl LocalStore {
    pub(crate) async fn meta(&self, key: &str) -> Result<Option<String>, CoreError> {
        get_meta(&mut *self.pool().acquire().await?, key).await
    }

    pub(crate) async fn set_meta(&self, key: &str, value: &str) -> Result<(), CoreError> {
        set_meta(&mut *self.pool().acquire().await?, key, value).await
    }

    /// Whose records these are (`<server> <user id>`), set at sign-in.
    pub(crate) async fn records_owner(&self) -> Result<Option<String>, CoreError> {
        self.meta(OWNER).await
    }

    pub(crate) async fn set_records_owner(&self, owner: &str) -> Result<(), CoreError> {
        self.set_meta(OWNER, owner).await
    }

    /// Takes one `/sync` page in, with the cursor and ETag, in one transaction.
    pub async fn apply_page(&self, page: &SyncPage, etag: Option<&str>) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        let mut generation: i64 =
            get_meta(&mut tx, GENERATION).await?.and_then(|g| g.parse().ok()).unwrap_or(0);
        if page.reset {
            generation += 1;
            set_meta(&mut tx, GENERATION, &generation.to_string()).await?;
            set_meta(&mut tx, FULL_PASS, &generation.to_string()).await?;
        }
        for r in &page.records {
            apply_server(&mut tx, r, generation).await?;
        }
        set_meta(&mut tx, CURSOR, &page.cursor).await?;
        match etag {
            Some(tag) => set_meta(&mut tx, ETAG, tag).await?,
            None => {
                sqlx::query("DELETE FROM sync_meta WHERE key = ?").bind(ETAG).execute(&mut *tx).await?;
            }
        }
        if !page.more {
            if let Some(pass) = get_meta(&mut tx, FULL_PASS).await?.and_then(|g| g.parse::<i64>().ok()) {
                // The end of a full pass: server records it did not mention are no longer visible.
                sqlx::query(
                    "DELETE FROM records WHERE generation < ? AND server_version > 0
                     AND NOT EXISTS (SELECT 1 FROM outbox_touches t WHERE t.kind = records.kind AND t.id = records.id)",
                )
                .bind(pass)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sync_meta WHERE key = ?").bind(FULL_PASS).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Forgets every record, waiting change, notice, draft and sync position (sign-out, or another
    /// account).
    pub async fn clear_records(&self) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        for table in
            ["outbox_touches", "outbox", "notices", "records", "sync_meta", "drafts", "reminders_sent"]
        {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn get_meta(conn: &mut sqlx::SqliteConnection, key: &str) -> Result<Option<String>, CoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT value FROM sync_meta WHERE key = ?").bind(key).fetch_optional(conn).await?;
    Ok(row.map(|(v,)| v))
}

async fn set_meta(conn: &mut sqlx::SqliteConnection, key: &str, value: &str) -> Result<(), CoreError> {
    sqlx::query("INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a request failed because its answer could not arrive whole in time: it timed out or the
/// connection broke after it was sent, or the server gave up waiting (408). Not a refused connection: no
/// smaller page would help a device that is offline.
fn cut_short(e: &CoreError) -> bool {
    match e {
        CoreError::Client(ClientError::Offline { request_sent, .. }) => *request_sent,
        CoreError::Client(ClientError::Rejected { status: 408 }) => true,
        CoreError::Client(ClientError::Api(e)) => e.code == ErrorCode::RequestTimeout,
        _ => false,
    }
}

/// How a pass that ended on `problem` (a failed pull, or a change held back) is shown: "Luring" when the
/// server could not be reached or asked for a moment (busy, a request not whole in time: a slow link's
/// lot, tried again by itself); a server that answered wrongly (a redirect, a page that is not the API's,
/// a certificate refused, an address unusable, its own failure) is an error the sync line words by its
/// reason, not a network she should check.
fn pull_phase(problem: &ApiError) -> SyncPhase {
    match problem.code {
        ErrorCode::Offline | ErrorCode::ServerBusy | ErrorCode::RequestTimeout => SyncPhase::Offline,
        _ => SyncPhase::Error,
    }
}
