//! Facts about the machine and the software a run measured, for the report.
use std::path::Path;
use std::process::Command;

use serde::Serialize;

#[derive(Clone, Serialize)]
pub struct Machine {
    pub cpu_model: String,
    pub cpus: usize,
    pub memory_gib: f64,
    pub os: String,
    pub kernel: String,
    pub rustc: String,
    /// The `[profile.release]` settings the measured binary was built with.
    pub release_profile: String,
    pub curl: String,
    pub python: String,
    pub cinderclient: String,
    pub keystone: String,
    pub cinder: String,
    pub cinder_max_version: String,
    /// `/proc/loadavg`'s 1, 5 and 15 minute figures when the run started and ended.
    pub load_before: String,
    pub load_after: String,
}

impl Machine {
    pub fn collect(workspace: &Path, python: &Path, cinder_max_version: &str) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let memory_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            })
            .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
        let os = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            })
            .unwrap_or_else(|| "unknown".into());
        let versions = output(Command::new(python).args([
            "-c",
            "import importlib.metadata as m, platform\n\
             print(platform.python_version())\n\
             for p in ('python-cinderclient', 'keystone', 'cinder'):\n    print(m.version(p))",
        ]));
        let mut versions = versions.lines().map(str::to_string);
        let mut next = || versions.next().unwrap_or_else(|| "unknown".into());
        Machine {
            cpu_model,
            cpus,
            memory_gib,
            os,
            kernel: output(Command::new("uname").arg("-r")),
            rustc: output(Command::new("rustc").arg("--version")),
            release_profile: release_profile(workspace),
            curl: output(Command::new("curl").arg("--version"))
                .lines()
                .next()
                .unwrap_or("unknown")
                .split(" (")
                .next()
                .unwrap_or("unknown")
                .to_string(),
            python: format!("Python {}", next()),
            cinderclient: next(),
            keystone: next(),
            cinder: next(),
            cinder_max_version: cinder_max_version.to_string(),
            load_before: load_average(),
            load_after: String::new(),
        }
    }
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The `[profile.release]` table of the workspace manifest, as `key = value, ...`.
fn release_profile(workspace: &Path) -> String {
    let manifest = std::fs::read_to_string(workspace.join("Cargo.toml")).unwrap_or_default();
    let mut inside = false;
    let mut settings = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[profile.release]";
            continue;
        }
        if inside && !line.is_empty() && !line.starts_with('#') {
            settings.push(line.to_string());
        }
    }
    if settings.is_empty() {
        "cargo's defaults".into()
    } else {
        settings.join(", ")
    }
}

fn output(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}
