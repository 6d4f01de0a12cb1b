//! The only door to the Tauri shell: `window.__TAURI__.core.invoke`, bound with `catch` so a failed or
//! refused command is an `Err(ApiError)`, never a panic. Request and response types come from
//! `penggerak_types::ipc`; command names from `penggerak_types::ipc::cmd`.

use crate::i18n::Locale;
use penggerak_types::api::{StaffSummary, SupervisedSchool};
use penggerak_types::ipc::{
    cmd, notification, ActArgs, Action, Approval, CommunitiesView, ConflictChoice, ConflictView, DataUse,
    DismissArgs, Draft, DraftArgs, Fetched, Home, KinerjaView, MaterialArgs, MaterialReader, MaterialsView,
    News, PeerArgs, PkbView, Preferences, PreferencesChange, ProgrammesView, RefusedChange, Reminder,
    ReopenPage, ResolveArgs, SaveDraftArgs, SearchArgs, SearchResults, SearchScope, SessionState,
    SetPreferencesArgs, Sharing, SignInArgs, SignInRequest, SignOutArgs, StaffMemberArgs, StaffMemberView,
    StaffView, StrandedDraft, SupervisedStaffArgs, SupervisorHome, SyncStatus, SYNC_STATUS_EVENT,
};
use penggerak_types::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// How many start-up marks are left: the first calls of a launch are marked, then nothing more is
    /// (the webview keeps every mark for as long as the page lives).
    static MARKS_LEFT: Cell<u32> = const { Cell::new(MARKS) };
}

/// The start-up marks a launch leaves, at most.
const MARKS: u32 = 40;

/// Leaves a `performance.mark` named `name` while the launch's marks last: the launch benchmark reads
/// them to say where the time from launch to Beranda goes (`tests/e2e/benches/launch.rs`).
pub fn mark(name: impl FnOnce() -> String) {
    let left = MARKS_LEFT.with(Cell::get);
    if left > 0 {
        MARKS_LEFT.with(|m| m.set(left - 1));
        let _ = performance_mark(&name());
    }
}

#[derive(Serialize)]
struct NoArgs {}

thread_local! {
    /// The language refusals from the runtime itself are worded in (they are made here, far from any
    /// component); the root component keeps it in step with the chosen language.
    static LOCALE: Cell<Locale> = const { Cell::new(Locale::id) };
}

/// Words this module's own errors in `locale` from now on.
pub fn set_locale(locale: Locale) {
    LOCALE.with(|l| l.set(locale));
}

/// Turns whatever the shell rejected with into an [`ApiError`]: our commands reject with `{code, message}`;
/// Tauri itself rejects with a string (e.g. a command not allowed by the capability).
fn rejection(value: JsValue) -> ApiError {
    if let Ok(e) = serde_wasm_bindgen::from_value::<ApiError>(value.clone()) {
        return e;
    }
    let text = value.as_string().or_else(|| js_sys_message(&value)).unwrap_or_else(|| format!("{value:?}"));
    crate::view_model::shell_rejection(LOCALE.with(Cell::get), &text)
}

fn js_sys_message(value: &JsValue) -> Option<String> {
    value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))
}

/// An error of this module's own making: "Terjadi kesalahan…" in the chosen language; what happened (the
/// serializer's English) goes to the log, not into the sentence.
fn internal(code: ErrorCode, detail: String) -> ApiError {
    leptos::logging::warn!("{detail}");
    ApiError::new(code, crate::i18n::td_string!(LOCALE.with(Cell::get), err_generic))
}

/// Marks `command` `what` ("asked", "answered"). Not generic, so the marking is compiled once, not in each
/// of `call`'s copies (one per command's types: inlined there, it cost 9.3 KiB of wasm).
#[inline(never)]
fn mark_call(command: &str, what: &str) {
    mark(|| format!("{command} {what}"));
}

async fn call<A: Serialize, R: DeserializeOwned>(command: &str, args: &A) -> Result<R, ApiError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| internal(ErrorCode::BadRequest, format!("{command}: {e}")))?;
    mark_call(command, "asked");
    let value = tauri_invoke(command, args).await.map_err(rejection);
    mark_call(command, "answered");
    let value = value?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| internal(ErrorCode::Internal, format!("{command}: {e}")))
}

