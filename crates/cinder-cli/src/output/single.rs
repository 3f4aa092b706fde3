//! A single resource: cinderclient's `Property | Value` table or a one-row table; one object in
//! JSON and YAML; one value per line in the `value` format.

use std::io::{self, Write};

use anyhow::Result;
use serde_json::Value;

use super::cells;
use super::columns::{self, Column};
use super::format::{Format, OutputArgs};
use super::grid::Grid;
use super::serialize::{self, Projected};

/// How a `Property | Value` table is drawn: cinderclient's `print_dict` arguments.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// The first column's header: `Property`, or `Metadata-property` for metadata.
    pub property: &'static str,
    /// The fields whose dict is written as `key : value` lines (cinderclient's formatters);
    /// other dicts and lists are written as Python writes them.
    pub pretty: Pretty,
}

/// Which fields of a `Property | Value` table cinderclient gives a formatter.
#[derive(Clone, Copy, Debug)]
pub enum Pretty {
    /// These fields (`print_dict(d, formatters=[...])`).
    Fields(&'static [&'static str]),
    /// Every field, as `print_dict(d, formatters=sorted(d.keys()))` does.
    Every,
}

impl Pretty {
    fn applies_to(self, key: &str) -> bool {
        match self {
            Pretty::Fields(fields) => fields.contains(&key),
            Pretty::Every => true,
        }
    }
}

/// A field [`OutputArgs::print_apart`] prints in a table of its own, and cinderclient's rules
/// for it.
#[derive(Clone, Copy, Debug)]
pub struct Apart {
    /// The field.
    pub key: &'static str,
    /// How the first table (the other fields) and the second (the field's object) are drawn.
    pub shapes: [Shape; 2],
    /// What cinderclient takes out of the first table.
    pub takes: Takes,
    /// Whether an empty object (or null) still gets its table.
    pub prints_empty: bool,
    /// Whether `-c <key>` asks for the second table; otherwise `-c` picks rows of the first
    /// and leaves the second out.
    pub selectable: bool,
}

/// What [`Apart::key`] must hold to be taken out of the first table.
#[derive(Clone, Copy, Debug)]
pub enum Takes {
    /// Anything, null included (cinderclient's `pop`).
    Any,
    /// Only an object (cinderclient fails on anything else; it stays a row, as sent).
    Object,
}

impl Shape {
    /// cinderclient's `print_dict(info)`.
    pub const PLAIN: Shape = Shape {
        property: "Property",
        pretty: Pretty::Fields(&[]),
    };

    /// cinderclient's `print_dict(metadata, 'Metadata-property')`.
    pub const METADATA: Shape = Shape {
        property: "Metadata-property",
        pretty: Pretty::Fields(&[]),
    };
}

impl OutputArgs {
    /// Prints a resource as cinderclient's plain `Property | Value` table: every field, sorted
    /// by name; `-c` picks fields by their (API) name.
    pub fn print_object(&self, object: &Value) -> Result<()> {
        self.print_shaped(object, Shape::PLAIN)
    }

    /// [`OutputArgs::print_object`], the table drawn as `shape` says.
    pub fn print_shaped(&self, object: &Value, shape: Shape) -> Result<()> {
        let selected = columns::select(&fields_of(object), &self.columns)?;
        let mut out = io::stdout().lock();
        write_object(self.format, shape, &selected, object, &mut out)
    }

    /// Prints a resource as cinderclient prints one with a field it takes out into a table of
    /// its own (an attachment's `connection_info`, a back end's `properties`): the other fields
    /// in the first table, then that field's object, each drawn as [`Apart::shapes`] says.
    /// JSON and YAML print the resource as one object, the field included.
    pub fn print_apart(&self, object: &Value, apart: &Apart) -> Result<()> {
        if !self.is_table() {
            return self.print_object(object);
        }
        let mut first = object.clone();
        let taken = match (apart.takes, first.get(apart.key)) {
            (Takes::Any, Some(_)) | (Takes::Object, Some(Value::Object(_))) => first
                .as_object_mut()
                .and_then(|fields| fields.remove(apart.key)),
            _ => None,
        };
        let picked = &self.columns;
        let is_key = |c: &String| c.eq_ignore_ascii_case(apart.key);
        let first_columns: Vec<String> = picked
            .iter()
            .filter(|c| !(apart.selectable && taken.is_some() && is_key(c)))
            .cloned()
            .collect();
        if picked.is_empty() || !first_columns.is_empty() {
            let output = OutputArgs {
                columns: first_columns,
                ..self.clone()
            };
            output.print_shaped(&first, apart.shapes[0])?;
        }
        let wants_second = picked.is_empty() || (apart.selectable && picked.iter().any(is_key));
        if let Some(second) = taken.filter(|_| wants_second) {
            let empty = match &second {
                Value::Null => true,
                Value::Object(fields) => fields.is_empty(),
                _ => false,
            };
            if apart.prints_empty || !empty {
                let output = OutputArgs {
                    columns: Vec::new(),
                    ..self.clone()
                };
                output.print_shaped(&second, apart.shapes[1])?;
            }
        }
        Ok(())
    }

