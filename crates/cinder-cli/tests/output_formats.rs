//! `-f/--format`, `-c/--column` and paging (`--limit`, `--marker`, `--sort`, `--page-size`)
//! against the local cloud.

mod common;

use std::fs::File;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

/// Runs and parses stdout as JSON.
fn json(args: &[&str]) -> Value {
    let out = ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
}

/// Runs and parses stdout as YAML.
fn yaml(args: &[&str]) -> Value {
    let out = ok(args);
    serde_norway::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not YAML ({e}):\n{out}"))
}

/// The top-level keys of a printed JSON object, or of each object of a printed array, in the
/// order the CLI wrote them (serde_json's `Map` may sort them when parsed).
fn printed_keys(text: &str) -> Vec<String> {
    let indent = if text.starts_with('[') {
        "    \""
    } else {
        "  \""
    };
    text.lines()
        .filter_map(|l| l.strip_prefix(indent)?.split_once("\":"))
        .map(|(key, _)| key.to_string())
        .collect()
}

/// stdout and stderr of one run, interleaved in the order they were written.
fn merged(args: &[&str]) -> String {
    let path = std::env::temp_dir().join(unique("merged"));
    let file = File::create(&path).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    let status = command
        .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
        .env("OS_CLOUD", "local")
        .args(args)
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .status()
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(status.success(), "{args:?} failed:\n{text}");
    text
}

/// Creates a 1 GiB volume named `name` and returns its ID (as JSON says it).
fn create_volume(name: &str) -> String {
    let created = json(&["create", "1", "--name", name, "-f", "json"]);
    created["id"].as_str().expect("id is a string").to_string()
}

