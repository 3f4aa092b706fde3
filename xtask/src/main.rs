//! Developer tooling for the workspace: `cargo xtask <command>`.

mod cloud;
mod codegen;
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
    /// Run every check CI runs: fmt, codegen --check, clippy, the local cloud, all tests.
    Test(test::TestArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen(args) => codegen::run(args),
        Command::Cloud(args) => cloud::run(args),
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
