//! An on-disk cache of Keystone tokens, so that a command-line run does not pay for a password
//! authentication (hundreds of milliseconds) when the previous run's token is still valid.
//!
//! One file per set of credentials, holding the token, its expiry, the catalog, the server's
//! microversion range and the identity it belongs to. Nothing on disk is trusted that another
//! user could have made or changed (docs/decisions/0014-token-cache-trust.md):
//! - the folder the cache lives in must not let others rename what is in it, and the cache's
//!   own folders (`cinder-rs/tokens`) must be real folders of the user's, 0700, else the
//!   cache is not used;
//! - files are named by an HMAC of every authentication setting under a random key kept 0600
//!   beside them, so that listing the folder tells nothing about the password;
//! - entries are written to a new, randomly named file created exclusively, then renamed;
//!   they are opened without following links and checked (owner, mode) once opened;
//! - an entry for another identity (a copied file) is ignored and replaced; a file others can
//!   read is deleted, with a warning that its token should be revoked.
//!
//! An entry is dropped when Keystone's expiry is near, or when Cinder answers 401 to its token.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Auth;
use crate::keystone::{CatalogService, Token};
use crate::microversion::{ApiVersion, ServerRange};

mod keyed;
#[cfg(unix)]
mod trust;

/// A token is not reused this close to its expiry: a run may last a while (`--wait`).
const EXPIRY_MARGIN_SECS: i64 = 300;

/// The name of the file holding the key entry names are made with.
const KEY_FILE: &str = "key";

/// Where cached tokens live.
#[derive(Clone, Debug)]
pub struct TokenCache {
    /// The folder the cache is in: the user's choice, perhaps shared with others.
    base: PathBuf,
    /// The cache's own folders below `base`, outermost first: private to the user.
    own: Vec<OsString>,
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
    /// Whom the token was issued to ([`identity`]); set when stored.
    #[serde(default)]
    pub identity: Value,
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

/// Why the token cache was not used, or not entirely, when the reason deserves the user's
/// attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheWarning {
    /// A cache file's permissions let group or others read it: it was deleted, unused.
    Exposed {
        /// The deleted file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A folder or file that another user could have made or changed: the run goes on
    /// without the cache.
    Untrusted {
        /// The folder or file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl std::fmt::Display for CacheWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheWarning::Exposed { path, mode } => write!(
                f,
                "deleted the cached token in {}: its mode {mode:04o} let other users read it. \
                 That token should be revoked (changing the password revokes it), since anyone \
                 who copied it can use it until it expires",
                path.display()
            ),
            CacheWarning::Untrusted { path, reason } => write!(
                f,
                "not using the token cache: {reason}: {} (another user could plant or read \
                 tokens there; fix its owner and make it `chmod 700` folders and `chmod 600` \
                 files, or use --no-cache)",
                path.display()
            ),
        }
    }
}

/// The cache file for one identity, in a folder found trustworthy.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    dir: PathBuf,
    path: PathBuf,
    identity: Value,
}

