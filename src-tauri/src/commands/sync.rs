//! `sync_status`, `sync_now`. The status also arrives as the `sync-status` event whenever it changes.

use penggerak_core::Engine;
use penggerak_types::ipc::SyncStatus;
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn sync_status(engine: State<'_, Arc<Engine>>) -> Result<SyncStatus, ApiError> {
    Ok(engine.sync_status().borrow().clone())
}

/// Syncs now (the user asked) and answers with the status afterwards.
#[tauri::command]
pub async fn sync_now(engine: State<'_, Arc<Engine>>) -> Result<SyncStatus, ApiError> {
    Ok(engine.sync_now().await?)
}