#[test]
fn volumes_and_snapshots_in_every_format() {
    require_cloud();
    let name = unique("fmt");
    let created = json(&[
        "create",
        "1",
        "--name",
        &name,
        "--metadata",
        "purpose=test",
        "-f",
        "json",
    ]);
    let id = created["id"].as_str().unwrap().to_string();
    let _cleanup = Cleanup(vec![vec!["delete".into(), "--cascade".into(), id.clone()]]);
    assert_eq!(created["size"], 1, "{created}");
    assert_eq!(created["metadata"]["purpose"], "test");
    wait_for(&["show", &id], "status", &["available"]);

    // show: one object with the API's keys and types, links left out.
    let shown = json(&["show", &id, "-f", "json"]);
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["status"], "available");
    assert!(shown["size"].is_u64(), "{shown}");
    assert!(shown["encrypted"].is_boolean(), "{shown}");
    assert!(shown["description"].is_null(), "{shown}");
    assert!(shown["os-vol-host-attr:host"].is_string(), "{shown}");
    assert_eq!(shown["metadata"], serde_json::json!({"purpose": "test"}));
    assert!(shown.get("links").is_none(), "{shown}");
    assert_eq!(yaml(&["show", &id, "-f", "yaml"]), shown);
    assert_eq!(
        ok(&["show", &id, "-f", "value", "-c", "status", "-c", "SIZE"]),
        "available\n1\n"
    );
    let table = ok(&["show", &id, "-c", "os-vol-host-attr:host", "-c", "name"]);
    assert_eq!(rows(&table).len(), 2, "{table}");
    assert_eq!(prop(&table, "name").as_deref(), Some(name.as_str()));
    let meta = json(&["metadata-show", &id, "-f", "json"]);
    assert_eq!(meta, serde_json::json!({"purpose": "test"}));
    assert_eq!(
        ok(&["metadata-show", &id, "-f", "value", "-c", "purpose"]),
        "test\n"
    );

    // list: an array of objects under the table's columns, keyed by stable names.
    let listed_text = ok(&["list", "--name", &name, "-f", "json"]);
    let listed: Value = serde_json::from_str(&listed_text).unwrap();
    let items = listed.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(
        printed_keys(&listed_text),
        [
            "id",
            "status",
            "name",
            "size",
            "consumes_quota",
            "volume_type",
            "bootable",
            "attached_to"
        ]
    );
    assert_eq!(items[0].as_object().unwrap().len(), 8);
    let item = &items[0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["size"], 1);
    assert_eq!(item["consumes_quota"], true);
    assert_eq!(item["bootable"], "false");
    assert_eq!(item["attached_to"], "");
    assert_eq!(yaml(&["list", "--name", &name, "-f", "yaml"]), listed);
    let volume_type = item["volume_type"].as_str().unwrap();
    assert_eq!(
        ok(&[
            "list",
            "--name",
            &name,
            "-f",
            "value",
            "-c",
            "ID",
            "-c",
            "volume_type"
        ]),
        format!("{id} {volume_type}\n")
    );
    // -c by header or key, any case, in the order given; the table keeps its layout.
    let table = ok(&["list", "--name", &name, "-c", "volume type", "-c", "Id"]);
    let width = volume_type.len().max("Volume Type".len());
    assert_eq!(
        table.lines().nth(1).unwrap(),
        format!("| {:width$} | {:36} |", "Volume Type", "ID")
    );
    assert_eq!(
        rows(&table),
        vec![vec![volume_type.to_string(), id.clone()]]
    );
    // --fields columns are selectable by the API's key too.
    let fields = json(&[
        "list",
        "--name",
        &name,
        "--fields",
        "os-vol-host-attr:host,size",
        "-f",
        "json",
    ]);
    assert_eq!(
        fields[0]["os-vol-host-attr:host"],
        shown["os-vol-host-attr:host"]
    );

    // Snapshots.
    let mut snapshots = Vec::new();
    for n in 0..2 {
        let snap = json(&[
            "snapshot-create",
            &id,
            "--name",
            &format!("{name}-s{n}"),
            "-f",
            "json",
        ]);
        assert_eq!(snap["volume_id"], id.as_str());
        assert_eq!(snap["size"], 1);
        snapshots.push(snap["id"].as_str().unwrap().to_string());
    }
    for snap in &snapshots {
        wait_for(&["snapshot-show", snap], "status", &["available"]);
    }
    let shown = yaml(&["snapshot-show", &snapshots[0], "-f", "yaml"]);
    assert_eq!(shown["id"], snapshots[0].as_str());
    assert_eq!(shown["status"], "available");
    assert!(shown["size"].is_u64(), "{shown}");
    let list_text = ok(&["snapshot-list", "--volume-id", &id, "-f", "json"]);
    let list: Value = serde_json::from_str(&list_text).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(
        printed_keys(&list_text),
        [
            "id",
            "volume_id",
            "status",
            "name",
            "size",
            "consumes_quota",
            "user_id"
        ]
        .repeat(2)
    );
    // Paging: one item a request, a limit, a marker, the server's sort.
    let mut sorted = snapshots.clone();
    sorted.sort();
    let by_id = |extra: &[&str]| {
        let mut args = vec![
            "snapshot-list",
            "--volume-id",
            id.as_str(),
            "--sort",
            "id:asc",
            "-f",
            "value",
            "-c",
            "id",
        ];
        args.extend_from_slice(extra);
        ok(&args).lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(by_id(&["--page-size", "1"]), sorted);
    assert_eq!(by_id(&["--limit", "1"]), sorted[..1]);
    assert_eq!(by_id(&["--marker", &sorted[0]]), sorted[1..]);
    for snap in &snapshots {
        ok(&["snapshot-delete", snap]);
    }
    for snap in &snapshots {
        wait_gone(&["snapshot-show", snap]);
    }
}

