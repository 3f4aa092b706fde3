//! Columns (a table header and the JSON key it stands for) and their selection by `-c`.

use anyhow::{bail, Result};

/// One column: the header tables show and the key JSON and YAML use.
#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    pub key: String,
    /// How a table cell shows the value when cinderclient has a formatter for the column
    /// (`None`: as its `print_list` shows any value). JSON, YAML and `value` are not affected.
    pub formatter: Option<fn(&serde_json::Value) -> String>,
    /// Whether a table cell is empty when the row lacks the field, as cinderclient's
    /// `print_list` shows an attribute some rows do not have (`getattr(o, field, '')`); `-`
    /// otherwise, as for a `null`.
    pub blank_when_missing: bool,
}

/// Columns are the same when they show the same field under the same header.
impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header && self.key == other.key
    }
}

impl Eq for Column {}

impl Column {
    /// A column whose key follows from its header (see [`key_of`]).
    pub fn new(header: &str) -> Self {
        Column {
            header: header.to_string(),
            key: key_of(header),
            formatter: None,
            blank_when_missing: false,
        }
    }

    /// A column whose header is its key: a field of a `Property | Value` table.
    pub fn keyed(key: &str) -> Self {
        Column {
            header: key.to_string(),
            key: key.to_string(),
            formatter: None,
            blank_when_missing: false,
        }
    }

    /// The column, its table cells written by `formatter`.
    pub fn formatted(self, formatter: fn(&serde_json::Value) -> String) -> Self {
        Column {
            formatter: Some(formatter),
            ..self
        }
    }

    /// The column, its table cell empty for a row without the field.
    pub fn blank_when_missing(self) -> Self {
        Column {
            blank_when_missing: true,
            ..self
        }
    }

    fn answers_to(&self, name: &str) -> bool {
        self.header.eq_ignore_ascii_case(name) || self.key.eq_ignore_ascii_case(name)
    }
}

/// Columns for these headers, keys derived from them.
pub fn columns(headers: &[&str]) -> Vec<Column> {
    headers.iter().map(|h| Column::new(h)).collect()
}

/// The key a header stands for: lowercased, spaces as underscores (`Volume Type` →
/// `volume_type`). It is the rule cinderclient uses to find a column's field in a resource, so
/// a column showing an API field gets that field's name.
pub fn key_of(header: &str) -> String {
    header.to_lowercase().replace(' ', "_")
}

/// The columns `wanted` names (by header or key, case-insensitively), in the order first given;
/// all of `available` when nothing is named. An unknown name is an error listing the choices.
pub fn select(available: &[Column], wanted: &[String]) -> Result<Vec<Column>> {
    if wanted.is_empty() {
        return Ok(available.to_vec());
    }
    let mut selected = Vec::with_capacity(wanted.len());
    for name in wanted {
        match available.iter().find(|c| c.answers_to(name)) {
            // Named twice (by header and by key, say): once, or JSON would repeat a key.
            Some(column) if selected.contains(column) => {}
            Some(column) => selected.push(column.clone()),
            None => bail!(
                "No column '{name}'. Available columns: {}",
                describe(available)
            ),
        }
    }
    Ok(selected)
}

/// `ID (id), Volume Type (volume_type), ...`; a column whose header is its key once.
fn describe(available: &[Column]) -> String {
    if available.is_empty() {
        return "none".into();
    }
    available
        .iter()
        .map(|c| {
            if c.header == c.key {
                c.key.clone()
            } else {
                format!("{} ({})", c.header, c.key)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn keys_follow_cinderclients_field_rule() {
        assert_eq!(key_of("Volume Type"), "volume_type");
        assert_eq!(key_of("Is_Public"), "is_public");
        assert_eq!(key_of("Attached to"), "attached_to");
        // Dashes and colons stay: `--fields os-vol-host-attr:host` names the API's key.
        assert_eq!(key_of("os-vol-host-attr:host"), "os-vol-host-attr:host");
    }

    #[test]
    fn selects_by_header_or_key_in_the_order_given() {
        let available = columns(&["ID", "Volume Type", "Status"]);
        let picked = select(
            &available,
            &wanted(&["status", "volume type", "VOLUME_TYPE"]),
        )
        .unwrap();
        let headers: Vec<&str> = picked.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["Status", "Volume Type"]);
        assert_eq!(select(&available, &[]).unwrap(), available);
    }

    #[test]
    fn unknown_column_lists_the_choices() {
        let mut available = columns(&["ID", "Volume Type"]);
        available.push(Column::keyed("os-vol-host-attr:host"));
        let error = select(&available, &wanted(&["ID", "nope"]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "No column 'nope'. Available columns: ID (id), Volume Type (volume_type), \
             os-vol-host-attr:host"
        );
    }
}
