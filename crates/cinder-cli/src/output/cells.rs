//! The text of a JSON value in a table cell or in the `value` format.

use serde_json::Value;

/// A value as cinderclient prints it in a table: strings bare, `None`, `True`/`False`, lists
/// comma-separated, dicts as `key : value` lines (keys sorted, so the text never depends on
/// the order a response listed them in).
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            keys.iter()
                .map(|k| format!("{k} : {}", text(&map[*k])))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

/// A cell of a list table: as [`text`], but a null is `-`, as cinderclient's `print_list`
/// shows it (its `Property | Value` tables show `None`).
pub fn list_text(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        other => text(other),
    }
}

/// A cell of the `value` format: the table's text on one line (the lines of a dict or of a
/// multi-line string joined by `, `), since each output line is one row.
pub fn one_line(value: &Value) -> String {
    text(value).lines().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_values_like_python() {
        assert_eq!(text(&Value::Null), "None");
        assert_eq!(text(&Value::Bool(true)), "True");
        assert_eq!(text(&json!(3)), "3");
        assert_eq!(text(&json!(["a", 1])), "a, 1");
        assert_eq!(text(&json!({"b": "2", "a": "1"})), "a : 1\nb : 2");
    }

    #[test]
    fn list_tables_show_a_null_as_a_dash() {
        assert_eq!(list_text(&Value::Null), "-");
        assert_eq!(list_text(&json!({"a": null})), "a : None");
        assert_eq!(list_text(&json!("x")), "x");
    }

    #[test]
    fn value_cells_stay_on_one_line() {
        assert_eq!(one_line(&json!({"b": "2", "a": "1"})), "a : 1, b : 2");
        assert_eq!(one_line(&json!("first\nsecond")), "first, second");
        assert_eq!(one_line(&json!(false)), "False");
    }
}
