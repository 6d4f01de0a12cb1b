//! Kinerja: the current cycle's stages with their dates and what each asks, the teacher's plan (results
//! and indicators, status, history and the principal's notes, predikat), observations, and the move the
//! teacher can make now (submit). A principal also sees the staff plans waiting for their approval.

use crate::app::{Act, Shell};
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::api::Role;
use penggerak_types::ipc::{Action as UserAction, Approval, KinerjaView};
use penggerak_types::kinerja::PlanStatus;

#[component]
pub fn Kinerja() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let data = shell.read(ipc::kinerja);
    let principal = shell.profile.role == Role::KepalaSekolah;
    let approvals = shell.read(ipc::approvals);
    let error = RwSignal::new(None::<String>);
    let act = shell.action(error, ipc::act);

    view! {
        <section class="card kinerja" aria-labelledby="kinerja-title">
            <h1 id="kinerja-title">{text::KINERJA_TITLE}</h1>
            <p id="kinerja-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            {principal.then(|| view! {
                <h2>{text::APPROVALS_HEADING}</h2>
                <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                    {move || approvals.get().map(|r| match r {
                        Ok(list) => approval_list(list, act).into_any(),
                        Err(e) => view! { <p class="error">{view_model::error_text(&e)}</p> }.into_any(),
                    })}
                </Transition>
            })}
            <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(v) => plan_view(v, act).into_any(),
                    Err(e) => view! { <p class="error" role="alert">{view_model::error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn approval_list(list: Vec<Approval>, act: Act) -> impl IntoView {
    if list.is_empty() {
        return view! { <p id="approvals-empty">{text::APPROVALS_NONE}</p> }.into_any();
    }
    view! {
        <ul id="approvals" class="list">
            {list.into_iter().map(|a| {
                let id = a.plan.id.clone();
                let results = a.plan.results.len();
                let row = format!("approval-{}", a.plan.owner_id);
                view! {
                    <li class="approval" id=row>
                        <span class="owner">{a.owner_name}</span>
                        " · "{results}" "{text::PLAN_HEADING.to_lowercase()}
                        <button class="primary approve" on:click=move |_| {
                            act.dispatch(UserAction::MovePerformancePlan {
                                id: id.clone(),
                                to: PlanStatus::Disetujui,
                                note: None,
                            });
                        }>{text::APPROVE}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn plan_view(v: KinerjaView, act: Act) -> impl IntoView {
    let stages = v.cycle.map(|c| {
        view! {
            <h2>{text::CYCLE_HEADING}</h2>
            <p class="muted">{c.name}</p>
            <ol id="cycle-stages" class="list">
                {c.stages.into_iter().map(|s| view! {
                    <li>
                        <strong>{s.name}</strong>
                        <span class="date">" "{view_model::date_label(&s.starts)}" – "{view_model::date_label(&s.ends)}</span>
                        <ul>{s.asks.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ol>
        }
    });
    let Some(plan) = v.plan else {
        return view! { {stages} <p id="plan-none">{text::KINERJA_NONE}</p> }.into_any();
    };
    let note = plan
        .return_note()
        .map(|n| view! { <p class="note"><strong>{text::RETURN_NOTE}</strong>" "{n.to_owned()}</p> });
    let predikat = plan.predikat.map(|p| {
        view! {
            <p id="predikat"><strong>{text::PREDIKAT}</strong>" "{view_model::predikat_label(p)}</p>
        }
    });
    let badge = if v.conflict {
        Some(view! { <span id="plan-conflict" class="badge warn">{text::CONFLICT}</span> }.into_any())
    } else if v.pending {
        Some(view! { <span id="plan-pending" class="badge">{text::WAITING_SYNC}</span> }.into_any())
    } else {
        None
    };
    let can_submit = v.moves.contains(&PlanStatus::PerluDisetujui);
    let id = plan.id.clone();
    // The plan and what to do with it first; the cycle's calendar after.
    view! {
        <h2>{text::PLAN_HEADING}</h2>
        <p><span id="plan-status" class="status-chip">{view_model::plan_status_label(plan.status)}</span>" "{badge}</p>
        {note}
        <ol id="plan-results" class="list">
            {plan.results.into_iter().map(|r| view! {
                <li><strong>{r.text}</strong>
                    <p class="muted">{text::INDICATORS}</p>
                    <ul>{r.indicators.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                </li>
            }).collect_view()}
        </ol>
        {can_submit.then(|| view! {
            <button id="submit-plan" class="primary" on:click=move |_| {
                act.dispatch(UserAction::MovePerformancePlan { id: id.clone(), to: PlanStatus::PerluDisetujui, note: None });
            }>{text::SUBMIT_PLAN}</button>
        })}
        {predikat}
        <h2>{text::OBSERVATIONS_HEADING}</h2>
        {if v.observations.is_empty() {
            view! { <p>{text::OBSERVATIONS_NONE}</p> }.into_any()
        } else {
            view! {
                <ul id="observations" class="list">
                    {v.observations.into_iter().map(|o| view! {
                        <li><span class="date">{view_model::date_label(&o.scheduled_at)}</span>" · "{o.class_name}
                            " · "{view_model::observation_status_label(o.status)}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {stages}
        <h2>{text::HISTORY_HEADING}</h2>
        <ul id="plan-history" class="list">
            {plan.history.into_iter().rev().map(|e| view! {
                <li><span class="date">{view_model::date_label(&e.at)}</span>" · "{view_model::plan_status_label(e.to)}
                    " · "{e.by_name}{e.note.map(|n| format!(" — {n}")).unwrap_or_default()}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
