//! Ditolak: the changes the server refused for good, or that the device gave up on after the server kept
//! failing them (or held back with an earlier refused change to the same data). Each shows why, and what it
//! carried, field by field, so the user can do it again; it stays until the user dismisses it. Below them,
//! the texts she typed whose box no page draws any more (a plan submitted or rated, an observation done),
//! to read or copy until she lets them go.

use crate::context::{loaded, AskFirst, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{RefusedChange, ReopenPage, StrandedDraft};
use penggerak_types::ApiError;

#[component]
pub fn Ditolak() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::refused);
    let error = RwSignal::new(None::<String>);
    let dismiss = ctx.action(error, ipc::dismiss_refused);
    let stranded = ctx.read(ipc::stranded_drafts);
    let discard = ctx.action(error, ipc::discard_draft);
    // Opening one again puts its text back in its editor: go there.
    let navigate = leptos_router::hooks::use_navigate();
    let reopen = Action::new_local(move |id: &i64| ipc::reopen_refused(*id));
    Effect::new(move |_| match reopen.value().get() {
        Some(Ok(page)) => navigate(
            &match page {
                ReopenPage::Pkb => "/rencana".to_owned(),
                ReopenPage::Kinerja => "/kinerja".to_owned(),
                ReopenPage::StaffMember { teacher } => format!("/staf/{teacher}"),
            },
            Default::default(),
        ),
        Some(Err(e)) => error.set(Some(view_model::error_text(l, &e))),
        None => {}
    });

    view! {
        <section class="card ditolak" aria-labelledby="refused-title">
            <h1 id="refused-title">{td_string!(l, refused_title)}</h1>
            <p id="refused-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {loaded(l, data, move |list| if list.is_empty() {
                        view! { <p id="refused-none">{td_string!(l, refused_none)}</p> }.into_any()
                    } else {
                        view! {
                            <p>{td_string!(l, refused_intro)}</p>
                            <ul id="refused" class="conflicts">{list.into_iter().map(|c| refused(l, c, dismiss, reopen)).collect_view()}</ul>
                        }.into_any()
                    })}
            {move || stranded.get().map(|read| match read {
                Err(e) => view! { <p class="error" role="alert">{view_model::error_text(l, &e)}</p> }.into_any(),
                Ok(list) if list.is_empty() => ().into_any(),
                Ok(list) => view! {
                    <h2 id="stranded-title">{td_string!(l, stranded_title)}</h2>
                    <p>{td_string!(l, stranded_intro)}</p>
                    <ul id="stranded" class="conflicts">{list.into_iter().map(|d| left_behind(l, d, discard)).collect_view()}</ul>
                }.into_any(),
            })}
        </section>
    }
}

/// A text whose box is gone: what it was for, when it was typed, the text itself (to read or copy), and
/// letting it go.
fn left_behind(l: Locale, d: StrandedDraft, discard: Action<String, Result<(), ApiError>>) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let key = d.key.clone();
    view! {
        <li class="conflict stranded" data-key=d.key.clone()>
            <h3>{view_model::draft_for_label(l, d.what)}</h3>
            {(!d.typed_at.is_empty()).then(|| view! {
                <p class="muted">{td_string!(l, stranded_at, when = view_model::time_label(l, &d.typed_at, zone))}</p>
            })}
            <p class="stranded-text">{d.text}</p>
            <div class="choices">
                <AskFirst class="secondary discard" label=td_string!(l, stranded_discard).to_owned()
                    question=td_string!(l, ask_discard_stranded).to_owned() yes=td_string!(l, ask_yes).to_owned()
                    busy=discard.pending() on_yes=Callback::new(move |_| { discard.dispatch(key.clone()); }) />
            </div>
        </li>
    }
}

fn refused(
    l: Locale,
    c: RefusedChange,
    dismiss: Action<i64, Result<(), ApiError>>,
    reopen: Action<i64, Result<ReopenPage, ApiError>>,
) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let id = c.id;
    // What the change carried that the user typed or chose (not which record, nor its version).
    let fields: Vec<_> = c.fields.into_iter().filter(|f| view_model::field_shown(&f.field)).collect();
    let kind = view_model::changed_record(&c.label);
    view! {
        <li class="conflict refused" data-id=id.to_string()>
            <h2>{view_model::change_label(l, &c.label)}</h2>
            {(!c.at.is_empty()).then(|| view! {
                <p class="muted refused-at">{td_string!(l, refused_at, when = view_model::time_label(l, &c.at, zone))}</p>
            })}
            <p class="note reason">{view_model::error_text(l, &c.reason)}</p>
            {(!fields.is_empty()).then(|| view! {
                <table class="versions">
                    <thead><tr>
                        <th scope="col">{td_string!(l, conflict_field)}</th>
                        <th scope="col">{td_string!(l, refused_value)}</th>
                    </tr></thead>
                    <tbody>
                        {fields.into_iter().map(|f| view! {
                            <tr data-field=f.field.clone()>
                                <th scope="row">{view_model::field_label(l, &f.field)}</th>
                                <td class="mine">{view_model::field_value_of(l, &f.field, kind, Some(&f.value))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <div class="choices">
                {c.reopen.map(|_| view! {
                    <button class="primary reopen" id=format!("reopen-{id}") disabled=move || reopen.pending().get()
                        on:click=move |_| { reopen.dispatch(id); }>{td_string!(l, refused_reopen)}</button>
                })}
                <AskFirst class="secondary dismiss" label=td_string!(l, refused_dismiss).to_owned()
                    question=td_string!(l, ask_dismiss_refused).to_owned() yes=td_string!(l, ask_yes).to_owned()
                    busy=dismiss.pending() on_yes=Callback::new(move |_| { dismiss.dispatch(id); }) />
            </div>
        </li>
    }
}
