//! `cargo xtask parity`: the parity oracle against python-cinderclient 9.10.
//!
//! This side only prepares: it builds our `cinder` and the runner (`cinder-tests`'s `parity`
//! binary, `tests/src/parity/`), takes the parity lock of the cloud, makes sure of the
//! `cinder-parity` project and gets a token in it, then hands over. The runner lives outside
//! xtask because it needs an HTTP stack and the recording proxy of the tests crate, and xtask
//! must not depend on the generated client: `cargo xtask codegen` has to build even when the
//! generated crate does not.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::cloud::keystone;
use crate::cloud::lock;
use crate::cloud::paths::{Layout, DIR_ENV};
use crate::cloud::state::{Secrets, State};
use crate::codegen::workspace_root;

/// The project both CLIs work in: lists and totals there hold only the parity run's own
/// resources (other people's tests use `admin` and `demo`).
pub const PROJECT: &str = "cinder-parity";

#[derive(Args)]
#[command(disable_help_flag = true)]
pub struct ParityArgs {
    /// The runner's options: --only <command[/case]>, -v/--verbose, --fail-fast, --jobs N
    /// (`cargo xtask parity --help` lists them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub fn run(args: ParityArgs) -> Result<ExitCode> {
    let workspace = workspace_root();
    // One build for both binaries, so that their shared dependencies are built once.
    let status = cargo()
        .args(["build", "-q", "-p", "cinder-cli", "-p", "cinder-tests"])
        .args(["--bin", "cinder", "--bin", "parity"])
        .current_dir(&workspace)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("building cinder and the parity runner failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let runner = target.join("debug").join("parity");
    if args.args.iter().any(|a| a == "--help" || a == "-h") {
        let status = Command::new(&runner).arg("--help").status()?;
        return Ok(ExitCode::from(status.code().unwrap_or(1) as u8));
    }

    let layout = Layout::resolve(std::env::var_os(DIR_ENV).map(PathBuf::from))?;
    let missing = || {
        format!(
            "no cloud in {}: run `cargo xtask cloud up` first",
            layout.root().display()
        )
    };
    let state = State::load(&layout)?.with_context(missing)?;
    let secrets = Secrets::load(&layout)?.with_context(missing)?;
    // The runner deletes everything in the project before and after: one run at a time,
    // whichever worktree it comes from.
    let _lock = lock::acquire(&layout.root().join("parity.lock"))?;
    let session = keystone::admin_in_project(&state, &secrets.admin_password, PROJECT)?;
    let demo = session
        .find("projects", "name=demo&domain_id=default")?
        .context("the cloud has no demo project")?;

    let status = Command::new(&runner)
        .arg("--python")
        .arg(layout.venv_bin("cinder"))
        .arg("--ours")
        .arg(target.join("debug").join("cinder"))
        .arg("--cases")
        .arg(workspace.join("tests/parity/cases"))
        .arg("--differences")
        .arg(workspace.join("tests/parity/differences"))
        .arg("--work")
        .arg(target.join("parity"))
        .args(["--cinder-url", &state.cinder_url()])
        .args(["--project-id", &session.project_id])
        .args(["--demo-project-id", &demo])
        .args(&args.args)
        // Not in argv, where `ps` shows it.
        .env("PARITY_TOKEN", session.token())
        .current_dir(&workspace)
        .status()
        .with_context(|| format!("cannot run {}", runner.display()))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
