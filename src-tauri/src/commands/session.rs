//! `session_state`, `sign_in`, `sign_out`.

use penggerak_core::Session;
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ApiError;
use tauri::State;

#[tauri::command]
pub async fn session_state(session: State<'_, Session>) -> Result<SessionState, ApiError> {
    Ok(session.state().await?)
}

#[tauri::command]
pub async fn sign_in(session: State<'_, Session>, request: SignInRequest) -> Result<SessionState, ApiError> {
    Ok(session.sign_in(request).await?)
}

#[tauri::command]
pub async fn sign_out(session: State<'_, Session>) -> Result<SessionState, ApiError> {
    Ok(session.sign_out(false).await?)
}
