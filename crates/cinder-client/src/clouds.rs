//! `clouds.yaml` and `secure.yaml`: the configuration files shared by the OpenStack tools.
//!
//! Each is looked for in order in `OS_CLIENT_CONFIG_FILE` (`OS_CLIENT_SECURE_FILE`), the current
//! directory, `$XDG_CONFIG_HOME/openstack/` (default `~/.config/openstack/`) and
//! `/etc/openstack/`; the first one found is used. `secure.yaml` has the same layout and is
//! merged over `clouds.yaml`, so passwords can live in a file with tighter permissions.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::config::NameOrId;
use crate::error::{Error, Result};
use crate::settings::Settings;

/// Where `clouds.yaml` is looked for, in order.
pub fn candidate_files() -> Vec<PathBuf> {
    candidates("OS_CLIENT_CONFIG_FILE", "clouds.yaml")
}

/// Where `secure.yaml` is looked for, in order.
pub fn candidate_secure_files() -> Vec<PathBuf> {
    candidates("OS_CLIENT_SECURE_FILE", "secure.yaml")
}

fn candidates(variable: &str, file: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(path) = std::env::var_os(variable).filter(|p| !p.is_empty()) {
        files.push(PathBuf::from(path));
    }
    files.push(PathBuf::from(file));
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")));
    if let Some(config_home) = config_home {
        files.push(config_home.join("openstack").join(file));
    }
    files.push(Path::new("/etc/openstack").join(file));
    files
}

/// The clouds of the first file found among `candidates`, and that file.
fn read_first(candidates: &[PathBuf]) -> Result<Option<(PathBuf, Map<String, Value>)>> {
    let Some(file) = candidates.iter().find(|f| f.exists()) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", file.display())))?;
    let parsed: Value = serde_norway::from_str(&text)
        .map_err(|e| Error::Config(format!("{} is not valid YAML: {e}", file.display())))?;
    let clouds = match parsed.get("clouds") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(clouds)) => clouds.clone(),
        Some(_) => {
            return Err(Error::Config(format!(
                "{}: `clouds` must be a mapping of cloud names to settings",
                file.display()
            )))
        }
    };
    Ok(Some((file.clone(), clouds)))
}

/// Recursively merges `top` over `base` (mappings merge, anything else is replaced).
fn merge(base: &mut Value, top: &Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                merge(base.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (base, top) => *base = top.clone(),
    }
}

