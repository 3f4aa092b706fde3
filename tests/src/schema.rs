//! A strict validator of JSON values against the schemas of the bundled spec, for the subset of
//! OpenAPI 3.0 the spec uses.
//!
//! Strictness: an object schema without `additionalProperties` is CLOSED (a field the spec does
//! not declare is an error), although the spec leaves it open for the generated client. Fields
//! declared by any `allOf` part (and by the object around a `oneOf`/`anyOf`) count as declared.
//! With a microversion given, a property whose `x-openstack-min-version` is above it (or
//! `x-openstack-max-version` below it) must be absent. `format` and `pattern` are ignored.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

use crate::cloud::workspace_root;

/// The bundled spec document.
pub struct Spec {
    pub document: Value,
}

/// The spec of this workspace (`spec/openapi.yaml`), bundled once per process.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let entry = workspace_root().join("spec/openapi.yaml");
        let bundle = cinder_codegen::bundle::bundle(&entry)
            .unwrap_or_else(|e| panic!("cannot bundle {}: {e:#}", entry.display()));
        Spec::new(bundle.document)
    })
}

/// What a response body must be.
#[derive(Clone, Debug, PartialEq)]
pub enum Expected {
    /// No body at all (202/204 without content).
    Empty,
    /// A JSON body matching this schema (often `{"$ref": "#/components/schemas/X"}`).
    Json(Value),
    /// A body that is not JSON but text (a `text/*` media type), possibly empty.
    Text,
}

/// Whether a response declares a `text/*` media type (an answer that is not JSON).
fn declares_text(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|content| content.keys().any(|media| media.starts_with("text/")))
}

/// Parses `"3.N"` into N.
pub fn minor(text: &str) -> Option<u16> {
    text.strip_prefix("3.")?.parse().ok()
}

impl Spec {
    pub fn new(document: Value) -> Spec {
        Spec { document }
    }

