//! `preferences` / `set_preferences` (the device's language and reminder switch), `take_reminders`
//! (deadline reminders due now, each handed out once; the UI words and shows them) and `data_use` (what
//! the app's requests cost in data, per month).

use penggerak_core::Engine;
use penggerak_types::ipc::{DataUse, News, Preferences, PreferencesChange, Reminder};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn preferences(engine: State<'_, Arc<Engine>>) -> Result<Preferences, ApiError> {
    Ok(engine.preferences().await?)
}

#[tauri::command]
pub async fn set_preferences(
    engine: State<'_, Arc<Engine>>,
    change: PreferencesChange,
) -> Result<Preferences, ApiError> {
    Ok(engine.set_preferences(change).await?)
}

#[tauri::command]
pub async fn take_reminders(engine: State<'_, Arc<Engine>>) -> Result<Vec<Reminder>, ApiError> {
    Ok(engine.take_reminders().await?)
}

/// What the last syncs brought that the user should hear about, each once (the UI words and shows them).
#[tauri::command]
pub async fn take_news(engine: State<'_, Arc<Engine>>) -> Result<Vec<News>, ApiError> {
    Ok(engine.take_news().await?)
}

#[tauri::command]
pub async fn data_use(engine: State<'_, Arc<Engine>>) -> Result<DataUse, ApiError> {
    Ok(engine.data_use().await?)
}