impl TokenCache {
    /// A cache in `dir`, which must be (or is created as) a folder of the user's that no one
    /// else can enter (0700), in a folder no one else can rename it in.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir: PathBuf = dir.into();
        match (dir.parent(), dir.file_name()) {
            (Some(parent), Some(name)) => TokenCache {
                base: if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                },
                own: vec![name.to_os_string()],
            },
            _ => TokenCache {
                base: dir,
                own: Vec::new(),
            },
        }
    }

    /// `$XDG_CACHE_HOME/cinder-rs/tokens`, else `$HOME/.cache/cinder-rs/tokens`, where
    /// `cinder-rs` and `tokens` are the cache's own. A relative `XDG_CACHE_HOME` is ignored (as
    /// the XDG specification says) and an empty or relative `HOME` gives no cache: either
    /// would put tokens under the current folder.
    pub fn user_default() -> Option<Self> {
        let absolute = |name: &str| {
            std::env::var_os(name)
                .map(PathBuf::from)
                .filter(|path| path.is_absolute())
        };
        let base =
            absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|h| h.join(".cache")))?;
        Some(TokenCache {
            base,
            own: vec!["cinder-rs".into(), "tokens".into()],
        })
    }

    /// The folder the cache files are in.
    pub fn dir(&self) -> PathBuf {
        self.own
            .iter()
            .fold(self.base.clone(), |dir, name| dir.join(name))
    }

    /// The cache file for `auth` in `region` after checking the folders, or `None` for a
    /// token sent as is (nothing to save).
    pub(crate) fn slot(
        &self,
        auth: &Auth,
        region: Option<&str>,
    ) -> Result<Option<Slot>, CacheWarning> {
        let Some((identity_url, body)) = crate::keystone::request_body(auth) else {
            return Ok(None);
        };
        let dir = self.trusted_dir()?;
        let key = self.key(&dir)?;
        let name = keyed::hmac_hex(
            &key,
            &[identity_url.as_bytes(), body.to_string().as_bytes()],
        );
        Ok(Some(Slot {
            path: dir.join(format!("{name}.json")),
            identity: identity(&identity_url, &body, region, &name),
            dir,
        }))
    }

    #[cfg(unix)]
    fn trusted_dir(&self) -> Result<PathBuf, CacheWarning> {
        let untrusted = |path: &Path, why: trust::Distrust| CacheWarning::Untrusted {
            path: path.to_path_buf(),
            reason: format!("the folder is not safe ({why})"),
        };
        trust::check_base(&self.base).map_err(|why| untrusted(&self.base, why))?;
        let mut dir = self.base.clone();
        for name in &self.own {
            dir.push(name);
            trust::check_private_dir(&dir).map_err(|why| untrusted(&dir, why))?;
        }
        Ok(dir)
    }

    /// The key entry names are made with, created on first use.
    #[cfg(unix)]
    fn key(&self, dir: &Path) -> Result<Vec<u8>, CacheWarning> {
        let path = dir.join(KEY_FILE);
        let untrusted = |why: trust::Distrust| CacheWarning::Untrusted {
            path: path.clone(),
            reason: format!("the key file is not safe ({why})"),
        };
        match trust::read_private(&path) {
            Err(trust::Distrust::Missing) => {
                // Made aside and linked in, so that a concurrent run finds a whole key or
                // none, and the first run's key wins.
                let made = trust::random::<32>().and_then(|key| {
                    let temporary = trust::write_new_private(dir, keyed::hex(&key).as_bytes())?;
                    let linked = fs::hard_link(&temporary, &path);
                    let _ = fs::remove_file(&temporary);
                    match linked {
                        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
                        _ => Ok(()),
                    }
                });
                made.map_err(|e| untrusted(trust::Distrust::Io(e.to_string())))?;
                trust::read_private(&path).map_err(untrusted)
            }
            read => read.map_err(untrusted),
        }
        .and_then(|key| match key.len() {
            64 => Ok(key),
            _ => Err(untrusted(trust::Distrust::Io(
                "it does not hold a key".into(),
            ))),
        })
    }

    #[cfg(not(unix))]
    fn trusted_dir(&self) -> Result<PathBuf, CacheWarning> {
        Err(CacheWarning::Untrusted {
            path: self.dir(),
            reason: "ownership and permissions cannot be checked on this system".into(),
        })
    }

    #[cfg(not(unix))]
    fn key(&self, _: &Path) -> Result<Vec<u8>, CacheWarning> {
        unreachable!("trusted_dir refuses every folder")
    }
}

/// Who a token is issued to, without secrets: Keystone's URL, the request body without the
/// password, secret or token, the region, and the entry's keyed name (which covers the
/// secrets).
fn identity(identity_url: &str, body: &Value, region: Option<&str>, name: &str) -> Value {
    let mut body = body.clone();
    for secret in [
        "/auth/identity/password/user/password",
        "/auth/identity/application_credential/secret",
        "/auth/identity/token/id",
    ] {
        let (object, field) = secret.rsplit_once('/').expect("a pointer to a member");
        if let Some(fields) = body.pointer_mut(object).and_then(Value::as_object_mut) {
            fields.remove(field);
        }
    }
    serde_json::json!({
        "auth_url": identity_url,
        "auth": body["auth"],
        "region": region,
        "name": name,
    })
}

