//! `session_state`, `sign_in`, `sign_out`.

use penggerak_core::Session;
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn session_state(session: State<'_, Arc<Session>>) -> Result<SessionState, ApiError> {
    Ok(session.state().await?)
}

#[tauri::command]
pub async fn sign_in(
    session: State<'_, Arc<Session>>,
    request: SignInRequest,
) -> Result<SessionState, ApiError> {
    let state = session.sign_in(request).await?;
    session.wake_sync(); // the first sync starts now, not at the next tick
    Ok(state)
}

/// Signs out; refuses with `changes_waiting` while changes or drafts would be lost, unless `discard` (the
/// user confirmed).
#[tauri::command]
pub async fn sign_out(session: State<'_, Arc<Session>>, discard: bool) -> Result<SessionState, ApiError> {
    Ok(session.sign_out(discard).await?)
}
