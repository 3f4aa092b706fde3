//! The global `--os-*` options and how they become a [`cinder_client::Config`].

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use cinder_client::{Auth, Config, Interface, NameOrId, VersionRequest};
use clap::Args;

/// Options accepted before (or after) any subcommand, named as in python-cinderclient.
#[derive(Args, Debug, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOpts {
    /// Shows debugging output (never credentials).
    #[arg(short = 'd', long, global = true)]
    pub debug: bool,

    /// Named cloud from clouds.yaml; --os-* options and env override its settings.
    #[arg(
        long = "os-cloud",
        env = "OS_CLOUD",
        value_name = "cloud",
        global = true
    )]
    pub os_cloud: Option<String>,

    /// Authentication plugin: password, token, v3applicationcredential or none (token + endpoint).
    #[arg(
        long = "os-auth-type",
        alias = "os-auth-system",
        env = "OS_AUTH_TYPE",
        value_name = "auth-type",
        global = true
    )]
    pub os_auth_type: Option<String>,

    /// Keystone URL.
    #[arg(
        long = "os-auth-url",
        env = "OS_AUTH_URL",
        value_name = "auth-url",
        global = true
    )]
    pub os_auth_url: Option<String>,

    /// OpenStack user name.
    #[arg(
        long = "os-username",
        env = "OS_USERNAME",
        value_name = "auth-user-name",
        global = true
    )]
    pub os_username: Option<String>,

    /// OpenStack user ID.
    #[arg(
        long = "os-user-id",
        env = "OS_USER_ID",
        value_name = "auth-user-id",
        global = true
    )]
    pub os_user_id: Option<String>,

    /// Password for the OpenStack user.
    #[arg(
        long = "os-password",
        env = "OS_PASSWORD",
        hide_env_values = true,
        value_name = "auth-password",
        global = true
    )]
    pub os_password: Option<String>,

    /// Project name (also read from env[OS_TENANT_NAME]).
    #[arg(
        long = "os-project-name",
        alias = "os-tenant-name",
        env = "OS_PROJECT_NAME",
        value_name = "auth-project-name",
        global = true
    )]
    pub os_project_name: Option<String>,

    /// Project ID (also read from env[OS_TENANT_ID]).
    #[arg(
        long = "os-project-id",
        alias = "os-tenant-id",
        env = "OS_PROJECT_ID",
        value_name = "auth-project-id",
        global = true
    )]
    pub os_project_id: Option<String>,

    /// Domain name of the user.
    #[arg(
        long = "os-user-domain-name",
        env = "OS_USER_DOMAIN_NAME",
        value_name = "auth-user-domain-name",
        global = true
    )]
    pub os_user_domain_name: Option<String>,

    /// Domain ID of the user.
    #[arg(
        long = "os-user-domain-id",
        env = "OS_USER_DOMAIN_ID",
        value_name = "auth-user-domain-id",
        global = true
    )]
    pub os_user_domain_id: Option<String>,

    /// Domain name of the project.
    #[arg(
        long = "os-project-domain-name",
        env = "OS_PROJECT_DOMAIN_NAME",
        value_name = "auth-project-domain-name",
        global = true
    )]
    pub os_project_domain_name: Option<String>,

    /// Domain ID of the project.
    #[arg(
        long = "os-project-domain-id",
        env = "OS_PROJECT_DOMAIN_ID",
        value_name = "auth-project-domain-id",
        global = true
    )]
    pub os_project_domain_id: Option<String>,

    /// An existing token; with --os-endpoint, Keystone is not contacted at all.
    #[arg(
        long = "os-token",
        alias = "os-auth-token",
        env = "OS_TOKEN",
        hide_env_values = true,
        value_name = "token",
        global = true
    )]
    pub os_token: Option<String>,

    /// Block-storage endpoint to use instead of the catalog's.
    #[arg(
        long = "os-endpoint",
        alias = "bypass-url",
        env = "OS_ENDPOINT",
        value_name = "endpoint",
        global = true
    )]
    pub os_endpoint: Option<String>,

    /// Application credential ID.
    #[arg(
        long = "os-application-credential-id",
        env = "OS_APPLICATION_CREDENTIAL_ID",
        value_name = "id",
        global = true
    )]
    pub os_application_credential_id: Option<String>,

    /// Application credential secret.
    #[arg(
        long = "os-application-credential-secret",
        env = "OS_APPLICATION_CREDENTIAL_SECRET",
        hide_env_values = true,
        value_name = "secret",
        global = true
    )]
    pub os_application_credential_secret: Option<String>,

    /// Region name.
    #[arg(
        long = "os-region-name",
        env = "OS_REGION_NAME",
        value_name = "region-name",
        global = true
    )]
    pub os_region_name: Option<String>,

    /// Endpoint type: publicURL (default), internalURL or adminURL.
    #[arg(
        long = "os-endpoint-type",
        env = "OS_ENDPOINT_TYPE",
        value_name = "endpoint-type",
        global = true
    )]
    pub os_endpoint_type: Option<String>,

    /// Interface: public (default), internal or admin.
    #[arg(
        long = "os-interface",
        env = "OS_INTERFACE",
        value_name = "interface",
        global = true
    )]
    pub os_interface: Option<String>,

    /// Block Storage API version: 3, 3.N or 3.latest. Default: the latest both sides support.
    #[arg(
        long = "os-volume-api-version",
        env = "OS_VOLUME_API_VERSION",
        value_name = "volume-api-ver",
        global = true
    )]
    pub os_volume_api_version: Option<String>,

    /// Does not verify TLS certificates.
    #[arg(long, global = true)]
    pub insecure: bool,

    /// CA bundle (PEM) used to verify TLS certificates.
    #[arg(
        long = "os-cacert",
        env = "OS_CACERT",
        value_name = "ca-certificate",
        global = true
    )]
    pub os_cacert: Option<PathBuf>,

    /// Request timeout in seconds.
    #[arg(long, value_name = "timeout", global = true)]
    pub timeout: Option<f64>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn name_or_id(id: &Option<String>, name: &Option<String>) -> Option<NameOrId> {
    id.clone()
        .map(NameOrId::Id)
        .or_else(|| name.clone().map(NameOrId::Name))
}

