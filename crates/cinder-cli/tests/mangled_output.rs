//! Every printing command prints what the server sent, and never fails because an answer
//! lacks a field, sends `null` where the spec does not expect it, or adds a field: the proxy
//! in front of the real cloud (`cinder_tests::fault_proxy`) changes the answer each command
//! prints, one field at a time, and the command must succeed and show the change (a removed
//! field has no row, a `null` one shows `None`, an unknown one is kept). Strings holding
//! terminal control sequences are printed with the controls shown as escapes, in the table
//! and in the `value` format, and never reach the terminal raw.

mod common;

use cinder_tests::fault_proxy::{Fault, Mangling, Matcher, Proxied};
use common::{ok, require_cloud, unique};
use serde_json::Value;

/// A printing command, the request whose answer it prints, and where in that answer the
/// printed object is (`""` for a list: its first item is changed).
struct Printer {
    args: Vec<String>,
    /// The method of the request whose answer is changed.
    method: &'static str,
    /// A substring of that request's path.
    path: String,
    /// Only a few changes, for a command that creates something each time it runs.
    sample: bool,
    /// The JSON pointer of the printed object in the answer.
    object: &'static str,
    /// Whether the command prints the object as a `Property | Value` table.
    property_table: bool,
}

fn printer(args: &[&str], path: &str, object: &'static str, property_table: bool) -> Printer {
    Printer {
        args: args.iter().map(|a| a.to_string()).collect(),
        method: "GET",
        path: path.to_string(),
        sample: false,
        object,
        property_table,
    }
}

/// A [`printer`] whose printed answer is that of a `method` request, changed a few times only.
fn mutating(method: &'static str, p: Printer) -> Printer {
    Printer {
        method,
        sample: true,
        ..p
    }
}

