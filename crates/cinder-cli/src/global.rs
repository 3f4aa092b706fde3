//! The global `--os-*` options and how they become a [`cinder_client::Config`].

use std::path::PathBuf;

use anyhow::{bail, Result};
use cinder_client::{Config, Missing, RetryPolicy, Settings, TokenCache};
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
        aliases = ["os-auth-system", "os-auth-plugin", "os_auth_type"],
        env = "OS_AUTH_TYPE",
        value_name = "auth-type",
        global = true
    )]
    pub os_auth_type: Option<String>,

    /// Keystone URL.
    #[arg(
        long = "os-auth-url",
        alias = "os_auth_url",
        env = "OS_AUTH_URL",
        value_name = "auth-url",
        global = true
    )]
    pub os_auth_url: Option<String>,

    /// OpenStack user name.
    #[arg(
        long = "os-username",
        aliases = ["os-user-name", "os_username"],
        env = "OS_USERNAME",
        value_name = "auth-user-name",
        global = true
    )]
    pub os_username: Option<String>,

    /// OpenStack user ID.
    #[arg(
        long = "os-user-id",
        alias = "os_user_id",
        env = "OS_USER_ID",
        value_name = "auth-user-id",
        global = true
    )]
    pub os_user_id: Option<String>,

    /// Password for the OpenStack user.
    #[arg(
        long = "os-password",
        alias = "os_password",
        env = "OS_PASSWORD",
        hide_env_values = true,
        value_name = "auth-password",
        global = true
    )]
    pub os_password: Option<String>,

    /// Project name (also read from env[OS_TENANT_NAME]).
    #[arg(
        long = "os-project-name",
        aliases = ["os-tenant-name", "os_project_name"],
        env = "OS_PROJECT_NAME",
        value_name = "auth-project-name",
        global = true
    )]
    pub os_project_name: Option<String>,

    /// Project ID (also read from env[OS_TENANT_ID]).
    #[arg(
        long = "os-project-id",
        aliases = ["os-tenant-id", "os_project_id"],
        env = "OS_PROJECT_ID",
        value_name = "auth-project-id",
        global = true
    )]
    pub os_project_id: Option<String>,

    /// Domain name of the user.
    #[arg(
        long = "os-user-domain-name",
        alias = "os_user_domain_name",
        env = "OS_USER_DOMAIN_NAME",
        value_name = "auth-user-domain-name",
        global = true
    )]
    pub os_user_domain_name: Option<String>,

    /// Domain ID of the user.
    #[arg(
        long = "os-user-domain-id",
        alias = "os_user_domain_id",
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
        aliases = ["os-auth-token", "os_token"],
        env = "OS_TOKEN",
        hide_env_values = true,
        value_name = "token",
        global = true
    )]
    pub os_token: Option<String>,

    /// Block-storage endpoint to use instead of the catalog's.
    #[arg(
        long = "os-endpoint",
        aliases = ["bypass-url", "os_endpoint"],
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

    /// Application credential name (with --os-username or --os-user-id).
    #[arg(
        long = "os-application-credential-name",
        env = "OS_APPLICATION_CREDENTIAL_NAME",
        value_name = "name",
        global = true
    )]
    pub os_application_credential_name: Option<String>,

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
        alias = "os_region_name",
        env = "OS_REGION_NAME",
        value_name = "region-name",
        global = true
    )]
    pub os_region_name: Option<String>,

    /// Endpoint type: publicURL (default), internalURL or adminURL.
    #[arg(
        long = "os-endpoint-type",
        alias = "os_endpoint_type",
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

    /// Block Storage API version: 3, 3.N or 3.latest. Default: the latest both sides support,
    /// which a 3.N newer than the server or this client supports also falls back to, with a
    /// warning (as cinderclient does).
    #[arg(
        long = "os-volume-api-version",
        alias = "os_volume_api_version",
        env = "OS_VOLUME_API_VERSION",
        value_name = "volume-api-ver",
        global = true
    )]
    pub os_volume_api_version: Option<String>,

    /// Does not verify TLS certificates (not recommended: a warning is printed every run).
    #[arg(long, global = true)]
    pub insecure: bool,

    /// CA bundle (PEM) trusted, besides the system's roots, to verify TLS certificates.
    #[arg(
        long = "os-cacert",
        env = "OS_CACERT",
        value_name = "ca-certificate",
        global = true
    )]
    pub os_cacert: Option<PathBuf>,

    /// Client certificate (PEM) for TLS client authentication.
    #[arg(
        long = "os-cert",
        env = "OS_CERT",
        value_name = "certificate",
        global = true
    )]
    pub os_cert: Option<PathBuf>,

    /// The client certificate's private key (PEM), unless it is in --os-cert.
    #[arg(long = "os-key", env = "OS_KEY", value_name = "key", global = true)]
    pub os_key: Option<PathBuf>,

    /// Number of retries of a request that failed on the way, with growing, jittered waits
    /// that honour Retry-After: reads, updates and deletes after a connection lost before any
    /// answer or an answer of 429, 502, 503 or 504; creates and actions only when they surely
    /// did not reach the server (connection refused, 429). 0 turns retries off.
    #[arg(long, value_name = "retries", default_value_t = RetryPolicy::DEFAULT_RETRIES,
          global = true,
          value_parser = crate::values::retries, allow_negative_numbers = true)]
    pub retries: u32,

    /// Does not reuse or save a token between runs (tokens are cached, per set of
    /// credentials, in $XDG_CACHE_HOME/cinder-rs/tokens, mode 0600).
    #[arg(long = "no-cache", global = true)]
    pub no_cache: bool,

    /// Request timeout in seconds.
    #[arg(long, value_name = "timeout", global = true, value_parser = crate::values::seconds,
          allow_negative_numbers = true)]
    pub timeout: Option<f64>,
}

