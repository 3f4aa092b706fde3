//! The on-disk token cache: created private, reused, replaced when refused or expired, ignored
//! with a warning when others can read it, bypassed by --no-cache.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// `cinder` as cloud `local` with its own cache folder.
fn cinder_cached(cache_home: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    let output = command
        .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
        .env("OS_CLOUD", "local")
        .env("XDG_CACHE_HOME", cache_home)
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

/// The one cache file, and what it holds.
fn only_entry(cache_home: &Path) -> (PathBuf, Value) {
    let dir = cache_home.join("cinder-rs/tokens");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
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
fn a_cache_file_others_can_read_is_refused_with_a_warning() {
    require_cloud();
    let home = fresh_cache_home("cache-exposed");
    cinder_cached(&home, &["list"]);
    let (path, entry) = only_entry(&home);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let run = cinder_cached(&home, &["list"]);
    assert!(run.stderr.contains("WARNING"), "{}", run.stderr);
    assert!(run.stderr.contains("chmod 600"), "{}", run.stderr);
    assert!(!run.stderr.contains(entry["token"].as_str().unwrap()));
    // Left as it was: neither used nor rewritten.
    let (_, after) = only_entry(&home);
    assert_eq!(after, entry);
    assert_eq!(mode(&path), 0o644);
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
