//! An on-disk cache of Keystone tokens, so that a command-line run does not pay for a password
//! authentication (hundreds of milliseconds) when the previous run's token is still valid.
//!
//! One file per set of credentials, named by a SHA-256 of every authentication setting
//! (secrets included, so changed credentials never reuse an old token), holding the token,
//! its expiry, the catalog and the server's microversion range. Files are created `0600` in a
//! `0700` folder; a file that group or others can read is refused with a warning, never used.
//! An entry is dropped when Keystone's expiry is near, or when Cinder answers 401 to its token.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Auth;
use crate::keystone::{CatalogService, Token};
use crate::microversion::{ApiVersion, ServerRange};

/// A token is not reused this close to its expiry: a run may last a while (`--wait`).
const EXPIRY_MARGIN_SECS: i64 = 300;

/// Where cached tokens live.
#[derive(Clone, Debug)]
pub struct TokenCache {
    dir: PathBuf,
}

/// What one cache file holds.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub project_id: Option<String>,
    pub catalog: Vec<CatalogService>,
    /// The versions document's range, for the endpoint it was read from.
    #[serde(default)]
    pub discovery: Option<Discovery>,
}

#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Discovery {
    pub endpoint: String,
    pub min: u16,
    pub max: u16,
}

impl Discovery {
    pub fn range(&self) -> ServerRange {
        ServerRange {
            min: ApiVersion(self.min),
            max: ApiVersion(self.max),
        }
    }
}

/// Why a cached token was not used, when the reason deserves the user's attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheWarning {
    /// The file's permissions let group or others read it.
    Exposed {
        /// The refused file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

impl std::fmt::Display for CacheWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheWarning::Exposed { path, mode } => write!(
                f,
                "not using the cached token in {}: its mode {mode:04o} lets other users read it \
                 (run `chmod 600 {0}`, or delete it)",
                path.display()
            ),
        }
    }
}

impl TokenCache {
    /// A cache in `dir` (created on first store).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TokenCache { dir: dir.into() }
    }

    /// `$XDG_CACHE_HOME/cinder-rs/tokens`, else `~/.cache/cinder-rs/tokens`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
        Some(base.join("cinder-rs").join("tokens"))
    }

    /// The folder the cache files are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file for `auth`, or `None` for a token sent as is (nothing to save).
    pub(crate) fn path_for(&self, auth: &Auth) -> Option<PathBuf> {
        key(auth).map(|key| self.dir.join(format!("{key}.json")))
    }

    /// The entry at `path` if it is ours alone and not about to expire.
    pub(crate) fn load(&self, path: &Path, now: i64) -> Result<Option<Entry>, CacheWarning> {
        let Ok(metadata) = fs::metadata(path) else {
            return Ok(None);
        };
        let mode = file_mode(&metadata);
        if mode & 0o077 != 0 {
            return Err(CacheWarning::Exposed {
                path: path.to_path_buf(),
                mode,
            });
        }
        let entry = fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Entry>(&bytes).ok());
        match entry {
            Some(entry) if entry.expires_at - EXPIRY_MARGIN_SECS > now => Ok(Some(entry)),
            // Expired, nearly expired or unreadable: forget it.
            _ => {
                let _ = fs::remove_file(path);
                Ok(None)
            }
        }
    }

    /// Saves `entry` at `path` atomically, readable by its owner only. Failures are ignored:
    /// the cache only saves time.
    pub(crate) fn store(&self, path: &Path, entry: &Entry) {
        let _ = self.try_store(path, entry);
    }

    fn try_store(&self, path: &Path, entry: &Entry) -> std::io::Result<()> {
        create_private_dir(&self.dir)?;
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let mut file = private_file(&temporary)?;
        file.write_all(&serde_json::to_vec(entry).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    }

    /// Drops the entry at `path` (its token was refused).
    pub(crate) fn remove(&self, path: &Path) {
        let _ = fs::remove_file(path);
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl Entry {
    pub fn new(token: &Token) -> Self {
        Entry {
            token: token.value.clone(),
            expires_at: token.expires_at.unwrap_or(0),
            project_id: token.project_id.clone(),
            catalog: token.catalog.clone(),
            discovery: None,
        }
    }

    pub fn to_token(&self) -> Token {
        Token {
            value: self.token.clone(),
            project_id: self.project_id.clone(),
            catalog: self.catalog.clone(),
            expires_at: Some(self.expires_at),
        }
    }
}

/// A hex SHA-256 of the token request Keystone would get for `auth`: it holds every setting
/// that decides which token is issued (URL, user, secret, scope), so it is derived, not listed
/// again here.
fn key(auth: &Auth) -> Option<String> {
    let (identity_url, body) = crate::keystone::request_body(auth)?;
    let mut hash = Sha256::new();
    hash.update(identity_url.as_bytes());
    hash.update([0]);
    hash.update(body.to_string().as_bytes());
    Some(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(unix)]
fn file_mode(metadata: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn file_mode(_: &fs::Metadata) -> u32 {
    0o600
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::File::create(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NameOrId;

    fn password(secret: &str) -> Auth {
        Auth::Password {
            auth_url: "http://k/v3".into(),
            user: NameOrId::Name("u".into()),
            user_domain: None,
            password: secret.into(),
            project: Some(NameOrId::Name("p".into())),
            project_domain: None,
        }
    }

    fn entry(expires_at: i64) -> Entry {
        Entry {
            token: "gAAAA-token".into(),
            expires_at,
            project_id: Some("p1".into()),
            catalog: Vec::new(),
            discovery: None,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cinder-token-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn keys_differ_by_credentials_and_hide_them() {
        let a = key(&password("one")).unwrap();
        let b = key(&password("two")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!a.contains("one"));
        let bare = Auth::TokenEndpoint {
            token: "t".into(),
            endpoint: "http://e".into(),
        };
        assert!(key(&bare).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn stores_privately_and_reloads_until_near_expiry() {
        use std::os::unix::fs::PermissionsExt;
        let cache = TokenCache::new(scratch("store"));
        let path = cache.path_for(&password("x")).unwrap();
        cache.store(&path, &entry(10_000));
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(cache.dir()), 0o700);
        assert_eq!(
            cache.load(&path, 1_000).unwrap().unwrap().token,
            "gAAAA-token"
        );
        // Within the margin of its expiry the entry is dropped.
        assert!(cache.load(&path, 10_000 - 60).unwrap().is_none());
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_with_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let cache = TokenCache::new(scratch("exposed"));
        let path = cache.path_for(&password("x")).unwrap();
        cache.store(&path, &entry(10_000));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let warning = cache.load(&path, 1_000).unwrap_err();
        assert_eq!(
            warning,
            CacheWarning::Exposed {
                path: path.clone(),
                mode: 0o644
            }
        );
        assert!(warning.to_string().contains("chmod 600"), "{warning}");
        assert!(!warning.to_string().contains("gAAAA"), "{warning}");
    }
}
