//! Drafts: text being typed, kept on the device as it is typed (`migrations/0003_drafts.sql`).
//!
//! Owns: keeping unsaved text. Never: sends anything (a draft becomes a change only when the user saves
//! it, through [`crate::Engine::act`], whose change forgets the draft as it is queued:
//! [`crate::LocalWrite::ForgetDraft`]).

use crate::{CoreError, Engine, LocalStore};
use penggerak_types::ipc::{DraftFor, ObservationForm, ResultForm, StrandedDraft};
use penggerak_types::{limits, Reason, RecordKind};

/// A key no longer than [`limits::DRAFT_KEY`]: the app's keys are a name and an id; anything longer is
/// not one of them, and is not stored or looked for.
fn check_key(key: &str) -> Result<(), CoreError> {
    if key.len() > limits::DRAFT_KEY {
        return Err(CoreError::Invalid("Kunci draf terlalu panjang.".into()));
    }
    Ok(())
}

/// Keeps `text` under `key` (at `now`) within the bounds, checked and written in one statement (so two
/// keystrokes at once cannot both pass): a new key only while fewer than [`limits::DRAFTS`] others are
/// kept; more text only while all of it stays within [`limits::DRAFTS_BYTES`]. A draft that does not grow
/// is always kept, so a box can be cleared or shortened whatever the others hold. (`octet_length` reads a
/// row's header, not its text.) Every draft is written through here: typed, or a refused text reopened.
async fn keep_draft<'e>(
    ex: impl sqlx::SqliteExecutor<'e>,
    key: &str,
    text: &str,
    now: i64,
) -> Result<(), CoreError> {
    let kept = sqlx::query(
        "INSERT INTO drafts (key, text, updated_at)
         SELECT ?1, ?2, ?3
         WHERE (EXISTS (SELECT 1 FROM drafts WHERE key = ?1)
                OR (SELECT COUNT(*) FROM drafts) < ?4)
           AND (octet_length(?2) <= COALESCE((SELECT octet_length(text) FROM drafts WHERE key = ?1), 0)
                OR (SELECT COALESCE(SUM(octet_length(text)), 0) FROM drafts WHERE key != ?1)
                   + octet_length(?2) <= ?5)
         ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(text)
    .bind(now)
    .bind(limits::DRAFTS as i64)
    .bind(limits::DRAFTS_BYTES as i64)
    .execute(ex)
    .await?;
    if kept.rows_affected() == 0 {
        return Err(CoreError::Refused(Reason::DraftsFull {
            count: limits::DRAFTS as u32,
            max_mb: (limits::DRAFTS_BYTES / 1_000_000) as u32,
        }));
    }
    Ok(())
}

impl LocalStore {
    /// Keeps `text` under `key` (replacing what was there). Empty text is kept too: clearing a text box is
    /// an edit like any other, and must survive a restart just the same.
    pub async fn save_draft(&self, key: &str, text: &str) -> Result<(), CoreError> {
        if key.is_empty() {
            return Err(CoreError::Invalid("Draf tanpa kunci tidak dapat disimpan.".into()));
        }
        check_key(key)?;
        if text.len() > limits::DRAFT_TEXT {
            return Err(CoreError::Invalid("Draf terlalu panjang untuk disimpan.".into()));
        }
        keep_draft(self.pool(), key, text, self.now()).await
    }

    /// Notice `id` is opened again: each text goes back under its draft key and the notice goes, together.
    pub async fn reopen_notice(&self, id: i64, drafts: &[(String, String)]) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        // Within the drafts' bounds like typed text: refused, the notice stays as it was.
        for (key, text) in drafts {
            keep_draft(&mut *tx, key, text, self.now()).await?;
        }
        sqlx::query("DELETE FROM notices WHERE id = ?").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The draft kept under `key`, if any.
    pub async fn draft(&self, key: &str) -> Result<Option<String>, CoreError> {
        check_key(key)?;
        let row: Option<(String,)> = sqlx::query_as("SELECT text FROM drafts WHERE key = ?")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|(t,)| t))
    }

    /// Texts typed and kept whose box no page draws any more (its record moved on, or is gone), newest
    /// first: the boxes are those of [`crate::actions::box_shown`]. A draft of empty text is none.
    pub async fn stranded_drafts(&self) -> Result<Vec<StrandedDraft>, CoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT key, text, updated_at FROM drafts WHERE trim(text) != '' ORDER BY updated_at DESC, key",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for (key, text, at) in rows {
            let (what, id) = DraftFor::of_key(&key);
            let kind = match what {
                DraftFor::ActivityReflection => Some(RecordKind::PkbItem),
                DraftFor::PlanResults
                | DraftFor::PlanReflection
                | DraftFor::ReturnNote
                | DraftFor::Feedback
                | DraftFor::PredikatNote
                | DraftFor::NewObservation => Some(RecordKind::PerformancePlan),
                // Rencana draws its form for this year's plan whatever the year: never left behind.
                DraftFor::NewActivity => continue,
                DraftFor::ObservationRecord
                | DraftFor::ObservationPreparation
                | DraftFor::ObservationFollowUp => Some(RecordKind::Observation),
                DraftFor::Other => None,
            };
            let shown = match kind {
                Some(kind) => match self.record(kind, id).await? {
                    Some(record) => crate::actions::box_shown(kind, &record.data, id, &key),
                    None => false,
                },
                None => false,
            };
            if shown {
                continue;
            }
            let text = readable(what, text);
            if text.trim().is_empty() {
                continue; // a plan editor's rows with nothing in them
            }
            out.push(StrandedDraft { key, what, text, typed_at: crate::clock::rfc3339_of(at) });
        }
        Ok(out)
    }

    /// Forgets the draft under `key`: the user let it go.
    pub async fn discard_draft(&self, key: &str) -> Result<(), CoreError> {
        check_key(key)?;
        sqlx::query("DELETE FROM drafts WHERE key = ?").bind(key).execute(self.pool()).await?;
        Ok(())
    }

    /// How many drafts the device holds (typed text not saved yet). A box's empty draft counts (she
    /// cleared it: an edit); a form's does not (typed in and cleared, nothing is left to lose).
    pub async fn draft_count(&self) -> Result<u32, CoreError> {
        let [a, b] = penggerak_types::ipc::FORM_DRAFT_PREFIXES;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM drafts WHERE text != '' OR (substr(key, 1, length(?1)) != ?1 \
             AND substr(key, 1, length(?2)) != ?2)",
        )
        .bind(a)
        .bind(b)
        .fetch_one(self.pool())
        .await?;
        Ok(n as u32)
    }
}

