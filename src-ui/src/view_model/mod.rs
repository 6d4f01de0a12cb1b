//! View logic as plain functions: what to show for an error, a role, a profile — in the chosen language.
//! Tested natively. Every word comes from the translations (`locales/*.json`) through `td_string!`.
//!
//! One part per concern, each with its tests; callers use the names re-exported here
//! (`view_model::error_text`). Parts may use one another one way only: `errors` → `labels` → `dates`,
//! `errors` → `sizes`; `sync` → `dates`, `errors`, `sizes`; `materials` → `sizes`; `staff` → `plans`.

mod communities;
mod conflicts;
mod dates;
mod drafts;
mod errors;
mod labels;
mod materials;
mod nav;
mod plans;
mod search;
mod sharing;
mod sizes;
mod staff;
mod sync;

pub use communities::{attendees_label, filter_options, is_https, members_label, CommunityFilter};
pub use conflicts::{
    changed_record, conflict_heading, field_label, field_shown, field_value, field_value_of,
};
pub use dates::{date_label, local_date, time_label};
pub use drafts::{left_after_sending, DraftQueue};
pub use errors::{caught_error_text, error_text, page_error_text, reason_text, shell_rejection};
pub use labels::{
    change_label, deadline_kind_label, draft_for_label, fixer_label, identity_line, news_text,
    observation_status_label, pkb_kind_label, pkb_status_label, plan_status_label, predikat_label,
    reminder_text, role_label, school_line, stage_outcome_label,
};
pub use materials::{
    later_failed_text, material_filter_options, material_kind_label, save_label, saved_chip, saving_label,
    MaterialFilter, MATERIAL_KINDS,
};
pub use nav::{
    deadline_href, in_more, menu, next_step, place_of, sync_mark, Dest, Menu, NextStep, Place, SyncMark,
};
pub use plans::{
    jp_percent, jp_progress, new_result_form, pkb_groups, result_forms, results_from_forms, ResultForm,
};
pub use search::{search_href, search_kind_label};
pub use sharing::{peer_label, qr_path};
pub use sizes::bytes_label;
pub use staff::{
    bar_percent, employment_label, jp_bars, plan_counts, staff_problem_text, StaffFilter, StaffShow,
    StaffSort,
};
pub use sync::{data_use_rows, last_synced, sync_line, sync_problem, sync_progress};

/// What the tests of more than one part start from.
#[cfg(test)]
mod fixtures {
    use penggerak_types::api::{Profile, Role};

    pub(super) fn profile() -> Profile {
        Profile {
            id: "u".into(),
            full_name: "Agus".into(),
            role: Role::Guru,
            nuptk: Some("3471".into()),
            nip: None,
            email: "a@x".into(),
            school: None,
            employment: Default::default(),
            subjects: vec![],
            problems: vec![],
        }
    }
}
