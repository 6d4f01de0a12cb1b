//! `session_state`, `sign_in`, `sign_out`.

use penggerak_core::Engine;
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn session_state(engine: State<'_, Arc<Engine>>) -> Result<SessionState, ApiError> {
    Ok(engine.state().await?)
}

#[tauri::command]
pub async fn sign_in(
    engine: State<'_, Arc<Engine>>,
    request: SignInRequest,
) -> Result<SessionState, ApiError> {
    let state = engine.sign_in(request).await?;
    engine.wake_sync(); // the first sync starts now, not at the next tick
    Ok(state)
}

/// Signs out; refuses with `changes_waiting` while changes or drafts would be lost, unless `discard` (the
/// user confirmed).
#[tauri::command]
pub async fn sign_out(engine: State<'_, Arc<Engine>>, discard: bool) -> Result<SessionState, ApiError> {
    Ok(engine.sign_out(discard).await?)
}
