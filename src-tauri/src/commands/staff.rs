//! `staff` and `staff_member`: a principal's staff at a glance, and one staff member's page (both read
//! from the store on his device; his decisions go through `act`); `export_staff`: the table as CSV where
//! he chooses; `supervision`, `supervisor_home` and `supervised_staff`: a pengawas's schools.

use penggerak_core::Engine;
use penggerak_types::api::{StaffSummary, SupervisedSchool};
use penggerak_types::ipc::{Fetched, StaffMemberView, StaffView, SupervisorHome};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

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
    super::dialog_title(&title)?;
    // Only a principal signed in has a table: anyone else is answered before a dialog opens.
    engine.staff().await?;
    let file = ("CSV", &["csv"][..]);
    let Some(path) = super::save_dialog(&app, &title, file, "staf-sekolah.csv").await? else {
        return Ok(false);
    };
    engine.export_staff(&path).await?;
    Ok(true)
}

/// For a pengawas: her schools, each summed up.
#[tauri::command]
pub async fn supervision(engine: State<'_, Arc<Engine>>) -> Result<Fetched<Vec<SupervisedSchool>>, ApiError> {
    Ok(engine.supervision().await?)
}

/// For a pengawas: her schools summed up for Beranda, from the last copy on the device; `None` for anyone
/// else.
#[tauri::command]
pub async fn supervisor_home(engine: State<'_, Arc<Engine>>) -> Result<Option<SupervisorHome>, ApiError> {
    Ok(engine.supervisor_home().await?)
}

/// For a pengawas: one of her schools' staff, read-only.
#[tauri::command]
pub async fn supervised_staff(
    engine: State<'_, Arc<Engine>>,
    npsn: String,
) -> Result<Fetched<Vec<StaffSummary>>, ApiError> {
    Ok(engine.supervised_staff(&npsn).await?)
}
