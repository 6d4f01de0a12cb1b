//! Rencana Pengembangan: the year's development plan — JP done against the target, the items grouped by
//! status, marking progress, and writing a reflection. A reflection is kept on the device as it is typed
//! (a draft, saved one write at a time), so closing or killing the app never loses it; "Simpan refleksi"
//! then sends it through the outbox like every other change.

use crate::context::{Act, PageContext};
use crate::draft::{Draft, DraftState, Saved};
use crate::i18n::td_string;
use crate::ipc;
use crate::lang::use_i18n;
use crate::text_box::grow;
use crate::view_model;
use leptos::prelude::*;
use penggerak_types::ipc::{
    new_activity_draft_key, reflection_draft_key, Action as UserAction, ActivityForm, PkbItemView, PkbView,
};
use penggerak_types::pkb::{NewPkbItem, PkbItemKind, PkbItemPatch, PkbStatus};

#[component]
pub fn Rencana() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::pkb);
    // The items live in a signal drawn with keyed lists, so a sync that settles while a reflection is being
    // typed redraws only the items that changed, not the text box under the user's fingers.
    let plan = RwSignal::new(None::<PkbView>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match data.get() {
        Some(Ok(v)) => plan.set(Some(v)),
        Some(Err(e)) => error.set(Some(view_model::error_text(l, &e))),
        None => {}
    });
    let act: Act = ctx.action(error, ipc::act);
    // The items whose editor is open. Kept here, not in each card: a card is drawn anew when its item moves
    // to another group (its status changed), and an editor the user opened stays open through it.
    let open: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let groups = move || {
        plan.with(|p| p.as_ref().map(|p| view_model::pkb_groups(&p.items)).unwrap_or_default())
            .into_iter()
            .map(|(s, _)| s)
            .collect::<Vec<_>>()
    };

    view! {
        <section class="card rencana" aria-labelledby="rencana-title">
            <h1 id="rencana-title">{td_string!(l, rencana_title)}</h1>
            <p id="rencana-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {move || match plan.get() {
                None => view! { <p class="status">{td_string!(l, loading)}</p> }.into_any(),
                Some(p) if p.items.is_empty() && p.plan.is_none() => view! { <p>{td_string!(l, pkb_none)}</p> }.into_any(),
                Some(p) => {
                    let percent = view_model::jp_percent(p.jp_done, p.jp_target);
                    view! {
                        <progress id="pkb-progress" max="100" value=percent aria-label=td_string!(l, pkb_heading)></progress>
                        <p id="pkb-jp">{view_model::jp_progress(l, p.jp_done, p.jp_target)}</p>
                    }.into_any()
                }
            }}
            <For each=groups key=|s| *s let:status>
                <h2>{view_model::pkb_status_label(l, status)}</h2>
                <ul class="pkb-items" data-status=format!("{status:?}")>
                    // Keyed by the item alone: a card follows its item's changes (a save, a sync settling)
                    // in place, so the box she is typing in keeps her focus and her keys. (A change of
                    // status moves it to another group: drawn there anew, its text kept as a draft.)
                    <For
                        each=move || plan.with(|p| p.as_ref().map(|p| p.items.iter().filter(|v| v.item.status == status).map(|v| v.item.id.clone()).collect::<Vec<_>>()).unwrap_or_default())
                        key=|id| id.clone()
                        let:id
                    >
                        <PkbCard id=id plan=plan act=act open=open />
                    </For>
                </ul>
            </For>
            {add_item(l, error)}
        </section>
    }
}

