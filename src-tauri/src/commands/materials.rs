//! `materials` (the catalogue on the device and what of each is saved), `material` (one, to read, from
//! the device), `save_material` (download what the device lacks of it) and `remove_material`.

use penggerak_core::Session;
use penggerak_types::ipc::{MaterialReader, MaterialsView};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn materials(session: State<'_, Arc<Session>>) -> Result<MaterialsView, ApiError> {
    Ok(session.materials().await?)
}

#[tauri::command]
pub async fn material(session: State<'_, Arc<Session>>, id: String) -> Result<MaterialReader, ApiError> {
    Ok(session.material(&id).await?)
}

#[tauri::command]
pub async fn save_material(session: State<'_, Arc<Session>>, id: String) -> Result<MaterialReader, ApiError> {
    Ok(session.save_material(&id).await?)
}

#[tauri::command]
pub async fn remove_material(session: State<'_, Arc<Session>>, id: String) -> Result<(), ApiError> {
    Ok(session.remove_material(&id).await?)
}
