//! The root component: loads the session state once, then shows the sign-in page or the signed-in app
//! (its menu, the sync status line and the pages, routed one file per page).

use crate::pages::{
    community::Community, home::Home, kinerja::Kinerja, komunitas::Komunitas, konflik::Konflik,
    pengaturan::Pengaturan, rencana::Rencana, sign_in::SignIn, status::Status,
};
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use penggerak_types::api::Profile;
use penggerak_types::ipc::{SessionState, SyncPhase, SyncStatus};
use penggerak_types::ApiError;
use std::future::Future;

/// What the user does on a page (`act`), as the pages hold it.
pub type Act = Action<penggerak_types::ipc::Action, Result<(), ApiError>>;

/// What the root shows. `Failed` keeps the error so the screen can say what went wrong and offer a retry.
#[derive(Clone, Debug, PartialEq)]
enum Screen {
    Loading,
    Failed(String),
    Session(SessionState),
}

/// What every signed-in page can reach: who is signed in, how to report a new session state, the sync
/// status, and a counter that goes up whenever the store may have changed (a sync settled, an action
/// applied) so pages read it again.
#[derive(Clone)]
pub struct Shell {
    pub profile: Profile,
    /// The server this device is signed in to.
    pub server_url: String,
    pub on_session: Callback<SessionState>,
    pub sync: RwSignal<SyncStatus>,
    pub changed: RwSignal<u32>,
}

impl Shell {
    /// Tells the pages to read the store again.
    pub fn refresh(&self) {
        self.changed.update(|n| *n += 1);
    }

    /// A page's data, read from the store through `read` (an `ipc` call), and read again whenever the
    /// store may have changed.
    pub fn read<T, Fut>(&self, read: impl Fn() -> Fut + 'static) -> LocalResource<Result<T, ApiError>>
    where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let changed = self.changed;
        LocalResource::new(move || {
            changed.track();
            read()
        })
    }

    /// Something the user does, through `call` (an `ipc` call): when it is done the pages read the store
    /// again; when it is refused, `error` says why (and is cleared by the next success).
    pub fn action<I, Fut>(
        &self,
        error: RwSignal<Option<String>>,
        call: impl Fn(I) -> Fut + 'static,
    ) -> Action<I, Result<(), ApiError>>
    where
        I: Clone + 'static,
        Fut: Future<Output = Result<(), ApiError>> + 'static,
    {
        let action = Action::new_local(move |input: &I| call(input.clone()));
        let shell = self.clone();
        Effect::new(move |_| match action.value().get() {
            Some(Ok(())) => {
                error.set(None);
                shell.refresh();
            }
            Some(Err(e)) => error.set(Some(view_model::error_text(&e))),
            None => {}
        });
        action
    }
}

#[component]
pub fn App() -> impl IntoView {
    let screen = RwSignal::new(Screen::Loading);
    let load = Action::new_local(|_: &()| ipc::session_state());
    Effect::new(move |_| {
        if let Some(result) = load.value().get() {
            screen.set(match result {
                Ok(state) => Screen::Session(state),
                Err(e) => Screen::Failed(view_model::error_text(&e)),
            });
        }
    });
    load.dispatch(());
    // Pages report a new session state (signed in, signed out) through this callback.
    let on_session = Callback::new(move |state: SessionState| screen.set(Screen::Session(state)));

    view! {
        <main class="app">
            {move || match screen.get() {
                Screen::Loading => view! { <p class="status" role="status">{text::LOADING}</p> }.into_any(),
                Screen::Failed(message) => view! {
                    <section class="card" aria-labelledby="failed-title">
                        <h1 id="failed-title">{text::APP_NAME}</h1>
                        <p class="error" role="alert">{message}</p>
                        <button class="primary" on:click=move |_| { load.dispatch(()); }>{text::RETRY}</button>
                    </section>
                }.into_any(),
                Screen::Session(SessionState::SignedOut { server_url }) => {
                    view! { <SignIn server_url=server_url on_session=on_session /> }.into_any()
                }
                Screen::Session(SessionState::SignedIn { profile, server_url }) => {
                    view! { <SignedIn profile=*profile server_url=server_url on_session=on_session /> }.into_any()
                }
            }}
        </main>
    }
}

/// The signed-in app: menu, sync status line, pages.
#[component]
fn SignedIn(profile: Profile, server_url: String, on_session: Callback<SessionState>) -> impl IntoView {
    let sync = RwSignal::new(SyncStatus::default());
    let shell = Shell { profile, server_url, on_session, sync, changed: RwSignal::new(0) };
    provide_context(shell.clone());
    let listener = shell.clone();
    leptos::task::spawn_local(async move {
        if let Ok(s) = ipc::sync_status().await {
            sync.set(s);
        }
        let on_status = move |s: SyncStatus| {
            let settled = s.phase == SyncPhase::Idle;
            sync.set(s);
            if settled {
                listener.refresh();
            }
        };
        if let Err(e) = ipc::on_sync_status(on_status).await {
            leptos::logging::warn!("sync status events unavailable: {}", e.message);
        }
    });
    let sync_now = Action::new_local(|_: &()| ipc::sync_now());

    view! {
        <Router>
            <div class="shell">
                // `A` marks the page being shown with aria-current="page" (screen readers say it; the
                // style shows it).
                <nav class="tabs" aria-label=text::NAV_LABEL>
                    <A href="/" exact=true attr:id="nav-home">{text::NAV_HOME}</A>
                    <A href="/status" attr:id="nav-status">{text::NAV_STATUS}</A>
                    <A href="/komunitas" attr:id="nav-komunitas">{text::NAV_KOMUNITAS}</A>
                    <A href="/rencana" attr:id="nav-rencana">{text::NAV_RENCANA}</A>
                    <A href="/kinerja" attr:id="nav-kinerja">{text::NAV_KINERJA}</A>
                    <A href="/pengaturan" attr:id="nav-settings">{text::NAV_SETTINGS}</A>
                </nav>
                <p id="sync-line" class="sync-line" role="status" aria-live="polite">
                    <span>{move || view_model::sync_line(&sync.get())}</span>
                    {move || (sync.get().conflicts > 0).then(|| view! {
                        <A href="/konflik" attr:id="open-conflicts" attr:class="badge warn">{text::CONFLICTS_OPEN}</A>
                    })}
                    <button id="sync-now" class="link" on:click=move |_| { sync_now.dispatch(()); }>
                        {text::SYNC_NOW}
                    </button>
                </p>
                <Routes fallback=Home>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/status") view=Status />
                    <Route path=path!("/komunitas") view=Komunitas />
                    <Route path=path!("/komunitas/:id") view=Community />
                    <Route path=path!("/rencana") view=Rencana />
                    <Route path=path!("/kinerja") view=Kinerja />
                    <Route path=path!("/pengaturan") view=Pengaturan />
                    <Route path=path!("/konflik") view=Konflik />
                </Routes>
            </div>
        </Router>
    }
}
