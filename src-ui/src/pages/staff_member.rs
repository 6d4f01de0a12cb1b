//! One staff member's page, for their principal: where they stand, their plan to read in full (every
//! result and indicator, the history with its notes) and what he can do with it now — approve, return
//! with a note, agree, schedule and record observations, give the predikat. Every decision is applied on
//! his device at once and queued for the server, like any change.

use crate::context::{feedback_list, loaded, plan_history, Act, PageContext};
use crate::draft::{Draft, PageDrafts};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::text_box::grow;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use penggerak_types::ipc::{
    feedback_draft_key, new_observation_draft_key, observation_follow_up_draft_key,
    observation_record_draft_key, predikat_note_draft_key, return_note_draft_key, Action as UserAction,
    ObservationForm, StaffMemberView,
};
use penggerak_types::kinerja::{
    NewFeedback, NewObservation, Observation, ObservationPatch, ObservationStatus, PlanStatus, Predikat,
};

/// What the principal types on the page. It lives with the page, not with what the page draws from the
/// store: a sync that lands while he types redraws the plan, and must not empty his boxes.
#[derive(Clone, Copy)]
struct Typed {
    return_note: RwSignal<String>,
    /// `None` until he picks one: the predikat given so far shows.
    predikat: RwSignal<Option<Predikat>>,
    predikat_note: RwSignal<Option<String>>,
    date: RwSignal<String>,
    time: RwSignal<String>,
    class: RwSignal<String>,
    focus: RwSignal<String>,
    /// The schedule form as its last press sent it, until that change is kept or refused.
    schedule_sent: StoredValue<Option<ObservationForm>>,
    /// The feedback note being written (emptied once it is kept).
    feedback: RwSignal<String>,
    /// The feedback note's text as its last press sent it.
    feedback_sent: StoredValue<String>,
    /// What is typed in the observations' boxes, by their draft keys (record and follow-up of each).
    obs: RwSignal<std::collections::HashMap<String, String>>,
    /// The plan the page shows: a draft read back for another (the staff member changed meanwhile) is not
    /// put in its boxes.
    plan: RwSignal<String>,
    /// The boxes' drafts, one per key while the page shows the same staff member.
    drafts: PageDrafts,
}

impl Typed {
    fn new() -> Typed {
        Typed {
            return_note: RwSignal::new(String::new()),
            predikat: RwSignal::new(None),
            predikat_note: RwSignal::new(None),
            date: RwSignal::new(String::new()),
            time: RwSignal::new(String::new()),
            class: RwSignal::new(String::new()),
            focus: RwSignal::new(String::new()),
            schedule_sent: StoredValue::new(None),
            feedback: RwSignal::new(String::new()),
            feedback_sent: StoredValue::new(String::new()),
            obs: RwSignal::new(std::collections::HashMap::new()),
            plan: RwSignal::new(String::new()),
            drafts: PageDrafts::new(),
        }
    }

    /// The draft of `key` on plan `plan`, whose text read back goes into a box through `put` (only while
    /// the page still shows that plan; `put` itself leaves a box that has been typed in alone).
    fn draft(&self, key: String, plan: &str, put: impl FnOnce(String) + 'static) -> Draft {
        let (shown, plan) = (self.plan, plan.to_owned());
        self.drafts.get(key, move |text| {
            if shown.get_untracked() == plan {
                put(text);
            }
        })
    }

    /// Empties the schedule form's boxes that still hold what `sent` carried; returns the form as left.
    fn empty_of(&self, sent: &ObservationForm) -> ObservationForm {
        let boxes = [
            (self.date, &sent.date),
            (self.time, &sent.time),
            (self.class, &sent.class_name),
            (self.focus, &sent.focus),
        ];
        for (b, was) in boxes {
            if b.get_untracked() == *was {
                b.set(String::new());
            }
        }
        self.schedule_form()
    }

    /// The schedule form as its boxes hold it now.
    fn schedule_form(&self) -> ObservationForm {
        ObservationForm {
            date: self.date.get_untracked(),
            time: self.time.get_untracked(),
            class_name: self.class.get_untracked(),
            focus: self.focus.get_untracked(),
        }
    }

