//! The signed-in app's frame around the pages: the menu (a bottom bar on a phone, "Lainnya" for the rest;
//! a side menu on a desktop) and the top bar (the page's name, what needs the user, and the sync state,
//! whose details open under it on a phone and stay in view on a desktop). Which page is where comes from
//! `view_model::menu`; the layouts are the stylesheet's (`style.css`, 1024 px apart).

use crate::context::PageContext;
use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::lang::use_i18n;
use crate::view_model::{self, Dest, Place, SyncMark};
use crate::{t, t_string};
use icondata_lu as lu;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use penggerak_types::ipc::SyncPhase;

fn icon(d: Dest) -> icondata_core::Icon {
    match d {
        Dest::Home => lu::LuHouse,
        Dest::Status => lu::LuGraduationCap,
        Dest::Komunitas => lu::LuUsers,
        Dest::Rencana => lu::LuListChecks,
        Dest::Kinerja => lu::LuClipboardCheck,
        Dest::Staf => lu::LuContact,
        Dest::Binaan => lu::LuSchool,
        Dest::Materi => lu::LuBookOpen,
        Dest::Settings => lu::LuSettings,
        Dest::Help => lu::LuLifeBuoy,
    }
}

fn label(l: Locale, d: Dest) -> &'static str {
    match d {
        Dest::Home => td_string!(l, nav_home),
        Dest::Status => td_string!(l, nav_status),
        Dest::Komunitas => td_string!(l, nav_komunitas),
        Dest::Rencana => td_string!(l, nav_rencana),
        Dest::Kinerja => td_string!(l, nav_kinerja),
        Dest::Staf => td_string!(l, nav_staf),
        Dest::Binaan => td_string!(l, nav_binaan),
        Dest::Materi => td_string!(l, nav_materi),
        Dest::Settings => td_string!(l, nav_settings),
        Dest::Help => td_string!(l, nav_help),
    }
}

/// The page's name in the top bar.
fn title(l: Locale, p: Place) -> &'static str {
    match p {
        Place::Menu(d) => label(l, d),
        Place::Conflicts => td_string!(l, conflicts_title),
        Place::Refused => td_string!(l, refused_title),
        Place::Storage => td_string!(l, storage_title),
        Place::Welcome => td_string!(l, welcome_title),
        Place::Deadlines => td_string!(l, deadlines_title),
    }
}

/// One menu entry: `A` marks the page shown with aria-current="page" (screen readers say it; the style
/// shows it). `Beranda` is current only on its own path.
fn entry(d: Dest) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href=d.href() exact=d == Dest::Home attr:id=format!("nav-{}", d.id())>
            <Icon icon=icon(d) width="24" height="24" attr:aria-hidden="true" />
            <span class="nav-text">{move || label(i18n.get_locale(), d)}</span>
        </A>
    }
}

/// The menu of the signed-in user's role.
#[component]
pub fn Menu() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<PageContext>();
    let menu = view_model::menu(ctx.profile.role);
    let more_open = RwSignal::new(false);
    let location = use_location();
    let in_more = {
        let menu = menu.clone();
        move || view_model::in_more(&menu, &location.pathname.get())
    };
    // Whatever page opens, the "Lainnya" sheet closes.
    Effect::new(move |_| {
        location.pathname.track();
        more_open.set(false);
    });
    view! {
        <nav class="nav" class:more-open=move || more_open.get() aria-label=move || t_string!(i18n, nav_label)>
            <ul class="nav-bar">
                {menu.bar.into_iter().map(|d| view! { <li>{entry(d)}</li> }).collect_view()}
                <li class="nav-more-item">
                    <button id="nav-more" class="nav-more" class:current=in_more aria-expanded=move || more_open.get().to_string()
                        aria-controls="nav-more-list" on:click=move |_| more_open.update(|o| *o = !*o)>
                        <Icon icon=lu::LuMenu width="24" height="24" attr:aria-hidden="true" />
                        <span class="nav-text">{t!(i18n, nav_more)}</span>
                    </button>
                </li>
            </ul>
            // A page chosen in the sheet closes it, the page already open too (its address does not change,
            // so the effect above does not run, and the sheet stayed over the page).
            <ul id="nav-more-list" class="nav-more-list" aria-label=move || t_string!(i18n, nav_more_label)
                on:click=move |_| more_open.set(false)>
                {menu.more.into_iter().map(|d| view! { <li>{entry(d)}</li> }).collect_view()}
            </ul>
        </nav>
    }
}