impl GlobalOpts {
    /// The requested microversion.
    pub fn api_version(&self) -> Result<VersionRequest> {
        match &self.os_volume_api_version {
            None => Ok(VersionRequest::Latest),
            Some(text) if text.starts_with('2') || text.starts_with('1') => bail!(
                "Volume API version {text} is not supported by this client; use 3, 3.N or 3.latest"
            ),
            Some(text) => Ok(VersionRequest::parse(text)?),
        }
    }

    /// Builds the library configuration: `--os-cloud` first, then options and environment.
    pub fn config(&self) -> Result<Config> {
        let project_name = self
            .os_project_name
            .clone()
            .or_else(|| env("OS_TENANT_NAME"));
        let project_id = self.os_project_id.clone().or_else(|| env("OS_TENANT_ID"));
        let project = name_or_id(&project_id, &project_name);
        let project_domain = name_or_id(&self.os_project_domain_id, &self.os_project_domain_name);
        let user_domain = name_or_id(&self.os_user_domain_id, &self.os_user_domain_name);
        let user = name_or_id(&self.os_user_id, &self.os_username);
        let auth_type = self.os_auth_type.as_deref().map(str::to_ascii_lowercase);

        let mut config = match &self.os_cloud {
            Some(cloud) => {
                let mut config = Config::from_cloud(cloud)?;
                self.override_cloud_auth(
                    &mut config.auth,
                    user,
                    user_domain,
                    project,
                    project_domain,
                );
                config
            }
            None => Config::new(self.auth_from_options(
                auth_type.as_deref(),
                user,
                user_domain,
                project,
                project_domain,
            )?),
        };

        if let Some(region) = &self.os_region_name {
            config.region = Some(region.clone());
        }
        if let Some(interface) = self
            .os_interface
            .as_ref()
            .or(self.os_endpoint_type.as_ref())
        {
            config.interface = Interface::parse(interface).map_err(anyhow::Error::msg)?;
        }
        if let Some(endpoint) = &self.os_endpoint {
            if !matches!(config.auth, Auth::TokenEndpoint { .. }) {
                config.endpoint_override = Some(endpoint.clone());
            }
        }
        if self.os_volume_api_version.is_some() || self.os_cloud.is_none() {
            config.api_version = self.api_version()?;
        }
        if self.insecure {
            config.insecure = true;
        }
        if let Some(cacert) = &self.os_cacert {
            config.cacert = Some(cacert.clone());
        }
        if let Some(timeout) = self.timeout {
            if !(timeout > 0.0 && timeout.is_finite()) {
                bail!("Invalid timeout {timeout}: it must be a positive number of seconds");
            }
            config.timeout = Some(Duration::from_secs_f64(timeout));
        }
        Ok(config)
    }

