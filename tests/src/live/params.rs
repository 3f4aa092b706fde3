//! Values for the `{parameters}` of a path, found on the cloud itself, the same way for any
//! family: an ID parameter `{x}` comes from the list at the path before it (`/types` for
//! `/types/{volume_type_id}`), any other (`{key}`) from the first key of the map the path
//! before it answers (`/volumes/{volume_id}/metadata`). The write round's own resources come
//! first, so that a run does not depend on what others left in the project.

use std::collections::BTreeMap;

use serde_json::Value;

use super::ops::Op;
use super::send::Target;

pub struct Resolver<'a> {
    target: &'a Target,
    ops: &'a [Op],
    /// Parameter name -> value (the write round's resources, then what was found).
    known: BTreeMap<String, String>,
}

impl<'a> Resolver<'a> {
    pub fn new(target: &'a Target, ops: &'a [Op], known: BTreeMap<String, String>) -> Self {
        Resolver { target, ops, known }
    }

    /// `op`'s path with every parameter filled in, or the first parameter no value was found
    /// for.
    pub async fn fill(&mut self, op: &Op) -> Result<String, String> {
        let mut filled = String::new();
        for segment in op.path.split('/').skip(1) {
            filled.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                None => filled.push_str(segment),
                Some(name) => {
                    let value = self.value(name, &filled).await.ok_or(name.to_string())?;
                    filled.push_str(&value);
                }
            }
        }
        if op.path.ends_with('/') && !filled.ends_with('/') {
            filled.push('/');
        }
        Ok(filled)
    }

    /// A value for `{name}`, found at `before` (the filled path up to it, with its slash).
    async fn value(&mut self, name: &str, before: &str) -> Option<String> {
        let is_id = name.ends_with("_id");
        let key = if is_id {
            name.to_string()
        } else {
            format!("{before}{{{name}}}")
        };
        if let Some(value) = self.known.get(&key) {
            return Some(value.clone());
        }
        let parent = before.trim_end_matches('/');
        let template = self.template_of(parent)?;
        let lister = self
            .ops
            .iter()
            .find(|op| op.method == "get" && op.path == template)?;
        let answer = self
            .target
            .send(lister, self.target.common_max(), parent, None)
            .await
            .ok()?;
        let body = answer.json().filter(|_| answer.is_success())?;
        let found = if is_id {
            first_id(&body)
        } else {
            first_named(&body, name).or_else(|| first_key(&body))
        }?;
        self.known.insert(key, found.clone());
        Some(found)
    }

    /// The spec path (with `{parameters}`) of a filled path, matched segment by segment.
    fn template_of(&self, filled: &str) -> Option<&'static str> {
        let segments: Vec<&str> = filled.split('/').collect();
        self.ops.iter().map(|op| op.path).find(|path| {
            let template: Vec<&str> = path.split('/').collect();
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
    }
}

/// The `id` of the first item of the first array in a list answer.
fn first_id(body: &Value) -> Option<String> {
    body.as_object()?
        .values()
        .filter_map(Value::as_array)
        .flat_map(|items| items.iter())
        .find_map(|item| item.get("id").and_then(Value::as_str).map(str::to_string))
}

/// For a `{x_name}` parameter of a list's item (`/clusters/{cluster_name}`): the field of the
/// first item named like the parameter (`host_name`), or its `name`.
fn first_named(body: &Value, parameter: &str) -> Option<String> {
    let item = body
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flat_map(|items| items.iter())
        .next()?;
    let field = [parameter, "name"]
        .into_iter()
        .filter(|_| parameter.ends_with("_name"))
        .find_map(|field| item.get(field).and_then(Value::as_str))?;
    Some(field.to_string())
}

/// The first key of the map an answer wraps (`{"metadata": {"k": "v"}}` gives `k`).
fn first_key(body: &Value) -> Option<String> {
    let object = body.as_object()?;
    let inner = match object.values().next() {
        Some(Value::Object(inner)) if object.len() == 1 => inner,
        _ => object,
    };
    inner.keys().next().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_ids_in_lists_and_keys_in_maps() {
        let list = json!({"volume_types": [{"id": "a"}, {"id": "b"}], "links": []});
        assert_eq!(first_id(&list).as_deref(), Some("a"));
        assert_eq!(first_id(&json!({"volumes": []})), None);
        let metadata = json!({"metadata": {"k": "v"}});
        assert_eq!(first_key(&metadata).as_deref(), Some("k"));
        assert_eq!(first_key(&json!({"metadata": {}})), None);
        assert_eq!(
            first_key(&json!({"cipher": "x", "provider": "y"})).as_deref(),
            Some("cipher")
        );
        let clusters = json!({"clusters": [{"name": "c@b", "binary": "cinder-volume"}]});
        assert_eq!(
            first_named(&clusters, "cluster_name").as_deref(),
            Some("c@b")
        );
        let hosts = json!({"hosts": [{"host_name": "h", "service": "cinder-backup"}]});
        assert_eq!(first_named(&hosts, "host_name").as_deref(), Some("h"));
        assert_eq!(first_named(&metadata, "key"), None);
    }
}
