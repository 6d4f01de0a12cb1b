//! Preferences and deadline reminders (`migrations/0004_reminders.sql`).
//!
//! Owns: the device's preferences (language, reminders on/off, theme, text size, in the `settings` table so they survive
//! sign-out) and deciding which deadline reminders are due, each handed out once. Never: shows a
//! notification (the UI words it in the user's language and shows it through the notification plugin).

use crate::clock::date_after;
use crate::views::all_deadlines;
use crate::{CoreError, LocalStore};
use penggerak_types::ipc::{Language, Preferences, PreferencesChange, Reminder, TextSize, Theme};

const LANGUAGE: &str = "language";
const REMINDERS: &str = "reminders";
const NEWS: &str = "news";
/// "Hanya unduh lewat Wi-Fi" (`on`/`off`; off when never set).
const WIFI_ONLY: &str = "wifi_only";
/// "Bagikan materi di jaringan sekolah" (`on`/`off`; off when never set).
const SHARE_ON_NETWORK: &str = "share_on_network";
/// Light, dark or the system's (`Theme::tag`).
const THEME: &str = "theme";
/// The text size (`TextSize::tag`).
const TEXT_SIZE: &str = "text_size";

/// The first-run cards were shown to an account on this device: `welcome_seen:<server> <user id>` = `yes`.
/// Kept through sign-outs (one row per account ever signed in here).
fn welcome_key(server_url: &str, user: &str) -> String {
    format!("welcome_seen:{server_url} {user}")
}

impl LocalStore {
    /// Whether the first-run cards are still due for `user` of `server_url` on this device.
    pub async fn welcome_due(&self, server_url: &str, user: &str) -> Result<bool, CoreError> {
        Ok(self.setting(&welcome_key(server_url, user)).await?.is_none())
    }

    /// The first-run cards were shown to `user` of `server_url`: never due again on this device.
    pub async fn mark_welcome_seen(&self, server_url: &str, user: &str) -> Result<(), CoreError> {
        let mut tx = self.write().await?;
        crate::store::set_setting(&mut tx, &welcome_key(server_url, user), "yes").await?;
        tx.commit().await?;
        Ok(())
    }

    /// The device's preferences; the defaults (Bahasa Indonesia, reminders on) until the user changes them.
    pub async fn preferences(&self) -> Result<Preferences, CoreError> {
        let mut p = Preferences::default();
        if let Some(tag) = self.setting(LANGUAGE).await? {
            p.language = Language::from_tag(&tag).unwrap_or_default();
        }
        if let Some(on) = self.setting(REMINDERS).await? {
            p.reminders = on != "off";
        }
        if let Some(on) = self.setting(NEWS).await? {
            p.news = on != "off";
        }
        if let Some(on) = self.setting(WIFI_ONLY).await? {
            p.wifi_only = on == "on";
        }
        if let Some(on) = self.setting(SHARE_ON_NETWORK).await? {
            p.share_on_network = on == "on";
        }
        if let Some(tag) = self.setting(THEME).await? {
            p.theme = Theme::from_tag(&tag).unwrap_or_default();
        }
        if let Some(tag) = self.setting(TEXT_SIZE).await? {
            p.text_size = TextSize::from_tag(&tag).unwrap_or_default();
        }
        Ok(p)
    }

    /// Changes what `change` names, leaves the rest, and returns the preferences as they now are.
    pub async fn change_preferences(&self, change: PreferencesChange) -> Result<Preferences, CoreError> {
        let mut tx = self.write().await?;
        if let Some(language) = change.language {
            crate::store::set_setting(&mut tx, LANGUAGE, language.tag()).await?;
        }
        if let Some(on) = change.reminders {
            crate::store::set_setting(&mut tx, REMINDERS, if on { "on" } else { "off" }).await?;
        }
        if let Some(on) = change.news {
            crate::store::set_setting(&mut tx, NEWS, if on { "on" } else { "off" }).await?;
        }
        if let Some(on) = change.wifi_only {
            crate::store::set_setting(&mut tx, WIFI_ONLY, if on { "on" } else { "off" }).await?;
        }
        if let Some(on) = change.share_on_network {
            crate::store::set_setting(&mut tx, SHARE_ON_NETWORK, if on { "on" } else { "off" }).await?;
        }
        if let Some(theme) = change.theme {
            crate::store::set_setting(&mut tx, THEME, theme.tag()).await?;
        }
        if let Some(size) = change.text_size {
            crate::store::set_setting(&mut tx, TEXT_SIZE, size.tag()).await?;
        }
        tx.commit().await?;
        self.preferences().await
    }

    /// The reminders due on `today` (`YYYY-MM-DD`, in the user's time zone: [`crate::Engine::today`]) that were not handed out before: every deadline
    /// of tomorrow (the day before) and of today (on the day). Each is marked as handed out in the same
    /// transaction, so it comes once even if the app asks again or restarts; a reminder the UI then fails
    /// to show is not repeated (a missed reminder is better than one every few minutes). With reminders
    /// turned off, nothing is due and nothing is marked, and old marks are pruned either way.
    ///
    /// The deadlines are read before the write lock is taken, never under it: the reads go through the
    /// pool, and with other writers each waiting for the lock on a connection of their own, none would be
    /// left for them (the app asks at launch and after every sync, so askings meet).
    pub async fn take_reminders(&self, today: &str) -> Result<Vec<Reminder>, CoreError> {
        let tomorrow =
            date_after(today).ok_or_else(|| CoreError::Invalid(format!("Bukan tanggal: {today}")))?;
        // Who is signed in and whether reminders are on, as one row read again under the lock below.
        const WHO_AND_WHETHER: &str = "SELECT a.server_url, a.profile, s.value FROM account a \
             LEFT JOIN settings s ON s.key = 'reminders' WHERE a.id = 1";
        type Standing = Option<(String, String, Option<String>)>;
        let before: Standing = sqlx::query_as(WHO_AND_WHETHER).fetch_optional(self.pool()).await?;
        let wanted = self.preferences().await?.reminders && before.is_some();
        let deadlines = if wanted { all_deadlines(self, today).await? } else { Vec::new() };
        let mut due = Vec::new();
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM reminders_sent WHERE date < ?").bind(today).execute(&mut *tx).await?;
        // Signed out, another account signed in, or reminders turned off since the deadlines were read:
        // nothing is handed out or marked from what was read for the standing before.
        let now: Standing = sqlx::query_as(WHO_AND_WHETHER).fetch_optional(&mut *tx).await?;
        let still = now.is_some() && now == before;
        for d in deadlines.into_iter().filter(|_| still) {
            let on_the_day = d.date == today;
            if !on_the_day && d.date != tomorrow {
                continue;
            }
            let key =
                format!("{:?}|{}|{}|{}", d.kind, d.date, d.title, if on_the_day { "day" } else { "eve" });
            let fresh =
                sqlx::query("INSERT INTO reminders_sent (key, date) VALUES (?, ?) ON CONFLICT DO NOTHING")
                    .bind(&key)
                    .bind(&d.date)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
            if fresh {
                due.push(Reminder { deadline: d, today: on_the_day });
            }
        }
        tx.commit().await?;
        Ok(due)
    }
}
