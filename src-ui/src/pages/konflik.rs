//! Konflik: every record where the user's waiting edit and the server's newer copy disagree, field by
//! field side by side, with "keep mine" (sent again on the server's version) and "take theirs". Nothing is
//! dropped until the user chooses.

use crate::app::Shell;
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{ConflictChoice, ConflictView, Keep};
use penggerak_types::ApiError;

#[component]
pub fn Konflik() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let data = shell.read(ipc::conflicts);
    let error = RwSignal::new(None::<String>);
    let resolve = shell.action(error, ipc::resolve);

    view! {
        <section class="card konflik" aria-labelledby="conflicts-title">
            <h1 id="conflicts-title">{text::CONFLICTS_TITLE}</h1>
            <p id="conflicts-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p id="conflicts-none">{text::CONFLICTS_NONE}</p> }.into_any(),
                    Ok(list) => view! {
                        <p>{text::CONFLICTS_INTRO}</p>
                        <ul id="conflicts" class="conflicts">{list.into_iter().map(|c| conflict(c, resolve)).collect_view()}</ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{view_model::error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn conflict(c: ConflictView, resolve: Action<ConflictChoice, Result<(), ApiError>>) -> impl IntoView {
    let choice = |keep: Keep| ConflictChoice { kind: c.kind, id: c.id.clone(), keep };
    let (mine, theirs) = (choice(Keep::Mine), choice(Keep::Theirs));
    view! {
        <li class="conflict" data-id=c.id.clone()>
            <h2>{c.title}</h2>
            {c.theirs_deleted.then(|| view! { <p class="note">{text::CONFLICT_THEIRS_DELETED}</p> })}
            <table class="versions">
                <thead><tr>
                    <th scope="col">{text::CONFLICT_FIELD}</th>
                    <th scope="col">{text::CONFLICT_MINE}</th>
                    <th scope="col">{text::CONFLICT_THEIRS}</th>
                </tr></thead>
                <tbody>
                    {c.fields.into_iter().map(|f| view! {
                        <tr data-field=f.field.clone()>
                            <th scope="row">{view_model::field_label(&f.field)}</th>
                            <td class="mine">{view_model::field_value(f.mine.as_ref())}</td>
                            <td class="theirs">{view_model::field_value(f.theirs.as_ref())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="choices">
                <button class="primary keep-mine" disabled=move || resolve.pending().get()
                    on:click=move |_| { resolve.dispatch(mine.clone()); }>{text::KEEP_MINE}</button>
                <button class="secondary take-theirs" disabled=move || resolve.pending().get()
                    on:click=move |_| { resolve.dispatch(theirs.clone()); }>{text::TAKE_THEIRS}</button>
            </div>
        </li>
    }
}
