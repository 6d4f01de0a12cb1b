//! `home`, `kinerja`, `approvals`, `communities`, `pkb`, `programmes` (what the screens show, from the
//! local store), `act` (what the user does: applied at once, queued for the server) and `save_draft` (text
//! kept as it is typed), `conflicts` and `resolve` (both versions of a conflicting record, and the user's
//! choice).

use penggerak_core::views;
use penggerak_core::Session;
use penggerak_types::ipc::{
    Action, Approval, CommunitiesView, ConflictChoice, ConflictView, Draft, Home, KinerjaView, PkbView,
    ProgrammesView, RefusedChange, ReopenPage,
};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn home(session: State<'_, Arc<Session>>) -> Result<Home, ApiError> {
    Ok(views::home(session.store(), &session.today().await?).await?)
}

#[tauri::command]
pub async fn kinerja(session: State<'_, Arc<Session>>) -> Result<KinerjaView, ApiError> {
    Ok(views::kinerja(session.store(), &session.today().await?).await?)
}

/// For a principal: the staff's plans waiting for their approval.
#[tauri::command]
pub async fn approvals(session: State<'_, Arc<Session>>) -> Result<Vec<Approval>, ApiError> {
    Ok(views::waiting_for_me(session.store()).await?)
}

#[tauri::command]
pub async fn act(session: State<'_, Arc<Session>>, action: Action) -> Result<(), ApiError> {
    Ok(session.act(action).await?)
}

#[tauri::command]
pub async fn communities(session: State<'_, Arc<Session>>) -> Result<CommunitiesView, ApiError> {
    Ok(views::communities(session.store(), &session.today().await?).await?)
}

#[tauri::command]
pub async fn pkb(session: State<'_, Arc<Session>>) -> Result<PkbView, ApiError> {
    Ok(views::pkb(session.store(), &session.today().await?).await?)
}

#[tauri::command]
pub async fn programmes(session: State<'_, Arc<Session>>) -> Result<ProgrammesView, ApiError> {
    Ok(views::programmes(session.store()).await?)
}

#[tauri::command]
pub async fn save_draft(session: State<'_, Arc<Session>>, draft: Draft) -> Result<(), ApiError> {
    Ok(session.store().save_draft(&draft.key, &draft.text).await?)
}

#[tauri::command]
pub async fn conflicts(session: State<'_, Arc<Session>>) -> Result<Vec<ConflictView>, ApiError> {
    Ok(views::conflicts(session.store()).await?)
}

#[tauri::command]
pub async fn refused(session: State<'_, Arc<Session>>) -> Result<Vec<RefusedChange>, ApiError> {
    Ok(views::refused(session.store()).await?)
}

#[tauri::command]
pub async fn dismiss_refused(session: State<'_, Arc<Session>>, id: i64) -> Result<(), ApiError> {
    Ok(session.dismiss_refused(id).await?)
}

/// Opens a refused change's text again in its editor; answers the page to go to.
#[tauri::command]
pub async fn reopen_refused(session: State<'_, Arc<Session>>, id: i64) -> Result<ReopenPage, ApiError> {
    Ok(session.reopen_refused(id).await?)
}

#[tauri::command]
pub async fn resolve(session: State<'_, Arc<Session>>, choice: ConflictChoice) -> Result<(), ApiError> {
    Ok(session.resolve_conflict(choice.kind, &choice.id, choice.keep).await?)
}