impl Slot {
    /// The entry if it is ours alone, for this identity, and not about to expire.
    #[cfg(unix)]
    pub(crate) fn load(&self, now: i64) -> Result<Option<Entry>, CacheWarning> {
        let bytes = match trust::read_private(&self.path) {
            Ok(bytes) => bytes,
            Err(trust::Distrust::Missing) => return Ok(None),
            Err(trust::Distrust::Mode(mode)) if mode & 0o044 != 0 => {
                let _ = fs::remove_file(&self.path);
                return Err(CacheWarning::Exposed {
                    path: self.path.clone(),
                    mode,
                });
            }
            Err(why) => {
                return Err(CacheWarning::Untrusted {
                    path: self.path.clone(),
                    reason: format!("the cache file is not safe ({why})"),
                })
            }
        };
        let entry = serde_json::from_slice::<Entry>(&bytes).ok();
        match entry {
            Some(entry)
                if entry.identity == self.identity
                    && entry.expires_at - EXPIRY_MARGIN_SECS > now =>
            {
                Ok(Some(entry))
            }
            // Expired, nearly expired, unreadable or another identity's: forget it.
            _ => {
                self.remove();
                Ok(None)
            }
        }
    }

    #[cfg(not(unix))]
    pub(crate) fn load(&self, _: i64) -> Result<Option<Entry>, CacheWarning> {
        Ok(None)
    }

