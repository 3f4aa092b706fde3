//! `cargo xtask cloud up|down|status|env`: a real Keystone + Cinder (+ RabbitMQ) on 127.0.0.1.
//!
//! Everything lives under one state directory (see [`paths`]); `up` is idempotent and repairs a
//! partially running cloud, `down` stops exactly the processes `up` started (pid files).
pub(crate) mod cinder;
mod config;
mod down;
mod env;
pub(crate) mod http;
mod install;
pub(crate) mod keystone;
pub(crate) mod lock;
pub(crate) mod paths;
mod process;
mod services;
mod sqlite;
pub(crate) mod state;
mod status;
mod up;
mod wait;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

#[derive(Args)]
pub struct CloudArgs {
    /// State directory holding everything (venv, configs, databases, logs, pid files).
    /// Default: <workspace>/target/cloud.
    #[arg(long, global = true, env = paths::DIR_ENV, value_name = "PATH")]
    dir: Option<PathBuf>,

    #[command(subcommand)]
    command: CloudCommand,
}

#[derive(Subcommand)]
enum CloudCommand {
    /// Install what is missing, start RabbitMQ, Keystone and Cinder on 127.0.0.1, and check that
    /// a volume can be created. A no-op when everything already runs.
    Up(up::UpArgs),
    /// Stop the processes `up` started.
    Down,
    /// One line per component; exit code 0 only when everything runs and answers.
    Status,
    /// Print `export OS_...` lines for a cloud (eval them in a shell).
    Env(env::EnvArgs),
}

pub fn run(args: CloudArgs) -> anyhow::Result<ExitCode> {
    let layout = paths::Layout::resolve(args.dir)?;
    match args.command {
        CloudCommand::Up(up_args) => up::run(&layout, &up_args),
        CloudCommand::Down => down::run(&layout),
        CloudCommand::Status => status::run(&layout),
        CloudCommand::Env(env_args) => env::run(&layout, &env_args),
    }
}
