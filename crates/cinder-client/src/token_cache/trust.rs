//! What the cache may trust on disk: folders and files that only the user can change, opened
//! without following links, written through files nobody else could have created first.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why a folder or file was not trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Distrust {
    /// Not there (nothing to trust or refuse).
    Missing,
    /// A symbolic link, or not a folder/regular file.
    Link,
    NotKind(&'static str),
    /// Owned by this uid, neither the user nor root.
    Owner(u32),
    /// These permission bits let others in.
    Mode(u32),
    /// Anything else the system said.
    Io(String),
}

impl std::fmt::Display for Distrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Distrust::Missing => write!(f, "it does not exist"),
            Distrust::Link => write!(f, "it is a symbolic link"),
            Distrust::NotKind(kind) => write!(f, "it is not a {kind}"),
            Distrust::Owner(uid) => write!(f, "it belongs to another user (uid {uid})"),
            Distrust::Mode(mode) => write!(f, "its mode {mode:04o} lets other users in"),
            Distrust::Io(message) => write!(f, "{message}"),
        }
    }
}

fn io(error: std::io::Error) -> Distrust {
    match error.kind() {
        std::io::ErrorKind::NotFound => Distrust::Missing,
        _ if error.raw_os_error() == Some(libc::ELOOP) => Distrust::Link,
        _ => Distrust::Io(error.to_string()),
    }
}

pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// A folder the user named (or their home's cache folder), possibly shared: it may be a link
/// and may belong to root, but nobody else may be able to rename what is in it, so it is
/// writable by its owner only or sticky (as /tmp is). Created, private, when missing.
pub(crate) fn check_base(dir: &Path) -> Result<(), Distrust> {
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)?;
    }
    let metadata = fs::metadata(dir).map_err(io)?;
    if !metadata.is_dir() {
        return Err(Distrust::NotKind("folder"));
    }
    if metadata.uid() != euid() && metadata.uid() != 0 {
        return Err(Distrust::Owner(metadata.uid()));
    }
    let mode = metadata.mode() & 0o7777;
    if mode & 0o022 != 0 && mode & 0o1000 == 0 {
        return Err(Distrust::Mode(mode & 0o777));
    }
    Ok(())
}

/// A folder of the cache's own: created 0700 when missing, else it must be a real folder (not
/// a link) of the user's, 0700.
pub(crate) fn check_private_dir(dir: &Path) -> Result<(), Distrust> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let metadata = fs::symlink_metadata(dir).map_err(io)?;
    if metadata.file_type().is_symlink() {
        return Err(Distrust::Link);
    }
    if !metadata.is_dir() {
        return Err(Distrust::NotKind("folder"));
    }
    private(&metadata)
}

fn private(metadata: &fs::Metadata) -> Result<(), Distrust> {
    if metadata.uid() != euid() {
        return Err(Distrust::Owner(metadata.uid()));
    }
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Distrust::Mode(mode));
    }
    Ok(())
}

/// The content of `path` if it is a regular file of the user's that only they can read and
/// write; the checks are made on the opened file, so that it cannot be swapped in between.
pub(crate) fn read_private(path: &Path) -> Result<Vec<u8>, Distrust> {
    let mut file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(Distrust::NotKind("regular file"));
    }
    private(&metadata)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
}

/// Writes `bytes` to a new, randomly named 0600 file in `dir` (created exclusively, so that
/// nothing planted there can receive it) and returns its path.
pub(crate) fn write_new_private(dir: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let temporary = dir.join(format!(".{}.tmp", super::keyed::hex(&random::<16>()?)));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    match written {
        Ok(()) => Ok(temporary),
        Err(e) => {
            let _ = fs::remove_file(&temporary);
            Err(e)
        }
    }
}

/// `N` bytes from the system's random source.
pub(crate) fn random<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}