#[component]
fn PkbCard(
    id: String,
    plan: RwSignal<Option<PkbView>>,
    act: Act,
    open: RwSignal<Vec<String>>,
) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let item_id = id.clone();
    // The item as the page has it now: every part of the card below follows it.
    let view = Memo::new(move |_| {
        plan.with(|p| p.as_ref().and_then(|p| p.items.iter().find(|v| v.item.id == item_id).cloned()))
    });
    let Some(v) = view.get_untracked() else { return ().into_any() };
    let at =
        move |f: fn(&PkbItemView) -> String| move || view.with(|v| v.as_ref().map(f).unwrap_or_default());
    // Shown compact (title, kind, JP, progress, the reflection's start) with "Ubah" to open its editor;
    // an item with text typed and not sent opens with its editor open, so that text is in sight.
    if v.draft.is_some() {
        open.update_untracked(|o| {
            if !o.contains(&id) {
                o.push(id.clone());
            }
        });
    }
    let (open_id, toggle_id) = (id.clone(), id.clone());
    let expanded = Memo::new(move |_| open.with(|o| o.contains(&open_id)));
    let toggle = move |_| {
        open.update(|o| match o.iter().position(|x| *x == toggle_id) {
            Some(i) => {
                o.swap_remove(i);
            }
            None => o.push(toggle_id.clone()),
        })
    };
    let pending = move || view.with(|v| v.as_ref().is_some_and(|v| v.pending));
    let conflict = move || view.with(|v| v.as_ref().is_some_and(|v| v.conflict));
    let saved_progress = Memo::new(move |_| view.with(|v| v.as_ref().map_or(0, |v| v.item.progress)));
    let summary = move || {
        view.with(|v| {
            let Some(v) = v else { return String::new() };
            match (v.item.reflection.trim().is_empty(), v.draft.is_some()) {
                // Text typed and not saved (kept on the device, or brought back from a refused change) is
                // in the editor below: "no reflection" would contradict it.
                (true, true) => td_string!(l, reflection_unsaved).to_owned(),
                (true, false) => td_string!(l, reflection_none).to_owned(),
                (false, _) => v.item.reflection.clone(),
            }
        })
    };
    let progress_line = move || td_string!(l, progress_percent, percent = saved_progress.get()).to_string();
    let progress = RwSignal::new(v.item.progress);
    // The slider follows the saved progress (hers once sent, or another device's).
    Effect::new(move |_| progress.set(saved_progress.get()));
    let reflection = RwSignal::new(v.draft.clone().unwrap_or_else(|| v.item.reflection.clone()));
    let draft = Draft::new(reflection_draft_key(&id), v.draft.is_some());
    let state = draft.state;
    // As the item changes: a box holding the saved reflection, with no draft kept, has nothing to save (hers
    // just saved, even unchanged); a reflection saved elsewhere fills the box only if she has typed nothing
    // in it.
    Effect::new(move |before: Option<String>| {
        let (saved, kept) = view
            .with(|v| v.as_ref().map(|v| (v.item.reflection.clone(), v.draft.is_some())))
            .unwrap_or_default();
        if before.is_some() {
            if !kept && reflection.get_untracked() == saved {
                state.set(DraftState::Clean);
            } else if before.is_some_and(|b| b != saved) && state.get_untracked() == DraftState::Clean {
                reflection.set(saved.clone());
            }
        }
        saved
    });
    let saved = move || {
        view.with(|v| v.as_ref().map_or(Saved::Nothing, |v| Saved::of(v.pending, &v.item.reflection)))
    };
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        reflection.set(typed.clone());
        draft.typed(typed);
    };
    let (progress_id, reflection_id) = (format!("progress-{id}"), format!("reflection-{id}"));
    let (edit_id, save_id) = (id.clone(), id.clone());
    let status = v.item.status;
    // Drawn again only when this changes, not with every saved progress (the slider keeps its focus).
    let slider = Memo::new(move |_| status != PkbStatus::Selesai || saved_progress.get() < 100);
    let meta = move || {
        view.with(|v| {
            let Some(v) = v else { return String::new() };
            format!(
                "{} · {} {}{}",
                view_model::pkb_kind_label(l, v.item.kind),
                v.item.jp,
                td_string!(l, jp),
                v.item
                    .target_date
                    .as_ref()
                    .map(|d| format!(
                        " · {}",
                        td_string!(l, target_date, date = view_model::date_label(l, d))
                    ))
                    .unwrap_or_default()
            )
        })
    };
    view! {
        <li class="pkb-item" id=format!("pkb-{id}")>
            <h3>{at(|v| v.item.title.clone())}</h3>
            <p class="muted">{meta}</p>
            <p>
                {move || pending().then(|| view! { <span class="badge pending">{td_string!(l, waiting_sync)}</span> })}
                {move || conflict().then(|| view! { <span class="badge warn">{td_string!(l, conflict)}</span> })}
            </p>
            <div class="pkb-summary">
                <p class="pkb-progress-line">
                    <progress max="100" value=move || saved_progress.get() aria-hidden="true"></progress>
                    <span>{progress_line}</span>
                </p>
                <p class="muted pkb-reflection-start">{summary}</p>
                <button id=format!("edit-{id}") class="secondary edit-item" aria-controls=format!("editor-{id}")
                    aria-expanded=move || expanded.get().to_string() on:click=toggle>
                    {move || if expanded.get() { td_string!(l, item_close) } else { td_string!(l, item_edit) }}
                </button>
            </div>
            <div id=format!("editor-{id}") class="pkb-editor" hidden=move || !expanded.get()>
            {move || slider.get().then(|| {
                let (progress_id, edit_id) = (progress_id.clone(), edit_id.clone());
                view! {
                    <label for=progress_id.clone()>{move || td_string!(l, progress_percent, percent = progress.get()).to_string()}</label>
                    <input id=progress_id class="progress" type="range" min="0" max="100" step="5"
                        prop:value=move || progress.get().to_string()
                        on:input=move |ev| progress.set(event_target_value(&ev).parse().unwrap_or(0)) />
                    <button class="secondary save-progress" disabled=move || progress.get() == saved_progress.get()
                        on:click=move |_| {
                            let patch = PkbItemPatch { progress: Some(progress.get()), ..Default::default() };
                            act.dispatch(UserAction::EditPkbItem { id: edit_id.clone(), patch });
                        }>{td_string!(l, save_progress)}</button>
                }
            })}
            <label for=reflection_id.clone()>{td_string!(l, reflection_label)}</label>
            <textarea use:grow id=reflection_id class="reflection" rows="4" maxlength="10000" aria-describedby=format!("draft-{id}")
                prop:value=move || reflection.get() on:input=on_input></textarea>
            <p class="muted draft-state" id=format!("draft-{id}") aria-live="polite">{move || state.get().line(l, saved())}</p>
            <button class="primary save-reflection"
                disabled=move || !state.get().savable()
                on:click=move |_| {
                    // Sent once what was typed is on the device: the edit forgets the draft, and a write
                    // landing after it would bring the sent text back as one.
                    let id = save_id.clone();
                    draft.then(move || {
                        let patch = PkbItemPatch { reflection: Some(reflection.get_untracked()), ..Default::default() };
                        act.dispatch(UserAction::EditPkbItem { id, patch });
                    });
                }>{td_string!(l, save_reflection)}</button>
            </div>
        </li>
    }
    .into_any()
}

