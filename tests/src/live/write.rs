//! The `--write` round: each resource the spec can create (a tag's `x-openstack-resource`
//! naming `create`, `show` and `delete`) is created, waited for, given metadata, updated, and
//! deleted at the end, each answer checked like the reads. Bodies are made from the request
//! schemas: the required fields, `name` (unique, so the round's resources are known as its
//! own), and a number with a `minimum` (a size) at that minimum; an `<x>_id` field takes the ID
//! of the round's resource `<x>`, so resources are created in the order their references need.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::conformance::{check, Row};
use super::ops::Op;
use super::send::Target;
use crate::schema::Spec;

/// How long a resource may take to settle or to go away.
const PATIENCE: Duration = Duration::from_secs(180);

/// A resource the round created.
pub struct Created {
    pub name: String,
    pub id: String,
    /// The `{parameter}` of its show path (`volume_id`).
    pub parameter: String,
    show: Op,
    delete: Op,
    status_field: Option<String>,
}

struct Resource {
    name: String,
    annotation: &'static Value,
}

fn resources(spec: &'static Spec) -> Vec<Resource> {
    spec.document
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("x-openstack-resource"))
        .filter_map(|annotation| {
            let name = annotation.get("name")?.as_str()?.to_string();
            Some(Resource { name, annotation })
        })
        .collect()
}

fn op_named<'a>(ops: &'a [Op], annotation: &Value, pointer: &str) -> Option<&'a Op> {
    let id = annotation.pointer(pointer)?.as_str()?;
    ops.iter().find(|op| op.id == id)
}

/// Creates every resource it can; returns them (in creation order) with their rows.
pub async fn create_all(
    spec: &'static Spec,
    target: &Target,
    ops: &[Op],
    rows: &mut Vec<Row>,
) -> Vec<Created> {
    let version = target.common_max();
    let mut pending = resources(spec);
    let mut created: Vec<Created> = Vec::new();
    loop {
        let before = pending.len();
        let mut waiting = Vec::new();
        for resource in pending {
            let annotation = resource.annotation;
            let (Some(create), Some(show), Some(delete)) = (
                op_named(ops, annotation, "/create"),
                op_named(ops, annotation, "/show"),
                op_named(ops, annotation, "/delete"),
            ) else {
                continue;
            };
            let ids: BTreeMap<&str, &str> = created
                .iter()
                .map(|c| (c.name.as_str(), c.id.as_str()))
                .collect();
            let Some(body) = request_body(spec, create, &ids) else {
                waiting.push(resource);
                continue;
            };
            let (row, answer) =
                check(spec, target, create, version, create.path, Some(&body)).await;
            rows.push(row);
            let Some(id) = answer.and_then(|a| a.json()).and_then(|b| {
                b.as_object()?
                    .values()
                    .next()?
                    .get("id")?
                    .as_str()
                    .map(String::from)
            }) else {
                continue;
            };
            let Some(parameter) = show.path_parameters().last().map(|p| p.to_string()) else {
                continue;
            };
            let status_field = annotation
                .get("status")
                .and_then(Value::as_str)
                .map(String::from);
            let resource = Created {
                name: resource.name,
                id,
                parameter,
                show: show.clone(),
                delete: delete.clone(),
                status_field,
            };
            settle(target, &resource).await;
            decorate(spec, target, ops, annotation, &resource, rows).await;
            created.push(resource);
        }
        if waiting.is_empty() || waiting.len() == before {
            break;
        }
        pending = waiting;
    }
    created
}

/// Sets metadata and updates the name of a created resource, when the spec says how.
async fn decorate(
    spec: &'static Spec,
    target: &Target,
    ops: &[Op],
    annotation: &Value,
    resource: &Created,
    rows: &mut Vec<Row>,
) {
    let version = target.common_max();
    let ids = BTreeMap::from([(resource.name.as_str(), resource.id.as_str())]);
    for pointer in ["/metadata/set", "/update"] {
        let Some(op) = op_named(ops, annotation, pointer) else {
            continue;
        };
        let Some(body) = request_body(spec, op, &ids) else {
            continue;
        };
        let path = op
            .path
            .replace(&format!("{{{}}}", resource.parameter), &resource.id);
        let (row, _) = check(spec, target, op, version, &path, Some(&body)).await;
        rows.push(row);
    }
}

