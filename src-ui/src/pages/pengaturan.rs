//! Pengaturan: the server this device talks to, sync (now, last synced, what waits, conflicts) and the
//! account: sign out, which warns and asks again when changes or drafts on the device would be lost.

use crate::app::Shell;
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::ErrorCode;

#[component]
pub fn Pengaturan() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let on_session = shell.on_session;
    let sync = shell.sync;
    let server = shell.server_url.clone();
    let error = RwSignal::new(None::<String>);
    // Set when sign-out was refused because something would be lost: the user must confirm.
    let confirm = RwSignal::new(false);
    let sign_out = Action::new_local(|discard: &bool| ipc::sign_out(*discard));
    Effect::new(move |_| match sign_out.value().get() {
        Some(Ok(state)) => on_session.run(state),
        Some(Err(e)) => {
            confirm.set(e.code == ErrorCode::ChangesWaiting);
            error.set(Some(view_model::error_text(&e)));
        }
        None => {}
    });
    let sync_now = Action::new_local(|_: &()| ipc::sync_now());
    let pending = sign_out.pending();

    view! {
        <section class="card pengaturan" aria-labelledby="settings-title">
            <h1 id="settings-title">{text::SETTINGS_TITLE}</h1>
            <h2>{text::SETTINGS_SYNC}</h2>
            <dl class="facts">
                <dt>{text::SETTINGS_LAST_SYNCED}</dt>
                <dd id="settings-last-synced">{move || view_model::last_synced(&sync.get())}</dd>
                <dt>{text::SETTINGS_WAITING}</dt>
                <dd id="settings-waiting">{move || sync.get().waiting}</dd>
                <dt>{text::SETTINGS_CONFLICTS}</dt>
                <dd id="settings-conflicts">{move || sync.get().conflicts}</dd>
                <dt>{text::SETTINGS_SERVER}</dt>
                <dd id="settings-server">{server}</dd>
            </dl>
            <button id="settings-sync-now" class="secondary" on:click=move |_| { sync_now.dispatch(()); }>
                {text::SYNC_NOW}
            </button>
            <h2>{text::SETTINGS_ACCOUNT}</h2>
            <p id="sign-out-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || if confirm.get() {
                view! {
                    <button id="sign-out-confirm" class="primary danger" disabled=move || pending.get()
                        on:click=move |_| { sign_out.dispatch(true); }>{text::SIGN_OUT_DISCARD}</button>
                    <button id="sign-out-cancel" class="secondary"
                        on:click=move |_| { confirm.set(false); error.set(None); }>{text::CANCEL}</button>
                }.into_any()
            } else {
                view! {
                    <button id="sign-out" class="secondary" disabled=move || pending.get()
                        on:click=move |_| { sign_out.dispatch(false); }>
                        {move || if pending.get() { text::SIGNING_OUT } else { text::SIGN_OUT_BUTTON }}
                    </button>
                }.into_any()
            }}
        </section>
    }
}