pub async fn session_state() -> Result<SessionState, ApiError> {
    call(cmd::SESSION_STATE, &NoArgs {}).await
}

pub async fn sign_in(request: SignInRequest) -> Result<SessionState, ApiError> {
    call(cmd::SIGN_IN, &SignInArgs { request }).await
}

/// Signs out. Unless `discard` (the user confirmed), refuses with `changes_waiting` while changes or
/// drafts on the device would be lost.
pub async fn sign_out(discard: bool) -> Result<SessionState, ApiError> {
    call(cmd::SIGN_OUT, &SignOutArgs { discard }).await
}

pub async fn home() -> Result<Home, ApiError> {
    call(cmd::HOME, &NoArgs {}).await
}

pub async fn kinerja() -> Result<KinerjaView, ApiError> {
    call(cmd::KINERJA, &NoArgs {}).await
}

pub async fn approvals() -> Result<Vec<Approval>, ApiError> {
    call(cmd::APPROVALS, &NoArgs {}).await
}

pub async fn communities() -> Result<CommunitiesView, ApiError> {
    call(cmd::COMMUNITIES, &NoArgs {}).await
}

pub async fn pkb() -> Result<PkbView, ApiError> {
    call(cmd::PKB, &NoArgs {}).await
}

pub async fn programmes() -> Result<ProgrammesView, ApiError> {
    call(cmd::PROGRAMMES, &NoArgs {}).await
}

/// Keeps text being typed on the device (until it is saved for real).
pub async fn save_draft(key: String, text: String) -> Result<(), ApiError> {
    call(cmd::SAVE_DRAFT, &SaveDraftArgs { draft: Draft { key, text } }).await
}

/// The text kept under draft `key`, if any.
pub async fn draft(key: String) -> Result<Option<String>, ApiError> {
    call(cmd::DRAFT, &DraftArgs { key }).await
}

pub async fn conflicts() -> Result<Vec<ConflictView>, ApiError> {
    call(cmd::CONFLICTS, &NoArgs {}).await
}

/// Settles a conflict: mine is sent again, or theirs replaces mine.
pub async fn resolve(choice: ConflictChoice) -> Result<(), ApiError> {
    call(cmd::RESOLVE, &ResolveArgs { choice }).await
}

/// The changes the server refused, kept with what they carried.
pub async fn refused() -> Result<Vec<RefusedChange>, ApiError> {
    call(cmd::REFUSED, &NoArgs {}).await
}

/// The user has read refused change `id`: it is forgotten.
pub async fn dismiss_refused(id: i64) -> Result<(), ApiError> {
    call(cmd::DISMISS_REFUSED, &DismissArgs { id }).await
}

/// Texts typed and kept whose box no page draws any more.
pub async fn stranded_drafts() -> Result<Vec<StrandedDraft>, ApiError> {
    call(cmd::STRANDED_DRAFTS, &NoArgs {}).await
}

/// The user lets the draft under `key` go.
pub async fn discard_draft(key: String) -> Result<(), ApiError> {
    call(cmd::DISCARD_DRAFT, &DraftArgs { key }).await
}

/// Refused change `id`'s text goes back into its editor as a draft; answers the page it is on.
pub async fn reopen_refused(id: i64) -> Result<ReopenPage, ApiError> {
    call(cmd::REOPEN_REFUSED, &DismissArgs { id }).await
}

/// Does what the user asked: shown at once from the store, sent to the server by the sync loop.
pub async fn act(action: Action) -> Result<(), ApiError> {
    call(cmd::ACT, &ActArgs { action }).await
}

/// The device's language and reminder switch.
pub async fn preferences() -> Result<Preferences, ApiError> {
    call(cmd::PREFERENCES, &NoArgs {}).await
}

/// Changes what `change` names; returns the preferences as they now are.
pub async fn set_preferences(change: PreferencesChange) -> Result<Preferences, ApiError> {
    call(cmd::SET_PREFERENCES, &SetPreferencesArgs { change }).await
}

/// Every deadline from today on.
pub async fn deadlines() -> Result<Vec<penggerak_types::ipc::Deadline>, ApiError> {
    call(cmd::DEADLINES, &NoArgs {}).await
}