impl GlobalOpts {
    /// What the options (and, through clap, their `OS_*` variables) set.
    fn settings(&self) -> Settings {
        Settings {
            auth_type: self.os_auth_type.clone(),
            auth_url: self.os_auth_url.clone(),
            username: self.os_username.clone(),
            user_id: self.os_user_id.clone(),
            password: self.os_password.clone(),
            user_domain_name: self.os_user_domain_name.clone(),
            user_domain_id: self.os_user_domain_id.clone(),
            project_name: self.os_project_name.clone(),
            project_id: self.os_project_id.clone(),
            project_domain_name: self.os_project_domain_name.clone(),
            project_domain_id: self.os_project_domain_id.clone(),
            token: self.os_token.clone(),
            endpoint: self.os_endpoint.clone(),
            application_credential_id: self.os_application_credential_id.clone(),
            application_credential_name: self.os_application_credential_name.clone(),
            application_credential_secret: self.os_application_credential_secret.clone(),
            region_name: self.os_region_name.clone(),
            interface: self.os_interface.clone().or(self.os_endpoint_type.clone()),
            verify: self.insecure.then_some(false),
            cacert: self.os_cacert.clone(),
            cert: self.os_cert.clone(),
            key: self.os_key.clone(),
            api_version: self.os_volume_api_version.clone(),
            // Positive and finite: `values::seconds` saw to it.
            timeout: self.timeout,
            ..Settings::default()
        }
    }

    /// The library configuration: the cloud from clouds.yaml/secure.yaml (`--os-cloud`), then
    /// `OS_*` variables, then options, each overriding the one before. With it, the requested
    /// microversion when it is newer than the client knows: the configuration asks for the
    /// latest instead, and the caller warns once the version in use is known.
    pub fn config(&self) -> Result<(Config, Option<String>)> {
        let mut settings = Settings::resolve(self.os_cloud.as_deref(), Some(self.settings()))?;
        let newer = settings
            .api_version
            .take_if(|requested| newer_than_client(requested));
        if newer.is_some() {
            settings.api_version = Some("3.latest".to_string());
        }
        let mut needed = settings.missing();
        if needed.iter().any(|m| m.key == "auth.password") {
            settings.password = crate::prompt::password();
            needed = settings.missing();
        }
        if !needed.is_empty() {
            bail!(missing_message(&needed, self.os_cloud.as_deref()));
        }
        check_url(
            settings.auth_url.as_deref(),
            "auth URL",
            "--os-auth-url, env[OS_AUTH_URL] or auth.auth_url in clouds.yaml",
        )?;
        check_url(
            settings.endpoint.as_deref(),
            "endpoint",
            "--os-endpoint, env[OS_ENDPOINT] or block_storage_endpoint_override in clouds.yaml",
        )?;
        let mut config = settings.into_config()?;
        config.retry = RetryPolicy::retries(self.retries);
        if !self.no_cache {
            config.token_cache = TokenCache::user_default();
        }
        Ok((config, newer))
    }
}

