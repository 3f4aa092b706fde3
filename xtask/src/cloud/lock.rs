//! Guard so that two `up`/`down` (or two parity runs) never run at once on the same state dir.
//!
//! An advisory `flock` on `<state>/cloud.lock`: the kernel releases it when the holder exits,
//! however it exits, so there is no stale lock to detect. Rust opens files with `O_CLOEXEC`, so
//! the services we spawn do not inherit (and keep holding) it.
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::Path;

use anyhow::{Context, Result};

pub struct Lock {
    _file: File,
}

pub fn acquire(path: &Path) -> Result<Lock> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("opening lock file {}", path.display()))?;
    let fd = file.as_raw_fd();
    // SAFETY: flock on a file descriptor we own.
    if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(err).with_context(|| format!("locking {}", path.display()));
        }
        println!(
            "[xtask] another `cargo xtask` holds {}; waiting for it",
            path.display()
        );
        // SAFETY: as above; blocks until the other holder exits or unlocks.
        if unsafe { libc::flock(fd, libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("locking {}", path.display()));
        }
    }
    Ok(Lock { _file: file })
}
