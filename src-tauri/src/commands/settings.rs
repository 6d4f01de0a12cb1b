//! `preferences` / `set_preferences` (the device's language and reminder switch), `take_reminders`
//! (deadline reminders due now, each handed out once; the UI words and shows them) and `data_use` (what
//! the app's requests cost in data, per month).

use penggerak_core::Session;
use penggerak_types::ipc::{DataUse, Preferences, PreferencesChange, Reminder};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn preferences(session: State<'_, Arc<Session>>) -> Result<Preferences, ApiError> {
    Ok(session.store().preferences().await?)
}

#[tauri::command]
pub async fn set_preferences(
    session: State<'_, Arc<Session>>,
    change: PreferencesChange,
) -> Result<Preferences, ApiError> {
    Ok(session.store().change_preferences(change).await?)
}

#[tauri::command]
pub async fn take_reminders(session: State<'_, Arc<Session>>) -> Result<Vec<Reminder>, ApiError> {
    Ok(session.store().take_reminders(&session.today().await?).await?)
}

#[tauri::command]
pub async fn data_use(session: State<'_, Arc<Session>>) -> Result<DataUse, ApiError> {
    Ok(session.data_use().await?)
}
