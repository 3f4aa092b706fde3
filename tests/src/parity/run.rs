//! Running one CLI on one command line, through a recording proxy of its own in front of
//! Cinder, so that what reached the server is known per run even when cases run at once.
//!
//! Both CLIs send the same token as is to the proxy's URL (auth type `admin_token`, endpoint
//! override): no Keystone, no catalog, and nothing but the command line differs between them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::fault_proxy::{FaultProxy, Seen};

/// Before every command line. On the command line, not as OS_AUTH_TYPE: keystoneauth adds
/// the options of the plugin named in the environment to cinderclient's parser, and
/// `admin_token`'s `--os-endpoint` clashes with cinderclient's own (which is what it then
/// reads, from CINDER_ENDPOINT).
const AUTH: [&str; 2] = ["--os-auth-type", "admin_token"];

/// Which CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cli {
    Python,
    Ours,
}

impl Cli {
    /// In fixture names and the report.
    pub fn tag(self) -> &'static str {
        match self {
            Cli::Python => "py",
            Cli::Ours => "rs",
        }
    }
}

/// What both CLIs are run with.
#[derive(Clone, Debug)]
pub struct Tools {
    pub python: PathBuf,
    pub ours: PathBuf,
    /// target/parity: the CLIs' HOME, caches and working directory.
    pub work: PathBuf,
    /// Cinder's origin, `http://127.0.0.1:8776`.
    pub cinder_url: String,
    pub project_id: String,
    pub token: String,
}

/// One run of one CLI.
#[derive(Clone, Debug)]
pub struct Run {
    /// `None` when killed (timeout).
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    /// Every request the proxy saw, in order.
    pub seen: Vec<Seen>,
    /// The endpoint the CLI was given (the proxy's).
    pub endpoint: String,
    pub seconds: f64,
}

impl Run {
    pub fn exit_zero(&self) -> bool {
        self.exit == Some(0)
    }
}

impl Tools {
    fn binary(&self, cli: Cli) -> &Path {
        match cli {
            Cli::Python => &self.python,
            Cli::Ours => &self.ours,
        }
    }

    /// Runs `args` with `cli`, killing it after `timeout`.
    pub async fn run(&self, cli: Cli, args: &[String], timeout: Duration) -> Result<Run> {
        let proxy = FaultProxy::start(&self.cinder_url).await;
        let endpoint = format!("{}/v3/{}", proxy.url(), self.project_id);
        let mut command = tokio::process::Command::new(self.binary(cli));
        // Only what is set here: no OS_* or clouds.yaml of the developer's leaks in, and the
        // token cache, HOME and working directory are private to the parity run.
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.work.join("home"))
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("PYTHONIOENCODING", "utf-8")
            .env("XDG_CACHE_HOME", self.work.join("cache"))
            .env("XDG_CONFIG_HOME", self.work.join("config"))
            .env(
                "CINDERCLIENT_UUID_CACHE_DIR",
                self.work.join("cinderclient-cache"),
            )
            .env("OS_TOKEN", &self.token)
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Both CLIs get all of them (each ignores the other's), so that either binary can sit
        // on either side: running cinderclient against itself checks the harness.
        command
            // cinderclient's endpoint override; ours is OS_ENDPOINT.
            .env("CINDER_ENDPOINT", &endpoint)
            .env("OS_ENDPOINT", &endpoint)
            // cinderclient insists on a project even when the token says it all.
            .env("OS_PROJECT_ID", &self.project_id)
            .args(AUTH)
            .args(args);
        let start = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary(cli).display()))?;
        let (exit, timed_out, stdout, stderr) =
            match tokio::time::timeout(timeout, child.wait_with_output()).await {
                Ok(output) => {
                    let output = output.context("waiting for the CLI")?;
                    (
                        output.status.code(),
                        false,
                        String::from_utf8_lossy(&output.stdout).into_owned(),
                        String::from_utf8_lossy(&output.stderr).into_owned(),
                    )
                }
                // Dropping the future killed the child (kill_on_drop).
                Err(_) => (None, true, String::new(), String::new()),
            };
        let seconds = start.elapsed().as_secs_f64();
        // A request the CLI gave up on may still be on its way to Cinder.
        let _ = tokio::time::timeout(Duration::from_secs(30), proxy.idle()).await;
        Ok(Run {
            exit,
            timed_out,
            stdout,
            stderr,
            seen: proxy.seen(),
            endpoint,
            seconds,
        })
    }
}
