//! A conflicting or refused change, field by field: each field as people call it and its value as people
//! read it.

use crate::i18n::{td_string, Locale};
use penggerak_types::ipc::ChangeLabel;
use penggerak_types::RecordKind;

/// Whether a field of a conflicting or refused change is shown: which record it is and which version
/// (ids, `base_version`) are the app's bookkeeping, not something the user typed or can choose.
pub fn field_shown(field: &str) -> bool {
    !(field == "id"
        || field.ends_with("_id")
        || matches!(field, "base_version" | "version" | "school_npsn" | "created_at" | "updated_at"))
}

/// A record field as people call it (the JSON name when it has no name of its own here).
pub fn field_label(l: Locale, field: &str) -> String {
    let known = match field {
        "progress" => td_string!(l, field_progress),
        "status" | "to" => td_string!(l, field_status),
        "reflection" => td_string!(l, field_reflection),
        "title" => td_string!(l, field_title),
        "target_date" => td_string!(l, field_target_date),
        "jp" => td_string!(l, jp),
        "results" => td_string!(l, field_results),
        "note" => td_string!(l, field_note),
        "history" => td_string!(l, field_history),
        "kind" => td_string!(l, field_kind),
        "text" => td_string!(l, field_text),
        "scheduled_at" => td_string!(l, field_scheduled_at),
        "class_name" => td_string!(l, obs_class),
        "focus" => td_string!(l, obs_focus),
        "preparation" => td_string!(l, field_preparation),
        "record" => td_string!(l, obs_record),
        "follow_up" => td_string!(l, obs_follow_up),
        "predikat" => td_string!(l, field_predikat),
        "predikat_note" => td_string!(l, predikat_note_label),
        other => return other.replace('_', " "),
    };
    known.to_owned()
}

/// The heading of a conflict on a record of `kind` whose title, name or class is `title`: the title itself;
/// an observation by its class ("Observasi kelas IV A"); a record with none (a performance plan) by its
/// kind, never by its id.
pub fn conflict_heading(l: Locale, kind: RecordKind, title: &str) -> String {
    match (kind, title.is_empty()) {
        (RecordKind::Observation, false) => td_string!(l, record_observation_of, class = title).to_string(),
        (RecordKind::Observation, true) => td_string!(l, record_observation).to_owned(),
        (_, false) => title.to_owned(),
        (RecordKind::PerformancePlan, true) => td_string!(l, record_performance_plan).to_owned(),
        (RecordKind::PkbItem, true) => td_string!(l, record_pkb_item).to_owned(),
        (_, true) => td_string!(l, record_other).to_owned(),
    }
}

/// The kind of record a refused change was about, as its label says; `None` for changes that are not
/// edits of a record the user typed (joining, attending), whose fields are all bookkeeping.
pub fn changed_record(label: &ChangeLabel) -> Option<RecordKind> {
    match label {
        ChangeLabel::ScheduleObservation { .. } | ChangeLabel::EditObservation { .. } => {
            Some(RecordKind::Observation)
        }
        ChangeLabel::EditPlan
        | ChangeLabel::MovePlan { .. }
        | ChangeLabel::RatePlan { .. }
        | ChangeLabel::GiveFeedback => Some(RecordKind::PerformancePlan),
        ChangeLabel::AddActivity { .. } | ChangeLabel::EditActivity { .. } => Some(RecordKind::PkbItem),
        ChangeLabel::Join { .. }
        | ChangeLabel::Leave { .. }
        | ChangeLabel::Attend { .. }
        | ChangeLabel::Unattend { .. }
        | ChangeLabel::Said { .. } => None,
    }
}

