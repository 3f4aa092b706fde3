//! Adjusts the bundled spec to what progenitor can take as is. Every change here says why.

use serde_json::Value;

/// Returns the document progenitor is given; the spec on disk keeps its full meaning.
pub fn for_progenitor(document: &Value) -> Value {
    let mut prepared = document.clone();
    relax_formats(&mut prepared);
    prepared
}

/// String formats typify would turn into types that change or reject what Cinder sends:
/// - `date-time` becomes `chrono::DateTime<Utc>`, which rejects Cinder's timestamps without a
///   timezone (`2018-11-29T06:50:07.770785`);
/// - `uuid` becomes `uuid::Uuid`, which re-spells Keystone's dash-less ids
///   (`5f1c...` -> `5f1c-...`) when sent back.
///
/// The generated types keep such values as the strings Cinder sent, so a round trip is exact.
const RELAXED_FORMATS: [&str; 2] = ["date-time", "uuid"];

fn relax_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let relaxed = map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|format| RELAXED_FORMATS.contains(&format));
            if relaxed {
                map.remove("format");
            }
            map.values_mut().for_each(relax_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(relax_formats),
        _ => {}
    }
}
