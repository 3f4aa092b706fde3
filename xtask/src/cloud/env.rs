//! `cloud env`: shell `export` lines for python-cinderclient, openstacksdk and our own clients.
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use super::config::{self, CLOUD_NAMES};
use super::keystone::REGION;
use super::paths::Layout;
use super::state::{Secrets, State};

#[derive(Args)]
pub struct EnvArgs {
    /// Which cloud of clouds.yaml: `local` (admin) or `local-demo` (non-admin member).
    #[arg(long, default_value = "local", value_parser = CLOUD_NAMES)]
    cloud: String,
}

pub fn run(layout: &Layout, args: &EnvArgs) -> Result<ExitCode> {
    let never = || {
        format!(
            "no cloud has been brought up in {} (run `cargo xtask cloud up` first)",
            layout.root().display()
        )
    };
    let state = State::load(layout)?.with_context(never)?;
    let secrets = Secrets::load(layout)?.with_context(never)?;
    if !layout.clouds_yaml().exists() {
        bail!(never());
    }
    let creds = config::credentials(&args.cloud, &state, &secrets)
        .with_context(|| format!("unknown cloud {:?}", args.cloud))?;
    let clouds_yaml = layout.clouds_yaml().display().to_string();
    let vars = [
        ("OS_AUTH_URL", creds.auth_url.as_str()),
        ("OS_AUTH_TYPE", "password"),
        ("OS_USERNAME", creds.username),
        ("OS_PASSWORD", creds.password.as_str()),
        ("OS_PROJECT_NAME", creds.project_name),
        ("OS_USER_DOMAIN_NAME", "Default"),
        ("OS_PROJECT_DOMAIN_NAME", "Default"),
        ("OS_REGION_NAME", REGION),
        ("OS_IDENTITY_API_VERSION", "3"),
        ("OS_INTERFACE", "public"),
        // python-cinderclient's name for the interface.
        ("OS_ENDPOINT_TYPE", "public"),
        ("OS_CLIENT_CONFIG_FILE", clouds_yaml.as_str()),
    ];
    for (name, value) in vars {
        println!("export {name}={}", shell_quote(value));
    }
    Ok(ExitCode::SUCCESS)
}

/// Single-quotes `value` for POSIX shells.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes() {
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
