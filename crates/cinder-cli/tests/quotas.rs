//! The quota commands on the local cloud: a per-type quota of the demo project refuses demo's
//! create beyond it with Cinder's message, and is set back after; quota-usage counts; the
//! reset of a project without volumes brings back the defaults.

mod common;

use common::*;
use serde_json::Value;

/// The ID of the demo project (the `local-demo` cloud's), from Keystone.
async fn demo_project() -> String {
    let text = std::fs::read_to_string(clouds_yaml()).unwrap();
    let clouds: Value = serde_norway::from_str(&text).unwrap();
    keystone_token(&clouds["clouds"]["local-demo"]["auth"])
        .await
        .1
}

#[tokio::test]
async fn a_per_type_quota_refuses_demos_create_beyond_it() {
    require_cloud();
    let demo = demo_project().await;
    // A private type only demo may use: its quotas concern no other test.
    let type_name = unique("quota");
    ok(&["type-create", &type_name, "--is-public", "false"]);
    let mut cleanup = Cleanup(vec![vec!["type-delete".into(), type_name.clone()]]);
    ok(&[
        "type-access-add",
        "--volume-type",
        &type_name,
        "--project-id",
        &demo,
    ]);
    let key = format!("volumes_{type_name}");
    let before = prop(&ok(&["quota-show", &demo]), &key).expect("a quota per type");
    assert_eq!(before, "-1");
    // Set back last thing, even when an assertion fails.
    cleanup.0.push(vec![
        "quota-update".into(),
        demo.clone(),
        "--volume-type".into(),
        type_name.clone(),
        "--volumes".into(),
        before,
    ]);

    let updated = ok(&[
        "quota-update",
        &demo,
        "--volume-type",
        &type_name,
        "--volumes",
        "0",
    ]);
    assert_eq!(prop(&updated, &key).as_deref(), Some("0"), "{updated}");
    let refused = run_as(
        Some("local-demo"),
        &["create", "1", "--volume-type", &type_name],
    );
    assert_eq!(refused.code, Some(1), "{}", refused.stdout);
    assert!(
        refused.stderr.contains(&format!(
            "Maximum number of volumes allowed (0) exceeded for quota '{key}'"
        )),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("HTTP 413"), "{}", refused.stderr);

    // Demo reads its usage (nothing of the type in use), but may not change quotas.
    let usage = run_as(Some("local-demo"), &["quota-usage", &demo]);
    assert_eq!(usage.code, Some(0), "{}", usage.stderr);
    let row = rows(&usage.stdout)
        .into_iter()
        .find(|row| row[0] == key)
        .expect("a row for the type's volumes");
    assert_eq!(row[1..], ["0", "0", "0", ""], "{}", usage.stdout);
    let forbidden = run_as(
        Some("local-demo"),
        &[
            "quota-update",
            &demo,
            "--volume-type",
            &type_name,
            "--volumes",
            "5",
        ],
    );
    assert_eq!(forbidden.code, Some(1));
    assert!(
        forbidden.stderr.contains("HTTP 403"),
        "{}",
        forbidden.stderr
    );
    drop(cleanup);
    let after = ok(&["quota-show", &demo]);
    assert!(prop(&after, &key).is_none(), "the type is gone:\n{after}");
}

#[test]
fn quota_delete_brings_back_the_defaults() {
    require_cloud();
    // A project ID no Keystone project has: Cinder keeps quotas for it all the same.
    let project = unique("quota-project");
    let _cleanup = Cleanup(vec![vec!["quota-delete".into(), project.clone()]]);
    let defaults = ok(&["quota-defaults", &project]);
    let updated = ok(&[
        "quota-update",
        &project,
        "--volumes",
        "3",
        "--snapshots",
        "-1",
        "--groups",
        "4",
    ]);
    assert_eq!(prop(&updated, "volumes").as_deref(), Some("3"));
    assert_eq!(prop(&updated, "snapshots").as_deref(), Some("-1"));
    assert_eq!(prop(&updated, "groups").as_deref(), Some("4"));
    assert_eq!(ok(&["quota-delete", &project]), "");
    // Project-wide quotas only: the per-type rows follow the types other tests make.
    let shown = ok(&["quota-show", &project]);
    for quota in ["volumes", "snapshots", "groups"] {
        assert_eq!(
            prop(&shown, quota),
            prop(&defaults, quota),
            "{quota}:\n{shown}"
        );
    }
}