    /// Saves `entry` atomically, readable by its owner only. Failures are ignored: the cache
    /// only saves time.
    pub(crate) fn store(&self, entry: &Entry) {
        let mut entry = entry.clone();
        entry.identity = self.identity.clone();
        #[cfg(unix)]
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            if let Ok(temporary) = trust::write_new_private(&self.dir, &bytes) {
                if fs::rename(&temporary, &self.path).is_err() {
                    let _ = fs::remove_file(&temporary);
                }
            }
        }
    }

    /// Drops the entry (its token was refused).
    pub(crate) fn remove(&self) {
        let _ = fs::remove_file(&self.path);
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
            identity: Value::Null,
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::config::NameOrId;
    use std::os::unix::fs::PermissionsExt;

    fn password(user: &str, secret: &str) -> Auth {
        Auth::Password {
            auth_url: "http://k/v3".into(),
            user: NameOrId::Name(user.into()),
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
            identity: Value::Null,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cinder-token-cache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn slot(cache: &TokenCache, auth: &Auth) -> Slot {
        cache.slot(auth, None).unwrap().unwrap()
    }

    fn unkeyed_sha256(auth: &Auth) -> String {
        use sha2::{Digest, Sha256};
        let (url, body) = crate::keystone::request_body(auth).unwrap();
        let mut hash = Sha256::new();
        hash.update(url.as_bytes());
        hash.update([0]);
        hash.update(body.to_string().as_bytes());
        keyed::hex(&hash.finalize())
    }

    #[test]
    fn names_are_keyed_hashes_that_differ_by_credentials_and_by_key() {
        let cache = TokenCache::new(scratch("names").join("tokens"));
        let one = slot(&cache, &password("u", "one"));
        let two = slot(&cache, &password("u", "two"));
        assert_ne!(one.path, two.path);
        let name = one.path.file_stem().unwrap().to_str().unwrap().to_string();
        assert_eq!(name.len(), 64);
        assert_ne!(name, unkeyed_sha256(&password("u", "one")));
        assert!(
            !one.identity.to_string().contains("one"),
            "{}",
            one.identity
        );
        let key = cache.dir().join(KEY_FILE);
        assert_eq!(mode(&key), 0o600);
        // Another key, another name for the same credentials.
        let other = TokenCache::new(scratch("names-other").join("tokens"));
        assert_ne!(
            slot(&other, &password("u", "one")).path.file_name(),
            one.path.file_name()
        );
        let bare = Auth::TokenEndpoint {
            token: "t".into(),
            endpoint: "http://e".into(),
        };
        assert!(cache.slot(&bare, None).unwrap().is_none());
    }

    #[test]
    fn stores_privately_and_reloads_until_near_expiry() {
        let cache = TokenCache::new(scratch("store").join("tokens"));
        let slot = slot(&cache, &password("u", "x"));
        slot.store(&entry(10_000));
        assert_eq!(mode(&slot.path), 0o600);
        assert_eq!(mode(&cache.dir()), 0o700);
        assert_eq!(slot.load(1_000).unwrap().unwrap().token, "gAAAA-token");
        // Only the entry and the key: no temporary file left behind.
        assert_eq!(fs::read_dir(cache.dir()).unwrap().count(), 2);
        // Within the margin of its expiry the entry is dropped.
        assert!(slot.load(10_000 - 60).unwrap().is_none());
        assert!(!slot.path.exists());
    }

    #[test]
    fn an_entry_copied_from_another_identity_is_ignored() {
        let cache = TokenCache::new(scratch("swap").join("tokens"));
        let admin = slot(&cache, &password("admin", "x"));
        let demo = slot(&cache, &password("demo", "y"));
        admin.store(&entry(10_000));
        fs::copy(&admin.path, &demo.path).unwrap();
        assert!(demo.load(1_000).unwrap().is_none());
        assert!(!demo.path.exists());
        assert!(admin.load(1_000).unwrap().is_some());
        // The region is part of the identity too.
        let elsewhere = cache
            .slot(&password("admin", "x"), Some("RegionTwo"))
            .unwrap()
            .unwrap();
        assert_eq!(elsewhere.path, admin.path);
        assert!(elsewhere.load(1_000).unwrap().is_none());
    }

    #[test]
    fn a_file_others_can_read_is_deleted_with_a_warning() {
        let cache = TokenCache::new(scratch("exposed").join("tokens"));
        let slot = slot(&cache, &password("u", "x"));
        slot.store(&entry(10_000));
        fs::set_permissions(&slot.path, fs::Permissions::from_mode(0o644)).unwrap();
        let warning = slot.load(1_000).unwrap_err();
        assert_eq!(
            warning,
            CacheWarning::Exposed {
                path: slot.path.clone(),
                mode: 0o644
            }
        );
        assert!(warning.to_string().contains("revoked"), "{warning}");
        assert!(!warning.to_string().contains("gAAAA"), "{warning}");
        assert!(!slot.path.exists());
    }

    #[test]
    fn links_and_open_folders_are_refused_at_every_level_of_its_own() {
        let base = scratch("levels");
        // A folder others can enter.
        fs::create_dir(base.join("open")).unwrap();
        fs::set_permissions(base.join("open"), fs::Permissions::from_mode(0o777)).unwrap();
        let refused = TokenCache::new(base.join("open")).slot(&password("u", "x"), None);
        assert!(
            matches!(refused, Err(CacheWarning::Untrusted { .. })),
            "{refused:?}"
        );
        assert_eq!(fs::read_dir(base.join("open")).unwrap().count(), 0);
        // A link to a private folder.
        fs::create_dir(base.join("real")).unwrap();
        fs::set_permissions(base.join("real"), fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink(base.join("real"), base.join("link")).unwrap();
        let refused = TokenCache::new(base.join("link")).slot(&password("u", "x"), None);
        let warning = refused.unwrap_err().to_string();
        assert!(warning.contains("symbolic link"), "{warning}");
        assert_eq!(fs::read_dir(base.join("real")).unwrap().count(), 0);
        // A shared folder without the sticky bit: anyone could rename the cache's folder.
        fs::create_dir(base.join("shared")).unwrap();
        fs::set_permissions(base.join("shared"), fs::Permissions::from_mode(0o777)).unwrap();
        let refused = TokenCache::new(base.join("shared/tokens")).slot(&password("u", "x"), None);
        assert!(refused.is_err(), "{refused:?}");
        // With it (as /tmp), the cache makes its own private folder there.
        fs::set_permissions(base.join("shared"), fs::Permissions::from_mode(0o1777)).unwrap();
        let cache = TokenCache::new(base.join("shared/tokens"));
        assert!(cache.slot(&password("u", "x"), None).unwrap().is_some());
        assert_eq!(mode(&cache.dir()), 0o700);
    }

    #[test]
    fn a_planted_link_does_not_receive_the_token() {
        let cache = TokenCache::new(scratch("planted").join("tokens"));
        let slot = slot(&cache, &password("u", "x"));
        let elsewhere = scratch("planted-target").join("stolen");
        std::os::unix::fs::symlink(&elsewhere, &slot.path).unwrap();
        let refused = slot.load(1_000).unwrap_err().to_string();
        assert!(refused.contains("symbolic link"), "{refused}");
        assert!(!elsewhere.exists());
    }
}
