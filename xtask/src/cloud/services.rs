//! The daemons of the cloud: names, how to start each one, how to recognise it in /proc.
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use anyhow::Result;

use super::install;
use super::paths::Layout;
use super::process::{self, Liveness};
use super::sqlite;
use super::state::State;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Epmd,
    Rabbitmq,
    Keystone,
    CinderApi,
    CinderScheduler,
    CinderVolume,
    /// A second cinder-volume, in a cluster (`config::CLUSTER`).
    CinderVolumeClustered,
    CinderBackup,
}

/// Start order; `down` stops in reverse.
pub const ALL: [Service; 8] = [
    Service::Epmd,
    Service::Rabbitmq,
    Service::Keystone,
    Service::CinderApi,
    Service::CinderScheduler,
    Service::CinderVolume,
    Service::CinderVolumeClustered,
    Service::CinderBackup,
];

pub const CINDER: [Service; 5] = [
    Service::CinderApi,
    Service::CinderScheduler,
    Service::CinderVolume,
    Service::CinderVolumeClustered,
    Service::CinderBackup,
];

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Epmd => "epmd",
            Service::Rabbitmq => "rabbitmq",
            Service::Keystone => "keystone",
            Service::CinderApi => "cinder-api",
            Service::CinderScheduler => "cinder-scheduler",
            Service::CinderVolume => "cinder-volume",
            Service::CinderVolumeClustered => "cinder-volume-clustered",
            Service::CinderBackup => "cinder-backup",
        }
    }

    /// A substring of `/proc/PID/cmdline` of the process we start (gunicorn and oslo.service
    /// rewrite their titles, but keep the program name in them).
    pub fn expect(self) -> &'static str {
        match self {
            Service::Epmd => "epmd",
            Service::Rabbitmq => "rabbitmq",
            Service::Keystone => "gunicorn",
            Service::CinderVolumeClustered => "cinder-volume",
            other => other.name(),
        }
    }

    /// How long `down` waits after SIGTERM before SIGKILL.
    pub fn grace(self) -> Duration {
        match self {
            Service::Rabbitmq => Duration::from_secs(30),
            _ => Duration::from_secs(15),
        }
    }

    pub fn liveness(self, layout: &Layout) -> Liveness {
        process::liveness(&layout.pid_file(self.name()), self.expect())
    }

    pub fn log(self, layout: &Layout) -> std::path::PathBuf {
        layout.log(self.name())
    }

    /// Starts the service detached and records its pid file.
    pub fn start(self, layout: &Layout, state: &State) -> Result<Child> {
        let mut cmd = self.command(layout, state)?;
        clean_env(&mut cmd, layout);
        cmd.env(sqlite::BEGIN_IMMEDIATE_ENV, "1");
        let child = process::spawn_detached(&mut cmd, &self.log(layout))?;
        process::write_pid_file(&layout.pid_file(self.name()), child.id())?;
        Ok(child)
    }

    fn command(self, layout: &Layout, state: &State) -> Result<Command> {
        let ports = &state.ports;
        let cinder = |program: &str| {
            let mut cmd = Command::new(layout.venv_bin(program));
            cmd.arg("--config-file").arg(layout.cinder_conf());
            if self == Service::CinderVolumeClustered {
                cmd.arg("--config-file").arg(layout.cluster_conf());
            }
            cmd.arg("--log-file")
                .arg(layout.log(self.name()))
                .env("PYTHONPATH", layout.cinder_python_dir())
                .current_dir(layout.cinder_dir());
            cmd
        };
        Ok(match self {
            Service::Epmd => {
                let mut cmd = Command::new(install::epmd_binary()?);
                cmd.args(["-address", "127.0.0.1", "-port"])
                    .arg(ports.epmd.to_string())
                    .current_dir(layout.rabbit_dir());
                cmd
            }
            Service::Rabbitmq => rabbitmq_command(layout, state),
            Service::Keystone => {
                let mut cmd = Command::new(layout.venv_bin("gunicorn"));
                cmd.arg("--bind")
                    .arg(format!("127.0.0.1:{}", ports.keystone))
                    .args([
                        "--workers",
                        "2",
                        "--timeout",
                        "120",
                        "--graceful-timeout",
                        "5",
                    ])
                    .args([
                        "--name",
                        "keystone",
                        "--access-logfile",
                        "-",
                        "--error-logfile",
                        "-",
                    ])
                    .arg("--chdir")
                    .arg(layout.keystone_dir())
                    .arg("keystone_wsgi:application")
                    .env("OS_KEYSTONE_CONFIG_FILES", layout.keystone_conf())
                    .current_dir(layout.keystone_dir());
                cmd
            }
            Service::CinderApi => cinder("cinder-api"),
            Service::CinderScheduler => cinder("cinder-scheduler"),
            Service::CinderVolume | Service::CinderVolumeClustered => cinder("cinder-volume"),
            Service::CinderBackup => cinder("cinder-backup"),
        })
    }
}

/// RabbitMQ run as the current user straight from its script (the `/usr/sbin` wrapper would
/// `su` to the `rabbitmq` user, resetting HOME and losing access to our state dir), with every
/// path under the state dir and every listener on loopback.
fn rabbitmq_command(layout: &Layout, state: &State) -> Command {
    let dir = layout.rabbit_dir();
    let ports = &state.ports;
    let mut cmd = Command::new(install::RABBITMQ_SERVER);
    cmd.current_dir(&dir)
        .env("HOME", dir.join("home"))
        .env("RABBITMQ_NODENAME", state.rabbit_node())
        .env("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
        .env("RABBITMQ_NODE_PORT", ports.rabbit.to_string())
        .env("RABBITMQ_DIST_PORT", ports.rabbit_dist.to_string())
        .env("ERL_EPMD_ADDRESS", "127.0.0.1")
        .env("ERL_EPMD_PORT", ports.epmd.to_string())
        // Bind the Erlang distribution listener to loopback, and never let erl spawn its own
        // (setsid'd, hence unmanaged) epmd: we run ours as a separate service.
        .env(
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
            "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false",
        )
        .env("RABBITMQ_CONF_ENV_FILE", dir.join("rabbitmq-env.conf"))
        .env("RABBITMQ_CONFIG_FILE", dir.join("rabbitmq"))
        .env("RABBITMQ_ADVANCED_CONFIG_FILE", dir.join("advanced.config"))
        .env("RABBITMQ_ENABLED_PLUGINS_FILE", dir.join("enabled_plugins"))
        .env("RABBITMQ_MNESIA_BASE", dir.join("mnesia"))
        .env("RABBITMQ_LOG_BASE", layout.logs().join("rabbitmq"))
        .env("RABBITMQ_PID_FILE", dir.join("rabbit.pid"));
    cmd
}

/// Services get the caller's environment minus `OS_*` (an `env`-sourced shell must not leak
/// credentials into them), with the venv first on PATH.
pub fn clean_env(cmd: &mut Command, layout: &Layout) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("OS_") && key != "OS_KEYSTONE_CONFIG_FILES" {
            cmd.env_remove(&key);
        }
    }
    let path = std::env::var("PATH").unwrap_or_default();
    cmd.env("PATH", prepend_path(&layout.venv().join("bin"), &path));
}

fn prepend_path(dir: &Path, path: &str) -> String {
    if path.is_empty() {
        dir.display().to_string()
    } else {
        format!("{}:{path}", dir.display())
    }
}
