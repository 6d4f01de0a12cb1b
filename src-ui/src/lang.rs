//! The app's language while it runs: one signal in the root's context, and the `t!` / `t_string!` macros
//! that word a key in it (reactively: a view made with `t!` follows a change of language).
//!
//! The words themselves are the generated [`crate::i18n`] module's (leptos_i18n, `td!` / `td_string!` for a
//! given [`Locale`]). Its own context is not used: the app never takes the webview's or a cookie's language
//! (Bahasa Indonesia until the device's choice is read), and that context parsed the webview's language
//! list with ICU's locale parser at every launch, in the start module.

use crate::i18n::Locale;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// The language the app speaks now. `Copy`; read it in a reactive scope to follow a change.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// The language now, tracked.
    pub fn get_locale(self) -> Locale {
        self.0.get()
    }

    /// The language now, untracked.
    pub fn get_locale_untracked(self) -> Locale {
        self.0.get_untracked()
    }

    /// Speaks `locale` from now on; `<html lang>` follows.
    pub fn set_locale(self, locale: Locale) {
        self.0.set(locale)
    }
}

/// Makes the app's language, starting in `initial`, for everything under the caller, and keeps the
/// document's `lang` attribute on it (screen readers choose their voice by it).
pub fn provide_i18n(initial: Locale) -> I18n {
    let i18n = I18n(RwSignal::new(initial));
    provide_context(i18n);
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", i18n.get_locale().as_str());
        }
    });
    i18n
}

/// The app's language, from the root's context.
pub fn use_i18n() -> I18n {
    expect_context()
}

/// `t!(i18n, key, name = value…)`: the key's words in the app's language as a view that follows a change
/// of language.
#[macro_export]
macro_rules! t {
    ($i18n:expr, $($rest:tt)*) => {
        $crate::i18n::td!($i18n.get_locale(), $($rest)*)
    };
}

/// `t_string!(i18n, key, name = value…)`: the key's words in the app's language now, as a string (tracked
/// when read in a reactive scope).
#[macro_export]
macro_rules! t_string {
    ($i18n:expr, $($rest:tt)*) => {
        $crate::i18n::td_string!($i18n.get_locale(), $($rest)*)
    };
}
