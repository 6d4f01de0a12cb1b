//! Drafts: text being typed, kept on the device as it is typed (`migrations/0003_drafts.sql`).
//!
//! Owns: keeping unsaved text. Never: sends anything (a draft becomes a change only when the user saves
//! it, through [`crate::Engine::act`], whose change forgets the draft as it is queued:
//! [`crate::LocalWrite::ForgetDraft`]).

use crate::{CoreError, LocalStore};
use penggerak_types::limits;

/// A key no longer than [`limits::DRAFT_KEY`]: the app's keys are a name and an id; anything longer is
/// not one of them, and is not stored or looked for.
fn check_key(key: &str) -> Result<(), CoreError> {
    if key.len() > limits::DRAFT_KEY {
        return Err(CoreError::Invalid("Kunci draf terlalu panjang.".into()));
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
        let now = self.now();
        sqlx::query(
            "INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        )
        .bind(key)
        .bind(text)
        .bind(now)
        .execute(self.pool())
        .await?;
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

    /// How many drafts the device holds (typed text not saved yet).
    pub async fn draft_count(&self) -> Result<u32, CoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM drafts").fetch_one(self.pool()).await?;
        Ok(n as u32)
    }
}
