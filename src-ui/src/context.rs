//! What every page stands on: the page context (who is signed in, the sync status, reading the store and
//! acting through the engine), the error view, the frame that shows a page's data once it is read, and
//! the plan history more than one page shows.
//! Pages import this, and the router (`app.rs`) imports the pages: no page imports the router.

use crate::i18n::Locale;
use crate::lang::use_i18n;
use crate::t;
use crate::view_model;
use leptos::error::Errors;
use leptos::prelude::*;
use penggerak_types::api::Profile;
use penggerak_types::ipc::{Language, SessionState, SyncStatus, TextSize, Theme};
use penggerak_types::zone::Zone;
use penggerak_types::ApiError;
use std::future::Future;

/// What the user does on a page (`act`), as the pages hold it.
pub type Act = Action<penggerak_types::ipc::Action, Result<(), ApiError>>;

/// The UI's locale for a language the device keeps.
pub fn locale(language: Language) -> Locale {
    match language {
        Language::Id => Locale::id,
        Language::En => Locale::en,
    }
}

/// Shows the app in `theme` with its text at `size`: the root element's `data-theme` and `data-text`, which
/// the stylesheet's colours and root font size follow (`system` leaves the colours to the system's choice).
pub fn apply_look(theme: Theme, size: TextSize) {
    if let Some(root) = document().document_element() {
        // Setting an attribute on the document's own root element cannot fail.
        let _ = root.set_attribute("data-theme", theme.tag());
        let _ = root.set_attribute("data-text", size.tag());
    }
}

/// A delete that asks first: one tap never deletes. The button; pressed, in its place the question with
/// "Batal" as the loud, safe choice and the delete as the quiet, red one. With an `id`, the question and
/// the answers are `<id>-ask`, `<id>-yes` and `<id>-no`; they always carry the classes `ask`, `ask-yes`
/// and `ask-no`.
#[component]
pub fn AskFirst(
    /// The first button's id.
    #[prop(optional, into)]
    id: Option<String>,
    /// The first button's classes.
    class: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] question: Signal<String>,
    /// The delete's words ("Ya, hapus").
    #[prop(into)]
    yes: Signal<String>,
    /// While true the delete cannot be pressed (something is under way).
    #[prop(into)]
    busy: Signal<bool>,
    on_yes: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let named = |suffix: &str| id.as_ref().map(|id| format!("{id}-{suffix}"));
    let (ask_id, yes_id, no_id) = (named("ask"), named("yes"), named("no"));
    move || {
        if asking.get() {
            view! {
                <div class="ask" role="alert">
                    <p id=ask_id.clone()>{question}</p>
                    <div class="actions">
                        <button id=no_id.clone() class="primary ask-no" on:click=move |_| asking.set(false)>
                            {move || crate::i18n::td_string!(i18n.get_locale(), cancel)}
                        </button>
                        <button id=yes_id.clone() class="secondary danger-quiet ask-yes" disabled=busy
                            on:click=move |_| {
                                asking.set(false);
                                on_yes.run(());
                            }>{yes}</button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button id=id.clone() class=class disabled=busy on:click=move |_| asking.set(true)>{label}</button>
            }
            .into_any()
        }
    }
}

/// The fallback of a page's `ErrorBoundary`: each error that kept the page's data from showing, in the
/// user's words ([`view_model::page_error_text`]), and "Coba lagi", which reads the page again. The
/// page's content comes back by itself when a later read succeeds.
pub fn errors_view(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let l = i18n.get_locale();
        errors.with(|all| {
            all.iter().map(|(_, e)| view_model::page_error_text(l, e)).collect::<Vec<_>>().join(" ")
        })
    };
    let page = use_context::<PageContext>();
    view! {
        <div class="error-block">
            <p class="error" role="alert">{text}</p>
            {page.map(|page| view! {
                <button class="secondary read-again" on:click=move |_| page.refresh()>{t!(i18n, retry)}</button>
            })}
        </div>
    }
}

thread_local! {
    /// Page reads the store failed lately (each followed by reading the pages again), and when the last
    /// one was, in ms ([`read_again_later`]).
    static STORE_FAILURES: std::cell::Cell<(u32, f64)> = const { std::cell::Cell::new((0, 0.0)) };
}

/// After a page's read: when the store failed it (`failed`; held past its wait by another writer, which
/// clears up in seconds, or a lasting fault), the pages read again by themselves after a pause, each
/// longer, at most three times; the count starts again only after half a minute without such a failure
/// (not when another read goes through: a page with one read failing for good beside one that works would
/// read again every second while open). The error shows meanwhile. `changed` is the pages' "read again"
/// counter: bumping it once the app is signed out does nothing.
fn read_again_later(failed: Option<&ApiError>, changed: RwSignal<u32>) {
    if !failed.is_some_and(|e| e.code == penggerak_types::ErrorCode::Storage) {
        return;
    }
    let now = js_sys::Date::now();
    let (n, last) = STORE_FAILURES.get();
    let n = if now - last > 30_000.0 { 0 } else { n };
    STORE_FAILURES.set((n.saturating_add(1), now));
    if n >= 3 {
        return;
    }
    set_timeout(
        move || {
            changed.try_update(|c| *c += 1);
        },
        std::time::Duration::from_millis(1_000 << n),
    );
}

/// Beranda's data as read at launch (`app.rs` asks it beside the session), taken by Beranda's first
/// drawing (then empty: every later drawing reads the store).
#[derive(Clone, Copy)]
pub struct FirstHome(pub StoredValue<Option<penggerak_types::ipc::Home>>);