    /// Prints several resources as cinderclient prints them one after another (`get-pools`):
    /// a `Property | Value` table each (and each one's fields in the `value` format); one array
    /// of them in JSON and YAML, so that the output stays one document.
    pub fn print_objects(&self, objects: &[Value]) -> Result<()> {
        if matches!(self.format, Format::Table | Format::Value) {
            return objects.iter().try_for_each(|o| self.print_object(o));
        }
        let selected = objects
            .iter()
            .map(|object| columns::select(&fields_of(object), &self.columns))
            .collect::<Result<Vec<_>>>()?;
        let projected: Vec<Projected> = objects
            .iter()
            .zip(&selected)
            .map(|(record, columns)| Projected { record, columns })
            .collect();
        let mut out = io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serialize::json(&projected)?)?,
            _ => out.write_all(serialize::yaml(&projected)?.as_bytes())?,
        }
        out.flush()?;
        Ok(())
    }

    /// Prints a resource as one row under `available` columns, as cinderclient prints a type it
    /// created; `None` (nothing to show) is an empty table, or `null`.
    pub fn print_row(&self, available: &[Column], row: Option<&Value>) -> Result<()> {
        let selected = columns::select(available, &self.columns)?;
        let mut out = io::stdout().lock();
        write_row(self.format, &selected, row, &mut out)
    }
}

/// The fields of an object as columns, sorted (each command leaves out what cinderclient
/// leaves out, such as `links`).
fn fields_of(object: &Value) -> Vec<Column> {
    let mut keys: Vec<&String> = object
        .as_object()
        .map(|map| map.keys().collect())
        .unwrap_or_default();
    keys.sort();
    keys.into_iter().map(|k| Column::keyed(k)).collect()
}

fn write_object<W: Write>(
    format: Format,
    shape: Shape,
    selected: &[Column],
    object: &Value,
    out: &mut W,
) -> Result<()> {
    let table = || {
        let mut grid = Grid::new(&[shape.property, "Value"]);
        for column in selected {
            let value = object.get(&column.key).unwrap_or(&Value::Null);
            let text = if shape.pretty.applies_to(&column.key) {
                cells::pretty(value)
            } else {
                cells::text(value)
            };
            grid.row(vec![column.key.clone(), text]);
        }
        grid
    };
    write_record(format, selected, Some(object), table, out)
}

fn write_row<W: Write>(
    format: Format,
    selected: &[Column],
    row: Option<&Value>,
    out: &mut W,
) -> Result<()> {
    let table = || {
        let headers: Vec<&str> = selected.iter().map(|c| c.header.as_str()).collect();
        let mut grid = Grid::new(&headers);
        if let Some(row) = row {
            grid.row(
                selected
                    .iter()
                    .map(|c| {
                        let value = row.get(&c.key).unwrap_or(&Value::Null);
                        c.formatter
                            .map_or_else(|| cells::list_text(value), |f| f(value))
                    })
                    .collect(),
            );
        }
        grid
    };
    write_record(format, selected, row, table, out)
}

/// One record in `format`; `table` draws it for the table format, whose layout differs
/// between objects and rows.
fn write_record<W: Write>(
    format: Format,
    selected: &[Column],
    record: Option<&Value>,
    table: impl FnOnce() -> Grid,
    out: &mut W,
) -> Result<()> {
    let projected = record.map(|record| Projected {
        record,
        columns: selected,
    });
    match format {
        Format::Table => out.write_all(table().render().as_bytes())?,
        Format::Json => writeln!(out, "{}", serialize::json(&projected)?)?,
        Format::Yaml => out.write_all(serialize::yaml(&projected)?.as_bytes())?,
        // Like OpenStack's `-f value` for one resource: each field on its own line.
        Format::Value => {
            if let Some(record) = record {
                for column in selected {
                    let value = record.get(&column.key).unwrap_or(&Value::Null);
                    writeln!(out, "{}", cells::one_line(value))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::columns::{columns, select};
    use serde_json::json;

    fn volume() -> Value {
        json!({
            "id": "v1",
            "size": 1,
            "os-vol-host-attr:host": "h@b#p",
            "metadata": {"k": "v"},
        })
    }

    fn object(format: Format, wanted: &[&str]) -> String {
        let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
        let selected = select(&fields_of(&volume()), &wanted).unwrap();
        let mut out = Vec::new();
        write_object(format, Shape::PLAIN, &selected, &volume(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn object_table_is_sorted() {
        assert_eq!(
            object(Format::Table, &[]),
            "+-----------------------+------------+\n\
             | Property              | Value      |\n\
             +-----------------------+------------+\n\
             | id                    | v1         |\n\
             | metadata              | {'k': 'v'} |\n\
             | os-vol-host-attr:host | h@b#p      |\n\
             | size                  | 1          |\n\
             +-----------------------+------------+\n"
        );
    }

    #[test]
    fn object_json_keeps_api_keys_and_types() {
        let parsed: Value = serde_json::from_str(&object(Format::Json, &[])).unwrap();
        assert_eq!(
            parsed,
            json!({"id": "v1", "size": 1, "os-vol-host-attr:host": "h@b#p", "metadata": {"k": "v"}})
        );
        let parsed: Value = serde_norway::from_str(&object(Format::Yaml, &["SIZE", "id"])).unwrap();
        assert_eq!(parsed, json!({"size": 1, "id": "v1"}));
    }

    #[test]
    fn object_values_one_per_line() {
        assert_eq!(
            object(Format::Value, &["size", "os-vol-host-attr:host"]),
            "1\nh@b#p\n"
        );
    }

    #[test]
    fn row_is_a_one_row_table_or_an_object_or_null() {
        let available = columns(&["ID", "Is_Public"]);
        let row = json!({"id": "t1", "is_public": true, "extra": 1});
        let mut out = Vec::new();
        write_row(Format::Table, &available, Some(&row), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "+----+-----------+\n| ID | Is_Public |\n+----+-----------+\n| t1 | True      |\n+----+-----------+\n"
        );
        let mut out = Vec::new();
        write_row(Format::Json, &available, Some(&row), &mut out).unwrap();
        let parsed: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(parsed, json!({"id": "t1", "is_public": true}));
        let mut out = Vec::new();
        write_row(Format::Json, &available, None, &mut out).unwrap();
        assert_eq!(out, b"null\n");
    }
}
