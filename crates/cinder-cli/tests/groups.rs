//! Group type, group and group snapshot commands against the local cloud (whose back end has
//! no native group support: Cinder's generic group implementation serves it).

mod common;

use common::*;

/// A group type and a volume type for groups; deleted last.
struct Types {
    group_type: String,
    volume_type: String,
}

fn types(group_specs: &[&str], extra_specs: &[&str]) -> (Types, Cleanup) {
    let group_type = unique("gtype");
    let volume_type = unique("gvtype");
    let created = ok(&["group-type-create", &group_type, "--description", "by test"]);
    let row = rows(&created).into_iter().next().expect("a row");
    assert_eq!(row[1..], [group_type.clone(), "by test".into()]);
    ok(&["type-create", &volume_type]);
    let cleanup = Cleanup(vec![
        vec!["type-delete".into(), volume_type.clone()],
        vec!["group-type-delete".into(), group_type.clone()],
    ]);
    if !group_specs.is_empty() {
        ok(&[&["group-type-key", &group_type, "set"], group_specs].concat());
    }
    if !extra_specs.is_empty() {
        ok(&[&["type-key", &volume_type, "set"], extra_specs].concat());
    }
    let types = Types {
        group_type,
        volume_type,
    };
    (types, cleanup)
}

#[test]
fn group_types_and_their_specs() {
    require_cloud();
    let (types, _cleanup) = types(&["consistent_group_snapshot_enabled=<is> True", "a=b"], &[]);
    let name = &types.group_type;
    ok(&["group-type-key", name, "unset", "a"]);
    let shown = ok(&["group-type-show", name]);
    assert_eq!(
        prop_lines(&shown, "group_specs"),
        vec!["consistent_group_snapshot_enabled : <is> True"]
    );
    assert_eq!(prop(&shown, "is_public").as_deref(), Some("True"));
    let id = prop(&shown, "id").unwrap();
    let specs = ok(&["group-specs-list"]);
    assert!(
        rows(&specs)
            .iter()
            .any(|r| r[0] == id && r[2] == "{'consistent_group_snapshot_enabled': '<is> True'}"),
        "{specs}"
    );
    ok(&[
        "group-type-update",
        &id,
        "--description",
        "updated",
        "--is-public",
        "false",
    ]);
    let shown = ok(&["group-type-show", &id]);
    assert_eq!(prop(&shown, "description").as_deref(), Some("updated"));
    assert_eq!(prop(&shown, "is_public").as_deref(), Some("False"));
    // The private type is listed for the admin (public and private alike).
    assert!(rows(&ok(&["group-type-list"])).iter().any(|r| r[0] == id));
    // The local cloud configures no default group type: Cinder's 404, cleanly.
    let run = fails(&["group-type-default"]);
    assert!(
        run.stderr.contains("Default group type can not be found."),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_group_with_volumes_snapshots_copies_updates_resets_and_deletes() {
    require_cloud();
    let (types, _types) = types(&["consistent_group_snapshot_enabled=<is> True"], &[]);
    let (group_type, volume_type) = (&types.group_type, &types.volume_type);
    let group = unique("group");
    let created = ok(&[
        "group-create",
        group_type,
        volume_type,
        "--name",
        &group,
        "--description",
        "by test",
        "--wait",
    ]);
    assert_eq!(prop(&created, "status").as_deref(), Some("available"));
    let group_id = prop(&created, "id").unwrap();
    let mut cleanup = Cleanup(vec![vec![
        "group-delete".into(),
        "--delete-volumes".into(),
        group_id.clone(),
        "--wait".into(),
    ]]);

    // `create --group-id` and `list --group_id` keep working.
    let mut members = Vec::new();
    for _ in 0..2 {
        let volume = ok(&[
            "create",
            "1",
            "--volume-type",
            volume_type,
            "--group-id",
            &group_id,
            "--name",
            &unique("gvol"),
            "--wait",
        ]);
        assert_eq!(
            prop(&volume, "group_id").as_deref(),
            Some(group_id.as_str())
        );
        members.push(prop(&volume, "id").unwrap());
    }
    members.sort();
    let listed = ok(&["list", "--group_id", &group_id]);
    let mut ids: Vec<String> = rows(&listed).into_iter().map(|r| r[0].clone()).collect();
    ids.sort();
    assert_eq!(ids, members);
    let shown = ok(&["group-show", &group, "--list-volume"]);
    for volume in &members {
        assert!(
            prop(&shown, "volumes").unwrap().contains(volume.as_str()),
            "{shown}"
        );
    }
    assert!(rows(&ok(&["group-list"]))
        .iter()
        .any(|r| r[0] == group_id && r[1] == "available"));

    // A group snapshot, and a group made from it with a copy of each volume.
    let snapshot = unique("gsnap");
    let made = ok(&[
        "group-snapshot-create",
        &group,
        "--name",
        &snapshot,
        "--wait",
    ]);
    assert_eq!(prop(&made, "status").as_deref(), Some("available"));
    assert_eq!(prop(&made, "group_id").as_deref(), Some(group_id.as_str()));
    let snapshot_id = prop(&made, "id").unwrap();
    let listed = ok(&["group-snapshot-list", "--group-id", &group_id]);
    assert_eq!(
        rows(&listed),
        [vec![
            snapshot_id.clone(),
            "available".into(),
            snapshot.clone()
        ]]
    );
    let copy = unique("gcopy");
    let from = ok(&[
        "group-create-from-src",
        "--group-snapshot",
        &snapshot,
        "--name",
        &copy,
        "--wait",
    ]);
    assert_eq!(
        prop(&from, "group_snapshot_id").as_deref(),
        Some(snapshot_id.as_str())
    );
    let copy_id = prop(&from, "id").unwrap();
    cleanup.0.push(vec![
        "group-delete".into(),
        "--delete-volumes".into(),
        copy_id.clone(),
        "--wait".into(),
    ]);
    let copy_volumes = prop(&ok(&["group-show", &copy_id, "--list-volume"]), "volumes").unwrap();
    assert_eq!(copy_volumes.matches(", ").count() + 1, 2, "{copy_volumes}");

    // Update: rename, remove a volume; adding and removing one volume at once is refused.
    let renamed = unique("grenamed");
    let updated = ok(&[
        "group-update",
        &group,
        "--name",
        &renamed,
        "--remove-volumes",
        &members[0],
    ]);
    assert_eq!(
        updated.trim(),
        format!("Request to update group '{group}' has been accepted.")
    );
    wait_for(&["group-show", &group_id], "status", &["available"]);
    let shown = ok(&["group-show", &group_id, "--list-volume"]);
    assert_eq!(prop(&shown, "name").as_deref(), Some(renamed.as_str()));
    assert!(
        !prop(&shown, "volumes")
            .unwrap()
            .contains(members[0].as_str()),
        "{shown}"
    );
    let run = fails(&[
        "group-update",
        &group_id,
        "--add-volumes",
        &members[0],
        "--remove-volumes",
        &members[0],
    ]);
    assert!(
        run.stderr
            .contains("both in --add-volumes and in --remove-volumes"),
        "{}",
        run.stderr
    );

    // Reset states: a group, a group snapshot, back to available by default.
    ok(&[
        "reset-state",
        "--type",
        "group",
        "--state",
        "error",
        &group_id,
    ]);
    assert_eq!(
        prop(&ok(&["group-show", &group_id]), "status").as_deref(),
        Some("error")
    );
    ok(&["reset-state", "--type", "group", &renamed]);
    assert_eq!(
        prop(&ok(&["group-show", &group_id]), "status").as_deref(),
        Some("available")
    );
    ok(&[
        "reset-state",
        "--type",
        "group-snapshot",
        "--state",
        "error",
        &snapshot,
    ]);
    assert_eq!(
        prop(&ok(&["group-snapshot-show", &snapshot_id]), "status").as_deref(),
        Some("error")
    );
    ok(&["reset-state", "--type", "group-snapshot", &snapshot_id]);

    // The group type does not replicate: Cinder's refusal, cleanly.
    for command in [
        "group-enable-replication",
        "group-disable-replication",
        "group-failover-replication",
        "group-list-replication-targets",
    ] {
        let run = fails(&[command, &group_id]);
        assert!(
            run.stderr.contains("is not a replication group type"),
            "{command}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("HTTP 400"), "{command}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }

    // Deletes, in the order Cinder allows: the copy, the snapshot, the group with its volumes.
    let run = fails(&["group-delete", &group_id]);
    assert!(
        run.stdout
            .contains(&format!("Delete for group {group_id} failed")),
        "{}",
        run.stdout
    );
    ok(&["group-delete", "--delete-volumes", &copy_id, "--wait"]);
    ok(&["group-snapshot-delete", &snapshot_id, "--wait"]);
    ok(&["group-delete", "--delete-volumes", &renamed, "--wait"]);
    for volume in &members[1..] {
        wait_gone(&["show", volume]);
    }
    cleanup.0.clear();
    ok(&["delete", &members[0]]);
}

#[test]
fn failing_over_to_a_target_the_group_lacks_is_refused_before_anything_changes() {
    require_cloud();
    // The fake back end replicates groups (without replication devices, so without targets).
    let (types, _types) = types(
        &["group_replication_enabled=<is> True"],
        &["replication_enabled=<is> True"],
    );
    let group = unique("rgroup");
    ok(&[
        "group-create",
        &types.group_type,
        &types.volume_type,
        "--name",
        &group,
        "--wait",
    ]);
    let _group = Cleanup(vec![vec![
        "group-delete".into(),
        group.clone(),
        "--wait".into(),
    ]]);
    // No targets: nothing printed, as cinderclient.
    assert_eq!(ok(&["group-list-replication-targets", &group]), "");
    let run = fails(&[
        "group-failover-replication",
        "--secondary-backend-id",
        "nowhere",
        &group,
    ]);
    assert!(
        run.stderr.contains(&format!(
            "Unknown replication target \"nowhere\" for group {group}: the group has no \
             replication targets."
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        prop(&ok(&["group-show", &group]), "replication_status").as_deref(),
        Some("disabled")
    );
    ok(&["group-enable-replication", &group]);
    wait_for(&["group-show", &group], "replication_status", &["enabled"]);
    ok(&["group-disable-replication", &group]);
    wait_for(&["group-show", &group], "replication_status", &["disabled"]);
}

#[test]
fn the_demo_project_is_refused_what_the_policies_keep_for_admins() {
    require_cloud();
    let (types, _types) = types(&["a=b"], &[]);
    for args in [
        vec!["group-type-create", "demo-group-type"],
        vec!["group-type-delete", &types.group_type],
        vec!["group-type-key", &types.group_type, "set", "c=d"],
    ] {
        let run = run_as(Some("local-demo"), &args);
        assert_ne!(run.code, Some(0), "{args:?}: {}", run.stdout);
        let refused = run.stderr.contains("HTTP 403") || run.stdout.contains("HTTP 403");
        assert!(refused, "{args:?}: {} {}", run.stdout, run.stderr);
    }
    // The demo user sees the public group type, without its specs.
    let run = run_as(Some("local-demo"), &["group-type-show", &types.group_type]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(prop(&run.stdout, "group_specs"), None, "{}", run.stdout);
    // A demo group may not have its status reset.
    let group = unique("dgroup");
    let args = [
        "group-create",
        &types.group_type,
        &types.volume_type,
        "--name",
        &group,
        "--wait",
    ];
    let run = run_as(Some("local-demo"), &args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let _group = Cleanup(vec![vec![
        "group-delete".into(),
        prop(&run.stdout, "id").unwrap(),
        "--wait".into(),
    ]]);
    let run = run_as(
        Some("local-demo"),
        &["reset-state", "--type", "group", "--state", "error", &group],
    );
    assert_ne!(run.code, Some(0));
    assert!(
        run.stdout.contains("HTTP 403"),
        "{} {}",
        run.stdout,
        run.stderr
    );
}
