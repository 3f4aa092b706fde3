//! Admin commands that change state behind the normal lifecycle: retype, snapshot reset-state,
//! force-delete, rate limits and message deletion.

mod common;

use common::*;

#[test]
fn retype_reset_snapshot_state_and_force_delete() {
    require_cloud();
    let type_name = unique("retype");
    ok(&["type-create", &type_name]);
    let mut cleanup = Cleanup(vec![vec!["type-delete".into(), type_name.clone()]]);

    let created = ok(&["create", "1", "--name", &unique("vol")]);
    let id = prop(&created, "id").expect("created volume has an id");
    cleanup
        .0
        .push(vec!["delete".into(), "--cascade".into(), id.clone()]);
    wait_for(&["show", &id], "status", &["available"]);

    ok(&["retype", &id, &type_name, "--migration-policy", "never"]);
    let shown = wait_for(&["show", &id], "volume_type", &[type_name.as_str()]);
    assert_eq!(
        prop(&shown, "volume_type").as_deref(),
        Some(type_name.as_str())
    );
    wait_for(&["show", &id], "status", &["available"]);

    let snapshot = ok(&["snapshot-create", &id, "--name", &unique("snap")]);
    let snapshot_id = prop(&snapshot, "id").expect("created snapshot has an id");
    wait_for(&["snapshot-show", &snapshot_id], "status", &["available"]);
    ok(&["snapshot-reset-state", &snapshot_id, "--state", "error"]);
    let shown = ok(&["snapshot-show", &snapshot_id]);
    assert_eq!(prop(&shown, "status").as_deref(), Some("error"));
    ok(&["snapshot-delete", &snapshot_id]);
    wait_gone(&["snapshot-show", &snapshot_id]);

    ok(&["reset-state", &id, "--state", "error"]);
    ok(&["force-delete", &id]);
    wait_gone(&["show", &id]);
}

#[test]
fn rate_limits_and_messages() {
    require_cloud();
    // The local cloud runs no rate-limit middleware: an empty table with cinderclient's columns.
    let limits = ok(&["rate-limits"]);
    for column in ["Verb", "URI", "Value", "Remain", "Unit", "Next_Available"] {
        assert!(limits.contains(column), "{column} missing from:\n{limits}");
    }
    assert!(rows(&limits).is_empty(), "{limits}");

    let missing = "00000000-0000-0000-0000-000000000000";
    let run = run(&["--os-volume-api-version", "3.3", "message-delete", missing]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    // The failure's line on stdout (as cinderclient), the command's error on stderr.
    assert!(run.stdout.contains(missing), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("Unable to delete any of the specified messages."),
        "{}",
        run.stderr
    );
}

#[test]
fn migrate_to_the_other_back_end() {
    require_cloud();
    let created = ok(&["create", "1", "--name", &unique("mig")]);
    let id = prop(&created, "id").expect("created volume has an id");
    let _cleanup = Cleanup(vec![vec!["force-delete".into(), id.clone()]]);
    let shown = wait_for(&["show", &id], "status", &["available"]);
    let host = prop(&shown, "os-vol-host-attr:host").expect("admin sees the host");
    // The local cloud has back ends `fake` and `fake2`, each with a pool named `fake`.
    let destination = if host.contains("@fake#") {
        host.replace("@fake#", "@fake2#")
    } else {
        host.replace("@fake2#", "@fake#")
    };

    let unknown = run(&["migrate", &id, "nowhere@none#none"]);
    assert_eq!(unknown.code, Some(1), "{}", unknown.stdout);
    assert!(
        unknown.stderr.contains("No available service named"),
        "{}",
        unknown.stderr
    );

    // The fake driver cannot copy data without root: the migration ends in `error` here, and
    // --wait says so instead of returning as if it had worked.
    let waited = run(&[
        "migrate",
        &id,
        &destination,
        "--force-host-copy",
        "False",
        "--wait",
    ]);
    assert_eq!(waited.code, Some(1), "{}", waited.stdout);
    assert!(
        waited.stdout.contains("has been accepted"),
        "{}",
        waited.stdout
    );
    assert!(
        waited.stderr.contains("ended with migration status error"),
        "{}",
        waited.stderr
    );
}
