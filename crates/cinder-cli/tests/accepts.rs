//! What python-cinderclient accepts, this client accepts too: IDs of any form (the server
//! judges them, and its answer is reported), any `--filters` key, sent as cinderclient sends
//! it, and microversions newer than the client or the server supports (the newest both
//! support is used, with cinderclient's warning). The refusals that remain are in
//! bad_input.rs.

mod common;

use std::process::Command;

use common::recorder::Recorder;
use common::{ok, prop, require_cloud, run, run_as, unique, Cleanup};

const SOME_UUID: &str = "5f8e2b2a-3c4d-4e6f-8a9b-0c1d2e3f4a5b";

/// Runs `args` as the admin, insisting on a failure with every needle on stderr; returns
/// stderr.
fn fails_with(args: &[&str], needles: &[&str]) -> String {
    let run = run(args);
    assert_eq!(
        run.code,
        Some(1),
        "cinder {args:?}:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "cinder {args:?}: stderr lacks {needle:?}:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn ids_of_any_form_are_sent_and_the_servers_answer_reported() {
    require_cloud();
    for (args, needle) in [
        (
            &["create", "--snapshot-id", "snap-1"][..],
            "Invalid input for field/attribute snapshot_id. Value: snap-1.",
        ),
        (
            &["create", "--source-volid", "vol-1"],
            "Invalid input for field/attribute source_volid. Value: vol-1.",
        ),
        (
            &["create", "--backup-id", "1234"],
            "Invalid input for field/attribute backup_id. Value: 1234.",
        ),
        (
            &["create", "--consisgroup-id", "5678", "1"],
            "Invalid input for field/attribute consistencygroup_id. Value: 5678.",
        ),
        (
            &["create", "--group-id", "5678", "1"],
            "Group 5678 could not be found.",
        ),
        (
            &["create", "--snapshot_id", SOME_UUID],
            &format!("Snapshot {SOME_UUID} could not be found."),
        ),
    ] {
        let mut with_debug = vec!["--debug"];
        with_debug.extend_from_slice(args);
        let stderr = fails_with(&with_debug, &[needle]);
        // The server said so: the create was sent.
        assert!(
            stderr.contains("REQ: curl -g -i -X POST"),
            "{args:?} was not sent:\n{stderr}"
        );
    }
}

#[test]
fn messages_are_looked_up_by_any_id() {
    require_cloud();
    fails_with(
        &["message-show", "latest"],
        &["No message with a name or ID of 'latest' exists."],
    );
    fails_with(
        &["message-delete", "1234", SOME_UUID],
        &["Unable to delete any of the specified messages."],
    );
    // Each failure on stdout, as cinderclient prints it.
    let run = run(&["message-delete", "1234", SOME_UUID]);
    for needle in [
        "Delete for message 1234 failed: No message with a name or ID of '1234' exists.",
        &format!("Delete for message {SOME_UUID} failed"),
    ] {
        assert!(
            run.stdout.contains(needle),
            "stdout lacks {needle:?}:
{}",
            run.stdout
        );
    }
}

/// The query string of the last Cinder list request in a `--debug` log.
fn list_query(log: &str, path: &str) -> String {
    let request = log
        .lines()
        .rfind(|line| line.contains("REQ: curl") && line.contains(path))
        .unwrap_or_else(|| panic!("no request for {path} in:\n{log}"));
    let url = request
        .split_whitespace()
        .find(|word| word.contains(path))
        .unwrap()
        .trim_matches('\'');
    url.split_once('?').map_or("", |(_, q)| q).to_string()
}

#[test]
fn any_filter_is_sent_as_cinderclient_sends_it() {
    require_cloud();
    // Admins may filter on anything; the query is what cinderclient sends for the same
    // arguments (its keys are sorted; the order means nothing to Cinder).
    let listed = run(&[
        "--debug",
        "list",
        "--filters",
        "colour=red",
        "size=big",
        "name~=a b",
        "metadata={k:v,it's:x}",
        "status=",
    ]);
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    let mut pairs: Vec<String> = list_query(&listed.stderr, "/volumes/detail")
        .split('&')
        .map(str::to_string)
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            "colour=red",
            // {'k': 'v', "it's": 'x'}
            "metadata=%7B%27k%27%3A+%27v%27%2C+%22it%27s%22%3A+%27x%27%7D",
            "name~=a+b",
            "size=big",
        ],
        "an empty value is left out, as cinderclient leaves it out"
    );

    let snapshots = run(&["--debug", "snapshot-list", "--filters", "size=1"]);
    assert_eq!(snapshots.code, Some(0), "{}", snapshots.stderr);
    assert_eq!(list_query(&snapshots.stderr, "/snapshots/detail"), "size=1");

    let messages = run(&[
        "--debug",
        "message-list",
        "--filters",
        "foo=bar",
        "--level",
        "error",
        "--resource_type",
        "volume",
    ]);
    assert_eq!(messages.code, Some(0), "{}", messages.stderr);
    let query = list_query(&messages.stderr, "/messages");
    for pair in ["foo=bar", "message_level=ERROR", "resource_type=VOLUME"] {
        assert!(query.split('&').any(|p| p == pair), "{pair} not in {query}");
    }

    let types = run(&[
        "--debug",
        "type-list",
        "--filters",
        "foo=bar",
        "extra_specs={a:b}",
    ]);
    assert_eq!(types.code, Some(0), "{}", types.stderr);
    let query = list_query(&types.stderr, "/types");
    for pair in [
        "foo=bar",
        "is_public=None",
        "extra_specs=%7B%27a%27%3A+%27b%27%7D",
    ] {
        assert!(query.split('&').any(|p| p == pair), "{pair} not in {query}");
    }
}

