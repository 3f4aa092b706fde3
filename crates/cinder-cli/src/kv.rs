//! `key=value` arguments.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};

/// Checks one `key=value` pair: the `=` is required and the key cannot be empty.
pub fn check_pair(pair: &str) -> Result<(), String> {
    match pair.split_once('=') {
        Some(("", _)) => Err(format!(
            "the key before '=' is empty in '{pair}'; expected key=value"
        )),
        Some(_) => Ok(()),
        None => Err(format!("'{pair}' has no '='; expected key=value")),
    }
}

/// Parses `key=value` pairs; a pair without `=` or with an empty key is an error naming it.
pub fn parse(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        check_pair(pair).map_err(|e| anyhow!("Invalid key=value argument: {e}."))?;
        if let Some((key, value)) = pair.split_once('=') {
            map.insert(key.to_string(), value.to_string());
        }
    }
    Ok(map)
}

/// The keys of `unset` arguments: `key` or `key=anything`; an empty key is an error.
pub fn keys(pairs: &[String]) -> Result<Vec<String>> {
    pairs
        .iter()
        .map(|p| match p.split_once('=').map_or(p.as_str(), |(k, _)| k) {
            "" => bail!("Invalid key '{p}': the key to unset is empty."),
            key => Ok(key.to_string()),
        })
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
        let err = parse(&["=1".into()]).unwrap_err().to_string();
        assert!(err.contains("key before '=' is empty"), "{err}");
        assert_eq!(keys(&["a".into(), "b=2".into()]).unwrap(), vec!["a", "b"]);
        assert!(keys(&["=2".into()]).is_err());
    }
}
