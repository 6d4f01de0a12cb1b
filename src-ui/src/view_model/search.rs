//! Offline search results: where each one leads and what kind of thing it is, in words.

use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::SearchTarget;

/// The page a result opens: a material at the section the words were found in (`?bagian=N`), a
/// community, the user's own development plan or performance plan, or the staff member's page for a
/// principal's staff's.
pub fn search_href(target: &SearchTarget, section: Option<u32>) -> String {
    match target {
        SearchTarget::Material { id } => match section {
            Some(n) => format!("/materi/{id}?bagian={n}"),
            None => format!("/materi/{id}"),
        },
        SearchTarget::Community { id } => format!("/komunitas/{id}"),
        SearchTarget::PkbItem { owner: Some(owner), .. }
        | SearchTarget::PerformancePlan { owner: Some(owner), .. } => format!("/staf/{owner}"),
        SearchTarget::PkbItem { owner: None, .. } => "/rencana".into(),
        SearchTarget::PerformancePlan { owner: None, .. } => "/kinerja".into(),
    }
}

/// What kind of thing a result is.
pub fn search_kind_label(l: Locale, target: &SearchTarget) -> &'static str {
    match target {
        SearchTarget::Material { .. } => td_string!(l, search_kind_material),
        SearchTarget::Community { .. } => td_string!(l, search_kind_community),
        SearchTarget::PkbItem { owner: None, .. } => td_string!(l, search_kind_pkb),
        SearchTarget::PkbItem { .. } => td_string!(l, search_kind_staff_pkb),
        SearchTarget::PerformancePlan { owner: None, .. } => td_string!(l, search_kind_plan),
        SearchTarget::PerformancePlan { .. } => td_string!(l, search_kind_staff_plan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_result_opens_its_own_page() {
        let m = SearchTarget::Material { id: "m1".into() };
        assert_eq!(search_href(&m, Some(7)), "/materi/m1?bagian=7", "a section hit opens that section");
        assert_eq!(search_href(&m, None), "/materi/m1", "a catalogue hit opens the material");
        assert_eq!(search_href(&SearchTarget::Community { id: "k".into() }, None), "/komunitas/k");
        let own = SearchTarget::PkbItem { id: "i".into(), owner: None };
        assert_eq!(search_href(&own, None), "/rencana", "her own plan item is in Rencana");
        let staff = SearchTarget::PerformancePlan { id: "p".into(), owner: Some("guru-1".into()) };
        assert_eq!(search_href(&staff, None), "/staf/guru-1", "a staff member's plan is on his page");
        assert_eq!(search_kind_label(Locale::en, &staff), "Staff performance plan");
        assert_eq!(search_kind_label(Locale::id, &own), "Kegiatan PKB");
    }
}
