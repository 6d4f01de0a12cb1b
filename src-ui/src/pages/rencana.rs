//! Rencana Pengembangan: the year's development plan — JP done against the target, the items grouped by
//! status, marking progress, and writing a reflection. A reflection is kept on the device as it is typed
//! (a draft, saved one write at a time), so closing or killing the app never loses it; "Simpan refleksi"
//! then sends it through the outbox like every other change.

use crate::app::{Act, Shell};
use crate::view_model::{self, DraftQueue};
use crate::{ipc, text};
use leptos::prelude::*;
use penggerak_types::ipc::{reflection_draft_key, Action as UserAction, PkbItemView, PkbView};
use penggerak_types::pkb::{PkbItemPatch, PkbStatus};

#[component]
pub fn Rencana() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let data = shell.read(ipc::pkb);
    // The items live in a signal drawn with keyed lists, so a sync that settles while a reflection is being
    // typed redraws only the items that changed, not the text box under the user's fingers.
    let plan = RwSignal::new(None::<PkbView>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match data.get() {
        Some(Ok(v)) => plan.set(Some(v)),
        Some(Err(e)) => error.set(Some(view_model::error_text(&e))),
        None => {}
    });
    let act: Act = shell.action(error, ipc::act);
    let groups = move || {
        plan.with(|p| p.as_ref().map(|p| view_model::pkb_groups(&p.items)).unwrap_or_default())
            .into_iter()
            .map(|(s, _)| s)
            .collect::<Vec<_>>()
    };

    view! {
        <section class="card rencana" aria-labelledby="rencana-title">
            <h1 id="rencana-title">{text::RENCANA_TITLE}</h1>
            <p id="rencana-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || match plan.get() {
                None => view! { <p class="status">{text::LOADING}</p> }.into_any(),
                Some(p) if p.items.is_empty() && p.plan.is_none() => view! { <p>{text::PKB_NONE}</p> }.into_any(),
                Some(p) => {
                    let percent = view_model::jp_percent(p.jp_done, p.jp_target);
                    view! {
                        <progress id="pkb-progress" max="100" value=percent aria-label=text::PKB_HEADING></progress>
                        <p id="pkb-jp">{format!("{} {} {} {}", p.jp_done, text::JP_OF, p.jp_target, text::JP)}</p>
                    }.into_any()
                }
            }}
            <For each=groups key=|s| *s let:status>
                <h2>{view_model::pkb_status_label(status)}</h2>
                <ul class="pkb-items" data-status=format!("{status:?}")>
                    <For
                        each=move || plan.with(|p| p.as_ref().map(|p| p.items.iter().filter(|v| v.item.status == status).cloned().collect::<Vec<_>>()).unwrap_or_default())
                        key=|v| (v.item.id.clone(), v.item.progress, v.item.reflection.clone(), v.pending, v.conflict)
                        let:v
                    >
                        <PkbCard v=v act=act />
                    </For>
                </ul>
            </For>
        </section>
    }
}

/// Where the reflection being typed stands.
#[derive(Clone, Copy, PartialEq)]
enum DraftState {
    /// Nothing typed since it was last saved for real.
    Clean,
    /// A draft from before is on the device, not sent yet.
    Unsent,
    Saving,
    Saved,
    Failed,
}

#[component]
fn PkbCard(v: PkbItemView, act: Act) -> impl IntoView {
    let item = v.item;
    let id = item.id.clone();
    let progress = RwSignal::new(item.progress);
    let saved_progress = item.progress;
    let reflection = RwSignal::new(v.draft.clone().unwrap_or_else(|| item.reflection.clone()));
    let state = RwSignal::new(if v.draft.is_some() { DraftState::Unsent } else { DraftState::Clean });
    let queue = StoredValue::new(DraftQueue::default());
    let key = reflection_draft_key(&id);
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        reflection.set(typed.clone());
        state.set(DraftState::Saving);
        if let Some(now) = queue.try_update_value(|q| q.typed(typed)).flatten() {
            leptos::task::spawn_local(keep_draft(key.clone(), now, queue, state));
        }
    };
    let (progress_id, reflection_id) = (format!("progress-{id}"), format!("reflection-{id}"));
    let (edit_id, save_id) = (id.clone(), id.clone());
    let meta = format!(
        "{} · {} {}{}",
        view_model::pkb_kind_label(item.kind),
        item.jp,
        text::JP,
        item.target_date
            .map(|d| format!(" · {} {}", text::TARGET_DATE, view_model::date_label(&d)))
            .unwrap_or_default()
    );
    view! {
        <li class="pkb-item" id=format!("pkb-{id}")>
            <h3>{item.title}</h3>
            <p class="muted">{meta}</p>
            <p>
                {v.pending.then(|| view! { <span class="badge pending">{text::WAITING_SYNC}</span> })}
                {v.conflict.then(|| view! { <span class="badge warn">{text::CONFLICT}</span> })}
            </p>
            {(item.status != PkbStatus::Selesai || saved_progress < 100).then(|| view! {
                <label for=progress_id.clone()>{move || format!("{} {}%", text::PROGRESS_LABEL, progress.get())}</label>
                <input id=progress_id.clone() class="progress" type="range" min="0" max="100" step="5"
                    prop:value=move || progress.get().to_string()
                    on:input=move |ev| progress.set(event_target_value(&ev).parse().unwrap_or(0)) />
                <button class="secondary save-progress" disabled=move || progress.get() == saved_progress
                    on:click=move |_| {
                        let patch = PkbItemPatch { progress: Some(progress.get()), ..Default::default() };
                        act.dispatch(UserAction::EditPkbItem { id: edit_id.clone(), patch });
                    }>{text::SAVE_PROGRESS}</button>
            })}
            <label for=reflection_id.clone()>{text::REFLECTION_LABEL}</label>
            <textarea id=reflection_id class="reflection" rows="4" maxlength="10000" aria-describedby=format!("draft-{id}")
                prop:value=move || reflection.get() on:input=on_input></textarea>
            <p class="muted draft-state" id=format!("draft-{id}") aria-live="polite">{move || match state.get() {
                DraftState::Clean => text::REFLECTION_HINT,
                DraftState::Unsent => text::DRAFT_UNSENT,
                DraftState::Saving => text::DRAFT_SAVING,
                DraftState::Saved => text::DRAFT_SAVED,
                DraftState::Failed => text::ERR_GENERIC,
            }}</p>
            <button class="primary save-reflection"
                disabled=move || matches!(state.get(), DraftState::Clean | DraftState::Saving)
                on:click=move |_| {
                    let patch = PkbItemPatch { reflection: Some(reflection.get()), ..Default::default() };
                    act.dispatch(UserAction::EditPkbItem { id: save_id.clone(), patch });
                }>{text::SAVE_REFLECTION}</button>
        </li>
    }
}

/// Writes `text` as the draft, then whatever was typed meanwhile, until the device holds the newest text.
async fn keep_draft(
    key: String,
    mut text: String,
    queue: StoredValue<DraftQueue>,
    state: RwSignal<DraftState>,
) {
    let mut failed;
    loop {
        // What counts is the newest text: an earlier failed write is overwritten by a later one.
        failed = match ipc::save_draft(key.clone(), text).await {
            Ok(()) => false,
            Err(e) => {
                leptos::logging::warn!("draft not kept: {}", e.message);
                true
            }
        };
        match queue.try_update_value(|q| q.saved()).flatten() {
            Some(next) => text = next,
            None => break,
        }
    }
    state.set(if failed { DraftState::Failed } else { DraftState::Saved });
}
