//! `cargo xtask test`: everything CI checks, in order, stopping at the first failure.

use std::process::{Command, ExitCode};

use anyhow::{Context, Result};
use clap::Args;

use crate::codegen::workspace_root;

#[derive(Args)]
pub struct TestArgs {
    /// Extra arguments for `cargo test` (e.g. a test name filter).
    #[arg(last = true)]
    cargo_test_args: Vec<String>,
}

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let mut test = vec!["test", "--workspace", "--all-targets", "--no-fail-fast"];
    let extra: Vec<&str> = args.cargo_test_args.iter().map(String::as_str).collect();
    if !extra.is_empty() {
        test.push("--");
        test.extend(extra);
    }
    let steps: [(&str, Vec<&str>); 6] = [
        ("formatting", vec!["fmt", "--all", "--", "--check"]),
        (
            "generated crate is up to date",
            vec!["xtask", "codegen", "--check"],
        ),
        (
            "lints",
            vec![
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("local cloud", vec!["xtask", "cloud", "up"]),
        ("tests", test),
        ("doc tests", vec!["test", "--workspace", "--doc"]),
    ];
    for (what, cargo_args) in steps {
        println!("[test] {what}: cargo {}", cargo_args.join(" "));
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(&cargo_args)
            .current_dir(workspace_root())
            .status()
            .with_context(|| format!("cannot run cargo for {what}"))?;
        if !status.success() {
            eprintln!("[test] {what} failed");
            return Ok(ExitCode::FAILURE);
        }
    }
    println!("[test] all checks passed");
    Ok(ExitCode::SUCCESS)
}
