//! The parity oracle's runner; `cargo xtask parity` builds it, prepares the cloud and runs it
//! (see `cinder_tests::parity`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cinder_tests::parity::Args::parse();
    cinder_tests::runner::exit_status(cinder_tests::parity::main(args))
}
