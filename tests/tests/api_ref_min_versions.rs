//! A spec quality gate: every field the api-ref gives a `min_version` (its `parameters.yaml`,
//! used by a `rest_method` of its `.inc` files) is in the spec with that microversion, as an
//! `x-openstack-min-version` on the field, on an object holding it, or on its operation. Where
//! the api-ref is wrong about Cinder, [`DEPARTURES`] says so with the evidence. Offline: reads
//! the api-ref sources beside the repository and the bundled spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cinder_tests::cloud::workspace_root;
use cinder_tests::schema::{minor, spec, Spec};
use serde_json::Value;

/// `<file>: <METHOD> <api-ref path> <field>` the api-ref annotates and the spec, knowingly,
/// does not (or not at that version), and why.
const DEPARTURES: &[(&str, &str)] = &[
    (
        "os-services.inc: PUT /v3/{project_id}/os-services/failover_host cluster",
        "The api-ref says 3.7; Cinder takes `cluster` from 3.26 (cinder/api/contrib/services.py \
         _failover: `if req_version.matches(mv.REPLICATION_CLUSTER)`).",
    ),
    (
        "volumes-v3-volumes-actions.inc: POST /v3/{project_id}/volumes/{volume_id}/action visibility",
        "The answer of os-volume_upload_image carries Glance's image record (cinder/volume/api.py \
         copy_volume_to_image copies `visibility`/`protected` from what Glance returned), at any \
         microversion; only the request's fields start at 3.1.",
    ),
    (
        "volumes-v3-volumes-actions.inc: POST /v3/{project_id}/volumes/{volume_id}/action protected",
        "As `visibility`: Glance's value, at any microversion.",
    ),
    (
        "ext-backups.inc: POST /v3/{project_id}/backups metadata",
        "The api-ref lists `metadata` in the answer of a create; Cinder answers the summary view \
         (id, name, links: cinder/api/views/backups.py summary), without metadata.",
    ),
    (
        "ext-backups.inc: PUT /v3/{project_id}/backups/{backup_id} metadata",
        "As for create: the update answers the summary view, without metadata.",
    ),
];

/// A field whose version changed meaning rather than appeared: the spec has it from its first
/// version and says what changed later in its description.
const LATER_MEANING: &[(&str, &str)] = &[(
    "shared_targets",
    "present from 3.48; the api-ref's 3.69 entry (`shared_targets_tristate`) is the version \
     from which it may be null",
)];

fn reference_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/reference/cinder-api-ref/v3");
    assert!(
        dir.is_dir(),
        "the api-ref sources are missing: expected {} (clone `shared/` beside the repository)",
        dir.display()
    );
    dir
}

/// `parameters.yaml` key -> its `min_version` (as written: YAML would read `3.60` as 3.6).
fn min_versions(file: &Path) -> BTreeMap<String, u16> {
    let text = std::fs::read_to_string(file).expect("reads parameters.yaml");
    let mut found = BTreeMap::new();
    let mut key = None;
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') && !line.starts_with('#') {
            key = Some(line.trim_end_matches(':').to_string());
        } else if let (Some(key), Some(version)) = (&key, line.trim().strip_prefix("min_version:"))
        {
            let version = minor(version.trim()).unwrap_or_else(|| panic!("{key}: {version}"));
            found.insert(key.clone(), version);
        }
    }
    found
}

/// A field of a request or an answer that the api-ref gives a minimum version.
struct Annotated {
    file: String,
    method: String,
    path: String,
    response: bool,
    field: String,
    key: String,
    min: u16,
}

fn annotated_fields(dir: &Path) -> Vec<Annotated> {
    let mins = min_versions(&dir.join("parameters.yaml"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "inc"))
        .collect();
    files.sort();
    let mut fields = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let (mut method, mut path, mut response) = (None::<String>, String::new(), None);
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(".. rest_method::") {
                let mut words = rest.split_whitespace();
                method = words.next().map(str::to_lowercase);
                path = words.next().unwrap_or_default().to_string();
                response = None;
            } else if line.starts_with("Request") {
                response = Some(false);
            } else if line.starts_with("Response Parameters") {
                response = Some(true);
            } else if line.starts_with("Response") {
                response = None;
            } else if let (Some(method), Some(response), Some(item)) =
                (&method, response, line.trim().strip_prefix("- "))
            {
                let Some((field, key)) = item.split_once(": ") else {
                    continue;
                };
                if let Some(&min) = mins.get(key.trim()) {
                    fields.push(Annotated {
                        file: name.clone(),
                        method: method.clone(),
                        path: path.clone(),
                        response,
                        field: field.trim().to_string(),
                        key: key.trim().to_string(),
                        min,
                    });
                }
            }
        }
    }
    fields
}

/// `/a/{x}/b` and `/a/{y}/b` are the same route.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_brace = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_brace = true;
                out.push_str("{}");
            }
            '}' => in_brace = false,
            _ if !in_brace => out.push(c),
            _ => {}
        }
    }
    out.trim_end_matches('/').to_string()
}

fn version_of(value: &Value) -> Option<u16> {
    value
        .get("x-openstack-min-version")
        .and_then(Value::as_str)
        .and_then(minor)
}

/// `value` with its `$ref`s followed ([`Spec::deref`]; the bundle resolves).
fn resolved<'a>(spec: &'a Spec, value: &'a Value) -> &'a Value {
    spec.deref(value).expect("the bundle resolves")
}

