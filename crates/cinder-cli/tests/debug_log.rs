//! `--debug` against the local cloud: every request as a curl line with the real URL and
//! headers, every response with status and body, and no password or token anywhere.

mod common;

use std::process::Command;

use common::*;
use sha2::{Digest, Sha256};

/// keystoneauth's (and our) rendering of a token in logs.
fn hashed(token: &str) -> String {
    let hex: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{{SHA256}}{hex}")
}

/// `cinder` with only the given environment (no clouds.yaml unless given, no OS_*, no RUST_LOG).
fn cinder_with(env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key == "RUST_LOG" {
            command.env_remove(key);
        }
    }
    command.env("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml");
    let output = command
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn header_hash<'a>(log: &'a str, header: &str) -> Option<&'a str> {
    let start = log.find(&format!("{header}: {{SHA256}}"))? + header.len() + 2;
    Some(&log[start..start + 8 + 64])
}

#[tokio::test]
async fn debug_shows_requests_and_responses_but_no_secrets() {
    require_cloud();
    let auth = admin_auth();
    let password = auth["password"].as_str().unwrap().to_string();
    let (_, project, _) = keystone_token(&auth).await;
    // Without the token cache, so that the Keystone exchange is part of the log.
    let run = run(&["--debug", "--no-cache", "list"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let log = &run.stderr;

    // Keystone: the request (password masked), the 201 and the token's hash.
    assert!(
        log.contains(&format!(
            "REQ: curl -g -i -X POST {}/auth/tokens",
            auth["auth_url"].as_str().unwrap().trim_end_matches('/')
        )),
        "{log}"
    );
    assert!(log.contains(r#""password":"***""#), "{log}");
    assert!(log.contains("RESP: [201]"), "{log}");
    let issued = header_hash(log, "X-Subject-Token").unwrap_or_else(|| panic!("{log}"));

    // The Cinder call: real URL, microversion, the same token hashed, status and body.
    let url = format!(
        "http://127.0.0.1:{}/v3/{project}/volumes/detail",
        cinder_port()
    );
    let request = log
        .lines()
        .find(|l| l.contains("REQ: curl") && l.contains(&url))
        .unwrap_or_else(|| panic!("no request to {url}:\n{log}"));
    assert!(request.contains("-X GET"), "{request}");
    assert!(
        request.contains("-H 'OpenStack-API-Version: volume 3."),
        "{request}"
    );
    assert!(
        request.contains(&format!("-H 'X-Auth-Token: {issued}'")),
        "{request}"
    );
    assert!(log.contains("RESP: [200]"), "{log}");
    assert!(log.contains(r#"RESP BODY: {"volumes": ["#), "{log}");

    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains(&password), "the password leaked");
        assert!(
            longest_token_like_run(output) < 100,
            "something token-like leaked:\n{output}"
        );
    }
}

#[tokio::test]
async fn debug_hashes_a_given_token_and_masks_it_in_keystone_bodies() {
    require_cloud();
    let auth = admin_auth();
    let (token, project, _) = keystone_token(&auth).await;
    let auth_url = auth["auth_url"].as_str().unwrap();

    // Token and endpoint: the token only travels as X-Auth-Token, shown hashed.
    let endpoint = format!("http://127.0.0.1:{}/v3/{project}", cinder_port());
    let run = cinder_with(
        &[],
        &[
            "--debug",
            "--os-token",
            &token,
            "--os-endpoint",
            &endpoint,
            "availability-zone-list",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("-H 'X-Auth-Token: {}'", hashed(&token))),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));

    // Token authentication: the token goes to Keystone in the body, masked there.
    let run = cinder_with(
        &[],
        &[
            "--debug",
            "--os-auth-type",
            "token",
            "--os-auth-url",
            auth_url,
            "--os-token",
            &token,
            "--os-project-id",
            &project,
            "availability-zone-list",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains(r#""token":{"id":"***"}"#),
        "{}",
        run.stderr
    );
    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains(&token), "the token leaked");
        assert!(longest_token_like_run(output) < 100, "{output}");
    }
}

#[test]
fn rust_log_chooses_what_is_logged() {
    require_cloud();
    let clouds = clouds_yaml();
    let env = [
        ("OS_CLIENT_CONFIG_FILE", clouds.to_str().unwrap()),
        ("OS_CLOUD", "local"),
        ("RUST_LOG", "cinder_client::http=debug"),
    ];
    // RUST_LOG alone turns the log on, limited to what it names.
    let run = cinder_with(&env, &["availability-zone-list"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("REQ: curl"), "{}", run.stderr);
    assert!(!run.stderr.contains("DEBUG cinder:"), "{}", run.stderr);

    // Without either, stderr stays quiet.
    let run = cinder_with(&env[..2], &["availability-zone-list"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

/// transfer-create prints the auth key (the user hands it to the accepting project, and it
/// cannot be shown again), but neither its --debug log nor transfer-accept's holds it.
#[test]
fn transfer_auth_keys_are_printed_but_never_logged() {
    require_cloud();
    let name = unique("transfer");
    ok(&["create", "1", "--name", &name, "--wait"]);
    let volume = ok(&["show", &name, "-f", "value", "-c", "id"]);
    let volume = volume.trim();
    // Reversed at the end: the transfer (if still there), then the volume (the demo
    // project's once accepted; the admin deletes it by ID).
    let mut cleanup = Cleanup(vec![vec!["delete".into(), volume.into()]]);

    let created = run(&["--debug", "transfer-create", volume, "--name", &name]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let key = prop(&created.stdout, "auth_key").expect("transfer-create prints the key");
    let transfer = prop(&created.stdout, "id").unwrap();
    cleanup
        .0
        .push(vec!["transfer-delete".into(), transfer.clone()]);
    assert_eq!(key.len(), 16, "{}", created.stdout);
    assert!(
        created.stderr.contains("RESP BODY: {\"transfer\""),
        "{}",
        created.stderr
    );
    assert!(!created.stderr.contains(&key), "{}", created.stderr);
    assert!(
        created.stderr.contains(r#""auth_key":"***""#),
        "{}",
        created.stderr
    );

    let accepted = run_as(
        Some("local-demo"),
        &["--debug", "transfer-accept", &transfer, &key, "--wait"],
    );
    assert_eq!(accepted.code, Some(0), "{}", accepted.stderr);
    assert_eq!(prop(&accepted.stdout, "volume_id").as_deref(), Some(volume));
    assert!(accepted.stderr.contains("REQ: curl"), "{}", accepted.stderr);
    assert!(!accepted.stderr.contains(&key), "{}", accepted.stderr);
    assert!(!accepted.stdout.contains(&key), "{}", accepted.stdout);
}
