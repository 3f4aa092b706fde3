//! Connection settings by their `clouds.yaml` names, layered the way the OpenStack tools layer
//! them: a cloud from `clouds.yaml` (+ `secure.yaml`), then `OS_*` variables, then (in the CLI)
//! command-line options; each layer overrides the one below field by field.
//!
//! ```
//! use cinder_client::Settings;
//!
//! let file = Settings {
//!     auth_url: Some("http://keystone:5000/v3".into()),
//!     username: Some("demo".into()),
//!     password: Some("from-secure-yaml".into()),
//!     project_name: Some("demo".into()),
//!     ..Settings::default()
//! };
//! let env = Settings { region_name: Some("RegionTwo".into()), ..Settings::default() };
//! let merged = file.overlay(env);
//! assert_eq!(merged.region_name.as_deref(), Some("RegionTwo"));
//! assert!(merged.missing().is_empty());
//! let config = merged.into_config().unwrap();
//! assert_eq!(config.region.as_deref(), Some("RegionTwo"));
//! ```

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{Auth, Config, Interface, NameOrId};
use crate::error::{Error, Result};
use crate::microversion::VersionRequest;

/// Every setting the library understands, each optional; `None` means "not set here".
#[derive(Clone, Default, PartialEq)]
pub struct Settings {
    /// `password` (default), `token`/`v3token`, `v3applicationcredential`, or `none` (a token
    /// sent to an explicit endpoint, no Keystone).
    pub auth_type: Option<String>,
    /// Keystone's v3 URL (`auth.auth_url`, `OS_AUTH_URL`).
    pub auth_url: Option<String>,
    /// `auth.username`, `OS_USERNAME`.
    pub username: Option<String>,
    /// `auth.user_id`, `OS_USER_ID`.
    pub user_id: Option<String>,
    /// `auth.password`, `OS_PASSWORD`.
    pub password: Option<String>,
    /// `auth.user_domain_name`, `OS_USER_DOMAIN_NAME`.
    pub user_domain_name: Option<String>,
    /// `auth.user_domain_id`, `OS_USER_DOMAIN_ID`.
    pub user_domain_id: Option<String>,
    /// `auth.project_name` (or `tenant_name`), `OS_PROJECT_NAME` (or `OS_TENANT_NAME`).
    pub project_name: Option<String>,
    /// `auth.project_id` (or `tenant_id`), `OS_PROJECT_ID` (or `OS_TENANT_ID`).
    pub project_id: Option<String>,
    /// `auth.project_domain_name`, `OS_PROJECT_DOMAIN_NAME`.
    pub project_domain_name: Option<String>,
    /// `auth.project_domain_id`, `OS_PROJECT_DOMAIN_ID`.
    pub project_domain_id: Option<String>,
    /// The domain of user and project when they have none of their own (`default_domain`,
    /// `auth.domain_name`/`domain_id`, `OS_DEFAULT_DOMAIN`); Keystone's `default` otherwise.
    pub default_domain: Option<NameOrId>,
    /// An existing token (`auth.token`, `OS_TOKEN`).
    pub token: Option<String>,
    /// The block-storage URL to use instead of the catalog's
    /// (`block_storage_endpoint_override`, `auth.endpoint`, `OS_ENDPOINT`).
    pub endpoint: Option<String>,
    /// `auth.application_credential_id`, `OS_APPLICATION_CREDENTIAL_ID`.
    pub application_credential_id: Option<String>,
    /// `auth.application_credential_name`, `OS_APPLICATION_CREDENTIAL_NAME`.
    pub application_credential_name: Option<String>,
    /// `auth.application_credential_secret`, `OS_APPLICATION_CREDENTIAL_SECRET`.
    pub application_credential_secret: Option<String>,
    /// `region_name`, `OS_REGION_NAME`.
    pub region_name: Option<String>,
    /// `interface` (or `endpoint_type`), `OS_INTERFACE` (or `OS_ENDPOINT_TYPE`).
    pub interface: Option<String>,
    /// `verify: false` turns TLS verification off (`insecure: true` too).
    pub verify: Option<bool>,
    /// CA bundle (`cacert`, or `verify: <path>`; `OS_CACERT`).
    pub cacert: Option<PathBuf>,
    /// Client certificate, PEM (`cert`, `OS_CERT`).
    pub cert: Option<PathBuf>,
    /// The client certificate's private key, PEM (`key`, `OS_KEY`); may also sit in `cert`.
    pub key: Option<PathBuf>,
    /// `block_storage_api_version` (or `volume_api_version`), `OS_VOLUME_API_VERSION`.
    pub api_version: Option<String>,
    /// Per-request timeout in seconds (`api_timeout`).
    pub timeout: Option<f64>,
}