/// A field's value as people read it, knowing which field it is: a status, kind or predikat by its label
/// (not its code), a date or time as dates are shown; anything else as [`field_value`]. `kind` is the
/// record's kind where known (an observation's `selesai` is not a development activity's).
pub fn field_value_of(
    l: Locale,
    field: &str,
    kind: Option<RecordKind>,
    v: Option<&serde_json::Value>,
) -> String {
    use crate::view_model::labels::{
        observation_status_label, pkb_kind_label, pkb_status_label, plan_status_label, predikat_label,
    };
    use penggerak_types::kinerja::{ObservationStatus, PlanStatus, Predikat};
    use penggerak_types::pkb::{PkbItemKind, PkbStatus};
    /// A code (`"perlu_disetujui"`) read as the enum it names, by the enum's own serde names.
    fn read<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
        use serde::de::IntoDeserializer;
        T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(code)).ok()
    }
    if let (Some(serde_json::Value::Number(n)), "progress") = (v, field) {
        // A plan item's progress is a percentage, as its page shows it.
        return format!("{n}%");
    }
    let Some(serde_json::Value::String(text)) = v else { return field_value(l, v) };
    let value = text.as_str();
    let label = match (field, kind) {
        ("to", _) | ("status", Some(RecordKind::PerformancePlan)) => {
            read(value).map(|s| plan_status_label(l, s))
        }
        ("status", Some(RecordKind::Observation)) => read(value).map(|s| observation_status_label(l, s)),
        ("status", _) => read::<PkbStatus>(value)
            .map(|s| pkb_status_label(l, s))
            .or_else(|| read::<PlanStatus>(value).map(|s| plan_status_label(l, s)))
            .or_else(|| read::<ObservationStatus>(value).map(|s| observation_status_label(l, s))),
        ("kind", _) => read::<PkbItemKind>(value).map(|k| pkb_kind_label(l, k)),
        ("predikat", _) => read::<Predikat>(value).map(|p| predikat_label(l, p)),
        ("scheduled_at" | "target_date", _) if !text.is_empty() => {
            return crate::view_model::date_label(l, text);
        }
        _ => None,
    };
    label.map_or_else(|| field_value(l, v), str::to_owned)
}

/// A field's value in a conflict, as people read it: text as it is, numbers and yes/no plainly, nothing
/// (or empty text) as a dash; a list one entry per line, each by its text (a planned result by its
/// wording and indicators), never as JSON.
pub fn field_value(l: Locale, v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => td_string!(l, value_none).to_owned(),
        Some(Value::String(s)) if s.is_empty() => td_string!(l, value_none).to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => td_string!(l, value_yes).to_owned(),
        Some(Value::Bool(false)) => td_string!(l, value_no).to_owned(),
        Some(Value::Array(items)) if items.is_empty() => td_string!(l, value_none).to_owned(),
        Some(Value::Array(items)) => {
            items.iter().map(|i| format!("• {}", entry(l, i))).collect::<Vec<_>>().join("\n")
        }
        Some(obj @ Value::Object(_)) => entry(l, obj),
        Some(other) => other.to_string(),
    }
}

