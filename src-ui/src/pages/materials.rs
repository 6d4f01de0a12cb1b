//! Materi: the learning-materials catalogue the device holds (it syncs like everything else, so it can be
//! browsed offline), the ones saved for reading offline first, then all of them with kind, topic and
//! jenjang filters; each opens its own page, where it is saved, read and removed. Words typed in the search
//! box are searched on the device (titles, topics, summaries, and the text of saved materials) and the
//! results, within the filters, take the list's place. A line says whether Berbagi di sekolah is on (and
//! how many colleagues' devices are seen), linking to its setting.

use crate::context::{filter_choice, loaded, PageContext};
use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::lang::use_i18n;
use crate::view_model::{self, MaterialFilter, MATERIAL_KINDS};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::ipc::{MaterialItem, MaterialsView, Saved, SearchScope, SearchTarget};
use std::collections::HashMap;

#[component]
pub fn Materi() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::materials);
    let sharing = LocalResource::new(ipc::sharing);
    let filter = RwSignal::new(MaterialFilter::default());
    let typed = RwSignal::new(String::new());

    view! {
        <section class="card materi" aria-labelledby="materi-title">
            <h1 id="materi-title">{td_string!(l, materi_title)}</h1>
            <p class="muted">{td_string!(l, materi_intro)}</p>
            // Berbagi di sekolah: on (and how many colleagues' devices are seen) or off, with the way to it.
            {move || sharing.get().and_then(Result::ok).map(|s| {
                let text = if s.on {
                    td_string!(l, materials_sharing_on, count = s.peers.iter().filter(|p| !p.dropped).count()).to_string()
                } else {
                    td_string!(l, materials_sharing_off).to_string()
                };
                view! { <p><A href="/pengaturan#berbagi" attr:id="materials-sharing">{text}</A></p> }
            })}
            {loaded(l, data, move |v| lists(l, v, filter, typed))}
        </section>
    }
}

fn lists(
    l: Locale,
    v: MaterialsView,
    filter: RwSignal<MaterialFilter>,
    typed: RwSignal<String>,
) -> impl IntoView {
    if v.materials.is_empty() {
        return view! { <p id="materials-none">{td_string!(l, materi_none)}</p> }.into_any();
    }
    let saved: Vec<MaterialItem> = v.materials.iter().filter(|m| m.saved != Saved::No).cloned().collect();
    let (topics, jenjang) = view_model::material_filter_options(&v.materials);
    let storage = match v.saved_bytes {
        0 => td_string!(l, storage_link_empty).to_owned(),
        used => td_string!(l, storage_link, used = view_model::bytes_label(l, used)).to_string(),
    };
    let by_id: HashMap<String, MaterialItem> =
        v.materials.iter().map(|m| (m.material.id.clone(), m.clone())).collect();
    let all = v.materials;
    let shown = move || {
        let f = filter.get();
        all.iter().filter(|m| f.matches(m)).cloned().collect::<Vec<_>>()
    };
    // A result stays when its material passes the filters (one the catalogue no longer lists always does).
    let keep = move |g: &penggerak_types::ipc::SearchGroup| match &g.target {
        SearchTarget::Material { id } => by_id.get(id).is_none_or(|m| filter.with(|f| f.matches(m))),
        _ => true,
    };
    let searching = move || !typed.get().trim().is_empty();
    let (search, results) = crate::pages::search::search_box(
        l,
        SearchScope::Materials,
        "material-search",
        td_string!(l, material_search_label),
        td_string!(l, material_search_placeholder),
        typed,
        keep,
    );
    view! {
        <p><A href="/penyimpanan" attr:id="storage-link">{storage}</A></p>
        {move || (!saved.is_empty() && !searching()).then(|| view! {
            <h2>{td_string!(l, materi_saved_heading)}</h2>
            <ul id="saved-materials" class="materials">{saved.clone().into_iter().map(|m| row(l, m)).collect_view()}</ul>
        })}
        <h2>{td_string!(l, materi_all_heading)}</h2>
        <div class="filters">
            {search}
            <p class="muted hint">{td_string!(l, material_search_hint)}</p>
            <div class="filter-row">
                <div>
                    <label for="filter-kind">{td_string!(l, filter_kind)}</label>
                    <select id="filter-kind" prop:value=move || filter.get().kind on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| f.kind = v); }>
                        <option value="">{td_string!(l, filter_all)}</option>
                        {MATERIAL_KINDS.iter().map(|(key, kind)| view! {
                            <option value=*key>{view_model::material_kind_label(l, *kind)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {filter_choice(l, "filter-topic", td_string!(l, filter_topic), topics, filter, |f| &mut f.topic)}
                {filter_choice(l, "filter-jenjang", td_string!(l, filter_jenjang), jenjang, filter, |f| &mut f.jenjang)}
            </div>
        </div>
        {results}
        {move || (!searching()).then(|| {
            let list = shown();
            if list.is_empty() {
                view! { <p id="materials-match-none">{td_string!(l, materi_search_none)}</p> }.into_any()
            } else {
                view! { <ul id="all-materials" class="materials">{list.into_iter().map(|m| row(l, m)).collect_view()}</ul> }.into_any()
            }
        })}
    }
    .into_any()
}

/// One material in a list: title (a link to its page), kind, topic and jenjang, size, and its state on
/// the device.
fn row(l: Locale, item: MaterialItem) -> impl IntoView {
    let chip = view_model::saved_chip(l, &item);
    let saved = item.saved;
    let m = item.material;
    let mut facts = vec![view_model::material_kind_label(l, m.kind).to_owned(), m.topic.clone()];
    if !m.jenjang.is_empty() {
        facts.push(m.jenjang.join(", "));
    }
    facts.push(view_model::bytes_label(l, m.download_size()));
    view! {
        <li class="material" data-id=m.id.clone()>
            <A href=format!("/materi/{}", m.id)>{m.title.clone()}</A>
            <p class="muted">{facts.join(" · ")}</p>
            <p>{m.summary.clone()}</p>
            {chip.map(|c| view! {
                <p><span class=if saved == Saved::Yes { "status-chip" } else { "badge pending" }>{c}</span></p>
            })}
        </li>
    }
}
