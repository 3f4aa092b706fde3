//! What makes two runs comparable: each CLI worked on its own copies of the fixtures, at its own
//! time, so IDs, names, timestamps and request IDs differ by design. Known values become their
//! placeholder (`{volume}`, `{volume.name}`), the rest a generic marker (`<uuid>`, `<time>`).
//! Then stdout is read as tables (cells, not column widths) and text lines, and each mutating
//! request as method, decoded path and query, microversion and JSON body.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::fault_proxy::Seen;

static REQUEST_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"req-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
        .unwrap()
});
static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
        .unwrap()
});
// Keystone's user and project IDs: UUIDs without dashes.
static HEX_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[0-9a-f]{32}\b").unwrap());
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?").unwrap()
});

/// Replaces one side's own values by placeholders, then generic IDs and times by markers.
#[derive(Clone, Debug, Default)]
pub struct Normalizer {
    /// (value, placeholder), longest value first so that a name is replaced before a prefix
    /// of it.
    replacements: Vec<(String, String)>,
    /// The placeholders of the case's own resources, for `own_rows`.
    own: BTreeSet<String>,
}

impl Normalizer {
    /// `value` is shown as `placeholder`; `own` marks the case's own resources.
    pub fn add(&mut self, value: &str, placeholder: &str, own: bool) {
        if value.is_empty() {
            return;
        }
        self.replacements
            .push((value.to_string(), placeholder.to_string()));
        self.replacements
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        if own {
            self.own.insert(placeholder.to_string());
        }
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, placeholder) in &self.replacements {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), placeholder);
            }
        }
        let out = REQUEST_ID.replace_all(&out, "<request-id>");
        let out = UUID.replace_all(&out, "<uuid>");
        let out = HEX_ID.replace_all(&out, "<uuid>");
        TIMESTAMP.replace_all(&out, "<time>").into_owned()
    }

    /// Whether normalized `text` mentions one of the case's own resources.
    pub fn is_own(&self, text: &str) -> bool {
        self.own.iter().any(|p| text.contains(p.as_str()))
    }

    /// Every string inside `value` normalized (keys too: metadata keys may hold names).
    pub fn json(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.json(v)).collect()),
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (self.text(k), self.json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// A piece of stdout.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Block {
    Text(String),
    /// Cells of the header and of each row; a value printed over several lines is one cell
    /// with `\n` in it.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The sorted, deduplicated words of the whole output.
    Words(Vec<String>),
}

fn is_border(line: &str) -> bool {
    line.len() > 1 && line.starts_with('+') && line.chars().all(|c| matches!(c, '+' | '-' | '='))
}

/// Column boundaries: the char positions of the `+` in a border line.
fn boundaries(border: &str) -> Vec<usize> {
    border
        .chars()
        .enumerate()
        .filter(|(_, c)| *c == '+')
        .map(|(i, _)| i)
        .collect()
}