/// A draft as text to read: a plan editor's rows (kept as JSON) and a form's fields one per line, the rest
/// as typed.
fn readable(what: DraftFor, text: String) -> String {
    let lines = |parts: &[&str]| {
        parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n")
    };
    match what {
        DraftFor::PlanResults => results_text(&text),
        DraftFor::NewObservation => {
            let f = ObservationForm::from_draft(&text);
            lines(&[&format!("{} {}", f.date, f.time), &f.class_name, &f.focus])
        }
        _ => text,
    }
}

/// A plan editor's draft (a JSON list of [`ResultForm`]) as text to read: each result's text, then its
/// indicators, one per line; the draft as it is when it is not such a list.
fn results_text(draft: &str) -> String {
    match serde_json::from_str::<Vec<ResultForm>>(draft) {
        Ok(rows) => rows
            .iter()
            .flat_map(|r| std::iter::once(r.text.trim()).chain(r.indicators.lines().map(str::trim)))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => draft.to_owned(),
    }
}

impl Engine {
    /// Texts typed and kept whose box no page draws any more (`LocalStore::stranded_drafts`).
    pub async fn stranded_drafts(&self) -> Result<Vec<StrandedDraft>, CoreError> {
        self.store().stranded_drafts().await
    }

    /// Lets the draft under `key` go (she copied it, or does not need it), if its box is still not drawn:
    /// a list read before its record moved back (a plan returned) must not delete text its box shows
    /// again. The sync line's count follows.
    pub async fn discard_draft(&self, key: &str) -> Result<(), CoreError> {
        let _no_sign_out = self.drafts.read().await;
        if self.store().stranded_drafts().await?.iter().any(|d| d.key == key) {
            self.store().discard_draft(key).await?;
        }
        self.refresh_stranded().await;
        Ok(())
    }
}