/// The first row of a `Property | Value` table whose property is `key`.
fn property(table: &str, key: &str) -> Option<String> {
    common::prop(table, key)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn printing_commands_print_mangled_answers() {
    require_cloud();
    // What the commands print: the seeded volume with metadata, its snapshot, a type with a
    // spec and encryption, a private one. The writing commands below write what they have.
    let seed = cinder_tests::seed::seed().await;
    let (volume, snapshot) = (seed.volume.clone(), seed.snapshot.clone());
    let (vtype, private) = (seed.volume_type.clone(), seed.private_type.clone());
    let tier = {
        let (key, value) = cinder_tests::seed::METADATA;
        format!("{key}={value}")
    };
    let name = unique("mangled");
    // A group type, a group of a volume type of its own with a volume, its snapshot.
    let value_of = |args: &[&str]| {
        ok(&[args, &["-f", "value", "-c", "id"]].concat())
            .trim()
            .to_string()
    };
    let gtype = value_of(&["group-type-create", &name]);
    ok(&[
        "group-type-key",
        &gtype,
        "set",
        "consistent_group_snapshot_enabled=<is> True",
    ]);
    let gvtype = value_of(&["type-create", &format!("{name}-gvt")]);
    let group = value_of(&["group-create", &gtype, &gvtype, "--name", &name, "--wait"]);
    // Deleted with the group.
    value_of(&[
        "create",
        "1",
        "--volume-type",
        &gvtype,
        "--group-id",
        &group,
        "--name",
        &name,
        "--wait",
    ]);
    let gsnap = value_of(&["group-snapshot-create", &group, "--name", &name, "--wait"]);
    let message = ok(&["message-list", "-f", "value", "-c", "id"]);
    let made = unique("mangled-made");
    // The quotas of a project ID no Keystone project has (Cinder does not ask Keystone).
    let quotas = unique("mangled-quotas");
    // QoS specs associated with a type of their own, so that the association list has a row.
    let qos = ok(&[
        "qos-create",
        &unique("mangled-qos"),
        "a=b",
        "-f",
        "value",
        "-c",
        "id",
    ])
    .trim()
    .to_string();
    let qos_type = ok(&[
        "type-create",
        &unique("mangled-qos"),
        "-f",
        "value",
        "-c",
        "id",
    ])
    .trim()
    .to_string();
    ok(&["qos-associate", &qos, &qos_type]);

    // The seeded volume's attachment (made by its attach).
    let attachment = value_of(&["attachment-list", "--volume-id", &volume]);
    let printers = vec![
        printer(
            &["attachment-show", &attachment],
            "/attachments/",
            "/attachment",
            true,
        ),
        printer(
            &["attachment-list", "--volume-id", &volume],
            "/attachments",
            "/attachments/0",
            false,
        ),
        printer(&["show", &volume], "/volumes/", "/volume", true),
        printer(
            &["list", "--name", &seed.volume_name()],
            "/volumes/detail",
            "/volumes/0",
            false,
        ),
        printer(
            &["metadata-show", &volume],
            "/volumes/",
            "/volume/metadata",
            true,
        ),
        printer(
            &["snapshot-show", &snapshot],
            "/snapshots/",
            "/snapshot",
            true,
        ),
        printer(
            &["snapshot-list", "--name", &seed.snapshot_name()],
            "/snapshots/detail",
            "/snapshots/0",
            false,
        ),
        printer(
            &["snapshot-metadata-show", &snapshot],
            "/snapshots/",
            "/snapshot/metadata",
            true,
        ),
        printer(&["type-show", &vtype], "/types/", "/volume_type", true),
        printer(&["type-list"], "/types", "/volume_types/0", false),
        printer(&["type-default"], "/types/default", "/volume_type", false),
        printer(&["extra-specs-list"], "/types", "/volume_types/0", false),
        printer(&["summary"], "/volumes/summary", "/volume-summary", true),
        printer(
            &["group-type-show", &gtype],
            "/group_types/",
            "/group_type",
            true,
        ),
        printer(
            &["group-type-list"],
            "/group_types",
            "/group_types/0",
            false,
        ),
        printer(
            &["group-specs-list"],
            "/group_types",
            "/group_types/0",
            false,
        ),
        printer(&["group-show", &group], "/groups/", "/group", true),
        printer(&["group-list"], "/groups/detail", "/groups/0", false),
        printer(
            &["group-snapshot-show", &gsnap],
            "/group_snapshots/",
            "/group_snapshot",
            true,
        ),
        printer(
            &["group-snapshot-list"],
            "/group_snapshots/detail",
            "/group_snapshots/0",
            false,
        ),
        // The legacy commands show any group and group snapshot, these ones too.
        printer(
            &["consisgroup-show", &group],
            "/consistencygroups/",
            "/consistencygroup",
            true,
        ),
        printer(
            &["consisgroup-list"],
            "/consistencygroups/detail",
            "/consistencygroups/0",
            false,
        ),
        printer(
            &["cgsnapshot-show", &gsnap],
            "/cgsnapshots/",
            "/cgsnapshot",
            true,
        ),
        printer(
            &["cgsnapshot-list"],
            "/cgsnapshots/detail",
            "/cgsnapshots/0",
            false,
        ),
        printer(&["absolute-limits"], "/limits", "/limits/absolute", false),
        printer(
            &["availability-zone-list"],
            "/os-availability-zone",
            "/availabilityZoneInfo/0",
            false,
        ),
        printer(
            &["list-filters"],
            "/resource_filters",
            "/resource_filters/0",
            false,
        ),
        printer(&["message-list"], "/messages", "", false),
        printer(&["api-version"], "/", "/versions/0", false),
        printer(&["version-list"], "/", "/versions/0", false),
        printer(&["rate-limits"], "/limits", "/limits", false),
        // The quota tables keep only quota names (cinderclient's `_quota_resources`): an
        // unknown field has no row there, so they are checked for surviving only.
        printer(
            &["quota-show", &quotas],
            "/os-quota-sets/",
            "/quota_set",
            false,
        ),
        printer(
            &["quota-usage", &quotas],
            "/os-quota-sets/",
            "/quota_set",
            false,
        ),
        printer(
            &["quota-defaults", &quotas],
            "/defaults",
            "/quota_set",
            false,
        ),
        printer(
            &["quota-class-show", "default"],
            "/os-quota-class-sets/",
            "/quota_class_set",
            false,
        ),
        printer(
            &["default-type-list"],
            "/default-types",
            "/default_types/0",
            false,
        ),
        printer(&["service-list"], "/os-services", "/services/0", false),
        // Every pool has the same capabilities: a list's few changes, not row by row.
        printer(
            &["get-pools", "--detail"],
            "/scheduler-stats/get_pools",
            "/pools/0/capabilities",
            false,
        ),
        printer(
            &["get-capabilities", "cinder-local@fake"],
            "/capabilities/",
            "",
            true,
        ),
        printer(
            &["cluster-list", "--detailed"],
            "/clusters/detail",
            "/clusters/0",
            false,
        ),
        printer(
            &["cluster-show", "cinder-cluster@clustered"],
            "/clusters/cinder-cluster",
            "/cluster",
            true,
        ),
        // Cleaning the clustered service, up and without volumes, does nothing.
        mutating(
            "POST",
            printer(
                &[
                    "work-cleanup",
                    "--cluster",
                    "cinder-cluster@clustered",
                    "--is-up",
                    "true",
                ],
                "/workers/cleanup",
                "",
                false,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &["service-get-log", "--binary", "cinder-api"],
                "/os-services/get-log",
                "/log_levels/0",
                false,
            ),
        ),
        // Cinder 29's enable changes nothing (README): the answer is all there is.
        mutating(
            "PUT",
            printer(
                &["service-enable", "cinder-local@fake2", "cinder-volume"],
                "/os-services/enable",
                "",
                false,
            ),
        ),
        // The file back end holds at least the seeded backup's volume (already managed).
        printer(
            &["manageable-list", "cinder-local@file#file"],
            "/manageable_volumes/detail",
            "/manageable-volumes/0",
            false,
        ),
        printer(
            &[
                "manageable-list",
                "cinder-local@file#file",
                "--detailed",
                "false",
            ],
            "/manageable_volumes?",
            "/manageable-volumes/0",
            false,
        ),
        printer(&["qos-list"], "/qos-specs", "/qos_specs/0", false),
        printer(&["qos-show", &qos], "/qos-specs/", "/qos_specs", true),
        printer(
            &["transfer-show", &seed.transfer],
            "/volume-transfers/",
            "/transfer",
            true,
        ),
        printer(
            &["transfer-list"],
            "/volume-transfers/detail",
            "/transfers/0",
            false,
        ),
        printer(
            &["qos-get-association", &qos],
            "/associations",
            "/qos_associations/0",
            false,
        ),
        mutating(
            "POST",
            printer(
                &["qos-create", &format!("{made}-{{n}}"), "a=b"],
                "/qos-specs",
                "/qos_specs",
                true,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &["quota-update", &quotas, "--volumes", "7"],
                "/os-quota-sets/",
                "/quota_set",
                false,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &[
                    "quota-class-update",
                    "mangled-quota-class",
                    "--volumes",
                    "7",
                ],
                "/os-quota-class-sets/",
                "/quota_class_set",
                false,
            ),
        ),
        printer(
            &["type-access-list", "--volume-type", &private],
            "os-volume-type-access",
            "/volume_type_access/0",
            false,
        ),
        printer(&["encryption-type-show", &vtype], "/encryption", "", false),
        printer(&["encryption-type-list"], "/encryption", "", false),
        mutating(
            "POST",
            printer(
                &["image-metadata-show", &volume],
                "/action",
                "/metadata",
                true,
            ),
        ),
        mutating(
            "GET",
            printer(
                &["create", "1", "--name", &made],
                "/volumes/",
                "/volume",
                true,
            ),
        ),
        mutating(
            "POST",
            printer(
                &["snapshot-create", &volume, "--force", "--name", &made],
                "/snapshots",
                "/snapshot",
                true,
            ),
        ),
        mutating(
            "POST",
            printer(
                &["type-create", &format!("{made}-{{n}}")],
                "/types",
                "/volume_type",
                false,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &[
                    "type-update",
                    &vtype,
                    "--description",
                    cinder_tests::seed::TYPE_DESCRIPTION,
                ],
                "/types/",
                "/volume_type",
                false,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &["metadata-update-all", &volume, &tier],
                "/metadata",
                "/metadata",
                true,
            ),
        ),
        mutating(
            "PUT",
            printer(
                &["snapshot-metadata-update-all", &snapshot, &tier],
                "/metadata",
                "",
                true,
            ),
        ),
    ];
    let printers: Vec<Printer> = match message.lines().next() {
        Some(message) => {
            let show = printer(&["message-show", message], "/messages/", "/message", true);
            printers.into_iter().chain([show]).collect()
        }
        None => printers,
    };
    let cache = common::workspace().join("target/test-cache-mangled");
    let mut problems = Vec::new();
    let mut runs = 0;
    let chunks: Vec<Vec<Printer>> = {
        let mut chunks: Vec<Vec<Printer>> = (0..4).map(|_| Vec::new()).collect();
        for (i, p) in printers.into_iter().enumerate() {
            chunks[i % 4].push(p);
        }
        chunks
    };
    let mut workers = Vec::new();
    for chunk in chunks {
        let cache = cache.clone();
        workers.push(tokio::spawn(async move {
            let proxied = Proxied::start().await;
            let mut problems = Vec::new();
            let mut runs = 0;
            for p in chunk {
                let args: Vec<&str> = p.args.iter().map(String::as_str).collect();
                let mut json_args = args.clone();
                json_args.extend(["-f", "json"]);
                let real = common::cinder_through(&proxied, Some(&cache), &json_args).await;
                assert_eq!(real.code, Some(0), "{args:?}: {}", real.stderr);
                // The fields of the printed object, from the real answer it printed.
                let answer = last_answer(&proxied, p.method, &p.path);
                let Some(Value::Object(object)) = answer.pointer(p.object) else {
                    // Nothing to change (no messages, say): the unchanged run is the check.
                    continue;
                };
                // Every printing command, as a table and as values: the controls are shown.
                for format in [&[][..], &["-f", "value"][..]] {
                    let mut escaped: Vec<&str> = args.clone();
                    escaped.extend(format);
                    let matcher = Matcher::request(p.method, &p.path);
                    let mangling = Mangling::Escapes(p.object.to_string());
                    proxied.cinder.always(matcher, Fault::Mangle(mangling));
                    let run = common::cinder_through(&proxied, Some(&cache), &escaped).await;
                    proxied.cinder.clear();
                    runs += 1;
                    let raw = |text: &str| text.chars().any(|c| c.is_control() && c != '\n');
                    if raw(&run.stdout) || raw(&run.stderr) {
                        problems.push(format!(
                            "cinder {}: control characters printed raw:\n{:?}\n{:?}",
                            escaped.join(" "),
                            run.stdout,
                            run.stderr
                        ));
                    } else if run.code == Some(0)
                        && has_strings(&Value::Object(object.clone()))
                        // The changed status no longer names the current version: no row.
                        && args[0] != "api-version"
                        // The quota tables print numbers only: the one string, `id`, is not a
                        // quota (cinderclient's `_quota_resources` filter).
                        && !args[0].starts_with("quota-")
                        && !run.stdout.contains("\\x1b]0;owned\\x07")
                    {
                        problems.push(format!(
                            "cinder {}: the escaped sequence is not shown:\n{}",
                            escaped.join(" "),
                            run.stdout
                        ));
                    }
                }
                let mut manglings = vec![Mangling::AddUnknown(p.object.to_string())];
                for key in object.keys() {
                    let pointer =
                        format!("{}/{}", p.object, key.replace('~', "~0").replace('/', "~1"));
                    manglings.push(Mangling::Remove(pointer.clone()));
                    manglings.push(Mangling::Null(pointer));
                }
                // A list's or a creating command's answer: a few changes show that it prints
                // what it gets; a `Property | Value` table is checked field by field.
                if p.sample || !p.property_table {
                    manglings.truncate(if p.sample { 3 } else { 9 });
                }
                for (n, mangling) in manglings.into_iter().enumerate() {
                    // A creating command makes something new each time: `{n}` numbers it.
                    let numbered: Vec<String> = args
                        .iter()
                        .map(|a| a.replace("{n}", &n.to_string()))
                        .collect();
                    let args: Vec<&str> = numbered.iter().map(String::as_str).collect();
                    let matcher = Matcher::request(p.method, &p.path);
                    proxied
                        .cinder
                        .always(matcher, Fault::Mangle(mangling.clone()));
                    let run = common::cinder_through(&proxied, Some(&cache), &args).await;
                    proxied.cinder.clear();
                    runs += 1;
                    let what = format!("cinder {} with {mangling:?}", args.join(" "));
                    if run.code != Some(0) {
                        problems.push(format!("{what}: failed: {}", run.stderr.trim()));
                        continue;
                    }
                    if !p.property_table {
                        continue;
                    }
                    let key = mangling.pointer().rsplit('/').next().unwrap_or_default();
                    let shown = property(&run.stdout, key);
                    let right = match &mangling {
                        Mangling::Remove(_) => shown.is_none(),
                        Mangling::Null(_) => shown.as_deref() == Some("None"),
                        Mangling::AddUnknown(_) => {
                            property(&run.stdout, "x-unknown-field").is_some()
                        }
                        // Checked above, for every command.
                        Mangling::Escapes(_) => true,
                    };
                    // Rows cinderclient derives from a field (attached_servers from
                    // attachments), leaves out (links) or prints in a table of their own (an
                    // attachment's connection_info) do not show the change as such.
                    let derived = [
                        "attachments",
                        "links",
                        "os-volume-type-access:is_public",
                        "connection_info",
                    ];
                    if !right && !derived.contains(&key) {
                        problems.push(format!(
                            "{what}: the table does not show it:\n{}",
                            run.stdout
                        ));
                    }
                }
            }
            (runs, problems)
        }));
    }
    for worker in workers {
        let (count, found) = worker.await.expect("a worker panicked");
        runs += count;
        problems.extend(found);
    }
    // What the runs made (the seed stays for the next test).
    let made_by = |list: &str| -> Vec<String> {
        let rows = ok(&[list, "-f", "value", "-c", "id", "-c", "name"]);
        let made = rows.lines().filter(|row| row.contains(&made));
        made.filter_map(|row| row.split_whitespace().next().map(str::to_string))
            .collect()
    };
    for id in made_by("snapshot-list") {
        ok(&["snapshot-delete", &id, "--wait"]);
    }
    for id in made_by("list") {
        ok(&["delete", &id, "--wait"]);
    }
    for id in made_by("type-list") {
        ok(&["type-delete", &id]);
    }
    ok(&["group-snapshot-delete", &gsnap, "--wait"]);
    ok(&["group-delete", "--delete-volumes", &group, "--wait"]);
    ok(&["group-type-delete", &gtype]);
    ok(&["type-delete", &gvtype]);
    ok(&["quota-delete", &quotas]);
    for id in made_by("qos-list") {
        ok(&["qos-delete", &id]);
    }
    ok(&["qos-delete", &qos, "--force"]);
    ok(&["type-delete", &qos_type]);
    assert!(runs > 100, "too few mangled answers were printed: {runs}");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn has_strings(value: &Value) -> bool {
    match value {
        Value::String(_) => true,
        Value::Array(items) => items.iter().any(has_strings),
        Value::Object(map) => map.values().any(has_strings),
        _ => false,
    }
}

/// The answer the last `method` request of `path` got, as the proxy passed it on.
fn last_answer(proxied: &Proxied, method: &str, path: &str) -> Value {
    let seen = proxied.cinder.seen();
    let answer = seen
        .iter()
        .rev()
        .find(|s| s.method == method && s.path.contains(path))
        .and_then(|s| s.answer.clone())
        .unwrap_or_else(|| panic!("no answer to {method} {path} was seen"));
    serde_json::from_str(&answer).unwrap_or(Value::Null)
}
