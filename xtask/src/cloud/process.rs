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

/// Stops the process group recorded in `path` and removes the pid file.
///
/// The targets are the group's members plus their descendants that left the group (Erlang's
/// `erl_child_setup` calls `setsid`, taking RabbitMQ's port programs with it), all started no
/// earlier than the recorded leader. SIGTERM goes to the group; after `grace`, SIGKILL. Leftover
/// descendants get a few seconds to exit with their parents, then SIGTERM, then SIGKILL.
/// Nothing is signalled unless the leader is still ours or the group still has members (a
/// process group id cannot be reused while the group exists).
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
    let leader_ours = is_ours(pgid, start, expect);
    let family = family(pgid, start);
    let (group, others): (Vec<Proc>, Vec<Proc>) = family.into_iter().partition(|p| p.pgrp == pgid);
    let outcome = if !leader_ours && group.is_empty() {
        StopOutcome::Stale
    } else {
        if leader_ours {
            signal_group(pgid, libc::SIGTERM);
        } else {
            signal_each(&group, libc::SIGTERM);
        }
        let mut outcome = StopOutcome::Terminated;
        if !wait_gone(&group, grace) {
            outcome = StopOutcome::Killed;
            signal_each(&group, libc::SIGKILL);
            wait_gone(&group, Duration::from_secs(5));
        }
        if !wait_gone(&others, Duration::from_secs(3)) {
            signal_each(&others, libc::SIGTERM);
            if !wait_gone(&others, Duration::from_secs(3)) {
                signal_each(&others, libc::SIGKILL);
                wait_gone(&others, Duration::from_secs(5));
            }
        }
        outcome
    };
    fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
    Ok(outcome)
}

fn signal_group(pgid: i32, signal: i32) {
    // SAFETY: kill(2) with a negative pid signals the process group `pgid`, which we created.
    unsafe { libc::kill(-pgid, signal) };
}

/// Signals each process that is still the same process (pid and start time) we listed.
fn signal_each(procs: &[Proc], signal: i32) {
    for p in procs.iter().filter(|p| p.alive()) {
        // SAFETY: plain kill(2) on a pid verified (by start time) to be the one we listed.
        unsafe { libc::kill(p.pid, signal) };
    }
}

fn wait_gone(procs: &[Proc], timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if !procs.iter().any(Proc::alive) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        sleep(Duration::from_millis(100));
    }
}

struct Proc {
    pid: i32,
    pgrp: i32,
    start_time: u64,
}

impl Proc {
    fn alive(&self) -> bool {
        proc_stat(self.pid).is_some_and(|s| s.state != 'Z' && s.start_time == self.start_time)
    }
}

/// Live members of process group `pgid` that started no earlier than `start`, plus all their
/// descendants (wherever their group is).
fn family(pgid: i32, start: u64) -> Vec<Proc> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let all: Vec<(i32, ProcStat)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| Some((pid, proc_stat(pid)?)))
        .filter(|(_, s)| s.state != 'Z' && s.start_time >= start)
        .collect();
    let mut chosen: Vec<i32> = all
        .iter()
        .filter(|(_, s)| s.pgrp == pgid)
        .map(|(pid, _)| *pid)
        .collect();
    loop {
        let more: Vec<i32> = all
            .iter()
            .filter(|(pid, s)| chosen.contains(&s.ppid) && !chosen.contains(pid))
            .map(|(pid, _)| *pid)
            .collect();
        if more.is_empty() {
            break;
        }
        chosen.extend(more);
    }
    all.into_iter()
        .filter(|(pid, _)| chosen.contains(pid))
        .map(|(pid, s)| Proc {
            pid,
            pgrp: s.pgrp,
            start_time: s.start_time,
        })
        .collect()
}

struct ProcStat {
    state: char,
    ppid: i32,
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
        ppid: fields.get(1)?.parse().ok()?,
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