    /// Empties every box (another staff member's page: what was typed was for the last one, and is kept
    /// on the device under that one's plan).
    fn clear(&self) {
        self.return_note.set(String::new());
        self.predikat.set(None);
        self.predikat_note.set(None);
        for s in [self.date, self.time, self.class, self.focus, self.feedback] {
            s.set(String::new());
        }
        self.obs.set(std::collections::HashMap::new());
        self.schedule_sent.set_value(None);
        self.drafts.forget();
    }
}

#[component]
pub fn StaffMember() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = ctx.read(move || ipc::staff_member(id()));
    let error = RwSignal::new(None::<String>);
    let act = ctx.action(error, ipc::act);
    let typed = Typed::new();
    // The page stays when another staff member's is opened (the list beside it on a desktop).
    Effect::new(move |last: Option<String>| {
        let now = id();
        if last.is_some_and(|l| l != now) {
            typed.clear();
        }
        now
    });
    // Feedback goes through its own action, so its box empties only when the note was kept.
    let give = ctx.action(error, ipc::act);
    Effect::new(move |_| match give.value().get() {
        Some(Ok(())) => {
            // Only what the note carried goes: words typed while it was on its way stay in the box, kept
            // as its draft again (the note forgot the draft on the device, and the draft is what is left,
            // not the whole box as typed, which would bring the sent words back).
            let now = typed.feedback.get_untracked();
            let left = view_model::left_after_sending(&now, &typed.feedback_sent.get_value());
            if left != now {
                typed.feedback.set(left.clone());
                if !left.is_empty() {
                    let key = feedback_draft_key(&typed.plan.get_untracked());
                    typed.drafts.get(key, |_| {}).typed(left);
                }
            }
            typed.drafts.settle(true);
        }
        Some(Err(_)) => typed.drafts.settle(false),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(done) = act.value().get() {
            let scheduled = typed.schedule_sent.try_update_value(Option::take).flatten();
            match scheduled.filter(|_| done.is_ok()) {
                // The observation is kept: the form empties of what it sent, as Rencana's does (left filled,
                // it invited a second press and the same observation twice); what was typed since stays,
                // kept as the form's draft again (the change forgot it).
                Some(sent) => {
                    let left = typed.empty_of(&sent);
                    typed.drafts.settle(true);
                    if left != ObservationForm::default() {
                        let key = new_observation_draft_key(&typed.plan.get_untracked());
                        typed.drafts.get(key, |_| {}).typed(left.to_draft());
                    }
                }
                None => typed.drafts.settle(done.is_ok()),
            }
        }
    });
    // The staff beside the page on a desktop (read from the device like the Staf page).
    let staff = ctx.read(ipc::staff);
    let others = move || {
        staff.get().and_then(Result::ok).map(|v| {
            let links = v.rows.into_iter().map(|r| {
                let p = r.summary.person;
                (format!("/staf/{}", p.id), p.full_name)
            });
            super::beside::beside("beside-staff", td_string!(l, staff_title), links.collect())
        })
    };
    view! {
        <div class="with-beside">
            <section class="card staff-member" aria-labelledby="member-title">
                <A href="/staf">{td_string!(l, back_to_staff)}</A>
                <p id="member-error" class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                {loaded(l, data, move |v| page(l, v, (act, give), typed))}
            </section>
            {others}
        </div>
    }
}

