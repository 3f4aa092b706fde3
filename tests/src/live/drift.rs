//! `cargo xtask drift --os-cloud NAME`: what a (newer, other) cloud has that the spec lacks.
//! Read-only unless `--write`. It reports the server's microversion range against the spec's;
//! every field an answer carries that the spec does not declare (operation, JSON path, a sample,
//! the versions it was seen at); every spec operation the server does not serve; the
//! operations and actions of Cinder's API (`tests/drift/cinder-api.yaml`) in the families the
//! spec covers that the server serves and the spec lacks; each with the spec edit to make.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;
use serde_json::{json, Value};

use super::conformance::{read_rows, Outcome};
use super::ops::{client_max, operations, Op};
use super::send::{Answer, Target};
use crate::schema::Spec;

#[derive(clap::Parser, Debug)]
#[command(name = "drift", about = "Report what a cloud has that the spec lacks")]
pub struct Args {
    /// The cloud of clouds.yaml (`local`: the local cloud's file unless OS_CLIENT_CONFIG_FILE).
    #[arg(long, default_value = "local")]
    pub os_cloud: String,
    /// Also create (and delete) one resource of each kind, so that answers have content.
    #[arg(long)]
    pub write: bool,
    /// Where the JSON report goes.
    #[arg(long, default_value_os_t = crate::cloud::workspace_root().join("target/drift/report.json"))]
    pub report: PathBuf,
    /// The spec entry document to compare with.
    #[arg(long, default_value_os_t = crate::cloud::workspace_root().join("spec/openapi.yaml"))]
    pub spec: PathBuf,
    /// Cinder's read operations and actions, the candidates probed.
    #[arg(long, default_value_os_t = crate::cloud::workspace_root().join("tests/drift/cinder-api.yaml"))]
    pub candidates: PathBuf,
    /// What the spec knowingly lacks (listed apart, not drift).
    #[arg(long, default_value_os_t = crate::cloud::workspace_root().join("tests/drift/known-gaps.yaml"))]
    pub known_gaps: PathBuf,
}

#[derive(Deserialize)]
struct Candidates {
    get: Vec<String>,
    actions: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct KnownGap {
    what: String,
    #[allow(dead_code)] // read by people; kept so that every entry must say why
    why: String,
}

/// One finding: what, where, and the spec edit that would remove it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub kind: &'static str,
    pub what: String,
    pub detail: String,
    pub suggest: String,
}

/// A placeholder for IDs in probes: no resource has it, so nothing is touched.
const NOBODY: &str = "00000000-0000-0000-0000-000000000000";

/// Runs the comparison; `Ok(false)` when there is drift.
pub async fn main(args: Args) -> Result<bool> {
    let report = run(&args).await?;
    println!("{}", report.text);
    super::write_json(&args.report, &report.json)?;
    println!("report: {}", args.report.display());
    Ok(report.findings.is_empty())
}

pub struct Report {
    pub findings: Vec<Finding>,
    pub known: Vec<String>,
    pub text: String,
    pub json: Value,
}

