//! Komunitas: the user's communities, then every community on the device with a search and filters by
//! topic, jenjang and region; each opens its own page. Joining and leaving work offline: the change shows at
//! once, marked as waiting, and the sync loop sends it when the server can be reached.

use crate::context::{filter_choice, loaded, PageContext};
use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::lang::use_i18n;
use crate::view_model::{self, CommunityFilter};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::ipc::{CommunitiesView, CommunityItem};

#[component]
pub fn Komunitas() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::communities);
    let filter = RwSignal::new(CommunityFilter::default());

    view! {
        <section class="card komunitas" aria-labelledby="komunitas-title">
            <h1 id="komunitas-title">{td_string!(l, komunitas_title)}</h1>
            {loaded(l, data, move |v| lists(l, v, filter))}
        </section>
    }
}

fn lists(l: Locale, v: CommunitiesView, filter: RwSignal<CommunityFilter>) -> impl IntoView {
    let (topics, jenjang, regions) = view_model::filter_options(&v.communities);
    let mine: Vec<CommunityItem> = v.communities.iter().filter(|c| c.member).cloned().collect();
    let all = v.communities;
    let shown = move || {
        let f = filter.get();
        all.iter().filter(|c| f.matches(&c.community)).cloned().collect::<Vec<_>>()
    };
    view! {
        <h2>{td_string!(l, my_communities)}</h2>
        {if mine.is_empty() {
            view! { <p id="my-communities-none">{td_string!(l, my_communities_none)}</p> }.into_any()
        } else {
            view! { <ul id="my-communities" class="communities">{mine.into_iter().map(|i| row(l, i)).collect_view()}</ul> }.into_any()
        }}
        <h2>{td_string!(l, all_communities)}</h2>
        <div class="filters" role="search">
            <label for="community-search">{td_string!(l, search_label)}</label>
            <input id="community-search" type="search" placeholder=td_string!(l, search_placeholder)
                prop:value=move || filter.get().q
                on:input=move |ev| filter.update(|f| f.q = event_target_value(&ev)) />
            <div class="filter-row">
                {filter_choice(l, "filter-topic", td_string!(l, filter_topic), topics, filter, |f| &mut f.topic)}
                {filter_choice(l, "filter-jenjang", td_string!(l, filter_jenjang), jenjang, filter, |f| &mut f.jenjang)}
                {filter_choice(l, "filter-region", td_string!(l, filter_region), regions, filter, |f| &mut f.region)}
            </div>
        </div>
        {move || {
            let list = shown();
            if list.is_empty() {
                view! { <p id="communities-none">{td_string!(l, communities_none)}</p> }.into_any()
            } else {
                view! { <ul id="all-communities" class="communities">{list.into_iter().map(|i| row(l, i)).collect_view()}</ul> }.into_any()
            }
        }}
    }
}

/// One community in a list: name (a link to its page), topic, jenjang, place, members, and its state.
fn row(l: Locale, item: CommunityItem) -> impl IntoView {
    let c = item.community;
    let href = format!("/komunitas/{}", c.id);
    view! {
        <li class="community" data-id=c.id.clone()>
            <A href=href>{c.name.clone()}</A>
            <p class="muted">{format!("{} · {} · {}", c.topic, c.jenjang, c.regency)}</p>
            <p>
                <span class="members">{view_model::members_label(l, c.member_count)}</span>
                {item.member.then(|| view! { " " <span class="status-chip">{td_string!(l, member)}</span> })}
                {item.pending.then(|| view! { " " <span class="badge pending">{td_string!(l, waiting_sync)}</span> })}
            </p>
        </li>
    }
}