fn page(l: Locale, v: StaffMemberView, (act, give): (Act, Act), typed: Typed) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let s = v.row.summary;
    let p = s.person;
    let last_sync = s.last_synced_at.map(|at| {
        view! { <p id="member-last-sync" class="muted">{td_string!(l, member_last_sync, when = view_model::time_label(l, &at, zone)).to_string()}</p> }
    });
    let identity =
        format!("{} · {}", view_model::identity_line(l, &p), view_model::employment_label(l, p.employment));
    let programmes = s
        .programmes
        .into_iter()
        .map(|x| {
            view! {
                <li>{format!("{} · {} · {}", x.programme, x.cohort, x.stage)}</li>
            }
        })
        .collect_view();
    let problems = p
        .problems
        .into_iter()
        .map(|x| {
            view! {
                <li class="problem" data-code=x.code.clone()>{view_model::staff_problem_text(l, &x)}" — "{view_model::fixer_label(l, x.fix_by)}</li>
            }
        })
        .collect_view();
    let plan_part = match v.plan {
        None => view! { <p id="member-no-plan">{td_string!(l, staff_no_plan_long)}</p> }.into_any(),
        Some(plan) => {
            let id = plan.id.clone();
            let badge = if v.conflict {
                Some(view! { <span class="badge warn">{td_string!(l, conflict)}</span> }.into_any())
            } else if v.pending {
                Some(
                    view! { <span id="member-pending" class="badge">{td_string!(l, waiting_sync)}</span> }
                        .into_any(),
                )
            } else {
                None
            };
            typed.plan.set(id.clone());
            let moves = decisions(l, id.clone(), v.moves, act, typed);
            let rating = v
                .can_rate
                .then(|| rate_form(l, id.clone(), plan.predikat, plan.predikat_note.clone(), act, typed));
            let observations = observations(l, id.clone(), v.observations, act, typed);
            let feedback = feedback(l, id.clone(), v.feedback, give, typed);
            view! {
                <h2>{td_string!(l, plan_heading)}</h2>
                <p><span id="member-plan-status" class="status-chip">{view_model::plan_status_label(l, plan.status)}</span>" "{badge}</p>
                {plan.predikat.map(|pr| view! {
                    <p id="member-predikat"><strong>{td_string!(l, predikat)}</strong>" "{view_model::predikat_label(l, pr)}
                        {plan.predikat_note.clone().map(|n| format!(" — {n}"))}</p>
                })}
                <ol id="member-results" class="list">
                    {plan.results.into_iter().map(|r| view! {
                        <li class="member-result"><strong>{r.text}</strong>
                            <p class="muted">{td_string!(l, indicators)}</p>
                            <ul>{r.indicators.into_iter().map(|i| view! { <li class="indicator">{i}</li> }).collect_view()}</ul>
                        </li>
                    }).collect_view()}
                </ol>
                {(!plan.reflection.is_empty()).then(|| view! {
                    <h3>{td_string!(l, kinerja_reflection_heading)}</h3>
                    <p id="member-reflection">{plan.reflection.clone()}</p>
                })}
                {moves}
                {feedback}
                {rating}
                {observations}
                {plan_history(l, "member-history", plan.history, zone)}
            }
            .into_any()
        }
    };
    view! {
        <h1 id="member-title">{p.full_name}</h1>
        <p class="muted">{identity}</p>
        {last_sync}
        <p id="member-jp">{view_model::jp_progress(l, s.jp_done, s.jp_target)}</p>
        <ul class="list">{programmes}</ul>
        <ul id="member-problems" class="list">{problems}</ul>
        {plan_part}
    }
}

