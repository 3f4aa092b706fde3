//! The facts codegen needs about each operation, read from the bundled spec: its tag, its
//! microversion range, the microversion ranges of its parameters and body fields, and its actions.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::version::{client_max, Microversion, MIN_VERSION};

pub const MIN_EXTENSION: &str = "x-openstack-min-version";
pub const MAX_EXTENSION: &str = "x-openstack-max-version";
pub const ACTION_RESPONSE_EXTENSION: &str = "x-openstack-action-response";

pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// An inclusive microversion range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionRange {
    pub min: Microversion,
    pub max: Microversion,
}

impl VersionRange {
    /// Every version the client speaks: 3.0 up to `max`, the spec's `info.version`.
    pub fn all(max: Microversion) -> VersionRange {
        VersionRange {
            min: MIN_VERSION,
            max,
        }
    }

    /// [`VersionRange::all`] of the spec `document`.
    pub fn client(document: &Value) -> Result<VersionRange> {
        Ok(Self::all(client_max(document).map_err(|e| anyhow!(e))?))
    }

    /// The range declared by the extensions on `object`, or `all` when it declares none; a
    /// bound outside `all` is an error.
    pub fn of(object: &Value, location: &str, all: VersionRange) -> Result<Self> {
        let read = |key: &str, default: Microversion| -> Result<Microversion> {
            match object.get(key) {
                None => Ok(default),
                Some(Value::String(text)) => Microversion::parse_within(text, all.max)
                    .map_err(|e| anyhow!("{location}: {key}: {e}")),
                Some(other) => bail!("{location}: {key} must be a string \"3.N\", found {other}"),
            }
        };
        let range = VersionRange {
            min: read(MIN_EXTENSION, all.min)?,
            max: read(MAX_EXTENSION, all.max)?,
        };
        if range.min > range.max {
            bail!(
                "{location}: {MIN_EXTENSION} {} is above {MAX_EXTENSION} {}",
                range.min,
                range.max
            );
        }
        Ok(range)
    }
}

/// What an action answers with, from `x-openstack-action-response`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionResponse {
    Empty { status: u16 },
    Body { status: u16, schema: String },
}

#[derive(Clone, Debug)]
pub struct Action {
    /// The single key of the request body, e.g. `os-extend`.
    pub key: String,
    /// The variant's `title`, e.g. `Extend`.
    pub title: String,
    pub description: Option<String>,
    pub versions: VersionRange,
    pub response: ActionResponse,
}

/// A query, path or header parameter, or a request body field, whose range is narrower than
/// its operation's.
#[derive(Clone, Debug)]
pub struct Gate {
    /// `query:with_count`, `body:volume.backup_id`, or `response:volumes.consumes_quota` (a
    /// field of the answer).
    pub name: String,
    pub versions: VersionRange,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub tag: String,
    pub versions: VersionRange,
    /// Every version the client speaks (the spec's `info.version` is the top).
    pub all: VersionRange,
    pub gates: Vec<Gate>,
    pub actions: Vec<Action>,
}

/// Every operation in document order.
pub fn operations(document: &Value) -> Result<Vec<Operation>> {
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("the spec has no paths"))?;
    let all = VersionRange::client(document)?;
    let mut operations = Vec::new();
    for (path, item) in paths {
        let shared_parameters = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let location = format!("{} {path}", method.to_uppercase());
            operations.push(
                read_operation(document, path, method, operation, shared_parameters, all)
                    .with_context(|| location.clone())?,
            );
        }
    }
    Ok(operations)
}

