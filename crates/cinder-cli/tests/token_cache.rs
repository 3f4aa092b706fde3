//! The on-disk token cache: created private, reused, replaced when refused or expired, deleted
//! with a warning when others can read it, not used when another user could have planted or
//! swapped what is in it, bypassed by --no-cache.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// `cinder` as cloud `local` with its own cache folder.
fn cinder_cached(cache_home: &Path, args: &[&str]) -> Run {
    cinder_cached_as("local", &[("XDG_CACHE_HOME", cache_home.as_os_str())], args)
}

/// `cinder` as `cloud`, with these variables, insisting on success.
fn cinder_cached_as(cloud: &str, env: &[(&str, &std::ffi::OsStr)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    let output = command
        .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
        .env("OS_CLOUD", cloud)
        .env_remove("XDG_CACHE_HOME")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(
        run.code,
        Some(0),
        "{args:?}:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn fresh_cache_home(name: &str) -> PathBuf {
    let dir = workspace().join("target/test-scratch").join(unique(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The entries of the cache in `cache_home`.
fn entries(cache_home: &Path) -> Vec<PathBuf> {
    let dir = cache_home.join("cinder-rs/tokens");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect()
}

/// The one cache file, and what it holds.
fn only_entry(cache_home: &Path) -> (PathBuf, Value) {
    let files = entries(cache_home);
    assert_eq!(files.len(), 1, "{files:?}");
    let entry = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    (files[0].clone(), entry)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn local_password() -> String {
    let text = std::fs::read_to_string(clouds_yaml()).unwrap();
    let file: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    file["clouds"]["local"]["auth"]["password"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_token_is_saved_privately_and_reused() {
    require_cloud();
    let home = fresh_cache_home("cache-save");
    cinder_cached(&home, &["list"]);
    let (path, entry) = only_entry(&home);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let token = entry["token"].as_str().unwrap().to_string();
    assert!(entry["expires_at"].as_i64().unwrap() > 0);
    assert!(entry["discovery"]["max"].as_u64().unwrap() >= 71);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(&local_password()),
        "the password reached the cache"
    );
    assert!(!path.to_string_lossy().contains(&local_password()));

    cinder_cached(&home, &["list"]);
    let (_, again) = only_entry(&home);
    assert_eq!(
        again["token"],
        token.as_str(),
        "the second run got a new token"
    );
}

#[test]
fn a_refused_or_expired_token_is_replaced() {
    require_cloud();
    let home = fresh_cache_home("cache-replace");
    cinder_cached(&home, &["list"]);
    let (path, mut entry) = only_entry(&home);

    // Cinder answers 401 to this token: one re-authentication, and the cache gets the new one.
    entry["token"] = "gAAAAA-revoked".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    cinder_cached(&home, &["list"]);
    let (_, renewed) = only_entry(&home);
    let renewed_token = renewed["token"].as_str().unwrap();
    assert_ne!(renewed_token, "gAAAAA-revoked");

    // An entry near its expiry is not used.
    let mut expiring = renewed.clone();
    expiring["token"] = "gAAAAA-expiring".into();
    expiring["expires_at"] = (renewed["expires_at"].as_i64().unwrap() - 3 * 3600).into();
    std::fs::write(&path, expiring.to_string()).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    cinder_cached(&home, &["list"]);
    let (_, replaced) = only_entry(&home);
    assert_ne!(replaced["token"], "gAAAAA-expiring");
    assert!(replaced["expires_at"].as_i64() > expiring["expires_at"].as_i64());
}

#[test]
fn a_cache_file_others_can_read_is_deleted_with_a_warning_to_revoke_its_token() {
    require_cloud();
    let home = fresh_cache_home("cache-exposed");
    cinder_cached(&home, &["list"]);
    let (path, entry) = only_entry(&home);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run = cinder_cached(&home, &["list"]);
    assert!(run.stderr.contains("WARNING"), "{}", run.stderr);
    assert!(run.stderr.contains("should be revoked"), "{}", run.stderr);
    assert!(!run.stderr.contains(entry["token"].as_str().unwrap()));
    // Deleted, not used, and nothing written in this run.
    assert!(entries(&home).is_empty());
    // The next run caches again.
    cinder_cached(&home, &["list"]);
    let (_, fresh) = only_entry(&home);
    assert_ne!(fresh["token"], entry["token"]);
}

/// Gives `path` to another user (nobody), as a second user on a shared machine would own it.
/// The tests run as root (in CI too), which may do this.
fn give_away(path: &Path) {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; lchown changes the link itself, not its target.
    let done = unsafe { libc::lchown(c_path.as_ptr(), 65534, 65534) };
    assert_eq!(
        done,
        0,
        "chown {} to uid 65534 (these tests run as root): {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// Runs `cinder list` with the cache in `home` and insists that it worked without the cache,
/// said why, and wrote nothing under `untouched`.
fn refused_folder(home: &Path, untouched: &Path, why: &str) {
    let before = listing(untouched);
    let run = cinder_cached(home, &["list"]);
    assert!(
        run.stderr.contains("WARNING: not using the token cache"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(why), "{}", run.stderr);
    assert_eq!(
        listing(untouched),
        before,
        "the cache wrote into {}",
        untouched.display()
    );
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = walk(dir);
    names.sort();
    names
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(read) => read
            .flat_map(|e| {
                let path = e.unwrap().path();
                let mut below = vec![path.clone()];
                if path.is_dir() && !path.is_symlink() {
                    below.extend(walk(&path));
                }
                below
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn a_cache_folder_another_user_owns_or_can_enter_is_not_used() {
    require_cloud();
    // Another user made the cache's folder first (as in a shared XDG_CACHE_HOME).
    let home = fresh_cache_home("cache-foreign");
    std::fs::create_dir_all(home.join("cinder-rs/tokens")).unwrap();
    for dir in ["cinder-rs", "cinder-rs/tokens"] {
        std::fs::set_permissions(home.join(dir), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    give_away(&home.join("cinder-rs/tokens"));
    refused_folder(&home, &home, "belongs to another user (uid 65534)");

    // A folder of the user's own that others may write to.
    let home = fresh_cache_home("cache-open");
    std::fs::create_dir_all(home.join("cinder-rs/tokens")).unwrap();
    std::fs::set_permissions(
        home.join("cinder-rs"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    std::fs::set_permissions(
        home.join("cinder-rs/tokens"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    refused_folder(&home, &home, "mode 0777");

    // A link to a folder another user controls.
    let home = fresh_cache_home("cache-link");
    let elsewhere = fresh_cache_home("cache-link-target");
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.join("cinder-rs")).unwrap();
    refused_folder(&home, &elsewhere, "symbolic link");

    // A cache home anyone may rename things in (no sticky bit).
    let home = fresh_cache_home("cache-shared");
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o777)).unwrap();
    refused_folder(&home, &home, "mode 0777");
}

#[test]
fn a_cache_file_another_user_owns_is_not_used() {
    require_cloud();
    let home = fresh_cache_home("cache-foreign-file");
    cinder_cached(&home, &["list"]);
    let (path, mut entry) = only_entry(&home);
    entry["token"] = "gAAAAA-planted".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    give_away(&path);
    let run = cinder_cached(&home, &["--debug", "list"]);
    assert!(
        run.stderr.contains("belongs to another user"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("gAAAAA-planted"),
        "the planted token was sent"
    );
}

#[test]
fn an_entry_copied_over_another_clouds_is_not_used() {
    require_cloud();
    let home = fresh_cache_home("cache-swap");
    let env = [("XDG_CACHE_HOME", home.as_os_str())];
    cinder_cached_as("local", &env, &["list"]);
    let (admin_path, admin) = only_entry(&home);
    cinder_cached_as("local-demo", &env, &["list"]);
    let demo_path = entries(&home)
        .into_iter()
        .find(|path| *path != admin_path)
        .unwrap();

    // The admin's entry copied over the demo user's: local-demo must not act as admin.
    std::fs::copy(&admin_path, &demo_path).unwrap();
    let run = cinder_cached_as("local-demo", &env, &["--debug", "list"]);
    assert!(
        run.stderr.contains("POST") && run.stderr.contains("/auth/tokens"),
        "the demo user did not authenticate again:\n{}",
        run.stderr
    );
    let demo: Value = serde_json::from_slice(&std::fs::read(&demo_path).unwrap()).unwrap();
    assert_ne!(demo["token"], admin["token"]);
    assert_ne!(demo["identity"], admin["identity"]);
}

#[test]
fn entries_are_named_with_a_private_key() {
    require_cloud();
    let home = fresh_cache_home("cache-key");
    cinder_cached(&home, &["list"]);
    let key = home.join("cinder-rs/tokens/key");
    assert_eq!(mode(&key), 0o600);
    let (first, _) = only_entry(&home);
    // Another key, another name: the name cannot be recomputed from the credentials alone.
    std::fs::remove_dir_all(home.join("cinder-rs")).unwrap();
    cinder_cached(&home, &["list"]);
    let (second, _) = only_entry(&home);
    assert_ne!(first.file_name(), second.file_name());
}

#[test]
fn no_cache_under_the_current_folder_from_an_empty_home_or_relative_cache_home() {
    require_cloud();
    let cwd = fresh_cache_home("cache-cwd");
    let run = |env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
        for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("OS_")) {
            command.env_remove(key);
        }
        let output = command
            .env_remove("XDG_CACHE_HOME")
            .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
            .env("OS_CLOUD", "local")
            .envs(env.iter().copied())
            .current_dir(&cwd)
            .arg("list")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    run(&[("HOME", "")]);
    run(&[("HOME", "relative"), ("XDG_CACHE_HOME", "also-relative")]);
    assert_eq!(listing(&cwd), Vec::<PathBuf>::new());
    // A relative XDG_CACHE_HOME is ignored, not the whole cache: HOME's is used.
    let home = fresh_cache_home("cache-home");
    run(&[
        ("HOME", home.to_str().unwrap()),
        ("XDG_CACHE_HOME", "relative"),
    ]);
    assert_eq!(listing(&cwd), Vec::<PathBuf>::new());
    assert_eq!(entries(&home.join(".cache")).len(), 1);
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    require_cloud();
    let home = fresh_cache_home("cache-off");
    cinder_cached(&home, &["--no-cache", "list"]);
    assert!(!home.join("cinder-rs").exists());

    cinder_cached(&home, &["list"]);
    let (path, mut entry) = only_entry(&home);
    entry["token"] = "gAAAAA-not-read".into();
    std::fs::write(&path, entry.to_string()).unwrap();
    cinder_cached(&home, &["--no-cache", "list"]);
    let (_, after) = only_entry(&home);
    assert_eq!(
        after["token"], "gAAAAA-not-read",
        "--no-cache touched the cache"
    );
}
