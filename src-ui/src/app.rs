//! The root component: loads the session state once, then shows the sign-in page or the signed-in app
//! (its menu and top bar — `chrome` — and the pages, routed one file per page), in the device's language.

use crate::chrome::{Menu, TopBar};
use crate::context::{apply_look, locale, FirstHome, PageContext};
use crate::i18n::Locale;
use crate::lang::use_i18n;
use crate::lazy_pages::*;
use crate::pages::{home::Home, sign_in::SignIn};
use crate::t;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;
use leptos_router::Lazy;
use penggerak_types::api::Profile;
use penggerak_types::ipc::{SessionState, SyncPhase, SyncStatus};

/// What the root shows. `Failed` keeps the error so the screen can say what went wrong and offer a retry.
#[derive(Clone, Debug, PartialEq)]
enum Screen {
    Loading,
    Failed(String),
    Session(SessionState),
}

#[component]
pub fn App() -> impl IntoView {
    // Bahasa Indonesia until the device's choice is read (never the webview's own language).
    crate::lang::provide_i18n(Locale::id);
    view! { <Root /> }
}

#[component]
fn Root() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| ipc::set_locale(i18n.get_locale()));
    let screen = RwSignal::new(Screen::Loading);
    // Beranda's data, asked at launch beside the session (see `load`), for Beranda's first drawing only.
    let first_home = FirstHome(StoredValue::new(None));
    provide_context(first_home);
    let load = Action::new_local(|_: &()| async {
        // The three first questions at once, answered before anything is drawn: the first screen already
        // speaks and looks as chosen, and Beranda is drawn whole in the first layout (asked after the
        // frame was built, its data came back only once the webview had laid out the empty frame: ~50 ms
        // of a warm launch). Signed out, `home` fails and nothing is kept.
        let (preferences, session, home) =
            futures_util::future::join3(ipc::preferences(), ipc::session_state(), ipc::home()).await;
        let preferences = preferences.unwrap_or_default();
        apply_look(preferences.theme, preferences.text_size);
        (preferences.language, session, home.ok())
    });
    Effect::new(move |_| {
        if let Some((language, result, home)) = load.value().get() {
            first_home.0.set_value(home);
            i18n.set_locale(locale(language));
            screen.set(match result {
                Ok(state) => Screen::Session(state),
                Err(e) => Screen::Failed(view_model::error_text(locale(language), &e)),
            });
        }
    });
    load.dispatch(());
    // Pages report a new session state (signed in, signed out) through this callback.
    let on_session = Callback::new(move |state: SessionState| {
        // Another session: what was read at launch belongs to the one before, and it starts at Beranda,
        // not on the page the last one was left at (the router reads the address when it is built).
        first_home.0.set_value(None);
        go_to("/");
        screen.set(Screen::Session(state))
    });

    view! {
        <main class="app">
            {move || match screen.get() {
                Screen::Loading => view! { <p class="status" role="status">{t!(i18n, loading)}</p> }.into_any(),
                Screen::Failed(message) => view! {
                    <section class="card" aria-labelledby="failed-title">
                        <h1 id="failed-title">{t!(i18n, app_name)}</h1>
                        <p class="error" role="alert">{message}</p>
                        <button class="primary" on:click=move |_| { load.dispatch(()); }>{t!(i18n, retry)}</button>
                    </section>
                }.into_any(),
                Screen::Session(SessionState::SignedOut { server_url }) => {
                    view! { <SignIn server_url=server_url on_session=on_session /> }.into_any()
                }
                Screen::Session(SessionState::SignedIn { profile, server_url, welcome }) => {
                    // The first-run cards open first, before the router reads the address (once per account
                    // on this device: the cards' page says they were shown).
                    if welcome {
                        go_to("/mulai");
                    }
                    view! { <SignedIn profile=*profile server_url=server_url on_session=on_session /> }.into_any()
                }
            }}
        </main>
    }
}