/// The minimum versions under which a property named `field` appears anywhere in `schema`
/// (the nearest annotation on it or on an object holding it; `None`: none).
fn property_versions(
    spec: &Spec,
    schema: &Value,
    field: &str,
    inherited: Option<u16>,
    depth: usize,
    out: &mut Vec<Option<u16>>,
) {
    if depth > 12 {
        return;
    }
    let here = version_of(schema).or(inherited);
    let schema = resolved(spec, schema);
    let here = version_of(schema).or(here);
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            property_versions(spec, part, field, here, depth + 1, out);
        }
    }
    for nested in ["items", "additionalProperties"] {
        if let Some(child) = schema.get(nested).filter(|c| c.is_object()) {
            property_versions(spec, child, field, here, depth + 1, out);
        }
    }
    if let Some(action) = schema.get("x-openstack-action-response") {
        if let Some(answer) = action.get("schema") {
            property_versions(spec, answer, field, here, depth + 1, out);
        }
    }
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let version = version_of(property)
            .or_else(|| version_of(resolved(spec, property)))
            .or(here);
        if name == field {
            out.push(version);
        }
        property_versions(spec, property, field, version, depth + 1, out);
    }
}

/// Where the spec has `field` of this route: its versions, or `None` when it is not there.
fn spec_versions(spec: &Spec, item: &Value, op: &Value, a: &Annotated) -> Option<Vec<Option<u16>>> {
    let mut found = Vec::new();
    let request_body = op.pointer("/requestBody/content/application~1json/schema");
    if a.response {
        for (status, answer) in op["responses"].as_object().into_iter().flatten() {
            if status.starts_with('2') {
                if let Some(schema) =
                    resolved(spec, answer).pointer("/content/application~1json/schema")
                {
                    property_versions(spec, schema, &a.field, None, 0, &mut found);
                }
            }
        }
        // An action's answer is declared on its request variant.
        if let Some(schema) = request_body {
            let mut answers = Vec::new();
            for variant in resolved(spec, schema)
                .get("oneOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(answer) = variant.pointer("/x-openstack-action-response/schema") {
                    property_versions(spec, answer, &a.field, None, 0, &mut answers);
                }
            }
            found.extend(answers);
        }
    } else {
        let parameters = op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .chain(item.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| resolved(spec, p));
        found.extend(
            parameters
                .filter(|p| p["name"] == a.field.as_str())
                .map(version_of),
        );
        if let Some(schema) = request_body {
            property_versions(spec, schema, &a.field, None, 0, &mut found);
        }
    }
    (!found.is_empty()).then_some(found)
}

#[test]
fn every_api_ref_min_version_is_in_the_spec() {
    let spec = spec();
    let paths: BTreeMap<String, &Value> = spec.document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| (shape(path), item))
        .collect();
    let fields = annotated_fields(&reference_dir());
    assert!(
        fields.len() > 100,
        "only {} annotated fields read",
        fields.len()
    );
    let mut problems = Vec::new();
    let mut departures_used = Vec::new();
    for a in &fields {
        let route = a.path.trim_start_matches("/v3/{project_id}");
        let Some(op) = paths
            .get(&shape(route))
            .and_then(|item| item.get(&a.method).map(|op| (item, op)))
        else {
            // A route the spec does not have yet is the drift report's business.
            continue;
        };
        let (item, op) = op;
        let id = format!(
            "{}: {} {} {}",
            a.file,
            a.method.to_uppercase(),
            a.path,
            a.field
        );
        if let Some((_, why)) = DEPARTURES.iter().find(|(what, _)| *what == id) {
            departures_used.push(id.clone());
            assert!(!why.is_empty());
            continue;
        }
        let operation_min = version_of(op).unwrap_or(0);
        let side = if a.response { "answer" } else { "request" };
        let Some(versions) = spec_versions(spec, item, op, a) else {
            problems.push(format!(
                "{id}: the api-ref has `{}` in the {side} from 3.{} ({}); the spec lacks it",
                a.field, a.min, a.key
            ));
            continue;
        };
        let right = |v: &Option<u16>| v.unwrap_or(operation_min).max(operation_min) == a.min;
        let later_meaning = LATER_MEANING.iter().any(|(f, _)| *f == a.field)
            && versions.iter().any(|v| v.unwrap_or(operation_min) < a.min);
        if !versions.iter().any(right) && !later_meaning && operation_min < a.min {
            let have: Vec<String> = versions
                .iter()
                .map(|v| v.map_or("no annotation".into(), |v| format!("3.{v}")))
                .collect();
            problems.push(format!(
                "{id}: the api-ref has `{}` in the {side} from 3.{} ({}); the spec says {} \
                 (operation from 3.{operation_min}): add x-openstack-min-version: \"3.{}\" or \
                 a departure with evidence",
                a.field,
                a.min,
                a.key,
                have.join(", "),
                a.min
            ));
        }
    }
    let stale: Vec<_> = DEPARTURES
        .iter()
        .filter(|(what, _)| !departures_used.contains(&what.to_string()))
        .map(|(what, _)| *what)
        .collect();
    assert!(
        stale.is_empty(),
        "departures that match nothing any more: {stale:?}"
    );
    assert!(
        problems.is_empty(),
        "{} api-ref min_version(s) the spec does not follow:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
