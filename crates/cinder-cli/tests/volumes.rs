//! Volume and snapshot commands against the local cloud.

mod common;

use common::*;

#[test]
fn volume_and_snapshot_lifecycle() {
    require_cloud();
    let name = unique("vol");
    let created = ok(&["create", "1", "--name", &name, "--metadata", "purpose=test"]);
    let id = prop(&created, "id").expect("created volume has an id");
    let _cleanup = Cleanup(vec![vec!["delete".into(), "--cascade".into(), id.clone()]]);
    wait_for(&["show", &id], "status", &["available"]);

    // Show by name finds the same volume.
    let shown = ok(&["show", &name]);
    assert_eq!(prop(&shown, "id").as_deref(), Some(id.as_str()));
    assert_eq!(prop(&shown, "size").as_deref(), Some("1"));
    assert!(prop_lines(&shown, "metadata").contains(&"purpose : test".to_string()));
    let listed = ok(&["list", "--name", &name]);
    assert!(rows(&listed).iter().any(|r| r[0] == id), "{listed}");

    // Rename (name and description).
    let new_name = format!("{name}-renamed");
    ok(&[
        "rename",
        &name,
        &new_name,
        "--description",
        "renamed by test",
    ]);
    let shown = ok(&["show", &id]);
    assert_eq!(prop(&shown, "name").as_deref(), Some(new_name.as_str()));
    assert_eq!(
        prop(&shown, "description").as_deref(),
        Some("renamed by test")
    );

    // Extend.
    ok(&["extend", &new_name, "2"]);
    let shown = wait_for(&["show", &id], "size", &["2"]);
    assert_eq!(prop(&shown, "size").as_deref(), Some("2"));
    wait_for(&["show", &id], "status", &["available"]);

    // Metadata set / unset / show / update-all.
    ok(&["metadata", &id, "set", "k1=v1", "k2=v2"]);
    let meta = ok(&["metadata-show", &id]);
    assert_eq!(prop(&meta, "k1").as_deref(), Some("v1"));
    assert_eq!(prop(&meta, "k2").as_deref(), Some("v2"));
    ok(&["metadata", &id, "unset", "k1"]);
    let meta = ok(&["metadata-show", &id]);
    assert_eq!(prop(&meta, "k1"), None);
    assert_eq!(prop(&meta, "k2").as_deref(), Some("v2"));
    let replaced = ok(&["metadata-update-all", &id, "only=this"]);
    assert_eq!(prop(&replaced, "only").as_deref(), Some("this"));
    assert_eq!(prop(&ok(&["metadata-show", &id]), "k2"), None);

    // Flags.
    ok(&["set-bootable", &id, "true"]);
    assert_eq!(
        prop(&ok(&["show", &id]), "bootable").as_deref(),
        Some("true")
    );
    ok(&["readonly-mode-update", &id, "True"]);
    assert_eq!(
        prop(&ok(&["show", &id]), "readonly").as_deref(),
        Some("True")
    );
    ok(&["readonly-mode-update", &id, "False"]);
    ok(&["set-bootable", &id, "false"]);
    assert_eq!(
        prop(&ok(&["show", &id]), "bootable").as_deref(),
        Some("false")
    );

    // Reset state, and back.
    ok(&["reset-state", "--state", "error", &id]);
    assert_eq!(
        prop(&ok(&["show", &id]), "status").as_deref(),
        Some("error")
    );
    ok(&["reset-state", &id]);
    assert_eq!(
        prop(&ok(&["show", &id]), "status").as_deref(),
        Some("available")
    );

    // Snapshots.
    let snap_name = unique("snap");
    let snap = ok(&[
        "snapshot-create",
        &id,
        "--name",
        &snap_name,
        "--metadata",
        "s1=a",
    ]);
    let snap_id = prop(&snap, "id").expect("snapshot id");
    wait_for(&["snapshot-show", &snap_id], "status", &["available"]);
    let list = ok(&["snapshot-list", "--volume-id", &id]);
    assert!(rows(&list).iter().any(|r| r[0] == snap_id), "{list}");
    let shown = ok(&["snapshot-show", &snap_name]);
    assert_eq!(prop(&shown, "volume_id").as_deref(), Some(id.as_str()));

    let snap_new = format!("{snap_name}-renamed");
    ok(&[
        "snapshot-rename",
        &snap_name,
        &snap_new,
        "--description",
        "sd",
    ]);
    let shown = ok(&["snapshot-show", &snap_id]);
    assert_eq!(prop(&shown, "name").as_deref(), Some(snap_new.as_str()));
    assert_eq!(prop(&shown, "description").as_deref(), Some("sd"));

    ok(&["snapshot-metadata", &snap_id, "set", "s2=b"]);
    ok(&["snapshot-metadata", &snap_id, "unset", "s1"]);
    let meta = ok(&["snapshot-metadata-show", &snap_new]);
    assert_eq!(prop(&meta, "s1"), None);
    assert_eq!(prop(&meta, "s2").as_deref(), Some("b"));

    // Revert needs 3.40: refused before, works at 3.40.
    let refused = fails(&[
        "--os-volume-api-version",
        "3.39",
        "revert-to-snapshot",
        &snap_id,
    ]);
    assert!(refused.stderr.contains("3.40"), "{}", refused.stderr);
    ok(&[
        "--os-volume-api-version",
        "3.40",
        "revert-to-snapshot",
        &snap_id,
    ]);
    wait_for(&["show", &id], "status", &["available"]);

    ok(&["snapshot-delete", &snap_id]);
    wait_gone(&["snapshot-show", &snap_id]);

    // Wrong input fails with a clear message and leaves the volume alone.
    let bad = fails(&["extend", &id, "abc"]);
    assert!(bad.stderr.contains("abc"), "{}", bad.stderr);
    let bad = fails(&["metadata", &id, "set", "novalue"]);
    assert!(
        bad.stderr.contains("'novalue'") && bad.stderr.contains("key=value"),
        "{}",
        bad.stderr
    );

    ok(&["delete", &id]);
    wait_gone(&["show", &id]);
}

#[test]
fn name_lookup_errors() {
    require_cloud();
    let missing = unique("missing");
    let run = fails(&["show", &missing]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(&format!(
            "No volume with a name or ID of '{missing}' exists."
        )),
        "{}",
        run.stderr
    );
    let run = fails(&["snapshot-show", &missing]);
    assert!(
        run.stderr.contains("No snapshot with a name or ID"),
        "{}",
        run.stderr
    );

    // Two volumes with one name: the name is ambiguous, the IDs still work.
    let name = unique("dup");
    let first = prop(&ok(&["create", "1", "--name", &name]), "id").unwrap();
    let second = prop(&ok(&["create", "1", "--name", &name]), "id").unwrap();
    let _cleanup = Cleanup(vec![
        vec!["delete".into(), first.clone()],
        vec!["delete".into(), second.clone()],
    ]);
    let run = fails(&["show", &name]);
    assert!(
        run.stderr.contains(&format!(
            "Multiple volume matches found for '{name}', use an ID to be more specific."
        )),
        "{}",
        run.stderr
    );
    wait_for(&["show", &first], "status", &["available"]);
    wait_for(&["show", &second], "status", &["available"]);
    let out = ok(&["delete", &first, &second]);
    assert_eq!(out.matches("has been accepted").count(), 2, "{out}");
    wait_gone(&["show", &first]);
    wait_gone(&["show", &second]);
}
