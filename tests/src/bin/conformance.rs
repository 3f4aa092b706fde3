//! `cargo xtask conformance`'s runner (see `cinder_tests::live::conformance`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cinder_tests::live::conformance::Args::parse();
    cinder_tests::runner::exit_status(cinder_tests::live::conformance::main(args))
}