/// The settings of cloud `name`, from `clouds.yaml` with `secure.yaml` merged over it.
pub fn load(name: &str) -> Result<Settings> {
    let clouds = read_first(&candidate_files())?;
    let secure = read_first(&candidate_secure_files())?;
    if clouds.is_none() && secure.is_none() {
        return Err(Error::Config(format!(
            "cloud {name:?} requested but no clouds.yaml was found (looked in: {})",
            candidate_files()
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let files: Vec<String> = [&clouds, &secure]
        .into_iter()
        .flatten()
        .map(|(path, _)| path.display().to_string())
        .collect();
    let mut entry: Option<Value> = None;
    for (_, layer) in [&clouds, &secure].into_iter().flatten() {
        if let Some(cloud) = layer.get(name) {
            merge(entry.get_or_insert(Value::Object(Map::new())), cloud);
        }
    }
    let Some(entry) = entry else {
        let mut known: Vec<&String> = [&clouds, &secure]
            .into_iter()
            .flatten()
            .flat_map(|(_, layer)| layer.keys())
            .collect();
        known.sort();
        known.dedup();
        return Err(Error::Config(format!(
            "cloud {name:?} is not defined in {} (defined: {})",
            files.join(" or "),
            if known.is_empty() {
                "no clouds".to_string()
            } else {
                known
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        )));
    };
    let settings = settings_of(&entry).map_err(|detail| {
        Error::Config(format!("cloud {name:?} in {}: {detail}", files.join(" + ")))
    })?;
    for warning in secret_warnings(name, clouds.as_ref(), secure.as_ref()) {
        tracing::warn!("{warning}");
    }
    Ok(settings)
}

/// The settings that are secrets: never echoed, and the files holding them must be private.
const SECRET_KEYS: [&str; 3] = ["password", "application_credential_secret", "token"];

/// What the user should know about where cloud `name`'s secrets come from: a file holding
/// them that others can read (as ssh warns about keys), and an `auth_url` from a clouds.yaml
/// in the current directory (an untrusted checkout, say) that would receive a secret from a
/// file elsewhere. openstacksdk searches the same places in the same order, so the order stays.
fn secret_warnings(
    name: &str,
    clouds: Option<&(PathBuf, Map<String, Value>)>,
    secure: Option<&(PathBuf, Map<String, Value>)>,
) -> Vec<String> {
    let layers: Vec<(&PathBuf, &Map<String, Value>)> = [clouds, secure]
        .into_iter()
        .flatten()
        .filter_map(|(path, clouds)| {
            let auth = clouds.get(name)?.get("auth")?.as_object()?;
            Some((path, auth))
        })
        .collect();
    let holds = |auth: &Map<String, Value>, key: &str| auth.get(key).is_some_and(|v| !v.is_null());
    let mut warnings = Vec::new();
    let mut secret_files = Vec::new();
    for (path, auth) in &layers {
        let secrets: Vec<&str> = SECRET_KEYS.into_iter().filter(|k| holds(auth, k)).collect();
        if secrets.is_empty() {
            continue;
        }
        secret_files.push((*path, secrets.clone()));
        if let Some(mode) = others_can_read(path) {
            warnings.push(format!(
                "{} holds a secret ({}) and its mode {mode:04o} lets other users read it: \
                 run `chmod 600 {0}`",
                path.display(),
                secrets.join(", ")
            ));
        }
    }
    // The layer that gives auth_url is the last one that has it (secure.yaml merges over).
    let url_file = layers
        .iter()
        .rev()
        .find(|(_, auth)| holds(auth, "auth_url"))
        .map(|(path, auth)| (*path, auth["auth_url"].as_str().unwrap_or_default()));
    if let Some((url_file, auth_url)) = url_file.filter(|(path, _)| in_current_dir(path)) {
        for (path, secrets) in secret_files
            .iter()
            .filter(|(path, _)| !in_current_dir(path))
        {
            warnings.push(format!(
                "cloud {name:?}: its auth_url {auth_url} comes from {} in the current directory, \
                 and its {} from {}: the secret is sent to that URL. If you did not write {0} \
                 yourself, remove it or set OS_CLIENT_CONFIG_FILE",
                url_file.display(),
                secrets.join(", "),
                path.display()
            ));
        }
    }
    warnings
}

/// Whether `path` is in the current directory (as `clouds.yaml` is looked for there).
fn in_current_dir(path: &Path) -> bool {
    let folder = |p: &Path| p.canonicalize().ok();
    match (
        path.canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf)),
        std::env::current_dir().ok().as_deref().and_then(folder),
    ) {
        (Some(parent), Some(current)) => parent == current,
        _ => false,
    }
}

/// The permission bits of `path` when group or others may read it.
#[cfg(unix)]
fn others_can_read(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn others_can_read(_: &Path) -> Option<u32> {
    None
}

/// A YAML value's kind, for errors about secret fields, which must not echo the value.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

/// One cloud's entry as [`Settings`]; an error says which key is malformed.
fn settings_of(cloud: &Value) -> std::result::Result<Settings, String> {
    if !cloud.is_object() {
        return Err("the cloud's settings must be a mapping".into());
    }
    let auth = cloud.get("auth").cloned().unwrap_or(Value::Null);
    if !(auth.is_object() || auth.is_null()) {
        return Err("`auth` must be a mapping".into());
    }
    let text = |value: &Value, key: &str| -> std::result::Result<Option<String>, String> {
        match value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) if SECRET_KEYS.contains(&key) => {
                Err(format!("`{key}` must be a string, not {}", kind(other)))
            }
            Some(other) => Err(format!("`{key}` must be a string, not {other}")),
        }
    };
    let first = |value: &Value, keys: &[&str]| -> std::result::Result<Option<String>, String> {
        for key in keys {
            if let Some(found) = text(value, key)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    };
    let (verify, verify_path) = match cloud.get("verify") {
        None | Some(Value::Null) => (None, None),
        Some(Value::Bool(verify)) => (Some(*verify), None),
        Some(Value::String(path)) => (Some(true), Some(PathBuf::from(path))),
        Some(other) => {
            return Err(format!(
                "`verify` must be true, false or a CA bundle path, not {other}"
            ))
        }
    };
    let insecure = match cloud.get("insecure") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(insecure)) => Some(*insecure),
        Some(other) => return Err(format!("`insecure` must be true or false, not {other}")),
    };
    let timeout = match cloud.get("api_timeout") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => Some(
            s.parse()
                .map_err(|_| format!("`api_timeout` must be a number of seconds, not {s:?}"))?,
        ),
        Some(other) => return Err(format!("`api_timeout` must be a number, not {other}")),
    };
    let default_domain = match (
        first(cloud, &["default_domain"])?,
        text(&auth, "domain_id")?,
        text(&auth, "domain_name")?,
    ) {
        (Some(id), _, _) | (None, Some(id), _) => Some(NameOrId::Id(id)),
        (None, None, Some(name)) => Some(NameOrId::Name(name)),
        (None, None, None) => None,
    };
    Ok(Settings {
        auth_type: text(cloud, "auth_type")?,
        auth_url: text(&auth, "auth_url")?,
        username: text(&auth, "username")?,
        user_id: text(&auth, "user_id")?,
        password: text(&auth, "password")?,
        user_domain_name: text(&auth, "user_domain_name")?,
        user_domain_id: text(&auth, "user_domain_id")?,
        project_name: first(&auth, &["project_name", "tenant_name"])?,
        project_id: first(&auth, &["project_id", "tenant_id"])?,
        project_domain_name: text(&auth, "project_domain_name")?,
        project_domain_id: text(&auth, "project_domain_id")?,
        default_domain,
        token: text(&auth, "token")?,
        endpoint: match first(cloud, &["block_storage_endpoint_override"])? {
            Some(endpoint) => Some(endpoint),
            None => text(&auth, "endpoint")?,
        },
        application_credential_id: text(&auth, "application_credential_id")?,
        application_credential_name: text(&auth, "application_credential_name")?,
        application_credential_secret: text(&auth, "application_credential_secret")?,
        region_name: text(cloud, "region_name")?,
        interface: first(cloud, &["interface", "endpoint_type"])?,
        verify: match insecure {
            Some(true) => Some(false),
            _ => verify,
        },
        cacert: first(cloud, &["cacert"])?
            .map(PathBuf::from)
            .or(verify_path),
        cert: text(cloud, "cert")?.map(PathBuf::from),
        key: text(cloud, "key")?.map(PathBuf::from),
        api_version: api_version(cloud)?,
        timeout,
    })
}

