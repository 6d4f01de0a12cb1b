//! Sekolah binaan (a pengawas's): the schools she supervises, each summed up (principal, staff, plans by
//! status, JP targets reached), and one school's staff, read-only. Fetched from the server when it can be
//! reached; offline, the last copy, dated.

use crate::context::{loaded, PageContext};
use crate::i18n::{td_string, Locale};
use crate::lang::use_i18n;
use crate::{ipc, view_model};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use penggerak_types::api::{StaffSummary, SupervisedSchool};
use penggerak_types::ipc::Fetched;
use penggerak_types::zone::Zone;

/// "Diperbarui 2 Des 2026 09.15 WIB", and that it is the last copy when the server cannot be reached.
fn freshness<T>(l: Locale, f: &Fetched<T>, zone: Zone) -> impl IntoView {
    let when = view_model::time_label(l, &f.fetched_at, zone);
    let text = if f.offline {
        td_string!(l, fetched_offline, when = when).to_string()
    } else {
        td_string!(l, fetched_at, when = when).to_string()
    };
    view! { <p id="fetched" class=if f.offline { "note" } else { "muted" }>{text}</p> }
}

#[component]
pub fn Binaan() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let zone = ctx.zone();
    let data = ctx.read(ipc::supervision);
    view! {
        <section class="card supervision" aria-labelledby="supervision-title">
            <h1 id="supervision-title">{td_string!(l, supervision_title)}</h1>
            {loaded(l, data, move |f| view! {
                {freshness(l, &f, zone)}
                <ul id="supervised-schools" class="list staff-list">
                    {f.value.into_iter().map(|s| school(l, s)).collect_view()}
                </ul>
            })}
        </section>
    }
}

fn school(l: Locale, s: SupervisedSchool) -> impl IntoView {
    let counts = view_model::plan_counts(l, &s.plans, s.without_plan);
    view! {
        <li class="staff-row supervised-school" data-npsn=s.school.npsn.clone()>
            <A href=format!("/binaan/{}", s.school.npsn)><strong>{s.school.name.clone()}</strong></A>
            <p class="muted">{format!("{} · {}, {}", s.school.jenjang, s.school.regency, s.school.province)}</p>
            <p>{s.principal.clone().unwrap_or_else(|| td_string!(l, supervision_no_principal).to_owned())}</p>
            <p>
                {td_string!(l, staff_count, count = s.staff).to_string()}" · "
                {td_string!(l, staff_jp_reached, reached = s.jp_reached, of = s.with_jp_target).to_string()}
            </p>
            <p class="plan-counts">{counts}</p>
        </li>
    }
}

/// One supervised school's staff, read-only.
#[component]
pub fn BinaanSchool() -> impl IntoView {
    let ctx = expect_context::<PageContext>();
    let l = use_i18n().get_locale_untracked();
    let zone = ctx.zone();
    let params = use_params_map();
    let npsn = move || params.read().get("npsn").unwrap_or_default();
    let data = ctx.read(move || ipc::supervised_staff(npsn()));
    view! {
        <section class="card supervision" aria-labelledby="supervised-title">
            <A href="/binaan">{td_string!(l, back_to_supervision)}</A>
            <h1 id="supervised-title">{td_string!(l, supervised_staff_title)}</h1>
            {loaded(l, data, move |f| view! {
                // Which school: the page's address holds only its NPSN.
                {f.value.iter().find_map(|s| s.person.school.clone()).map(|sc| view! {
                    <p id="supervised-school"><strong>{sc.name}</strong>{format!(" · NPSN {} · {}, {}", sc.npsn, sc.regency, sc.province)}</p>
                })}
                {freshness(l, &f, zone)}
                <ul id="supervised-staff" class="list staff-list">
                    {f.value.into_iter().map(|s| member(l, s)).collect_view()}
                </ul>
            })}
        </section>
    }
}

fn member(l: Locale, s: StaffSummary) -> impl IntoView {
    let p = s.person;
    let stage = s.programmes.first().map(|x| format!(" · {}", x.stage));
    view! {
        <li class="staff-row" data-id=p.id.clone()>
            <strong class="name">{p.full_name}</strong>
            <p class="muted">{view_model::role_label(l, p.role)}" · "{view_model::employment_label(l, p.employment)}{stage}</p>
            <p>
                <span class="jp">{view_model::jp_progress(l, s.jp_done, s.jp_target)}</span>
                {s.kinerja_status.map(|st| view! { " · " <span class="status-chip plan-status">{view_model::plan_status_label(l, st)}</span> })}
                {(!p.problems.is_empty()).then(|| view! {
                    " · " <span class="badge warn problems">{td_string!(l, staff_problems, count = p.problems.len()).to_string()}</span>
                })}
            </p>
        </li>
    }
}
