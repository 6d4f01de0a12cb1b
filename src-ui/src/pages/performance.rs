//! Kinerja: the current cycle's stages with their dates and what each asks, the teacher's plan (results
//! and indicators, status, history and the principal's notes, predikat), observations, and the move the
//! teacher can make now (submit). A principal also sees the staff plans waiting for their approval.

use crate::context::{feedback_list, loaded, plan_history, Act, AskFirst, PageContext};
use crate::draft::{Draft, PageDrafts, Saved};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::text_box::grow;
use crate::view_model::ResultForm;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::api::Role;
use penggerak_types::ipc::{
    observation_preparation_draft_key, plan_draft_key, plan_reflection_draft_key, Action as UserAction,
    Approval, KinerjaView,
};
use penggerak_types::kinerja::{
    Observation, ObservationPatch, ObservationStatus, PerformancePlan, PlanPatch, PlanStatus,
};

#[component]
pub fn Kinerja() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    // Pages word themselves in the language chosen when they open (it is chosen in Pengaturan).
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::kinerja);
    let principal = ctx.profile.role == Role::KepalaSekolah;
    let approvals = ctx.read(ipc::approvals);
    let error = RwSignal::new(None::<String>);
    let act = ctx.action(error, ipc::act);
    // The plan editor and the reflection box outlive the page's redraws: what is being typed stays on
    // screen until what it edits changes.
    let (editor, reflection) = (Kept::new(), Kept::new());
    // Preparations being typed, by observation: kept by the page, so a sync that redraws the plan does not
    // empty the box under her fingers.
    let preparations = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    // And their drafts, one per observation for the page's life (a redraw starts no second writer).
    let prep_drafts = PageDrafts::new();
    Effect::new(move |_| {
        if let Some(done) = act.value().get() {
            prep_drafts.settle(done.is_ok());
        }
    });

    view! {
        <section class="card kinerja" aria-labelledby="kinerja-title">
            <h1 id="kinerja-title">{td_string!(l, kinerja_title)}</h1>
            <p id="kinerja-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {principal.then(|| view! {
                <h2>{td_string!(l, approvals_heading)}</h2>
                {loaded(l, approvals, move |list| approval_list(l, list))}
            })}
            {loaded(l, data, move |v| plan_view(l, v, act, editor.clone(), reflection.clone(), (preparations, prep_drafts)))}
        </section>
    }
}

