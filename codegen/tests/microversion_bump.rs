//! A microversion bump is one reviewable change (docs/microversion-bump.md): going from the
//! spec as it was at the previous microversion to today's changes exactly the snapshotted lines
//! of the API surface file and of the microversion table, and nothing else.
//!
//! The earlier spec is today's with `info.version` one lower and everything annotated
//! `x-openstack-min-version` with today's maximum taken out (for 3.71: the
//! `os-extend_volume_completion` action), which is what the bump procedure adds.

use std::path::{Path, PathBuf};

use serde_norway::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Removes whatever `x-openstack-min-version: <added>` marks: a sequence item, or a mapping
/// entry (and its name from a sibling `required`).
fn strip(value: &mut Value, added: &str) {
    let marked =
        |v: &Value| v.get("x-openstack-min-version").and_then(Value::as_str) == Some(added);
    match value {
        Value::Sequence(items) => {
            items.retain(|item| !marked(item));
            items.iter_mut().for_each(|item| strip(item, added));
        }
        Value::Mapping(map) => {
            let gone: Vec<String> = map
                .iter()
                .filter(|(_, v)| marked(v))
                .filter_map(|(k, _)| k.as_str().map(String::from))
                .collect();
            for key in &gone {
                map.remove(key.as_str());
            }
            if let Some(Value::Sequence(required)) = map.get_mut("required") {
                required.retain(|r| !r.as_str().is_some_and(|r| gone.iter().any(|g| g == r)));
            }
            map.values_mut().for_each(|v| strip(v, added));
        }
        _ => {}
    }
}

/// A copy of today's spec as it was before its maximum was added.
fn spec_before(max: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinder-bump-{}-{max}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let added = format!("3.{max}");
    let mut pending = vec![workspace().join("spec")];
    while let Some(from) = pending.pop() {
        let relative = from.strip_prefix(workspace().join("spec")).unwrap();
        std::fs::create_dir_all(dir.join(relative)).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            let target = dir.join(path.strip_prefix(workspace().join("spec")).unwrap());
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let mut value: Value =
                    serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                strip(&mut value, &added);
                if let Some(info) = value.get_mut("info") {
                    info["version"] = Value::String(format!("3.{}", max - 1));
                }
                std::fs::write(&target, serde_norway::to_string(&value).unwrap()).unwrap();
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    dir
}

fn diff(before: &str, after: &str) -> String {
    let mut out = String::new();
    for change in similar::TextDiff::from_lines(before, after).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => continue,
        };
        out.push(sign);
        out.push_str(change.value().trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_3_71_bump_changes_only_what_3_71_added() {
    let today = workspace().join("spec/openapi.yaml");
    let document: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(&today).unwrap()).unwrap();
    let max = cinder_codegen::version::client_max(&document).unwrap().0;
    assert_eq!(max, 71, "a new bump: update this test's snapshots and name");

    let before_dir = spec_before(max);
    let before_entry = before_dir.join("openapi.yaml");
    let before = cinder_codegen::generate_crate(&before_entry).expect("the 3.70 spec generates");
    let after = cinder_codegen::generate_crate(&today).expect("today's spec generates");

    let surface = diff(
        &cinder_codegen::api_surface(&before_entry, &before).unwrap(),
        &cinder_codegen::api_surface(&today, &after).unwrap(),
    );
    insta::assert_snapshot!("surface_diff", surface);
    let table = diff(&before["microversions.rs"], &after["microversions.rs"]);
    insta::assert_snapshot!("microversion_table_diff", table);
    std::fs::remove_dir_all(&before_dir).unwrap();
}
