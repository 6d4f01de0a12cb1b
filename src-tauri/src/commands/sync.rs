//! `sync_status`, `sync_now`. The status also arrives as the `sync-status` event whenever it changes.

use penggerak_core::Session;
use penggerak_types::ipc::SyncStatus;
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn sync_status(session: State<'_, Arc<Session>>) -> Result<SyncStatus, ApiError> {
    Ok(session.sync_status().borrow().clone())
}

/// Syncs now (the user asked) and answers with the status afterwards.
#[tauri::command]
pub async fn sync_now(session: State<'_, Arc<Session>>) -> Result<SyncStatus, ApiError> {
    Ok(session.sync_now().await?)
}