#[test]
fn paging_follows_next_links_and_streams() {
    require_cloud();
    let name = unique("page");
    let ids: Vec<String> = (0..3).map(|_| create_volume(&name)).collect();
    let _cleanup = Cleanup(
        ids.iter()
            .map(|id| vec!["delete".to_string(), id.clone()])
            .collect(),
    );
    for id in &ids {
        wait_for(&["show", id], "status", &["available"]);
    }
    let mut sorted = ids.clone();
    sorted.sort();
    let list = |extra: &[&str]| {
        let mut args = vec!["list", "--name", name.as_str(), "-f", "json"];
        args.extend_from_slice(extra);
        json(&args)
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };

    // All of them, in one request or one per item.
    let mut all = list(&[]);
    all.sort();
    assert_eq!(all, sorted);
    assert_eq!(list(&["--page-size", "1", "--sort", "id:asc"]), sorted);
    // --limit caps the total, across pages too; --marker starts after an item; --sort orders.
    assert_eq!(list(&["--limit", "2", "--sort", "id:asc"]), sorted[..2]);
    assert_eq!(
        list(&["--limit", "2", "--page-size", "1", "--sort", "id:asc"]),
        sorted[..2]
    );
    assert_eq!(
        list(&["--marker", &sorted[0], "--sort", "id:asc"]),
        sorted[1..]
    );
    let mut reversed = sorted.clone();
    reversed.reverse();
    assert_eq!(list(&["--sort", "id:desc", "--page-size", "2"]), reversed);
    // The table buffers every page and sorts by ID, as cinderclient does.
    let table = ok(&["list", "--name", &name, "--page-size", "1"]);
    let table_ids: Vec<String> = rows(&table).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(table_ids, sorted);
    let yaml_list = yaml(&["list", "--name", &name, "--page-size", "2", "-f", "yaml"]);
    assert_eq!(yaml_list.as_array().unwrap().len(), 3, "{yaml_list}");

    // Streaming: each item is printed after its page's response and before the next request's.
    for format in ["value", "json"] {
        let out = merged(&[
            "--debug",
            "list",
            "--name",
            &name,
            "--sort",
            "id:asc",
            "--page-size",
            "1",
            "-f",
            format,
            "-c",
            "id",
        ]);
        // Byte offsets: a JSON item's closing line ends only when the next item (or `]`)
        // comes, so a debug line may follow on the same line.
        let responses: Vec<usize> = out
            .match_indices("operation=list_volumes_detail}: cinder_client::http: RESP: [")
            .map(|(at, _)| at)
            .collect();
        // Three full pages, then an empty one ends the list.
        assert_eq!(responses.len(), 4, "{out}");
        for (n, id) in sorted.iter().enumerate() {
            let item = match format {
                "value" => format!("\n{id}\n"),
                _ => format!("\n    \"id\": \"{id}\""),
            };
            let printed = out
                .find(&item)
                .unwrap_or_else(|| panic!("{id} not printed:\n{out}"));
            assert!(
                responses[n] < printed && printed < responses[n + 1],
                "{format}: item {n} printed at {printed}, responses at {responses:?}:\n{out}"
            );
        }
    }
}

#[test]
fn types_in_every_format() {
    require_cloud();
    let name = unique("fmt-type");
    let created_text = ok(&[
        "type-create",
        &name,
        "--is-public",
        "false",
        "--description",
        "fmt",
        "-f",
        "json",
    ]);
    let created: Value = serde_json::from_str(&created_text).unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let _cleanup = Cleanup(vec![vec!["type-delete".into(), id.clone()]]);
    assert_eq!(
        printed_keys(&created_text),
        ["id", "name", "description", "is_public"]
    );
    assert_eq!(created["is_public"], false);
    assert_eq!(created["description"], "fmt");

    ok(&["type-key", &id, "set", "k1=v1"]);
    let shown = json(&["type-show", &id, "-f", "json"]);
    assert_eq!(shown["extra_specs"], serde_json::json!({"k1": "v1"}));
    assert_eq!(shown["is_public"], false);
    assert_eq!(
        ok(&["type-show", &id, "-f", "value", "-c", "name"]),
        format!("{name}\n")
    );
    let updated = yaml(&["type-update", &id, "--description", "new", "-f", "yaml"]);
    assert_eq!(updated["description"], "new");

    let list = json(&["type-list", "-f", "json"]);
    let mine = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} not in {list}"));
    assert_eq!(mine["is_public"], false);
    assert_eq!(
        json(&["type-list", "--limit", "1", "-f", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let names: Vec<String> = ok(&[
        "type-list",
        "--sort",
        "name:asc",
        "-f",
        "value",
        "-c",
        "Name",
    ])
    .lines()
    .map(str::to_string)
    .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    // Other tests create and delete types meanwhile: only mine is sure to be there.
    let paged = json(&["type-list", "--page-size", "1", "-f", "json"]);
    assert!(
        paged
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str()),
        "{paged}"
    );

    let specs = json(&["extra-specs-list", "-f", "json"]);
    assert!(
        specs
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str() && t["extra_specs"] == serde_json::json!({"k1": "v1"})),
        "{specs}"
    );
    assert_eq!(
        json(&["type-access-list", "--volume-type", &id, "-f", "json"]),
        serde_json::json!([])
    );

    let encryption = json(&[
        "encryption-type-create",
        &id,
        "luks",
        "--key-size",
        "256",
        "-f",
        "json",
    ]);
    assert_eq!(encryption["volume_type_id"], id.as_str());
    assert_eq!(encryption["key_size"], 256);
    assert!(encryption["cipher"].is_null(), "{encryption}");
    assert_eq!(encryption["control_location"], "front-end");
    let shown = yaml(&["encryption-type-show", &id, "-f", "yaml"]);
    assert_eq!(shown, encryption);
    let list = json(&["encryption-type-list", "-f", "json"]);
    assert!(list.as_array().unwrap().contains(&encryption), "{list}");
    ok(&["encryption-type-delete", &id]);
    assert_eq!(ok(&["encryption-type-show", &id, "-f", "json"]), "null\n");
    assert_eq!(ok(&["encryption-type-show", &id, "-f", "value"]), "");
}

