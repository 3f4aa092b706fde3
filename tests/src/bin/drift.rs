//! `cargo xtask drift`'s runner (see `cinder_tests::live::drift`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cinder_tests::live::drift::Args::parse();
    cinder_tests::runner::exit_status(cinder_tests::live::drift::main(args))
}
