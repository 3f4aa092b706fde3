//! The `main` of the runner binaries (`src/bin/`): a runtime, then the run's verdict as the
//! exit status (0 passed, 1 failed, 2 could not run).

use std::future::Future;
use std::process::ExitCode;

/// Runs `run` on a two-thread runtime; `Ok(true)` is success, `Ok(false)` a failed check, an
/// error is printed and exits 2.
pub fn exit_status(run: impl Future<Output = anyhow::Result<bool>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