#[test]
fn read_only_commands_in_json() {
    require_cloud();
    let limits = json(&["absolute-limits", "-f", "json"]);
    let total = limits
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "maxTotalVolumes")
        .unwrap_or_else(|| panic!("{limits}"));
    assert!(total["value"].is_i64(), "{limits}");
    assert!(json(&["rate-limits", "-f", "json"]).is_array());
    let zones = json(&["availability-zone-list", "-f", "json"]);
    assert!(
        zones
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "nova", "status": "available"})),
        "{zones}"
    );
    let summary = json(&["summary", "-f", "json"]);
    assert!(summary["total_count"].is_u64(), "{summary}");
    let default = json(&["type-default", "-f", "json"]);
    assert!(default["id"].is_string(), "{default}");

    // Remarks for people go to stderr, so stdout stays parseable.
    let run = run(&["api-version", "-f", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let versions: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(versions[0]["min_version"], "3.0");
    assert!(run.stderr.contains("Using API version"), "{}", run.stderr);
    let run = run_as(Some("local"), &["version-list", "-f", "yaml"]);
    let versions: Value = serde_norway::from_str(&run.stdout).unwrap();
    assert!(versions
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["status"] == "CURRENT"));
    assert!(run.stderr.contains("Client supported API versions"));
    let run = run_as(
        Some("local"),
        &[
            "--os-volume-api-version",
            "3.45",
            "list",
            "--with-count",
            "-f",
            "json",
        ],
    );
    assert!(serde_json::from_str::<Value>(&run.stdout)
        .unwrap()
        .is_array());
    assert!(run.stderr.contains("Volume in total:"), "{}", run.stderr);

    // Messages page from 3.5 on.
    let text = ok(&[
        "--os-volume-api-version",
        "3.5",
        "message-list",
        "-f",
        "json",
    ]);
    let messages: Value = serde_json::from_str(&text).unwrap();
    if let Some(first) = messages.as_array().unwrap().first() {
        assert_eq!(
            printed_keys(&text)[..5],
            [
                "id",
                "resource_type",
                "resource_uuid",
                "event_id",
                "user_message"
            ]
        );
        let shown = json(&["message-show", first["id"].as_str().unwrap(), "-f", "json"]);
        assert_eq!(shown["id"], first["id"]);
    }
    let limited = json(&[
        "--os-volume-api-version",
        "3.5",
        "message-list",
        "--limit",
        "1",
        "-f",
        "json",
    ]);
    assert!(limited.as_array().unwrap().len() <= 1, "{limited}");
    let refused = fails(&[
        "--os-volume-api-version",
        "3.4",
        "message-list",
        "--limit",
        "1",
        "-f",
        "json",
    ]);
    assert!(refused.stderr.contains("3.5"), "{}", refused.stderr);
    assert_eq!(refused.stdout, "");
}

#[test]
fn output_errors_print_nothing() {
    require_cloud();
    // An unknown column names the available ones, before any request.
    let run = fails(&["list", "-c", "ID", "-c", "nope", "-f", "json"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("No column 'nope'")
            && run.stderr.contains("Volume Type (volume_type)")
            && run.stderr.contains("Attached to (attached_to)"),
        "{}",
        run.stderr
    );
    let run = fails(&["type-default", "-c", "nope"]);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("Is_Public (is_public)"),
        "{}",
        run.stderr
    );
    let run = fails(&["summary", "-c", "nope", "-f", "yaml"]);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("total_count"), "{}", run.stderr);
    // A failed request prints nothing either.
    let run = fails(&["show", &unique("missing"), "-f", "json"]);
    assert_eq!(run.stdout, "");
    // A format clap does not know is a usage error.
    let run = common::run(&["list", "-f", "xml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("table, json, yaml, value"),
        "{}",
        run.stderr
    );
    // --help says which formats stream.
    let help = ok(&["list", "--help"]);
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("--format") && words.contains("as it arrives"),
        "{help}"
    );
    assert!(help.contains("--page-size"), "{help}");
}
