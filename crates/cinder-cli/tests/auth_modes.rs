//! The ways to authenticate besides a clouds.yaml password: a token with an explicit endpoint
//! (no Keystone at all) and an application credential. Secrets never show in the output.

mod common;

use common::{admin_auth, cinder_port, keystone_token, require_cloud};
use serde_json::{json, Value};
use std::process::Command;

/// `cinder` with no clouds.yaml and no OS_* variables but those given.
fn bare_cinder(env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    command.env("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml");
    command.env("XDG_CACHE_HOME", common::test_cache());
    command.envs(env.iter().copied()).args(args);
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn token_and_endpoint_need_no_keystone() {
    require_cloud();
    let (token, project, _) = keystone_token(&admin_auth()).await;
    let endpoint = format!("http://127.0.0.1:{}/v3/{project}", cinder_port());

    let (code, stdout, stderr) = bare_cinder(
        &[],
        &[
            "--debug",
            "--os-token",
            &token,
            "--os-endpoint",
            &endpoint,
            "list",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("| ID"), "{stdout}");
    assert!(
        !stdout.contains(&token) && !stderr.contains(&token),
        "the token leaked"
    );

    let (code, stdout, stderr) = bare_cinder(
        &[("OS_TOKEN", &token), ("OS_ENDPOINT", &endpoint)],
        &["absolute-limits"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("maxTotalVolumes"), "{stdout}");

    let (code, _, stderr) = bare_cinder(
        &[
            ("OS_TOKEN", "not-a-valid-token"),
            ("OS_ENDPOINT", &endpoint),
        ],
        &["list"],
    );
    assert_eq!(code, Some(1));
    assert!(stderr.contains("401"), "{stderr}");
}

#[tokio::test]
async fn application_credentials_authenticate_without_a_password() {
    require_cloud();
    let auth = admin_auth();
    let (token, _, user) = keystone_token(&auth).await;
    let identity = auth["auth_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let http = reqwest::Client::new();
    let name = common::unique("appcred");
    let created: Value = http
        .post(format!("{identity}/users/{user}/application_credentials"))
        .header("X-Auth-Token", &token)
        .json(&json!({"application_credential": {"name": name}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["application_credential"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = created["application_credential"]["secret"]
        .as_str()
        .unwrap()
        .to_string();

    let (code, stdout, stderr) = bare_cinder(
        &[],
        &[
            "--debug",
            "--os-auth-type",
            "v3applicationcredential",
            "--os-auth-url",
            &identity,
            "--os-application-credential-id",
            &id,
            "--os-application-credential-secret",
            &secret,
            "availability-zone-list",
        ],
    );
    http.delete(format!(
        "{identity}/users/{user}/application_credentials/{id}"
    ))
    .header("X-Auth-Token", &token)
    .send()
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("nova"), "{stdout}");
    assert!(
        !stdout.contains(&secret) && !stderr.contains(&secret),
        "the secret leaked"
    );
}

#[test]
fn an_unreadable_ca_bundle_is_a_clear_error() {
    require_cloud();
    let run = common::run(&["--os-cacert", "/nonexistent/ca.pem", "list"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stderr.contains("/nonexistent/ca.pem"), "{}", run.stderr);
}

#[test]
fn timeout_gives_up_on_a_server_that_never_answers() {
    // Accepts connections and reads nothing back: only --timeout can end the request.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _silent = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let endpoint = format!("http://127.0.0.1:{port}/v3/project");
    let (code, _, stderr) = bare_cinder(
        &[("OS_TOKEN", "a-token"), ("OS_ENDPOINT", &endpoint)],
        &["--timeout", "1", "list"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.to_lowercase().contains("timed out"), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");

    let (code, _, stderr) = bare_cinder(
        &[("OS_TOKEN", "a-token"), ("OS_ENDPOINT", &endpoint)],
        &["--timeout", "0", "list"],
    );
    // Refused while parsing the command line, with clap's status for a usage error.
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("positive number of seconds"), "{stderr}");
}
