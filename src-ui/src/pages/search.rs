//! The search box of Beranda and Materi: what is typed is searched on the device (the engine's offline
//! index; no network) once typing pauses, and the results appear under the box, best first, grouped by
//! what each opens, with the sentence the words were found in and the words marked.

use crate::context::PageContext;
use crate::i18n::{td_string, Locale};
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::ipc::{SearchGroup, SearchResults, SearchScope, SearchTarget, SnippetPiece};
use penggerak_types::limits;
use std::sync::Arc;
use std::time::Duration;

/// How long typing must pause before the device is searched.
const PAUSE: Duration = Duration::from_millis(250);

/// A search box (`#{id}`) and, apart, where its results go (`#{id}-results`, or `#{id}-none`), for the
/// caller to place. `typed` is what the box holds (the caller may show something else while it is
/// empty); `keep` drops groups the caller's own filters exclude.
pub fn search_box(
    l: Locale,
    scope: SearchScope,
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
    typed: RwSignal<String>,
    keep: impl Fn(&SearchGroup) -> bool + Send + Sync + 'static,
) -> (impl IntoView, impl IntoView) {
    let ctx = expect_context::<PageContext>();
    // What is searched: the box's text once typing paused.
    let settled = RwSignal::new(typed.get_untracked());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(t) = timer.get_value() {
            t.clear();
        }
    });
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        timer.set_value(set_timeout_with_handle(move || settled.set(text), PAUSE).ok());
    };
    // Read again when the store changes too (a sync may bring what is searched for).
    let results = ctx.read(move || {
        let query = settled.get();
        async move {
            if query.trim().is_empty() {
                return Ok(None);
            }
            find(query.clone(), scope).await.map(|r| Some((query, r)))
        }
    });
    let keep: Keep = Arc::new(keep);
    let shown = move || {
        results.get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert">{view_model::error_text(l, &e)}</p> }.into_any(),
            Ok(None) => ().into_any(),
            Ok(Some((query, r))) => Suspend::new(list(l, id, query, r, Arc::clone(&keep))).into_any(),
        })
    };
    (
        view! {
            <div class="search" role="search">
                <label for=id>{label}</label>
                <input id=id type="search" placeholder=placeholder maxlength=limits::SEARCH.to_string()
                    autocomplete="off" prop:value=move || typed.get() on:input=on_input />
            </div>
        },
        view! { <div class="search-answer" aria-live="polite">{shown}</div> },
    )
}

/// The device searched: lazily loaded (`#[lazy]`), so decoding the results is not in the start module
/// Beranda is drawn from; its module is read from the app's files at the first search.
#[lazy]
async fn find(query: String, scope: SearchScope) -> Result<SearchResults, penggerak_types::ApiError> {
    ipc::search(query, scope).await
}

/// Which groups a caller's own filters keep.
type Keep = Arc<dyn Fn(&SearchGroup) -> bool + Send + Sync>;

/// The results drawn: lazily loaded (`#[lazy]`) too, so their drawing is not in the start module either.
#[lazy]
async fn list(l: Locale, id: &'static str, query: String, r: SearchResults, keep: Keep) -> AnyView {
    let groups: Vec<SearchGroup> = r.groups.into_iter().filter(|g| keep(g)).collect();
    if groups.is_empty() {
        let none = td_string!(l, search_none, query = query.trim().to_owned()).to_string();
        return view! { <p id=format!("{id}-none") class="muted">{none}</p> }.into_any();
    }
    view! {
        <ol id=format!("{id}-results") class="search-results" aria-label=td_string!(l, search_results_label)>
            {groups.into_iter().map(|g| group(l, g)).collect_view()}
        </ol>
        {r.more.then(|| view! { <p class="muted">{td_string!(l, search_more)}</p> })}
    }
    .into_any()
}

/// One thing found: its title (a link to its page), what kind of thing it is, and its matches.
fn group(l: Locale, g: SearchGroup) -> impl IntoView {
    let kind = view_model::search_kind_label(l, &g.target);
    let title = if g.title.is_empty() { kind.to_owned() } else { g.title.clone() };
    let (kind_key, id) = match &g.target {
        SearchTarget::Material { id } => ("material", id.clone()),
        SearchTarget::Community { id } => ("community", id.clone()),
        SearchTarget::PkbItem { id, .. } => ("pkb_item", id.clone()),
        SearchTarget::PerformancePlan { id, .. } => ("performance_plan", id.clone()),
    };
    let is_material = kind_key == "material";
    let target = g.target.clone();
    view! {
        <li class="search-group" data-kind=kind_key data-id=id>
            <A href=view_model::search_href(&g.target, None) attr:class="search-title">{title}</A>
            <span class="muted">" · " {kind}</span>
            <ul class="search-hits">
                // A hit with nothing to show (words found in the title only, and no text beside it) is
                // left out: the title above is its link, and an empty link names nothing.
                {g.hits.into_iter().filter(|h| {
                    is_material || !h.heading.is_empty() || h.snippet.iter().any(|p| !p.text.trim().is_empty())
                }).map(|h| {
                    let href = view_model::search_href(&target, h.section);
                    let from_heading = h.snippet.iter().map(|p| p.text.as_str()).collect::<String>() == h.heading;
                    let place = if from_heading {
                        None
                    } else if !h.heading.is_empty() {
                        Some(h.heading.clone())
                    } else if is_material {
                        Some(td_string!(l, search_in_catalogue).to_owned())
                    } else {
                        None
                    };
                    view! {
                        <li class="search-hit" data-section=h.section.map(|s| s.to_string()).unwrap_or_default()>
                            <A href=href>
                                {place.map(|p| view! { <strong class="search-place">{p}</strong> " " })}
                                <span class="snippet">{snippet(h.snippet)}</span>
                            </A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </li>
    }
}

/// A snippet with its matched words marked (text only: nothing in it is markup).
fn snippet(pieces: Vec<SnippetPiece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|p| if p.hit { view! { <mark>{p.text}</mark> }.into_any() } else { p.text.into_any() })
        .collect_view()
}
