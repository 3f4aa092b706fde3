//! `clouds.yaml`: the configuration file shared by the OpenStack tools.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::config::{Auth, Config, Interface, NameOrId};
use crate::error::{Error, Result};
use crate::microversion::VersionRequest;

#[derive(Deserialize)]
struct CloudsFile {
    #[serde(default)]
    clouds: serde_json::Map<String, Value>,
}

/// Where `clouds.yaml` is looked for, in order: `OS_CLIENT_CONFIG_FILE`, the current
/// directory, `~/.config/openstack/`, `/etc/openstack/`.
pub fn candidate_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(path) = std::env::var_os("OS_CLIENT_CONFIG_FILE") {
        files.push(PathBuf::from(path));
    }
    files.push(PathBuf::from("clouds.yaml"));
    if let Some(home) = std::env::var_os("HOME") {
        files.push(Path::new(&home).join(".config/openstack/clouds.yaml"));
    }
    files.push(PathBuf::from("/etc/openstack/clouds.yaml"));
    files
}

/// The settings of cloud `name` from the first `clouds.yaml` found that defines any clouds.
pub fn load(name: &str) -> Result<Config> {
    for file in candidate_files() {
        if !file.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", file.display())))?;
        let parsed: CloudsFile = serde_norway::from_str(&text).map_err(|e| {
            Error::Config(format!("{} is not valid clouds.yaml: {e}", file.display()))
        })?;
        return match parsed.clouds.get(name) {
            Some(cloud) => from_cloud_entry(cloud, &file, name),
            None => {
                let known: Vec<&String> = parsed.clouds.keys().collect();
                Err(Error::Config(format!(
                    "cloud {name:?} is not defined in {} (it defines: {})",
                    file.display(),
                    if known.is_empty() {
                        "no clouds".to_string()
                    } else {
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )))
            }
        };
    }
    Err(Error::Config(format!(
        "cloud {name:?} requested but no clouds.yaml was found (looked in: {})",
        candidate_files()
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

fn from_cloud_entry(cloud: &Value, file: &Path, name: &str) -> Result<Config> {
    let text =
        |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    let auth = cloud.get("auth").cloned().unwrap_or(Value::Null);
    let missing = |what: &str| {
        Error::Config(format!(
            "cloud {name:?} in {} has no auth.{what}",
            file.display()
        ))
    };
    let either = |name_key: &str, id_key: &str| {
        text(&auth, id_key)
            .map(NameOrId::Id)
            .or_else(|| text(&auth, name_key).map(NameOrId::Name))
    };
    let project =
        either("project_name", "project_id").or_else(|| either("tenant_name", "tenant_id"));
    let project_domain = either("project_domain_name", "project_domain_id")
        .or_else(|| either("domain_name", "domain_id"));
    let user_domain =
        either("user_domain_name", "user_domain_id").or_else(|| either("domain_name", "domain_id"));
    let auth_type = text(cloud, "auth_type").unwrap_or_else(|| "password".into());
    let auth_url = || text(&auth, "auth_url").ok_or_else(|| missing("auth_url"));
    let auth = match auth_type.as_str() {
        "password" | "v3password" => Auth::Password {
            auth_url: auth_url()?,
            user: either("username", "user_id").ok_or_else(|| missing("username"))?,
            user_domain,
            password: text(&auth, "password").ok_or_else(|| missing("password"))?,
            project,
            project_domain,
        },
        "token" | "v3token" => Auth::Token {
            auth_url: auth_url()?,
            token: text(&auth, "token").ok_or_else(|| missing("token"))?,
            project,
            project_domain,
        },
        "v3applicationcredential" => Auth::ApplicationCredential {
            auth_url: auth_url()?,
            credential: either("application_credential_name", "application_credential_id")
                .ok_or_else(|| missing("application_credential_id"))?,
            user: either("username", "user_id"),
            user_domain,
            secret: text(&auth, "application_credential_secret")
                .ok_or_else(|| missing("application_credential_secret"))?,
        },
        "admin_token" | "none" => Auth::TokenEndpoint {
            token: text(&auth, "token").ok_or_else(|| missing("token"))?,
            endpoint: text(&auth, "endpoint").ok_or_else(|| missing("endpoint"))?,
        },
        other => {
            return Err(Error::Config(format!(
                "cloud {name:?} in {} uses auth_type {other:?}; supported: password, token, \
                 v3token, v3applicationcredential",
                file.display()
            )))
        }
    };
    let mut config = Config::new(auth);
    config.region = text(cloud, "region_name");
    if let Some(interface) = text(cloud, "interface").or_else(|| text(cloud, "endpoint_type")) {
        config.interface = Interface::parse(&interface).map_err(Error::Config)?;
    }
    if let Some(version) = cloud
        .get("block_storage_api_version")
        .or_else(|| cloud.get("volume_api_version"))
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    {
        config.api_version = VersionRequest::parse(&version)?;
    }
    match cloud.get("verify") {
        Some(Value::Bool(false)) => config.insecure = true,
        Some(Value::String(path)) => config.cacert = Some(PathBuf::from(path)),
        _ => {}
    }
    if let Some(cacert) = text(cloud, "cacert") {
        config.cacert = Some(PathBuf::from(cacert));
    }
    Ok(config)
}
