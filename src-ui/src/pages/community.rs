//! A community's own page: description, lead, members, upcoming events, and join / leave (applied at once
//! from the device, marked as waiting until the server has it).

use crate::context::{loaded, Act, PageContext};
use crate::i18n::{td_string, use_i18n, Locale};
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use penggerak_types::ipc::{Action as UserAction, CommunityItem};
use penggerak_types::pkb::{NewPkbItem, PkbItemKind};

/// The JP a community event counts for when it becomes a development-plan activity (one meeting: two
/// lesson hours, the unit the ministry's PKB records use for a komunitas belajar session).
const EVENT_JP: u32 = 2;

#[component]
pub fn Community() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = ctx.read(ipc::communities);
    let error = RwSignal::new(None::<String>);
    let act = ctx.action(error, ipc::act);

    view! {
        <section class="card community-page" aria-labelledby="community-title">
            <A href="/komunitas">{td_string!(l, back_to_communities)}</A>
            <p id="community-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {loaded(l, data, move |v| match v.communities.into_iter().find(|c| c.community.id == id()) {
                        Some(item) => page(l, item, act).into_any(),
                        None => view! { <p class="error">{td_string!(l, community_missing)}</p> }.into_any(),
                    })}
        </section>
    }
}

fn page(l: Locale, item: CommunityItem, act: Act) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let c = item.community;
    let id = c.id.clone();
    let member = item.member;
    let events = if item.events.is_empty() {
        view! { <p>{td_string!(l, events_none)}</p> }.into_any()
    } else {
        view! {
            <ul id="community-events" class="list">
                {item.events.into_iter().map(|e| {
                    // An online meeting's address opens in the browser when it is https (the only
                    // kind the app may open); any other is shown as text, to be copied.
                    let secure = e.link.clone().filter(|u| view_model::is_https(u));
                    let place = e.place.or(e.link.filter(|u| !view_model::is_https(u))).unwrap_or_default();
                    let (title, event_id) = (e.title.clone(), e.id.clone());
                    let date = view_model::local_date(&e.starts_at, zone);
                    view! {
                        <li>
                            <span class="date">{view_model::time_label(l, &e.starts_at, zone)}</span>" · "<strong>{e.title}</strong>
                            {(!place.is_empty()).then(|| view! { <p class="muted">{place}</p> })}
                            {secure.map(|url| {
                                let shown = url.clone();
                                view! {
                                    <p><button class="secondary event-link" data-url=shown on:click=move |_| {
                                        let url = url.clone();
                                        leptos::task::spawn_local(async move {
                                            if let Err(e) = ipc::open_link(url).await {
                                                leptos::logging::warn!("the event's link did not open: {}", e.message);
                                            }
                                        });
                                    }>{td_string!(l, event_open_link)}</button></p>
                                }
                            })}
                            {e.speaker.map(|s| view! { <p class="muted">{td_string!(l, speaker)}" "{s}</p> })}
                            <button class="secondary event-to-pkb" disabled=move || act.pending().get() on:click=move |_| {
                                let new = NewPkbItem {
                                    id: String::new(),
                                    kind: PkbItemKind::KomunitasBelajar,
                                    title: title.clone(),
                                    jp: EVENT_JP,
                                    target_date: Some(date.clone()),
                                    community_event_id: Some(event_id.clone()),
                                };
                                act.dispatch(UserAction::AddPkbItem { new });
                            }>{td_string!(l, event_to_pkb)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h1 id="community-title">{c.name}</h1>
        <p class="muted">{format!("{} · {} · {}, {}", c.topic, c.jenjang, c.regency, c.province)}</p>
        <p>
            <span id="community-members" class="members">{view_model::members_label(l, c.member_count)}</span>
            {member.then(|| view! { " " <span class="status-chip">{td_string!(l, member)}</span> })}
            {item.pending.then(|| view! { " " <span id="community-pending" class="badge pending">{td_string!(l, waiting_sync)}</span> })}
        </p>
        <p>{c.description}</p>
        <p><strong>{td_string!(l, lead)}</strong>" "{c.lead_name}</p>
        <button id=if member { "leave" } else { "join" } class=if member { "secondary" } else { "primary" }
            disabled=move || act.pending().get()
            on:click=move |_| {
                let id = id.clone();
                act.dispatch(if member { UserAction::LeaveCommunity { id } } else { UserAction::JoinCommunity { id } });
            }>
            {if member { td_string!(l, leave) } else { td_string!(l, join) }}
        </button>
        <h2>{td_string!(l, events_heading)}</h2>
        {events}
    }
}
