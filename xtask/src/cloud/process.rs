//! Starting daemons detached from xtask, recording them in pid files, and stopping exactly them.
//!
//! Each service is started in a new session (`setsid`), so it is the leader of its own process
//! group (pgid == pid) and survives the terminal and the `cargo xtask` process. The pid file holds
//! `<pid> <start time>` (the start time from `/proc/PID/stat` field 22, in clock ticks since
//! boot): a pid only counts as ours while the process with that pid has that start time and its
//! command line contains the expected program name, so a recycled pid is never signalled.
use std::fs::{self, OpenOptions};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// What the pid file says and what the process table confirms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Running(i32),
    /// No pid file.
    Stopped,
    /// A pid file whose process is gone or is no longer ours.
    Stale,
}

impl Liveness {
    pub fn pid(self) -> Option<i32> {
        match self {
            Liveness::Running(pid) => Some(pid),
            _ => None,
        }
    }
}

/// Spawns `cmd` detached: new session, stdin from /dev/null, stdout/stderr appended to `log`.
pub fn spawn_detached(cmd: &mut Command, log: &Path) -> Result<Child> {
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let err = out.try_clone()?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.spawn().with_context(|| format!("starting {program}"))
}

pub fn write_pid_file(path: &Path, pid: u32) -> Result<()> {
    let pid = pid as i32;
    let start = proc_stat(pid)
        .map(|s| s.start_time)
        .with_context(|| format!("process {pid} vanished right after starting"))?;
    fs::write(path, format!("{pid} {start}\n"))
        .with_context(|| format!("writing {}", path.display()))
}

fn read_pid_file(path: &Path) -> Option<(i32, u64)> {
    let text = fs::read_to_string(path).ok()?;
    let mut words = text.split_whitespace();
    let pid = words.next()?.parse().ok()?;
    let start = words.next()?.parse().ok()?;
    Some((pid, start))
}

/// Checks the pid file `path` against the process table.
pub fn liveness(path: &Path, expect: &str) -> Liveness {
    if !path.exists() {
        return Liveness::Stopped;
    }
    match read_pid_file(path) {
        Some((pid, start)) if is_ours(pid, start, expect) => Liveness::Running(pid),
        _ => Liveness::Stale,
    }
}

fn is_ours(pid: i32, start: u64, expect: &str) -> bool {
    let Some(stat) = proc_stat(pid) else {
        return false;
    };
    stat.state != 'Z'
        && stat.start_time == start
        && proc_cmdline(pid).is_some_and(|c| c.contains(expect))
}

pub enum StopOutcome {
    NotRunning,
    Stale,
    Terminated,
    Killed,
}

/// Stops the process group recorded in `path` (SIGTERM, then SIGKILL after `grace`) and removes
/// the pid file. Only signals a group whose leader is still the process we started, or (if the
/// leader already exited) the members left in its group that started after it.
pub fn stop(path: &Path, expect: &str, grace: Duration) -> Result<StopOutcome> {
    let Some((pgid, start)) = read_pid_file(path) else {
        let existed = path.exists();
        let _ = fs::remove_file(path);
        return Ok(if existed {
            StopOutcome::Stale
        } else {
            StopOutcome::NotRunning
        });
    };
    let outcome = if is_ours(pgid, start, expect) {
        signal_group(pgid, libc::SIGTERM);
        if wait_group_gone(pgid, start, grace) {
            StopOutcome::Terminated
        } else {
            signal_group(pgid, libc::SIGKILL);
            wait_group_gone(pgid, start, Duration::from_secs(5));
            StopOutcome::Killed
        }
    } else {
        // Leader gone (or pid recycled): kill leftovers of our group, if any.
        let leftovers = group_members(pgid, start);
        if leftovers.is_empty() {
            StopOutcome::Stale
        } else {
            for pid in &leftovers {
                // SAFETY: plain kill(2) on pids verified to be in our group.
                unsafe { libc::kill(*pid, libc::SIGTERM) };
            }
            if wait_group_gone(pgid, start, grace) {
                StopOutcome::Terminated
            } else {
                for pid in group_members(pgid, start) {
                    // SAFETY: as above.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
                wait_group_gone(pgid, start, Duration::from_secs(5));
                StopOutcome::Killed
            }
        }
    };
    fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
    Ok(outcome)
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: kill(2) with a negative pid signals the process group `pgid`, which we created.
    unsafe { libc::kill(-pgid, signal) };
}

fn wait_group_gone(pgid: i32, start: u64, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if group_members(pgid, start).is_empty() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        sleep(Duration::from_millis(100));
    }
}

/// Live (non-zombie) processes in process group `pgid` that started no earlier than `start`.
fn group_members(pgid: i32, start: u64) -> Vec<i32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| {
            proc_stat(pid)
                .is_some_and(|s| s.pgrp == pgid && s.state != 'Z' && s.start_time >= start)
        })
        .collect()
}

struct ProcStat {
    state: char,
    pgrp: i32,
    start_time: u64,
}

fn proc_stat(pid: i32) -> Option<ProcStat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    let after = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // fields[0] is field 3 (state), so field N is fields[N - 3].
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start_time: fields.get(19)?.parse().ok()?,
    })
}

fn proc_cmdline(pid: i32) -> Option<String> {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(String::from_utf8_lossy(&raw).replace('\0', " "))
}

/// Runs a one-shot command to completion with its output appended to `log`; on failure the error
/// carries the log path and its last lines.
pub fn run_logged(cmd: &mut Command, log: &Path, what: &str) -> Result<()> {
    let out = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let err = out.try_clone()?;
    let status = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .with_context(|| format!("running {what}"))?;
    if !status.success() {
        anyhow::bail!(
            "{what} failed ({status}); log: {}\n--- last lines ---\n{}",
            log.display(),
            tail(log, 20)
        );
    }
    Ok(())
}

/// Last `n` lines of a log file, for failure reports.
pub fn tail(path: &Path, n: usize) -> String {
    match fs::read(path) {
        Ok(raw) => {
            let text = String::from_utf8_lossy(&raw);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(_) => "(no log yet)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_stat() {
        let pid = std::process::id() as i32;
        let stat = proc_stat(pid).unwrap();
        assert_ne!(stat.state, 'Z');
        assert!(stat.start_time > 0);
        assert!(proc_cmdline(pid).is_some());
    }
}
