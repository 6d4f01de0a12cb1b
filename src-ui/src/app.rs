//! The root component: loads the session state once, then shows the sign-in or the home page.

use crate::pages::{home::Home, sign_in::SignIn};
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::SessionState;

/// What the root shows. `Failed` keeps the error so the screen can say what went wrong and offer a retry.
#[derive(Clone, Debug, PartialEq)]
enum Screen {
    Loading,
    Failed(String),
    Session(SessionState),
}

#[component]
pub fn App() -> impl IntoView {
    let screen = RwSignal::new(Screen::Loading);
    let load = Action::new_local(|_: &()| ipc::session_state());
    Effect::new(move |_| {
        if let Some(result) = load.value().get() {
            screen.set(match result {
                Ok(state) => Screen::Session(state),
                Err(e) => Screen::Failed(view_model::error_text(&e)),
            });
        }
    });
    load.dispatch(());
    // Pages report a new session state (signed in, signed out) through this callback.
    let on_session = Callback::new(move |state: SessionState| screen.set(Screen::Session(state)));

    view! {
        <main class="app">
            {move || match screen.get() {
                Screen::Loading => view! { <p class="status" role="status">{text::LOADING}</p> }.into_any(),
                Screen::Failed(message) => view! {
                    <section class="card" aria-labelledby="failed-title">
                        <h1 id="failed-title">{text::APP_NAME}</h1>
                        <p class="error" role="alert">{message}</p>
                        <button class="primary" on:click=move |_| { load.dispatch(()); }>{text::RETRY}</button>
                    </section>
                }.into_any(),
                Screen::Session(SessionState::SignedOut { server_url }) => {
                    view! { <SignIn server_url=server_url on_session=on_session /> }.into_any()
                }
                Screen::Session(SessionState::SignedIn { profile, .. }) => {
                    view! { <Home profile=*profile on_session=on_session /> }.into_any()
                }
            }}
        </main>
    }
}
