// Declares the app's own commands (named once, in `penggerak_types::ipc::cmd::ALL`) so Tauri generates `allow-<command>` permissions for them; from then on a
// command runs only where `capabilities/main.json` grants it.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(penggerak_types::ipc::cmd::ALL)),
    )
    .expect("tauri-build failed");
}
