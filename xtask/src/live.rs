//! `cargo xtask conformance` and `cargo xtask drift`: the spec against a live cloud.
//!
//! The runners are `cinder-tests`'s `conformance` and `drift` binaries (`tests/src/live/`):
//! they need the library's HTTP stack and the strict validator, and xtask must not depend on
//! the generated client (`cargo xtask codegen` has to build when it does not). This side builds
//! the runner and hands the options over.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::codegen::workspace_root;

#[derive(Args)]
#[command(disable_help_flag = true)]
pub struct LiveArgs {
    /// The runner's options (`--help` lists them): --os-cloud NAME, --write, --report PATH, ...
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Builds the runner `bin` of cinder-tests and runs it with `args`.
pub fn run(bin: &str, args: LiveArgs) -> Result<ExitCode> {
    let workspace = workspace_root();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "-q", "-p", "cinder-tests", "--bin", bin])
        .current_dir(&workspace)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("building the {bin} runner failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let status = Command::new(target.join("debug").join(bin))
        .args(&args.args)
        .current_dir(&workspace)
        .status()
        .with_context(|| format!("cannot run the {bin} runner"))?;
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}
