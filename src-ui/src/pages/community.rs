//! A community's own page: description, lead, members, upcoming events, and join / leave (applied at once
//! from the device, marked as waiting until the server has it).

use crate::app::{Act, Shell};
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use penggerak_types::ipc::{Action as UserAction, CommunityItem};

#[component]
pub fn Community() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = shell.read(ipc::communities);
    let error = RwSignal::new(None::<String>);
    let act = shell.action(error, ipc::act);

    view! {
        <section class="card community-page" aria-labelledby="community-title">
            <A href="/komunitas">{text::BACK_TO_COMMUNITIES}</A>
            <p id="community-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(v) => match v.communities.into_iter().find(|c| c.community.id == id()) {
                        Some(item) => page(item, act).into_any(),
                        None => view! { <p class="error">{text::COMMUNITY_MISSING}</p> }.into_any(),
                    },
                    Err(e) => view! { <p class="error" role="alert">{view_model::error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn page(item: CommunityItem, act: Act) -> impl IntoView {
    let c = item.community;
    let id = c.id.clone();
    let member = item.member;
    let events = if item.events.is_empty() {
        view! { <p>{text::EVENTS_NONE}</p> }.into_any()
    } else {
        view! {
            <ul id="community-events" class="list">
                {item.events.into_iter().map(|e| {
                    let place = e.place.or(e.link).unwrap_or_default();
                    view! {
                        <li>
                            <span class="date">{view_model::date_label(&e.starts_at)}</span>" · "<strong>{e.title}</strong>
                            <p class="muted">{place}</p>
                            {e.speaker.map(|s| view! { <p class="muted">{text::SPEAKER}" "{s}</p> })}
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
            <span id="community-members" class="members">{view_model::members_label(c.member_count)}</span>
            {member.then(|| view! { " " <span class="status-chip">{text::MEMBER}</span> })}
            {item.pending.then(|| view! { " " <span id="community-pending" class="badge pending">{text::WAITING_SYNC}</span> })}
        </p>
        <p>{c.description}</p>
        <p><strong>{text::LEAD}</strong>" "{c.lead_name}</p>
        <button id=if member { "leave" } else { "join" } class=if member { "secondary" } else { "primary" }
            disabled=move || act.pending().get()
            on:click=move |_| {
                let id = id.clone();
                act.dispatch(if member { UserAction::LeaveCommunity { id } } else { UserAction::JoinCommunity { id } });
            }>
            {if member { text::LEAVE } else { text::JOIN }}
        </button>
        <h2>{text::EVENTS_HEADING}</h2>
        {events}
    }
}
