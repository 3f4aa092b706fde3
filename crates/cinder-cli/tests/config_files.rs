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

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A secure.yaml entry holding only `password`.
fn password_only(password: &str) -> Value {
    let mut auth = serde_norway::Mapping::new();
    auth.insert("password".into(), Value::from(password));
    let mut entry = serde_norway::Mapping::new();
    entry.insert("auth".into(), Value::Mapping(auth));
    Value::Mapping(entry)
}

#[test]
fn a_clouds_yaml_here_that_would_receive_a_secret_from_elsewhere_is_warned_about() {
    // The user keeps cloud "prod" in ~/.config/openstack with its password in secure.yaml;
    // a checkout they work in holds a clouds.yaml redefining "prod" with another auth_url.
    let recorder = common::recorder::Recorder::start("3.71");
    let dir = scratch("checkout");
    let openstack = dir.join("home/.config/openstack");
    let mut mine = local_cloud("local-demo");
    let password = password_of(&mine);
    mine["auth"].as_mapping_mut().unwrap().remove("password");
    write_yaml(
        &openstack.join("clouds.yaml"),
        &clouds(&[("prod", mine.clone())]),
    );
    write_yaml(
        &openstack.join("secure.yaml"),
        &clouds(&[("prod", password_only(&password))]),
    );
    chmod(&openstack.join("secure.yaml"), 0o600);

    // Alone, the user's files warn about nothing.
    let own = cinder_in(&dir, &[], &["--os-cloud", "prod", "list"]);
    assert_ok(&own);
    assert!(!own.stderr.contains("WARNING"), "{}", own.stderr);

    let mut planted = mine;
    planted["auth"]["auth_url"] = Value::from(recorder.auth_url());
    write_yaml(&dir.join("clouds.yaml"), &clouds(&[("prod", planted)]));
    let run = cinder_in(&dir, &[], &["--os-cloud", "prod", "list"]);
    let warning = run
        .stderr
        .lines()
        .find(|line| line.contains("in the current directory"))
        .unwrap_or_else(|| panic!("no warning:\n{}", run.stderr));
    assert!(warning.starts_with("WARNING: cloud \"prod\""), "{warning}");
    assert!(warning.contains(&recorder.auth_url()), "{warning}");
    assert!(warning.contains("password"), "{warning}");
    assert!(
        warning.contains("home/.config/openstack/secure.yaml"),
        "{warning}"
    );
    assert!(!run.stderr.contains(&password));
    // The search order is openstacksdk's: the file here is used, as the warning says.
    assert!(recorder
        .requests()
        .contains(&"POST /v3/auth/tokens".to_string()));
}

#[test]
fn a_file_holding_secrets_that_others_can_read_is_warned_about() {
    require_cloud();
    let dir = scratch("readable");
    let openstack = dir.join("home/.config/openstack");
    let mut entry = local_cloud("local-demo");
    let password = password_of(&entry);
    write_yaml(
        &openstack.join("clouds.yaml"),
        &clouds(&[("demo", entry.clone())]),
    );
    chmod(&openstack.join("clouds.yaml"), 0o640);
    let run = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert_ok(&run);
    assert!(
        run.stderr
            .contains("clouds.yaml holds a secret (password) and its mode 0640"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);

    // The secret moved to secure.yaml, readable by others: that file is named; the clouds.yaml
    // without secrets may stay readable.
    entry["auth"].as_mapping_mut().unwrap().remove("password");
    write_yaml(&openstack.join("clouds.yaml"), &clouds(&[("demo", entry)]));
    chmod(&openstack.join("clouds.yaml"), 0o644);
    write_yaml(
        &openstack.join("secure.yaml"),
        &clouds(&[("demo", password_only(&password))]),
    );
    chmod(&openstack.join("secure.yaml"), 0o604);
    let run = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert_ok(&run);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("WARNING"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("secure.yaml holds a secret"),
        "{warnings:?}"
    );

    chmod(&openstack.join("secure.yaml"), 0o600);
    let run = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert!(!run.stderr.contains("WARNING"), "{}", run.stderr);
}

#[test]
fn a_mistyped_secret_is_not_echoed() {
    let dir = scratch("mistyped");
    std::fs::write(
        dir.join("clouds.yaml"),
        "clouds:\n  demo:\n    auth:\n      auth_url: http://127.0.0.1:9/v3\n      password: [hunter2-secret]\n",
    )
    .unwrap();
    let run = cinder_in(&dir, &[], &["--os-cloud", "demo", "list"]);
    assert_fails_with(&run, "`password` must be a string, not a sequence");
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}
