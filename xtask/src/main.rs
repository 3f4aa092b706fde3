//! Developer tooling for the workspace: `cargo xtask <command>`.

mod cloud;
mod codegen;
mod man;
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
    /// Regenerate the raw client crate from spec/openapi.yaml.
    Codegen(codegen::CodegenArgs),
    /// Manage the local real cloud (Keystone + Cinder on 127.0.0.1).
    Cloud(cloud::CloudArgs),
    /// Write the man pages of `cinder` into target/man (cinder.1, cinder-<subcommand>.1).
    Man(man::ManArgs),
    /// Run every check CI runs: fmt, codegen --check, clippy, the local cloud, all tests.
    Test(test::TestArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen(args) => codegen::run(args),
        Command::Cloud(args) => cloud::run(args),
        Command::Man(args) => man::run(args),
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
