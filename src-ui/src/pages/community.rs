//! A community's own page: description, lead, members, upcoming events (to a calendar file, to the
//! development plan), "Saya hadir" at the ones under way and the recent ones, and join / leave (each
//! applied at once from the device, marked as waiting until the server has it).

use crate::context::{loaded, Act, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use penggerak_types::ipc::{Action as UserAction, CommunityItem, EventItem};
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

    // The communities beside the page on a desktop: hers first, then the others, each by name.
    let others = move || {
        data.get().and_then(Result::ok).map(|v| {
            let mut list = v.communities;
            list.sort_by_key(|c| !c.member);
            let links =
                list.into_iter().map(|c| (format!("/komunitas/{}", c.community.id), c.community.name));
            super::beside::beside("beside-communities", td_string!(l, komunitas_title), links.collect())
        })
    };
    view! {
        <div class="with-beside">
            <section class="card community-page" aria-labelledby="community-title">
                <A href="/komunitas">{td_string!(l, back_to_communities)}</A>
                <p id="community-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                {loaded(l, data, move |v| match v.communities.into_iter().find(|c| c.community.id == id()) {
                            Some(item) => {
                                let leads = item.community.lead_id == ctx.profile.id;
                                page(l, item, leads, act).into_any()
                            }
                            None => view! { <p class="error">{td_string!(l, community_missing)}</p> }.into_any(),
                        })}
            </section>
            {others}
        </div>
    }
}

/// `leads`: the user is the community's lead, who cannot leave it (the server refuses), so no leave button
/// is offered.
fn page(l: Locale, item: CommunityItem, leads: bool, act: Act) -> impl IntoView {
    let c = item.community;
    let id = c.id.clone();
    let member = item.member;
    // Saving an event to a calendar, and what it came to, said under the events.
    let said = RwSignal::new(None::<String>);
    // Saving an event to a calendar (a task, not an action: its code is paid for in every copy of the app).
    let exporting = RwSignal::new(false);
    let export = move |id: String| {
        exporting.set(true);
        leptos::task::spawn_local(async move {
            let title = td_string!(l, event_calendar_dialog).to_owned();
            said.set(match ipc::export_event(id, title).await {
                Ok(true) => Some(td_string!(l, event_calendar_saved).to_owned()),
                Ok(false) => None,
                Err(e) => Some(view_model::error_text(l, &e)),
            });
            exporting.set(false);
        });
    };
    let events = if item.events.is_empty() {
        view! { <p>{td_string!(l, events_none)}</p> }.into_any()
    } else {
        view! {
            <ul id="community-events" class="list">
                {item.events.into_iter().map(|e| event_row(l, e, act, export, exporting, true)).collect_view()}
            </ul>
        }
        .into_any()
    };
    let past = (!item.past.is_empty()).then(|| {
        view! {
            <h2>{td_string!(l, events_past_heading)}</h2>
            <p class="muted">
                {td_string!(l, events_past_intro_before)}" "{penggerak_types::limits::ATTENDANCE_DAYS}" "{td_string!(l, events_past_intro_after)}
            </p>
            <ul id="community-past-events" class="list">
                {item.past.into_iter().map(|e| event_row(l, e, act, export, exporting, false)).collect_view()}
            </ul>
        }
    });
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
        {if member && leads {
            view! { <p id="community-you-lead" class="muted">{td_string!(l, community_you_lead)}</p> }.into_any()
        } else {
            view! {
                <button id=if member { "leave" } else { "join" } class=if member { "secondary" } else { "primary" }
                    disabled=move || act.pending().get()
                    on:click=move |_| {
                        let id = id.clone();
                        act.dispatch(if member { UserAction::LeaveCommunity { id } } else { UserAction::JoinCommunity { id } });
                    }>
                    {if member { td_string!(l, leave) } else { td_string!(l, join) }}
                </button>
            }.into_any()
        }}
        <h2>{td_string!(l, events_heading)}</h2>
        {events}
        {past}
        <p id="event-said" role="status">{move || said.get().unwrap_or_default()}</p>
    }
}

/// One event: when, what, where (an https meeting link opens in the browser), who speaks, how many were
/// there; "Saya hadir" (or the user's attendance, with "Batal hadir") while attendance can be said;
/// "Tambah ke kalender" for one still to come (`upcoming`); "Jadikan kegiatan PKB".
fn event_row(
    l: Locale,
    item: EventItem,
    act: Act,
    export: impl Fn(String) + Copy + 'static,
    exporting: RwSignal<bool>,
    upcoming: bool,
) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let EventItem { event: e, attended, pending, can_attend } = item;
    // An online meeting's address opens in the browser when it is https (the only kind the app may
    // open); any other is shown as text, to be copied.
    let secure = e.link.clone().filter(|u| view_model::is_https(u));
    let place = e.place.or(e.link.filter(|u| !view_model::is_https(u))).unwrap_or_default();
    let (title, event_id) = (e.title.clone(), e.id.clone());
    let date = view_model::local_date(&e.starts_at, zone);
    let (attend_id, calendar_id) = (e.id.clone(), e.id.clone());
    // How many were there, and whether she was (and whether that waits to sync), on one line.
    let status = (e.attendee_count > 0 || attended || pending).then(|| {
        view! {
            <p class="muted attendance">
                {(e.attendee_count > 0).then(|| view_model::attendees_label(l, e.attendee_count))}
                {attended.then(|| view! { " " <span class="status-chip attended">{td_string!(l, attended)}</span> })}
                {pending.then(|| view! { " " <span class="badge pending">{td_string!(l, waiting_sync)}</span> })}
            </p>
        }
    });
    let attend_button = can_attend.then(|| {
        let action = if attended {
            UserAction::UnattendEvent { id: attend_id }
        } else {
            UserAction::AttendEvent { id: attend_id }
        };
        view! {
            <button class=if attended { "secondary unattend" } else { "primary attend" }
                disabled=move || act.pending().get()
                on:click=move |_| { act.dispatch(action.clone()); }>
                {if attended { td_string!(l, unattend) } else { td_string!(l, attend) }}
            </button>
        }
    });
    view! {
        <li data-event=e.id.clone()>
            <span class="date">{view_model::time_label(l, &e.starts_at, zone)}</span>" · "<strong>{e.title}</strong>
            {(!place.is_empty()).then(|| view! { <p class="muted">{place}</p> })}
            {e.speaker.map(|s| view! { <p class="muted">{td_string!(l, speaker)}" "{s}</p> })}
            {status}
            <div class="actions">
                {attend_button}
                // A meeting's link is for joining it: shown while it is to come.
                {secure.filter(|_| upcoming).map(|url| {
                    let shown = url.clone();
                    view! {
                        <button class="secondary event-link" data-url=shown on:click=move |_| {
                            let url = url.clone();
                            leptos::task::spawn_local(async move {
                                if let Err(e) = ipc::open_link(url).await {
                                    leptos::logging::warn!("the event's link did not open: {}", e.message);
                                }
                            });
                        }>{td_string!(l, event_open_link)}</button>
                    }
                })}
                {upcoming.then(|| view! {
                    <button class="secondary event-to-calendar" disabled=move || exporting.get()
                        on:click=move |_| export(calendar_id.clone())>{td_string!(l, event_to_calendar)}</button>
                })}
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
            </div>
        </li>
    }
}
