//! `--wait` on the commands that start asynchronous work: they return only when the work is
//! done, fail with the reason when the resource goes to an error status, and draw a progress
//! spinner only when stderr is a terminal (checked through a pseudo-terminal).

mod common;

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

use common::*;

#[test]
fn waited_commands_return_when_the_work_is_done() {
    require_cloud();
    let created = ok(&["create", "1", "--name", &unique("wait"), "--wait"]);
    assert_eq!(
        prop(&created, "status").as_deref(),
        Some("available"),
        "{created}"
    );
    let id = prop(&created, "id").unwrap();
    let _cleanup = Cleanup(vec![vec!["force-delete".into(), id.clone()]]);

    ok(&["extend", &id, "2", "--wait"]);
    let shown = ok(&["show", &id]);
    assert_eq!(prop(&shown, "size").as_deref(), Some("2"));
    assert_eq!(prop(&shown, "status").as_deref(), Some("available"));

    let snapshot = ok(&["snapshot-create", &id, "--name", &unique("wait"), "--wait"]);
    assert_eq!(prop(&snapshot, "status").as_deref(), Some("available"));
    let snapshot_id = prop(&snapshot, "id").unwrap();
    ok(&["snapshot-delete", &snapshot_id, "--wait"]);
    let gone = run(&["snapshot-show", &snapshot_id]);
    assert_eq!(
        gone.code,
        Some(1),
        "the snapshot still exists:\n{}",
        gone.stdout
    );

    ok(&["delete", &id, "--wait"]);
    let gone = run(&["show", &id]);
    assert_eq!(
        gone.code,
        Some(1),
        "the volume still exists:\n{}",
        gone.stdout
    );

    // cinderclient's spelling for create.
    let polled = ok(&["create", "1", "--name", &unique("poll"), "--poll"]);
    assert_eq!(prop(&polled, "status").as_deref(), Some("available"));
    ok(&["delete", &prop(&polled, "id").unwrap(), "--wait"]);
}

#[test]
fn a_failure_is_reported_with_the_servers_reason() {
    require_cloud();
    let type_name = unique("nowhere");
    ok(&["type-create", &type_name]);
    let _cleanup_type = Cleanup(vec![vec!["type-delete".into(), type_name.clone()]]);
    ok(&["type-key", &type_name, "set", "volume_backend_name=nowhere"]);

    let name = unique("doomed");
    let failed = run(&[
        "create",
        "1",
        "--name",
        &name,
        "--volume-type",
        &type_name,
        "--wait",
    ]);
    let _cleanup = Cleanup(vec![vec!["delete".into(), name.clone()]]);
    assert_eq!(failed.code, Some(1), "{}", failed.stdout);
    assert!(
        failed.stderr.contains("went to status error"),
        "{}",
        failed.stderr
    );
    // The user message Cinder recorded for the volume says why.
    assert!(failed.stderr.contains("backend"), "{}", failed.stderr);
}

#[test]
fn wait_options_are_checked_before_anything_is_sent() {
    require_cloud();
    let bad = run(&["create", "1", "--wait", "--wait-timeout", "0"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.stderr.contains("--wait-timeout"), "{}", bad.stderr);
    let lone = run(&["create", "1", "--wait-timeout", "5"]);
    assert_eq!(lone.code, Some(2), "{}", lone.stderr);
    assert!(lone.stderr.contains("--wait"), "{}", lone.stderr);
}

/// A pseudo-terminal: (controller, terminal side).
fn pty() -> (OwnedFd, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    unsafe {
        (
            OwnedFd::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}

#[test]
fn the_spinner_shows_on_a_terminal_only() {
    require_cloud();
    let (controller, terminal) = pty();
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars() {
        if key.starts_with("OS_") {
            command.env_remove(key);
        }
    }
    let child = command
        .env("OS_CLIENT_CONFIG_FILE", clouds_yaml())
        .env("OS_CLOUD", "local")
        .env("XDG_CACHE_HOME", test_cache())
        .env("TERM", "xterm")
        .args([
            "create",
            "1",
            "--name",
            &unique("spin"),
            "--wait",
            "-f",
            "value",
            "-c",
            "id",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    // Only the child may hold the terminal side, or reading never ends.
    drop(command);
    // Read what the child drew until it exits.
    let reader = std::thread::spawn(move || {
        let mut drawn = Vec::new();
        let mut file = std::fs::File::from(controller);
        let mut buffer = [0u8; 4096];
        // EIO once the last terminal-side descriptor closes: the end of the output.
        while let Ok(n) = file.read(&mut buffer) {
            if n == 0 {
                break;
            }
            drawn.extend_from_slice(&buffer[..n]);
        }
        String::from_utf8_lossy(&drawn).into_owned()
    });
    let output = child.wait_with_output().unwrap();
    let drawn = reader.join().unwrap();
    let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let _cleanup = Cleanup(vec![vec!["delete".into(), id.clone()]]);
    assert!(output.status.success(), "{drawn}");
    assert!(
        drawn.contains(&format!("Waiting for volume {id}")),
        "{drawn:?}"
    );
    // Elapsed time and the status seen, e.g. "[0s] creating".
    assert!(
        drawn.contains("s] creating") || drawn.contains("s] available"),
        "{drawn:?}"
    );
    // Cleared at the end: the last thing drawn erases the line.
    assert!(drawn.ends_with("\r\u{1b}[2K"), "{drawn:?}");

    // The same with stderr a pipe: not a byte of it.
    let quiet = run(&[
        "create",
        "1",
        "--name",
        &unique("quiet"),
        "--wait",
        "-f",
        "value",
        "-c",
        "id",
    ]);
    assert_eq!(quiet.code, Some(0), "{}", quiet.stderr);
    let _cleanup_quiet = Cleanup(vec![vec!["delete".into(), quiet.stdout.trim().to_string()]]);
    assert_eq!(quiet.stderr, "", "stderr is not a terminal");
}
