//! Running the built `cinder` against the local cloud (`cargo xtask cloud up`).

#![allow(dead_code)]

pub mod recorder;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn clouds_yaml() -> PathBuf {
    workspace().join("target/cloud/clouds.yaml")
}

/// The token cache the tests' `cinder` runs share (never the user's own).
pub fn test_cache() -> PathBuf {
    workspace().join("target/test-cache")
}

/// Asserts the local cloud is set up: these tests run against it, never around it.
pub fn require_cloud() {
    assert!(
        clouds_yaml().exists(),
        "{} not found: start the local cloud with `cargo xtask cloud up`",
        clouds_yaml().display()
    );
}

/// A unique resource name for this test run.
pub fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("cli-{prefix}-{}-{nanos}", std::process::id())
}

/// `cinder` with a clean environment: only clouds.yaml and `OS_CLOUD=<cloud>`.
pub fn command_for(cloud: Option<&str>, args: &[&str]) -> Output {
    command_with_env(cloud, &[], args)
}

/// Like [`command_for`], with more variables set (they may replace OS_CLIENT_CONFIG_FILE).
pub fn command_with_env(cloud: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    // A developer's RUST_LOG would add log lines to stderr.
    command.env_remove("RUST_LOG");
    command.env("OS_CLIENT_CONFIG_FILE", clouds_yaml());
    command.env("XDG_CACHE_HOME", test_cache());
    if let Some(cloud) = cloud {
        command.env("OS_CLOUD", cloud);
    }
    command
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run cinder")
}

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_as(Some("local"), args)
}

pub fn run_as(cloud: Option<&str>, args: &[&str]) -> Run {
    run_with_env(cloud, &[], args)
}

/// Runs `cinder` as cloud `cloud` with more environment variables.
pub fn run_with_env(cloud: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Run {
    let output = command_with_env(cloud, env, args);
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs and insists on success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let run = run(args);
    assert_eq!(
        run.code,
        Some(0),
        "cinder {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    run.stdout
}

/// Runs and insists on failure; returns stderr.
pub fn fails(args: &[&str]) -> Run {
    let run = run(args);
    assert_ne!(
        run.code,
        Some(0),
        "cinder {args:?} unexpectedly succeeded:\n{}",
        run.stdout
    );
    run
}

/// The cells of each data row of a table.
pub fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The value of `key` in a `Property | Value` table (its first line).
pub fn prop(table: &str, key: &str) -> Option<String> {
    rows(table)
        .into_iter()
        .find(|r| r.first().map(String::as_str) == Some(key))
        .and_then(|r| r.get(1).cloned())
}

/// All lines of the value of `key` (multi-line cells, like metadata).
pub fn prop_lines(table: &str, key: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for row in rows(table) {
        match row.first().map(String::as_str) {
            Some(k) if k == key => inside = true,
            Some("") if inside => {}
            _ if inside => break,
            _ => continue,
        }
        if let Some(value) = row.get(1) {
            lines.push(value.clone());
        }
    }
    lines
}

/// Polls `show_args` until `key` is one of `targets`; panics after two minutes.
pub fn wait_for(show_args: &[&str], key: &str, targets: &[&str]) -> String {
    let started = Instant::now();
    loop {
        let run = run(show_args);
        if run.code == Some(0) {
            if let Some(value) = prop(&run.stdout, key) {
                if targets.contains(&value.as_str()) {
                    return run.stdout;
                }
                assert!(
                    !value.starts_with("error") || targets.iter().any(|t| t.starts_with("error")),
                    "{show_args:?}: {key} went to {value}"
                );
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{show_args:?}: {key} never reached {targets:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Polls `show_args` until it fails with "No ... exists" (the resource is gone).
pub fn wait_gone(show_args: &[&str]) {
    let started = Instant::now();
    loop {
        let run = run(show_args);
        if run.code != Some(0) && run.stderr.contains("exists") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{show_args:?} still exists"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Deletes what a test created even when it fails half-way.
pub struct Cleanup(pub Vec<Vec<String>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for args in self.0.iter().rev() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = run(&args);
        }
    }
}

/// The admin cloud's auth settings from clouds.yaml.
pub fn admin_auth() -> Value {
    let text = std::fs::read_to_string(clouds_yaml()).unwrap();
    let clouds: Value = serde_norway::from_str(&text).unwrap();
    clouds["clouds"]["local"]["auth"].clone()
}

/// A project-scoped admin token, its project id and user id, straight from Keystone.
pub async fn keystone_token(auth: &Value) -> (String, String, String) {
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": auth["username"], "domain": {"name": auth["user_domain_name"]},
            "password": auth["password"]}}},
        "scope": {"project": {"name": auth["project_name"], "domain": {"name": auth["project_domain_name"]}}}
    }});
    let url = format!(
        "{}/auth/tokens",
        auth["auth_url"].as_str().unwrap().trim_end_matches('/')
    );
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let token = response.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_string();
    let detail: Value = response.json().await.unwrap();
    let project = detail["token"]["project"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let user = detail["token"]["user"]["id"].as_str().unwrap().to_string();
    (token, project, user)
}

/// The Cinder port of the local cloud, from the state `cargo xtask cloud up` records.
pub fn cinder_port() -> u16 {
    port_of("cinder")
}

/// The Keystone port of the local cloud.
pub fn keystone_port() -> u16 {
    port_of("keystone")
}

fn port_of(service: &str) -> u16 {
    let state = std::fs::read_to_string(clouds_yaml().with_file_name("state.json")).unwrap();
    let state: Value = serde_json::from_str(&state).unwrap();
    state["ports"][service]
        .as_u64()
        .unwrap_or_else(|| panic!("state.json records no {service} port")) as u16
}

/// The longest run of characters a token could be made of (base64url and `=`): Keystone's
/// tokens are well over a hundred such characters; hashes and request ids far shorter.
pub fn longest_token_like_run(text: &str) -> usize {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '='))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// `cinder ARGS` as the local admin through the proxies of `proxied` (the auth URL and the
/// endpoint given on the command line), with the token cache in `cache` (`None`: none).
pub async fn cinder_through(
    proxied: &cinder_tests::fault_proxy::Proxied,
    cache: Option<&std::path::Path>,
    args: &[&str],
) -> Run {
    let cinder_client::Auth::Password { auth_url, .. } = &proxied.config.auth else {
        panic!("the local cloud uses password auth");
    };
    let endpoint = proxied
        .config
        .endpoint_override
        .as_deref()
        .expect("an endpoint");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    match cache {
        Some(cache) => command.env("XDG_CACHE_HOME", cache),
        None => command.arg("--no-cache"),
    };
    let output = command
        .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
        .args([
            "--os-cloud",
            "local",
            "--os-auth-url",
            auth_url,
            "--os-endpoint",
            endpoint,
        ])
        .args(args)
        .output()
        .await
        .expect("run cinder");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