fn cells(line: &str, bounds: &[usize]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    // A row that does not line up with its border (wide characters) is split on '|'.
    let aligned = bounds.last() == Some(&(chars.len().saturating_sub(1)))
        && bounds.iter().all(|&b| chars.get(b) == Some(&'|'));
    if aligned {
        bounds
            .windows(2)
            .map(|w| {
                chars[w[0] + 1..w[1]]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect()
    } else {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    }
}

/// Reads prettytable-style tables (`+---+` borders, `| a | b |` rows) and other lines.
pub fn parse(stdout: &str) -> Vec<Block> {
    enum State {
        Outside,
        /// After the top border; the next row is the header.
        Top(Vec<usize>),
        /// Header read; the next border separates it from the rows.
        Header(Vec<usize>),
        Body(Vec<usize>),
    }
    let mut blocks = Vec::new();
    let mut state = State::Outside;
    for line in stdout.lines().map(str::trim_end) {
        let row = line.starts_with('|') && line.ends_with('|') && line.len() > 1;
        state = match state {
            State::Outside if is_border(line) => State::Top(boundaries(line)),
            State::Top(bounds) if row => {
                blocks.push(Block::Table {
                    header: cells(line, &bounds),
                    rows: Vec::new(),
                });
                State::Header(bounds)
            }
            State::Header(bounds) if is_border(line) => State::Body(bounds),
            State::Body(bounds) if row => {
                let cells = cells(line, &bounds);
                if let Some(Block::Table { rows, .. }) = blocks.last_mut() {
                    // prettytable prints a multi-line value as more rows with an empty first
                    // cell: one logical row.
                    match rows.last_mut() {
                        Some(previous)
                            if cells.first().is_some_and(String::is_empty)
                                && previous.len() == cells.len() =>
                        {
                            for (cell, more) in previous.iter_mut().zip(cells) {
                                if !more.is_empty() {
                                    cell.push('\n');
                                    cell.push_str(&more);
                                }
                            }
                        }
                        _ => rows.push(cells),
                    }
                }
                State::Body(bounds)
            }
            State::Body(_) if is_border(line) => State::Outside,
            // Anything else ends a table that is not well formed; the line is text.
            _ => {
                blocks.push(Block::Text(line.to_string()));
                State::Outside
            }
        };
    }
    while matches!(blocks.last(), Some(Block::Text(t)) if t.is_empty()) {
        blocks.pop();
    }
    blocks
}

/// How a case wants its stdout read.
#[derive(Clone, Debug, Default)]
pub struct StdoutRules {
    pub unordered: bool,
    pub words: bool,
    pub own_rows: bool,
    /// Fields whose values are not compared (see `Case::mask`).
    pub mask: Vec<String>,
}

const MASKED: &str = "<masked>";

fn mask(header: &[String], rows: &mut [Vec<String>], fields: &[String]) {
    let columns: Vec<usize> = (0..header.len())
        .filter(|&i| fields.contains(&header[i]))
        .collect();
    for row in rows {
        for &i in &columns {
            if let Some(cell) = row.get_mut(i) {
                *cell = MASKED.to_string();
            }
        }
        if header.len() == 2 && fields.contains(&row[0]) {
            row[1] = MASKED.to_string();
        }
    }
}

/// Normalized stdout, ready to compare.
pub fn stdout(raw: &str, normalizer: &Normalizer, rules: &StdoutRules) -> Vec<Block> {
    let text = normalizer.text(raw);
    if rules.words {
        let words: BTreeSet<String> = text.split_whitespace().map(str::to_string).collect();
        return vec![Block::Words(words.into_iter().collect())];
    }
    let mut blocks = parse(&text);
    if rules.unordered {
        // Lines such as "Request to delete volume X has been accepted." come in the order the
        // work finished when a CLI does it concurrently: sorted among themselves, in place.
        let at: Vec<usize> = (0..blocks.len())
            .filter(|&i| matches!(blocks[i], Block::Text(_)))
            .collect();
        let mut lines: Vec<Block> = at.iter().map(|&i| blocks[i].clone()).collect();
        lines.sort();
        for (i, line) in at.into_iter().zip(lines) {
            blocks[i] = line;
        }
    }
    for block in &mut blocks {
        if let Block::Table { header, rows } = block {
            mask(header, rows, &rules.mask);
            if rules.own_rows {
                rows.retain(|row| row.iter().any(|cell| normalizer.is_own(cell)));
            }
            if rules.unordered {
                rows.sort();
            }
        }
    }
    blocks
}

/// Blocks as text lines, for diffs and the report.
pub fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Text(line) => {
                out.push_str(line);
                out.push('\n');
            }
            Block::Table { header, rows } => {
                let line = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| c.replace('\n', "⏎")).collect();
                    format!("| {} |\n", cells.join(" | "))
                };
                out.push_str(&line(header));
                out.push_str("|---\n");
                for row in rows {
                    out.push_str(&line(row));
                }
                out.push_str("+---\n");
            }
            Block::Words(words) => {
                for word in words {
                    out.push_str(word);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the server changes something on this request.
pub fn is_mutating(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
}

/// Drops `null` members and empty maps: the server reads a field sent as `null` in a create
/// body, or an empty `metadata`/`extra_specs`/scheduler hints, as absent.
fn without_nulls(value: &Value) -> Value {
    let absent = |v: &Value| v.is_null() || v.as_object().is_some_and(|o| o.is_empty());
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !absent(v))
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// An action without parameters (`os-force_delete`, `os-show_image_metadata`...) reads the
/// same with `null` or `{}` as its value: shown as `{}`.
fn parameterless(mut action: Value) -> Value {
    if let Some(fields) = action.as_object_mut() {
        if fields.len() == 1 {
            for value in fields.values_mut() {
                if value.is_null() {
                    *value = Value::Object(Default::default());
                }
            }
        }
    }
    action
}

/// JSON with sorted keys, whatever the map type: equal values render equally.
pub fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let mut keys: Vec<&String> = fields.keys().collect();
            keys.sort();
            let members: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        Value::String(k.clone()),
                        canonical_json(&fields[k])
                    )
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// A mutating request as the server reads it, normalized: method, decoded path, query
/// parameters sorted, microversion, body. `None` for requests that change nothing or never
/// reached the server.
pub fn request(seen: &Seen, normalizer: &Normalizer) -> Option<String> {
    if !is_mutating(&seen.method) || !seen.forwarded {
        return None;
    }
    let (path, query) = seen.path.split_once('?').unwrap_or((&seen.path, ""));
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (normalizer.text(&k), normalizer.text(&v)))
        .collect();
    params.sort();
    let mut line = format!("{} {}", seen.method, normalizer.text(&percent_decode(path)));
    if !params.is_empty() {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        line.push('?');
        line.push_str(&query.join("&"));
    }
    // Without the header Cinder reads a request at its minimum microversion.
    line.push_str(&format!(
        " [{}]",
        seen.version.as_deref().unwrap_or("volume 3.0")
    ));
    let body = seen.body.as_deref().unwrap_or("");
    if !body.trim().is_empty() {
        let shown = match serde_json::from_str::<Value>(body) {
            Ok(json) => {
                let json = normalizer.json(&json);
                let json = if !path.ends_with("/action") {
                    if seen.method == "POST" {
                        without_nulls(&json)
                    } else {
                        json
                    }
                } else {
                    parameterless(json)
                };
                canonical_json(&json)
            }
            Err(_) => normalizer.text(body),
        };
        line.push(' ');
        line.push_str(&shown);
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalizer() -> Normalizer {
        let mut n = Normalizer::default();
        n.add("11111111-2222-3333-4444-555555555555", "{volume}", true);
        n.add("parity-abc-001-py-volume", "{volume.name}", true);
        n.add("parity-abc-001-py-name", "{name}", true);
        n.add("0123456789abcdef0123456789abcdef", "{project_id}", false);
        n
    }

    #[test]
    fn known_values_become_placeholders_and_the_rest_markers() {
        let n = normalizer();
        assert_eq!(
            n.text("parity-abc-001-py-volume 11111111-2222-3333-4444-555555555555"),
            "{volume.name} {volume}"
        );
        assert_eq!(
            n.text(
                "req-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee at 2024-05-01T10:11:12.000000 by \
                    ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee user fedcba9876543210fedcba9876543210"
            ),
            "<request-id> at <time> by <uuid> user <uuid>"
        );
        assert_eq!(
            n.text("/v3/0123456789abcdef0123456789abcdef/x"),
            "/v3/{project_id}/x"
        );
    }

    const SHOW: &str = "\
+----------+---------------------+
| Property | Value               |
+----------+---------------------+
| id       | abc                 |
| fault    | line one            |
|          | line two            |
| name     | a | b               |
+----------+---------------------+
";

    #[test]
    fn reads_tables_by_cells_not_widths() {
        let narrow = "+---+---+\n| A | B |\n+---+---+\n| 1 | 2 |\n+---+---+\n";
        let wide =
            "+-----+------+\n| A   |    B |\n+-----+------+\n|   1 | 2    |\n+-----+------+\n";
        assert_eq!(parse(narrow), parse(wide));
        assert_ne!(parse(narrow), parse(&narrow.replace("| 2 |", "| 3 |")));
    }

    #[test]
    fn multi_line_values_and_pipes_stay_one_cell() {
        let blocks = parse(SHOW);
        let Block::Table { header, rows } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(header, &["Property", "Value"]);
        assert_eq!(rows[1], ["fault", "line one\nline two"]);
        assert_eq!(rows[2], ["name", "a | b"]);
    }

    #[test]
    fn text_around_tables_and_empty_tables() {
        let out = "Request accepted.\n+----+\n| ID |\n+----+\n+----+\n\n";
        assert_eq!(
            parse(out),
            vec![
                Block::Text("Request accepted.".into()),
                Block::Table {
                    header: vec!["ID".into()],
                    rows: vec![]
                }
            ]
        );
    }

    #[test]
    fn unordered_rows_and_own_rows() {
        let n = normalizer();
        let a = "+----+\n| ID |\n+----+\n| parity-abc-001-py-volume |\n| other |\n| z |\n+----+\n";
        let b = "+----+\n| ID |\n+----+\n| z |\n| other |\n| parity-abc-001-py-volume |\n+----+\n";
        let rules = StdoutRules {
            unordered: true,
            ..StdoutRules::default()
        };
        assert_eq!(stdout(a, &n, &rules), stdout(b, &n, &rules));
        assert_eq!(stdout("b\na\n", &n, &rules), stdout("a\nb\n", &n, &rules));
        assert_ne!(
            stdout("b\na\n", &n, &StdoutRules::default()),
            stdout("a\nb\n", &n, &StdoutRules::default())
        );
        assert_ne!(
            stdout(a, &n, &StdoutRules::default()),
            stdout(b, &n, &StdoutRules::default())
        );
        let own = StdoutRules {
            own_rows: true,
            ..StdoutRules::default()
        };
        assert_eq!(
            render(&stdout(a, &n, &own)),
            "| ID |\n|---\n| {volume.name} |\n+---\n"
        );
    }

    #[test]
    fn masked_fields_keep_their_place_but_not_their_value() {
        let n = Normalizer::default();
        let rules = StdoutRules {
            mask: vec!["status".into(), "Status".into()],
            ..StdoutRules::default()
        };
        let show = |status: &str| {
            format!("+---+---+\n| Property | Value |\n+---+---+\n| size | 1 |\n| status | {status} |\n+---+---+\n")
        };
        assert_eq!(
            stdout(&show("creating"), &n, &rules),
            stdout(&show("available"), &n, &rules)
        );
        assert_ne!(
            stdout(&show("creating"), &n, &rules),
            stdout(&show("creating").replace("| status", "| state"), &n, &rules)
        );
        let list = |status: &str| format!("+--+\n| ID | Status |\n+--+\n| a | {status} |\n+--+\n");
        assert_eq!(
            stdout(&list("creating"), &n, &rules),
            stdout(&list("available"), &n, &rules)
        );
    }

    fn seen(method: &str, path: &str, body: &str) -> Seen {
        Seen {
            method: method.into(),
            path: path.into(),
            fault: None,
            forwarded: true,
            status: Some(202),
            token: None,
            upstream_status: Some(202),
            body: Some(body.into()),
            version: Some("volume 3.71".into()),
            answer: None,
        }
    }

    #[test]
    fn requests_are_compared_as_the_server_reads_them() {
        let n = normalizer();
        let a = seen(
            "POST",
            "/v3/0123456789abcdef0123456789abcdef/volumes?b=2&a=%7Bx%7D",
            r#"{"volume": {"name": "parity-abc-001-py-name", "size": 1, "description": null, "metadata": {}}}"#,
        );
        let b = seen(
            "POST",
            "/v3/0123456789abcdef0123456789abcdef/volumes?a={x}&b=2",
            r#"{"volume":{"size":1,"name":"parity-abc-001-py-name"}}"#,
        );
        assert_eq!(request(&a, &n), request(&b, &n));
        assert_eq!(
            request(&a, &n).unwrap(),
            r#"POST /v3/{project_id}/volumes?a={x}&b=2 [volume 3.71] {"volume":{"name":"{name}","size":1}}"#
        );
        // A null in an action is not dropped, a GET is not compared.
        let action = seen(
            "POST",
            "/v3/p/volumes/x/action",
            r#"{"os-reset_status": {"status": null}}"#,
        );
        assert!(request(&action, &n).unwrap().contains("null"));
        let no_parameters = |body: &str| request(&seen("POST", "/v3/p/volumes/x/action", body), &n);
        assert_eq!(
            no_parameters(r#"{"os-force_delete": null}"#),
            no_parameters(r#"{"os-force_delete": {}}"#)
        );
        // No microversion header is the minimum, 3.0.
        let mut old = seen("DELETE", "/v3/p/volumes/x", "");
        old.version = None;
        assert_eq!(
            request(&old, &n).unwrap(),
            "DELETE /v3/p/volumes/x [volume 3.0]"
        );
        assert_eq!(request(&seen("GET", "/v3/p/volumes", ""), &n), None);
        let size_as_text = seen(
            "POST",
            "/v3/0123456789abcdef0123456789abcdef/volumes",
            r#"{"volume":{"size":"1","name":"parity-abc-001-py-name"}}"#,
        );
        assert_ne!(
            request(&size_as_text, &n),
            request(&b, &n).map(|r| r.replace("?a={x}&b=2", ""))
        );
    }
}
