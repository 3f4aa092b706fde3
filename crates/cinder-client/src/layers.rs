//! The documented layering of settings, as the OpenStack tools do it: a cloud of
//! `clouds.yaml`/`secure.yaml`, then the `OS_*` variables, then explicit overrides (the
//! command line); and the [`Config`]s made that way.

use crate::clouds;
use crate::config::Config;
use crate::error::Result;
use crate::settings::Settings;

impl Settings {
    /// The documented layering: cloud `cloud` from `clouds.yaml`/`secure.yaml` (if named),
    /// then the `OS_*` variables, then `overrides` (e.g. command-line options).
    pub fn resolve(cloud: Option<&str>, overrides: Option<Settings>) -> Result<Settings> {
        let file = match cloud.filter(|c| !c.is_empty()) {
            Some(cloud) => clouds::load(cloud)?,
            None => Settings::default(),
        };
        Ok(file
            .overlay(Settings::from_env())
            .overlay(overrides.unwrap_or_default()))
    }
}

impl Config {
    /// The settings of cloud `name` from `clouds.yaml` and `secure.yaml` (see
    /// [`crate::clouds`]), and nothing else: `OS_*` variables are not read.
    ///
    /// ```no_run
    /// # async fn demo() -> cinder_client::Result<()> {
    /// let mut config = cinder_client::Config::from_cloud("local")?;
    /// config.api_version = cinder_client::VersionRequest::parse("3.60")?;
    /// let cinder = cinder_client::Cinder::connect(config).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_cloud(name: &str) -> crate::Result<Self> {
        clouds::load(name)?.into_config()
    }

    /// What the `cinder` command would use without options: the cloud named by `OS_CLOUD` (if
    /// set) from `clouds.yaml`/`secure.yaml`, overridden by the other `OS_*` variables.
    ///
    /// ```no_run
    /// # async fn demo() -> cinder_client::Result<()> {
    /// // With `eval "$(cargo xtask cloud env)"` or `export OS_CLOUD=local`:
    /// let cinder = cinder_client::Cinder::connect(cinder_client::Config::from_env()?).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_env() -> crate::Result<Self> {
        Settings::resolve(std::env::var("OS_CLOUD").ok().as_deref(), None)?.into_config()
    }
}