#[test]
fn the_server_judges_filters_and_its_refusal_is_reported() {
    require_cloud();
    // Not an admin: Cinder allows only the filters the cloud enables (see list-filters).
    let refused = run_as(Some("local-demo"), &["list", "--filters", "colour=red"]);
    assert_eq!(refused.code, Some(1), "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("Invalid filters colour are found in query options."),
        "{}",
        refused.stderr
    );
}

#[test]
fn inexact_filters_match_part_of_a_name() {
    require_cloud();
    let name = unique("tilde-needle");
    let created = ok(&["create", "1", "--name", &name]);
    let id = prop(&created, "id").expect("the new volume's id");
    let _cleanup = Cleanup(vec![vec!["delete".into(), id.clone()]]);
    // The middle of the name: only `~` (3.34 and later) matches on part of it.
    let part = name
        .trim_start_matches("cli-")
        .trim_end_matches(char::is_numeric);
    let inexact = ok(&[
        "list",
        "--filters",
        &format!("name~={part}"),
        "-f",
        "value",
        "-c",
        "id",
    ]);
    assert!(inexact.lines().any(|line| line == id), "{part}: {inexact}");
    let exact = ok(&[
        "list",
        "--filters",
        &format!("name={part}"),
        "-f",
        "value",
        "-c",
        "id",
    ]);
    assert!(!exact.contains(&id), "{part}: {exact}");
}

#[test]
fn versions_newer_than_the_clients_fall_back_with_cinderclients_warning() {
    require_cloud();
    let shown = run(&["--os-volume-api-version", "3.72", "api-version"]);
    assert_eq!(shown.code, Some(0), "{}", shown.stderr);
    assert!(
        shown.stderr.contains(
            "WARNING: API version 3.72 requested, downgrading to 3.71 based on server support."
        ),
        "{}",
        shown.stderr
    );
    assert!(
        shown.stderr.contains("Using API version 3.71"),
        "{}",
        shown.stderr
    );

    let listed = common::run_with_env(
        Some("local"),
        &[("OS_VOLUME_API_VERSION", "3.998")],
        &["--debug", "list", "--limit", "1"],
    );
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(
        listed.stderr.contains(
            "WARNING: API version 3.998 requested, downgrading to 3.71 based on server support."
        ),
        "{}",
        listed.stderr
    );
    assert!(
        listed
            .stderr
            .contains("'OpenStack-API-Version: volume 3.71'"),
        "{}",
        listed.stderr
    );
}

#[test]
fn a_version_newer_than_the_servers_falls_back_too() {
    // Plays a server whose newest version is 3.60.
    let recorder = Recorder::start("3.60");
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    let output = command
        .args([
            "--no-cache",
            "--os-token",
            "T",
            "--os-endpoint",
            &recorder.endpoint(),
        ])
        .args(["--os-volume-api-version", "3.65", "api-version"])
        .output()
        .expect("run cinder");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "WARNING: API version 3.65 requested, downgrading to 3.60 based on server support."
        ),
        "{stderr}"
    );
    assert!(stderr.contains("Using API version 3.60"), "{stderr}");
    // The versions document: for the refused 3.65, for the fallback, and for api-version.
    assert_eq!(recorder.requests(), ["GET /", "GET /", "GET /"]);
}

/// `ALL_TENANTS` stands for `--all-tenants` where cinderclient reads it (the volume, snapshot,
/// attachment, group, cgsnapshot and transfer lists, summary), and not where it does not
/// (`backup-list`, `consisgroup-list`).
#[test]
fn all_tenants_comes_from_the_environment_as_in_cinderclient() {
    let list = |args: &[&str], all_tenants: &str| {
        let recorder = Recorder::start("3.71");
        let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
        for (key, _) in std::env::vars() {
            if key.starts_with("OS_") || key == "RUST_LOG" || key == "ALL_TENANTS" {
                command.env_remove(key);
            }
        }
        command
            .env("ALL_TENANTS", all_tenants)
            .args(["--no-cache", "--os-token", "T", "--os-endpoint"])
            .arg(recorder.endpoint())
            .args(args)
            .output()
            .expect("run cinder");
        recorder.requests().join(" ")
    };
    let sent = list(&["list"], "1");
    assert!(sent.contains("/volumes/detail?all_tenants="), "{sent}");
    let sent = list(&["--os-volume-api-version", "3.27", "attachment-list"], "1");
    assert!(sent.contains("/attachments?all_tenants="), "{sent}");
    let sent = list(&["list"], "0");
    assert!(!sent.contains("all_tenants"), "{sent}");
    // The option still wins over the variable.
    let sent = list(&["list", "--all-tenants", "0"], "1");
    assert!(!sent.contains("all_tenants"), "{sent}");
    let sent = list(&["backup-list"], "1");
    assert!(
        sent.contains("/backups/detail") && !sent.contains("all_tenants"),
        "{sent}"
    );
    // cgsnapshot-list reads it, consisgroup-list (default 0) does not.
    let sent = list(&["cgsnapshot-list"], "1");
    assert!(sent.contains("/cgsnapshots/detail?all_tenants="), "{sent}");
    let sent = list(&["consisgroup-list"], "1");
    assert!(
        sent.contains("/consistencygroups/detail") && !sent.contains("all_tenants"),
        "{sent}"
    );
}
