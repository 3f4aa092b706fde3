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
/// `--hint key=value` pairs as cinderclient sends scheduler hints: a key given more than once
/// becomes a list of its values.
pub fn hints(pairs: &[String]) -> serde_json::Value {
    use serde_json::Value;
    let mut hints: BTreeMap<String, Value> = BTreeMap::new();
    for (key, value) in pairs.iter().filter_map(|h| h.split_once('=')) {
        let value = Value::String(value.to_string());
        match hints.get_mut(key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => *existing = Value::Array(vec![existing.clone(), value]),
            None => {
                hints.insert(key.to_string(), value);
            }
        }
    }
    Value::Object(hints.into_iter().collect())
}

/// `--filters key=value ...` as cinderclient's `extract_filters` reads them: any key (the
/// server judges it; `key~` asks for inexact matching from 3.34), the value as written, except
/// that `{k1:v1,k2:v2}` becomes the dictionary cinderclient sends (Python's text of it,
/// `{'k1': 'v1', 'k2': 'v2'}`, which Cinder reads back with `literal_eval`). A later pair with
/// the same key wins. Empty values are kept: each command drops them or not, as cinderclient.
pub fn filters(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        check_pair(pair).map_err(|e| anyhow!("Invalid key=value argument: {e}."))?;
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let value = match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
            Some(inner) => python_dict(inner).ok_or_else(|| {
                anyhow!(
                    "Invalid filter '{pair}': a dictionary value is written \
                     {{key:value,key2:value2}}, every item with a ':'"
                )
            })?,
            None => value.to_string(),
        };
        map.insert(key.to_string(), value);
    }
    Ok(map)
}

/// Refuses a filter given both as its own option and in `--filters`, as cinderclient does for
/// the keys it knows of each list ("Filters are only allowed to be passed once."). `given` is
/// each such key with whether its option was used.
pub fn check_filters_once(
    filters: &BTreeMap<String, String>,
    given: &[(&str, bool)],
) -> Result<()> {
    if given
        .iter()
        .any(|(key, used)| *used && filters.contains_key(*key))
    {
        bail!("Filters are only allowed to be passed once.");
    }
    Ok(())
}

/// `--filters` of a list as cinderclient sends them: each key once (refused when its own
/// option in `given` is used too), empty values left out.
pub fn list_filters(
    filters: &Option<Vec<String>>,
    given: &[(&str, bool)],
) -> Result<Vec<(String, String)>> {
    let Some(pairs) = filters else {
        return Ok(Vec::new());
    };
    let filters = self::filters(pairs)?;
    check_filters_once(&filters, given)?;
    Ok(filters.into_iter().filter(|(_, v)| !v.is_empty()).collect())
}

/// Whether `--filters` sets `key` to something (as cinderclient's `search_opts[key]`, which
/// decides the "Tenant ID" column when the key is `all_tenants`).
pub fn filter_given(filters: &Option<Vec<String>>, key: &str) -> bool {
    filters
        .iter()
        .flatten()
        .filter_map(|pair| pair.split_once('='))
        .rfind(|(k, _)| *k == key)
        .is_some_and(|(_, value)| !value.is_empty())
}

/// The Python dictionary text of `key=value` arguments (a `--metadata` filter).
pub fn python_dict_from(pairs: &[String]) -> Result<String> {
    Ok(python_dict_of(&parse(pairs)?))
}

/// The text of the Python dictionary cinderclient sends for `--metadata key=value ...` filters
/// (`{'key': 'value'}`), which Cinder reads back with `literal_eval`.
pub fn python_dict_of(map: &BTreeMap<String, String>) -> String {
    crate::python::str_dict(map.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `k1:v1,k2:v2` as the text of the Python dictionary cinderclient builds from it (keys and
/// values stripped, a repeated key keeping its first place and last value); `None` when an
/// item has no `:`.
fn python_dict(inner: &str) -> Option<String> {
    let mut items: Vec<(String, String)> = Vec::new();
    for item in inner.split(',') {
        let (key, value) = item.split_once(':')?;
        let (key, value) = (key.trim().to_string(), value.trim().to_string());
        match items.iter_mut().find(|(k, _)| *k == key) {
            Some(existing) => existing.1 = value,
            None => items.push((key, value)),
        }
    }
    let pairs = items.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    Some(crate::python::str_dict(pairs))
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

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| i.to_string()).collect()
    }

    #[test]
    fn filters_pass_any_key_and_build_cinderclients_dictionaries() {
        let map = filters(&strings(&[
            "name~=vol",
            "colour=red",
            "metadata={a:1, b : x:y ,a:2}",
            "glance_metadata={it's:\"q\"}",
            "status=",
            "colour=blue",
            "size=big",
        ]))
        .unwrap();
        let pairs: Vec<(&str, &str)> = map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("colour", "blue"),
                ("glance_metadata", r#"{"it's": '"q"'}"#),
                ("metadata", "{'a': '2', 'b': 'x:y'}"),
                ("name~", "vol"),
                ("size", "big"),
                ("status", ""),
            ]
        );
        // cinderclient fails on these before sending anything; so does this client, clearly.
        for bad in ["metadata={a}", "metadata={}", "status"] {
            assert!(filters(&strings(&[bad])).is_err(), "{bad}");
        }
        assert_eq!(crate::python::repr_str("a\\b\n"), r"'a\\b\n'");
        let map = parse(&strings(&["b=2", "a=it's"])).unwrap();
        assert_eq!(python_dict_of(&map), r#"{'a': "it's", 'b': '2'}"#);
    }

    #[test]
    fn a_filter_given_twice_is_refused() {
        let map = filters(&strings(&["name=a"])).unwrap();
        let err = check_filters_once(&map, &[("status", true), ("name", true)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Filters are only allowed to be passed once."
        );
        assert!(check_filters_once(&map, &[("name", false), ("status", true)]).is_ok());
    }
}
