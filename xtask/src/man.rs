//! `cargo xtask man`: the man pages of `cinder` (cinder.1 and cinder-<subcommand>.1) written
//! into target/man by the CLI itself, so they always match the command-line definition.
//!
//! The pages come from the binary's hidden `generate-man` subcommand rather than from code
//! linked into xtask: xtask stays small and quick to build for `cargo xtask cloud ...`, and a
//! packager can run the installed binary the same way (see docs/decisions/0004).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};
use clap::Args;

use crate::codegen::workspace_root;

#[derive(Args)]
pub struct ManArgs {
    /// Where to write the pages; relative paths are taken from the workspace root.
    #[arg(long, default_value = "target/man")]
    out_dir: PathBuf,
}

pub fn run(args: ManArgs) -> Result<ExitCode> {
    let root = workspace_root();
    let out_dir = root.join(&args.out_dir);
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "run",
            "--quiet",
            "--package",
            "cinder-cli",
            "--bin",
            "cinder",
            "--",
        ])
        .arg("generate-man")
        .arg(&out_dir)
        .current_dir(&root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        eprintln!("[man] generating the pages failed");
        return Ok(ExitCode::FAILURE);
    }
    println!("[man] try: man -l {}", out_dir.join("cinder.1").display());
    Ok(ExitCode::SUCCESS)
}
