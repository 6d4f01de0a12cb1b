//! Beranda: who is signed in, their programme stage and next step, the nearest deadlines, development-plan
//! progress and where their performance plan stands, all from the device's store; for a principal what
//! waits for him, for a pengawas her schools summed up (from the last copy on the device); and, when the
//! user's records are inconsistent, what is wrong and who must fix it. Changes the server refused lead to
//! Ditolak from here too. One search box finds whatever the device holds that has a page (materials,
//! communities, PKB activities, performance plans). (Sign-out is in Pengaturan.)

use crate::context::{errors_view, FirstHome, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::t;
use crate::view_model::NextStep;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use penggerak_types::api::{Profile, Role};
use penggerak_types::ipc::{Deadline, DeadlineKind, Home as HomeData, PrincipalWaits, SearchScope};
use penggerak_types::zone::Zone;

#[component]
pub fn Home() -> impl IntoView {
    ipc::mark(|| "Beranda built".to_owned());
    let ctx = expect_context::<PageContext>();
    let profile = ctx.profile.clone();
    let first = use_context::<FirstHome>().and_then(|f| f.0.try_update_value(Option::take).flatten());
    let data = ctx.read_first(first, ipc::home);
    let sync = ctx.sync;
    let i18n = use_i18n();
    let identity = {
        let profile = profile.clone();
        move || view_model::identity_line(i18n.get_locale(), &profile)
    };
    let school = {
        let profile = profile.clone();
        move || view_model::school_line(i18n.get_locale(), &profile)
    };

    view! {
        <section class="card home" aria-labelledby="home-title">
            <h1 id="home-title" class="visually-hidden">{t!(i18n, home_title)}</h1>
            <p class="welcome">{t!(i18n, welcome)}</p>
            <p id="user-name" class="user-name">{profile.full_name.clone()}</p>
            <p class="identity">{identity}</p>
            {move || school().map(|s| view! { <p class="school">{s}</p> })}
            {
                let l = i18n.get_locale_untracked();
                let (search, results) = crate::pages::search::search_box(
                    l,
                    SearchScope::Everything,
                    "home-search",
                    td_string!(l, search_home_label),
                    td_string!(l, search_home_placeholder),
                    RwSignal::new(String::new()),
                    |_| true,
                );
                view! { {search} {results} }
            }
            {move || problems(i18n.get_locale(), &profile)}
            // What the engine set aside for her (refused changes, kept with their content) is seen here too.
            {move || {
                let s = sync.get();
                (s.notices > 0).then(|| view! {
                    <p id="home-attention" class="note attention">
                        <A href="/ditolak">{crate::counted!(i18n.get_locale(), s.notices, home_attention_singular, home_attention_plural, count = s.notices)}</A>
                    </p>
                })
            }}
            <Transition fallback=move || view! { <p class="status">{t!(i18n, loading)}</p> }>
                <ErrorBoundary fallback=errors_view>
                    {move || data.get().map(|r| r.map(|h| summary(i18n.get_locale(), h)))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The data-problem notice: what is wrong with the user's records, what it blocks, and who can fix it.
fn problems(l: Locale, profile: &Profile) -> Option<impl IntoView> {
    if profile.problems.is_empty() {
        return None;
    }
    Some(view! {
        <section id="data-problems" class="note problems" aria-labelledby="problems-title">
            <h2 id="problems-title">{td_string!(l, problems_heading)}</h2>
            <ul class="list">
                {profile.problems.iter().map(|p| view! {
                    <li data-code=p.code.clone()>
                        <p>{p.message.clone()}</p>
                        <p class="muted">{td_string!(l, problem_fix_by)}" "<strong>{view_model::fixer_label(l, p.fix_by)}</strong></p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    })
}

fn summary(l: Locale, h: HomeData) -> impl IntoView {
    ipc::mark(|| "Beranda's summary built".to_owned());
    let next = view_model::next_step(&h);
    let programme = match h.programme {
        Some(p) => {
            // A finished programme has no stage ending ahead of it.
            let ends = p
                .stage_ends
                .filter(|_| !p.graduated)
                .map(|d| format!(" ({})", td_string!(l, stage_ends, date = view_model::date_label(l, &d))));
            let next = match (p.graduated, p.next_stage) {
                (true, _) => td_string!(l, programme_graduated).to_owned(),
                (false, Some(n)) => td_string!(l, programme_next, step = n).to_string(),
                (false, None) => String::new(),
            };
            view! {
                <p id="programme-stage"><strong>{p.programme}</strong>" · "{p.cohort}</p>
                <p>{p.stage}{ends.unwrap_or_default()}</p>
                <p class="muted">{next}</p>
            }
            .into_any()
        }
        None => view! { <p>{td_string!(l, programme_none)}</p> }.into_any(),
    };
    // Without a plan this year there is no progress to draw ("0 dari 0 JP" says nothing).
    let jp = if h.jp_target == 0 {
        td_string!(l, pkb_none).to_owned()
    } else {
        view_model::jp_progress(l, h.jp_done, h.jp_target)
    };
    let bar = (h.jp_target > 0).then(|| {
        let percent = view_model::jp_percent(h.jp_done, h.jp_target);
        view! { <progress id="jp-progress" max="100" value=percent aria-label=td_string!(l, pkb_heading)></progress> }
    });
    let kinerja = match h.kinerja_status {
        Some(s) => td_string!(l, kinerja_status, status = view_model::plan_status_label(l, s)).to_string(),
        None => td_string!(l, kinerja_none).to_owned(),
    };
    let deadlines = if h.deadlines.is_empty() {
        view! { <p>{td_string!(l, deadlines_none)}</p> }.into_any()
    } else {
        view! {
            {deadline_list(l, "deadlines", h.deadlines)}
            <p><A href="/tenggat" attr:id="all-deadlines" attr:class="more-link">{td_string!(l, deadlines_all)}</A></p>
        }
        .into_any()
    };
    // The next thing to do, as a button: what waits for a principal, else one's own plan, else JP to earn.
    let next = next.map(|step| {
        let (id, words) = match step {
            NextStep::Approve(n) => ("home-waiting", td_string!(l, news_waiting, count = n).to_string()),
            NextStep::SendPlan => ("home-next", td_string!(l, next_send_plan).to_owned()),
            NextStep::ContinuePkb => ("home-next", td_string!(l, next_continue_pkb).to_owned()),
        };
        view! { <A href=step.href() attr:id=id attr:class="button primary next-step">{words}</A> }
    });
    // For a principal, what else waits for him: drawn by a lazily loaded module (a teacher never loads it).
    let waits = h
        .for_principal
        .filter(|w| *w != PrincipalWaits::default())
        .map(|w| Suspend::new(principal_waits(l, w)));
    // For a pengawas, her schools: lazily loaded too, and read by that module (a teacher's Beranda neither
    // loads nor asks for them).
    let schools = (h.profile.role == Role::Pengawas)
        .then(|| Suspend::new(supervisor_home(l, expect_context::<PageContext>().zone())));
    view! {
        {next}
        {waits}
        {schools}
        <h2>{td_string!(l, programme_heading)}</h2>
        {programme}
        <h2>{td_string!(l, pkb_heading)}</h2>
        {bar}
        <p id="jp-line">{jp}</p>
        <h2>{td_string!(l, deadlines_heading)}</h2>
        {deadlines}
        <p id="kinerja-status">{kinerja}</p>
    }
}

/// "Menunggu Anda": what waits for a principal in the cycle, each count leading to his staff's page
/// (what is zero is not listed). Lazily loaded (`#[lazy]`): its code is not in the start module.
#[lazy]
async fn principal_waits(l: Locale, w: PrincipalWaits) -> AnyView {
    let rows = [
        (w.to_rate, td_string!(l, waits_to_rate)),
        (w.not_submitted, td_string!(l, waits_not_submitted)),
        (w.observations_this_week, td_string!(l, waits_observations)),
        (w.data_problems, td_string!(l, waits_data_problems)),
    ];
    view! {
        <section id="principal-waits" class="note waits" aria-labelledby="waits-title">
            <h2 id="waits-title">{td_string!(l, waits_heading)}</h2>
            <ul class="waits-list">
                {rows.into_iter().filter(|(n, _)| *n > 0).map(|(n, label)| view! {
                    <li><A href="/staf"><span class="count">{n}</span>" "{label}</A></li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// A pengawas's schools summed up (from the last copy of Sekolah binaan on the device, dated), and the way
/// to them; before she has opened them here, that she should. Lazily loaded (`#[lazy]`).
#[lazy]
async fn supervisor_home(l: Locale, zone: Zone) -> AnyView {
    let s = match ipc::supervisor_home().await {
        Ok(Some(s)) => s,
        Ok(None) => return ().into_any(),
        Err(e) => return view! { <p class="error">{view_model::error_text(l, &e)}</p> }.into_any(),
    };
    let body = match &s.fetched_at {
        None => view! { <p id="supervisor-none">{td_string!(l, supervisor_no_copy)}</p> }.into_any(),
        Some(at) => {
            let schools = crate::counted!(
                l,
                s.schools,
                supervisor_schools_singular,
                supervisor_schools_plural,
                count = s.schools
            );
            let staff = td_string!(l, staff_count, count = s.staff).to_string();
            let jp =
                td_string!(l, staff_jp_reached, reached = s.jp_reached, of = s.with_jp_target).to_string();
            let headless = (s.without_principal > 0).then(|| {
                let n = s.without_principal;
                view! {
                    <p class="badge warn">{crate::counted!(l, n, supervisor_without_principal_singular, supervisor_without_principal_plural, count = n)}</p>
                }
            });
            view! {
                <p id="supervisor-figures"><strong>{schools}</strong>" · "{staff}</p>
                <p id="supervisor-plans" class="plan-counts">{view_model::plan_counts(l, &s.plans, s.without_plan)}</p>
                <p>{jp}</p>
                {headless}
                <p class="muted">{td_string!(l, fetched_at, when = view_model::time_label(l, at, zone)).to_string()}</p>
            }
            .into_any()
        }
    };
    view! {
        <section id="supervisor-home" class="note waits" aria-labelledby="supervisor-title">
            <h2 id="supervisor-title">{td_string!(l, supervision_title)}</h2>
            {body}
            <A href="/binaan" attr:id="supervisor-open" attr:class="button primary">{td_string!(l, supervisor_open)}</A>
        </section>
    }
    .into_any()
}

/// Deadlines as links to their pages, each with its kind (icon and word), date and title (`#{id}`); an
/// event with its time and its community.
pub fn deadline_list(l: Locale, id: &'static str, deadlines: Vec<Deadline>) -> impl IntoView {
    let zone = expect_context::<PageContext>().zone();
    view! {
        <ul id=id class="deadlines">
            {deadlines.into_iter().map(|d| {
                let kind = view_model::deadline_kind_label(l, d.kind);
                let icon = match d.kind {
                    DeadlineKind::Kinerja => icondata_lu::LuClipboardCheck,
                    DeadlineKind::Pkb => icondata_lu::LuListChecks,
                    DeadlineKind::Event => icondata_lu::LuCalendar,
                    DeadlineKind::Programme => icondata_lu::LuGraduationCap,
                };
                view! {
                    <li>
                        <A href=view_model::deadline_href(&d) attr:class="deadline">
                            <Icon icon=icon width="20" height="20" attr:aria-hidden="true" />
                            <span class="deadline-text">
                                <span class="deadline-kind">{kind}</span>
                                <span class="date">{match &d.starts_at {
                                    Some(at) => view_model::time_label(l, at, zone),
                                    None => view_model::date_label(l, &d.date),
                                }}</span>
                                // Each part is one item of the wrapping row, its dot with it: a line never
                                // ends on a dot.
                                <span class="deadline-what">"· "<span class="deadline-title">{d.title}</span></span>
                                {d.community_name.map(|c| view! { <span class="deadline-place">"· "{c}</span> })}
                            </span>
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
