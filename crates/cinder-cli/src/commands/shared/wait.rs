//! `--wait` and `--wait-timeout`, shared by every command that starts an asynchronous
//! operation: poll with backoff until the target status (the library's waiters), with a
//! spinner showing the elapsed time and the current status when stderr is a terminal and
//! nothing otherwise; an `error*` status fails with the resource's latest user message.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Result};
use cinder_client::resources::WithStatus;
use cinder_client::wait::{wait_for, Observed, Progress, WaitOptions};
use cinder_client::Cinder;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

/// The waiting options of a command.
#[derive(Args, Debug, Default, Clone, Copy)]
pub struct WaitArgs {
    /// Wait until the operation completes (polling with backoff); fail if the resource goes to
    /// an error status.
    #[arg(long, alias = "poll")]
    pub wait: bool,
    /// Give up waiting after this many seconds [default: 600].
    #[arg(long = "wait-timeout", value_name = "seconds", requires = "wait",
          value_parser = crate::values::seconds, allow_negative_numbers = true)]
    pub wait_timeout: Option<f64>,
}

/// A spinner on stderr while waiting, when stderr is a terminal; finished when dropped.
struct Spinner(Option<ProgressBar>);

impl Spinner {
    fn start(what: &str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} Waiting for {prefix} [{elapsed}] {msg}")
                .expect("a valid template"),
        );
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }

    fn progress(&self) -> Option<cinder_client::wait::ProgressFn> {
        let bar = self.0.clone()?;
        Some(Arc::new(move |p: &Progress<'_>| {
            bar.set_message(p.status.unwrap_or("gone").to_string())
        }))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl WaitArgs {
    /// `--wait-timeout` is positive and finite: its value parser (`values::seconds`) saw to it.
    fn options(&self, spinner: &Spinner) -> Result<WaitOptions> {
        let mut options = WaitOptions::default();
        if let Some(seconds) = self.wait_timeout {
            options.timeout = Duration::try_from_secs_f64(seconds)?;
        }
        options.progress = spinner.progress();
        Ok(options)
    }

    /// With `--wait`: resource `id` of kind `R` at one of `targets` (as the server last sent
    /// it), else `None`.
    pub async fn until<R: WithStatus>(
        &self,
        cinder: &Cinder,
        id: &str,
        targets: &[&str],
    ) -> Result<Option<Value>> {
        if !self.wait {
            return Ok(None);
        }
        let spinner = Spinner::start(&format!("{} {id}", R::NAME));
        let options = self.options(&spinner)?;
        let handle = cinder.handle::<R>();
        Ok(Some(handle.wait_json(id, targets, &options).await?))
    }

    /// `resource` of kind `R` as it is once it reaches one of `targets` with `--wait`, else as
    /// it is (its ID is only needed to wait).
    pub async fn then<R: WithStatus>(
        &self,
        cinder: &Cinder,
        resource: Value,
        targets: &[&str],
    ) -> Result<Value> {
        if !self.wait {
            return Ok(resource);
        }
        let id = super::find::id_of(&resource)?;
        Ok(self
            .until::<R>(cinder, &id, targets)
            .await?
            .unwrap_or(resource))
    }

    /// With `--wait`: until resource `id` of kind `R` is gone.
    pub async fn until_deleted<R: WithStatus>(&self, cinder: &Cinder, id: &str) -> Result<()> {
        if !self.wait {
            return Ok(());
        }
        let spinner = Spinner::start(&format!("{} {id} to be deleted", R::NAME));
        let options = self.options(&spinner)?;
        Ok(cinder.handle::<R>().wait_deleted_with(id, &options).await?)
    }

    /// With `--wait`: until volume `id`'s migration ends; an `error` migration fails.
    pub async fn migration(&self, cinder: &Cinder, id: &str) -> Result<()> {
        if !self.wait {
            return Ok(());
        }
        let what = format!("volume {id} to migrate");
        let spinner = Spinner::start(&what);
        let options = self.options(&spinner)?;
        let waited = wait_for(&what, &["success"], &options, || async {
            let volume = cinder.volumes().show_json(id).await?;
            let status = volume.get("migration_status").and_then(Value::as_str);
            Ok(Observed::Status(status.unwrap_or("none").to_string()))
        })
        .await;
        match waited {
            Ok(_) => Ok(()),
            Err(cinder_client::Error::Failed { what, status, .. }) => bail!(
                "{what} ended with migration status {status}: see `cinder message-list \
                 --resource_uuid {id}` or the volume service's log"
            ),
            Err(other) => Err(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_timeout_becomes_the_waiters_timeout() {
        let args = WaitArgs {
            wait: true,
            wait_timeout: Some(2.5),
        };
        assert_eq!(
            args.options(&Spinner(None)).unwrap().timeout,
            Duration::from_millis(2500)
        );
    }
}