pub async fn run(args: &Args) -> Result<Report> {
    let spec = super::load_spec(Some(&args.spec))?;
    let layout = Layout::read(&args.spec)?;
    let candidates: Candidates = read_yaml(&args.candidates)?;
    let known_gaps: Vec<KnownGap> = read_yaml(&args.known_gaps)?;
    let known_gaps: BTreeSet<String> = known_gaps.into_iter().map(|g| g.what).collect();
    let client_max = client_max(spec);
    let target = Target::connect(&args.os_cloud, client_max).await?;
    let ops = operations(spec, client_max);
    let mut findings = Vec::new();

    // The range.
    let range = format!(
        "server microversions 3.{}..3.{}, spec 3.0..3.{client_max}",
        target.server_min, target.server_max
    );
    if target.server_max > client_max {
        findings.push(Finding {
            kind: "version",
            what: format!("the server speaks up to 3.{}", target.server_max),
            detail: range.clone(),
            suggest: format!(
                "spec/openapi.yaml: info.version \"3.{}\", then annotate what 3.{}..3.{} added (docs/microversion-bump.md)",
                target.server_max,
                client_max + 1,
                target.server_max
            ),
        });
    }

    // Answers: undeclared fields and operations not served, at each version the spec changes
    // and at the server's maximum (above the spec's when the server is newer).
    let mut rows = Vec::new();
    let created = if args.write {
        super::write::create_all(spec, &target, &ops, &mut rows).await
    } else {
        Vec::new()
    };
    let known = created
        .iter()
        .map(|c| (c.parameter.clone(), c.id.clone()))
        .collect();
    let reads = read_rows(spec, &target, &ops, known, |op| {
        let mut versions = op.versions(spec, target.server_min, target.common_max());
        if op.max >= client_max && target.server_max > client_max {
            versions.push(target.server_max);
        }
        versions
    })
    .await;
    super::write::delete_all(spec, &target, created, &mut Vec::new()).await;
    let mut fields: BTreeMap<(String, String), (String, Vec<u16>)> = BTreeMap::new();
    let mut unserved = BTreeSet::new();
    for row in &reads {
        match &row.outcome {
            Outcome::Mismatch(errors) => {
                for error in errors {
                    if let Some((path, sample)) = undeclared(error) {
                        let entry = fields
                            .entry((row.operation.clone(), path))
                            .or_insert_with(|| (sample, Vec::new()));
                        entry.1.push(row.version);
                    }
                }
            }
            Outcome::NotExercised(why)
                if row.status.is_some_and(|s| s == 405) || is_router_404(row.status, why) =>
            {
                unserved.insert((row.operation.clone(), row.method.clone(), row.path.clone()));
            }
            _ => {}
        }
    }
    for ((operation, path), (sample, versions)) in fields {
        let first = versions.iter().min().copied().unwrap_or(0);
        let last = versions.iter().max().copied().unwrap_or(0);
        let op = ops.iter().find(|o| o.id == operation);
        let owner = op.and_then(|op| owner_schema(spec, op, &path));
        let field = path.rsplit(['.', ']']).next().unwrap_or(&path).to_string();
        let ty = sample_type(&sample);
        let min = if first > 0 {
            format!(", x-openstack-min-version: \"3.{first}\"")
        } else {
            String::new()
        };
        let suggest = match owner {
            Some(schema) => format!(
                "{}: {schema}.properties.{field}: {{type: {ty}{min}}}",
                layout.schema_file(&schema)
            ),
            None => format!(
                "the schema of {operation}'s answer: a property {field}: {{type: {ty}{min}}}"
            ),
        };
        findings.push(Finding {
            kind: "field",
            what: format!("{operation} {path}"),
            detail: format!("sample {sample}, seen at 3.{first}..3.{last}"),
            suggest,
        });
    }
    for (operation, method, path) in unserved {
        findings.push(Finding {
            kind: "unserved",
            what: format!("{operation} ({method} {path})"),
            detail: "the server answers 404/405: it does not serve this operation".into(),
            suggest: format!(
                "{}: give {operation} an x-openstack-max-version, or remove it",
                layout.path_file(&path)
            ),
        });
    }

    // Cinder's operations and actions the spec lacks, in the families it covers.
    let families: BTreeSet<&str> = ops.iter().map(|op| family(op.path)).collect();
    // Paths compared without their parameters' names (`{project_id}` is `{target_project_id}`).
    let spec_gets: BTreeSet<String> = ops
        .iter()
        .filter(|o| o.method == "get")
        .map(|o| shape(o.path))
        .collect();
    let mut known = Vec::new();
    let mut uncovered: BTreeMap<String, usize> = BTreeMap::new();
    for path in &candidates.get {
        if spec_gets.contains(&shape(path)) {
            continue;
        }
        if !families.contains(family(path)) {
            *uncovered.entry(family(path).to_string()).or_default() += 1;
            continue;
        }
        let what = format!("GET {path}");
        if known_gaps.contains(&what) {
            known.push(what);
            continue;
        }
        let probe = probe_op(path, "get");
        let served = |answer: &Answer| served(answer);
        let Some(top) = answer_at(&target, &probe, target.server_max, path).await else {
            continue;
        };
        if !served(&top) {
            continue;
        }
        let mut low = target.server_min;
        let mut high = target.server_max;
        while low < high {
            let middle = (low + high) / 2;
            match answer_at(&target, &probe, middle, path).await {
                Some(answer) if served(&answer) => high = middle,
                _ => low = middle + 1,
            }
        }
        let min = if high > 0 {
            format!(", x-openstack-min-version: \"3.{high}\"")
        } else {
            String::new()
        };
        findings.push(Finding {
            kind: "operation",
            what,
            detail: format!("served from 3.{high}; answers {} at 3.{}", top.status, target.server_max),
            suggest: format!(
                "{}: a path item {path} with a get operation (operationId, summary, tag{min}) and its $ref in spec/openapi.yaml paths",
                layout.path_file(path)
            ),
        });
    }
    for (action_path, keys) in &candidates.actions {
        let spec_op = ops
            .iter()
            .find(|o| o.method == "post" && shape(o.path) == shape(action_path));
        let Some(spec_op) = spec_op else {
            if families.contains(family(action_path)) {
                findings.push(Finding {
                    kind: "operation",
                    what: format!("POST {action_path}"),
                    detail: "an action endpoint of a family the spec covers".into(),
                    suggest: format!(
                        "{}: the action endpoint {action_path}",
                        layout.path_file(action_path)
                    ),
                });
            } else {
                *uncovered
                    .entry(family(action_path).to_string())
                    .or_default() += keys.len();
            }
            continue;
        };
        let declared = action_keys(spec, spec_op);
        let path = fill_nobody(action_path);
        for key in keys.iter().chain(declared.iter()).collect::<BTreeSet<_>>() {
            let in_spec = declared.contains(key);
            let what = format!("{action_path} {key}");
            if known_gaps.contains(&what) {
                known.push(what);
                continue;
            }
            let body = json!({ key.as_str(): {} });
            let Ok(answer) = target
                .send(spec_op, target.common_max(), &path, Some(&body))
                .await
            else {
                continue;
            };
            let accepted = !unknown_action(&answer);
            if accepted && !in_spec {
                findings.push(Finding {
                    kind: "action",
                    what,
                    detail: format!("the server knows it (answers {} on a nonexistent ID)", answer.status),
                    suggest: format!(
                        "{}: a oneOf variant of {}'s request body requiring {key} (title, additionalProperties: false, x-openstack-action-response)",
                        layout.path_file(action_path),
                        spec_op.id
                    ),
                });
            } else if !accepted && in_spec {
                findings.push(Finding {
                    kind: "action",
                    what,
                    detail: "the spec declares it; the server answers \"There is no such action\""
                        .into(),
                    suggest: format!(
                        "{}: give the {key} variant an x-openstack-max-version, or remove it",
                        layout.path_file(action_path)
                    ),
                });
            }
        }
    }
    findings.sort();

    let mut text = format!("drift against cloud {}\n{range}\n", args.os_cloud);
    for kind in ["version", "field", "unserved", "operation", "action"] {
        let of_kind: Vec<&Finding> = findings.iter().filter(|f| f.kind == kind).collect();
        let title = match kind {
            "version" => "microversion range",
            "field" => "fields the server sends that the spec does not declare",
            "unserved" => "spec operations the server does not serve",
            "operation" => "operations the server serves that the spec lacks",
            _ => "actions where the server and the spec differ",
        };
        text.push_str(&format!("{title} ({}):\n", of_kind.len()));
        for finding in of_kind {
            text.push_str(&format!(
                "  {}\n      {}\n      suggest: {}\n",
                finding.what, finding.detail, finding.suggest
            ));
        }
    }
    if !known.is_empty() {
        text.push_str(&format!(
            "known gaps ({}, {}; not drift):\n  {}\n",
            known.len(),
            args.known_gaps.display(),
            known.join("\n  ")
        ));
    }
    if !uncovered.is_empty() {
        let list: Vec<String> = uncovered
            .iter()
            .map(|(f, n)| format!("{f} ({n})"))
            .collect();
        text.push_str(&format!(
            "families the spec does not cover yet (candidates; not drift): {}\n",
            list.join(", ")
        ));
    }
    text.push_str(&if findings.is_empty() {
        "drift: none".to_string()
    } else {
        format!("drift: {} finding(s)", findings.len())
    });
    let json = json!({
        "cloud": args.os_cloud,
        "server": {"min": format!("3.{}", target.server_min), "max": format!("3.{}", target.server_max)},
        "spec": {"min": "3.0", "max": format!("3.{client_max}")},
        "findings": findings.iter().map(|f| json!({
            "kind": f.kind, "what": f.what, "detail": f.detail, "suggest": f.suggest,
        })).collect::<Vec<_>>(),
        "known_gaps": known,
        "uncovered_families": uncovered,
    });
    Ok(Report {
        findings,
        known,
        text,
        json,
    })
}

fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_norway::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The first segment of a path: its family (`volumes` for `/volumes/{volume_id}/metadata`).
fn family(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

fn fill_nobody(path: &str) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if name.ends_with("_id") => NOBODY.to_string(),
                Some(_) => "conformance".to_string(),
                None => segment.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// An operation the spec does not have, to send a probe through the library's connection.
fn probe_op(path: &str, method: &'static str) -> Op {
    static NULL: Value = Value::Null;
    let path: &'static str = Box::leak(path.to_string().into_boxed_str());
    Op {
        id: "drift_probe",
        method,
        path,
        at_root: path == "/" || path.starts_with("/v3/"),
        min: 0,
        max: u16::MAX,
        object: &NULL,
    }
}

async fn answer_at(target: &Target, op: &Op, version: u16, path: &str) -> Option<Answer> {
    target
        .send(op, version, &fill_nobody(path), None)
        .await
        .ok()
}

/// Whether a probe reached a controller: a success, a refusal of the request, or a 404 for the
/// placeholder ID (the controller looked it up). Cinder's router answers a path it does not
/// route with "The resource could not be found." (HTML or JSON), an unrouted method with 405.
fn served(answer: &Answer) -> bool {
    match answer.status {
        200..=399 => true,
        404 => String::from_utf8_lossy(&answer.body).contains(NOBODY),
        405 => false,
        400..=499 => !String::from_utf8_lossy(&answer.body).contains("could not be found"),
        _ => false,
    }
}

fn is_router_404(status: Option<u16>, why: &str) -> bool {
    status == Some(404) && why.contains("The resource could not be found")
}

/// Cinder's answer to an action key no controller declares (cinder/api/openstack/wsgi.py
/// `_process_stack`), given before the ID is looked up.
fn unknown_action(answer: &Answer) -> bool {
    answer.status == 400
        && String::from_utf8_lossy(&answer.body).contains("There is no such action")
}

/// The action keys of an action endpoint's request body.
fn action_keys(spec: &Spec, op: &Op) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let Some(schema) = op
        .object
        .pointer("/requestBody/content/application~1json/schema")
    else {
        return keys;
    };
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.resolve(reference).unwrap_or(schema),
        None => schema,
    };
    for variant in schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let variant = match variant.get("$ref").and_then(Value::as_str) {
            Some(reference) => spec.resolve(reference).unwrap_or(variant),
            None => variant,
        };
        for key in variant
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(key) = key.as_str() {
                keys.insert(key.to_string());
            }
        }
    }
    keys
}