/// What every signed-in page can reach: who is signed in, how to report a new session state, the sync
/// status, and a counter that goes up whenever the store may have changed (a sync settled, an action
/// applied) so pages read it again.
#[derive(Clone)]
pub struct PageContext {
    pub profile: Profile,
    /// The server this device is signed in to.
    pub server_url: String,
    pub on_session: Callback<SessionState>,
    pub sync: RwSignal<SyncStatus>,
    pub changed: RwSignal<u32>,
}

impl PageContext {
    /// The time zone the user's times are shown in (their school's province's).
    pub fn zone(&self) -> Zone {
        self.profile.zone()
    }

    /// Tells the pages to read the store again.
    pub fn refresh(&self) {
        self.changed.update(|n| *n += 1);
    }

    /// A page's data, read from the store through `read` (an `ipc` call), and read again whenever the
    /// store may have changed, or in a moment when the store failed it (`read_again_later`).
    pub fn read<T, Fut>(&self, read: impl Fn() -> Fut + 'static) -> LocalResource<Result<T, ApiError>>
    where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let changed = self.changed;
        LocalResource::new(move || {
            changed.track();
            let asked = read();
            async move {
                let answer = asked.await;
                read_again_later(answer.as_ref().err(), changed);
                answer
            }
        })
    }

    /// [`read`](Self::read) whose first answer is `first` when the page has it already (Beranda's data,
    /// asked at launch beside the session): no second call, and the page is drawn with it at once.
    pub fn read_first<T, Fut>(
        &self,
        first: Option<T>,
        read: impl Fn() -> Fut + 'static,
    ) -> LocalResource<Result<T, ApiError>>
    where
        T: Send + Sync + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let changed = self.changed;
        let first = StoredValue::new(first);
        LocalResource::new(move || {
            changed.track();
            let ready = first.try_update_value(Option::take).flatten();
            // A call's future does nothing until awaited: with `ready` there, nothing is asked.
            let asked = read();
            async move {
                match ready {
                    Some(value) => Ok(value),
                    None => {
                        let answer = asked.await;
                        read_again_later(answer.as_ref().err(), changed);
                        answer
                    }
                }
            }
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
        let page = self.clone();
        let i18n = use_i18n();
        Effect::new(move |_| match action.value().get() {
            Some(Ok(())) => {
                error.set(None);
                page.refresh();
            }
            Some(Err(e)) => error.set(Some(view_model::error_text(i18n.get_locale_untracked(), &e))),
            None => {}
        });
        action
    }
}

/// A page's data from the store, framed: "loading" until the first read, the error view when a read
/// fails, else what `show` draws of it.
pub fn loaded<T, V>(
    l: Locale,
    data: LocalResource<Result<T, ApiError>>,
    show: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="status">{crate::i18n::td_string!(l, loading)}</p> }>
            <ErrorBoundary fallback=errors_view>
                {move || data.get().map(|r| r.map(&show))}
            </ErrorBoundary>
        </Transition>
    }
}

/// A performance plan's history, newest first: when (in the user's zone), to which status, by whom, with
/// the note. On the teacher's Kinerja and on her page for her principal.
pub fn plan_history(
    l: Locale,
    id: &'static str,
    history: Vec<penggerak_types::kinerja::PlanEvent>,
    zone: Zone,
) -> impl IntoView {
    view! {
        <h2>{crate::i18n::td_string!(l, history_heading)}</h2>
        <ul id=id class="list">
            {history.into_iter().rev().map(|e| view! {
                <li><span class="date">{view_model::time_label(l, &e.at, zone)}</span>" · "{view_model::plan_status_label(l, e.to)}
                    " · "{e.by_name}{e.note.map(|n| format!(" — {n}")).unwrap_or_default()}</li>
            }).collect_view()}
        </ul>
    }
}

/// A plan's feedback notes (umpan balik), oldest first, each with when (in the user's zone) and who.
pub fn feedback_list(
    l: Locale,
    id: &'static str,
    feedback: Vec<penggerak_types::kinerja::Feedback>,
    zone: Zone,
) -> impl IntoView {
    if feedback.is_empty() {
        return view! { <p id=id class="muted">{crate::i18n::td_string!(l, feedback_none)}</p> }.into_any();
    }
    view! {
        <ul id=id class="list feedback">
            {feedback.into_iter().map(|f| view! {
                <li class="feedback-note"><p>{f.text}</p>
                    <p class="muted"><span class="date">{view_model::time_label(l, &f.at, zone)}</span>" · "{f.by_name}</p></li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A labelled drop-down that sets one field of a page's filter ("" = all). A redraw of the list (after a
/// sync) updates the same elements in place, and the select shows the field's value, so the choice stays.
pub fn filter_choice<F: Clone + Send + Sync + 'static>(
    l: Locale,
    id: &'static str,
    label: &'static str,
    options: Vec<String>,
    filter: RwSignal<F>,
    field: fn(&mut F) -> &mut String,
) -> impl IntoView {
    view! {
        <div>
            <label for=id>{label}</label>
            <select id=id prop:value=move || { let mut f = filter.get(); field(&mut f).clone() }
                on:change=move |ev| { let v = event_target_value(&ev); filter.update(|f| *field(f) = v); }>
                <option value="">{crate::i18n::td_string!(l, filter_all)}</option>
                {options.into_iter().map(|o| view! { <option value=o.clone()>{o.clone()}</option> }).collect_view()}
            </select>
        </div>
    }
}