/// Deletes what the round created, newest first, each gone before the next.
pub async fn delete_all(
    spec: &'static Spec,
    target: &Target,
    created: Vec<Created>,
    rows: &mut Vec<Row>,
) {
    let version = target.common_max();
    for resource in created.into_iter().rev() {
        let path = resource
            .delete
            .path
            .replace(&format!("{{{}}}", resource.parameter), &resource.id);
        let (row, _) = check(spec, target, &resource.delete, version, &path, None).await;
        rows.push(row);
        let show = show_path(&resource);
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            match target.send(&resource.show, version, &show, None).await {
                Ok(answer) if answer.status == 404 => break,
                _ => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    }
}

fn show_path(resource: &Created) -> String {
    resource
        .show
        .path
        .replace(&format!("{{{}}}", resource.parameter), &resource.id)
}

/// Waits until the resource's status no longer says it is busy (`creating`, ...).
async fn settle(target: &Target, resource: &Created) {
    let Some(field) = &resource.status_field else {
        return;
    };
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        let status = target
            .send(
                &resource.show,
                target.common_max(),
                &show_path(resource),
                None,
            )
            .await
            .ok()
            .and_then(|a| a.json())
            .and_then(|b| {
                b.as_object()?
                    .values()
                    .next()?
                    .get(field)?
                    .as_str()
                    .map(String::from)
            });
        match status {
            Some(status) if !status.ends_with("ing") => return,
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

/// A request body for `op`, or `None` when a required field cannot be filled (yet).
pub fn request_body(spec: &Spec, op: &Op, ids: &BTreeMap<&str, &str>) -> Option<Value> {
    let schema = op
        .object
        .pointer("/requestBody/content/application~1json/schema")?;
    synthesize(spec, schema, "", ids, 0)
}

fn synthesize(
    spec: &Spec,
    schema: &Value,
    field: &str,
    ids: &BTreeMap<&str, &str>,
    depth: usize,
) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return synthesize(spec, spec.resolve(reference).ok()?, field, ids, depth + 1);
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match synthesize(spec, part, field, ids, depth + 1)? {
                Value::Object(fields) => merged.extend(fields),
                other if parts.len() == 1 => return Some(other),
                _ => return None,
            }
        }
        return Some(Value::Object(merged));
    }
    if let Some(value) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(value.clone());
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = Map::new();
            for (name, property) in schema.get("properties")?.as_object()? {
                let wanted = required.contains(&name.as_str())
                    || name == "name"
                    || property.get("minimum").is_some_and(Value::is_number);
                if !wanted {
                    continue;
                }
                match synthesize(spec, property, name, ids, depth + 1) {
                    Some(value) => {
                        object.insert(name.clone(), value);
                    }
                    None if required.contains(&name.as_str()) => return None,
                    None => {}
                }
            }
            Some(Value::Object(object))
        }
        Some("object") => match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) => Some(
                json!({ "conformance": synthesize(spec, values, "conformance", ids, depth + 1)? }),
            ),
            _ => Some(json!({})),
        },
        Some("string") => match field.strip_suffix("_id") {
            Some(resource) => ids.get(resource).map(|id| json!(id)),
            None if field == "name" => Some(json!(crate::cloud::unique_name("conformance"))),
            None => Some(json!("conformance")),
        },
        Some("integer") | Some("number") => {
            Some(schema.get("minimum").cloned().unwrap_or(json!(1)))
        }
        Some("boolean") => Some(json!(false)),
        Some("array") => Some(json!([])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> &'static Spec {
        crate::schema::spec()
    }

    fn op(id: &str) -> Op {
        super::super::ops::operations(spec(), 71)
            .into_iter()
            .find(|op| op.id == id)
            .unwrap()
    }

    #[test]
    fn bodies_from_the_request_schemas() {
        let none = BTreeMap::new();
        let volume = request_body(spec(), &op("create_volume"), &none).unwrap();
        assert_eq!(volume["volume"]["size"], json!(1), "{volume}");
        assert!(volume["volume"]["name"]
            .as_str()
            .unwrap()
            .starts_with("conformance-"));
        // A snapshot needs the round's volume first.
        assert_eq!(request_body(spec(), &op("create_snapshot"), &none), None);
        let ids = BTreeMap::from([("volume", "v-1")]);
        let snapshot = request_body(spec(), &op("create_snapshot"), &ids).unwrap();
        assert_eq!(
            snapshot["snapshot"]["volume_id"],
            json!("v-1"),
            "{snapshot}"
        );
        let metadata = request_body(spec(), &op("create_volume_metadata"), &none).unwrap();
        assert_eq!(
            metadata,
            json!({"metadata": {"conformance": "conformance"}})
        );
    }
}
