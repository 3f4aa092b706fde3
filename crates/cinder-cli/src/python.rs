//! Python's text of values (`repr()`), as python-cinderclient writes the values it decoded
//! from JSON: in table cells, and in the dictionary filters it sends.

use serde_json::Value;

/// Python's `repr()` of the value Python's JSON decoder makes of `value`.
pub fn repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => repr_str(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => dict(map.iter().map(|(k, v)| (k.as_str(), repr(v)))),
    }
}

/// Python's `repr()` of a string: single quotes, or double quotes when the text has a single
/// quote and no double one; backslashes and control characters escaped.
pub fn repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's text of a dict of strings, in the order given (`{'k': 'v'}`).
pub fn str_dict<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    dict(pairs.into_iter().map(|(k, v)| (k, repr_str(v))))
}

/// A dict's text from its keys and the text of its values.
fn dict<'a>(items: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let items: Vec<String> = items
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", repr_str(k)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// Python's `str.title()`: each run of letters starts upper case, the rest lower case
/// (`volume_type` -> `Volume_Type`).
pub fn title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphabetic() {
            if in_word {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            in_word = true;
        } else {
            out.push(c);
            in_word = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_values_as_python_does() {
        assert_eq!(repr(&json!([null, true, 1, "a"])), "[None, True, 1, 'a']");
        assert_eq!(repr(&json!({"b": "2", "a": 1})), "{'b': '2', 'a': 1}");
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(title("volume_type"), "Volume_Type");
        assert_eq!(title("os-vol-host-attr:host"), "Os-Vol-Host-Attr:Host");
        assert_eq!(repr_str("a\\b\n"), r"'a\\b\n'");
    }
}
