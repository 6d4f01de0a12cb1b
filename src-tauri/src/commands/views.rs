//! `home`, `deadlines`, `kinerja`, `approvals`, `communities`, `pkb`, `programmes` (what the screens
//! show, from the local store), `export_deadlines` (every deadline as a calendar file where the user
//! chooses) and `export_event` (one community event, the same way), `act` (what the user does: applied at once, queued for the server) and `save_draft` (text
//! kept as it is typed), `conflicts` and `resolve` (both versions of a conflicting record, and the user's
//! choice).

use penggerak_core::Engine;
use penggerak_types::ipc::{
    Action, Approval, CommunitiesView, ConflictChoice, ConflictView, Deadline, Draft, Home, KinerjaView,
    PkbView, ProgrammesView, RefusedChange, ReopenPage, StrandedDraft,
};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub async fn home(engine: State<'_, Arc<Engine>>) -> Result<Home, ApiError> {
    Ok(engine.home().await?)
}

/// Every deadline from today on ("Lihat semua tenggat"; Beranda shows the first few).
#[tauri::command]
pub async fn deadlines(engine: State<'_, Arc<Engine>>) -> Result<Vec<Deadline>, ApiError> {
    Ok(engine.all_deadlines().await?)
}

/// Saves every deadline from today on as a calendar file (`.ics`) where the user chooses (the system's
/// save dialog, opened here: the window itself may not open dialogs; `title` is its title, worded by the
/// UI). Answers whether it was saved (`false`: she cancelled).
#[tauri::command]
pub async fn export_deadlines<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Arc<Engine>>,
    title: String,
) -> Result<bool, ApiError> {
    super::dialog_title(&title)?;
    // Signed out there is nothing to export: answered before a dialog opens.
    engine.all_deadlines().await?;
    let file = ("iCalendar", &["ics"][..]);
    let Some(path) = super::save_dialog(&app, &title, file, "tenggat-penggerak.ics").await? else {
        return Ok(false);
    };
    engine.export_deadlines(&path).await?;
    Ok(true)
}

/// Saves the community event `id` as a calendar file (`.ics`) where the user chooses ("Tambah ke
/// kalender"), as [`export_deadlines`]. Answers whether it was saved.
#[tauri::command]
pub async fn export_event<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Arc<Engine>>,
    id: String,
    title: String,
) -> Result<bool, ApiError> {
    super::dialog_title(&title)?;
    if !penggerak_types::limits::is_id(&id) {
        let field = penggerak_types::Field::CommunityEvent;
        return Err(ApiError::refused(
            penggerak_types::ErrorCode::Validation,
            penggerak_types::Reason::NotValid { field },
        ));
    }
    // An event the device does not hold (or signed out) is answered before a dialog opens.
    engine.event_ics(&id).await?;
    let file = ("iCalendar", &["ics"][..]);
    let Some(path) = super::save_dialog(&app, &title, file, &format!("{id}.ics")).await? else {
        return Ok(false);
    };
    engine.export_event(&id, &path).await?;
    Ok(true)
}

#[tauri::command]
pub async fn kinerja(engine: State<'_, Arc<Engine>>) -> Result<KinerjaView, ApiError> {
    Ok(engine.kinerja().await?)
}

/// For a principal: the staff's plans waiting for their approval.
#[tauri::command]
pub async fn approvals(engine: State<'_, Arc<Engine>>) -> Result<Vec<Approval>, ApiError> {
    Ok(engine.approvals().await?)
}

#[tauri::command]
pub async fn act(engine: State<'_, Arc<Engine>>, action: Action) -> Result<(), ApiError> {
    Ok(engine.act(action).await?)
}

#[tauri::command]
pub async fn communities(engine: State<'_, Arc<Engine>>) -> Result<CommunitiesView, ApiError> {
    Ok(engine.communities().await?)
}

#[tauri::command]
pub async fn pkb(engine: State<'_, Arc<Engine>>) -> Result<PkbView, ApiError> {
    Ok(engine.pkb().await?)
}

#[tauri::command]
pub async fn programmes(engine: State<'_, Arc<Engine>>) -> Result<ProgrammesView, ApiError> {
    Ok(engine.programmes().await?)
}

#[tauri::command]
pub async fn save_draft(engine: State<'_, Arc<Engine>>, draft: Draft) -> Result<(), ApiError> {
    Ok(engine.save_draft(&draft.key, &draft.text).await?)
}

/// The text kept under draft `key`, if any: a box whose page does not carry its draft reads it as it opens.
#[tauri::command]
pub async fn draft(engine: State<'_, Arc<Engine>>, key: String) -> Result<Option<String>, ApiError> {
    Ok(engine.draft(&key).await?)
}

#[tauri::command]
pub async fn conflicts(engine: State<'_, Arc<Engine>>) -> Result<Vec<ConflictView>, ApiError> {
    Ok(engine.conflicts().await?)
}

#[tauri::command]
pub async fn refused(engine: State<'_, Arc<Engine>>) -> Result<Vec<RefusedChange>, ApiError> {
    Ok(engine.refused().await?)
}

#[tauri::command]
pub async fn dismiss_refused(engine: State<'_, Arc<Engine>>, id: i64) -> Result<(), ApiError> {
    Ok(engine.dismiss_refused(id).await?)
}

/// Opens a refused change's text again in its editor; answers the page to go to.
#[tauri::command]
pub async fn reopen_refused(engine: State<'_, Arc<Engine>>, id: i64) -> Result<ReopenPage, ApiError> {
    Ok(engine.reopen_refused(id).await?)
}

/// Texts typed and kept whose box no page draws any more, for Perlu perhatian.
#[tauri::command]
pub async fn stranded_drafts(engine: State<'_, Arc<Engine>>) -> Result<Vec<StrandedDraft>, ApiError> {
    Ok(engine.stranded_drafts().await?)
}

/// The user lets the draft under `key` go.
#[tauri::command]
pub async fn discard_draft(engine: State<'_, Arc<Engine>>, key: String) -> Result<(), ApiError> {
    Ok(engine.discard_draft(&key).await?)
}

#[tauri::command]
pub async fn resolve(engine: State<'_, Arc<Engine>>, choice: ConflictChoice) -> Result<(), ApiError> {
    Ok(engine.resolve_conflict(choice.kind, &choice.id, choice.keep).await?)
}