const KINDS: [PkbItemKind; 4] = [
    PkbItemKind::PelatihanMandiri,
    PkbItemKind::Lokakarya,
    PkbItemKind::KomunitasBelajar,
    PkbItemKind::Lainnya,
];

fn kind_code(k: PkbItemKind) -> String {
    format!("{k:?}").to_lowercase()
}

/// "Tambah kegiatan": a new activity for this year's plan (its JP count towards the target once done),
/// added on the device at once and queued, like every change. What is typed is kept on the device as it
/// is typed (one draft for the form, read back when the page opens), so a killed app loses none of it.
/// The boxes empty only once the activity is kept, and only of what was sent: a refused one (a JP out of
/// range) leaves what she typed to mend, and words typed while it was being added stay (kept as the
/// draft again: the activity forgot the draft as it was queued).
fn add_item(l: crate::i18n::Locale, error: RwSignal<Option<String>>) -> impl IntoView {
    let (title, jp, date) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let kind = RwSignal::new(PkbItemKind::Lokakarya);
    let form = move || ActivityForm {
        title: title.get_untracked(),
        kind: kind_code(kind.get_untracked()),
        jp: jp.get_untracked(),
        date: date.get_untracked(),
    };
    let draft = Draft::restored(new_activity_draft_key(), move |text| {
        let f = ActivityForm::from_draft(&text);
        title.set(f.title);
        jp.set(f.jp);
        date.set(f.date);
        if let Some(k) = KINDS.into_iter().find(|k| kind_code(*k) == f.kind) {
            kind.set(k);
        }
    });
    let keep = move || draft.typed(form().to_draft());
    let act: Act = expect_context::<PageContext>().action(error, ipc::act);
    // The form as sent by the last press.
    let sent = StoredValue::new(ActivityForm::default());
    Effect::new(move |_| match act.value().get() {
        Some(Ok(())) => {
            let was = sent.get_value();
            let before = form();
            title.set(view_model::left_after_sending(&before.title, &was.title));
            if before.jp == was.jp {
                jp.set(String::new());
            }
            if before.date == was.date {
                date.set(String::new());
            }
            let left = form();
            if !(left.title.trim().is_empty() && left.jp.is_empty() && left.date.is_empty()) {
                // Typed while it was on its way: kept again, without what was sent.
                keep();
            } else {
                draft.state.set(DraftState::Clean);
            }
        }
        // Refused: what she typed stays, kept on the device ("Draf belum dikirim"), unless its last write
        // failed or is under way, which the line goes on saying.
        Some(Err(_)) if draft.state.get_untracked() == DraftState::Saved => {
            draft.state.set(DraftState::Unsent)
        }
        Some(Err(_)) => {}
        None => {}
    });
    view! {
        <h2>{td_string!(l, pkb_add_heading)}</h2>
        <div id="pkb-add" class="form">
            <label for="pkb-add-title">{td_string!(l, pkb_add_title)}</label>
            <input id="pkb-add-title" type="text" maxlength="200" prop:value=move || title.get()
                aria-describedby="pkb-add-draft" on:input=move |ev| { title.set(event_target_value(&ev)); keep() } />
            <label for="pkb-add-kind">{td_string!(l, pkb_add_kind)}</label>
            <select id="pkb-add-kind" aria-describedby="pkb-add-draft" on:change=move |ev| {
                let code = event_target_value(&ev);
                if let Some(k) = KINDS.into_iter().find(|k| kind_code(*k) == code) {
                    kind.set(k);
                    keep();
                }
            }>
                {KINDS.into_iter().map(|k| view! {
                    <option value=kind_code(k) selected=move || kind.get() == k>{view_model::pkb_kind_label(l, k)}</option>
                }).collect_view()}
            </select>
            <label for="pkb-add-jp">{td_string!(l, pkb_add_jp)}</label>
            <input id="pkb-add-jp" aria-describedby="pkb-add-draft" type="number" min="1" max="200" inputmode="numeric" prop:value=move || jp.get()
                on:input=move |ev| { jp.set(event_target_value(&ev)); keep() } />
            <label for="pkb-add-date">{td_string!(l, pkb_add_date)}</label>
            <input id="pkb-add-date" aria-describedby="pkb-add-draft" type="date" prop:value=move || date.get() on:input=move |ev| { date.set(event_target_value(&ev)); keep() } />
            <button id="pkb-add-save" class="primary" disabled=move || act.pending().get() || title.get().trim().is_empty()
                on:click=move |_| {
                    // Sent once the form's last write is on the device: the activity forgets the draft as
                    // it is queued, and a write landing after would bring the sent form back.
                    draft.then(move || {
                        let f = form();
                        let new = NewPkbItem {
                            id: String::new(),
                            kind: kind.get_untracked(),
                            title: f.title.clone(),
                            // A JP that is not a number is 0, which the plan's rule refuses with its reason.
                            jp: f.jp.trim().parse().unwrap_or(0),
                            target_date: Some(f.date.clone()).filter(|d| !d.is_empty()),
                            community_event_id: None,
                        };
                        sent.set_value(f);
                        act.dispatch(UserAction::AddPkbItem { new });
                    });
                }>{td_string!(l, pkb_add_save)}</button>
            {draft.status_line(l, "pkb-add-draft".into())}
        </div>
    }
}