/// Saves every deadline as a calendar file where the user chooses (`title`: the dialog's); whether it was
/// saved (`false`: cancelled).
pub async fn export_deadlines(title: String) -> Result<bool, ApiError> {
    call(cmd::EXPORT_DEADLINES, &penggerak_types::ipc::ExportDeadlinesArgs { title }).await
}

/// Saves the community event `id` as a calendar file where the user chooses (`title`: the dialog's);
/// whether it was saved.
pub async fn export_event(id: String, title: String) -> Result<bool, ApiError> {
    call(cmd::EXPORT_EVENT, &penggerak_types::ipc::ExportEventArgs { id, title }).await
}

/// The first-run cards were shown to the account signed in (they are not shown again on this device).
pub async fn welcome_seen() -> Result<(), ApiError> {
    call(cmd::WELCOME_SEEN, &NoArgs {}).await
}

/// The deadline reminders due now, each handed out once.
pub async fn take_reminders() -> Result<Vec<Reminder>, ApiError> {
    call(cmd::TAKE_REMINDERS, &NoArgs {}).await
}

/// What the last syncs brought that the user should hear about, each once.
pub async fn take_news() -> Result<Vec<News>, ApiError> {
    call(cmd::TAKE_NEWS, &NoArgs {}).await
}

/// Whether the server publishes a newer version of the app (its last answer, unless asked `again`).
pub async fn check_update(again: bool) -> Result<penggerak_types::ipc::UpdateCheck, ApiError> {
    #[derive(Serialize)]
    struct Args {
        again: bool,
    }
    call(cmd::CHECK_UPDATE, &Args { again }).await
}

/// Downloads the newer version, checks its signature, installs it and starts the app again (on success
/// this does not come back).
pub async fn install_update() -> Result<(), ApiError> {
    call(cmd::INSTALL_UPDATE, &NoArgs {}).await
}

/// The data the app used on this device, per month, newest first.
pub async fn data_use() -> Result<DataUse, ApiError> {
    call(cmd::DATA_USE, &NoArgs {}).await
}

/// Berbagi di sekolah as it stands now.
pub async fn sharing() -> Result<Sharing, ApiError> {
    call(cmd::SHARING, &NoArgs {}).await
}

/// Adds a colleague's device by the address it shows.
pub async fn add_peer(address: String) -> Result<Sharing, ApiError> {
    call(cmd::ADD_PEER, &PeerArgs { address }).await
}

/// Forgets a colleague's device added by address.
pub async fn remove_peer(address: String) -> Result<Sharing, ApiError> {
    call(cmd::REMOVE_PEER, &PeerArgs { address }).await
}

/// The learning-materials catalogue on the device, with what of each is saved.
pub async fn materials() -> Result<MaterialsView, ApiError> {
    call(cmd::MATERIALS, &NoArgs {}).await
}

/// One material to read, from the device.
pub async fn material(id: String) -> Result<MaterialReader, ApiError> {
    call(cmd::MATERIAL, &MaterialArgs { id }).await
}

/// Searches what the device holds: materials only, or everything with a page.
pub async fn search(query: String, scope: SearchScope) -> Result<SearchResults, ApiError> {
    call(cmd::SEARCH, &SearchArgs { query, scope }).await
}

/// For a principal: his staff, from the records on his device.
pub async fn staff() -> Result<StaffView, ApiError> {
    call(cmd::STAFF, &NoArgs {}).await
}

/// For a principal: saves the staff table as CSV where he chooses; `false` if he cancelled.
pub async fn export_staff(title: String) -> Result<bool, ApiError> {
    call(cmd::EXPORT_STAFF, &penggerak_types::ipc::ExportStaffArgs { title }).await
}

/// For a pengawas: her schools, each summed up.
pub async fn supervision() -> Result<Fetched<Vec<SupervisedSchool>>, ApiError> {
    call(cmd::SUPERVISION, &NoArgs {}).await
}

/// For a pengawas: her schools summed up for Beranda, from the last copy on the device.
pub async fn supervisor_home() -> Result<Option<SupervisorHome>, ApiError> {
    call(cmd::SUPERVISOR_HOME, &NoArgs {}).await
}

