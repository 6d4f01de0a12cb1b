//! Bantuan: the questions teachers ask about this app, answered, and who to contact for what (operator
//! sekolah, kepala sekolah, dinas pendidikan, BGP/BBGP, the Penggerak admin), with the app's version to
//! give them. Text only: it reads the same offline.

use crate::i18n::td_string;
use crate::lang::use_i18n;
use leptos::prelude::*;

#[component]
pub fn Bantuan() -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let questions = [
        (td_string!(l, help_q_offline), td_string!(l, help_a_offline)),
        (td_string!(l, help_q_waiting), td_string!(l, help_a_waiting)),
        (td_string!(l, help_q_refused), td_string!(l, help_a_refused)),
        (td_string!(l, help_q_conflict), td_string!(l, help_a_conflict)),
        (td_string!(l, help_q_data), td_string!(l, help_a_data)),
        (td_string!(l, help_q_wrong_data), td_string!(l, help_a_wrong_data)),
    ];
    let contacts = [
        (td_string!(l, help_contact_operator), td_string!(l, help_contact_operator_for)),
        (td_string!(l, help_contact_principal), td_string!(l, help_contact_principal_for)),
        (td_string!(l, help_contact_dinas), td_string!(l, help_contact_dinas_for)),
        (td_string!(l, help_contact_bgp), td_string!(l, help_contact_bgp_for)),
        (td_string!(l, help_contact_admin), td_string!(l, help_contact_admin_for)),
    ];
    let version = td_string!(l, help_version, version = env!("CARGO_PKG_VERSION")).to_string();
    view! {
        <section class="card help" aria-labelledby="help-title">
            <h1 id="help-title">{td_string!(l, help_title)}</h1>
            <p>{td_string!(l, help_intro)}</p>
            <h2>{td_string!(l, help_questions_title)}</h2>
            <ul id="help-questions" class="help-questions">
                {questions.into_iter().map(|(q, a)| view! {
                    <li><details><summary>{q}</summary><p>{a}</p></details></li>
                }).collect_view()}
            </ul>
            <h2>{td_string!(l, help_contacts_title)}</h2>
            <dl id="help-contacts" class="help-contacts">
                {contacts.into_iter().map(|(who, what)| view! { <dt>{who}</dt><dd>{what}</dd> }).collect_view()}
            </dl>
            <p id="help-version" class="muted">{version}</p>
        </section>
    }
}
