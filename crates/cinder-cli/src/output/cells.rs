//! The text of a JSON value in a table cell or in the `value` format, as python-cinderclient
//! prints the value it decoded from the same JSON: Python's `str()` of it.

use serde_json::Value;

use super::visible::visible;
use crate::python;

/// A value as cinderclient prints it in a table (Python's `str()`): strings bare, `None`,
/// `True`/`False`, numbers; lists and dicts as Python writes them (`['a', 'b']`,
/// `{'k': 'v'}`, in the order the server sent them). A carriage return becomes a space, as
/// cinderclient's printers replace it.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.replace('\r', " "),
        other => python::repr(other),
    }
}

/// A dict as cinderclient's formatters print one (`_pretty_format_dict`): `key : value` lines,
/// keys sorted; anything else as [`text`].
pub fn pretty(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            keys.iter()
                .map(|k| format!("{k} : {}", text(&map[*k])))
                .collect::<Vec<_>>()
                .join("\n")
        }
        other => text(other),
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

/// A cell of the `value` format: [`pretty`] on one line (the lines of a dict or of a
/// multi-line string joined by `, `), since each output line is one row, with control
/// characters shown as escapes ([`visible`]).
pub fn one_line(value: &Value) -> String {
    let line = pretty(value).lines().collect::<Vec<_>>().join(", ");
    visible(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_values_as_python_prints_them() {
        assert_eq!(text(&Value::Null), "None");
        assert_eq!(text(&Value::Bool(true)), "True");
        assert_eq!(text(&json!(3)), "3");
        assert_eq!(text(&json!("a\rb")), "a b");
        assert_eq!(text(&json!(["a", 1, null])), "['a', 1, None]");
        assert_eq!(text(&json!([])), "[]");
        assert_eq!(text(&json!({"b": "2", "a": true})), "{'b': '2', 'a': True}");
        assert_eq!(text(&json!(["it's"])), "[\"it's\"]");
        assert_eq!(text(&json!(["a'b\"c\\"])), "['a\\'b\"c\\\\']");
    }

    #[test]
    fn pretty_dicts_are_sorted_lines() {
        assert_eq!(pretty(&json!({"b": "2", "a": "1"})), "a : 1\nb : 2");
        assert_eq!(pretty(&json!({"a": null})), "a : None");
        assert_eq!(pretty(&json!("x")), "x");
    }

    #[test]
    fn list_tables_show_a_null_as_a_dash() {
        assert_eq!(list_text(&Value::Null), "-");
        assert_eq!(list_text(&json!({"a": null})), "{'a': None}");
        assert_eq!(list_text(&json!("x")), "x");
    }

    #[test]
    fn value_cells_stay_on_one_line() {
        assert_eq!(one_line(&json!({"b": "2", "a": "1"})), "a : 1, b : 2");
        assert_eq!(one_line(&json!("first\nsecond")), "first, second");
        assert_eq!(one_line(&json!(false)), "False");
        assert_eq!(one_line(&json!({"k\u{1b}": "\u{7}"})), "k\\x1b : \\x07");
    }
}
