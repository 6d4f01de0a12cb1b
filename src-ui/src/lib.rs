//! The Penggerak user interface (Leptos 0.8, client-side rendered, inside the Tauri webview).
//!
//! Owns: what people see and press. Never: talks HTTP, stores data, or knows a token. It reaches the
//! shell only through [`ipc`], with the typed shapes of `penggerak_types::ipc`. View logic that is more
//! than markup lives in plain functions (`view_model`) that are tested natively. Every word is in `locales/*.json` (Bahasa
//! Indonesia, English), reached through the generated [`i18n`] module.

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// A translated sentence that says a count: `counted!(locale, n, key_singular, key_plural, name = value…)`
/// gives the `_singular` key's sentence for exactly one and the `_plural` key's otherwise, with the values.
///
/// That is the whole plural rule of the app's two languages (CLDR: English's "one" is a whole 1, Indonesian
/// has only "other", so its `_singular` sentences say what its `_plural` ones say). leptos_i18n's ICU plural
/// rules did the same through ICU's locale data and plural engine, which sat in the start module.
#[macro_export]
macro_rules! counted {
    ($l:expr, $count:expr, $singular:ident, $plural:ident $(, $k:ident = $v:expr)* $(,)?) => {{
        if $count == 1 {
            $crate::i18n::td_string!($l, $singular $(, $k = $v)*).to_string()
        } else {
            $crate::i18n::td_string!($l, $plural $(, $k = $v)*).to_string()
        }
    }};
}

pub mod app;
pub mod chrome;
pub mod context;
pub mod draft;
pub mod ipc;
pub mod lang;
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
