//! `preferences` / `set_preferences` (the device's language and reminder switch), `welcome_seen` (the
//! first-run cards were shown), `take_reminders` (deadline reminders due now, each handed out once; the UI
//! words and shows them) and `data_use` (what the app's requests cost in data, per month), `sharing` /
//! `add_peer` / `remove_peer` (Berbagi di sekolah), `check_update` / `install_update` (the app's own
//! updates, [`crate::updates`]).

use penggerak_core::Engine;
use penggerak_types::ipc::{DataUse, News, Preferences, PreferencesChange, Reminder, Sharing, UpdateCheck};
use penggerak_types::ApiError;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

/// The server the app talks to (the one signed in to, or the one it will sign in to).
async fn server_url(engine: &Engine) -> Result<String, ApiError> {
    Ok(match engine.state().await? {
        penggerak_types::ipc::SessionState::SignedIn { server_url, .. } => server_url,
        penggerak_types::ipc::SessionState::SignedOut { server_url } => server_url,
    })
}

/// Whether the server publishes a newer version of the app: Pengaturan asks when it opens (the last
/// answer stands for a while) and `again` on the user's word.
#[tauri::command]
pub async fn check_update<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Arc<Engine>>,
    again: bool,
) -> Result<UpdateCheck, ApiError> {
    #[cfg(desktop)]
    {
        crate::updates::check_remembered(&app, &server_url(&engine).await?, again).await
    }
    #[cfg(not(desktop))]
    {
        let _ = (app, engine, again);
        Ok(UpdateCheck::Off { why: penggerak_types::ipc::UpdatesOff::NotDesktop })
    }
}

/// On the user's word: downloads the newer version, checks its signature with the build's key, installs
/// it and starts the app again. A bundle whose signature is not the publisher's is refused
/// (`update_not_trusted`) and nothing is installed.
#[tauri::command]
pub async fn install_update<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Arc<Engine>>,
) -> Result<(), ApiError> {
    #[cfg(desktop)]
    {
        let version = crate::updates::install(&app, &engine, &server_url(&engine).await?).await?;
        tracing::info!(%version, "update installed; starting again");
        app.restart()
    }
    #[cfg(not(desktop))]
    {
        let _ = (app, engine);
        Err(ApiError::new(penggerak_types::ErrorCode::NotFound, "Tidak ada pembaruan."))
    }
}

#[tauri::command]
pub async fn preferences(engine: State<'_, Arc<Engine>>) -> Result<Preferences, ApiError> {
    Ok(engine.preferences().await?)
}

#[tauri::command]
pub async fn set_preferences(
    engine: State<'_, Arc<Engine>>,
    change: PreferencesChange,
) -> Result<Preferences, ApiError> {
    Ok(engine.set_preferences(change).await?)
}

/// The first-run cards were shown to the account signed in (not shown again on this device).
#[tauri::command]
pub async fn welcome_seen(engine: State<'_, Arc<Engine>>) -> Result<(), ApiError> {
    Ok(engine.welcome_seen().await?)
}

#[tauri::command]
pub async fn take_reminders(engine: State<'_, Arc<Engine>>) -> Result<Vec<Reminder>, ApiError> {
    Ok(engine.take_reminders().await?)
}

/// What the last syncs brought that the user should hear about, each once (the UI words and shows them).
#[tauri::command]
pub async fn take_news(engine: State<'_, Arc<Engine>>) -> Result<Vec<News>, ApiError> {
    Ok(engine.take_news().await?)
}

#[tauri::command]
pub async fn data_use(engine: State<'_, Arc<Engine>>) -> Result<DataUse, ApiError> {
    Ok(engine.data_use().await?)
}

/// Berbagi di sekolah as it stands: the setting, whether this device serves, its addresses, peers seen.
#[tauri::command]
pub async fn sharing(engine: State<'_, Arc<Engine>>) -> Result<Sharing, ApiError> {
    Ok(engine.sharing().await?)
}

/// Adds a colleague's device by the address it shows (where the network blocks discovery).
#[tauri::command]
pub async fn add_peer(engine: State<'_, Arc<Engine>>, address: String) -> Result<Sharing, ApiError> {
    Ok(engine.add_peer(&address).await?)
}

/// Forgets a colleague's device added by address.
#[tauri::command]
pub async fn remove_peer(engine: State<'_, Arc<Engine>>, address: String) -> Result<Sharing, ApiError> {
    Ok(engine.remove_peer(&address).await?)
}
