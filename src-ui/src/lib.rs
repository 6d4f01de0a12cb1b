//! The Penggerak user interface (Leptos 0.8, client-side rendered, inside the Tauri webview).
//!
//! Owns: what people see and press. Never: talks HTTP, stores data, or knows a token. It reaches the
//! shell only through [`ipc`], with the typed shapes of `penggerak_types::ipc`. View logic that is more
//! than markup lives in plain functions (`view_model`) that are tested natively. Every word is in `locales/*.json` (Bahasa
//! Indonesia, English), reached through the generated [`i18n`] module.

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod app;
pub mod chrome;
pub mod context;
pub mod draft;
pub mod ipc;
pub mod lazy_pages;
pub mod pages;
pub mod text_box;
pub mod view_model;

/// Mounts the app on `<body>`.
pub fn start() {
    ipc::mark(|| "main".to_owned());
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    ipc::mark(|| "mounted".to_owned());
}