/// A setting that authentication needs and no layer gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// In words: "a password".
    pub what: &'static str,
    /// Its `clouds.yaml` key: "auth.password".
    pub key: &'static str,
    /// Its environment variable: "OS_PASSWORD".
    pub env: &'static str,
}

const fn missing(what: &'static str, key: &'static str, env: &'static str) -> Missing {
    Missing { what, key, env }
}

/// How the settings authenticate, once every layer is merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthKind {
    /// Keystone password.
    Password,
    /// Keystone token, re-scoped.
    Token,
    /// Keystone application credential.
    ApplicationCredential,
    /// Token and endpoint as given: no Keystone.
    TokenEndpoint,
}

impl Settings {
    /// The `OS_*` environment variables (empty ones count as unset).
    pub fn from_env() -> Settings {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Settings::from_env`], reading variables through `lookup` (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Settings {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| lookup(n).filter(|v| !v.is_empty()))
        };
        Settings {
            auth_type: var(&["OS_AUTH_TYPE"]),
            auth_url: var(&["OS_AUTH_URL"]),
            username: var(&["OS_USERNAME"]),
            user_id: var(&["OS_USER_ID"]),
            password: var(&["OS_PASSWORD"]),
            user_domain_name: var(&["OS_USER_DOMAIN_NAME"]),
            user_domain_id: var(&["OS_USER_DOMAIN_ID"]),
            project_name: var(&["OS_PROJECT_NAME", "OS_TENANT_NAME"]),
            project_id: var(&["OS_PROJECT_ID", "OS_TENANT_ID"]),
            project_domain_name: var(&["OS_PROJECT_DOMAIN_NAME"]),
            project_domain_id: var(&["OS_PROJECT_DOMAIN_ID"]),
            default_domain: var(&["OS_DEFAULT_DOMAIN"]).map(NameOrId::Id),
            token: var(&["OS_TOKEN", "OS_AUTH_TOKEN"]),
            endpoint: var(&["OS_ENDPOINT"]),
            application_credential_id: var(&["OS_APPLICATION_CREDENTIAL_ID"]),
            application_credential_name: var(&["OS_APPLICATION_CREDENTIAL_NAME"]),
            application_credential_secret: var(&["OS_APPLICATION_CREDENTIAL_SECRET"]),
            region_name: var(&["OS_REGION_NAME"]),
            interface: var(&["OS_INTERFACE", "OS_ENDPOINT_TYPE"]),
            verify: None,
            cacert: var(&["OS_CACERT"]).map(PathBuf::from),
            cert: var(&["OS_CERT"]).map(PathBuf::from),
            key: var(&["OS_KEY"]).map(PathBuf::from),
            api_version: var(&["OS_VOLUME_API_VERSION", "OS_BLOCK_STORAGE_API_VERSION"]),
            timeout: None,
        }
    }

    /// These settings with every field `top` sets replaced by `top`'s.
    pub fn overlay(self, top: Settings) -> Settings {
        fn pick<T>(top: Option<T>, below: Option<T>) -> Option<T> {
            top.or(below)
        }
        // A user or project named in a higher layer drops the lower layer's other spelling:
        // `OS_PROJECT_NAME=b` over a file's `project_id: a` means project b.
        let (project_name, project_id) = if top.project_name.is_some() || top.project_id.is_some() {
            (top.project_name, top.project_id)
        } else {
            (self.project_name, self.project_id)
        };
        let (username, user_id) = if top.username.is_some() || top.user_id.is_some() {
            (top.username, top.user_id)
        } else {
            (self.username, self.user_id)
        };
        Settings {
            auth_type: pick(top.auth_type, self.auth_type),
            auth_url: pick(top.auth_url, self.auth_url),
            username,
            user_id,
            password: pick(top.password, self.password),
            user_domain_name: pick(top.user_domain_name, self.user_domain_name),
            user_domain_id: pick(top.user_domain_id, self.user_domain_id),
            project_name,
            project_id,
            project_domain_name: pick(top.project_domain_name, self.project_domain_name),
            project_domain_id: pick(top.project_domain_id, self.project_domain_id),
            default_domain: pick(top.default_domain, self.default_domain),
            token: pick(top.token, self.token),
            endpoint: pick(top.endpoint, self.endpoint),
            application_credential_id: pick(
                top.application_credential_id,
                self.application_credential_id,
            ),
            application_credential_name: pick(
                top.application_credential_name,
                self.application_credential_name,
            ),
            application_credential_secret: pick(
                top.application_credential_secret,
                self.application_credential_secret,
            ),
            region_name: pick(top.region_name, self.region_name),
            interface: pick(top.interface, self.interface),
            verify: pick(top.verify, self.verify),
            cacert: pick(top.cacert, self.cacert),
            cert: pick(top.cert, self.cert),
            key: pick(top.key, self.key),
            api_version: pick(top.api_version, self.api_version),
            timeout: pick(top.timeout, self.timeout),
        }
    }

    /// The authentication these settings describe: `auth_type` if set, else guessed from what
    /// is present (token + endpoint, token, application credential, password).
    pub fn auth_kind(&self) -> Result<AuthKind> {
        match self
            .auth_type
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("password" | "v3password") => Ok(AuthKind::Password),
            Some("token" | "v3token") => Ok(AuthKind::Token),
            Some("v3applicationcredential" | "applicationcredential") => {
                Ok(AuthKind::ApplicationCredential)
            }
            Some("none" | "noauth" | "admin_token") => Ok(AuthKind::TokenEndpoint),
            Some(other) => Err(Error::Config(format!(
                "unsupported auth type {other:?}; use password, token, v3token, \
                 v3applicationcredential or none"
            ))),
            None if self.token.is_some() && self.endpoint.is_some() => Ok(AuthKind::TokenEndpoint),
            None if self.token.is_some() => Ok(AuthKind::Token),
            None if self.application_credential_id.is_some()
                || self.application_credential_name.is_some()
                || self.application_credential_secret.is_some() =>
            {
                Ok(AuthKind::ApplicationCredential)
            }
            None => Ok(AuthKind::Password),
        }
    }

    /// What authentication still needs; empty when [`Settings::into_config`] can succeed
    /// (apart from malformed values).
    pub fn missing(&self) -> Vec<Missing> {
        let Ok(kind) = self.auth_kind() else {
            return Vec::new();
        };
        let mut needed = Vec::new();
        let auth_url = missing("an auth URL", "auth.auth_url", "OS_AUTH_URL");
        let token = missing("a token", "auth.token", "OS_TOKEN");
        match kind {
            AuthKind::TokenEndpoint => {
                if self.token.is_none() {
                    needed.push(token);
                }
                if self.endpoint.is_none() {
                    needed.push(missing("an endpoint", "auth.endpoint", "OS_ENDPOINT"));
                }
            }
            AuthKind::Token => {
                if self.token.is_none() {
                    needed.push(token);
                }
                if self.auth_url.is_none() {
                    needed.push(auth_url);
                }
            }
            AuthKind::ApplicationCredential => {
                if self.application_credential_id.is_none()
                    && self.application_credential_name.is_none()
                {
                    needed.push(missing(
                        "an application credential ID",
                        "auth.application_credential_id",
                        "OS_APPLICATION_CREDENTIAL_ID",
                    ));
                } else if self.application_credential_id.is_none()
                    && self.username.is_none()
                    && self.user_id.is_none()
                {
                    needed.push(missing(
                        "the user owning the application credential",
                        "auth.username",
                        "OS_USERNAME",
                    ));
                }
                if self.application_credential_secret.is_none() {
                    needed.push(missing(
                        "an application credential secret",
                        "auth.application_credential_secret",
                        "OS_APPLICATION_CREDENTIAL_SECRET",
                    ));
                }
                if self.auth_url.is_none() {
                    needed.push(auth_url);
                }
            }
            AuthKind::Password => {
                if self.username.is_none() && self.user_id.is_none() {
                    needed.push(missing("a user name", "auth.username", "OS_USERNAME"));
                }
                if self.auth_url.is_none() {
                    needed.push(auth_url);
                }
                if self.password.is_none() {
                    needed.push(missing("a password", "auth.password", "OS_PASSWORD"));
                }
                if self.project_name.is_none() && self.project_id.is_none() {
                    needed.push(missing(
                        "a project name or ID",
                        "auth.project_name",
                        "OS_PROJECT_NAME",
                    ));
                }
            }
        }
        needed
    }

    /// The library configuration, or an error naming every missing setting.
    pub fn into_config(self) -> Result<Config> {
        let needed = self.missing();
        if !needed.is_empty() {
            return Err(Error::Config(missing_message(&needed)));
        }
        let kind = self.auth_kind()?;
        let default_domain = self
            .default_domain
            .clone()
            .unwrap_or_else(|| NameOrId::Id("default".into()));
        let user = name_or_id(&self.user_id, &self.username);
        let user_domain = name_or_id(&self.user_domain_id, &self.user_domain_name)
            .or_else(|| Some(default_domain.clone()));
        let project = name_or_id(&self.project_id, &self.project_name);
        let project_domain = name_or_id(&self.project_domain_id, &self.project_domain_name)
            .or_else(|| Some(default_domain.clone()));
        let s = self;
        let auth = match kind {
            AuthKind::Password => Auth::Password {
                auth_url: s.auth_url.clone().unwrap_or_default(),
                user: user.clone().expect("checked by missing()"),
                user_domain,
                password: s.password.clone().unwrap_or_default(),
                project,
                project_domain,
            },
            AuthKind::Token => Auth::Token {
                auth_url: s.auth_url.clone().unwrap_or_default(),
                token: s.token.clone().unwrap_or_default(),
                project,
                project_domain,
            },
            AuthKind::ApplicationCredential => Auth::ApplicationCredential {
                auth_url: s.auth_url.clone().unwrap_or_default(),
                credential: name_or_id(
                    &s.application_credential_id,
                    &s.application_credential_name,
                )
                .expect("checked by missing()"),
                user,
                user_domain,
                secret: s.application_credential_secret.clone().unwrap_or_default(),
            },
            AuthKind::TokenEndpoint => Auth::TokenEndpoint {
                token: s.token.clone().unwrap_or_default(),
                endpoint: s.endpoint.clone().unwrap_or_default(),
            },
        };
        let mut config = Config::new(auth);
        config.region = s.region_name;
        if let Some(interface) = &s.interface {
            config.interface = Interface::parse(interface).map_err(Error::Config)?;
        }
        if kind != AuthKind::TokenEndpoint {
            config.endpoint_override = s.endpoint;
        }
        if let Some(version) = &s.api_version {
            config.api_version = parse_api_version(version)?;
        }
        config.insecure = s.verify == Some(false);
        config.cacert = s.cacert;
        config.client_cert = s.cert;
        config.client_key = s.key;
        if let Some(seconds) = s.timeout {
            if !(seconds > 0.0 && seconds.is_finite()) {
                return Err(Error::Config(format!(
                    "invalid timeout {seconds}: it must be a positive number of seconds"
                )));
            }
            config.timeout = Some(Duration::from_secs_f64(seconds));
        }
        Ok(config)
    }
}

/// `3`, `3.N`, `3.latest`; the old `1` and `2` APIs are gone from Cinder.
fn parse_api_version(text: &str) -> Result<VersionRequest> {
    if text.starts_with('1') || text.starts_with('2') {
        return Err(Error::Config(format!(
            "Volume API version {text} is not supported by this client; use 3, 3.N or 3.latest"
        )));
    }
    Ok(VersionRequest::parse(text)?)
}

fn name_or_id(id: &Option<String>, name: &Option<String>) -> Option<NameOrId> {
    id.clone()
        .map(NameOrId::Id)
        .or_else(|| name.clone().map(NameOrId::Name))
}

/// "You must provide a token and an endpoint: set auth.token and auth.endpoint in clouds.yaml,
/// or env[OS_TOKEN] and env[OS_ENDPOINT]."
fn missing_message(needed: &[Missing]) -> String {
    format!(
        "You must provide {}: set {} in clouds.yaml, or {}.",
        and_list(needed.iter().map(|m| m.what.to_string()).collect()),
        and_list(needed.iter().map(|m| m.key.to_string()).collect()),
        and_list(needed.iter().map(|m| format!("env[{}]", m.env)).collect()),
    )
}

/// "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: Vec<String>) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

impl std::fmt::Debug for Settings {
    // Secrets never reach logs through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Settings")
            .field("auth_type", &self.auth_type)
            .field("auth_url", &self.auth_url)
            .field("username", &self.username)
            .field("user_id", &self.user_id)
            .field("password", &secret(&self.password))
            .field("project_name", &self.project_name)
            .field("project_id", &self.project_id)
            .field("token", &secret(&self.token))
            .field("endpoint", &self.endpoint)
            .field("application_credential_id", &self.application_credential_id)
            .field(
                "application_credential_secret",
                &secret(&self.application_credential_secret),
            )
            .field("region_name", &self.region_name)
            .field("interface", &self.interface)
            .field("api_version", &self.api_version)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Settings {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn environment_overrides_the_file_field_by_field() {
        let file = Settings {
            auth_url: Some("http://file/v3".into()),
            username: Some("file-user".into()),
            password: Some("file-pass".into()),
            project_id: Some("file-project".into()),
            region_name: Some("RegionOne".into()),
            ..Settings::default()
        };
        let merged = file.overlay(env(&[
            ("OS_PROJECT_NAME", "env-project"),
            ("OS_REGION_NAME", ""),
            ("OS_PASSWORD", "env-pass"),
        ]));
        assert_eq!(merged.password.as_deref(), Some("env-pass"));
        // The file's project id gives way to the environment's project name.
        assert_eq!(merged.project_name.as_deref(), Some("env-project"));
        assert_eq!(merged.project_id, None);
        // Empty variables are unset, not empty values.
        assert_eq!(merged.region_name.as_deref(), Some("RegionOne"));
        assert_eq!(merged.username.as_deref(), Some("file-user"));
    }

    #[test]
    fn auth_kind_follows_what_is_present() {
        let kind = |pairs: &[(&str, &str)]| env(pairs).auth_kind().unwrap();
        assert_eq!(kind(&[]), AuthKind::Password);
        assert_eq!(kind(&[("OS_TOKEN", "t")]), AuthKind::Token);
        assert_eq!(
            kind(&[("OS_TOKEN", "t"), ("OS_ENDPOINT", "http://e")]),
            AuthKind::TokenEndpoint
        );
        assert_eq!(
            kind(&[("OS_APPLICATION_CREDENTIAL_ID", "i")]),
            AuthKind::ApplicationCredential
        );
        assert_eq!(
            kind(&[("OS_AUTH_TYPE", "v3token"), ("OS_USERNAME", "u")]),
            AuthKind::Token
        );
        let err = env(&[("OS_AUTH_TYPE", "saml2")]).auth_kind().unwrap_err();
        assert!(err.to_string().contains("saml2"), "{err}");
    }

    #[test]
    fn every_missing_setting_is_named_with_its_key_and_variable() {
        let err = env(&[("OS_USERNAME", "u")]).into_config().unwrap_err();
        assert_eq!(
            err.to_string(),
            "You must provide an auth URL, a password and a project name or ID: set \
             auth.auth_url, auth.password and auth.project_name in clouds.yaml, or \
             env[OS_AUTH_URL], env[OS_PASSWORD] and env[OS_PROJECT_NAME]."
        );
        let err = env(&[("OS_AUTH_TYPE", "none"), ("OS_TOKEN", "t")])
            .into_config()
            .unwrap_err();
        assert!(err.to_string().contains("env[OS_ENDPOINT]"), "{err}");
    }

    #[test]
    fn domains_default_to_keystones_default_domain() {
        let config = env(&[
            ("OS_AUTH_URL", "http://k/v3"),
            ("OS_USERNAME", "u"),
            ("OS_PASSWORD", "p"),
            ("OS_PROJECT_NAME", "p"),
            ("OS_VOLUME_API_VERSION", "3.44"),
            ("OS_INTERFACE", "internalURL"),
        ])
        .into_config()
        .unwrap();
        match config.auth {
            Auth::Password {
                user_domain,
                project_domain,
                ..
            } => {
                assert_eq!(user_domain, Some(NameOrId::Id("default".into())));
                assert_eq!(project_domain, Some(NameOrId::Id("default".into())));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(config.interface, Interface::Internal);
        assert_eq!(
            config.api_version,
            VersionRequest::Exact(crate::ApiVersion(44))
        );
    }

    #[test]
    fn old_api_versions_and_bad_timeouts_are_refused() {
        let base = env(&[("OS_TOKEN", "t"), ("OS_ENDPOINT", "http://e")]);
        let err = base
            .clone()
            .overlay(Settings {
                api_version: Some("2".into()),
                ..Settings::default()
            })
            .into_config()
            .unwrap_err();
        assert!(err.to_string().contains("use 3, 3.N or 3.latest"), "{err}");
        let err = base
            .overlay(Settings {
                timeout: Some(0.0),
                ..Settings::default()
            })
            .into_config()
            .unwrap_err();
        assert!(err.to_string().contains("positive number"), "{err}");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let settings = env(&[
            ("OS_PASSWORD", "hunter2"),
            ("OS_TOKEN", "gAAAAtoken"),
            ("OS_APPLICATION_CREDENTIAL_SECRET", "s3cr3t"),
        ]);
        let shown = format!("{settings:?}");
        for secret in ["hunter2", "gAAAAtoken", "s3cr3t"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