/// For a pengawas: one of her schools' staff.
pub async fn supervised_staff(npsn: String) -> Result<Fetched<Vec<StaffSummary>>, ApiError> {
    call(cmd::SUPERVISED_STAFF, &SupervisedStaffArgs { npsn }).await
}

/// For a principal: one staff member's page.
pub async fn staff_member(id: String) -> Result<StaffMemberView, ApiError> {
    call(cmd::STAFF_MEMBER, &StaffMemberArgs { id }).await
}

/// Downloads what the device lacks of a material, for reading offline.
pub async fn save_material(id: String) -> Result<(), ApiError> {
    call::<_, MaterialReader>(cmd::SAVE_MATERIAL, &MaterialArgs { id }).await.map(|_| ())
}

/// The same on the connection the device has now, though "Hanya unduh lewat Wi-Fi" held it (the user
/// asked for it).
pub async fn save_material_anyway(id: String) -> Result<(), ApiError> {
    call::<_, MaterialReader>(cmd::SAVE_MATERIAL_ANYWAY, &MaterialArgs { id }).await.map(|_| ())
}

/// Opens a saved material's file in the device's own viewer (the opener plugin; the capability allows
/// paths inside the app's materials folder only, with the default program).
pub async fn open_file(path: String) -> Result<(), ApiError> {
    #[derive(Serialize)]
    struct OpenPath {
        path: String,
    }
    call("plugin:opener|open_path", &OpenPath { path }).await
}

/// Opens a community event's link in the device's browser (the opener plugin; the capability allows
/// `https://` addresses only, in the default browser).
pub async fn open_link(url: String) -> Result<(), ApiError> {
    #[derive(Serialize)]
    struct OpenUrl {
        url: String,
    }
    call("plugin:opener|open_url", &OpenUrl { url }).await
}

/// Marks a material to be fetched on Wi-Fi (`on`), or unmarks it.
pub async fn download_later((id, on): (String, bool)) -> Result<(), ApiError> {
    call::<_, MaterialReader>(cmd::DOWNLOAD_LATER, &penggerak_types::ipc::DownloadLaterArgs { id, on })
        .await
        .map(|_| ())
}

/// Removes every saved material from the device.
pub async fn remove_all_materials(_: ()) -> Result<(), ApiError> {
    call(cmd::REMOVE_ALL_MATERIALS, &NoArgs {}).await
}

/// Removes a saved material from the device.
pub async fn remove_material(id: String) -> Result<(), ApiError> {
    call(cmd::REMOVE_MATERIAL, &MaterialArgs { id }).await
}

/// Shows a system notification through Tauri's notification plugin, asking for permission first where the
/// platform wants that (Android 13+, iOS; desktops grant it). Refused permission is an error.
pub async fn notify(title: String, body: String) -> Result<(), ApiError> {
    let granted: Option<bool> = call(notification::IS_PERMISSION_GRANTED, &NoArgs {}).await?;
    if granted != Some(true) {
        let answer: String = call(notification::REQUEST_PERMISSION, &NoArgs {}).await?;
        if answer != notification::GRANTED {
            return Err(internal(ErrorCode::Forbidden, format!("notification permission: {answer}")));
        }
    }
    let args = notification::NotifyArgs { options: notification::Notification { title, body } };
    call(notification::NOTIFY, &args).await
}

pub async fn sync_status() -> Result<SyncStatus, ApiError> {
    call(cmd::SYNC_STATUS, &NoArgs {}).await
}

pub async fn sync_now() -> Result<SyncStatus, ApiError> {
    call(cmd::SYNC_NOW, &NoArgs {}).await
}

/// Calls `on_status` with every sync status the shell sends, for as long as the app runs.
pub async fn on_sync_status(mut on_status: impl FnMut(SyncStatus) + 'static) -> Result<(), ApiError> {
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL);
        if let Ok(status) = serde_wasm_bindgen::from_value::<SyncStatus>(payload) {
            on_status(status);
        }
    });
    mark_call("listen", "asked");
    let listening = tauri_listen(SYNC_STATUS_EVENT, &handler).await.map_err(rejection);
    mark_call("listen", "answered");
    listening?;
    handler.forget(); // the listener lives as long as the app
    Ok(())
}