fn approval_list(l: Locale, list: Vec<Approval>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p id="approvals-empty">{td_string!(l, approvals_none)}</p> }.into_any();
    }
    let zone = expect_context::<PageContext>().zone();
    view! {
        <ul id="approvals" class="list">
            {list.into_iter().map(|a| {
                let results = a.plan.results.len();
                let row = format!("approval-{}", a.plan.owner_id);
                // When it was sent (the oldest waits first): the last move of a plan waiting is its sending.
                let sent = a.plan.history.last().map(|e| {
                    td_string!(l, staff_submitted, when = view_model::time_label(l, &e.at, zone)).to_string()
                });
                view! {
                    <li class="approval" id=row>
                        <span class="owner">{a.owner_name}</span>
                        " · "{crate::counted!(l, results, plan_results_singular, plan_results_plural, count = results)}
                        {sent.map(|s| view! { " · "<span class="submitted">{s}</span> })}" "
                        // Read every result and indicator before deciding: the decision is on the plan's page.
                        <A href=format!("/staf/{}", a.plan.owner_id) attr:class="button primary review">{td_string!(l, review_plan)}</A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One of her observations: when, which class, what it looks at and its state; until it is done, her
/// preparation to write and save (the principal reads it before the lesson).
fn my_observation(
    l: Locale,
    o: Observation,
    act: Act,
    (typing, drafts): (RwSignal<std::collections::BTreeMap<String, String>>, PageDrafts),
) -> impl IntoView {
    let (id, saved) = (o.id.clone(), o.preparation.clone());
    let key = id.clone();
    let prep = move || typing.with(|t| t.get(&key).cloned()).unwrap_or_else(|| saved.clone());
    let typed_id = id.clone();
    let prep_now = prep.clone();
    let open = o.status != ObservationStatus::Selesai;
    // Kept on the device as it is typed (a killed app, another page), until it is saved.
    let restored_id = id.clone();
    let draft = open.then(|| {
        drafts.get(observation_preparation_draft_key(&id), move |t| {
            // Not over what she has typed since the page opened.
            typing.update(|m| {
                m.entry(restored_id).or_insert(t);
            })
        })
    });
    view! {
        <li class="observation" data-id=o.id.clone()>
            <span class="date">{view_model::date_label(l, &o.scheduled_at)}</span>" · "{o.class_name.clone()}
            " · "<span class="status-chip">{view_model::observation_status_label(l, o.status)}</span>
            {(!o.focus.is_empty()).then(|| view! { <p class="muted">{td_string!(l, obs_focus)}": "{o.focus.clone()}</p> })}
            {open.then(|| view! {
                <label for=format!("prep-{}", o.id)>{td_string!(l, obs_preparation_label)}</label>
                <textarea use:grow id=format!("prep-{}", o.id) class="obs-preparation" rows="3" maxlength="10000"
                    aria-describedby=format!("prep-draft-{}", o.id) prop:value=prep
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        typing.update(|t| { t.insert(typed_id.clone(), text.clone()); });
                        if let Some(d) = draft {
                            d.typed(text);
                        }
                    }></textarea>
                {draft.map(|d| d.status_line(l, format!("prep-draft-{}", o.id)))}
                <button class="secondary save-preparation" disabled=move || act.pending().get() on:click=move |_| {
                    let (id, prep_now) = (id.clone(), prep_now.clone());
                    // Sent once its draft is written: the edit forgets it.
                    let send = move || {
                        let patch = ObservationPatch { preparation: Some(prep_now()), ..Default::default() };
                        if let Some(d) = draft {
                            drafts.sending(&[d]);
                        }
                        act.dispatch(UserAction::EditObservation { id, patch });
                    };
                    match draft {
                        Some(d) => d.then(send),
                        None => send(),
                    }
                }>{td_string!(l, obs_save_preparation)}</button>
            })}
            {(!open && !o.follow_up.is_empty()).then(|| view! {
                <p><strong>{td_string!(l, obs_follow_up)}": "</strong>{o.follow_up.clone()}</p>
            })}
        </li>
    }
}

/// Something the page keeps across its redraws (a sync settling or an action landing redraws it): made
/// once for what it was made from (`of`), and owned by the page — a redraw disposes what the redraw itself
/// created, and what is being typed must outlive it.
#[derive(Clone)]
struct Kept<T: Copy + Send + Sync + 'static> {
    slot: StoredValue<Option<(String, T)>>,
    page: Owner,
}

impl<T: Copy + Send + Sync + 'static> Kept<T> {
    fn new() -> Self {
        Kept { slot: StoredValue::new(None), page: Owner::current().expect("a page runs under an owner") }
    }

    /// The one made from `of` already, else a new one from `make`.
    fn get_or_make(&self, of: String, make: impl FnOnce() -> T) -> T {
        if let Some((_, kept)) = self.slot.get_value().filter(|(o, _)| *o == of) {
            return kept;
        }
        let made = self.page.with(make);
        self.slot.set_value(Some((of, made)));
        made
    }
}

/// The plan editor's rows and their draft, for one version of a plan's results.
#[derive(Clone, Copy)]
struct Editor {
    rows: RwSignal<Vec<ResultForm>>,
    draft: Draft,
}

impl Editor {
    /// The editor for `plan` (with the draft kept for it): the one already open if it is for the same
    /// results, else a new one.
    fn for_plan(kept: &Kept<Editor>, plan: &PerformancePlan, draft: Option<&str>) -> Editor {
        let of = format!("{}:{}", plan.id, serde_json::to_string(&plan.results).unwrap_or_default());
        kept.get_or_make(of, || Editor {
            rows: RwSignal::new(view_model::result_forms(&plan.results, draft)),
            draft: Draft::new(plan_draft_key(&plan.id), draft.is_some()),
        })
    }

    /// Changes the rows and keeps them on the device as the draft.
    fn edit(&self, change: impl FnOnce(&mut Vec<ResultForm>)) {
        self.rows.update(change);
        self.draft.typed(serde_json::to_string(&self.rows.get_untracked()).unwrap_or_default());
    }
}

/// The planned results, editable (while the plan is a draft or returned): a text and its indicators per
/// result, add, remove, and save (an outbox change like any other).
fn plan_editor(l: Locale, plan_id: String, editor: Editor, act: Act) -> impl IntoView {
    let rows = editor.rows;
    let state = editor.draft.state;
    let field = move |id: &str, set: fn(&mut ResultForm, String), ev: leptos::ev::Event| {
        let (id, value) = (id.to_owned(), event_target_value(&ev));
        editor.edit(move |rs| {
            if let Some(r) = rs.iter_mut().find(|r| r.id == id) {
                set(r, value);
            }
        });
    };
    // A row's number as it stands now (rows above it may be removed).
    let number = move |id: &str| rows.with(|rs| rs.iter().position(|r| r.id == id).map_or(0, |p| p + 1));
    view! {
        <h3>{td_string!(l, plan_edit_heading)}</h3>
        <ol id="plan-editor" class="list editor">
            <For each=move || rows.get() key=|r| r.id.clone() let:r>
                {
                    let id = StoredValue::new(r.id.clone());
                    let (text_id, ind_id) = (format!("result-text-{}", r.id), format!("result-indicators-{}", r.id));
                    let n = move || id.with_value(|id| number(id));
                    view! {
                        <li class="result-row" data-id=r.id.clone()>
                            <label for=text_id.clone()>{move || td_string!(l, result_text_label, n = n()).to_string()}</label>
                            <textarea use:grow id=text_id class="result-text" rows="2" maxlength="500" prop:value=r.text.clone()
                                on:input=move |ev| id.with_value(|id| field(id, |r, v| r.text = v, ev))></textarea>
                            <label for=ind_id.clone()>{td_string!(l, indicators_label)}</label>
                            <textarea use:grow id=ind_id class="result-indicators" rows="3" prop:value=r.indicators.clone()
                                on:input=move |ev| id.with_value(|id| field(id, |r, v| r.indicators = v, ev))></textarea>
                            <AskFirst class="link remove-result"
                                label=Signal::derive(move || td_string!(l, remove_result, n = n()).to_string())
                                question=Signal::derive(move || td_string!(l, ask_remove_result, n = n()).to_string())
                                yes=td_string!(l, ask_yes).to_owned() busy=false
                                on_yes=Callback::new(move |_| {
                                    let id = id.get_value();
                                    editor.edit(move |rs| rs.retain(|r| r.id != id));
                                }) />
                        </li>
                    }
                }
            </For>
        </ol>
        <button id="add-result" class="secondary" on:click=move |_| {
            editor.edit(|rs| rs.push(view_model::new_result_form(rs)));
        }>{td_string!(l, add_result)}</button>
        <p class="muted draft-state" id="plan-draft" aria-live="polite">{move || state.get().label(l)}</p>
        <button id="save-plan" class="primary" disabled=move || !state.get().savable() || act.pending().get()
            on:click=move |_| {
                let results = view_model::results_from_forms(&rows.get_untracked());
                // The engine fills in the version the edit is based on.
                let patch = PlanPatch { base_version: 0, results: Some(results), reflection: None };
                act.dispatch(UserAction::EditPerformancePlan { id: plan_id.clone(), patch });
            }>{td_string!(l, save_plan)}</button>
    }
}

/// The reflection being written, for one saved version of it (like [`Editor`], it outlives redraws).
#[derive(Clone, Copy)]
struct Reflection {
    text: RwSignal<String>,
    draft: Draft,
}

impl Reflection {
    fn for_plan(kept: &Kept<Reflection>, plan: &PerformancePlan, draft: Option<String>) -> Reflection {
        kept.get_or_make(format!("{}:{}", plan.id, plan.reflection), || Reflection {
            draft: Draft::new(plan_reflection_draft_key(&plan.id), draft.is_some()),
            text: RwSignal::new(draft.unwrap_or_else(|| plan.reflection.clone())),
        })
    }
}

/// The teacher's reflection on the plan, until the predikat is given: kept on the device as it is typed,
/// then saved through the outbox.
fn reflection_box(l: Locale, plan_id: String, open: Reflection, saved: Saved, act: Act) -> impl IntoView {
    let (kept, text, id) = (open.draft, open.text, plan_id);
    view! {
        <h2>{td_string!(l, kinerja_reflection_heading)}</h2>
        <label for="plan-reflection">{td_string!(l, kinerja_reflection_label)}</label>
        <textarea use:grow id="plan-reflection" rows="4" maxlength="10000" aria-describedby="plan-reflection-state"
            prop:value=move || text.get()
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                text.set(typed.clone());
                kept.typed(typed);
            }></textarea>
        <p class="muted draft-state" id="plan-reflection-state" aria-live="polite">{move || kept.state.get().line(l, saved)}</p>
        <button id="save-plan-reflection" class="primary" disabled=move || !kept.state.get().savable()
            on:click=move |_| {
                // Sent once what was typed is on the device: the edit forgets the draft, and a write
                // landing after it would bring the sent text back as one.
                let id = id.clone();
                kept.then(move || {
                    let patch = PlanPatch { base_version: 0, results: None, reflection: Some(text.get_untracked()) };
                    act.dispatch(UserAction::EditPerformancePlan { id, patch });
                });
            }>{td_string!(l, save_reflection)}</button>
    }
}

fn plan_view(
    l: Locale,
    v: KinerjaView,
    act: Act,
    editor: Kept<Editor>,
    reflection: Kept<Reflection>,
    preparations: (RwSignal<std::collections::BTreeMap<String, String>>, PageDrafts),
) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let stages = v.cycle.map(|c| {
        view! {
            <h2>{td_string!(l, cycle_heading)}</h2>
            <p class="muted">{c.name}</p>
            <ol id="cycle-stages" class="list">
                {c.stages.into_iter().map(|s| view! {
                    <li>
                        <strong>{s.name}</strong>
                        <span class="date">" "{view_model::date_label(l, &s.starts)}" – "{view_model::date_label(l, &s.ends)}</span>
                        <ul>{s.asks.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ol>
        }
    });
    let Some(plan) = v.plan else {
        return view! { {stages} <p id="plan-none">{td_string!(l, kinerja_none)}</p> }.into_any();
    };
    let note = plan.return_note().map(
        |n| view! { <p class="note"><strong>{td_string!(l, return_note)}</strong>" "{n.to_owned()}</p> },
    );
    let predikat = plan.predikat.map(|p| {
        view! {
            <p id="predikat"><strong>{td_string!(l, predikat)}</strong>" "{view_model::predikat_label(l, p)}</p>
        }
    });
    let badge = if v.conflict {
        Some(
            view! { <span id="plan-conflict" class="badge warn">{td_string!(l, conflict)}</span> }.into_any(),
        )
    } else if v.pending {
        Some(view! { <span id="plan-pending" class="badge">{td_string!(l, waiting_sync)}</span> }.into_any())
    } else {
        None
    };
    let can_submit = v.moves.contains(&PlanStatus::PerluDisetujui);
    let open = plan.status.results_editable().then(|| Editor::for_plan(&editor, &plan, v.draft.as_deref()));
    // Edits typed but not saved would not go with the plan: save them first.
    let unsaved = move || open.is_some_and(|e| e.draft.state.get().savable());
    let reflection = plan.predikat.is_none().then(|| {
        let open = Reflection::for_plan(&reflection, &plan, v.reflection_draft.clone());
        let saved = Saved::of(v.pending, &plan.reflection);
        reflection_box(l, plan.id.clone(), open, saved, act)
    });
    let id = plan.id.clone();
    // The plan and what to do with it first; the cycle's calendar after.
    view! {
        <h2>{td_string!(l, plan_heading)}</h2>
        <p><span id="plan-status" class="status-chip">{view_model::plan_status_label(l, plan.status)}</span>" "{badge}</p>
        {note}
        {if let Some(open) = open {
            plan_editor(l, plan.id.clone(), open, act).into_any()
        } else {
            view! {
                <ol id="plan-results" class="list">
                    {plan.results.into_iter().map(|r| view! {
                        <li><strong>{r.text}</strong>
                            <p class="muted">{td_string!(l, indicators)}</p>
                            <ul>{r.indicators.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                        </li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
        {can_submit.then(|| view! {
            <p id="submit-hint" class="muted" aria-live="polite">
                {move || unsaved().then(|| td_string!(l, save_before_submit))}
            </p>
            <button id="submit-plan" class="primary" disabled=unsaved on:click=move |_| {
                act.dispatch(UserAction::MovePerformancePlan { id: id.clone(), to: PlanStatus::PerluDisetujui, note: None });
            }>{td_string!(l, submit_plan)}</button>
        })}
        {predikat}
        {(!v.feedback.is_empty()).then(|| view! {
            <h2>{td_string!(l, feedback_from_principal)}</h2>
            {feedback_list(l, "plan-feedback", v.feedback, zone)}
        })}
        {reflection}
        <h2>{td_string!(l, observations_heading)}</h2>
        {if v.observations.is_empty() {
            view! { <p>{td_string!(l, observations_none)}</p> }.into_any()
        } else {
            view! {
                <ul id="observations" class="list">
                    {v.observations.into_iter().map(|o| my_observation(l, o, act, preparations)).collect_view()}
                </ul>
            }.into_any()
        }}
        {stages}
        {plan_history(l, "plan-history", plan.history, zone)}
    }
    .into_any()
}
