//! Beranda: the signed-in teacher's name, role and school, and sign-out.

use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::api::Profile;
use penggerak_types::ipc::SessionState;

#[component]
pub fn Home(profile: Profile, on_session: Callback<SessionState>) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let sign_out = Action::new_local(|_: &()| ipc::sign_out());
    Effect::new(move |_| match sign_out.value().get() {
        Some(Ok(state)) => on_session.run(state),
        Some(Err(e)) => error.set(Some(view_model::error_text(&e))),
        None => {}
    });
    let pending = sign_out.pending();
    let identity = view_model::identity_line(&profile);
    let school = view_model::school_line(&profile);

    view! {
        <section class="card home" aria-labelledby="home-title">
            <h1 id="home-title" class="visually-hidden">{text::HOME_TITLE}</h1>
            <p class="welcome">{text::WELCOME}</p>
            <p id="user-name" class="user-name">{profile.full_name}</p>
            <p class="identity">{identity}</p>
            <p class="school">{school}</p>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <button id="sign-out" class="secondary" disabled=move || pending.get()
                on:click=move |_| { sign_out.dispatch(()); }>
                {move || if pending.get() { text::SIGNING_OUT } else { text::SIGN_OUT_BUTTON }}
            </button>
        </section>
    }
}
