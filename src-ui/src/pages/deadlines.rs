//! Semua tenggat: every deadline from today on (Beranda shows the nearest few), each leading to its page,
//! and "Simpan ke kalender": the whole list as a calendar file (`.ics`) saved where the user chooses, to
//! open in her phone's or computer's calendar.

use crate::context::{loaded, PageContext};
use crate::i18n::td_string;
use crate::lang::use_i18n;
use crate::pages::home::deadline_list;
use crate::{ipc, view_model};
use leptos::prelude::*;

#[component]
pub fn Tenggat() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::deadlines);
    let said = RwSignal::new(None::<String>);
    let export = Action::new_local(move |_: &()| {
        ipc::export_deadlines(td_string!(l, deadlines_export_dialog).to_owned())
    });
    Effect::new(move |_| match export.value().get() {
        Some(Ok(true)) => said.set(Some(td_string!(l, deadlines_exported).to_owned())),
        Some(Ok(false)) => said.set(None),
        Some(Err(e)) => said.set(Some(view_model::error_text(l, &e))),
        None => {}
    });
    view! {
        <section class="card tenggat" aria-labelledby="deadlines-title">
            <h1 id="deadlines-title">{td_string!(l, deadlines_title)}</h1>
            <p>{td_string!(l, deadlines_intro)}</p>
            {loaded(l, data, move |list| if list.is_empty() {
                view! { <p id="deadlines-none">{td_string!(l, deadlines_none)}</p> }.into_any()
            } else {
                view! {
                    {deadline_list(l, "all-deadlines-list", list)}
                    <div class="actions">
                        <button id="deadlines-export" class="secondary" disabled=move || export.pending().get()
                            on:click=move |_| { export.dispatch(()); }>{td_string!(l, deadlines_export)}</button>
                    </div>
                }.into_any()
            })}
            <p id="deadlines-said" role="status">{move || said.get().unwrap_or_default()}</p>
        </section>
    }
}
