//! JSON and YAML text of records, with a fixed key order.
//!
//! `serde_json::Map` keeps insertion order or sorts, depending on a feature another crate of the
//! workspace turns on; the output must not change with what else was built, so records are
//! written through these wrappers: a record's keys in column order, nested objects' keys sorted.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use super::columns::Column;

/// A record reduced to `columns`, keys in column order; a missing field is `null`.
pub struct Projected<'a> {
    pub record: &'a Value,
    pub columns: &'a [Column],
}

impl Serialize for Projected<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for column in self.columns {
            let value = self.record.get(&column.key).unwrap_or(&Value::Null);
            map.serialize_entry(&column.key, &Sorted(value))?;
        }
        map.end()
    }
}

/// A value whose objects, at every depth, serialize with sorted keys.
pub struct Sorted<'a>(pub &'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(object) => {
                let mut keys: Vec<&String> = object.keys().collect();
                keys.sort();
                let mut map = serializer.serialize_map(Some(keys.len()))?;
                for key in keys {
                    map.serialize_entry(key, &Sorted(&object[key]))?;
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Sorted(item))?;
                }
                seq.end()
            }
            scalar => scalar.serialize(serializer),
        }
    }
}

/// Pretty JSON (two-space indent), no trailing newline.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)?)
}

/// A YAML document, ending in a newline.
pub fn yaml<T: Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_norway::to_string(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::columns::columns;
    use serde_json::json;

    #[test]
    fn projects_in_column_order_with_nested_keys_sorted() {
        let record = json!({"size": 1, "id": "x", "metadata": {"b": "2", "a": "1"}});
        let columns = columns(&["ID", "Size", "Metadata", "Missing"]);
        let text = serde_json::to_string(&Projected {
            record: &record,
            columns: &columns,
        })
        .unwrap();
        assert_eq!(
            text,
            r#"{"id":"x","size":1,"metadata":{"a":"1","b":"2"},"missing":null}"#
        );
    }

    #[test]
    fn yaml_keeps_types_and_quotes_ambiguous_strings() {
        let record = json!({"id": "1", "size": 1, "bootable": "true", "name": null});
        let columns = columns(&["ID", "Size", "Bootable", "Name"]);
        let text = yaml(&Projected {
            record: &record,
            columns: &columns,
        })
        .unwrap();
        let back: serde_json::Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(back, record, "{text}");
    }
}
