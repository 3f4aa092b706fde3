//! Seed inputs for each target: the official api-ref samples, hand-made bodies for what the
//! samples lack (error bodies, action responses), and command lines derived from the CLI's
//! own definition, so that a new subcommand or option is seeded without anyone listing it.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

/// The workspace root (this crate is `crates/cinder-fuzz`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The api-ref samples, beside the workspace as for the conformance tests.
pub fn samples_dir() -> PathBuf {
    workspace_root().join("../shared/reference/cinder-api-ref/v3/samples")
}

/// Every `*.json` file under `dir`, sorted by path (so runs are reproducible).
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Response bodies the api-ref has no sample of: action answers and the smallest documents.
pub const HAND_MADE_RESPONSES: &[&str] = &[
    r#"{"connection_info": {"driver_volume_type": "iscsi", "data": {"target_discovered": false, "target_iqn": "iqn.2010-10.org.openstack:volume-00000001", "target_portal": "127.0.0.1:3260", "target_lun": 1, "volume_id": "5aa119a8-d25b-45a7-8d1b-88e127885635", "auth_method": "CHAP", "auth_username": "u", "auth_password": "p", "encrypted": false, "qos_specs": null, "access_mode": "rw", "cacheable": false}, "enforce_multipath": false}}"#,
    r#"{"connection_info": {"driver_volume_type": "rbd", "data": {"name": "volumes/volume-1", "hosts": ["10.0.0.1"], "ports": ["6789"], "discard": true, "size": 1.5e0}}}"#,
    r#"{"save_volume_id": "5aa119a8-d25b-45a7-8d1b-88e127885635"}"#,
    r#"{"volumes": []}"#,
    r#"{"volumes": [], "volumes_links": [{"href": "http://127.0.0.1:8776/v3/p/volumes?marker=x", "rel": "next"}], "count": 0}"#,
    r#"{"snapshots": []}"#,
    r#"{"volume_types": []}"#,
    r#"{"messages": []}"#,
    r#"{"metadata": {}}"#,
    r#"{"meta": {"k": "v"}}"#,
    r#"{"extra_specs": {}}"#,
    r#"{"volume_type_access": []}"#,
    r#"{"volume-summary": {"total_size": 0, "total_count": 0}}"#,
    r#"{"versions": []}"#,
    // A volume's encryption metadata as the local cloud's Cinder 29 answered it (no api-ref
    // sample exists): an encrypted volume's, and a plain volume's.
    r#"{"encryption_key_id": "00000000-0000-0000-0000-000000000000", "control_location": "front-end", "cipher": "aes-xts-plain64", "key_size": 256, "provider": "luks"}"#,
    r#"{"encryption_key_id": null}"#,
];

/// Error bodies as servers and the things in front of them send them.
pub const HAND_MADE_ERRORS: &[&[u8]] = &[
    br#"{"itemNotFound": {"message": "Volume 5aa119a8-d25b-45a7-8d1b-88e127885635 could not be found.", "code": 404}}"#,
    br#"{"badRequest": {"message": "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1", "code": 400}}"#,
    br#"{"forbidden": {"message": "Policy doesn't allow volume:force_delete to be performed.", "code": 403}}"#,
    br#"{"overLimit": {"message": "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota.", "code": 413, "retryAfter": "0"}}"#,
    br#"{"computeFault": {"message": "The server has either erred or is incapable of performing the requested operation.", "code": 500}}"#,
    br#"{"conflictingRequest": {"message": "Invalid volume: Volume status must be available or error, but current status is: in-use.", "code": 409}}"#,
    br#"{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}"#,
    br#"{"itemNotFound": {"message": "gone", "code": "404"}}"#,
    br#"{"overLimit": {"message": "slow down", "retryAfter": 30}}"#,
    br#"{"badRequest": {"message": "line one\nline two\r\n\u001b[31mred\u001b[0m\u0000"}}"#,
    br#"{"a": {"message": "one"}, "b": {"message": "two"}}"#,
    br#"{"badRequest": {"code": 400}}"#,
    br#"{"": {"message": ""}}"#,
    br#"{"error": "x"}"#,
    br#"{}"#,
    br#"[]"#,
    br#"null"#,
    br#""just a string""#,
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    b"<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n</body></html>\n",
    b"401 Unauthorized\n\nThis server could not verify that you are authorized to access the document you requested.\n\n",
    b"Internal Server Error",
    b"",
    b"   \n\t  ",
    b"<p>\x1b]0;title\x07\x1b[2J</p>",
    b"\xff\xfe\x00<\x80>",
    b"<unterminated tag",
];

