//! The user's settings as the engine keeps them: preferences (language, reminders), the reminders due
//! today, what the app has cost in data, whether the first-run cards were shown.

use crate::{CoreError, Engine};
use penggerak_types::ipc::{Preferences, PreferencesChange, Reminder};

impl Engine {
    /// The user's preferences on this device.
    pub async fn preferences(&self) -> Result<Preferences, CoreError> {
        self.store().preferences().await
    }

    /// Changes some preferences; answers all of them.
    pub async fn set_preferences(&self, change: PreferencesChange) -> Result<Preferences, CoreError> {
        let sharing = change.share_on_network.is_some();
        let now = self.store().change_preferences(change).await?;
        if sharing {
            // A door that cannot open (no port at all) is not a failed setting: the setting is kept, and
            // `sharing` says the device is not serving (Pengaturan words it), so it is logged, not thrown.
            self.follow_sharing_or_warn().await;
        }
        Ok(now)
    }

    /// The first-run cards were shown to the account signed in: [`SessionState::SignedIn`]'s `welcome` is
    /// false for it on this device from now on (for every later sign-in too). Signed out, nothing to mark.
    /// The session marks them already when it says they are due (see `Engine::sign_in`); this stays for
    /// the cards' page to say so too, harmlessly.
    ///
    /// [`SessionState::SignedIn`]: penggerak_types::ipc::SessionState::SignedIn
    pub async fn welcome_seen(&self) -> Result<(), CoreError> {
        match self.store().account().await? {
            Some((server_url, profile)) => self.store().mark_welcome_seen(&server_url, &profile.id).await,
            None => Ok(()),
        }
    }

    /// The reminders due today (in the user's zone) not handed out before; each is handed out once.
    pub async fn take_reminders(&self) -> Result<Vec<Reminder>, CoreError> {
        self.store().take_reminders(&self.today().await?).await
    }
}