/// `(path, sample)` of a "field not declared" error of the validator.
fn undeclared(error: &str) -> Option<(String, String)> {
    let (path, rest) = error.split_once(": field not declared by the spec (value ")?;
    Some((path.to_string(), rest.strip_suffix(')')?.to_string()))
}

fn sample_type(sample: &str) -> &'static str {
    match serde_json::from_str::<Value>(sample) {
        Ok(Value::Null) => "string, nullable: true",
        Ok(Value::Bool(_)) => "boolean",
        Ok(Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
        Ok(Value::Number(_)) => "number",
        Ok(Value::Array(_)) => "array",
        Ok(Value::Object(_)) => "object",
        _ => "string",
    }
}

/// The named schema that should declare the field at `path` (`$.limits.absolute.x`): the last
/// `$ref` on the way to its parent object in `op`'s success answer.
fn owner_schema(spec: &Spec, op: &Op, path: &str) -> Option<String> {
    let (_, response) = op
        .object
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(s, _)| s.starts_with('2'))?;
    let mut schema = response;
    let mut owner = None;
    let mut segments = segments(path);
    segments.pop(); // the undeclared field itself
    schema = follow(spec, schema, &mut owner)?;
    schema = follow(
        spec,
        schema.pointer("/content/application~1json/schema")?,
        &mut owner,
    )?;
    for segment in segments {
        schema = match segment {
            Segment::Index => follow(spec, schema.get("items")?, &mut owner)?,
            Segment::Key(key) => {
                let property = find_property(spec, schema, &key, &mut owner)?;
                follow(spec, property, &mut owner)?
            }
        };
    }
    owner
}

enum Segment {
    Key(String),
    Index,
}

fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path.strip_prefix('$').unwrap_or(path);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            out.push(Segment::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or(after.len());
            let inside = &after[..end];
            out.push(match serde_json::from_str::<String>(inside) {
                Ok(key) => Segment::Key(key),
                Err(_) => Segment::Index,
            });
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            break;
        }
    }
    out
}

/// Follows `$ref`s (and a one-part `allOf`), noting the last schema name.
fn follow<'a>(
    spec: &'a Spec,
    mut schema: &'a Value,
    owner: &mut Option<String>,
) -> Option<&'a Value> {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                *owner = Some(name.to_string());
            }
            schema = spec.resolve(reference).ok()?;
            continue;
        }
        match schema.get("allOf").and_then(Value::as_array) {
            Some(parts) if parts.len() == 1 && schema.get("properties").is_none() => {
                schema = &parts[0]
            }
            _ => return Some(schema),
        }
    }
    None
}

