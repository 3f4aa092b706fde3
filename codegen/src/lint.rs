//! Checks the spec's own conventions (spec/README.md) that neither OpenAPI nor progenitor check.

use serde_json::Value;

use crate::operations::{resolve, Operation, VersionRange, MAX_EXTENSION, METHODS, MIN_EXTENSION};

/// Module names of the generated crate; a tag or schema file of the same name would clash.
pub const RESERVED_MODULES: [&str; 9] = [
    "action_response",
    "builder",
    "calls",
    "hooks",
    "microversions",
    "operations",
    "resources",
    "response_bodies",
    "types",
];

/// Every problem found, each naming where it is; empty when the spec is consistent.
pub fn lint(document: &Value, operations: &[Operation]) -> Vec<String> {
    let mut problems = Vec::new();
    match VersionRange::client(document) {
        Ok(all) => check_version_extensions(document, "#", all, &mut problems),
        Err(problem) => problems.push(problem.to_string()),
    }
    check_responses(document, &mut problems);
    for operation in operations {
        for gate in &operation.gates {
            let (op, gate_range) = (operation.versions, gate.versions);
            if gate_range.max < op.min || gate_range.min > op.max {
                problems.push(format!(
                    "{}: {} is limited to {}..{}, which never overlaps the operation's {}..{}",
                    operation.id, gate.name, gate_range.min, gate_range.max, op.min, op.max
                ));
            }
        }
        for action in &operation.actions {
            if action.versions.min < operation.versions.min {
                problems.push(format!(
                    "{}: action {} starts at {}, before its operation ({})",
                    operation.id, action.key, action.versions.min, operation.versions.min
                ));
            }
        }
    }
    for tag in operations.iter().map(|op| op.tag.as_str()) {
        if RESERVED_MODULES.contains(&tag) {
            problems.push(format!(
                "tag {tag} collides with a module of the generated crate ({RESERVED_MODULES:?})"
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for operation in operations {
        if !seen.insert(&operation.id) {
            problems.push(format!("operationId {} is used twice", operation.id));
        }
    }
    problems
}

/// Every `x-openstack-*-version` anywhere must parse, sit in 3.0..`info.version` and have
/// min <= max.
fn check_version_extensions(
    value: &Value,
    at: &str,
    all: VersionRange,
    problems: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            if map.contains_key(MIN_EXTENSION) || map.contains_key(MAX_EXTENSION) {
                if let Err(problem) = VersionRange::of(value, at, all) {
                    problems.push(problem.to_string());
                }
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                check_version_extensions(child, &format!("{at}/{escaped}"), all, problems);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_version_extensions(child, &format!("{at}/{index}"), all, problems);
            }
        }
        _ => {}
    }
}

/// progenitor accepts one success body type per operation and treats `default` as a success.
fn check_responses(document: &Value, problems: &mut Vec<String>) {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(responses) = item
                .get(method)
                .and_then(|o| o.get("responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            let location = format!("{} {path}", method.to_uppercase());
            let operation = &item[method];
            let summary = operation.get("summary").and_then(Value::as_str);
            if summary.is_none_or(|s| s.trim().is_empty()) {
                problems.push(format!("{location}: the operation has no summary"));
            }
            if responses.contains_key("default") {
                problems.push(format!(
                    "{location}: use 4XX/5XX instead of a default response"
                ));
            }
            let successes: Vec<&String> = responses
                .keys()
                .filter(|code| code.starts_with('2') || code.starts_with('3'))
                .collect();
            if successes.len() != 1 {
                problems.push(format!(
                    "{location}: needs exactly one success response, has {successes:?}"
                ));
            }
            for range in ["4XX", "5XX"] {
                match responses.get(range).map(|r| resolve(document, r)) {
                    None => {
                        problems.push(format!("{location}: the {range} error response is missing"))
                    }
                    Some(Ok(response))
                        if response
                            .pointer("/content/application~1json/schema")
                            .is_none() =>
                    {
                        problems.push(format!(
                            "{location}: the {range} error response has no JSON schema (the fault body)"
                        ))
                    }
                    Some(Err(e)) => problems.push(format!("{location}: {range}: {e}")),
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_operation_and_what_it_lacks() {
        let document = json!({
            "info": {"version": "3.71"},
            "paths": {"/things": {"get": {
                "operationId": "list_things",
                "tags": ["things"],
                "x-openstack-min-version": "3.72",
                "responses": {
                    "200": {"description": "ok"},
                    "4XX": {"description": "no body"}
                }
            }}}
        });
        let problems = lint(&document, &[]);
        let expected = [
            "#/paths/~1things/get: x-openstack-min-version: 3.72 is outside the supported range 3.0..3.71",
            "GET /things: the operation has no summary",
            "GET /things: the 4XX error response has no JSON schema (the fault body)",
            "GET /things: the 5XX error response is missing",
        ];
        assert_eq!(problems, expected);
    }
}
