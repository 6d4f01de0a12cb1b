//! The first-run cards: shown once per account on a device, on its first sign-in there (the session says
//! so, and the shell opens this page before anything else). Three short cards: what *luring* means here,
//! what "menunggu dikirim" means, and where help is. Skipped or finished, the user lands on Beranda.

use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::lang::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// How many cards there are.
const CARDS: usize = 3;

#[component]
pub fn Mulai() -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    // Seen as soon as it is shown: closing the app on a card does not bring the cards back.
    leptos::task::spawn_local(async {
        if let Err(e) = ipc::welcome_seen().await {
            leptos::logging::warn!("the first-run cards could not be marked as seen: {}", e.message);
        }
    });
    let step = RwSignal::new(0usize);
    let navigate = use_navigate();
    let home = move |_| navigate("/", Default::default());
    let last = move || step.get() + 1 == CARDS;
    view! {
        <section class="card first-run" aria-labelledby="welcome-title">
            <h1 id="welcome-title">{td_string!(l, welcome_title)}</h1>
            <p id="welcome-step" class="muted">{move || td_string!(l, welcome_step, n = step.get() + 1).to_string()}</p>
            <div id="welcome-card" class="first-run-card" aria-live="polite" data-step=move || step.get().to_string()>
                {move || card(l, step.get())}
            </div>
            <div class="actions">
                {move || (step.get() > 0).then(|| view! {
                    <button id="welcome-back" class="secondary" on:click=move |_| step.update(|s| *s -= 1)>
                        {td_string!(l, welcome_back)}
                    </button>
                })}
                {move || {
                    let home = home.clone();
                    if last() {
                        view! {
                            <button id="welcome-done" class="primary" on:click=home>{td_string!(l, welcome_done)}</button>
                        }.into_any()
                    } else {
                        view! {
                            <button id="welcome-skip" class="secondary" on:click=home>{td_string!(l, welcome_skip)}</button>
                            <button id="welcome-next" class="primary" on:click=move |_| step.update(|s| *s += 1)>
                                {td_string!(l, welcome_next)}
                            </button>
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}

/// Card `n` (from 0): its title and text; the last one leads to Bantuan.
fn card(l: Locale, n: usize) -> impl IntoView {
    let (title, body) = match n {
        0 => (td_string!(l, welcome_offline_title), td_string!(l, welcome_offline_body)),
        1 => (td_string!(l, welcome_waiting_title), td_string!(l, welcome_waiting_body)),
        _ => (td_string!(l, welcome_help_title), td_string!(l, welcome_help_body)),
    };
    view! {
        <h2 id="welcome-card-title">{title}</h2>
        <p>{body}</p>
        {(n + 1 == CARDS).then(|| view! {
            <p><A href="/bantuan" attr:id="welcome-help">{td_string!(l, welcome_open_help)}</A></p>
        })}
    }
}
