//! Konflik: every record where the user's waiting edit and the server's newer copy disagree, field by
//! field side by side, with "keep mine" (sent again on the server's version) and "take theirs". Nothing is
//! dropped until the user chooses.

use crate::context::{loaded, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{ConflictChoice, ConflictView, Keep};
use penggerak_types::ApiError;

#[component]
pub fn Konflik() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::conflicts);
    let error = RwSignal::new(None::<String>);
    let resolve = ctx.action(error, ipc::resolve);

    view! {
        <section class="card konflik" aria-labelledby="conflicts-title">
            <h1 id="conflicts-title">{td_string!(l, conflicts_title)}</h1>
            <p id="conflicts-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {loaded(l, data, move |list| if list.is_empty() {
                        view! { <p id="conflicts-none">{td_string!(l, conflicts_none)}</p> }.into_any()
                    } else {
                        view! {
                            <p>{td_string!(l, conflicts_intro)}</p>
                            <ul id="conflicts" class="conflicts">{list.into_iter().map(|c| conflict(l, c, resolve)).collect_view()}</ul>
                        }.into_any()
                    })}
        </section>
    }
}

fn conflict(
    l: Locale,
    c: ConflictView,
    resolve: Action<ConflictChoice, Result<(), ApiError>>,
) -> impl IntoView {
    let choice = |keep: Keep| ConflictChoice { kind: c.kind, id: c.id.clone(), keep };
    let (mine, theirs) = (choice(Keep::Mine), choice(Keep::Theirs));
    view! {
        <li class="conflict" data-id=c.id.clone()>
            <h2>{view_model::conflict_heading(l, c.kind, &c.title)}</h2>
            {c.theirs_deleted.then(|| view! { <p class="note">{td_string!(l, conflict_theirs_deleted)}</p> })}
            <table class="versions">
                <thead><tr>
                    <th scope="col">{td_string!(l, conflict_field)}</th>
                    <th scope="col">{td_string!(l, conflict_mine)}</th>
                    <th scope="col">{td_string!(l, conflict_theirs)}</th>
                </tr></thead>
                <tbody>
                    {c.fields.into_iter().filter(|f| view_model::field_shown(&f.field)).map(|f| view! {
                        <tr data-field=f.field.clone()>
                            <th scope="row">{view_model::field_label(l, &f.field)}</th>
                            <td class="mine">{view_model::field_value_of(l, &f.field, Some(c.kind), f.mine.as_ref())}</td>
                            <td class="theirs">{view_model::field_value_of(l, &f.field, Some(c.kind), f.theirs.as_ref())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="choices">
                <button class="primary keep-mine" disabled=move || resolve.pending().get()
                    on:click=move |_| { resolve.dispatch(mine.clone()); }>{td_string!(l, keep_mine)}</button>
                <button class="secondary take-theirs" disabled=move || resolve.pending().get()
                    on:click=move |_| { resolve.dispatch(theirs.clone()); }>{td_string!(l, take_theirs)}</button>
            </div>
        </li>
    }
}
