// Declares the app's own commands so Tauri generates `allow-<command>` permissions for them; from then on a
// command runs only where `capabilities/main.json` grants it.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "session_state",
            "sign_in",
            "sign_out",
            "sync_status",
            "sync_now",
            "home",
            "kinerja",
            "approvals",
            "act",
            "communities",
            "pkb",
            "programmes",
            "save_draft",
            "conflicts",
            "resolve",
            "refused",
            "dismiss_refused",
            "reopen_refused",
            "preferences",
            "set_preferences",
            "take_reminders",
            "data_use",
            "materials",
            "material",
            "save_material",
            "remove_material",
        ]),
    ))
    .expect("tauri-build failed");
}
