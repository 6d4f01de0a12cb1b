//! Status Guru Penggerak: each programme the teacher takes part in as a timeline of its stages
//! (pendaftaran, seleksi, pendidikan with modules 1.1–3.3, lokakarya and pendampingan, kelulusan) with
//! dates, the teacher's result, the stage they are in, the items with steps done, the angkatan, and the
//! certificate once graduated.

use crate::app::Shell;
use crate::{ipc, text, view_model};
use leptos::prelude::*;
use penggerak_types::ipc::{ProgrammeStatus, StageStatus};
use penggerak_types::programme::StageOutcome;

#[component]
pub fn Status() -> impl IntoView {
    let shell = expect_context::<Shell>();
    let data = shell.read(ipc::programmes);
    view! {
        <section class="card status-page" aria-labelledby="status-title">
            <h1 id="status-title">{text::STATUS_TITLE}</h1>
            <Transition fallback=move || view! { <p class="status">{text::LOADING}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(v) if v.programmes.is_empty() => view! { <p>{text::STATUS_NONE}</p> }.into_any(),
                    Ok(v) => v.programmes.into_iter().map(programme).collect_view().into_any(),
                    Err(e) => view! { <p class="error" role="alert">{view_model::error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn programme(p: ProgrammeStatus) -> impl IntoView {
    let certificate = p.certificate.map(|c| {
        view! {
            <p class="certificate">
                <strong>{format!("{}: {}", text::CERTIFICATE, p.outcome)}</strong>
                " · "{c.number}" · "{text::CERTIFICATE_ISSUED}" "{view_model::date_label(&c.issued_on)}
            </p>
        }
    });
    view! {
        <article class="programme">
            <h2>{p.programme}</h2>
            <p class="muted programme-cohort">{p.cohort}</p>
            {certificate}
            <ol class="timeline">{p.stages.into_iter().map(stage).collect_view()}</ol>
        </article>
    }
}

fn stage(s: StageStatus) -> impl IntoView {
    let dates = match (&s.starts, &s.ends) {
        (Some(a), Some(b)) => format!("{} – {}", view_model::date_label(a), view_model::date_label(b)),
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
            <p><strong>{s.name}</strong>" "<span class="status-chip">{view_model::stage_outcome_label(s.outcome)}</span>
                {s.current.then(|| view! { " " <span class="badge">{text::STAGE_NOW}</span> })}</p>
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
                            <span class="muted">{format!("{}/{} {}", i.done, i.steps, text::STEPS_DONE)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}
