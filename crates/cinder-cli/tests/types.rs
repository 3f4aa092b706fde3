//! Volume type, access and encryption commands against the local cloud.

mod common;

use common::*;

/// The demo project's ID, from `--debug` output (which names the scoped project).
fn demo_project_id() -> String {
    let run = run_as(Some("local-demo"), &["--debug", "availability-zone-list"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stderr
        .lines()
        .find_map(|l| l.strip_prefix("DEBUG cinder: project "))
        .and_then(|rest| rest.split(',').next())
        .expect("debug output names the project")
        .to_string()
}

#[test]
fn private_type_with_specs_access_and_encryption() {
    require_cloud();
    let name = unique("type");
    let created = ok(&[
        "type-create",
        &name,
        "--description",
        "made by test",
        "--is-public",
        "false",
    ]);
    let row = rows(&created).into_iter().next().expect("a row");
    let id = row[0].clone();
    assert_eq!(row[1], name);
    assert_eq!(row[3], "False");
    let _cleanup = Cleanup(vec![vec!["type-delete".into(), id.clone()]]);

    // Extra specs.
    ok(&["type-key", &name, "set", "k1=v1", "k2=v2"]);
    ok(&["type-key", &name, "unset", "k2"]);
    let shown = ok(&["type-show", &name]);
    assert_eq!(prop(&shown, "id").as_deref(), Some(id.as_str()));
    assert_eq!(prop_lines(&shown, "extra_specs"), vec!["k1 : v1"]);
    assert_eq!(prop(&shown, "is_public").as_deref(), Some("False"));
    let specs = ok(&["extra-specs-list"]);
    assert!(
        // cinderclient's print_list writes the dict as Python does.
        rows(&specs)
            .iter()
            .any(|r| r[0] == id && r[2] == "{'k1': 'v1'}"),
        "{specs}"
    );
    let list = ok(&["type-list"]);
    assert!(rows(&list).iter().any(|r| r[0] == id), "{list}");
    // Sorted by ID, as cinderclient's tables are.
    assert_sorted_by_id(&list);
    assert_sorted_by_id(&specs);

    // Update.
    ok(&["type-update", &id, "--description", "updated"]);
    assert_eq!(
        prop(&ok(&["type-show", &id]), "description").as_deref(),
        Some("updated")
    );

    // Access for the demo project.
    let project = demo_project_id();
    ok(&[
        "type-access-add",
        "--volume-type",
        &name,
        "--project-id",
        &project,
    ]);
    let access = ok(&["type-access-list", "--volume-type", &name]);
    assert!(
        rows(&access).iter().any(|r| r[0] == id && r[1] == project),
        "{access}"
    );
    // The demo user now sees the private type.
    let run = run_as(Some("local-demo"), &["type-list"]);
    assert!(run.stdout.contains(&id), "{}", run.stdout);
    ok(&[
        "type-access-remove",
        "--volume-type",
        &name,
        "--project-id",
        &project,
    ]);
    let access = ok(&["type-access-list", "--volume-type", &name]);
    assert!(rows(&access).is_empty(), "{access}");

    // Encryption.
    let enc = ok(&[
        "encryption-type-create",
        &name,
        "luks",
        "--cipher",
        "aes-xts-plain64",
        "--key-size",
        "256",
    ]);
    assert_eq!(
        rows(&enc)[0],
        vec![id.as_str(), "luks", "aes-xts-plain64", "256", "front-end"]
    );
    ok(&["encryption-type-update", &name, "--key-size", "512"]);
    let shown = ok(&["encryption-type-show", &name]);
    assert_eq!(rows(&shown)[0][3], "512", "{shown}");
    let list = ok(&["encryption-type-list"]);
    assert!(rows(&list).iter().any(|r| r[0] == id), "{list}");
    ok(&["encryption-type-delete", &name]);
    assert!(rows(&ok(&["encryption-type-show", &name])).is_empty());

    let out = ok(&["type-delete", &name]);
    assert!(out.contains("has been accepted"), "{out}");
    let list = ok(&["type-list"]);
    assert!(!rows(&list).iter().any(|r| r[0] == id), "{list}");
    let run = fails(&["type-show", &name]);
    assert!(
        run.stderr.contains("No volumetype with a name or ID"),
        "{}",
        run.stderr
    );
}

fn assert_sorted_by_id(table: &str) {
    let ids: Vec<String> = rows(table).into_iter().map(|r| r[0].clone()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert!(ids.len() > 1, "too few rows to tell the order: {table}");
    assert_eq!(ids, sorted, "{table}");
}

#[test]
fn a_missing_description_is_a_dash_in_the_list_and_none_in_show() {
    require_cloud();
    let name = unique("bare-type");
    let created = ok(&["type-create", &name]);
    let id = rows(&created).into_iter().next().expect("a row")[0].clone();
    let _cleanup = Cleanup(vec![vec!["type-delete".into(), id.clone()]]);

    let list = ok(&["type-list"]);
    let row = rows(&list)
        .into_iter()
        .find(|r| r[0] == id)
        .expect("listed");
    assert_eq!(row[2], "-", "{list}");
    let shown = ok(&["type-show", &id]);
    assert_eq!(
        prop(&shown, "description").as_deref(),
        Some("None"),
        "{shown}"
    );
}
