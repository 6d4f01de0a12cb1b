//! The two plans' view logic: the development plan's (PKB) JP progress and its items grouped by status,
//! and the performance plan's editor rows (planned results, kept as a draft while typed) and what it saves.

use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::PkbItemView;
pub use penggerak_types::ipc::ResultForm;
use penggerak_types::kinerja::PlannedResult;
use penggerak_types::pkb::PkbStatus;

/// Development-plan progress in percent of the target, 0..=100 (0 without a target).
pub fn jp_percent(done: u32, target: u32) -> u32 {
    done.saturating_mul(100).checked_div(target).map_or(0, |p| p.min(100))
}

/// "16 dari 32 JP".
pub fn jp_progress(l: Locale, done: u32, target: u32) -> String {
    td_string!(l, jp_progress, done = done, target = target).to_string()
}

/// Plan items grouped the way a teacher works through them: running first, then not started, then done.
/// Groups without items are left out; the order inside a group is kept.
pub fn pkb_groups(items: &[PkbItemView]) -> Vec<(PkbStatus, Vec<PkbItemView>)> {
    [PkbStatus::Berjalan, PkbStatus::BelumMulai, PkbStatus::Selesai]
        .into_iter()
        .map(|s| (s, items.iter().filter(|v| v.item.status == s).cloned().collect::<Vec<_>>()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The editor's rows: from its draft when one was kept (and can be read), else from the plan.
pub fn result_forms(results: &[PlannedResult], draft: Option<&str>) -> Vec<ResultForm> {
    draft
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_else(|| results.iter().map(ResultForm::of).collect())
}

/// The results to save: text trimmed, one indicator per non-blank line, rows left wholly empty dropped.
/// (Whether they are acceptable is the plan rules' call, on the device and on the server.)
pub fn results_from_forms(rows: &[ResultForm]) -> Vec<PlannedResult> {
    rows.iter()
        .filter(|r| !(r.text.trim().is_empty() && r.indicators.trim().is_empty()))
        .map(|r| PlannedResult {
            id: r.id.clone(),
            text: r.text.trim().to_owned(),
            indicators: r
                .indicators
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            points: r.points,
        })
        .collect()
}

/// An empty row with an id no other row has: `hasil-1`, `hasil-2`, …
pub fn new_result_form(rows: &[ResultForm]) -> ResultForm {
    let id = (1..)
        .map(|n| format!("hasil-{n}"))
        .find(|id| rows.iter().all(|r| &r.id != id))
        .expect("an unused id among finitely many rows");
    ResultForm { id, text: String::new(), indicators: String::new(), points: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use penggerak_types::pkb::PkbItemKind;

    #[test]
    fn the_plan_editor_keeps_rows_and_saves_clean_results() {
        let planned = vec![PlannedResult {
            id: "r1".into(),
            text: "Modul ajar".into(),
            indicators: vec!["Dua modul".into(), "Dipakai di kelas".into()],
            points: Some(20),
        }];
        let mut rows = result_forms(&planned, None);
        assert_eq!(rows[0].indicators, "Dua modul\nDipakai di kelas", "one indicator per line");
        assert_eq!(results_from_forms(&rows), planned, "unchanged rows give the plan back");
        let added = new_result_form(&rows);
        assert_eq!(added.id, "hasil-1");
        rows.push(added);
        let next = new_result_form(&rows);
        assert_eq!(next.id, "hasil-2", "never an id another row has");
        rows.push(next);
        rows[1].text = "  Asesmen diagnostik ".into();
        rows[1].indicators = "\n Satu asesmen tiap semester \n\n".into();
        let saved = results_from_forms(&rows);
        assert_eq!(saved.len(), 2, "the wholly empty row is dropped");
        assert_eq!(saved[1].text, "Asesmen diagnostik");
        assert_eq!(saved[1].indicators, ["Satu asesmen tiap semester"], "blank lines are not indicators");
        assert_eq!(saved[0].points, Some(20), "points the plan had stay");

        let draft = serde_json::to_string(&rows).unwrap();
        assert_eq!(result_forms(&planned, Some(&draft)), rows, "a kept draft comes back as typed");
        assert_eq!(
            result_forms(&planned, Some("not json")).len(),
            1,
            "an unreadable draft falls back to the plan"
        );
    }

    #[test]
    fn jp_progress_is_bounded() {
        assert_eq!((jp_percent(16, 32), jp_percent(40, 32), jp_percent(5, 0)), (50, 100, 0));
    }

    #[test]
    fn plan_items_group_running_first_and_skip_empty_groups() {
        let item = |id: &str, status| PkbItemView {
            item: penggerak_types::pkb::PkbItem {
                id: id.into(),
                plan_id: "p".into(),
                owner_id: "u".into(),
                kind: PkbItemKind::Lokakarya,
                title: id.into(),
                jp: 4,
                target_date: None,
                status,
                progress: 0,
                reflection: String::new(),
                community_event_id: None,
            },
            pending: false,
            conflict: false,
            draft: None,
        };
        let groups = pkb_groups(&[
            item("a", PkbStatus::Selesai),
            item("b", PkbStatus::Berjalan),
            item("c", PkbStatus::Selesai),
        ]);
        let shape: Vec<(PkbStatus, Vec<String>)> =
            groups.into_iter().map(|(s, v)| (s, v.into_iter().map(|i| i.item.id).collect())).collect();
        assert_eq!(
            shape,
            [(PkbStatus::Berjalan, vec!["b".to_owned()]), (PkbStatus::Selesai, vec!["a".into(), "c".into()])]
        );
    }
}
