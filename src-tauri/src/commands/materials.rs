//! `materials` (the catalogue on the device and what of each is saved), `material` (one, to read, from
//! the device), `save_material` (download what the device lacks of it), `save_material_anyway` (the same
//! past "Hanya unduh lewat Wi-Fi", asked for) and `remove_material`; `search`
//! (what the device holds, materials or everything); `remove_all_materials` (Penyimpanan's "Hapus semua");
//! `download_later` (mark a material to fetch on Wi-Fi, or unmark it).

use penggerak_core::Engine;
use penggerak_types::ipc::{MaterialReader, MaterialsView, SearchResults, SearchScope};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn materials(engine: State<'_, Arc<Engine>>) -> Result<MaterialsView, ApiError> {
    Ok(engine.materials().await?)
}

#[tauri::command]
pub async fn material(engine: State<'_, Arc<Engine>>, id: String) -> Result<MaterialReader, ApiError> {
    Ok(engine.material(&id).await?)
}

#[tauri::command]
pub async fn save_material(engine: State<'_, Arc<Engine>>, id: String) -> Result<MaterialReader, ApiError> {
    Ok(engine.save_material(&id).await?)
}

/// The same on the connection the device has now, Wi-Fi or not: the user asked for it with the download held
/// by "Hanya unduh lewat Wi-Fi".
#[tauri::command]
pub async fn save_material_anyway(
    engine: State<'_, Arc<Engine>>,
    id: String,
) -> Result<MaterialReader, ApiError> {
    Ok(engine.save_material_anyway(&id).await?)
}

#[tauri::command]
pub async fn remove_material(engine: State<'_, Arc<Engine>>, id: String) -> Result<(), ApiError> {
    Ok(engine.remove_material(&id).await?)
}

#[tauri::command]
pub async fn search(
    engine: State<'_, Arc<Engine>>,
    query: String,
    scope: SearchScope,
) -> Result<SearchResults, ApiError> {
    Ok(engine.search(&query, scope).await?)
}

#[tauri::command]
pub async fn remove_all_materials(engine: State<'_, Arc<Engine>>) -> Result<(), ApiError> {
    Ok(engine.remove_all_materials().await?)
}

#[tauri::command]
pub async fn download_later(
    engine: State<'_, Arc<Engine>>,
    id: String,
    on: bool,
) -> Result<MaterialReader, ApiError> {
    Ok(engine.download_later(&id, on).await?)
}
