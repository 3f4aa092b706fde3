//! Where settings come from: clouds.yaml and secure.yaml in the standard places, and the
//! documented order clouds.yaml < secure.yaml < `OS_*` variables < options. Each case runs the
//! real binary in a scratch directory with a scratch HOME, against the local cloud.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_norway::Value;

/// The `local` (admin) and `local-demo` entries of the local cloud's clouds.yaml.
fn local_cloud(name: &str) -> Value {
    let text = std::fs::read_to_string(clouds_yaml()).unwrap();
    let file: Value = serde_norway::from_str(&text).unwrap();
    file["clouds"][name].clone()
}

fn password_of(cloud: &Value) -> String {
    cloud["auth"]["password"].as_str().unwrap().to_string()
}

/// A scratch folder under target/ (kept out of /tmp so that a failed run can be inspected).
fn scratch(name: &str) -> PathBuf {
    let dir = workspace().join("target/test-scratch").join(unique(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_yaml(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_norway::to_string(value).unwrap()).unwrap();
}

fn clouds(entries: &[(&str, Value)]) -> Value {
    let mut clouds = serde_norway::Mapping::new();
    for (name, entry) in entries {
        clouds.insert(Value::from(*name), entry.clone());
    }
    let mut file = serde_norway::Mapping::new();
    file.insert(Value::from("clouds"), Value::Mapping(clouds));
    Value::Mapping(file)
}

/// `cinder` run in `dir` with HOME=`dir`/home, no XDG_CONFIG_HOME and only the given `OS_*`.
fn cinder_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") || key.starts_with("XDG_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("HOME", dir.join("home"))
        .envs(env.iter().copied())
        .args(args);
    let output = command.output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn assert_ok(run: &Run) {
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

fn assert_fails_with(run: &Run, needle: &str) {
    assert_eq!(run.code, Some(1), "stdout:\n{}", run.stdout);
    assert!(
        run.stderr.contains(needle),
        "{needle:?} not in:\n{}",
        run.stderr
    );
}

#[test]
fn clouds_yaml_is_found_in_each_standard_place() {
    require_cloud();
    let file = clouds(&[("here", local_cloud("local"))]);

    let dir = scratch("cwd");
    write_yaml(&dir.join("clouds.yaml"), &file);
    assert_ok(&cinder_in(&dir, &[], &["--os-cloud", "here", "list"]));

    let dir = scratch("home");
    write_yaml(&dir.join("home/.config/openstack/clouds.yaml"), &file);
    assert_ok(&cinder_in(&dir, &[("OS_CLOUD", "here")], &["list"]));

    let dir = scratch("xdg");
    let xdg = dir.join("xdg");
    write_yaml(&xdg.join("openstack/clouds.yaml"), &file);
    assert_ok(&cinder_in(
        &dir,
        &[("XDG_CONFIG_HOME", xdg.to_str().unwrap())],
        &["--os-cloud", "here", "list"],
    ));

    // OS_CLIENT_CONFIG_FILE comes before the current directory.
    let dir = scratch("explicit");
    write_yaml(
        &dir.join("clouds.yaml"),
        &clouds(&[("other", local_cloud("local"))]),
    );
    let explicit = dir.join("elsewhere.yaml");
    write_yaml(&explicit, &file);
    assert_ok(&cinder_in(
        &dir,
        &[("OS_CLIENT_CONFIG_FILE", explicit.to_str().unwrap())],
        &["--os-cloud", "here", "list"],
    ));
}

#[test]
fn secure_yaml_supplies_the_password() {
    require_cloud();
    let mut entry = local_cloud("local-demo");
    let password = password_of(&entry);
    entry["auth"].as_mapping_mut().unwrap().remove("password");
    let dir = scratch("secure");
    write_yaml(&dir.join("clouds.yaml"), &clouds(&[("demo", entry)]));

    let without = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert_fails_with(&without, "a password");
    assert_fails_with(&without, "auth.password");

    let mut secret = serde_norway::Mapping::new();
    secret.insert("password".into(), Value::from(password.as_str()));
    let mut secure_entry = serde_norway::Mapping::new();
    secure_entry.insert("auth".into(), Value::Mapping(secret));
    write_yaml(
        &dir.join("home/.config/openstack/secure.yaml"),
        &clouds(&[("demo", Value::Mapping(secure_entry))]),
    );
    let with = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert_ok(&with);
    assert!(!with.stdout.contains(&password) && !with.stderr.contains(&password));
}

#[test]
fn variables_override_the_file_and_options_override_variables() {
    require_cloud();
    let dir = scratch("order");
    write_yaml(
        &dir.join("clouds.yaml"),
        &clouds(&[("demo", local_cloud("local-demo"))]),
    );
    // The file's region is right; a variable naming another region wins over it...
    let env_wins = cinder_in(
        &dir,
        &[("OS_CLOUD", "demo"), ("OS_REGION_NAME", "Atlantis")],
        &["list"],
    );
    assert_fails_with(&env_wins, "Atlantis");
    // ...and an option wins over the variable.
    assert_ok(&cinder_in(
        &dir,
        &[("OS_CLOUD", "demo"), ("OS_REGION_NAME", "Atlantis")],
        &["--os-region-name", "RegionOne", "list"],
    ));
    // A wrong password in the environment overrides the file's good one.
    let wrong = cinder_in(
        &dir,
        &[("OS_CLOUD", "demo"), ("OS_PASSWORD", "not-the-password")],
        &["list"],
    );
    assert_eq!(wrong.code, Some(1));
    assert!(wrong.stderr.contains("401"), "{}", wrong.stderr);
    assert!(
        !wrong.stderr.contains("not-the-password"),
        "{}",
        wrong.stderr
    );
}

#[test]
fn file_settings_reach_the_client() {
    require_cloud();
    let dir = scratch("settings");
    let mut old = local_cloud("local");
    old.as_mapping_mut()
        .unwrap()
        .insert("block_storage_api_version".into(), Value::from("3.10"));
    let mut unquoted = local_cloud("local");
    unquoted
        .as_mapping_mut()
        .unwrap()
        .insert("volume_api_version".into(), Value::from(3.5));
    let mut bad_ca = local_cloud("local");
    bad_ca
        .as_mapping_mut()
        .unwrap()
        .insert("cacert".into(), Value::from("/nonexistent/ca.pem"));
    let mut bad_interface = local_cloud("local");
    bad_interface
        .as_mapping_mut()
        .unwrap()
        .insert("interface".into(), Value::from("sideways"));
    write_yaml(
        &dir.join("clouds.yaml"),
        &clouds(&[
            ("old", old),
            ("unquoted", unquoted),
            ("bad-ca", bad_ca),
            ("bad-interface", bad_interface),
        ]),
    );

    // The file's microversion applies: summary needs 3.12.
    let summary = cinder_in(&dir, &[("OS_CLOUD", "old")], &["summary"]);
    assert_fails_with(&summary, "version 3.10 is in use");
    assert_ok(&cinder_in(
        &dir,
        &[("OS_CLOUD", "old")],
        &["--os-volume-api-version", "3.12", "summary"],
    ));

    assert_fails_with(
        &cinder_in(&dir, &[("OS_CLOUD", "unquoted")], &["list"]),
        "must be quoted",
    );
    assert_fails_with(
        &cinder_in(&dir, &[("OS_CLOUD", "bad-ca")], &["list"]),
        "/nonexistent/ca.pem",
    );
    assert_fails_with(
        &cinder_in(&dir, &[("OS_CLOUD", "bad-interface")], &["list"]),
        "unknown endpoint interface \"sideways\"",
    );
}

#[tokio::test]
async fn token_auth_types_from_the_file() {
    require_cloud();
    let admin = local_cloud("local");
    let (token, _, _) = common::keystone_token(&admin_auth()).await;
    let dir = scratch("token");
    let mut auth = serde_norway::Mapping::new();
    auth.insert("auth_url".into(), admin["auth"]["auth_url"].clone());
    auth.insert("token".into(), Value::from(token.as_str()));
    auth.insert("project_name".into(), Value::from("admin"));
    auth.insert("project_domain_name".into(), Value::from("Default"));
    let mut entry = serde_norway::Mapping::new();
    entry.insert("auth_type".into(), Value::from("v3token"));
    entry.insert("auth".into(), Value::Mapping(auth));
    write_yaml(
        &dir.join("clouds.yaml"),
        &clouds(&[("tok", Value::Mapping(entry))]),
    );
    let run = cinder_in(&dir, &[], &["--os-cloud", "tok", "list"]);
    assert_ok(&run);
    assert!(!run.stderr.contains(&token) && !run.stdout.contains(&token));
}

#[test]
fn an_unknown_cloud_lists_the_defined_ones() {
    require_cloud();
    let dir = scratch("unknown");
    write_yaml(
        &dir.join("clouds.yaml"),
        &clouds(&[
            ("alpha", local_cloud("local")),
            ("beta", local_cloud("local")),
        ]),
    );
    let run = cinder_in(&dir, &[], &["--os-cloud", "gamma", "list"]);
    assert_fails_with(&run, "\"gamma\"");
    assert_fails_with(&run, "alpha, beta");

    std::fs::write(dir.join("clouds.yaml"), "clouds: [unclosed").unwrap();
    let run = cinder_in(&dir, &[], &["--os-cloud", "alpha", "list"]);
    assert_fails_with(&run, "is not valid YAML");
}
