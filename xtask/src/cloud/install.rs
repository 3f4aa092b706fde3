//! Installing what the cloud needs: RabbitMQ from Debian, Keystone/Cinder into one venv from PyPI.
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::paths::Layout;
use super::process::run_logged;

/// The server script itself (the `/usr/sbin/rabbitmq-server` wrapper `su`s to another user).
pub const RABBITMQ_SERVER: &str = "/usr/lib/rabbitmq/bin/rabbitmq-server";

/// Top-level Python packages. Keystone 30.0.0 and Cinder 29.0.0 resolve together in one venv
/// without extra pins; python-cinderclient 9.10.0 is the newest 9.x, gunicorn serves Keystone,
/// fixtures is imported by Cinder's fake volume driver (it is a test-only dependency of Cinder).
pub const REQUIREMENTS: &str = "\
keystone==30.0.0
cinder==29.0.0
python-cinderclient==9.10.0
gunicorn==27.0.1
fixtures==4.3.2
";

/// Every transitive package pinned to the set verified together (a `pip freeze`).
const CONSTRAINTS: &str = include_str!("constraints.txt");

/// Interpreter used to create the venv; overridable for machines whose `python3` is too old/new.
const PYTHON_ENV: &str = "CINDER_CLOUD_PYTHON";

pub fn ensure_rabbitmq(layout: &Layout) -> Result<()> {
    if Path::new(RABBITMQ_SERVER).exists() {
        return Ok(());
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!(
            "rabbitmq-server is not installed and installing it needs root: \
             run `sudo apt-get install -y rabbitmq-server`"
        );
    }
    println!("[cloud] installing rabbitmq-server (apt-get update && apt-get install)...");
    let log = layout.log("apt");
    let apt = |args: &[&str]| {
        let mut cmd = Command::new("apt-get");
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_logged(&mut apt(&["update"]), &log, "apt-get update")?;
    run_logged(
        &mut apt(&["install", "-y", "rabbitmq-server"]),
        &log,
        "apt-get install rabbitmq-server",
    )?;
    if !Path::new(RABBITMQ_SERVER).exists() {
        bail!("apt-get installed rabbitmq-server but {RABBITMQ_SERVER} is missing");
    }
    Ok(())
}

/// The Erlang port mapper daemon shipped with Erlang (a dependency of rabbitmq-server).
pub fn epmd_binary() -> Result<PathBuf> {
    let fixed = Path::new("/usr/bin/epmd");
    if fixed.exists() {
        return Ok(fixed.to_path_buf());
    }
    let erlang = Path::new("/usr/lib/erlang");
    if let Ok(entries) = fs::read_dir(erlang) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("erts-"))
            .map(|e| e.path().join("bin").join("epmd"))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        if let Some(path) = found.pop() {
            return Ok(path);
        }
    }
    bail!("epmd not found (expected /usr/bin/epmd or /usr/lib/erlang/erts-*/bin/epmd)")
}

/// Creates the venv and installs the pinned packages unless it already has exactly them.
pub fn ensure_venv(layout: &Layout) -> Result<()> {
    let wanted = format!("{REQUIREMENTS}--\n{CONSTRAINTS}");
    let marker = layout.venv_marker();
    let python = layout.venv_bin("python");
    if python.exists() && fs::read_to_string(&marker).is_ok_and(|m| m == wanted) {
        return Ok(());
    }
    let log = layout.log("pip");
    if !python.exists() {
        create_venv(layout, &log)?;
    }
    fs::write(layout.requirements(), REQUIREMENTS)?;
    fs::write(layout.constraints(), CONSTRAINTS)?;
    println!(
        "[cloud] installing python packages (keystone, cinder, python-cinderclient, gunicorn; \
         a few minutes the first time, log: {})...",
        log.display()
    );
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--disable-pip-version-check", "-r"])
        .arg(layout.requirements())
        .arg("-c")
        .arg(layout.constraints());
    run_logged(&mut pip, &log, "pip install")?;
    fs::write(&marker, wanted)?;
    Ok(())
}

fn create_venv(layout: &Layout, log: &Path) -> Result<()> {
    let python = std::env::var(PYTHON_ENV).unwrap_or_else(|_| "python3".to_string());
    println!(
        "[cloud] creating python venv {} ({python})...",
        layout.venv().display()
    );
    let venv = || {
        let mut cmd = Command::new(&python);
        cmd.args(["-m", "venv"]).arg(layout.venv());
        cmd
    };
    if run_logged(&mut venv(), log, "python3 -m venv").is_ok() {
        return Ok(());
    }
    // Debian's own python3 needs python3-venv for ensurepip; install it if we can, once.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!(
            "`{python} -m venv` failed (log: {}); on Debian install python3-venv, or set \
             {PYTHON_ENV} to another Python 3.10+",
            log.display()
        );
    }
    println!("[cloud] `{python} -m venv` failed; installing python3-venv and retrying...");
    let _ = fs::remove_dir_all(layout.venv());
    let mut apt = Command::new("apt-get");
    apt.args(["install", "-y", "python3-venv"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run_logged(&mut apt, &layout.log("apt"), "apt-get install python3-venv")?;
    run_logged(&mut venv(), log, "python3 -m venv").context("creating the venv")
}
