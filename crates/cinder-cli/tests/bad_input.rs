//! Bad input, one test per row: each wrong input fails with a non-zero status and a message
//! saying what was wrong and what is accepted.
//!
//! Mistakes the client can see by itself run against a loopback server that records every
//! request (`common::recorder`), reached with `--os-token`/`--os-endpoint` (or through
//! clouds.yaml and `OS_AUTH_URL` for the configuration rows), and must send nothing at all:
//! not even Cinder's versions document or a Keystone token. Rows that need the server's
//! judgement (which names exist, which sort keys Cinder has, the server's newest microversion)
//! run against the recorder where it can play the server, else against the local cloud.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::recorder::Recorder;
use common::{ok, prop, require_cloud, unique, wait_for, workspace, Cleanup};

/// A UUID nothing in the cloud has.
const SOME_UUID: &str = "5f8e2b2a-3c4d-4e6f-8a9b-0c1d2e3f4a5b";

/// How a row runs `cinder`: its arguments and environment, and what it may send.
struct Case {
    args: Vec<String>,
    env: Vec<(String, String)>,
    clouds_yaml: Option<String>,
    /// `--os-token`/`--os-endpoint` of the recorder before the arguments.
    token_endpoint: bool,
    /// The oldest and newest microversions the recorder's versions document offers.
    server_min: &'static str,
    server_max: &'static str,
    /// The requests the row cannot avoid; none for a mistake the client sees by itself.
    requests: Vec<&'static str>,
}

/// `cinder --os-token T --os-endpoint <recorder> ARGS`: only Cinder's versions document would
/// be asked for before the command itself, so any request at all is a failure.
fn args(args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        clouds_yaml: None,
        token_endpoint: true,
        server_min: "3.0",
        server_max: "3.71",
        requests: Vec::new(),
    }
}

/// `cinder ARGS` with no credentials but those given by [`Case::env`] or [`Case::clouds_yaml`].
fn bare(arguments: &[&str]) -> Case {
    Case {
        token_endpoint: false,
        ..args(arguments)
    }
}

