//! A conflicting or refused change, field by field: each field as people call it and its value as people
//! read it.

use crate::i18n::{td_string, Locale};

/// A record field as people call it (the JSON name when it has no name of its own here).
pub fn field_label(l: Locale, field: &str) -> String {
    let known = match field {
        "progress" => td_string!(l, field_progress),
        "status" => td_string!(l, field_status),
        "reflection" => td_string!(l, field_reflection),
        "title" => td_string!(l, field_title),
        "target_date" => td_string!(l, field_target_date),
        "jp" => td_string!(l, jp),
        "results" => td_string!(l, field_results),
        "note" => td_string!(l, field_note),
        "history" => td_string!(l, field_history),
        other => return other.replace('_', " "),
    };
    known.to_owned()
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
}
