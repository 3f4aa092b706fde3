//! cinderclient-style (prettytable) output: `+----+` borders, a header row, left-aligned cells.

use serde_json::{Map, Value};

/// A table of text cells; cells may hold several lines.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.as_ref().to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Sorts the rows by the text of column `index`.
    pub fn sort_by(&mut self, index: usize) {
        self.rows.sort_by(|a, b| a.get(index).cmp(&b.get(index)));
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                for line in cell.lines() {
                    widths[i] = widths[i].max(line.chars().count());
                }
            }
        }
        let border = format!(
            "+{}+\n",
            widths
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("+")
        );
        let line = |cells: &[&str]| {
            let parts: Vec<String> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let cell = cells.get(i).copied().unwrap_or("");
                    format!(" {cell}{} ", " ".repeat(w - cell.chars().count()))
                })
                .collect();
            format!("|{}|\n", parts.join("|"))
        };
        let mut out = border.clone();
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        out.push_str(&line(&headers));
        out.push_str(&border);
        for row in &self.rows {
            let split: Vec<Vec<&str>> = row
                .iter()
                .map(|c| {
                    let lines: Vec<&str> = c.lines().collect();
                    if lines.is_empty() {
                        vec![""]
                    } else {
                        lines
                    }
                })
                .collect();
            let height = split.iter().map(Vec::len).max().unwrap_or(1);
            for n in 0..height {
                let cells: Vec<&str> = split
                    .iter()
                    .map(|lines| lines.get(n).copied().unwrap_or(""))
                    .collect();
                out.push_str(&line(&cells));
            }
        }
        out.push_str(&border);
        out
    }

    pub fn print(&self) {
        print!("{}", self.render());
    }
}

/// A JSON value as cinderclient prints it: strings bare, `None`, `True`/`False`, dicts as
/// `key : value` lines, lists comma-separated.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k} : {}", cell(v)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// Prints a `Property | Value` table of an object, keys sorted, `links` left out.
pub fn print_dict(object: &Value) {
    print_dict_with(object, "Property", "Value");
}

/// Prints an object's pairs under the given headers, keys sorted, `links` left out.
pub fn print_dict_with(object: &Value, key_header: &str, value_header: &str) {
    let empty = Map::new();
    let map = object.as_object().unwrap_or(&empty);
    let mut table = Table::new(&[key_header, value_header]);
    let mut keys: Vec<&String> = map.keys().filter(|k| *k != "links").collect();
    keys.sort();
    for key in keys {
        table.row(vec![key.clone(), cell(&map[key])]);
    }
    table.print();
}

/// The key a column header stands for: `Volume Type` → `volume_type`.
pub fn field_of(header: &str) -> String {
    header.to_ascii_lowercase().replace([' ', '-'], "_")
}

/// Prints objects under `headers`, each column read from the object's field named after the
/// header (or from `fields` when given), sorted by column `sort` if any.
pub fn print_list(items: &[Value], headers: &[&str], fields: Option<&[&str]>, sort: Option<usize>) {
    let mut table = Table::new(headers);
    for item in items {
        let row = headers
            .iter()
            .enumerate()
            .map(|(i, header)| {
                let key = fields
                    .and_then(|f| f.get(i).map(|s| s.to_string()))
                    .unwrap_or_else(|| field_of(header));
                item.get(&key).map(cell).unwrap_or_default()
            })
            .collect();
        table.row(row);
    }
    if let Some(index) = sort {
        table.sort_by(index);
    }
    table.print();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_prettytable() {
        let mut table = Table::new(&["ID", "Name"]);
        table.row(vec!["1".into(), "a\nbb".into()]);
        assert_eq!(
            table.render(),
            "+----+------+\n| ID | Name |\n+----+------+\n| 1  | a    |\n|    | bb   |\n+----+------+\n"
        );
    }

    #[test]
    fn formats_values_like_python() {
        assert_eq!(cell(&Value::Null), "None");
        assert_eq!(cell(&Value::Bool(true)), "True");
        assert_eq!(
            cell(&serde_json::json!({"a": "1", "b": "2"})),
            "a : 1\nb : 2"
        );
    }
}
