//! Beranda: who is signed in, their programme stage and next step, the nearest deadlines, development-plan
//! progress and where their performance plan stands — all from the device's store — and, when the user's
//! records are inconsistent, what is wrong and who must fix it. (Sign-out is in
//! Pengaturan.)

use crate::app::Shell;
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::api::Profile;
use penggerak_types::ipc::{DeadlineKind, Home as HomeData};

#[component]
pub fn Home() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let profile = shell.profile.clone();
    let data = shell.read(ipc::home);
    let identity = view_model::identity_line(&profile);
    let school = view_model::school_line(&profile);

    view! {
        <section class="card home" aria-labelledby="home-title">
            <h1 id="home-title" class="visually-hidden">{text::HOME_TITLE}</h1>
            <p class="welcome">{text::WELCOME}</p>
            <p id="user-name" class="user-name">{profile.full_name.clone()}</p>
            <p class="identity">{identity}</p>
            <p class="school">{school}</p>
            {problems(&profile)}
            <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(h) => summary(h).into_any(),
                    Err(e) => view! { <p class="error" role="alert">{view_model::error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The data-problem notice: what is wrong with the user's records, what it blocks, and who can fix it.
fn problems(profile: &Profile) -> Option<impl IntoView> {
    if profile.problems.is_empty() {
        return None;
    }
    Some(view! {
        <section id="data-problems" class="note problems" aria-labelledby="problems-title">
            <h2 id="problems-title">{text::PROBLEMS_HEADING}</h2>
            <ul class="list">
                {profile.problems.iter().map(|p| view! {
                    <li data-code=p.code.clone()>
                        <p>{p.message.clone()}</p>
                        <p class="muted">{text::PROBLEM_FIX_BY}" "<strong>{view_model::fixer_label(p.fix_by)}</strong></p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    })
}

fn summary(h: HomeData) -> impl IntoView {
    let programme = match h.programme {
        Some(p) => {
            // A finished programme has no stage ending ahead of it.
            let ends = p
                .stage_ends
                .filter(|_| !p.graduated)
                .map(|d| format!(" ({} {})", text::STAGE_ENDS, view_model::date_label(&d)));
            let next = match (p.graduated, p.next_stage) {
                (true, _) => text::PROGRAMME_GRADUATED.to_owned(),
                (false, Some(n)) => format!("{} {n}", text::PROGRAMME_NEXT),
                (false, None) => String::new(),
            };
            view! {
                <p id="programme-stage"><strong>{p.programme}</strong>" · "{p.cohort}</p>
                <p>{p.stage}{ends.unwrap_or_default()}</p>
                <p class="muted">{next}</p>
            }
            .into_any()
        }
        None => view! { <p>{text::PROGRAMME_NONE}</p> }.into_any(),
    };
    let percent = view_model::jp_percent(h.jp_done, h.jp_target);
    let jp = format!("{} {} {} {}", h.jp_done, text::JP_OF, h.jp_target, text::JP);
    let kinerja = match h.kinerja_status {
        Some(s) => format!("{} {}", text::KINERJA_STATUS, view_model::plan_status_label(s)),
        None => text::KINERJA_NONE.to_owned(),
    };
    let deadlines = if h.deadlines.is_empty() {
        view! { <p>{text::DEADLINES_NONE}</p> }.into_any()
    } else {
        view! {
            <ul id="deadlines" class="list">
                {h.deadlines.into_iter().map(|d| {
                    let kind = match d.kind {
                        DeadlineKind::Kinerja => text::NAV_KINERJA,
                        DeadlineKind::Pkb => text::PKB_HEADING,
                        DeadlineKind::Event => text::KOMUNITAS,
                        DeadlineKind::Programme => text::PROGRAMME_HEADING,
                    };
                    view! { <li><span class="date">{view_model::date_label(&d.date)}</span>" "{d.title}
                        <span class="visually-hidden">{kind}</span></li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h2>{text::PROGRAMME_HEADING}</h2>
        {programme}
        <h2>{text::PKB_HEADING}</h2>
        <progress id="jp-progress" max="100" value=percent aria-label=text::PKB_HEADING></progress>
        <p id="jp-line">{jp}</p>
        <h2>{text::DEADLINES_HEADING}</h2>
        {deadlines}
        <p id="kinerja-status">{kinerja}</p>
    }
}