fn find_property<'a>(
    spec: &'a Spec,
    schema: &'a Value,
    key: &str,
    owner: &mut Option<String>,
) -> Option<&'a Value> {
    if let Some(property) = schema.pointer(&format!(
        "/properties/{}",
        key.replace('~', "~0").replace('/', "~1")
    )) {
        return Some(property);
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut part_owner = owner.clone();
        let part = follow(spec, part, &mut part_owner)?;
        if let Some(property) = find_property(spec, part, key, &mut part_owner) {
            *owner = part_owner;
            return Some(property);
        }
    }
    None
}

/// Which spec file holds which path and schema, for the suggestions.
struct Layout {
    /// Path -> the file its item is `$ref`ed from (`spec/paths/volumes.yaml`).
    paths: BTreeMap<String, String>,
    /// Schema name -> file.
    schemas: BTreeMap<String, String>,
}

impl Layout {
    fn read(entry: &Path) -> Result<Layout> {
        let text = std::fs::read_to_string(entry)?;
        let document: Value = serde_norway::from_str(&text)?;
        let mut paths = BTreeMap::new();
        for (path, item) in document
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(file) = item
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.split('#').next())
            {
                paths.insert(
                    path.clone(),
                    format!("spec/{}", file.trim_start_matches("./")),
                );
            }
        }
        let bundle = cinder_codegen::bundle::bundle(entry)?;
        let schemas = bundle
            .schema_resources
            .into_iter()
            .map(|(name, resource)| (name, format!("spec/schemas/{resource}.yaml")))
            .collect();
        Ok(Layout { paths, schemas })
    }

    fn schema_file(&self, schema: &str) -> String {
        self.schemas
            .get(schema)
            .cloned()
            .unwrap_or_else(|| "spec/schemas/".into())
    }

    /// The file of the spec path sharing the longest prefix with `path`.
    fn path_file(&self, path: &str) -> String {
        self.paths
            .iter()
            .max_by_key(|(p, _)| common_prefix(p, path))
            .filter(|(p, _)| common_prefix(p, path) > 1)
            .map(|(_, file)| file.clone())
            .unwrap_or_else(|| format!("spec/paths/{}.yaml", family(path)))
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y)
        .count()
}

/// `path` with every `{parameter}` written `{}`: two spellings of one route compare equal.
fn shape(path: &str) -> String {
    let mut shaped = String::with_capacity(path.len());
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                shaped.push('{');
            }
            '}' => {
                in_parameter = false;
                shaped.push('}');
            }
            _ if in_parameter => {}
            _ => shaped.push(c),
        }
    }
    shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_validators_undeclared_fields() {
        let error = "$.volume.bogus: field not declared by the spec (value {\"a\":1})";
        assert_eq!(
            undeclared(error),
            Some(("$.volume.bogus".into(), "{\"a\":1}".into()))
        );
        assert_eq!(undeclared("$.volume: missing required field `id`"), None);
    }

    #[test]
    fn finds_the_schema_that_should_declare_a_field() {
        let spec = crate::schema::spec();
        let ops = operations(spec, 71);
        let op = |id: &str| ops.iter().find(|o| o.id == id).unwrap();
        assert_eq!(
            owner_schema(spec, op("show_limits"), "$.limits.absolute.surprise").as_deref(),
            Some("AbsoluteLimits")
        );
        assert_eq!(
            owner_schema(spec, op("list_volumes_detail"), "$.volumes[0].surprise").as_deref(),
            Some("Volume")
        );
    }

    #[test]
    fn a_probe_reached_a_controller_or_not() {
        let answer = |status, body: &str| Answer {
            status,
            body: body.as_bytes().to_vec(),
        };
        assert!(served(&answer(200, "{}")));
        assert!(served(&answer(
            404,
            &format!("Volume {NOBODY} could not be found.")
        )));
        assert!(!served(&answer(404, "The resource could not be found.")));
        assert!(!served(&answer(405, "")));
        assert!(unknown_action(&answer(
            400,
            "There is no such action: os-x"
        )));
        assert!(!unknown_action(&answer(
            400,
            "'new_size' is a required property"
        )));
        assert_eq!(
            fill_nobody("/volumes/{volume_id}/metadata/{key}"),
            format!("/volumes/{NOBODY}/metadata/conformance")
        );
    }
}
