//! `cloud down`: stop exactly the process groups recorded in our pid files, newest first.
use std::process::ExitCode;

use anyhow::Result;

use super::lock;
use super::paths::Layout;
use super::process::{self, StopOutcome};
use super::services::ALL;

pub fn run(layout: &Layout) -> Result<ExitCode> {
    if !layout.run_dir().exists() {
        println!(
            "[cloud] nothing is running ({} has no cloud)",
            layout.root().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let _lock = lock::acquire(&layout.lock_file())?;
    let mut stopped = 0;
    for service in ALL.iter().rev() {
        let name = service.name();
        let pid_file = layout.pid_file(name);
        if let Some(pid) = service.liveness(layout).pid() {
            println!("[cloud] stopping {name} (pid {pid})...");
        }
        match process::stop(&pid_file, service.expect(), service.grace())? {
            StopOutcome::NotRunning => {}
            StopOutcome::Stale => {
                println!("[cloud] {name} was not running (removed stale pid file)")
            }
            StopOutcome::Terminated => stopped += 1,
            StopOutcome::Killed => {
                stopped += 1;
                println!(
                    "[cloud] {name} did not stop within {:?} of SIGTERM: killed",
                    service.grace()
                );
            }
        }
    }
    if stopped == 0 {
        println!("[cloud] nothing was running");
    } else {
        println!(
            "[cloud] stopped {stopped} service(s); state kept in {}",
            layout.root().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
