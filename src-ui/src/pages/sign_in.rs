//! Masuk: identifier (NUPTK/NIP/email), password, and the server address under "advanced".

use crate::i18n::td_string;
use crate::lang::use_i18n;
use crate::pages::settings::LanguageChoice;
use crate::t;
use crate::{ipc, view_model};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use penggerak_types::ipc::{SessionState, SignInRequest};
use penggerak_types::ErrorCode;

#[component]
pub fn SignIn(server_url: String, on_session: Callback<SessionState>) -> impl IntoView {
    let identifier = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let server = RwSignal::new(server_url);
    let error = RwSignal::new(None::<String>);
    let i18n = use_i18n();

    let submit = Action::new_local(|request: &SignInRequest| ipc::sign_in(request.clone()));
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(state)) => on_session.run(state),
        Some(Err(e)) => {
            password.set(String::new());
            let l = i18n.get_locale_untracked();
            // Here the address can still be changed (Pengaturan lanjutan), so the sentence points there.
            let text = if e.code == ErrorCode::Offline {
                td_string!(l, err_offline_sign_in).to_string()
            } else {
                view_model::error_text(l, &e)
            };
            error.set(Some(text));
        }
        None => {}
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if identifier.get().trim().is_empty() || password.get().is_empty() {
            error.set(Some(td_string!(i18n.get_locale_untracked(), err_fields_required).into()));
            return;
        }
        error.set(None);
        submit.dispatch(SignInRequest {
            identifier: identifier.get().trim().to_owned(),
            password: password.get(),
            server_url: Some(server.get()),
        });
    };
    let pending = submit.pending();

    view! {
        <section class="card sign-in" aria-labelledby="sign-in-title">
            <header class="brand">
                <img src="/128x128.png" alt="" width="56" height="56" />
                <div>
                    <p class="app-name">{t!(i18n, app_name)}</p>
                    <p class="tagline">{t!(i18n, tagline)}</p>
                </div>
            </header>
            <h1 id="sign-in-title">{t!(i18n, sign_in_title)}</h1>
            <form on:submit=on_submit novalidate>
                <label for="identifier">{t!(i18n, identifier_label)}</label>
                <input id="identifier" name="identifier" type="text" autocomplete="username" inputmode="email"
                    autocapitalize="none" spellcheck="false"
                    prop:value=move || identifier.get()
                    on:input=move |ev| identifier.set(event_target_value(&ev)) />
                <label for="password">{t!(i18n, password_label)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
                <details class="advanced" id="forgot-password">
                    <summary>{t!(i18n, forgot_password)}</summary>
                    <p id="forgot-password-help" class="hint">{t!(i18n, forgot_password_help)}</p>
                </details>
                <details class="advanced">
                    <summary>{t!(i18n, advanced)}</summary>
                    <label for="server-url">{t!(i18n, server_label)}</label>
                    <input id="server-url" name="server-url" type="url" inputmode="url" autocapitalize="none"
                        spellcheck="false"
                        prop:value=move || server.get()
                        on:input=move |ev| server.set(event_target_value(&ev)) />
                </details>
                <p id="sign-in-error" class="error" role="alert" aria-live="assertive">
                    {move || error.get().unwrap_or_default()}
                </p>
                <button id="sign-in" class="primary" type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { t!(i18n, signing_in).into_any() } else { t!(i18n, sign_in_button).into_any() }}
                </button>
            </form>
            <LanguageChoice />
        </section>
    }
}
