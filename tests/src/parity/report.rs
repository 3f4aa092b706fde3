//! What a parity run tells: a table per command on stdout ending with `parity N/M`, the
//! failing cases (with unified diffs when verbose) and target/parity/report.json with both
//! sides of every case.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::compare::{stale, unified, Aspect, Difference, Listed, Verdict};

/// One CLI's run as reported.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SideReport {
    pub exit: Option<i32>,
    pub timed_out: bool,
    pub seconds: f64,
    pub stdout: String,
    pub stderr: String,
    /// Normalized, as compared.
    pub stdout_normalized: String,
    pub requests: Vec<String>,
    /// Every request, `METHOD path -> status`, for context.
    pub all_requests: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No difference.
    Passed,
    /// Only differences listed as intentional.
    Intentional,
    /// A difference nobody listed (or a listed one whose condition was not met).
    Failed,
    /// The harness could not run the case (a fixture could not be made...).
    Error,
}

#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    pub id: String,
    pub command: String,
    pub args: Vec<String>,
    pub status: Status,
    pub verdict: Verdict,
    pub differences: Vec<Difference>,
    /// What went wrong in the harness, for `Error`.
    pub error: Option<String>,
    pub python: Option<SideReport>,
    pub ours: Option<SideReport>,
    /// From the first fixture to the second run's end, and the cleanup after.
    pub seconds: f64,
    pub cleanup_seconds: f64,
    /// What could not be deleted afterwards.
    pub cleanup_problems: Vec<String>,
}

impl CaseReport {
    pub fn passed(&self) -> bool {
        matches!(self.status, Status::Passed | Status::Intentional)
    }

    /// One line for the progress output.
    pub fn line(&self) -> String {
        let seconds = |s: &Option<SideReport>| s.as_ref().map_or(0.0, |s| s.seconds);
        let timing = format!(
            "{:.1}s; cinderclient {:.1}s, ours {:.1}s",
            self.seconds,
            seconds(&self.python),
            seconds(&self.ours)
        );
        match self.status {
            Status::Passed => format!("ok    {} ({timing})", self.id),
            Status::Intentional => format!("ok    {} (intentional difference; {timing})", self.id),
            Status::Failed => {
                let mut what: Vec<String> = self
                    .verdict
                    .unlisted
                    .iter()
                    .map(|a| format!("{a:?}").to_lowercase())
                    .collect();
                if let Some(broken) = &self.verdict.broken_expectation {
                    what.push(broken.clone());
                }
                format!("FAIL  {}: {} ({timing})", self.id, what.join(", "))
            }
            Status::Error => format!(
                "ERROR {}: {}",
                self.id,
                self.error.as_deref().unwrap_or("unknown")
            ),
        }
    }

    /// The unified diffs of the unlisted differences, plus both stderrs when exit differs.
    pub fn diffs(&self) -> String {
        let mut out = String::new();
        for difference in &self.differences {
            if !self.verdict.unlisted.contains(&difference.aspect) {
                continue;
            }
            out.push_str(&format!("--- {:?} of {}\n", difference.aspect, self.id));
            out.push_str(&unified(difference));
            if difference.aspect == Aspect::Exit {
                for (who, side) in [
                    ("python-cinderclient", &self.python),
                    ("cinder-rs", &self.ours),
                ] {
                    if let Some(side) = side {
                        out.push_str(&format!("{who} stderr: {}\n", side.stderr.trim_end()));
                    }
                }
            }
        }
        out
    }
}

/// Diff lines printed per failing case without -v.
const DIFF_LINES_SHOWN: usize = 40;

#[derive(Serialize)]
pub struct Report {
    pub run_id: String,
    pub seconds: f64,
    pub passed: usize,
    pub total: usize,
    pub cases: Vec<CaseReport>,
    /// Listed differences that occurred in none of the cases they name: (entry, aspect).
    pub stale: Vec<(String, Aspect)>,
    /// Cases or options the case file misses.
    pub coverage_missing: Vec<String>,
    /// What the final sweep still found (a cleanup that missed something).
    pub leftovers: Vec<String>,
}

impl Report {
    pub fn new(
        run_id: String,
        seconds: f64,
        cases: Vec<CaseReport>,
        listed: &[Listed],
        coverage_missing: Vec<String>,
        leftovers: Vec<String>,
    ) -> Report {
        // Cases the harness could not run say nothing about the entries.
        let ran: Vec<(String, Verdict)> = cases
            .iter()
            .filter(|c| c.status != Status::Error)
            .map(|c| (c.id.clone(), c.verdict.clone()))
            .collect();
        let stale = stale(listed, &ran);
        Report {
            run_id,
            seconds,
            passed: cases.iter().filter(|c| c.passed()).count(),
            total: cases.len(),
            cases,
            stale,
            coverage_missing,
            leftovers,
        }
    }

    pub fn success(&self) -> bool {
        self.passed == self.total && self.coverage_missing.is_empty()
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_string_pretty(self)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
    }

    /// The summary: a table per command, then what failed, then `parity N/M`.
    pub fn print(&self, verbose: bool) {
        let mut by_command: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
        for case in &self.cases {
            let counts = by_command.entry(&case.command).or_default();
            counts[0] += 1;
            match case.status {
                Status::Passed => counts[1] += 1,
                Status::Intentional => counts[2] += 1,
                Status::Failed | Status::Error => counts[3] += 1,
            }
        }
        let width = by_command.keys().map(|c| c.len()).max().unwrap_or(7).max(7);
        println!();
        println!(
            "{:<width$}  {:>5}  {:>6}  {:>11}  {:>6}",
            "command", "cases", "passed", "intentional", "failed"
        );
        for (command, [cases, passed, intentional, failed]) in &by_command {
            println!("{command:<width$}  {cases:>5}  {passed:>6}  {intentional:>11}  {failed:>6}");
        }
        let failing: Vec<&CaseReport> = self.cases.iter().filter(|c| !c.passed()).collect();
        if !failing.is_empty() {
            println!();
            println!("Failing cases (cargo xtask parity --only <case> -v shows whole diffs):");
            for case in &failing {
                println!("  {}", case.line());
                // A CI log is often all there is of a failure: show its start even without -v.
                let diffs = case.diffs();
                let shown = if verbose {
                    usize::MAX
                } else {
                    DIFF_LINES_SHOWN
                };
                for line in diffs.lines().take(shown) {
                    println!("    {line}");
                }
                let hidden = diffs.lines().count().saturating_sub(shown);
                if hidden > 0 {
                    println!("    ... {hidden} more lines (-v shows them)");
                }
            }
        }
        if !self.stale.is_empty() {
            println!();
            println!(
                "Listed differences that did not occur (fixed? remove them from tests/parity/differences/):"
            );
            for (entry, aspect) in &self.stale {
                println!("  {entry}: {aspect:?}");
            }
        }
        if !self.coverage_missing.is_empty() {
            println!();
            println!("The case file does not cover:");
            for line in &self.coverage_missing {
                println!("  {line}");
            }
        }
        if !self.leftovers.is_empty() {
            println!();
            println!("warning: the final sweep deleted what cleanups missed:");
            for leftover in &self.leftovers {
                println!("  {leftover}");
            }
        }
        println!();
        println!("report: target/parity/report.json ({:.0} s)", self.seconds);
        println!("parity {}/{}", self.passed, self.total);
    }
}