/// Approve, return (a note is required and reaches the teacher), agree: the moves the plan's status
/// allows the principal now.
fn decisions(l: Locale, id: String, moves: Vec<PlanStatus>, act: Act, typed: Typed) -> impl IntoView {
    if moves.is_empty() {
        return ().into_any();
    }
    let note = typed.return_note;
    let returns = moves.contains(&PlanStatus::Dikembalikan);
    // Kept on the device as it is typed, and back after a killed app or another page.
    let draft = returns.then(|| {
        typed.draft(return_note_draft_key(&id), &id, move |t| {
            if note.get_untracked().is_empty() {
                note.set(t);
            }
        })
    });
    view! {
        <div id="member-decisions" class="actions">
            {returns.then(|| view! {
                <label for="return-note">{td_string!(l, return_note_label)}</label>
                <textarea use:grow id="return-note" rows="3" maxlength="2000" prop:value=move || note.get()
                    aria-describedby="return-note-draft"
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        note.set(typed.clone());
                        if let Some(d) = draft {
                            d.typed(typed);
                        }
                    }></textarea>
                {draft.map(|d| d.status_line(l, "return-note-draft".into()))}
            })}
            {moves.into_iter().map(|to| {
                let id = id.clone();
                let (label, class) = match to {
                    PlanStatus::Disetujui => (td_string!(l, approve), "primary"),
                    PlanStatus::Dikembalikan => (td_string!(l, return_plan), "secondary"),
                    PlanStatus::Disepakati => (td_string!(l, agree_plan), "primary"),
                    _ => (view_model::plan_status_label(l, to), "secondary"),
                };
                let button_id = format!("move-{}", format!("{to:?}").to_lowercase());
                view! {
                    <button id=button_id class=class disabled=move || act.pending().get() on:click=move |_| {
                        let id = id.clone();
                        // Sent once the note's draft is written: a decision forgets it.
                        let send = move || {
                            let note = (to == PlanStatus::Dikembalikan).then(|| note.get_untracked());
                            if let (Some(_), Some(d)) = (&note, draft) {
                                typed.drafts.sending(&[d]);
                            }
                            act.dispatch(UserAction::MovePerformancePlan { id, to, note });
                        };
                        match draft {
                            Some(d) => d.then(send),
                            None => send(),
                        }
                    }>{label}</button>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// His feedback notes on the plan and a box to leave another, at any point of the cycle.
fn feedback(
    l: Locale,
    plan_id: String,
    list: Vec<penggerak_types::kinerja::Feedback>,
    give: Act,
    typed: Typed,
) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let text = typed.feedback;
    let draft = typed.draft(feedback_draft_key(&plan_id), &plan_id, move |t| {
        if text.get_untracked().is_empty() {
            text.set(t);
        }
    });
    view! {
        <h2>{td_string!(l, feedback_heading)}</h2>
        {feedback_list(l, "member-feedback", list, zone)}
        <label for="feedback-text">{td_string!(l, feedback_label)}</label>
        <textarea use:grow id="feedback-text" rows="3" maxlength=penggerak_types::limits::TEXT prop:value=move || text.get()
            aria-describedby="feedback-draft"
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                text.set(typed.clone());
                draft.typed(typed);
            }></textarea>
        {draft.status_line(l, "feedback-draft".into())}
        <button id="give-feedback" class="secondary" disabled=move || give.pending().get() on:click=move |_| {
            let plan_id = plan_id.clone();
            draft.then(move || {
                let new = NewFeedback { id: String::new(), plan_id, text: text.get_untracked() };
                typed.feedback_sent.set_value(new.text.clone());
                typed.drafts.sending(&[draft]);
                give.dispatch(UserAction::GiveFeedback { new });
            });
        }>{td_string!(l, give_feedback)}</button>
    }
}

const PREDIKATS: [Predikat; 5] = [
    Predikat::SangatBaik,
    Predikat::Baik,
    Predikat::ButuhPerbaikan,
    Predikat::Kurang,
    Predikat::SangatKurang,
];

fn predikat_code(p: Predikat) -> String {
    format!("{p:?}").to_lowercase()
}

/// The predikat with a note, once the plan is agreed; given again, it replaces the earlier one.
fn rate_form(
    l: Locale,
    id: String,
    given: Option<Predikat>,
    given_note: Option<String>,
    act: Act,
    typed: Typed,
) -> impl IntoView {
    let (picked, typed_note) = (typed.predikat, typed.predikat_note);
    let choice = move || picked.get().or(given).unwrap_or(Predikat::Baik);
    let note = move || typed_note.get().unwrap_or_else(|| given_note.clone().unwrap_or_default());
    let note_now = note.clone();
    let draft = typed.draft(predikat_note_draft_key(&id), &id, move |t| {
        if typed_note.get_untracked().is_none() {
            typed_note.set(Some(t));
        }
    });
    view! {
        <h3>{td_string!(l, rate_heading)}</h3>
        <label for="predikat-choice">{td_string!(l, predikat)}</label>
        <select id="predikat-choice" on:change=move |ev| {
            let code = event_target_value(&ev);
            if let Some(p) = PREDIKATS.into_iter().find(|p| predikat_code(*p) == code) {
                picked.set(Some(p));
            }
        }>
            {PREDIKATS.into_iter().map(|p| view! {
                <option value=predikat_code(p) selected=move || choice() == p>{view_model::predikat_label(l, p)}</option>
            }).collect_view()}
        </select>
        <label for="predikat-note">{td_string!(l, predikat_note_label)}</label>
        <textarea use:grow id="predikat-note" rows="3" maxlength="2000" prop:value=note
            aria-describedby="predikat-note-draft"
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                typed_note.set(Some(typed.clone()));
                draft.typed(typed);
            }></textarea>
        {draft.status_line(l, "predikat-note-draft".into())}
        <button id="give-predikat" class="primary" disabled=move || act.pending().get() on:click=move |_| {
            let (id, note_now) = (id.clone(), note_now.clone());
            draft.then(move || {
                let written = note_now();
                let note = (!written.trim().is_empty()).then_some(written);
                typed.drafts.sending(&[draft]);
                act.dispatch(UserAction::RatePlan { id, predikat: choice(), note });
            });
        }>{td_string!(l, give_predikat)}</button>
    }
}

/// The plan's observations (each to record and move on: held, then the follow-up done) and a form to
/// schedule a new one.
fn observations(l: Locale, plan_id: String, list: Vec<Observation>, act: Act, typed: Typed) -> impl IntoView {
    let Typed { date, time, class, focus, .. } = typed;
    // The form is kept on the device as it is filled (one draft for its four boxes), read back into boxes
    // nothing was typed in yet.
    let draft = typed.draft(new_observation_draft_key(&plan_id), &plan_id, move |text| {
        let empty = [date, time, class, focus].iter().all(|s| s.get_untracked().is_empty());
        if empty {
            let f = ObservationForm::from_draft(&text);
            date.set(f.date);
            time.set(f.time);
            class.set(f.class_name);
            focus.set(f.focus);
        }
    });
    let keep = move || draft.typed(typed.schedule_form().to_draft());
    view! {
        <h2>{td_string!(l, observations_heading)}</h2>
        {if list.is_empty() {
            view! { <p>{td_string!(l, observations_none)}</p> }.into_any()
        } else {
            view! {
                <ul id="member-observations" class="list">
                    {list.into_iter().map(|o| observation(l, o, act, typed)).collect_view()}
                </ul>
            }.into_any()
        }}
        <h3>{td_string!(l, schedule_heading)}</h3>
        <div id="schedule-form" class="form">
            <label for="obs-date">{td_string!(l, obs_date)}</label>
            <input id="obs-date" type="date" aria-describedby="schedule-draft" prop:value=move || date.get() on:input=move |ev| { date.set(event_target_value(&ev)); keep() } />
            <label for="obs-time">{td_string!(l, obs_time)}</label>
            <input id="obs-time" aria-describedby="schedule-draft" type="time" prop:value=move || time.get() on:input=move |ev| { time.set(event_target_value(&ev)); keep() } />
            <label for="obs-class">{td_string!(l, obs_class)}</label>
            <input id="obs-class" aria-describedby="schedule-draft" type="text" maxlength="100" prop:value=move || class.get() on:input=move |ev| { class.set(event_target_value(&ev)); keep() } />
            <label for="obs-focus">{td_string!(l, obs_focus)}</label>
            <input id="obs-focus" aria-describedby="schedule-draft" type="text" maxlength="2000" prop:value=move || focus.get() on:input=move |ev| { focus.set(event_target_value(&ev)); keep() } />
            <button id="schedule-observation" class="primary" disabled=move || act.pending().get() on:click=move |_| {
                let plan_id = plan_id.clone();
                // Sent once the form's last write is on the device (the change forgets the draft).
                draft.then(move || {
                    let form = typed.schedule_form();
                    let new = NewObservation {
                        id: String::new(),
                        plan_id,
                        scheduled_at: format!("{}T{}", form.date, form.time),
                        class_name: form.class_name.clone(),
                        focus: form.focus.clone(),
                    };
                    typed.schedule_sent.set_value(Some(form));
                    typed.drafts.sending(&[draft]);
                    act.dispatch(UserAction::ScheduleObservation { new });
                });
            }>{td_string!(l, schedule_observation)}</button>
            {draft.status_line(l, "schedule-draft".into())}
        </div>
    }
}

/// One observation: its time, class and focus, the teacher's preparation, and the principal's record and
/// follow-up, saved with the next step (held, then done). What he types lives with the page (`typed.obs`):
/// a redraw neither empties the boxes nor reads their drafts back over them.
fn observation(l: Locale, o: Observation, act: Act, typed: Typed) -> impl IntoView {
    let (record_key, follow_up_key) =
        (observation_record_draft_key(&o.id), observation_follow_up_draft_key(&o.id));
    let text_of = move |key: String, saved: String| {
        move || typed.obs.with(|m| m.get(&key).cloned()).unwrap_or_else(|| saved.clone())
    };
    let record = text_of(record_key.clone(), o.record.clone());
    let follow_up = text_of(follow_up_key.clone(), o.follow_up.clone());
    // Each kept on the device as it is typed: what he writes during a lesson survives the app being killed.
    let box_draft = |key: &String| {
        let k = key.clone();
        typed.draft(key.clone(), &o.plan_id, move |t| {
            typed.obs.update(|m| {
                m.entry(k).or_insert(t);
            })
        })
    };
    let (record_draft, follow_up_draft) = (box_draft(&record_key), box_draft(&follow_up_key));
    let typing = move |key: &String, draft: Draft| {
        let key = key.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            typed.obs.update(|m| {
                m.insert(key.clone(), text.clone());
            });
            draft.typed(text);
        }
    };
    let (on_record, on_follow_up) =
        (typing(&record_key, record_draft), typing(&follow_up_key, follow_up_draft));
    let id = o.id.clone();
    let next = match o.status {
        ObservationStatus::Terjadwal => Some(ObservationStatus::Dilaksanakan),
        ObservationStatus::Dilaksanakan => Some(ObservationStatus::Selesai),
        ObservationStatus::Selesai => None,
    };
    let (record_now, follow_up_now) = (record.clone(), follow_up.clone());
    let save = move |status: Option<ObservationStatus>| {
        let (id, record_now, follow_up_now) = (id.clone(), record_now.clone(), follow_up_now.clone());
        // Sent once both drafts are written: the edit forgets them.
        record_draft.then(move || {
            follow_up_draft.then(move || {
                let patch = ObservationPatch {
                    record: Some(record_now()),
                    follow_up: Some(follow_up_now()),
                    status,
                    ..Default::default()
                };
                typed.drafts.sending(&[record_draft, follow_up_draft]);
                act.dispatch(UserAction::EditObservation { id, patch });
            })
        });
    };
    let save_next = save.clone();
    view! {
        <li class="observation" data-id=o.id.clone()>
            <p><span class="date">{view_model::date_label(l, &o.scheduled_at)}</span>
                " · "{o.class_name}" · "<span class="status-chip obs-status">{view_model::observation_status_label(l, o.status)}</span></p>
            {(!o.focus.is_empty()).then(|| view! { <p class="muted">{td_string!(l, obs_focus)}": "{o.focus.clone()}</p> })}
            <p class="preparation"><strong>{td_string!(l, obs_preparation)}</strong>" "
                {if o.preparation.is_empty() { td_string!(l, obs_preparation_none).to_owned() } else { o.preparation.clone() }}</p>
            <label for=format!("obs-record-{}", o.id)>{td_string!(l, obs_record)}</label>
            <textarea use:grow id=format!("obs-record-{}", o.id) class="obs-record" rows="3" maxlength="10000"
                aria-describedby=format!("obs-record-draft-{}", o.id) prop:value=record on:input=on_record></textarea>
            {record_draft.status_line(l, format!("obs-record-draft-{}", o.id))}
            <label for=format!("obs-follow-up-{}", o.id)>{td_string!(l, obs_follow_up)}</label>
            <textarea use:grow id=format!("obs-follow-up-{}", o.id) class="obs-follow-up" rows="3" maxlength="10000"
                aria-describedby=format!("obs-follow-up-draft-{}", o.id) prop:value=follow_up on:input=on_follow_up></textarea>
            {follow_up_draft.status_line(l, format!("obs-follow-up-draft-{}", o.id))}
            <button class="secondary save-observation" on:click=move |_| save(None)>{td_string!(l, obs_save)}</button>
            {next.map(|n| view! {
                <button class="primary next-observation-step" on:click=move |_| save_next(Some(n))>
                    {match n {
                        ObservationStatus::Dilaksanakan => td_string!(l, obs_mark_held),
                        _ => td_string!(l, obs_mark_done),
                    }}
                </button>
            })}
        </li>
    }
}
