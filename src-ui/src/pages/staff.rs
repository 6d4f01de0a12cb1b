//! Staf (a principal's): his whole staff at a glance, from the records on his device — counts and charts
//! first (plans by status, JP progress, programme stages), then the list with a search by name, "who
//! needs me" filters and a choice of order, each person with when their device last synced (as the
//! server last told); each name opens that person's page.

use crate::context::{loaded, PageContext};
use crate::i18n::{td_string, Locale};
use crate::ipc;
use crate::lang::use_i18n;
use crate::view_model::{self, StaffFilter, StaffShow, StaffSort};
use leptos::prelude::*;
use leptos_router::components::A;
use penggerak_types::ipc::{StaffRow, StaffView};

#[component]
pub fn Staf() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let data = ctx.read(ipc::staff);
    let filter = RwSignal::new(StaffFilter::default());
    let said = RwSignal::new(None::<String>);
    let export =
        Action::new_local(move |_: &()| ipc::export_staff(td_string!(l, staff_export_dialog).to_owned()));
    Effect::new(move |_| match export.value().get() {
        Some(Ok(true)) => said.set(Some(td_string!(l, staff_exported).to_owned())),
        Some(Ok(false)) => said.set(None),
        Some(Err(e)) => said.set(Some(view_model::error_text(l, &e))),
        None => {}
    });
    view! {
        <section class="card staff" aria-labelledby="staff-title">
            <h1 id="staff-title">{td_string!(l, staff_title)}</h1>
            <div class="actions no-print">
                <button id="staff-export" class="secondary" disabled=move || export.pending().get()
                    on:click=move |_| { export.dispatch(()); }>{td_string!(l, staff_export)}</button>
                <button id="staff-print" class="secondary" on:click=move |_| {
                    if let Err(e) = window().print() {
                        leptos::logging::warn!("printing is not available: {e:?}");
                    }
                }>{td_string!(l, staff_print)}</button>
            </div>
            <p id="staff-said" role="status">{move || said.get().unwrap_or_default()}</p>
            {loaded(l, data, move |v| overview(l, v, filter))}
        </section>
    }
}

