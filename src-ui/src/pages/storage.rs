//! Penyimpanan: what the saved materials take on this device, largest first, with the total and the free
//! space; each can be removed, or all at once (after a second tap), which deletes their folder.

use crate::context::{loaded, AskFirst, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::ipc::{MaterialItem, MaterialsView, Saved};

#[component]
pub fn Penyimpanan() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::materials);
    let error = RwSignal::new(None::<String>);
    let remove = ctx.action(error, ipc::remove_material);
    let remove_all = ctx.action(error, ipc::remove_all_materials);
    let busy = move || remove.pending().get() || remove_all.pending().get();
    view! {
        <section class="card storage" aria-labelledby="storage-title">
            <A href="/materi">{td_string!(l, back_to_materials)}</A>
            <h1 id="storage-title">{td_string!(l, storage_title)}</h1>
            <p class="muted">{td_string!(l, storage_intro)}</p>
            <p id="storage-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {loaded(l, data, move |v| {
                page(l, v, busy, move |id| { remove.dispatch(id); }, move || { remove_all.dispatch(()); })
            })}
        </section>
    }
}

fn page(
    l: Locale,
    v: MaterialsView,
    busy: impl Fn() -> bool + Copy + Send + Sync + 'static,
    on_remove: impl Fn(String) + Copy + Send + Sync + 'static,
    on_remove_all: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let mut saved: Vec<MaterialItem> = v.materials.into_iter().filter(|m| m.saved_bytes > 0).collect();
    saved.sort_by(|a, b| {
        b.saved_bytes.cmp(&a.saved_bytes).then_with(|| a.material.title.cmp(&b.material.title))
    });
    let used = view_model::bytes_label(l, v.saved_bytes);
    let free = v.free_bytes.map(|free| view_model::bytes_label(l, free));
    if saved.is_empty() {
        // Nothing saved: "uses 0 B" says nothing; the space left still helps.
        return view! {
            {free.map(|free| view! { <p id="storage-total">{td_string!(l, storage_free, free = free).to_string()}</p> })}
            <p id="storage-none">{td_string!(l, storage_none)}</p>
        }
        .into_any();
    }
    let total = match free {
        Some(free) => td_string!(l, storage_total, used = used, free = free).to_string(),
        None => td_string!(l, storage_total_unknown, used = used).to_string(),
    };
    view! {
        <p id="storage-total"><strong>{total}</strong></p>
        <ul id="storage-list" class="materials">
            {saved.into_iter().map(|m| {
                let id = m.material.id.clone();
                let (href, gone) = (format!("/materi/{id}"), id.clone());
                let partial = (m.saved == Saved::No).then(|| td_string!(l, storage_partial));
                view! {
                    <li class="material stored" data-id=id.clone()>
                        <A href=href>{m.material.title.clone()}</A>
                        <p class="muted">
                            <span class="stored-size">{view_model::bytes_label(l, m.saved_bytes)}</span>
                            {partial.map(|p| view! { " · " {p} })}
                        </p>
                        <AskFirst class="secondary remove-stored" label=td_string!(l, storage_remove).to_owned()
                            question=td_string!(l, ask_remove_material).to_owned() yes=td_string!(l, ask_yes).to_owned()
                            busy=Signal::derive(busy) on_yes=Callback::new(move |_| on_remove(gone.clone())) />
                    </li>
                }
            }).collect_view()}
        </ul>
        <AskFirst id="storage-remove-all" class="secondary" label=td_string!(l, storage_remove_all).to_owned()
            question=td_string!(l, storage_confirm_all).to_owned() yes=td_string!(l, storage_confirm_yes).to_owned()
            busy=Signal::derive(busy) on_yes=Callback::new(move |_| on_remove_all()) />
    }
    .into_any()
}