/// Makes `path` the webview's address without a step in its history: what a router built next starts on.
fn go_to(path: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// The signed-in app: menu, sync status line, pages.
#[component]
fn SignedIn(profile: Profile, server_url: String, on_session: Callback<SessionState>) -> impl IntoView {
    ipc::mark(|| "signed-in shell built".to_owned());
    let sync = RwSignal::new(SyncStatus::default());
    let shell = PageContext { profile, server_url, on_session, sync, changed: RwSignal::new(0) };
    provide_context(shell.clone());
    let listener = shell.clone();
    let i18n = use_i18n();
    // Listen first, then ask: a status that changes between the two still arrives as an event. (Asking
    // first lost the event of a sync that ended in between, and the line said "Menyinkronkan…" until the
    // next sync, minutes later: the first sync after sign-in is quick enough to do that.) The answer to
    // the question is used only if no event came before it, as any event is at least as new.
    let heard = StoredValue::new(false);
    leptos::task::spawn_local(async move {
        let on_status = move |s: SyncStatus| {
            heard.set_value(true);
            let settled = s.phase == SyncPhase::Idle;
            sync.set(s);
            if settled {
                listener.refresh();
                // New data may bring a deadline into tomorrow or today.
                leptos::task::spawn_local(remind(i18n.get_locale_untracked()));
            }
        };
        if let Err(e) = ipc::on_sync_status(on_status).await {
            leptos::logging::warn!("sync status events unavailable: {}", e.message);
        }
        if let Ok(s) = ipc::sync_status().await {
            if !heard.get_value() {
                sync.set(s);
            }
        }
        leptos::task::spawn_local(remind(i18n.get_locale_untracked()));
    });
    view! {
        <Router>
            <div class="shell">
                <Menu />
                <div class="main">
                    <TopBar />
                <FlatRoutes fallback=Home>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/status") view={Lazy::<StatusPage>::new()} />
                    <Route path=path!("/komunitas") view={Lazy::<KomunitasPage>::new()} />
                    <Route path=path!("/komunitas/:id") view={Lazy::<CommunityPage>::new()} />
                    <Route path=path!("/rencana") view={Lazy::<RencanaPage>::new()} />
                    <Route path=path!("/kinerja") view={Lazy::<KinerjaPage>::new()} />
                    <Route path=path!("/materi") view={Lazy::<MateriPage>::new()} />
                    <Route path=path!("/materi/:id") view={Lazy::<MaterialPage>::new()} />
                    <Route path=path!("/penyimpanan") view={Lazy::<PenyimpananPage>::new()} />
                    <Route path=path!("/pengaturan") view={Lazy::<PengaturanPage>::new()} />
                    <Route path=path!("/konflik") view={Lazy::<KonflikPage>::new()} />
                    <Route path=path!("/ditolak") view={Lazy::<DitolakPage>::new()} />
                    <Route path=path!("/bantuan") view={Lazy::<BantuanPage>::new()} />
                    <Route path=path!("/tenggat") view={Lazy::<TenggatPage>::new()} />
                    <Route path=path!("/mulai") view={Lazy::<MulaiPage>::new()} />
                    <Route path=path!("/staf") view={Lazy::<StafPage>::new()} />
                    <Route path=path!("/staf/:id") view={Lazy::<StaffMemberPage>::new()} />
                    <Route path=path!("/binaan") view={Lazy::<BinaanPage>::new()} />
                    <Route path=path!("/binaan/:npsn") view={Lazy::<BinaanSchoolPage>::new()} />
                </FlatRoutes>
                </div>
            </div>
        </Router>
    }
}

/// Shows the deadline reminders that are due (the day before, and on the day), each once, worded in
/// `locale`. With reminders turned off in Pengaturan the device hands out none.
///
/// Lazily loaded (`#[lazy]`: a wasm module of its own, read from the app's files the first time): it runs
/// after the first content, so its code and the news' decoding stay out of the start module.
#[lazy]
async fn remind(locale: Locale) {
    let due = match ipc::take_reminders().await {
        Ok(due) => due,
        Err(e) => return leptos::logging::warn!("reminders unavailable: {}", e.message),
    };
    for r in due {
        let (title, body) = view_model::reminder_text(locale, &r);
        if let Err(e) = ipc::notify(title, body).await {
            leptos::logging::warn!("a reminder could not be shown: {}", e.message);
        }
    }
    // What the sync brought (a plan approved or returned, a predikat, plans waiting for a principal).
    let news = match ipc::take_news().await {
        Ok(news) => news,
        Err(e) => return leptos::logging::warn!("news unavailable: {}", e.message),
    };
    for n in news {
        let (title, body) = view_model::news_text(locale, &n);
        if let Err(e) = ipc::notify(title, body).await {
            leptos::logging::warn!("a notification could not be shown: {}", e.message);
        }
    }
}
