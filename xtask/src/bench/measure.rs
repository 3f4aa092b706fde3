//! Running a child process and measuring it: wall time from spawn to reaping, the child's
//! own CPU time (user + system) and peak resident set from `wait4(2)` (through a small helper
//! process, see [`run_status`]), and summaries over repeated runs.
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::Serialize;

/// One run of one program (or the sum of a short sequence of programs).
#[derive(Clone, Copy, Debug, Default)]
pub struct Sample {
    pub wall: Duration,
    /// User + system CPU time of the child and of the descendants it waited for.
    pub cpu: Duration,
    /// Peak resident set in KiB (`ru_maxrss`; the largest process of the tree).
    pub max_rss_kib: u64,
}

impl Sample {
    /// Two programs run one after the other: times add up, memory is the larger peak.
    pub fn then(self, next: Sample) -> Sample {
        Sample {
            wall: self.wall + next.wall,
            cpu: self.cpu + next.cpu,
            max_rss_kib: self.max_rss_kib.max(next.max_rss_kib),
        }
    }
}

/// Where a measured child's standard output goes.
pub enum Output<'a> {
    /// Discarded (the usual case: the terminal is not what is measured).
    Null,
    /// Written to this file (truncated first), to check or parse afterwards.
    File(&'a Path),
}

/// Runs `command` to completion with stdin from /dev/null and stderr captured to a scratch
/// file (shown when it fails); returns its measurements. A non-zero exit is an error.
pub fn run(command: &mut Command, stdout: Output<'_>, stderr_file: &Path) -> Result<Sample> {
    let (sample, status) = run_status(command, stdout, stderr_file)?;
    if status != 0 {
        let stderr = std::fs::read_to_string(stderr_file).unwrap_or_default();
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "{} exited with status {status}\n{}",
            describe(command),
            tail.join("\n")
        );
    }
    Ok(sample)
}

/// As [`run`], but returns the exit status (from `WEXITSTATUS`, or 128 + signal) instead of
/// failing on it.
///
/// The child is started through this program's small [`helper`] rather than directly: a
/// process's `ru_maxrss` starts at the resident size of the process it was forked from (the
/// kernel records the old address space's peak at `execve`), and xtask itself is bigger than
/// `cinder --version`. The helper is a fresh, barely initialized copy of xtask that starts
/// the child, waits for it and writes its figures to a file, like `/usr/bin/time`.
pub fn run_status(
    command: &mut Command,
    stdout: Output<'_>,
    stderr_file: &Path,
) -> Result<(Sample, i32)> {
    let stdout = match stdout {
        Output::Null => Stdio::null(),
        Output::File(path) => Stdio::from(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
    };
    let stderr = std::fs::File::create(stderr_file)
        .with_context(|| format!("creating {}", stderr_file.display()))?;
    let figures = stderr_file.with_extension("rusage");
    let _ = std::fs::remove_file(&figures);
    let mut helper = Command::new(std::env::current_exe().context("finding xtask's binary")?);
    helper
        .arg(HELPER)
        .arg(&figures)
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => helper.env(key, value),
            None => helper.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        helper.current_dir(dir);
    }
    helper
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::from(stderr));
    let status = helper
        .status()
        .with_context(|| format!("starting {}", describe(command)))?;
    let text = std::fs::read_to_string(&figures).with_context(|| {
        format!(
            "the measuring helper failed ({status}) for {}",
            describe(command)
        )
    })?;
    let numbers: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("the measuring helper wrote {text:?}"))?;
    let [wall_ns, cpu_ns, max_rss_kib, code] = numbers[..] else {
        bail!("the measuring helper wrote {text:?}");
    };
    Ok((
        Sample {
            wall: Duration::from_nanos(wall_ns),
            cpu: Duration::from_nanos(cpu_ns),
            max_rss_kib,
        },
        code as i32,
    ))
}

/// The first argument that makes xtask the measuring helper.
pub const HELPER: &str = "__bench-measure";

/// `xtask __bench-measure FIGURES PROGRAM ARGS...`: runs PROGRAM with this process's stdio
/// and environment, waits for it with `wait4`, and writes `<wall ns> <cpu ns> <max rss KiB>
/// <exit status>` to FIGURES. Called first thing in `main`, before anything allocates much.
pub fn helper() -> ! {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(2).collect();
    let [figures, program, rest @ ..] = &args[..] else {
        eprintln!("usage: xtask {HELPER} FIGURES PROGRAM [ARGS...]");
        std::process::exit(2);
    };
    let started = Instant::now();
    let child = match Command::new(program).args(rest).spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("cannot start {}: {error}", program.to_string_lossy());
            std::process::exit(127);
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: wait4 on the pid of a child we spawned and have not reaped; both out
        // pointers are valid for writes. `Child` is dropped afterwards without waiting.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            eprintln!("wait4: {}", std::io::Error::last_os_error());
            std::process::exit(125);
        }
    }
    let wall = started.elapsed();
    drop(child);
    let timeval = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        255
    };
    // Linux reports ru_maxrss in KiB.
    let line = format!(
        "{} {} {} {code}\n",
        wall.as_nanos(),
        cpu.as_nanos(),
        usage.ru_maxrss.max(0)
    );
    if std::fs::write(figures, line).is_err() {
        std::process::exit(125);
    }
    std::process::exit(0);
}

/// `program arg arg ...` for messages (arguments never hold secrets here: those go through
/// files and the environment).
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

/// Median, minimum and maximum of a series.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    pub fn of(values: &[f64]) -> Stats {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => sorted[n / 2],
            _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Stats {
            median,
            min: sorted.first().copied().unwrap_or(f64::NAN),
            max: sorted.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// The summary of one program's runs.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub runs: usize,
    pub wall_ms: Stats,
    pub cpu_ms: Stats,
    pub max_rss_mib: Stats,
}

impl Summary {
    pub fn of(samples: &[Sample]) -> Summary {
        let map = |f: fn(&Sample) -> f64| Stats::of(&samples.iter().map(f).collect::<Vec<_>>());
        Summary {
            runs: samples.len(),
            wall_ms: map(|s| s.wall.as_secs_f64() * 1e3),
            cpu_ms: map(|s| s.cpu.as_secs_f64() * 1e3),
            max_rss_mib: map(|s| s.max_rss_kib as f64 / 1024.0),
        }
    }
}

/// Runs each contender `runs` times after `warmup` unrecorded runs, interleaved (A B C A B C
/// ...) so that a change in the machine's load affects every contender alike.
pub fn interleaved(
    runs: usize,
    warmup: usize,
    contenders: &mut [&mut dyn FnMut() -> Result<Sample>],
) -> Result<Vec<Vec<Sample>>> {
    let mut samples = vec![Vec::with_capacity(runs); contenders.len()];
    for round in 0..warmup + runs {
        for (i, contender) in contenders.iter_mut().enumerate() {
            let sample = contender()?;
            if round >= warmup {
                samples[i].push(sample);
            }
        }
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let s = Stats::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Stats::of(&[4.0, 1.0, 2.0, 3.0]).median, 2.5);
    }
}