/// Whether `requested` is a well-formed `3.N` (cinderclient's form: no sign, no leading zero)
/// above the newest microversion this client knows. cinderclient does not refuse such a
/// version: it uses the newest both sides support and warns
/// (`API version 3.998 requested, downgrading to 3.71 based on server support.`).
pub fn newer_than_client(requested: &str) -> bool {
    let Some(minor) = requested.strip_prefix("3.") else {
        return false;
    };
    if minor.is_empty() || minor.starts_with('0') || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // Digits beyond what a u16 holds are newer still.
    minor.parse::<u16>().map_or(true, |minor| {
        minor > cinder_client::ApiVersion::CLIENT_MAX.0
    })
}

/// cinderclient's warning after falling back from a version newer than the client knows
/// (it logs it in two parts, "API version 3.998 requested, " and "downgrading to ...").
pub fn downgrade_warning(requested: &str, used: cinder_client::ApiVersion) -> String {
    format!("API version {requested} requested, downgrading to {used} based on server support.")
}

/// Refuses a URL the client could not send a request to, naming where it came from (else the
/// HTTP library's "relative URL without a base" is all one gets, after the configuration has
/// been read).
fn check_url(url: Option<&str>, what: &str, source: &str) -> Result<()> {
    let Some(url) = url else {
        return Ok(());
    };
    let host = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if !host.is_empty() && !host.starts_with(':') && !url.contains(' ') => Ok(()),
        _ => bail!(
            "Invalid {what} '{url}' (from {source}): expected an http:// or https:// URL with a \
             host, such as https://cloud.example.com:5000/v3"
        ),
    }
}

/// The option that sets a setting, by its clouds.yaml key.
fn flag_for(key: &str) -> &'static str {
    match key {
        "auth.auth_url" => "--os-auth-url",
        "auth.username" => "--os-username",
        "auth.password" => "--os-password",
        "auth.project_name" => "--os-project-name/--os-project-id",
        "auth.token" => "--os-token",
        "auth.endpoint" => "--os-endpoint",
        "auth.application_credential_id" => "--os-application-credential-id",
        "auth.application_credential_secret" => "--os-application-credential-secret",
        _ => "?",
    }
}

/// cinderclient's style of message, naming every missing setting with its option and variable.
fn missing_message(needed: &[Missing], cloud: Option<&str>) -> String {
    let join = |items: Vec<String>| match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    };
    let what = join(needed.iter().map(|m| m.what.to_string()).collect());
    let flags: Vec<&str> = needed.iter().map(|m| flag_for(m.key)).collect();
    let envs: Vec<String> = needed.iter().map(|m| format!("env[{}]", m.env)).collect();
    let keys: Vec<&str> = needed.iter().map(|m| m.key).collect();
    let source = match cloud {
        Some(cloud) => format!(
            " (cloud {cloud:?} does not set {} in clouds.yaml or secure.yaml)",
            keys.join(", ")
        ),
        None => " (or choose a cloud with --os-cloud or env[OS_CLOUD])".to_string(),
    };
    format!(
        "You must provide {what} via {} or {}{source}.",
        flags.join(", "),
        envs.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_versions_above_the_clients_fall_back() {
        for newer in ["3.72", "3.998", "3.99999999999999999999"] {
            assert!(newer_than_client(newer), "{newer}");
        }
        // Known, malformed or other majors: refused or used as they are elsewhere.
        for other in [
            "3.71", "3.0", "3", "3.latest", "3.072", "3.x", "3.", "4.99", "2", " 3.80", "3.-80",
        ] {
            assert!(!newer_than_client(other), "{other}");
        }
        assert_eq!(
            downgrade_warning("3.998", cinder_client::ApiVersion(71)),
            "API version 3.998 requested, downgrading to 3.71 based on server support."
        );
    }
}