    fn override_cloud_auth(
        &self,
        auth: &mut Auth,
        user: Option<NameOrId>,
        user_domain: Option<NameOrId>,
        project: Option<NameOrId>,
        project_domain: Option<NameOrId>,
    ) {
        if let (Some(token), Some(endpoint)) = (&self.os_token, &self.os_endpoint) {
            *auth = Auth::TokenEndpoint {
                token: token.clone(),
                endpoint: endpoint.clone(),
            };
            return;
        }
        match auth {
            Auth::Password {
                auth_url,
                user: u,
                user_domain: ud,
                password,
                project: p,
                project_domain: pd,
            } => {
                set(auth_url, &self.os_auth_url);
                set(password, &self.os_password);
                replace(u, user);
                replace_opt(ud, user_domain);
                replace_opt(p, project);
                replace_opt(pd, project_domain);
            }
            Auth::Token {
                auth_url,
                token,
                project: p,
                project_domain: pd,
            } => {
                set(auth_url, &self.os_auth_url);
                set(token, &self.os_token);
                replace_opt(p, project);
                replace_opt(pd, project_domain);
            }
            Auth::ApplicationCredential {
                auth_url, secret, ..
            } => {
                set(auth_url, &self.os_auth_url);
                set(secret, &self.os_application_credential_secret);
            }
            Auth::TokenEndpoint { token, endpoint } => {
                set(token, &self.os_token);
                set(endpoint, &self.os_endpoint);
            }
        }
    }