/// Seeds of the response-body target: every api-ref sample (requests too: they are JSON the
/// types should refuse or accept sensibly), the hand-made responses and the JSON error bodies.
pub fn response_bodies() -> Vec<Vec<u8>> {
    let dir = samples_dir();
    assert!(
        dir.is_dir(),
        "the api-ref samples are missing: expected {} (clone `shared/` beside the repository)",
        dir.display()
    );
    let mut seeds: Vec<Vec<u8>> = json_files(&dir)
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect();
    seeds.extend(HAND_MADE_RESPONSES.iter().map(|s| s.as_bytes().to_vec()));
    seeds.extend(
        HAND_MADE_ERRORS
            .iter()
            .filter(|body| body.first() == Some(&b'{'))
            .map(|body| body.to_vec()),
    );
    seeds
}

/// Seeds of the error-body target: the hand-made error bodies and a fault whose message is
/// longer than the client keeps.
pub fn error_bodies() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = HAND_MADE_ERRORS.iter().map(|b| b.to_vec()).collect();
    seeds.push(
        format!(
            r#"{{"badRequest": {{"message": "Invalid input for field/attribute metadata. Value: {}", "code": 400}}}}"#,
            "x".repeat(3000)
        )
        .into_bytes(),
    );
    seeds.push(format!("<html><body>{}</body></html>", "word ".repeat(500)).into_bytes());
    seeds
}

/// Seeds of the CLI target, NUL-separated: no arguments, `--help` and `--version`, and for
/// every subcommand (from [`cinder::Cli`]'s definition) its name alone, with `--help`, and
/// with every one of its arguments given a plausible value.
pub fn cli_args() -> Vec<Vec<u8>> {
    let command = built_command();
    let mut lines: Vec<Vec<String>> = vec![
        vec![],
        vec!["--help".into()],
        vec!["--version".into()],
        vec!["help".into(), "list".into()],
        vec![
            "--os-volume-api-version".into(),
            "3.71".into(),
            "list".into(),
        ],
        vec![
            "--debug".into(),
            "--os-cloud".into(),
            "local".into(),
            "list".into(),
        ],
    ];
    for sub in command.get_subcommands() {
        let name = sub.get_name().to_string();
        lines.push(vec![name.clone()]);
        lines.push(vec![name.clone(), "--help".into()]);
        let mut full = vec![name.clone()];
        for arg in sub.get_arguments() {
            full.extend(argument_example(arg));
        }
        lines.push(full);
        for alias in sub.get_all_aliases() {
            lines.push(vec![alias.to_string()]);
        }
    }
    lines
        .into_iter()
        .map(|args| args.join("\0").into_bytes())
        .collect()
}

/// Words worth inserting into command lines: every subcommand, alias, option name and
/// possible value of the definition, and values of the kinds the options take.
pub fn cli_tokens() -> Vec<Vec<u8>> {
    let command = built_command();
    let mut words: Vec<String> = [
        "--",
        "-",
        "=",
        "-h",
        "--help",
        "-V",
        "--version",
        "help",
        "1",
        "0",
        "-1",
        "3.71",
        "3.latest",
        "3.999",
        "True",
        "false",
        "key=value",
        "key",
        "=value",
        "id:desc",
        "name:asc,id",
        "json",
        "yaml",
        "value",
        "table",
        "ID",
        "Volume Type",
        "00000000-0000-0000-0000-000000000000",
        "18446744073709551616",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    fn add_arguments(command: &clap::Command, words: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long() {
                words.push(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                words.push(format!("-{short}"));
            }
            for alias in arg.get_all_aliases().into_iter().flatten() {
                words.push(format!("--{alias}"));
            }
            for value in arg.get_possible_values() {
                words.push(value.get_name().to_string());
            }
        }
    }
    add_arguments(&command, &mut words);
    for sub in command.get_subcommands() {
        words.push(sub.get_name().to_string());
        words.extend(sub.get_all_aliases().map(str::to_string));
        add_arguments(sub, &mut words);
    }
    words.sort();
    words.dedup();
    words.into_iter().map(String::into_bytes).collect()
}

/// The definition with clap's defaults filled in (`--help`, `help`, how many values each
/// argument takes).
fn built_command() -> clap::Command {
    let mut command = cinder::Cli::command();
    command.build();
    command
}

/// The argument as a user would give it: `--name value`, a flag alone, or a positional value.
fn argument_example(arg: &clap::Arg) -> Vec<String> {
    let value = arg
        .get_possible_values()
        .first()
        .map(|v| v.get_name().to_string())
        .unwrap_or_else(|| {
            let name = arg.get_id().as_str();
            if name.contains("size") || name.contains("limit") || name.contains("count") {
                "1".into()
            } else if name.contains("metadata") || name.contains("spec") || name.contains("key") {
                "key=value".into()
            } else {
                "x".into()
            }
        });
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) if takes_value => vec![format!("--{long}"), value],
        (Some(long), _) => vec![format!("--{long}")],
        (None, Some(short)) if takes_value => vec![format!("-{short}"), value],
        (None, Some(short)) => vec![format!("-{short}")],
        (None, None) => vec![value],
    }
}
