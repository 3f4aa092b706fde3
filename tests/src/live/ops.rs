//! The spec's operations as the live runs need them: method, path, where they are served and
//! the microversions at which their answer changes.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::schema::{minor, Spec};

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// One operation of the spec.
#[derive(Clone, Debug)]
pub struct Op {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Served at the service root (a path-level `servers`), not under `/v3/{project_id}`.
    pub at_root: bool,
    pub min: u16,
    pub max: u16,
    pub object: &'static Value,
}

/// Every operation of `spec`, in document order.
pub fn operations(spec: &'static Spec, client_max: u16) -> Vec<Op> {
    let mut ops = Vec::new();
    let Some(paths) = spec.document.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(object) = item.get(method) else {
                continue;
            };
            let Some(id) = object.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            ops.push(Op {
                id,
                method,
                path,
                at_root: item.get("servers").is_some(),
                min: version_of(object, "x-openstack-min-version").unwrap_or(0),
                max: version_of(object, "x-openstack-max-version").unwrap_or(client_max),
                object,
            });
        }
    }
    ops
}

fn version_of(object: &Value, key: &str) -> Option<u16> {
    object.get(key).and_then(Value::as_str).and_then(minor)
}

/// The spec's maximum, its `info.version`.
pub fn client_max(spec: &Spec) -> u16 {
    spec.document
        .pointer("/info/version")
        .and_then(Value::as_str)
        .and_then(minor)
        .unwrap_or(0)
}

impl Op {
    /// The path's `{parameters}`, in order.
    pub fn path_parameters(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// The versions to check it at, inside `low..=high` (the server's and the client's common
    /// range): the lowest and highest it exists at, and every version where a field of its
    /// success answer appears (`x-openstack-min-version`) or goes (the one after
    /// `x-openstack-max-version`).
    pub fn versions(&self, spec: &Spec, low: u16, high: u16) -> Vec<u16> {
        let (first, last) = (self.min.max(low), self.max.min(high));
        if first > last {
            return Vec::new();
        }
        let mut versions = BTreeSet::from([first, last]);
        if let Some(schema) = success_schema(spec, self.object) {
            let mut points = BTreeSet::new();
            change_points(spec, schema, &mut points, &mut BTreeSet::new());
            versions.extend(points.into_iter().filter(|v| (first..=last).contains(v)));
        }
        versions.into_iter().collect()
    }
}

fn success_schema<'a>(spec: &'a Spec, object: &'a Value) -> Option<&'a Value> {
    let (_, response) = object
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(status, _)| status.starts_with('2'))?;
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.resolve(reference).ok()?,
        None => response,
    };
    response.pointer("/content/application~1json/schema")
}

fn change_points(
    spec: &Spec,
    schema: &Value,
    into: &mut BTreeSet<u16>,
    seen: &mut BTreeSet<String>,
) {
    match schema {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if seen.insert(reference.to_string()) {
                    if let Ok(target) = spec.resolve(reference) {
                        change_points(spec, target, into, seen);
                    }
                }
            }
            if let Some(v) = version_of(schema, "x-openstack-min-version") {
                into.insert(v);
            }
            if let Some(v) = version_of(schema, "x-openstack-max-version") {
                into.insert(v + 1);
            }
            for (key, child) in map {
                if key != "$ref" {
                    change_points(spec, child, into, seen);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                change_points(spec, item, into, seen);
            }
        }
        _ => {}
    }
}
