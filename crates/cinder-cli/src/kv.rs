//! `key=value` arguments.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

/// Parses `key=value` pairs; a pair without `=` is an error naming it.
pub fn parse(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some(("", _)) => {
                bail!("Invalid key=value argument '{pair}': the key is empty.")
            }
            Some((key, value)) => {
                map.insert(key.to_string(), value.to_string());
            }
            None => bail!("Invalid key=value argument '{pair}': expected the form key=value."),
        }
    }
    Ok(map)
}

/// The keys of `unset` arguments: `key` or `key=anything`.
pub fn keys(pairs: &[String]) -> Vec<String> {
    pairs
        .iter()
        .map(|p| p.split_once('=').map_or(p.as_str(), |(k, _)| k).to_string())
        .collect()
}

/// The map as a JSON object of strings.
pub fn to_json(map: &BTreeMap<String, String>) -> serde_json::Value {
    serde_json::to_value(map).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_refuses_missing_equals() {
        let map = parse(&["a=1".into(), "b=x=y".into(), "c=".into()]).unwrap();
        assert_eq!(map["a"], "1");
        assert_eq!(map["b"], "x=y");
        assert_eq!(map["c"], "");
        let err = parse(&["novalue".into()]).unwrap_err().to_string();
        assert!(err.contains("'novalue'"), "{err}");
        assert_eq!(keys(&["a".into(), "b=2".into()]), vec!["a", "b"]);
    }
}