    /// `{"$ref": "#/components/schemas/<name>"}`; panics if the schema does not exist.
    pub fn schema_ref(&self, name: &str) -> Value {
        assert!(
            self.document
                .pointer(&format!("/components/schemas/{name}"))
                .is_some(),
            "the spec has no schema {name}"
        );
        serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// Resolves a local `$ref` (`#/components/...`).
    pub fn resolve<'a>(&'a self, reference: &str) -> Result<&'a Value, String> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("non-local $ref {reference}"))?;
        self.document
            .pointer(pointer)
            .ok_or_else(|| format!("unresolvable $ref {reference}"))
    }

    /// Follows `$ref`s until a schema without one.
    pub fn deref<'a>(&'a self, mut schema: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..32 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(reference) => schema = self.resolve(reference)?,
                None => return Ok(schema),
            }
        }
        Err("$ref loop".into())
    }

    /// Validates `value` against `schema` (any microversion). Errors carry the JSON path.
    pub fn validate(&self, schema: &Value, value: &Value) -> Result<(), Vec<String>> {
        self.validate_at(schema, value, None)
    }

    /// Validates `value` against `schema` as seen at microversion `3.version` (when given).
    pub fn validate_at(
        &self,
        schema: &Value,
        value: &Value,
        version: Option<u16>,
    ) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        let ctx = Ctx {
            spec: self,
            version,
        };
        ctx.check(schema, value, "$", &BTreeSet::new(), &mut errors);
        // allOf parts each report a field none of them declares; say it once.
        let mut seen = BTreeSet::new();
        errors.retain(|e| seen.insert(e.clone()));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Validates against the named component schema.
    pub fn validate_named(&self, name: &str, value: &Value) -> Result<(), Vec<String>> {
        self.validate(&self.schema_ref(name), value)
    }

    /// The operation object with this `operationId`, with its path and method.
    pub fn operation(&self, operation_id: &str) -> Option<(&str, &str, &Value)> {
        let paths = self.document.get("paths")?.as_object()?;
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "patch"] {
                if let Some(op) = item.get(method) {
                    if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                        return Some((path, method, op));
                    }
                }
            }
        }
        None
    }

    /// The JSON request-body schema of the operation, or of one action variant (`action_key`)
    /// of an action endpoint (the variant is the whole single-key body).
    pub fn request_schema(
        &self,
        operation_id: &str,
        action_key: Option<&str>,
    ) -> Result<Value, String> {
        let (_, _, op) = self
            .operation(operation_id)
            .ok_or_else(|| format!("the spec has no operation {operation_id}"))?;
        let schema = op
            .pointer("/requestBody/content/application~1json/schema")
            .ok_or_else(|| format!("{operation_id} has no JSON request body"))?;
        match action_key {
            None => Ok(schema.clone()),
            Some(key) => self
                .action_variant(schema, key)
                .cloned()
                .ok_or_else(|| format!("{operation_id} has no action {key}")),
        }
    }

    fn action_variant<'a>(&'a self, schema: &'a Value, key: &str) -> Option<&'a Value> {
        let schema = self.deref(schema).ok()?;
        schema
            .get("oneOf")?
            .as_array()?
            .iter()
            .find(|variant| variant.pointer(&format!("/properties/{key}")).is_some())
    }

    /// What the body of a `status` response of `operation_id` must be. For action endpoints the
    /// variant is chosen by the request body's single key and its `x-openstack-action-response`
    /// decides (including the status). Errors (4xx/5xx) use the declared fault response.
    pub fn response_schema(
        &self,
        operation_id: &str,
        status: u16,
        request_body: Option<&[u8]>,
    ) -> Result<Expected, String> {
        let (_, _, op) = self
            .operation(operation_id)
            .ok_or_else(|| format!("the spec has no operation {operation_id}"))?;
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{operation_id} has no responses"))?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let (key, response) = responses
            .get_key_value(&exact)
            .or_else(|| responses.get_key_value(&range))
            .ok_or_else(|| {
                format!(
                    "{operation_id}: status {status} is not declared (declared: {:?})",
                    responses.keys().collect::<Vec<_>>()
                )
            })?;
        let response = self.deref(response)?;
        if key == "2XX" {
            // An action endpoint: the variant decides.
            let body: Value = request_body
                .and_then(|b| serde_json::from_slice(b).ok())
                .ok_or_else(|| {
                    format!("{operation_id}: no JSON request body to pick the action")
                })?;
            let object = body
                .as_object()
                .filter(|o| o.len() == 1)
                .ok_or_else(|| format!("{operation_id}: the request body has not one key"))?;
            let action = object.keys().next().expect("one key");
            let request = op
                .pointer("/requestBody/content/application~1json/schema")
                .ok_or_else(|| format!("{operation_id} has no request body"))?;
            let variant = self
                .action_variant(request, action)
                .ok_or_else(|| format!("{operation_id}: the spec has no action {action}"))?;
            let declared = variant.get("x-openstack-action-response").ok_or_else(|| {
                format!("{operation_id} {action}: no x-openstack-action-response")
            })?;
            let (declared_status, expected) = match declared {
                Value::Number(n) => (n.as_u64().unwrap_or(0), Expected::Empty),
                Value::Object(o) => (
                    o.get("status").and_then(Value::as_u64).unwrap_or(0),
                    match o.get("schema") {
                        Some(schema) => Expected::Json(schema.clone()),
                        None => Expected::Empty,
                    },
                ),
                other => {
                    return Err(format!(
                        "{operation_id} {action}: bad action response {other}"
                    ))
                }
            };
            if declared_status != u64::from(status) {
                return Err(format!(
                    "{operation_id} {action}: answered {status}, the spec declares {declared_status}"
                ));
            }
            return Ok(expected);
        }
        match response
            .pointer("/content/application~1json/schema")
            .or_else(|| response.pointer("/content/application~1octet-stream/schema"))
        {
            Some(schema) => Ok(Expected::Json(schema.clone())),
            None if declares_text(response) => Ok(Expected::Text),
            None => Ok(Expected::Empty),
        }
    }

    /// The success status and body of an operation (or of one of its actions).
    pub fn success_response(
        &self,
        operation_id: &str,
        action_key: Option<&str>,
    ) -> Result<(u16, Expected), String> {
        let (_, _, op) = self
            .operation(operation_id)
            .ok_or_else(|| format!("the spec has no operation {operation_id}"))?;
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{operation_id} has no responses"))?;
        let key = responses
            .keys()
            .find(|k| k.starts_with('2') || k.starts_with('3'))
            .ok_or_else(|| format!("{operation_id} has no success response"))?;
        if key == "2XX" {
            let action = action_key
                .ok_or_else(|| format!("{operation_id} is an action endpoint: name the action"))?;
            let request = op
                .pointer("/requestBody/content/application~1json/schema")
                .ok_or_else(|| format!("{operation_id} has no request body"))?;
            let variant = self
                .action_variant(request, action)
                .ok_or_else(|| format!("{operation_id}: the spec has no action {action}"))?;
            let status = match variant.get("x-openstack-action-response") {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::Object(o)) => o.get("status").and_then(Value::as_u64),
                _ => None,
            }
            .ok_or_else(|| format!("{operation_id} {action}: no x-openstack-action-response"))?;
            let status = status as u16;
            let body = serde_json::json!({ action: {} }).to_string();
            return Ok((
                status,
                self.response_schema(operation_id, status, Some(body.as_bytes()))?,
            ));
        }
        let status: u16 = key
            .parse()
            .map_err(|_| format!("{operation_id}: odd status {key}"))?;
        Ok((status, self.response_schema(operation_id, status, None)?))
    }

    /// Checks one whole response: status declared, body empty or valid JSON per schema.
    pub fn check_response(
        &self,
        operation_id: &str,
        status: u16,
        request_body: Option<&[u8]>,
        body: &[u8],
        version: Option<u16>,
    ) -> Result<(), Vec<String>> {
        match self.response_schema(operation_id, status, request_body) {
            Err(e) => Err(vec![e]),
            Ok(Expected::Empty) => {
                if body.iter().all(u8::is_ascii_whitespace) {
                    Ok(())
                } else {
                    Err(vec![format!(
                        "expected an empty body, got {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )])
                }
            }
            Ok(Expected::Text) => std::str::from_utf8(body).map(drop).map_err(|e| {
                vec![format!(
                    "expected a text body, got bytes that are not UTF-8 ({e})"
                )]
            }),
            Ok(Expected::Json(schema)) => {
                let value: Value = serde_json::from_slice(body).map_err(|e| {
                    vec![format!(
                        "the body is not JSON ({e}): {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )]
                })?;
                self.validate_at(&schema, &value, version)
            }
        }
    }
}

struct Ctx<'a> {
    spec: &'a Spec,
    version: Option<u16>,
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn child(path: &str, key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':')
    {
        format!("{path}.{key}")
    } else {
        format!("{path}[{key:?}]")
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 120 {
        format!(
            "{}...",
            &text[..text.char_indices().nth(117).map_or(text.len(), |c| c.0)]
        )
    } else {
        text
    }
}

impl Ctx<'_> {
    /// Names of properties declared by `schema`, its `allOf` parts (recursively) and its `$ref`.
    fn declared(&self, schema: &Value, into: &mut BTreeSet<String>, depth: usize) {
        if depth > 16 {
            return;
        }
        let Ok(schema) = self.spec.deref(schema) else {
            return;
        };
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            into.extend(props.keys().cloned());
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.declared(part, into, depth + 1);
            }
        }
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
        outside: &BTreeSet<String>,
        errors: &mut Vec<String>,
    ) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match self.spec.resolve(reference) {
                Ok(target) => self.check(target, value, path, outside, errors),
                Err(e) => errors.push(format!("{path}: {e}")),
            }
            return;
        }
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        let mut declared = outside.clone();
        self.declared(schema, &mut declared, 0);

        if let Some(expected) = schema.get("type").and_then(Value::as_str) {
            let actual = type_name(value);
            let ok = actual == expected || (expected == "number" && actual == "integer");
            if !ok {
                errors.push(format!("{path}: expected {expected}, got {}", short(value)));
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!(
                    "{path}: {} is not one of {}",
                    short(value),
                    short(&Value::Array(allowed.clone()))
                ));
            }
        }
        self.check_bounds(schema, value, path, errors);

        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.check(part, value, path, &declared, errors);
            }
        }
        if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
            let results = self.alternatives(alternatives, value, path, &declared);
            let matched: Vec<usize> = (0..results.len())
                .filter(|&i| results[i].is_empty())
                .collect();
            match matched.len() {
                1 => {}
                0 => errors.push(format!(
                    "{path}: matches none of the oneOf alternatives: {}",
                    describe_failures(alternatives, &results)
                )),
                n => errors.push(format!(
                    "{path}: matches {n} oneOf alternatives ({}), exactly one must",
                    matched
                        .iter()
                        .map(|&i| title(&alternatives[i], i))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        if let Some(alternatives) = schema.get("anyOf").and_then(Value::as_array) {
            let results = self.alternatives(alternatives, value, path, &declared);
            if !results.iter().any(Vec::is_empty) {
                errors.push(format!(
                    "{path}: matches none of the anyOf alternatives: {}",
                    describe_failures(alternatives, &results)
                ));
            }
        }

        match value {
            Value::Object(object) if is_object_schema(schema) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                if let Some(required) = schema.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !object.contains_key(name) {
                            errors.push(format!("{path}: missing required field `{name}`"));
                        }
                    }
                }
                let additional = schema.get("additionalProperties");
                for (key, field) in object {
                    let field_path = child(path, key);
                    if let Some(property) = properties.and_then(|p| p.get(key)) {
                        self.check_versions(property, &field_path, errors);
                        self.check(property, field, &field_path, &BTreeSet::new(), errors);
                        continue;
                    }
                    if declared.contains(key) {
                        continue; // an allOf sibling (or the enclosing object) checks it
                    }
                    match additional {
                        Some(Value::Bool(true)) => {}
                        Some(extra @ Value::Object(map)) if !map.is_empty() => {
                            self.check(extra, field, &field_path, &BTreeSet::new(), errors)
                        }
                        Some(Value::Object(_)) => {} // `{}`: anything
                        _ => errors.push(format!(
                            "{field_path}: field not declared by the spec (value {})",
                            short(field)
                        )),
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(
                            item_schema,
                            item,
                            &format!("{path}[{i}]"),
                            &BTreeSet::new(),
                            errors,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn alternatives(
        &self,
        alternatives: &[Value],
        value: &Value,
        path: &str,
        declared: &BTreeSet<String>,
    ) -> Vec<Vec<String>> {
        alternatives
            .iter()
            .map(|alternative| {
                let mut errs = Vec::new();
                self.check(alternative, value, path, declared, &mut errs);
                errs
            })
            .collect()
    }

    fn check_versions(&self, property: &Value, path: &str, errors: &mut Vec<String>) {
        let Some(version) = self.version else { return };
        let get = |key: &str| property.get(key).and_then(Value::as_str).and_then(minor);
        if let Some(min) = get("x-openstack-min-version") {
            if version < min {
                errors.push(format!(
                    "{path}: present at 3.{version}, the spec adds it in 3.{min}"
                ));
            }
        }
        if let Some(max) = get("x-openstack-max-version") {
            if version > max {
                errors.push(format!(
                    "{path}: present at 3.{version}, the spec removes it after 3.{max}"
                ));
            }
        }
    }

    fn check_bounds(&self, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        if let Some(n) = value.as_f64() {
            if let Some(min) = bound("minimum") {
                if n < min {
                    errors.push(format!("{path}: {n} is below the minimum {min}"));
                }
            }
            if let Some(max) = bound("maximum") {
                if n > max {
                    errors.push(format!("{path}: {n} is above the maximum {max}"));
                }
            }
        }
        if let Some(s) = value.as_str() {
            let len = s.chars().count() as f64;
            if let Some(min) = bound("minLength") {
                if len < min {
                    errors.push(format!("{path}: {s:?} is shorter than {min}"));
                }
            }
            if let Some(max) = bound("maxLength") {
                if len > max {
                    errors.push(format!("{path}: {s:?} is longer than {max}"));
                }
            }
        }
        if let Some(items) = value.as_array() {
            let len = items.len() as f64;
            if bound("minItems").is_some_and(|min| len < min) {
                errors.push(format!("{path}: fewer than minItems items"));
            }
            if bound("maxItems").is_some_and(|max| len > max) {
                errors.push(format!("{path}: more than maxItems items"));
            }
        }
        if let Some(object) = value.as_object() {
            let len = object.len() as f64;
            if bound("minProperties").is_some_and(|min| len < min) {
                errors.push(format!("{path}: fewer than minProperties fields"));
            }
            if bound("maxProperties").is_some_and(|max| len > max) {
                errors.push(format!("{path}: more than maxProperties fields"));
            }
        }
    }
}

/// A schema that describes an object's own fields (so closedness is checked at this node).
fn is_object_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
        || schema.get("required").is_some()
}

fn title(schema: &Value, index: usize) -> String {
    schema
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            schema
                .get("$ref")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("#{index}"))
}

fn describe_failures(alternatives: &[Value], results: &[Vec<String>]) -> String {
    alternatives
        .iter()
        .zip(results)
        .enumerate()
        .map(|(i, (alt, errs))| format!("[{}: {}]", title(alt, i), errs.join("; ")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Spec {
        Spec::new(json!({
            "components": { "schemas": {
                "Attachment": {
                    "type": "object",
                    "required": ["server_id"],
                    "properties": {
                        "server_id": {"type": "string"},
                        "device": {"type": "string", "nullable": true}
                    }
                },
                "Volume": {
                    "type": "object",
                    "required": ["id", "size"],
                    "properties": {
                        "id": {"type": "string", "minLength": 1, "maxLength": 36},
                        "size": {"type": "integer", "minimum": 1, "maximum": 10},
                        "status": {"type": "string", "enum": ["available", "error"]},
                        "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
                        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                        "free": {"type": "object", "additionalProperties": true},
                        "closed": {"type": "object", "additionalProperties": false},
                        "ratio": {"type": "number"},
                        "flag": {"type": "boolean"},
                        "group_id": {"type": "string", "nullable": true, "x-openstack-min-version": "3.13"},
                        "wrapped": {"allOf": [{"$ref": "#/components/schemas/Attachment"}], "nullable": true}
                    }
                },
                "Wrapper": {
                    "type": "object",
                    "required": ["volume"],
                    "properties": {"volume": {"$ref": "#/components/schemas/Volume"}}
                },
                "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Extended": {"allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "properties": {"b": {"type": "integer"}}}
                ]},
                "Either": {"oneOf": [
                    {"title": "S", "type": "object", "required": ["s"], "properties": {"s": {"type": "string"}}},
                    {"title": "T", "type": "object", "required": ["t"], "properties": {"t": {"type": "string"}}}
                ]},
                "Loose": {"oneOf": [{"type": "string"}, {"type": "string", "maxLength": 3}]},
                "Any": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
            }}
        }))
    }

    fn errors(name: &str, value: Value) -> Vec<String> {
        doc().validate_named(name, &value).err().unwrap_or_default()
    }

    #[test]
    fn accepts_a_conforming_value() {
        let value = json!({"volume": {
            "id": "abc", "size": 3, "status": "available", "ratio": 1, "flag": true,
            "attachments": [{"server_id": "s", "device": null}],
            "metadata": {"k": "v"}, "free": {"anything": [1]}, "closed": {},
            "group_id": null, "wrapped": null
        }});
        assert_eq!(errors("Wrapper", value), Vec::<String>::new());
    }

    #[test]
    fn an_undeclared_field_fails() {
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "surprise": 1}}),
        );
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("$.volume.surprise: field not declared"),
            "{errs:?}"
        );
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "closed": {"x": 1}}}),
        );
        assert!(
            errs[0].starts_with("$.volume.closed.x: field not declared"),
            "{errs:?}"
        );
    }

    #[test]
    fn errors_carry_the_json_path() {
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "attachments": [{"server_id": "s"}, {"server_id": 5}]}}),
        );
        assert_eq!(
            errs,
            vec!["$.volume.attachments[1].server_id: expected string, got 5"]
        );
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "metadata": {"k": 1}}}),
        );
        assert_eq!(errs, vec!["$.volume.metadata.k: expected string, got 1"]);
    }

    #[test]
    fn types_nullable_required_enum_and_bounds() {
        let errs = errors("Wrapper", json!({"volume": {"id": null, "size": 1.5}}));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errors("Wrapper", json!({}))
            .iter()
            .any(|e| e.contains("missing required field `volume`")));
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "", "size": 11, "status": "gone"}}),
        );
        assert_eq!(errs.len(), 3, "{errs:?}");
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 0, "flag": "yes", "ratio": "1"}}),
        );
        assert_eq!(errs.len(), 3, "{errs:?}");
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "attachments": [{"device": null}]}}),
        );
        assert_eq!(
            errs,
            vec!["$.volume.attachments[0]: missing required field `server_id`"]
        );
        // allOf-wrapped reference: nullable outside, closed inside.
        let errs = errors(
            "Wrapper",
            json!({"volume": {"id": "a", "size": 1, "wrapped": {"server_id": "s", "x": 1}}}),
        );
        assert_eq!(
            errs,
            vec!["$.volume.wrapped.x: field not declared by the spec (value 1)"]
        );
    }

    #[test]
    fn all_of_parts_declare_fields_together() {
        assert!(errors("Extended", json!({"a": "x", "b": 1})).is_empty());
        let errs = errors("Extended", json!({"a": "x", "b": "no", "c": 1}));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs.iter()
                .any(|e| e.starts_with("$.c: field not declared")),
            "{errs:?}"
        );
    }

    #[test]
    fn one_of_needs_exactly_one_and_any_of_at_least_one() {
        assert!(errors("Either", json!({"s": "x"})).is_empty());
        assert!(!errors("Either", json!({"s": "x", "t": "y"})).is_empty());
        assert!(!errors("Either", json!({"u": "x"})).is_empty());
        let errs = errors("Loose", json!("ab"));
        assert!(errs[0].contains("matches 2 oneOf alternatives"), "{errs:?}");
        assert!(errors("Loose", json!("abcdef")).is_empty());
        assert!(errors("Any", json!(3)).is_empty());
        assert!(!errors("Any", json!(true)).is_empty());
    }

    #[test]
    fn microversion_gated_fields() {
        let spec = doc();
        let value = json!({"volume": {"id": "a", "size": 1, "group_id": null}});
        let schema = spec.schema_ref("Wrapper");
        assert!(spec.validate_at(&schema, &value, Some(13)).is_ok());
        let errs = spec.validate_at(&schema, &value, Some(0)).unwrap_err();
        assert!(
            errs[0].starts_with("$.volume.group_id: present at 3.0"),
            "{errs:?}"
        );
    }

    #[test]
    fn the_real_spec_bundles_and_answers_response_schemas() {
        let spec = spec();
        assert!(matches!(
            spec.response_schema("show_volume", 200, None),
            Ok(Expected::Json(_))
        ));
        assert_eq!(
            spec.response_schema("delete_volume", 202, None),
            Ok(Expected::Empty)
        );
        let fault = spec.response_schema("show_volume", 404, None).unwrap();
        let body = json!({"itemNotFound": {"message": "no", "code": 404}});
        match fault {
            Expected::Json(schema) => spec.validate(&schema, &body).unwrap(),
            other => panic!("faults have JSON bodies, not {other:?}"),
        }
        assert_eq!(
            spec.response_schema("show_volume_encryption_metadata_item", 200, None),
            Ok(Expected::Text)
        );
        let extend = br#"{"os-extend": {"new_size": 2}}"#;
        assert_eq!(
            spec.response_schema("volume_action", 202, Some(extend)),
            Ok(Expected::Empty)
        );
        assert!(spec
            .response_schema("volume_action", 200, Some(extend))
            .is_err());
        let show = br#"{"os-show_image_metadata": {}}"#;
        assert!(matches!(
            spec.response_schema("volume_action", 200, Some(show)),
            Ok(Expected::Json(_))
        ));
        assert!(spec
            .check_response("delete_volume", 202, None, b"x", None)
            .is_err());
        assert!(spec.response_schema("show_volume", 201, None).is_err());
    }
}

#[cfg(test)]
mod real_spec_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_real_spec_is_strict() {
        let spec = spec();
        let (_, expected) = spec.success_response("show_volume", None).unwrap();
        let Expected::Json(schema) = expected else {
            panic!()
        };
        let errs = spec
            .validate(&schema, &json!({"volume": {"bogus": 1}}))
            .unwrap_err();
        eprintln!("{errs:#?}");
        assert!(
            errs.iter()
                .any(|e| e.starts_with("$.volume.bogus: field not declared")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("missing required field `id`")),
            "{errs:?}"
        );
    }
}