fn overview(l: Locale, v: StaffView, filter: RwSignal<StaffFilter>) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    let total = v.rows.len() as u32;
    let most = v.plan_counts.iter().map(|c| c.count).max().unwrap_or(0);
    let stage_most = v.stages.first().map_or(0, |s| s.count);
    let jp_bars = view_model::jp_bars(&v.rows);
    let stages: Vec<String> = v.stages.iter().map(|s| s.stage.clone()).collect();
    let rows = StoredValue::new(v.rows);
    let known = v.sightings_at.is_some();
    let shown = move || {
        let mut list = rows.with_value(|all| {
            all.iter().filter(|r| filter.with(|f| f.matches(r))).cloned().collect::<Vec<_>>()
        });
        filter.with(|f| f.sort).apply(&mut list);
        list
    };
    view! {
        <p id="staff-counts" class="muted">
            {td_string!(l, staff_count, count = total).to_string()}" · "
            {td_string!(l, staff_jp_reached, reached = v.jp_reached, of = v.with_jp_target).to_string()}
        </p>
        {v.sightings_at.map(|at| view! {
            <p id="staff-sightings" class="muted">{td_string!(l, staff_sightings_at, when = view_model::time_label(l, &at, zone)).to_string()}</p>
        })}
        <div class="charts">
            <figure class="chart" id="chart-plans">
                <figcaption>{td_string!(l, staff_chart_plans)}</figcaption>
                <table class="bars">
                    <tbody>
                        {v.plan_counts.into_iter().map(|c| {
                            let label = match c.status {
                                Some(s) => view_model::plan_status_label(l, s),
                                None => td_string!(l, staff_no_plan),
                            };
                            let code = c.status.map_or("none".to_owned(), |s| format!("{s:?}").to_lowercase());
                            bar_row(label.to_owned(), c.count, most, code)
                        }).collect_view()}
                    </tbody>
                </table>
            </figure>
            <figure class="chart" id="chart-jp">
                <figcaption>{td_string!(l, staff_chart_jp)}</figcaption>
                <table class="bars">
                    <tbody>
                        {jp_bars.into_iter().map(|(name, done, target)| {
                            let pct = view_model::jp_percent(done, target);
                            view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td class="bar"><svg width="100%" height="14" aria-hidden="true">
                                        <rect width="100%" height="14" rx="3" class="bar-track"></rect>
                                        <rect width=format!("{pct}%") height="14" rx="3" class="bar-fill"></rect>
                                    </svg></td>
                                    <td class="num" aria-label=view_model::jp_progress(l, done, target)>{format!("{done}/{target}")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </figure>
            <figure class="chart" id="chart-stages">
                <figcaption>{td_string!(l, staff_chart_stages)}</figcaption>
                <table class="bars">
                    <tbody>
                        {v.stages.into_iter().map(|s| bar_row(s.stage.clone(), s.count, stage_most, s.stage)).collect_view()}
                    </tbody>
                </table>
            </figure>
        </div>
        <div class="filters no-print" role="search">
            <label for="staff-q">{td_string!(l, staff_search)}</label>
            <input id="staff-q" type="search" maxlength="100"
                on:input=move |ev| filter.update(|f| f.q = event_target_value(&ev)) />
            // Side by side where there is room (a desktop), one under another on a phone.
            <div class="filter-row">
                <div>
                    <label for="staff-show">{td_string!(l, staff_show)}</label>
                    <select id="staff-show" on:change=move |ev| filter.update(|f| f.show = StaffShow::from_code(&event_target_value(&ev)))>
                        {StaffShow::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label(l)}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="staff-stage">{td_string!(l, staff_stage)}</label>
                    <select id="staff-stage" on:change=move |ev| filter.update(|f| f.stage = event_target_value(&ev))>
                        <option value="">{td_string!(l, staff_stage_any)}</option>
                        {stages.into_iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="staff-sort">{td_string!(l, staff_sort)}</label>
                    <select id="staff-sort" on:change=move |ev| filter.update(|f| f.sort = StaffSort::from_code(&event_target_value(&ev)))>
                        {StaffSort::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label(l)}</option> }).collect_view()}
                    </select>
                </div>
            </div>
        </div>
        <ul id="staff-list" class="list">
            {move || {
                let list = shown();
                if list.is_empty() {
                    return view! { <li id="staff-none">{td_string!(l, staff_none)}</li> }.into_any();
                }
                list.into_iter().map(|r| staff_row(l, r, zone, known)).collect_view().into_any()
            }}
        </ul>
    }
}

/// One bar of a chart: its label, the bar (in proportion to the longest), and its number.
fn bar_row(label: String, count: u32, most: u32, code: String) -> impl IntoView {
    let pct = view_model::bar_percent(count, most);
    view! {
        <tr data-bar=code>
            <th scope="row">{label}</th>
            <td class="bar"><svg width="100%" height="14" aria-hidden="true">
                <rect width=format!("{pct}%") height="14" rx="3" class="bar-fill"></rect>
            </svg></td>
            <td class="num">{count}</td>
        </tr>
    }
}

/// One person: name (opens their page), role, stage, JP, plan, and — when the server has told this device
/// (`known`) — when they last synced.
fn staff_row(l: Locale, r: StaffRow, zone: penggerak_types::zone::Zone, known: bool) -> impl IntoView {
    let s = r.summary;
    let p = s.person;
    let stage = s.programmes.first().map(|x| x.stage.clone());
    let status = s.kinerja_status.map(|st| view_model::plan_status_label(l, st));
    view! {
        <li class="staff-row" data-id=p.id.clone()>
            <A href=format!("/staf/{}", p.id)><strong class="name">{p.full_name}</strong></A>
            <p class="muted">
                {view_model::role_label(l, p.role)}" · "{view_model::employment_label(l, p.employment)}
                {stage.map(|st| format!(" · {st}"))}
            </p>
            <p>
                <span class="jp">{view_model::jp_progress(l, s.jp_done, s.jp_target)}</span>
                {status.map(|st| view! { " · " <span class="status-chip plan-status">{st}</span> })}
                {r.predikat.map(|pr| view! {
                    " · " <span class="predikat">{td_string!(l, predikat)}" "{view_model::predikat_label(l, pr)}</span>
                })}
                {r.next_observation.map(|o| view! {
                    " · " <span class="next-observation">{td_string!(l, staff_next_observation, when = view_model::date_label(l, &o)).to_string()}</span>
                })}
                {r.submitted_at.map(|at| view! {
                    " · " <span class="submitted">{td_string!(l, staff_submitted, when = view_model::time_label(l, &at, zone)).to_string()}</span>
                })}
                {(!p.problems.is_empty()).then(|| view! {
                    " · " <span class="badge warn problems">{td_string!(l, staff_problems, count = p.problems.len()).to_string()}</span>
                })}
                {r.pending.then(|| view! { " " <span class="badge pending">{td_string!(l, waiting_sync)}</span> })}
            </p>
            {known.then(|| view! {
                <p class="muted last-sync">{match s.last_synced_at {
                    Some(at) => td_string!(l, staff_last_sync, when = view_model::time_label(l, &at, zone)).to_string(),
                    None => td_string!(l, staff_never_synced).to_owned(),
                }}</p>
            })}
        </li>
    }
}
