//! With no password configured, `cinder` asks for it on the terminal as cinderclient does
//! (`OS Password: `), with echo off, and restores the terminal after; without a terminal it
//! reports the missing password as before. The terminal is a pseudo-terminal made here.

mod common;

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

use common::*;

fn local_demo_without_password() -> (std::path::PathBuf, String) {
    let text = std::fs::read_to_string(clouds_yaml()).unwrap();
    let mut file: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let mut entry = file["clouds"]["local-demo"].clone();
    let password = entry["auth"]["password"].as_str().unwrap().to_string();
    entry["auth"].as_mapping_mut().unwrap().remove("password");
    file["clouds"]["asks"] = entry;
    let dir = workspace()
        .join("target/test-scratch")
        .join(unique("prompt"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clouds.yaml");
    std::fs::write(&path, serde_norway::to_string(&file).unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    (path, password)
}

fn cinder(config: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cinder"));
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("OS_")) {
        command.env_remove(key);
    }
    command
        .env("OS_CLIENT_CONFIG_FILE", config)
        .env("OS_CLOUD", "asks")
        .env("XDG_CACHE_HOME", test_cache())
        .args(["--no-cache", "list"]);
    command
}

fn echo_is_on(fd: i32) -> bool {
    let mut termios = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: fd is an open terminal; termios is filled on success.
    let termios = unsafe {
        assert_eq!(libc::tcgetattr(fd, termios.as_mut_ptr()), 0);
        termios.assume_init()
    };
    termios.c_lflag & libc::ECHO != 0
}

#[test]
fn the_password_is_asked_for_on_the_terminal_without_echo() {
    require_cloud();
    let (config, password) = local_demo_without_password();
    let (mut master, slave) = {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty fills two descriptors, which are then owned here.
        let made = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(made, 0, "openpty: {}", std::io::Error::last_os_error());
        unsafe {
            (
                std::fs::File::from_raw_fd(master),
                OwnedFd::from_raw_fd(slave),
            )
        }
    };
    use std::os::fd::AsRawFd;
    let slave_fd = slave.as_raw_fd();
    assert!(echo_is_on(slave_fd));
    let mut child = cinder(&config)
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Typed only once the prompt is shown: by then echo is off.
    let mut stderr = child.stderr.take().unwrap();
    let mut shown = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&shown).contains("OS Password: ") {
        let n = stderr.read(&mut byte).unwrap();
        assert_eq!(
            n,
            1,
            "stderr ended before the prompt: {:?}",
            String::from_utf8_lossy(&shown)
        );
        shown.push(byte[0]);
    }
    assert!(
        !echo_is_on(slave_fd),
        "echo is on while the password is typed"
    );
    master
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{rest}");
    assert!(stdout.contains("| ID"), "{stdout}");
    assert!(echo_is_on(slave_fd), "the terminal's echo was not restored");
    // Nothing typed came back on the terminal.
    // SAFETY: a valid descriptor; non-blocking so that an empty terminal reads as nothing.
    unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    let mut echoed = Vec::new();
    let _ = master.read_to_end(&mut echoed);
    assert!(
        !String::from_utf8_lossy(&echoed).contains(&password),
        "the password was echoed"
    );
}

#[test]
fn without_a_terminal_the_missing_password_is_reported() {
    require_cloud();
    let (config, _) = local_demo_without_password();
    let output = cinder(&config).stdin(Stdio::null()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("OS Password"), "{stderr}");
    assert!(stderr.contains("a password"), "{stderr}");
}