/// The microversion as text. YAML reads an unquoted `3.50` as the number 3.5, which would
/// silently select another microversion, so a fractional number is refused.
fn api_version(cloud: &Value) -> std::result::Result<Option<String>, String> {
    for key in ["block_storage_api_version", "volume_api_version"] {
        match cloud.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(text)) => return Ok(Some(text.clone())),
            Some(Value::Number(n)) if n.is_u64() => return Ok(Some(n.to_string())),
            Some(other) => {
                return Err(format!(
                    "`{key}: {other}` must be quoted (e.g. '3.50'): YAML reads an unquoted \
                     3.50 as the number 3.5"
                ))
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(yaml: &str) -> std::result::Result<Settings, String> {
        settings_of(&serde_norway::from_str::<Value>(yaml).unwrap())
    }

    #[test]
    fn reads_every_supported_key() {
        let s = settings(
            "auth_type: v3applicationcredential
auth:
  auth_url: https://k/v3
  application_credential_id: abc
  application_credential_secret: s
region_name: R2
endpoint_type: internalURL
verify: /ca.pem
cert: /c.pem
key: /k.pem
block_storage_api_version: '3.50'
api_timeout: 12.5
",
        )
        .unwrap();
        assert_eq!(s.auth_type.as_deref(), Some("v3applicationcredential"));
        assert_eq!(s.application_credential_id.as_deref(), Some("abc"));
        assert_eq!(s.region_name.as_deref(), Some("R2"));
        assert_eq!(s.interface.as_deref(), Some("internalURL"));
        assert_eq!(s.cacert, Some(PathBuf::from("/ca.pem")));
        assert_eq!(s.verify, Some(true));
        assert_eq!(s.cert, Some(PathBuf::from("/c.pem")));
        assert_eq!(s.key, Some(PathBuf::from("/k.pem")));
        assert_eq!(s.api_version.as_deref(), Some("3.50"));
        assert_eq!(s.timeout, Some(12.5));
    }

    #[test]
    fn verify_false_and_insecure_turn_verification_off() {
        assert_eq!(settings("verify: false").unwrap().verify, Some(false));
        assert_eq!(settings("insecure: true").unwrap().verify, Some(false));
    }

    #[test]
    fn malformed_values_name_their_key() {
        let err = settings("auth: {username: [a, b]}").unwrap_err();
        assert!(err.contains("`username`"), "{err}");
        let err = settings("verify: 3").unwrap_err();
        assert!(err.contains("`verify`"), "{err}");
        let err = settings("volume_api_version: 3.50").unwrap_err();
        assert!(err.contains("must be quoted"), "{err}");
        assert_eq!(
            settings("volume_api_version: 3")
                .unwrap()
                .api_version
                .as_deref(),
            Some("3")
        );
        let err = settings("auth: plain").unwrap_err();
        assert!(err.contains("`auth`"), "{err}");
    }

    #[test]
    fn a_mistyped_secret_is_reported_by_its_type_only() {
        for (yaml, kind) in [
            ("auth: {password: [hunter2]}", "a sequence"),
            (
                "auth: {application_credential_secret: {s: hunter2}}",
                "a mapping",
            ),
            ("auth: {token: [hunter2]}", "a sequence"),
        ] {
            let err = settings(yaml).unwrap_err();
            assert!(err.contains(kind), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn secure_values_merge_over_the_cloud() {
        let mut base: Value =
            serde_norway::from_str("auth: {username: u, auth_url: http://k}\nregion_name: R")
                .unwrap();
        let secure: Value = serde_norway::from_str("auth: {password: p}").unwrap();
        merge(&mut base, &secure);
        let s = settings_of(&base).unwrap();
        assert_eq!(s.username.as_deref(), Some("u"));
        assert_eq!(s.password.as_deref(), Some("p"));
        assert_eq!(s.region_name.as_deref(), Some("R"));
    }
}
