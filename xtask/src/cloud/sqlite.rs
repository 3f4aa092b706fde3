//! SQLite tuning for several OpenStack processes sharing one database file.
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::paths::Layout;
use super::process::run_logged;

/// Switches `db` to write-ahead logging (persistent in the file), so readers no longer block the
/// writer: with the default rollback journal, cinder-api workers, scheduler and volume service
/// hit "database is locked" under concurrent requests. Needs no other process to hold the
/// database, so it runs right after the schema is created. The connection URLs also carry
/// `?timeout=30` (seconds a writer waits for the lock).
pub fn enable_wal(layout: &Layout, db: &Path, log: &Path) -> Result<()> {
    let mut cmd = Command::new(layout.venv_bin("python"));
    cmd.args([
        "-c",
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
         mode = c.execute('PRAGMA journal_mode=WAL').fetchone()[0]; \
         sys.exit(0 if mode == 'wal' else 'journal_mode is ' + mode)",
    ])
    .arg(db);
    run_logged(&mut cmd, log, &format!("enabling WAL on {}", db.display()))
}

/// Environment variable that activates [`BEGIN_IMMEDIATE_MODULE`] in a process.
pub const BEGIN_IMMEDIATE_ENV: &str = "CINDER_CLOUD_SQLITE_IMMEDIATE";

/// Python module turning oslo.db's SQLite `BEGIN` into `BEGIN IMMEDIATE` (see its comments).
const BEGIN_IMMEDIATE_MODULE: &str = include_str!("sqlite_immediate.py");

/// Installs the module into the venv's site-packages with a `.pth` file importing it at startup.
pub fn install_begin_immediate(layout: &Layout) -> Result<()> {
    let lib = layout.venv().join("lib");
    let site_packages = std::fs::read_dir(&lib)
        .with_context(|| format!("reading {}", lib.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .with_context(|| format!("no python*/site-packages under {}", lib.display()))?;
    write_if_changed(
        &site_packages.join("cinder_cloud_sqlite.py"),
        BEGIN_IMMEDIATE_MODULE,
    )?;
    write_if_changed(
        &site_packages.join("cinder_cloud_sqlite.pth"),
        "import cinder_cloud_sqlite\n",
    )
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|c| c == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}
