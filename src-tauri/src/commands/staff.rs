//! `staff` and `staff_member`: a principal's staff at a glance, and one staff member's page (both read
//! from the store on his device; his decisions go through `act`); `export_staff`: the table as CSV where
//! he chooses; `supervision` and `supervised_staff`: a pengawas's schools.

use penggerak_core::Engine;
use penggerak_types::api::{StaffSummary, SupervisedSchool};
use penggerak_types::ipc::{Fetched, StaffMemberView, StaffView};
use penggerak_types::{limits, ApiError, ErrorCode, Field, Reason};
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

#[tauri::command]
pub async fn staff(engine: State<'_, Arc<Engine>>) -> Result<StaffView, ApiError> {
    Ok(engine.staff().await?)
}

#[tauri::command]
pub async fn staff_member(engine: State<'_, Arc<Engine>>, id: String) -> Result<StaffMemberView, ApiError> {
    Ok(engine.staff_member(&id).await?)
}

/// Saves the staff table as CSV where the principal chooses (the system's save dialog, opened here: the
/// window itself may not open dialogs; `title` is its title, worded by the UI). Answers whether it was
/// saved (`false`: he cancelled).
#[tauri::command]
pub async fn export_staff<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Arc<Engine>>,
    title: String,
) -> Result<bool, ApiError> {
    if !limits::fits(&title, limits::TITLE) || limits::has_control(&title) {
        let max = limits::TITLE as u32;
        return Err(ApiError::refused(ErrorCode::Validation, Reason::TooLong { field: Field::Title, max }));
    }
    // Only a principal signed in has a table: anyone else is answered before a dialog opens.
    engine.staff().await?;
    let dialog =
        app.dialog().file().set_title(&title).add_filter("CSV", &["csv"]).set_file_name("staf-sekolah.csv");
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = chosen.and_then(|p| p.into_path().ok()) else { return Ok(false) };
    engine.export_staff(&path).await?;
    Ok(true)
}

/// For a pengawas: her schools, each summed up.
#[tauri::command]
pub async fn supervision(engine: State<'_, Arc<Engine>>) -> Result<Fetched<Vec<SupervisedSchool>>, ApiError> {
    Ok(engine.supervision().await?)
}

/// For a pengawas: one of her schools' staff, read-only.
#[tauri::command]
pub async fn supervised_staff(
    engine: State<'_, Arc<Engine>>,
    npsn: String,
) -> Result<Fetched<Vec<StaffSummary>>, ApiError> {
    Ok(engine.supervised_staff(&npsn).await?)
}
