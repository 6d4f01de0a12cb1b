//! The floor app: Tauri's builder with nothing added, showing `ui/` (one line of text).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("the floor app runs");
}
