//! IPC commands, one module per area. Names and argument shapes are in `penggerak_types::ipc`.

pub mod materials;
pub mod session;
pub mod settings;
pub mod staff;
pub mod sync;
pub mod views;

use penggerak_types::{limits, ApiError, ErrorCode, Field, Reason};
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// A save dialog's title as the UI sends it: bounded like any title, no control characters. Checked
/// before anything else a command does.
pub(crate) fn dialog_title(title: &str) -> Result<(), ApiError> {
    if !limits::fits(title, limits::TITLE) || limits::has_control(title) {
        let max = limits::TITLE as u32;
        return Err(ApiError::refused(ErrorCode::Validation, Reason::TooLong { field: Field::Title, max }));
    }
    Ok(())
}

/// The system's save dialog, opened here (the window itself may not open dialogs), titled `title` (checked
/// by [`dialog_title`] first), offering `file_name`, filtered to `(name, extensions)`. The path chosen, or
/// `None` when the user cancelled.
pub(crate) async fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    (filter, extensions): (&str, &[&str]),
    file_name: &str,
) -> Result<Option<PathBuf>, ApiError> {
    let dialog = app.dialog().file().set_title(title).add_filter(filter, extensions).set_file_name(file_name);
    let chosen = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(chosen.and_then(|p| p.into_path().ok()))
}