fn read_operation(
    document: &Value,
    path: &str,
    method: &str,
    operation: &Value,
    shared_parameters: Option<&Vec<Value>>,
    all: VersionRange,
) -> Result<Operation> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("has no operationId"))?
        .to_string();
    let tags: Vec<&str> = operation
        .get("tags")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [tag] = tags.as_slice() else {
        bail!("{id} must have exactly one tag, has {tags:?}");
    };
    let versions = VersionRange::of(operation, &id, all)?;

    let mut gates = Vec::new();
    let parameters = shared_parameters.into_iter().flatten().chain(
        operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for parameter in parameters {
        let parameter = resolve(document, parameter)?;
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("?");
        let range = VersionRange::of(parameter, &format!("{id} parameter {name}"), all)?;
        if range != versions && range != all {
            gates.push(Gate {
                name: format!("{location}:{name}"),
                versions: range,
            });
        }
    }

    let mut actions = Vec::new();
    if let Some(schema) = operation.pointer("/requestBody/content/application~1json/schema") {
        let schema = resolve(document, schema)?;
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            for variant in variants {
                let variant = resolve(document, variant)?;
                let action = read_action(document, &id, variant, all)?;
                // The action's own range is its `action:<key>` gate; inside it, fields with a
                // narrower one are `body:<key>.<field>` gates.
                if let Some(body) = variant.pointer(&format!("/properties/{}", action.key)) {
                    let body = resolve(document, body)?;
                    collect_body_gates(document, body, &action.key, &id, all, &mut gates, 0)?;
                }
                actions.push(action);
            }
        } else {
            collect_body_gates(document, schema, "", &id, all, &mut gates, 0)?;
        }
    }

    // Fields of the answer that only some versions send, so that a client can tell which
    // columns a version shows: `response:<dotted.path>` (arrays add no step to the path).
    let success = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(status, _)| status.starts_with('2'));
    if let Some((_, response)) = success {
        let response = resolve(document, response)?;
        if let Some(schema) = response.pointer("/content/application~1json/schema") {
            let schema = resolve(document, schema)?;
            let mut fields = Vec::new();
            collect_body_gates(document, schema, "", &id, all, &mut fields, 0)?;
            gates.extend(fields.into_iter().map(|gate| Gate {
                name: gate.name.replacen("body:", "response:", 1),
                versions: gate.versions,
            }));
        }
    }

    Ok(Operation {
        id,
        method: method.to_string(),
        path: path.to_string(),
        tag: tag.to_string(),
        versions,
        all,
        gates,
        actions,
    })
}

fn read_action(
    document: &Value,
    operation_id: &str,
    variant: &Value,
    all: VersionRange,
) -> Result<Action> {
    let required: Vec<&str> = variant
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [key] = required.as_slice() else {
        bail!(
            "{operation_id}: every action variant must require exactly one key, found {required:?}"
        );
    };
    let location = format!("{operation_id} action {key}");
    if variant.get("additionalProperties") != Some(&Value::Bool(false)) {
        bail!("{location}: the variant must set additionalProperties: false");
    }
    let title = variant
        .get("title")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("{location}: the variant has no title"))?
        .to_string();
    let response = match variant.get(ACTION_RESPONSE_EXTENSION) {
        Some(Value::Number(status)) => ActionResponse::Empty {
            status: status_code(status.as_u64(), &location)?,
        },
        Some(Value::Object(map)) => {
            let status = status_code(map.get("status").and_then(Value::as_u64), &location)?;
            let reference = map
                .get("schema")
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    anyhow!("{location}: {ACTION_RESPONSE_EXTENSION}.schema must be a $ref")
                })?;
            let schema = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| anyhow!("{location}: {reference} is not a schema"))?
                .to_string();
            resolve(document, &map["schema"])?;
            ActionResponse::Body { status, schema }
        }
        _ => bail!(
            "{location}: {ACTION_RESPONSE_EXTENSION} must be a status code or {{status, schema}}"
        ),
    };
    Ok(Action {
        key: key.to_string(),
        title,
        description: variant
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        versions: VersionRange::of(variant, &location, all)?,
        response,
    })
}

fn status_code(status: Option<u64>, location: &str) -> Result<u16> {
    match status {
        Some(code @ 200..=299) => Ok(code as u16),
        _ => bail!("{location}: the action response status must be a 2xx code"),
    }
}

/// Records the body fields that carry their own microversion range, as dotted paths.
fn collect_body_gates(
    document: &Value,
    schema: &Value,
    prefix: &str,
    operation_id: &str,
    all: VersionRange,
    gates: &mut Vec<Gate>,
    depth: usize,
) -> Result<()> {
    if depth > 8 {
        return Ok(());
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let part = resolve(document, part)?;
        collect_body_gates(document, part, prefix, operation_id, all, gates, depth + 1)?;
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, property) in properties {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let range = VersionRange::of(property, &format!("{operation_id} body field {path}"), all)?;
        if range != all {
            gates.push(Gate {
                name: format!("body:{path}"),
                versions: range,
            });
        }
        let property = resolve(document, property)?;
        collect_body_gates(
            document,
            property,
            &path,
            operation_id,
            all,
            gates,
            depth + 1,
        )?;
        if let Some(items) = property.get("items") {
            let items = resolve(document, items)?;
            collect_body_gates(document, items, &path, operation_id, all, gates, depth + 1)?;
        }
    }
    Ok(())
}

/// Follows a local `$ref` (the bundled document has no other kind).
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> Result<&'a Value> {
    let mut current = value;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok(current);
        };
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| anyhow!("{reference} is not a local reference"))?;
        current = document
            .pointer(pointer)
            .ok_or_else(|| anyhow!("{reference} points at nothing"))?;
    }
    bail!("reference chain too long at {value}")
}
