//! Limits, zones, messages, versions, global options and microversion errors.

mod common;

use common::*;

#[test]
fn read_only_commands() {
    require_cloud();
    let limits = ok(&["absolute-limits"]);
    assert!(prop(&limits, "maxTotalVolumes").is_some(), "{limits}");
    let zones = ok(&["availability-zone-list"]);
    assert!(
        rows(&zones)
            .iter()
            .any(|r| r[0] == "nova" && r[1] == "available"),
        "{zones}"
    );
    let messages = ok(&["--os-volume-api-version", "3.3", "message-list"]);
    assert!(
        messages.contains("| ID | Resource Type | Resource UUID | Event ID | User Message |")
            || messages.contains("Resource Type"),
        "{messages}"
    );
    let version = ok(&["api-version"]);
    assert!(
        rows(&version)
            .iter()
            .any(|r| r[1] == "CURRENT" && r[3] == "3.0"),
        "{version}"
    );
    let versions = ok(&["version-list"]);
    assert!(
        versions.starts_with("Client supported API versions:"),
        "{versions}"
    );
    assert!(versions.contains("CURRENT"), "{versions}");
    let summary = ok(&["summary"]);
    assert!(prop(&summary, "total_count").is_some(), "{summary}");
    let default = ok(&["type-default"]);
    assert_eq!(rows(&default).len(), 1, "{default}");
}

#[test]
fn microversion_errors() {
    require_cloud();
    let run = fails(&["--os-volume-api-version", "3.0", "summary"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("3.12"), "{}", run.stderr);
    // Changed: 3.99 was refused; cinderclient uses the newest version both sides support and
    // warns, and so does this client.
    let run = common::run(&["--os-volume-api-version", "3.99", "list"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("API version 3.99 requested, downgrading to 3.71 based on server support."),
        "{}",
        run.stderr
    );
    let run = fails(&["--os-volume-api-version", "3.2", "message-list"]);
    assert!(run.stderr.contains("3.3"), "{}", run.stderr);
    let run = fails(&["--os-volume-api-version", "3.44", "list", "--with-count"]);
    assert!(run.stderr.contains("3.45"), "{}", run.stderr);
    let run = fails(&[
        "--os-volume-api-version",
        "3.32",
        "list",
        "--filters",
        "name=x",
    ]);
    assert!(run.stderr.contains("3.33"), "{}", run.stderr);
    // Gates inside action bodies come from the spec too (body:<action>.<field>).
    let run = fails(&[
        "--os-volume-api-version",
        "3.15",
        "migrate",
        "no-such-volume",
        "--cluster",
        "c@b",
    ]);
    assert!(
        run.stderr
            .contains("--cluster requires API version 3.16 or later"),
        "{}",
        run.stderr
    );
    let run = fails(&[
        "--os-volume-api-version",
        "3.0",
        "upload-to-image",
        "no-such-volume",
        "img",
        "--visibility",
        "private",
    ]);
    assert!(
        run.stderr
            .contains("--visibility/--protected requires API version 3.1 or later"),
        "{}",
        run.stderr
    );
    let run = fails(&["--os-volume-api-version", "3.32", "list-filters"]);
    assert!(
        run.stderr
            .contains("list-filters requires API version 3.33 or later"),
        "{}",
        run.stderr
    );
    // The same flags work at a new enough version.
    let out = ok(&["--os-volume-api-version", "3.45", "list", "--with-count"]);
    assert!(out.contains("Volume in total:"), "{out}");
}

#[test]
fn credentials_and_usage_errors() {
    require_cloud();
    // No cloud and no credentials: names what is missing, exit 1.
    let missing = run_as(None, &["list"]);
    assert_eq!(missing.code, Some(1));
    assert!(
        missing.stderr.contains("You must provide")
            && missing.stderr.contains("--os-username")
            && missing.stderr.contains("env[OS_PASSWORD]"),
        "{}",
        missing.stderr
    );
    // Usage errors are clap's: exit 2.
    let usage = run(&["extend"]);
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
    let unknown = run(&["no-such-command"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr);
    // help works like cinderclient's.
    let help = run(&["help", "create"]);
    assert_eq!(help.code, Some(0));
    assert!(help.stdout.contains("--volume-type"), "{}", help.stdout);

    // --debug shows requests but never the password.
    let password = std::fs::read_to_string(clouds_yaml())
        .unwrap()
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("password:")
                .map(|p| p.trim().to_string())
        })
        .expect("a password in clouds.yaml");
    let debug = run(&["--debug", "availability-zone-list"]);
    assert_eq!(debug.code, Some(0), "{}", debug.stderr);
    assert!(debug.stderr.contains("DEBUG"), "{}", debug.stderr);
    assert!(!debug.stderr.contains(&password) && !debug.stdout.contains(&password));
}

#[test]
fn list_filters_shows_what_each_resource_accepts() {
    require_cloud();
    let all = ok(&["list-filters"]);
    let rows = rows(&all);
    let resources: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = resources.clone();
    sorted.sort();
    assert_eq!(resources, sorted, "sorted by resource: {all}");
    let volume = rows
        .iter()
        .find(|r| r[0] == "volume")
        .unwrap_or_else(|| panic!("no volume row: {all}"));
    // The local cloud uses Cinder's own resource_filters.json.
    let filters: Vec<&str> = volume[1].split(", ").collect();
    assert!(
        filters.contains(&"name") && filters.contains(&"status"),
        "{all}"
    );

    let one = ok(&["list-filters", "--resource", "snapshot", "-f", "json"]);
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    let one = one.as_array().unwrap();
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!(one[0]["resource"], "snapshot");
    assert!(one[0]["filters"]
        .as_array()
        .unwrap()
        .contains(&"volume_id".into()));

    // An unknown resource is an empty list, as Cinder answers.
    let none = ok(&[
        "list-filters",
        "--resource",
        "no-such-resource",
        "-f",
        "json",
    ]);
    assert_eq!(none.trim(), "[]");
}