    fn auth_from_options(
        &self,
        auth_type: Option<&str>,
        user: Option<NameOrId>,
        user_domain: Option<NameOrId>,
        project: Option<NameOrId>,
        project_domain: Option<NameOrId>,
    ) -> Result<Auth> {
        let app_cred = self.os_application_credential_id.is_some()
            || self.os_application_credential_secret.is_some();
        let kind = match auth_type {
            Some("password" | "v3password") => "password",
            Some("token" | "v3token") => "token",
            Some("v3applicationcredential" | "applicationcredential") => "appcred",
            Some("none" | "admin_token" | "noauth") => "endpoint",
            Some(other) => bail!(
                "Unsupported --os-auth-type {other:?}; use password, token, \
                 v3applicationcredential or none"
            ),
            None if self.os_token.is_some() && self.os_endpoint.is_some() => "endpoint",
            None if self.os_token.is_some() => "token",
            None if app_cred => "appcred",
            None => "password",
        };
        // Keystone v3 needs a domain; cinderclient's keystoneauth defaults to "default" too.
        let default_domain = || Some(NameOrId::Id("default".into()));
        let mut missing: Vec<(&str, &str, &str)> = Vec::new();
        let auth = match kind {
            "endpoint" => {
                if self.os_token.is_none() {
                    missing.push(("a token", "--os-token", "OS_TOKEN"));
                }
                if self.os_endpoint.is_none() {
                    missing.push(("an endpoint", "--os-endpoint", "OS_ENDPOINT"));
                }
                require(&missing)?;
                Auth::TokenEndpoint {
                    token: self.os_token.clone().unwrap_or_default(),
                    endpoint: self.os_endpoint.clone().unwrap_or_default(),
                }
            }
            "token" => {
                if self.os_token.is_none() {
                    missing.push(("a token", "--os-token", "OS_TOKEN"));
                }
                if self.os_auth_url.is_none() {
                    missing.push(("an auth URL", "--os-auth-url", "OS_AUTH_URL"));
                }
                require(&missing)?;
                Auth::Token {
                    auth_url: self.os_auth_url.clone().unwrap_or_default(),
                    token: self.os_token.clone().unwrap_or_default(),
                    project_domain: project_domain.or_else(default_domain),
                    project,
                }
            }
            "appcred" => {
                if self.os_application_credential_id.is_none() {
                    missing.push((
                        "an application credential ID",
                        "--os-application-credential-id",
                        "OS_APPLICATION_CREDENTIAL_ID",
                    ));
                }
                if self.os_application_credential_secret.is_none() {
                    missing.push((
                        "an application credential secret",
                        "--os-application-credential-secret",
                        "OS_APPLICATION_CREDENTIAL_SECRET",
                    ));
                }
                if self.os_auth_url.is_none() {
                    missing.push(("an auth URL", "--os-auth-url", "OS_AUTH_URL"));
                }
                require(&missing)?;
                Auth::ApplicationCredential {
                    auth_url: self.os_auth_url.clone().unwrap_or_default(),
                    credential: NameOrId::Id(
                        self.os_application_credential_id
                            .clone()
                            .unwrap_or_default(),
                    ),
                    user,
                    user_domain,
                    secret: self
                        .os_application_credential_secret
                        .clone()
                        .unwrap_or_default(),
                }
            }
            _ => {
                if user.is_none() {
                    missing.push(("a user name", "--os-username", "OS_USERNAME"));
                }
                if self.os_auth_url.is_none() {
                    missing.push(("an auth URL", "--os-auth-url", "OS_AUTH_URL"));
                }
                if self.os_password.is_none() {
                    missing.push(("a password", "--os-password", "OS_PASSWORD"));
                }
                if project.is_none() {
                    missing.push((
                        "a project name or ID",
                        "--os-project-name/--os-project-id",
                        "OS_PROJECT_NAME",
                    ));
                }
                require(&missing)?;
                Auth::Password {
                    auth_url: self.os_auth_url.clone().unwrap_or_default(),
                    user: user.context("user")?,
                    user_domain: user_domain.or_else(default_domain),
                    password: self.os_password.clone().unwrap_or_default(),
                    project,
                    project_domain: project_domain.or_else(default_domain),
                }
            }
        };
        Ok(auth)
    }
}

fn set(target: &mut String, value: &Option<String>) {
    if let Some(value) = value {
        *target = value.clone();
    }
}

fn replace(target: &mut NameOrId, value: Option<NameOrId>) {
    if let Some(value) = value {
        *target = value;
    }
}

fn replace_opt(target: &mut Option<NameOrId>, value: Option<NameOrId>) {
    if value.is_some() {
        *target = value;
    }
}

/// Fails with cinderclient's style of message naming every missing setting.
fn require(missing: &[(&str, &str, &str)]) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    let join = |items: Vec<String>| match items.len() {
        1 => items[0].clone(),
        _ => format!(
            "{} and {}",
            items[..items.len() - 1].join(", "),
            items[items.len() - 1]
        ),
    };
    let what = join(missing.iter().map(|m| m.0.to_string()).collect());
    let flags: Vec<&str> = missing.iter().map(|m| m.1).collect();
    let envs: Vec<String> = missing.iter().map(|m| format!("env[{}]", m.2)).collect();
    bail!(
        "You must provide {what} via {} or {} (or choose a cloud with --os-cloud or env[OS_CLOUD]).",
        flags.join(", "),
        envs.join(", ")
    )
}
