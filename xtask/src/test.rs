//! `cargo xtask test`: everything CI checks, in order, stopping at the first failure.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;

use crate::codegen::workspace_root;

#[derive(Args)]
pub struct TestArgs {
    /// Extra arguments for `cargo test` (e.g. a test name filter).
    #[arg(last = true)]
    cargo_test_args: Vec<String>,
}

/// The names of crates/cinder-client/examples/*.rs, sorted.
fn examples() -> Result<Vec<String>> {
    let dir = workspace_root().join("crates/cinder-client/examples");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let mut test = vec!["test", "--workspace", "--all-targets", "--no-fail-fast"];
    let extra: Vec<&str> = args.cargo_test_args.iter().map(String::as_str).collect();
    if !extra.is_empty() {
        test.push("--");
        test.extend(extra);
    }
    let clouds_yaml = std::env::var_os("CINDER_CLOUD_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/cloud"))
        .join("clouds.yaml");
    let mut steps: Vec<(&str, Vec<&str>)> = vec![
        ("formatting", vec!["fmt", "--all", "--", "--check"]),
        // A standard OpenAPI 3.0 validator and the project's lint, each naming file and field.
        ("spec quality gates", vec!["xtask", "spec-check"]),
        // Stale, missing, orphaned or uncommitted generated files (and API-SURFACE.txt).
        (
            "generated crate is up to date and committed",
            vec!["xtask", "codegen", "--check", "--committed"],
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
        // Every read operation of the spec at each version where its answer changes, plus a
        // create/update/delete round, validated strictly against the local cloud.
        ("live conformance", vec!["xtask", "conformance", "--write"]),
        // The same command lines through python-cinderclient 9.10 and ours, compared
        // (tests/parity/cases/; intentional differences in tests/parity/differences/).
        ("parity with python-cinderclient", vec!["xtask", "parity"]),
        // Every benchmark scenario once, tiny, so `cargo xtask bench` keeps working; its
        // numbers are not looked at (timings are never asserted).
        ("benchmark smoke run", vec!["xtask", "bench", "--smoke"]),
    ];
    // The library's examples are programs for users: run each against the local cloud.
    let examples = examples()?;
    for example in &examples {
        steps.push((
            example,
            vec!["run", "-q", "-p", "cinder-client", "--example", example],
        ));
    }
    let started = Instant::now();
    let mut took: Vec<(String, Duration)> = Vec::new();
    for (what, cargo_args) in steps {
        println!("[test] {what}: cargo {}", cargo_args.join(" "));
        let step_started = Instant::now();
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        if examples.iter().any(|e| e == what) {
            // Only the local cloud, whatever the developer's shell has exported.
            for (key, _) in std::env::vars() {
                if key.starts_with("OS_") {
                    command.env_remove(key);
                }
            }
            command
                .env("OS_CLIENT_CONFIG_FILE", &clouds_yaml)
                .env("OS_CLOUD", "local");
        }
        let status = command
            .args(&cargo_args)
            .current_dir(workspace_root())
            .status()
            .with_context(|| format!("cannot run cargo for {what}"))?;
        took.push((what.to_string(), step_started.elapsed()));
        if !status.success() {
            eprintln!("[test] {what} failed");
            print_durations(&took, started.elapsed());
            return Ok(ExitCode::FAILURE);
        }
    }
    print_durations(&took, started.elapsed());
    println!("[test] all checks passed");
    Ok(ExitCode::SUCCESS)
}

/// Each step's duration and the total, so that the suite's growth is seen where it happens.
fn print_durations(took: &[(String, Duration)], total: Duration) {
    let width = took.iter().map(|(what, _)| what.len()).max().unwrap_or(0);
    println!("[test] durations:");
    for (what, duration) in took {
        println!("[test]   {what:<width$}  {:>7.1} s", duration.as_secs_f64());
    }
    println!(
        "[test]   {:<width$}  {:>7.1} s",
        "total",
        total.as_secs_f64()
    );
}
