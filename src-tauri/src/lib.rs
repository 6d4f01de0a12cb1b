//! The Tauri shell of Penggerak: a window, the IPC commands, and nothing else.
//!
//! Each command is a short adapter (`commands/`): take the state, make one `penggerak-core` call, map the
//! error to `{code, message}`. Orchestration lives in the core, where it is tested without a window.
//! [`with_commands`] is the test seam: the app and the mock-runtime tests register the same handlers.

mod commands;
#[cfg(desktop)]
mod one_copy;
#[cfg(desktop)]
pub mod updates;

use penggerak_core::{Engine, KeyringStore, DEFAULT_SERVER};
use penggerak_types::ipc::SYNC_STATUS_EVENT;
use std::sync::Arc;
use std::time::Duration;
use tauri::{Emitter, Manager, Runtime};

/// The environment variable that points a device that has never signed in at another API server.
pub const SERVER_ENV: &str = "PENGGERAK_SERVER";

/// Registers every IPC command of the app on `builder`, the opener plugin (the window opens saved
/// materials' files through it; `capabilities/main.json` scopes it to the materials folder) and, on a
/// desktop, the updater plugin (used from Rust only: the window is granted none of its commands).
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    builder.plugin(tauri_plugin_opener::init()).invoke_handler(tauri::generate_handler![
        commands::session::session_state,
        commands::session::sign_in,
        commands::session::sign_out,
        commands::sync::sync_status,
        commands::sync::sync_now,
        commands::views::home,
        commands::views::deadlines,
        commands::views::export_deadlines,
        commands::views::export_event,
        commands::settings::check_update,
        commands::settings::install_update,
        commands::views::kinerja,
        commands::views::approvals,
        commands::views::act,
        commands::views::communities,
        commands::views::pkb,
        commands::views::programmes,
        commands::views::save_draft,
        commands::views::draft,
        commands::views::conflicts,
        commands::views::resolve,
        commands::views::refused,
        commands::views::dismiss_refused,
        commands::views::reopen_refused,
        commands::views::stranded_drafts,
        commands::views::discard_draft,
        commands::staff::staff,
        commands::staff::staff_member,
        commands::staff::export_staff,
        commands::staff::supervision,
        commands::staff::supervisor_home,
        commands::staff::supervised_staff,
        commands::settings::preferences,
        commands::settings::set_preferences,
        commands::settings::take_reminders,
        commands::settings::welcome_seen,
        commands::settings::take_news,
        commands::settings::data_use,
        commands::materials::materials,
        commands::materials::material,
        commands::materials::save_material,
        commands::materials::save_material_anyway,
        commands::materials::remove_material,
        commands::materials::search,
        commands::materials::remove_all_materials,
        commands::materials::download_later,
        commands::settings::sharing,
        commands::settings::add_peer,
        commands::settings::remove_peer,
    ])
}

/// The app's context: `tauri.conf.json`, the embedded UI and the resolved capabilities (ACL).
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the engine over the app's data directory and the OS keyring.
fn open_session<R: Runtime>(app: &tauri::App<R>) -> Result<Engine, Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let server = std::env::var(SERVER_ENV).unwrap_or_else(|_| DEFAULT_SERVER.to_owned());
    let session =
        tauri::async_runtime::block_on(Engine::open(&data_dir, Arc::new(KeyringStore::app()), server))?;
    Ok(session)
}

/// How often the app syncs while open when nothing else asks (a change, a sign-in, the user): data is
/// paid for, and a no-change sync is one small request.
const SYNC_PERIOD: Duration = Duration::from_secs(5 * 60);

/// Starts the engine's sync loop (at start, on every change, periodically, and retrying with backoff
/// while offline) and forwards every status change to the UI as the `sync-status` event.
fn start_sync<R: Runtime>(app: tauri::AppHandle<R>, session: Arc<Engine>) {
    tauri::async_runtime::spawn(async move {
        let _loop = session.spawn_sync_loop(SYNC_PERIOD);
        let mut status = session.sync_status();
        while status.changed().await.is_ok() {
            let now = status.borrow_and_update().clone();
            if let Err(e) = app.emit(SYNC_STATUS_EVENT, now) {
                tracing::warn!(error = %e, "could not send the sync status to the UI");
            }
        }
    });
}

/// Writes the window's size and place to disk half a second after it stops moving or resizing, not only
/// when the app exits cleanly (the window-state plugin's own moment): a laptop whose battery dies, or a
/// session that ends, still opens the window as it was left.
#[cfg(desktop)]
fn save_window_state_when_settled<R: Runtime>(app: &tauri::AppHandle<R>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    let Some(window) = app.get_webview_window("main") else { return };
    let moves = Arc::new(AtomicU64::new(0));
    let app = app.clone();
    window.on_window_event(move |event| {
        if !matches!(event, tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_)) {
            return;
        }
        let this = moves.fetch_add(1, Ordering::SeqCst) + 1;
        let (moves, app) = (Arc::clone(&moves), app.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if moves.load(Ordering::SeqCst) != this {
                return;
            }
            // On the main thread: saving holds the plugin's lock while it asks the window for its size,
            // which off the main thread waits for the main thread — and the main thread, handling a resize,
            // waits for that lock (a deadlock, seen as a frozen window in the end-to-end run).
            let saver = app.clone();
            let queued = app.run_on_main_thread(move || {
                if let Err(e) = saver.save_window_state(StateFlags::all()) {
                    tracing::warn!(error = %e, "the window's size and place could not be kept");
                }
            });
            if let Err(e) = queued {
                tracing::warn!(error = %e, "the window's size and place could not be kept");
            }
        });
    });
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    // RUST_LOG as `target=level` pairs (tracing-subscriber's `Targets`; EnvFilter's span and field
    // filters are not needed on a device, and with its regex engine the release binary was 865 KiB larger).
    use tracing_subscriber::prelude::*;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing::Level::INFO)
                .with_target("sqlx", tracing::Level::WARN)
        });
    tracing_subscriber::registry().with(tracing_subscriber::fmt::layer()).with(filter).init();
    let builder = tauri::Builder::default();
    // First of all plugins, as its documentation asks: a second launch hands over to the running copy,
    // which comes to the front, and exits.
    #[cfg(desktop)]
    let builder = builder
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build());
    let ran = with_commands(builder)
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            #[cfg(desktop)]
            save_window_state_when_settled(app.handle());
            let session = Arc::new(open_session(app)?);
            app.manage(Arc::clone(&session));
            start_sync(app.handle().clone(), session);
            Ok(())
        })
        .run(context());
    match ran {
        Ok(()) => {}
        // The copy that holds the single-instance name did not take this launch (it was closing): try
        // again, for a bounded time (`one_copy`).
        #[cfg(desktop)]
        Err(tauri::Error::PluginInitialization(plugin, reason)) if plugin == "single-instance" => {
            one_copy::try_again(&reason)
        }
        Err(e) => panic!("error while running the Penggerak app: {e}"),
    }
}
