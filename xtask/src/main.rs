//! Developer tooling for the workspace: `cargo xtask <command>`.

mod bench;
mod cloud;
mod codegen;
mod live;
mod man;
mod parity;
mod spec_check;
mod test;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Developer tooling for the Cinder client workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure `cinder` against python-cinderclient and curl on the local cloud; writes
    /// docs/benchmarks.md and docs/benchmarks.json.
    Bench(bench::BenchArgs),
    /// Regenerate the raw client crate from spec/openapi.yaml.
    Codegen(codegen::CodegenArgs),
    /// Manage the local real cloud (Keystone + Cinder on 127.0.0.1).
    Cloud(cloud::CloudArgs),
    /// Validate every read operation of the spec against a cloud (default: the local one),
    /// strictly, at each microversion where its answer changes; `--write` adds a create/
    /// update/delete round. Writes target/conformance/report.json; non-zero on a mismatch.
    Conformance(live::LiveArgs),
    /// Report what a cloud (`--os-cloud NAME`) has that the spec lacks: its microversion range,
    /// undeclared fields, operations and actions, each with the spec edit; read-only.
    /// Writes target/drift/report.json; non-zero on drift.
    Drift(live::LiveArgs),

    /// Write the man pages of `cinder` into target/man (cinder.1, cinder-<subcommand>.1).
    Man(man::ManArgs),
    /// Run the same command lines with python-cinderclient 9.10 and our `cinder` on the local
    /// cloud and compare requests, exit status and output (tests/parity/cases/).
    Parity(parity::ParityArgs),
    /// The spec's quality gates: a standard OpenAPI 3.0 validator and the project's lint.
    SpecCheck(spec_check::SpecCheckArgs),
    /// Run every check CI runs: fmt, codegen --check, clippy, the local cloud, all tests, live
    /// conformance, parity with python-cinderclient.
    Test(test::TestArgs),
}

fn main() -> std::process::ExitCode {
    // Before anything else: the measuring helper must stay small (see bench::measure).
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == bench::HELPER)
    {
        bench::helper();
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bench(args) => bench::run(args),
        Command::Codegen(args) => codegen::run(args),
        Command::Cloud(args) => cloud::run(args),
        Command::Conformance(args) => live::run("conformance", args),
        Command::Drift(args) => live::run("drift", args),
        Command::Man(args) => man::run(args),
        Command::Parity(args) => parity::run(args),
        Command::SpecCheck(args) => spec_check::run(args),
        Command::Test(args) => test::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