/// One entry of a list: its `text` (with its `indicators` after it), else its `title`, else its values.
fn entry(l: Locale, v: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = v.get("text").or_else(|| v.get("title")).and_then(Value::as_str);
    match (text, v) {
        (Some(t), _) => match v.get("indicators").and_then(Value::as_array) {
            Some(ind) if !ind.is_empty() => {
                let ind: Vec<&str> = ind.iter().filter_map(Value::as_str).collect();
                format!("{t} ({})", ind.join("; "))
            }
            _ => t.to_owned(),
        },
        (None, Value::Object(map)) => {
            map.values().map(|x| field_value(l, Some(x))).collect::<Vec<_>>().join(", ")
        }
        (None, other) => field_value(l, Some(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    #[test]
    fn conflict_values_read_plainly() {
        use serde_json::json;
        assert_eq!(field_value(ID, None), "—");
        assert_eq!(field_value(ID, Some(&json!(""))), "—", "empty text is shown as nothing");
        assert_eq!(field_value(ID, Some(&json!("Baru"))), "Baru", "text without quotes");
        assert_eq!(field_value(ID, Some(&json!(30))), "30");
        assert_eq!(field_value(ID, Some(&json!(true))), "ya");
        assert_eq!(field_value(EN, Some(&json!(false))), "no");
        let results = json!([
            {"id": "rhk-1", "text": "Pembelajaran berdiferensiasi", "indicators": ["Modul ajar", "Asesmen"], "points": null},
            {"id": "rhk-2", "text": "Literasi", "indicators": []}
        ]);
        assert_eq!(
            field_value(ID, Some(&results)),
            "• Pembelajaran berdiferensiasi (Modul ajar; Asesmen)\n• Literasi",
            "planned results by their wording, one per line, never as JSON"
        );
        assert_eq!(field_value(ID, Some(&json!([]))), "—");
        assert_eq!(field_label(EN, "target_date"), "Target date");
        assert_eq!(field_label(ID, "some_field"), "some field", "unknown fields by their own name");
    }

    #[test]
    fn ids_are_hidden_and_codes_read_as_words() {
        use serde_json::json;
        for hidden in ["id", "plan_id", "community_event_id", "base_version", "school_npsn"] {
            assert!(!field_shown(hidden), "{hidden} is bookkeeping, not the user's to read");
        }
        for shown in ["title", "status", "to", "class_name", "scheduled_at", "reflection", "kind"] {
            assert!(field_shown(shown), "{shown} is something the user typed or chose");
        }
        // Every field a change to a plan, an observation or an activity carries has a name of its own.
        for field in [
            "kind",
            "text",
            "to",
            "scheduled_at",
            "class_name",
            "focus",
            "preparation",
            "record",
            "follow_up",
            "predikat",
            "predikat_note",
        ] {
            assert_ne!(field_label(ID, field), field.replace('_', " "), "{field} has a label");
        }
        assert_eq!(field_label(ID, "class_name"), "Kelas dan mata pelajaran");
        let perlu = json!("perlu_disetujui");
        assert_eq!(field_value_of(ID, "to", None, Some(&perlu)), "Perlu disetujui", "a status by its label");
        let selesai = json!("selesai");
        assert_eq!(
            field_value_of(ID, "status", Some(RecordKind::Observation), Some(&selesai)),
            "Tindak lanjut selesai",
            "an observation's own status"
        );
        assert_eq!(field_value_of(ID, "status", Some(RecordKind::PkbItem), Some(&selesai)), "Selesai");
        assert_eq!(field_value_of(ID, "kind", None, Some(&json!("lokakarya"))), "Lokakarya");
        assert_eq!(
            field_value_of(ID, "progress", None, Some(&json!(30))),
            "30%",
            "a percentage, as PKB shows it"
        );
        assert_eq!(field_value_of(ID, "predikat", None, Some(&json!("sangat_baik"))), "Sangat Baik");
        assert_eq!(
            field_value_of(ID, "scheduled_at", None, Some(&json!("2026-12-09T08:00"))),
            "9 Des 2026 08.00"
        );
        assert_eq!(field_value_of(ID, "focus", None, Some(&json!("perlu_disetujui"))), "perlu_disetujui");
        assert_eq!(conflict_heading(ID, RecordKind::PerformancePlan, ""), "Rencana kinerja", "never its id");
        assert_eq!(conflict_heading(ID, RecordKind::Observation, "IV A"), "Observasi kelas IV A");
        assert_eq!(conflict_heading(EN, RecordKind::Observation, "IV A"), "Observation of IV A");
        assert_eq!(conflict_heading(ID, RecordKind::PkbItem, "Disiplin Positif"), "Disiplin Positif");
        let moved = ChangeLabel::MovePlan { to: penggerak_types::kinerja::PlanStatus::Disetujui };
        assert_eq!(changed_record(&moved), Some(RecordKind::PerformancePlan));
        assert_eq!(changed_record(&ChangeLabel::Join { community: "K".into() }), None);
    }
}