/// The top bar: the page's name, the conflicts and refused changes waiting for the user (always in view:
/// what the engine knows, the user sees), and the sync state, which opens the sync details on a phone.
#[component]
pub fn TopBar() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<PageContext>();
    let sync = ctx.sync;
    let zone = ctx.zone();
    let location = use_location();
    let open = RwSignal::new(false);
    let sync_now = Action::new_local(|_: &()| ipc::sync_now());
    // Another page closes the details.
    Effect::new(move |_| {
        location.pathname.track();
        open.set(false);
    });
    let mark = move || view_model::sync_mark(&sync.get());
    let short = move || {
        let l = i18n.get_locale();
        let s = sync.get();
        match view_model::sync_mark(&s) {
            SyncMark::Failed => td_string!(l, sync_short_failed).to_owned(),
            SyncMark::Offline => td_string!(l, sync_offline).to_owned(),
            SyncMark::Running => td_string!(l, sync_short_running).to_owned(),
            SyncMark::Waiting => crate::counted!(
                l,
                s.waiting,
                sync_short_waiting_singular,
                sync_short_waiting_plural,
                count = s.waiting
            ),
            SyncMark::Done => td_string!(l, sync_short_done).to_owned(),
        }
    };
    let mark_icon = move || match mark() {
        SyncMark::Failed => lu::LuTriangleAlert,
        SyncMark::Offline => lu::LuCloudOff,
        SyncMark::Running => lu::LuRefreshCw,
        SyncMark::Waiting => lu::LuCloudUpload,
        SyncMark::Done => lu::LuCloudCheck,
    };
    let mark_class = move || match mark() {
        SyncMark::Failed => "sync-state failed",
        SyncMark::Offline => "sync-state offline",
        SyncMark::Running => "sync-state running",
        SyncMark::Waiting => "sync-state waiting",
        SyncMark::Done => "sync-state done",
    };
    view! {
        <header class="topbar">
            <p class="page-title" aria-hidden="true">
                {move || title(i18n.get_locale(), view_model::place_of(&location.pathname.get()))}
            </p>
            // Each chip but on the page it opens (there it only pushed the page's name and the sync state
            // out of the bar on a phone).
            {move || (sync.get().conflicts > 0 && location.pathname.get() != "/konflik").then(|| view! {
                <A href="/konflik" attr:id="open-conflicts" attr:class="badge warn">{t!(i18n, conflicts_open)}</A>
            })}
            {move || {
                let s = sync.get();
                let refused = s.notices > 0;
                ((refused || s.stranded > 0) && location.pathname.get() != "/ditolak").then(|| view! {
                    // Worded in the language chosen, which may change while it is shown.
                    <A href="/ditolak" attr:id="open-refused" attr:class="badge warn">
                        {move || if refused { t_string!(i18n, refused_open) } else { t_string!(i18n, stranded_open) }}
                    </A>
                })
            }}
            <button id="sync-state" class=mark_class aria-expanded=move || open.get().to_string()
                aria-controls="sync-details" title=move || t_string!(i18n, sync_details)
                on:click=move |_| open.update(|o| *o = !*o)>
                <Icon icon=Signal::derive(mark_icon) width="20" height="20" attr:aria-hidden="true" />
                <span class="sync-word">{short}</span>
            </button>
        </header>
        <div id="sync-details" class="sync-details" class:open=move || open.get()>
            <p id="sync-line" class="sync-line" role="status" aria-live="polite">
                <span>{move || view_model::sync_line(i18n.get_locale(), &sync.get(), zone)}</span>
                {move || view_model::sync_progress(&sync.get()).map(|(done, total)| view! {
                    <progress id="sync-progress" max=total.to_string() value=done.to_string()
                        aria-label=move || t_string!(i18n, sync_running)></progress>
                })}
                <button id="sync-now" class="link" on:click=move |_| { sync_now.dispatch(()); }>
                    {t!(i18n, sync_now)}
                </button>
            </p>
        </div>
        // A failed sync says why (an offline one says it in Pengaturan: "Luring" says enough here).
        {move || (sync.get().phase == SyncPhase::Error)
            .then(|| view_model::sync_problem(i18n.get_locale(), &sync.get()))
            .flatten()
            .map(|why| view! { <p id="sync-problem" class="error" role="alert">{why}</p> })}
    }
}