impl Case {
    /// Sets a variable; `{auth_url}`, `{endpoint}` and `{dir}` (the row's scratch folder) are
    /// replaced.
    fn env(mut self, key: &str, value: &str) -> Case {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Password credentials whose Keystone is the recorder.
    fn password_env(self) -> Case {
        self.env("OS_AUTH_URL", "{auth_url}")
            .env("OS_USERNAME", "admin")
            .env("OS_PASSWORD", "secret")
            .env("OS_PROJECT_NAME", "admin")
    }

    /// Writes `{dir}/clouds.yaml` (with the same replacements) and points
    /// `OS_CLIENT_CONFIG_FILE` at it.
    fn clouds_yaml(mut self, text: &str) -> Case {
        self.clouds_yaml = Some(text.to_string());
        self
    }

    /// The recorder offers `min` to `max` and these requests are expected.
    fn server_range(
        mut self,
        min: &'static str,
        max: &'static str,
        requests: &[&'static str],
    ) -> Case {
        self.server_min = min;
        self.server_max = max;
        self.requests = requests.to_vec();
        self
    }
}

/// A cloud entry whose Keystone is the recorder, with `extra` lines added to it.
fn cloud_entry(extra: &str) -> String {
    format!(
        "clouds:\n  alpha:\n    auth:\n      auth_url: '{{auth_url}}'\n      username: admin\n      \
         password: secret\n      project_name: admin\n{extra}"
    )
}

/// A scratch folder under target/ for one row.
fn scratch(name: &str) -> PathBuf {
    let dir = workspace().join("target/test-scratch").join(unique(name));
    std::fs::create_dir_all(dir.join("home")).unwrap();
    dir
}

/// Runs the row and checks the refusal: a non-zero status from an error (1, or clap's 2, never
/// a crash), nothing on stdout, every needle on stderr, and no request but those expected.
fn refused(name: &str, case: Case, needles: &[&str]) {
    let recorder = Recorder::start_range(case.server_min, case.server_max);
    let dir = scratch(name);
    let fill = |text: &str| {
        text.replace("{auth_url}", &recorder.auth_url())
            .replace("{endpoint}", &recorder.endpoint())
            .replace("{dir}", &dir.display().to_string())
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key.starts_with("XDG_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    let config_file = dir.join("clouds.yaml");
    if let Some(text) = &case.clouds_yaml {
        std::fs::write(&config_file, fill(text)).unwrap();
    }
    command
        .current_dir(&dir)
        .env("HOME", dir.join("home"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("OS_CLIENT_CONFIG_FILE", &config_file);
    for (key, value) in &case.env {
        command.env(key, fill(value));
    }
    if case.token_endpoint {
        command.args(["--os-token", "T", "--os-endpoint", &recorder.endpoint()]);
    }
    command.args(&case.args);
    let output = command.output().expect("run cinder");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(
        matches!(code, Some(1 | 2)),
        "cinder {:?} exited with {code:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        case.args
    );
    assert_eq!(stdout, "", "cinder {:?} printed on stdout", case.args);
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "cinder {:?}: stderr lacks {needle:?}:\n{stderr}",
            case.args
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        recorder.requests(),
        case.requests,
        "cinder {:?} sent other requests than expected",
        case.args
    );
    // Kept for inspection when a row fails.
    let _ = std::fs::remove_dir_all(&dir);
}

/// One `#[test]` per row: `name: case => [needles on stderr];`.
macro_rules! rows {
    ($($name:ident: $case:expr => [$($needle:expr),+ $(,)?];)+) => {$(
        #[test]
        fn $name() {
            refused(stringify!($name), $case, &[$($needle),+]);
        }
    )+};
}

rows! {
    // Sizes: whole GiB from 1 to Cinder's DB_MAX_INT, refused while parsing.
    create_size_zero: args(&["create", "0"])
        => ["invalid value '0' for '[size]'", "at least 1 GiB", "whole number of GiB from 1 to 2147483647"];
    create_size_negative: args(&["create", "-1"])
        => ["invalid value '-1' for '[size]'", "at least 1 GiB", "from 1 to 2147483647"];
    create_size_fraction: args(&["create", "1.5"])
        => ["invalid value '1.5' for '[size]'", "not a whole number", "from 1 to 2147483647"];
    create_size_word: args(&["create", "abc"])
        => ["invalid value 'abc' for '[size]'", "not a whole number", "from 1 to 2147483647"];
    create_size_huge: args(&["create", "99999999999999999999"])
        => ["invalid value '99999999999999999999'", "largest volume, 2147483647 GiB"];
    create_size_just_above_cinders_maximum: args(&["create", "2147483648"])
        => ["invalid value '2147483648'", "largest volume, 2147483647 GiB"];
    extend_size_zero: args(&["extend", "vol", "0"])
        => ["invalid value '0' for '<new_size>'", "at least 1 GiB", "from 1 to 2147483647"];
    extend_size_negative: args(&["extend", "vol", "-1"])
        => ["invalid value '-1' for '<new_size>'", "at least 1 GiB"];
    extend_size_fraction: args(&["extend", "vol", "1.5"])
        => ["invalid value '1.5' for '<new_size>'", "not a whole number", "from 1 to 2147483647"];
    extend_size_word: args(&["extend", "vol", "abc"])
        => ["invalid value 'abc' for '<new_size>'", "not a whole number"];
    extend_size_huge: args(&["extend", "vol", "99999999999999999999"])
        => ["invalid value '99999999999999999999' for '<new_size>'", "largest volume"];
    create_without_size_or_source: args(&["create", "--name", "x"])
        => ["Size is a required parameter if snapshot or source volume or backup is not specified."];

    // IDs. The rows that refused a non-UUID `create --snapshot-id/--source-volid/--backup-id`
    // and `message-show/-delete` ID are gone: cinderclient sends any ID as it is and reports
    // the server's answer ("Invalid input for field/attribute snapshot_id ...", "No message
    // with a name or ID of 'latest' exists."), and so does this client now (the
    // `*_id_the_server_refuses` tests below). An empty ID names nothing and is still refused.
    create_snapshot_id_empty: args(&["create", "--snapshot-id", ""])
        => ["invalid value '' for '--snapshot-id <snapshot-id>'", "an ID cannot be empty"];
    message_delete_empty_id: args(&["message-delete", SOME_UUID, ""])
        => ["invalid value '' for '<message>...'", "an ID cannot be empty"];

    // Attachments: `--connect` is oslo's strict boolean, IDs cannot be empty.
    attachment_create_connect_not_a_boolean: args(&["attachment-create", "--connect", "maybe", "vol"])
        => ["invalid value 'maybe' for '--connect <connect>'", "Unrecognized value 'maybe'", "'true', 'y', 'yes'"];
    attachment_create_mode_unknown: args(&["attachment-create", "--mode", "rx", "vol"])
        => ["Invalid mode 'rx': use rw, ro or null."];
    attachment_create_without_volume: args(&["attachment-create"])
        => ["<volume>"];
    attachment_show_empty_id: args(&["attachment-show", ""])
        => ["invalid value '' for '<attachment>'", "an ID cannot be empty"];
    attachment_delete_empty_id: args(&["attachment-delete", SOME_UUID, ""])
        => ["invalid value '' for '<attachment>...'", "an ID cannot be empty"];
    attachment_complete_without_id: args(&["attachment-complete"])
        => ["<attachment>"];
    create_from_two_sources: args(&["create", "--snapshot-id", SOME_UUID, "--source-volid", SOME_UUID])
        => ["'--snapshot-id <snapshot-id>' cannot be used with '--source-volid <source-volid>'"];

    // Empty names and IDs.
    show_empty_name: args(&["show", ""])
        => ["invalid value '' for '<volume>'", "a name or ID cannot be empty"];
    delete_empty_name: args(&["delete", "vol", ""])
        => ["invalid value '' for '<volume>...'", "a name or ID cannot be empty"];
    type_create_blank_name: args(&["type-create", "  "])
        => ["invalid value '  ' for '<name>'", "cannot be empty or blank"];
    type_access_add_empty_project: args(&["type-access-add", "--volume-type", "t", "--project-id", ""])
        => ["invalid value '' for '--project-id <project_id>'", "a project ID cannot be empty"];

    // key=value pairs.
    metadata_set_without_equals: args(&["metadata", "vol", "set", "novalue"])
        => ["'novalue' has no '='", "expected key=value"];
    metadata_unset_empty_key: args(&["metadata", "vol", "unset", "=x"])
        => ["Invalid key '=x'", "the key to unset is empty"];
    type_key_set_without_equals: args(&["type-key", "t", "set", "volume_backend_name"])
        => ["'volume_backend_name' has no '='", "expected key=value"];
    snapshot_metadata_set_empty_key: args(&["snapshot-metadata", "s", "set", "=v"])
        => ["the key before '=' is empty in '=v'", "expected key=value"];
    create_hint_without_equals: args(&["create", "1", "--hint", "same_host"])
        => ["invalid value 'same_host' for '--hint <key=value>'", "has no '='", "expected key=value"];
    // As argparse reads it, the pairs end at `b`, which is then a second size: refused.
    create_metadata_without_equals: args(&["create", "1", "--metadata", "a=1", "b"])
        => ["unexpected argument 'b' found"];
    create_metadata_first_without_equals: args(&["create", "--metadata", "b", "1"])
        => ["invalid value 'b' for '--metadata [<key=value>...]'", "expected key=value"];
    metadata_update_all_without_equals: args(&["metadata-update-all", "vol", "novalue"])
        => ["invalid value 'novalue' for '<key=value>...'", "expected key=value"];
    list_filters_without_equals: args(&["list", "--filters", "status"])
        => ["invalid value 'status' for '--filters [<key=value>...]'", "expected key=value"];
    // The rows that refused `list --filters colour=red`, `snapshot-list --filters size=1` and
    // `list --filters size=big` are gone: cinderclient sends any filter key and value and lets
    // the server judge them, and so does this client now (tests/accepts.rs). What cinderclient
    // itself refuses before sending is still refused:
    list_filter_and_its_option: args(&["list", "--name", "a", "--filters", "name=b"])
        => ["Filters are only allowed to be passed once."];
    snapshot_list_filter_and_its_option: args(&["snapshot-list", "--filters", "volume_id=v", "--volume-id", "w"])
        => ["Filters are only allowed to be passed once."];
    list_filters_dictionary_without_colon: args(&["list", "--filters", "metadata={a}"])
        => ["Invalid filter 'metadata={a}'", "{key:value,key2:value2}"];

    // Microversions: 3, 3.N or 3.latest. The rows that refused 3.72 and 3.99 (newer than the
    // client's 3.71) are gone: cinderclient uses the newest version both sides support and
    // warns, and so does this client now (tests/accepts.rs).
    version_not_a_number: args(&["--os-volume-api-version", "3.x", "list"])
        => ["invalid API version \"3.x\"", "use 3, 3.N (N from 0 to 71) or 3.latest"];
    version_major_4: args(&["--os-volume-api-version", "4.0", "list"])
        => ["invalid API version \"4.0\"", "use 3, 3.N"];
    version_major_2: args(&["--os-volume-api-version", "2", "list"])
        => ["Volume API version 2 is not supported by this client", "use 3, 3.N or 3.latest"];
    version_from_the_environment: args(&["list"]).env("OS_VOLUME_API_VERSION", "three")
        => ["invalid API version \"three\"", "3.latest"];
    // The row that refused 3.65 from a server whose newest is 3.60 is gone: cinderclient
    // downgrades to 3.60 with a warning, and so does this client now (tests/accepts.rs).
    // Older than the server's oldest is still refused; only the server knows its range: its
    // versions document is asked for, once.
    version_below_server_min: args(&["--os-volume-api-version", "3.0", "list"]).server_range("3.5", "3.60", &["GET /"])
        => ["API version 3.0 is not supported by the server (it supports 3.5 to 3.60)"];

    // Options that exclude or need each other.
    migrate_host_and_cluster: args(&["migrate", "vol", "host@lvm#pool", "--cluster", "c1"])
        => ["'[host]' cannot be used with '--cluster <CLUSTER>'"];
    migrate_without_destination: args(&["migrate", "vol"])
        => ["required arguments were not provided", "--cluster <CLUSTER>|host"];
    wait_timeout_without_wait: args(&["delete", "vol", "--wait-timeout", "5"])
        => ["required arguments were not provided", "--wait"];
    wait_timeout_zero: args(&["delete", "vol", "--wait", "--wait-timeout", "0"])
        => ["invalid value '0' for '--wait-timeout <seconds>'", "positive number of seconds"];
    reset_state_snapshot_with_attach_status: args(&["reset-state", "--type", "snapshot", "--attach-status", "detached", "s"])
        => ["--attach-status and --reset-migration-status apply to volumes only", "--type snapshot"];
    reset_state_unknown_type: args(&["reset-state", "--type", "qos", "b"])
        => ["invalid value 'qos' for '--type <type>'", "[possible values: volume, backup, snapshot, group, group-snapshot"];
    reset_state_group_with_attach_status: args(&["reset-state", "--type", "group", "--attach-status", "detached", "g"])
        => ["--attach-status and --reset-migration-status apply to volumes only", "--type group"];
    rename_without_name_or_description: args(&["rename", "vol"])
        => ["Must supply either name or description."];
    type_update_without_changes: args(&["type-update", "t"])
        => ["Must supply at least one of --name, --description or --is-public."];

    // Groups.
    group_type_update_without_changes: args(&["group-type-update", "t"])
        => ["Must supply at least one of --name, --description or --is-public."];
    group_type_key_spec_key_with_a_space: args(&["group-type-key", "t", "set", "a b=c"])
        => ["Invalid group spec key \"a b\"", "1 to 255 characters among letters, digits and - _ : ."];
    group_type_key_unset_spec_key_with_a_slash: args(&["group-type-key", "t", "unset", "a/b"])
        => ["Invalid group spec key \"a/b\"", "letters, digits and - _ : ."];
    group_type_key_spec_value_too_long: args(&["group-type-key", "t", "set", &format!("k={}", "v".repeat(256))])
        => ["Invalid value of group spec \"k\"", "at most 255 characters"];
    group_type_key_set_without_equals: args(&["group-type-key", "t", "set", "consistent_group_snapshot_enabled"])
        => ["has no '='", "expected key=value"];
    group_type_create_blank_name: args(&["group-type-create", " "])
        => ["invalid value ' ' for '<name>'", "cannot be empty or blank"];
    group_update_without_changes: args(&["group-update", "g"])
        => ["At least one of the following args must be supplied: name, description, add-volumes, remove-volumes."];
    group_update_adds_and_removes_one_volume: args(&["group-update", "g", "--add-volumes", "v1,v2", "--remove-volumes", "v3, v2"])
        => ["Volume v2 is both in --add-volumes and in --remove-volumes", "either adds a volume or removes it"];
    group_create_from_src_without_source: args(&["group-create-from-src", "--name", "g"])
        => ["neither group snapshot nor source group is provided", "give --group-snapshot or --source-group"];
    group_create_from_src_with_both_sources: args(&["group-create-from-src", "--group-snapshot", "s", "--source-group", "g"])
        => ["both group snapshot and source group are provided", "only one of --group-snapshot and --source-group"];
    consisgroup_update_without_changes: args(&["consisgroup-update", "cg"])
        => ["At least one of the following args must be supplied", "name, description, add-volumes, remove-volumes"];
    consisgroup_update_adds_and_removes_one_volume: args(&["consisgroup-update", "cg", "--add-volumes", "v1", "--remove-volumes", "v1"])
        => ["Volume v1 is both in --add-volumes and in --remove-volumes"];
    consisgroup_create_from_src_without_source: args(&["consisgroup-create-from-src", "--name", "cg"])
        => ["neither cgsnapshot nor source CG is provided", "give --cgsnapshot or --source-cg"];
    consisgroup_create_from_src_with_both_sources: args(&["consisgroup-create-from-src", "--cgsnapshot", "s", "--source-cg", "cg"])
        => ["both cgsnapshot and source CG are provided", "only one of --cgsnapshot and --source-cg"];
    consisgroup_delete_without_groups: args(&["consisgroup-delete", "--force"])
        => ["<consistencygroup>"];
    cgsnapshot_show_empty_name: args(&["cgsnapshot-show", ""])
        => ["invalid value '' for '<cgsnapshot>'", "a name or ID cannot be empty"];
    group_show_empty_name: args(&["group-show", ""])
        => ["invalid value '' for '<group>'", "a name or ID cannot be empty"];
    group_snapshot_list_filter_and_its_option: args(&["group-snapshot-list", "--status", "available", "--filters", "status=error"])
        => ["Filters are only allowed to be passed once."];
    encryption_update_without_changes: args(&["encryption-type-update", "t"])
        => ["Must supply at least one of --provider, --cipher, --key-size or --control-location."];
    encryption_update_key_size_word: args(&["encryption-type-update", "t", "--key-size", "big"])
        => ["Invalid --key-size 'big'", "whole number of bits"];
    // cinderclient's choices: True, true, False, false (not yes/no/1/0).
    set_bootable_not_a_boolean: args(&["set-bootable", "vol", "maybe"])
        => ["invalid value 'maybe'", "invalid choice: 'maybe' (choose from 'True', 'true', 'False', 'false')"];
    readonly_mode_update_yes: args(&["readonly-mode-update", "vol", "yes"])
        => ["invalid choice: 'yes'"];

    // Quotas: whole numbers from -1 (unlimited); at least one to set.
    quota_below_minus_one: args(&["quota-update", "p", "--volumes", "-2"])
        => ["invalid value '-2' for '--volumes <volumes>'", "cannot be below -1", "from -1 (unlimited) to 2147483647"];
    quota_not_an_integer: args(&["quota-update", "p", "--gigabytes", "1.5"])
        => ["invalid value '1.5' for '--gigabytes <gigabytes>'", "not a whole number", "from -1 (unlimited)"];
    quota_too_large: args(&["quota-class-update", "c", "--snapshots", "2147483648"])
        => ["invalid value '2147483648' for '--snapshots <snapshots>'", "too large", "to 2147483647"];
    quota_update_nothing: args(&["quota-update", "p", "--volume-type", "t"])
        => ["Must supply at least one quota field to update."];
    quota_class_update_nothing: args(&["quota-class-update", "c"])
        => ["Must supply at least one quota field to update."];
    quota_show_empty_project: args(&["quota-show", ""])
        => ["a project ID cannot be empty"];

    // QoS specs: every key has a value to set; --force is a boolean.
    qos_create_key_without_value: args(&["qos-create", "q", "novalue"])
        => ["'novalue' has no '='", "expected key=value"];
    qos_key_set_without_value: args(&["qos-key", SOME_UUID, "set", "novalue"])
        => ["'novalue' has no '='", "expected key=value"];
    qos_key_unset_empty_key: args(&["qos-key", SOME_UUID, "unset", "=x"])
        => ["the key to unset is empty"];
    qos_delete_force_not_a_boolean: args(&["qos-delete", "--force", "maybe", "q"])
        => ["invalid value 'maybe' for '--force [<True|False>]'", "use True or False"];

    // Services: cinderclient's log levels and binaries only.
    service_set_log_unknown_level: args(&["service-set-log", "LOUD"])
        => ["invalid value 'LOUD' for '<log-level>'", "INFO, WARNING, ERROR, DEBUG"];
    service_get_log_unknown_binary: args(&["service-get-log", "--binary", "cinder-nothing"])
        => ["invalid value 'cinder-nothing' for '--binary <BINARY>'", "cinder-api", "cinder-volume"];
    service_list_withreplication_not_a_boolean: args(&["service-list", "--withreplication", "maybe"])
        => ["invalid value 'maybe' for '--withreplication [<True|False>]'", "use True or False"];

    // Default types: a project to set it for.
    default_type_set_empty_project: args(&["default-type-set", "t", ""])
        => ["a project ID cannot be empty"];

    // Output, sorting and paging.
    format_unknown: args(&["list", "-f", "xml"])
        => ["invalid value 'xml' for '--format <FORMAT>'", "[possible values: table, json, yaml, value]"];
    column_unknown: args(&["list", "-c", "ID", "-c", "colour"])
        => ["No column 'colour'", "Available columns: ID (id), Status (status)"];
    column_unknown_on_a_fixed_table: args(&["absolute-limits", "-c", "limit"])
        => ["No column 'limit'", "Available columns: Name (name), Value (value)"];
    sort_unknown_direction: args(&["list", "--sort", "name:sideways"])
        => ["the sort direction 'sideways' is not one of: asc, desc", "key[:asc|desc]"];
    sort_without_key: args(&["snapshot-list", "--sort", ":desc"])
        => ["':desc' has no sort key", "key[:asc|desc]"];
    limit_negative: args(&["list", "--limit", "-1"])
        => ["invalid value '-1' for '--limit <limit>'", "cannot be negative", "0 or more"];
    limit_not_a_number: args(&["type-list", "--limit", "ten"])
        => ["invalid value 'ten' for '--limit <limit>'", "whole number, 0 or more"];
    page_size_zero: args(&["list", "--page-size", "0"])
        => ["invalid value '0' for '--page-size <N>'", "at least 1 item"];

    // Volume actions.
    reimage_reserved_not_a_boolean: args(&["reimage", "vol", SOME_UUID, "--reimage-reserved", "maybe"])
        => ["invalid value 'maybe' for '--reimage-reserved <True|False>'", "True, TRUE, true, 1, ON"];

    // Clusters and workers.
    cluster_list_is_up_yes: args(&["cluster-list", "--is-up", "yes"])
        => ["invalid value 'yes' for '--is-up", "choose from 'True', 'true', 'False', 'false'"];
    cluster_show_three_words: args(&["cluster-show", "cinder-volume", "c1", "c2"])
        => ["unexpected value 'c2'", "[binary] cluster-name"];
    work_cleanup_backup: args(&["work-cleanup", "--resource-type", "Backup"])
        => ["invalid value 'Backup' for '--resource-type", "possible values: Volume, Snapshot"];
    work_cleanup_service_id_word: args(&["work-cleanup", "--service-id", "x"])
        => ["invalid value 'x' for '--service-id <service-id>'", "not a whole number"];

    // Volume transfers.
    transfer_create_without_volume: args(&["transfer-create", "--name", "x"])
        => ["required arguments were not provided", "<volume>"];
    transfer_accept_without_key: args(&["transfer-accept", SOME_UUID])
        => ["required arguments were not provided", "<auth_key>"];
    transfer_list_sort_of_two_directed_keys: args(&["transfer-list", "--sort", "created_at:desc,id:asc"])
        => ["Invalid sort parameter provided", "key[:<asc|desc>]"];
    transfer_list_sort_direction: args(&["transfer-list", "--sort", "id:up"])
        => ["the sort direction 'up' is not one of: asc, desc"];
    // cinderclient has --no-snapshots from 3.55 only: refused once the version is known.
    transfer_create_no_snapshots_before_3_55: args(&["--os-volume-api-version", "3.54", "transfer-create", "--no-snapshots", SOME_UUID]).server_range("3.0", "3.71", &["GET /"])
        => ["--no-snapshots requires API version 3.55 or later", "3.54 is in use"];

    // Manage and the manageable lists.
    manageable_list_without_source: args(&["manageable-list"])
        => ["required arguments were not provided", "<host|--cluster <CLUSTER>>"];
    manageable_list_host_and_cluster: args(&["manageable-list", "h@b#p", "--cluster", "c@b"])
        => ["'[host]' cannot be used with '--cluster <CLUSTER>'"];
    snapshot_manageable_list_without_source: args(&["snapshot-manageable-list", "--detailed", "true"])
        => ["required arguments were not provided", "<host|--cluster <CLUSTER>>"];
    // cinderclient checks every --sort key against its known ones, here too.
    manageable_list_unknown_sort_key: args(&["manageable-list", "h@b#p", "--sort", "colour"])
        => ["sort_key must be one of the following: id, status, size, availability_zone, name, bootable, created_at, reference."];
    snapshot_manageable_list_sort_direction: args(&["snapshot-manageable-list", "h@b#p", "--sort", "size:up"])
        => ["the sort direction 'up' is not one of: asc, desc"];
    manageable_list_detailed_not_a_boolean: args(&["manageable-list", "h@b#p", "--detailed", "maybe"])
        => ["invalid value 'maybe' for '--detailed <detailed>'", "is not a boolean"];
    manageable_list_negative_offset: args(&["manageable-list", "h@b#p", "--offset", "-1"])
        => ["invalid value '-1' for '--offset <offset>'", "negative"];
    manage_without_identifier: args(&["manage", "h@b#p"])
        => ["required arguments were not provided", "<identifier>"];
    manage_metadata_without_equals: args(&["manage", "h@b#p", "volume-1", "--metadata", "a"])
        => ["'a' has no '='", "expected key=value"];
    snapshot_manage_without_identifier: args(&["snapshot-manage", "vol"])
        => ["required arguments were not provided", "<identifier>"];
    unmanage_empty_name: args(&["unmanage", ""])
        => ["invalid value '' for '<volume>'"];
    // The versions: known once the server's range is.
    manageable_list_before_3_8: args(&["--os-volume-api-version", "3.7", "manageable-list", "h@b#p"]).server_range("3.0", "3.71", &["GET /"])
        => ["manageable-list requires API version 3.8 or later", "3.7 is in use"];
    snapshot_manageable_list_cluster_before_3_17: args(&["--os-volume-api-version", "3.16", "snapshot-manageable-list", "--cluster", "c@b"]).server_range("3.0", "3.71", &["GET /"])
        => ["--cluster requires API version 3.17 or later", "3.16 is in use"];
    manage_cluster_before_3_16: args(&["--os-volume-api-version", "3.15", "manage", "h@b#p", "volume-1", "--cluster", "c@b"]).server_range("3.0", "3.71", &["GET /"])
        => ["--cluster requires API version 3.16 or later", "3.15 is in use"];

    // Many volumes at once.
    create_count_zero: args(&["create", "--count", "0", "1"])
        => ["invalid value '0' for '--count <N>'", "too few", "whole number of volumes from 1 to 10000"];
    create_count_huge: args(&["create", "--count", "1000000", "1"])
        => ["invalid value '1000000' for '--count <N>'", "too many", "from 1 to 10000"];
    create_count_word: args(&["create", "--count", "ten", "1"])
        => ["invalid value 'ten' for '--count <N>'", "not a whole number", "from 1 to 10000"];
    create_concurrency_zero: args(&["create", "--count", "2", "--concurrency", "0", "1"])
        => ["invalid value '0' for '--concurrency <N>'", "too few", "requests at once from 1 to 256"];
    delete_concurrency_too_many: args(&["delete", "--concurrency", "257", "x"])
        => ["invalid value '257' for '--concurrency <N>'", "too many", "from 1 to 256"];
    delete_concurrency_negative: args(&["delete", "--concurrency", "-3", "x"])
        => ["invalid value '-3' for '--concurrency <N>'", "too few", "from 1 to 256"];

    // Global options.
    timeout_zero: args(&["--timeout", "0", "list"])
        => ["invalid value '0' for '--timeout <timeout>'", "positive number of seconds"];
    timeout_negative: args(&["--timeout", "-5", "list"])
        => ["invalid value '-5' for '--timeout <timeout>'", "positive number of seconds"];
    timeout_not_a_number: args(&["--timeout", "soon", "list"])
        => ["invalid value 'soon' for '--timeout <timeout>'", "not a number", "such as 30 or 2.5"];
    retries_negative: args(&["--retries", "-1", "list"])
        => ["invalid value '-1' for '--retries <retries>'", "cannot be negative"];
    endpoint_not_a_url: bare(&["--os-token", "T", "--os-endpoint", "cinder.example.com/v3", "list"])
        => ["Invalid endpoint 'cinder.example.com/v3'", "expected an http:// or https:// URL"];
    auth_url_not_a_url: bare(&["list"]).password_env().env("OS_AUTH_URL", "keystone:5000/v3")
        => ["Invalid auth URL 'keystone:5000/v3'", "--os-auth-url, env[OS_AUTH_URL]", "http:// or https://"];
    auth_type_unknown: bare(&["--os-auth-type", "kerberos", "list"]).password_env()
        => ["unsupported auth type \"kerberos\"", "use password, token, v3token, v3applicationcredential or none"];
    unknown_subcommand: args(&["frobnicate"])
        => ["unrecognized subcommand 'frobnicate'", "Usage: cinder [OPTIONS] <COMMAND>"];

    // Credentials and clouds.yaml.
    no_credentials: bare(&["list"])
        => ["You must provide a user name, an auth URL, a password and a project name or ID",
            "--os-username", "env[OS_USERNAME]", "--os-cloud"];
    credentials_without_password: bare(&["list"]).env("OS_AUTH_URL", "{auth_url}").env("OS_USERNAME", "admin")
        => ["You must provide a password and a project name or ID", "--os-password", "env[OS_PASSWORD]"];
    unknown_cloud: bare(&["--os-cloud", "gamma", "list"]).clouds_yaml(&cloud_entry(""))
        => ["cloud \"gamma\" is not defined in", "(defined: alpha)"];
    clouds_yaml_is_a_directory: bare(&["--os-cloud", "alpha", "list"]).env("OS_CLIENT_CONFIG_FILE", "{dir}/home")
        => ["cannot read", "/home"];
    clouds_yaml_in_a_missing_directory: bare(&["--os-cloud", "alpha", "list"]).env("OS_CLIENT_CONFIG_FILE", "{dir}/missing/clouds.yaml")
        => ["cloud \"alpha\" requested but no clouds.yaml was found", "/missing/clouds.yaml"];
    clouds_yaml_not_yaml: bare(&["--os-cloud", "alpha", "list"]).clouds_yaml("clouds: [alpha: {auth: }")
        => ["clouds.yaml is not valid YAML"];
    clouds_yaml_verify_a_number: bare(&["--os-cloud", "alpha", "list"]).clouds_yaml(&cloud_entry("    verify: 3\n"))
        => ["cloud \"alpha\" in", "`verify` must be true, false or a CA bundle path, not 3"];
    clouds_yaml_unquoted_version: bare(&["--os-cloud", "alpha", "list"]).clouds_yaml(&cloud_entry("    volume_api_version: 3.50\n"))
        => ["`volume_api_version: 3.5` must be quoted (e.g. '3.50')"];
    clouds_yaml_timeout_a_word: bare(&["--os-cloud", "alpha", "list"]).clouds_yaml(&cloud_entry("    api_timeout: soon\n"))
        => ["`api_timeout` must be a number of seconds, not \"soon\""];
    clouds_yaml_unknown_interface: bare(&["--os-cloud", "alpha", "list"]).clouds_yaml(&cloud_entry("    interface: sideways\n"))
        => ["unknown endpoint interface \"sideways\""];
}

// Rows only the local cloud can judge: which names exist, which sort keys Cinder has.

/// Runs `args` against the local cloud, insisting on a refusal with every needle on stderr.
fn refused_by_cloud(args: &[&str], needles: &[&str]) {
    let run = common::run(args);
    assert_eq!(run.code, Some(1), "cinder {args:?}:\n{}", run.stdout);
    assert_eq!(run.stdout, "", "cinder {args:?} printed on stdout");
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "cinder {args:?}: stderr lacks {needle:?}:\n{}",
            run.stderr
        );
    }
}

/// Two available 1 GiB volumes with the same new name: (name, their IDs), and their cleanup.
fn two_volumes_named_alike(prefix: &str) -> (String, Vec<String>, Cleanup) {
    let name = unique(prefix);
    let mut ids = Vec::new();
    let mut cleanup = Cleanup(Vec::new());
    for _ in 0..2 {
        let created = ok(&["create", "1", "--name", &name]);
        let id = prop(&created, "id").expect("the new volume's id");
        cleanup
            .0
            .push(vec!["delete".to_string(), id.clone(), "--wait".to_string()]);
        ids.push(id);
    }
    for id in &ids {
        wait_for(&["show", id], "status", &["available"]);
    }
    (name, ids, cleanup)
}

#[test]
fn show_name_matching_no_volume() {
    require_cloud();
    let name = unique("nothing");
    refused_by_cloud(
        &["show", &name],
        &[&format!("No volume with a name or ID of '{name}' exists.")],
    );
}

#[test]
fn snapshot_show_name_matching_no_snapshot() {
    require_cloud();
    let name = unique("nothing");
    refused_by_cloud(
        &["snapshot-show", &name],
        &[&format!(
            "No snapshot with a name or ID of '{name}' exists."
        )],
    );
}

// Changed: the message was "No message with an ID of ..."; cinderclient's (which looks for a
// name too) is "No message with a name or ID of ...".
#[test]
fn message_show_unknown_id() {
    require_cloud();
    refused_by_cloud(
        &["message-show", SOME_UUID],
        &[&format!(
            "No message with a name or ID of '{SOME_UUID}' exists."
        )],
    );
}

#[test]
fn show_name_matching_two_volumes() {
    require_cloud();
    let (name, _ids, _cleanup) = two_volumes_named_alike("twin");
    refused_by_cloud(
        &["show", &name],
        &[&format!(
            "Multiple volume matches found for '{name}', use an ID to be more specific."
        )],
    );
}

#[test]
fn extend_name_matching_two_volumes_changes_neither() {
    require_cloud();
    let (name, ids, _cleanup) = two_volumes_named_alike("twin-extend");
    refused_by_cloud(
        &["extend", &name, "2"],
        &[
            &format!("Multiple volume matches found for '{name}'"),
            "use an ID to be more specific",
        ],
    );
    for id in &ids {
        let shown = ok(&["show", id]);
        assert_eq!(prop(&shown, "size").as_deref(), Some("1"), "{shown}");
    }
}

#[test]
fn sort_key_cinder_does_not_have() {
    require_cloud();
    refused_by_cloud(
        &["list", "--sort", "colour:desc"],
        &[
            "Cinder cannot sort by a key in --sort 'colour:desc'",
            "such as id or created_at",
            "Invalid sort key",
        ],
    );
}
