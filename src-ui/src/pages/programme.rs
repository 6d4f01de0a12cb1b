//! Status Guru Penggerak: each programme the teacher takes part in as a timeline of its stages
//! (pendaftaran, seleksi, pendidikan with modules 1.1–3.3, lokakarya and pendampingan, kelulusan) with
//! dates, the teacher's result, the stage they are in, the items with steps done, the angkatan, and the
//! certificate once graduated.

use crate::context::{errors_view, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::t;
use crate::{ipc, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{ProgrammeStatus, StageStatus};
use penggerak_types::programme::StageOutcome;

#[component]
pub fn Status() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let data = ctx.read(ipc::programmes);
    let i18n = use_i18n();
    view! {
        <section class="card status-page" aria-labelledby="status-title">
            <h1 id="status-title">{t!(i18n, status_title)}</h1>
            <Transition fallback=move || view! { <p class="status">{t!(i18n, loading)}</p> }>
                <ErrorBoundary fallback=errors_view>
                    {move || data.get().map(|r| r.map(|v| {
                        let l = i18n.get_locale();
                        if v.programmes.is_empty() {
                            view! { <p>{td_string!(l, status_none)}</p> }.into_any()
                        } else {
                            v.programmes.into_iter().map(|p| programme(l, p)).collect_view().into_any()
                        }
                    }))}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn programme(l: Locale, p: ProgrammeStatus) -> impl IntoView {
    let certificate = p.certificate.map(|c| {
        view! {
            <p class="certificate">
                <strong>{td_string!(l, certificate_outcome, outcome = p.outcome.clone()).to_string()}</strong>
                " · "{td_string!(l, certificate_number, number = c.number.clone()).to_string()}" · "{td_string!(l, certificate_issued, date = view_model::date_label(l, &c.issued_on)).to_string()}
            </p>
        }
    });
    view! {
        <article class="programme">
            <h2>{p.programme}</h2>
            <p class="muted programme-cohort">{p.cohort}</p>
            {certificate}
            <ol class="timeline">{p.stages.into_iter().map(|s| stage(l, s)).collect_view()}</ol>
        </article>
    }
}

fn stage(l: Locale, s: StageStatus) -> impl IntoView {
    let dates = match (&s.starts, &s.ends) {
        (Some(a), Some(b)) => format!("{} – {}", view_model::date_label(l, a), view_model::date_label(l, b)),
        _ => String::new(),
    };
    let state = match (s.current, s.outcome) {
        (_, StageOutcome::Lulus) => "done",
        (_, StageOutcome::TidakLulus) => "failed",
        (true, _) => "current",
        _ => "ahead",
    };
    view! {
        <li class=format!("stage {state}") data-stage=s.code.clone() aria-current=s.current.then_some("step")>
            <p><strong>{s.name}</strong>" "<span class="status-chip">{view_model::stage_outcome_label(l, s.outcome)}</span>
                {s.current.then(|| view! { " " <span class="badge">{td_string!(l, stage_now)}</span> })}</p>
            <p class="date">{dates}</p>
            <p class="muted">{s.description}</p>
            {s.note.map(|n| view! { <p class="note">{n}</p> })}
            {(!s.items.is_empty()).then(|| view! {
                <ul class="list items">
                    {s.items.into_iter().map(|i| view! {
                        <li>
                            <span>{format!("{} {}", i.code, i.title)}</span>
                            <progress max=i.steps.to_string() value=i.done.to_string()
                                aria-label=format!("{} {}", i.code, i.title)></progress>
                            <span class="muted">{td_string!(l, steps_done, done = i.done, steps = i.steps).to_string()}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}
