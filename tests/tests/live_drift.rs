//! `cargo xtask drift` finds what a spec lacks, and `cargo xtask conformance` fails on it: a
//! copy of the spec without a property (`AbsoluteLimits.maxTotalVolumes`), an operation
//! (`GET /volumes/summary`) and an action (`os-roll_detaching`) still generates, and drift
//! against the local cloud reports all three, each with its spec edit.

use std::path::{Path, PathBuf};

use cinder_tests::cloud::workspace_root;
use cinder_tests::live::{conformance, drift};
use serde_norway::Value;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn edit_yaml(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut value: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(path, serde_norway::to_string(&value).unwrap()).unwrap();
}

/// Removes, anywhere under `value`, the sequence items `matches` accepts; returns how many.
fn remove_items(value: &mut Value, matches: &dyn Fn(&Value) -> bool) -> usize {
    match value {
        Value::Sequence(items) => {
            let before = items.len();
            items.retain(|item| !matches(item));
            let removed = before - items.len();
            removed
                + items
                    .iter_mut()
                    .map(|i| remove_items(i, matches))
                    .sum::<usize>()
        }
        Value::Mapping(map) => map.values_mut().map(|v| remove_items(v, matches)).sum(),
        _ => 0,
    }
}

/// The spec without the three things, in a fresh folder.
fn reduced_spec() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinder-drift-{}", uuid::Uuid::new_v4().simple()));
    copy_dir(&workspace_root().join("spec"), &dir);
    edit_yaml(&dir.join("schemas/limits.yaml"), |v| {
        let limits = &mut v["AbsoluteLimits"];
        limits["properties"]
            .as_mapping_mut()
            .unwrap()
            .remove("maxTotalVolumes")
            .unwrap();
        let required = limits["required"].as_sequence_mut().unwrap();
        required.retain(|r| r.as_str() != Some("maxTotalVolumes"));
    });
    edit_yaml(&dir.join("openapi.yaml"), |v| {
        v["paths"]
            .as_mapping_mut()
            .unwrap()
            .remove("/volumes/summary")
            .unwrap();
    });
    edit_yaml(&dir.join("paths/volume_actions.yaml"), |v| {
        let removed = remove_items(v, &|item| {
            item.get("required")
                .and_then(Value::as_sequence)
                .is_some_and(|r| r.len() == 1 && r[0].as_str() == Some("os-roll_detaching"))
        });
        assert_eq!(removed, 1);
    });
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_finds_a_removed_property_operation_and_action() {
    let dir = reduced_spec();
    let entry = dir.join("openapi.yaml");
    // The reduced spec is still a spec: it generates.
    let files = cinder_codegen::generate_crate(&entry).expect("the reduced spec generates");
    assert!(files.contains_key("microversions.rs"));

    let report_dir = dir.join("reports");
    let args = drift::Args {
        os_cloud: "local".into(),
        write: false,
        report: report_dir.join("drift.json"),
        spec: entry.clone(),
        candidates: workspace_root().join("tests/drift/cinder-api.yaml"),
        known_gaps: workspace_root().join("tests/drift/known-gaps.yaml"),
    };
    let report = drift::run(&args).await.unwrap();
    println!("{}", report.text);
    let find = |kind: &str, what: &str| {
        report
            .findings
            .iter()
            .find(|f| f.kind == kind && f.what == what)
            .unwrap_or_else(|| panic!("no {kind} finding {what}:\n{}", report.text))
    };
    let field = find("field", "show_limits $.limits.absolute.maxTotalVolumes");
    assert_eq!(
        field.suggest,
        "spec/schemas/limits.yaml: AbsoluteLimits.properties.maxTotalVolumes: {type: integer}"
    );
    let operation = find("operation", "GET /volumes/summary");
    assert!(
        operation.detail.starts_with("served from 3.12;"),
        "{operation:?}"
    );
    assert!(
        operation.suggest.starts_with("spec/paths/volumes.yaml:")
            && operation
                .suggest
                .contains("x-openstack-min-version: \"3.12\""),
        "{operation:?}"
    );
    let action = find("action", "/volumes/{volume_id}/action os-roll_detaching");
    assert!(
        action
            .suggest
            .starts_with("spec/paths/volume_actions.yaml:"),
        "{action:?}"
    );
    assert_eq!(report.findings.len(), 3, "{}", report.text);

    // Conformance against the same spec fails: the cloud sends a field it does not declare.
    let clean = conformance::main(conformance::Args {
        os_cloud: "local".into(),
        write: false,
        report: report_dir.join("conformance.json"),
        spec: Some(entry),
    })
    .await
    .unwrap();
    assert!(
        !clean,
        "conformance passed against a spec missing maxTotalVolumes"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
