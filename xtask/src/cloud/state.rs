//! Persistent state of the cloud: the ports it was brought up with and its generated passwords.
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::paths::Layout;

/// Ports the cloud listens on, all on 127.0.0.1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub keystone: u16,
    pub cinder: u16,
    pub rabbit: u16,
    /// Erlang distribution port of the RabbitMQ node.
    pub rabbit_dist: u16,
    /// Erlang port mapper daemon.
    pub epmd: u16,
}

impl Default for Ports {
    fn default() -> Self {
        Self {
            keystone: 5000,
            cinder: 8776,
            rabbit: 5672,
            rabbit_dist: 25672,
            epmd: 4369,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct State {
    pub ports: Ports,
}

impl State {
    pub fn keystone_url(&self) -> String {
        format!("http://127.0.0.1:{}/v3", self.ports.keystone)
    }

    /// Erlang node name, unique per AMQP port so two clouds can share an epmd.
    pub fn rabbit_node(&self) -> String {
        format!("cinder-cloud-{}@localhost", self.ports.rabbit)
    }

    pub fn cinder_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.ports.cinder)
    }

    pub fn load(layout: &Layout) -> Result<Option<Self>> {
        let path = layout.state_file();
        if !path.exists() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let state =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Some(state))
    }

    pub fn save(&self, layout: &Layout) -> Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        write_atomic(&layout.state_file(), text.as_bytes(), 0o644)
    }
}

/// Passwords and the volume encryption key generated on the first `up`. Deliberately no
/// `Debug`: never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secrets {
    pub admin_password: String,
    pub demo_password: String,
    pub cinder_password: String,
    /// The key of Cinder's fixed-key manager (64 hex digits, AES-256), which lets volumes of an
    /// encrypted type be created without Barbican. Empty in a secrets file written before it
    /// existed, and then generated on load.
    #[serde(default)]
    pub volume_key: String,
}

impl Secrets {
    pub fn load(layout: &Layout) -> Result<Option<Self>> {
        let path = layout.secrets_file();
        if !path.exists() {
            return Ok(None);
        }
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        // serde_json errors quote only positions, not the content, so this cannot leak.
        let secrets =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Some(secrets))
    }

    /// Loads the passwords, generating and storing them (mode 0600) the first time.
    pub fn load_or_create(layout: &Layout) -> Result<Self> {
        let secrets = match Self::load(layout)? {
            Some(secrets) if !secrets.volume_key.is_empty() => return Ok(secrets),
            Some(older) => Self {
                volume_key: random_password()? + &random_password()?,
                ..older
            },
            None => Self {
                admin_password: random_password()?,
                demo_password: random_password()?,
                cinder_password: random_password()?,
                volume_key: random_password()? + &random_password()?,
            },
        };
        let text = serde_json::to_string_pretty(&secrets)? + "\n";
        write_atomic(&layout.secrets_file(), text.as_bytes(), 0o600)?;
        Ok(secrets)
    }
}

/// 32 hex characters from the kernel's CSPRNG: safe unquoted in INI, YAML, URLs and shells.
fn random_password() -> Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes `contents` to `path` through a temporary file created with `mode`, then renames it,
/// so that a secret is never readable by others, not even briefly.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> Result<()> {
    let Some(file_name) = path.file_name() else {
        bail!("{} is not a file path", path.display());
    };
    let tmp = path.with_file_name(format!(".{}.tmp", file_name.to_string_lossy()));
    let _ = fs::remove_file(&tmp);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    file.write_all(contents)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("writing {}", tmp.display()))?;
    // The umask may have dropped bits we asked for; set the exact mode.
    fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))?;
    fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
}
