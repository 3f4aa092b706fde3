//! Adjusts the bundled spec to what progenitor can take as is. Every change here says why.

use serde_json::Value;

/// Returns the document progenitor is given; the spec on disk keeps its full meaning.
pub fn for_progenitor(document: &Value) -> Value {
    let mut prepared = document.clone();
    relax_date_times(&mut prepared);
    prepared
}

/// Cinder's timestamps carry no timezone (`2018-11-29T06:50:07.770785`), while typify maps
/// `format: date-time` to `chrono::DateTime<Utc>`, which rejects them. The generated types keep
/// them as the strings Cinder sent, so nothing is lost in a round trip.
fn relax_date_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("date-time") {
                map.remove("format");
            }
            map.values_mut().for_each(relax_date_times);
        }
        Value::Array(items) => items.iter_mut().for_each(relax_date_times),
        _ => {}
    }
}
