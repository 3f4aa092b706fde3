//! `cargo xtask bench`: this project's `cinder` against python-cinderclient and against `curl`
//! (the floor), in one run against the local real cloud; writes docs/benchmarks.md and .json.
//!
//! - [`measure`]: one child process measured (wall, CPU, peak RSS through `wait4`), medians.
//! - [`cloud`]: the benchmark project, credentials, bulk volume work through the API.
//! - [`scenarios`]: what is compared, and the goals each comparison is held against.
//! - [`decode`] and [`toolchain`]: decoding throughput; codegen, build time, sizes.
//! - [`report`] and [`machine`]: the report and the facts about the machine.
mod cloud;
mod decode;
mod machine;
mod measure;
mod report;
mod scenarios;
mod toolchain;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};

use crate::cloud::paths::Layout;
use crate::codegen::workspace_root;
use cloud::{BenchCloud, Vol, NAME_PREFIX};
pub use measure::{helper, HELPER};
use measure::{Output, Sample};

#[derive(Args, Clone, Debug)]
pub struct BenchArgs {
    /// Recorded runs of each contender in the quick scenarios (warm, cold, startup); the
    /// report shows medians.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    runs: u64,
    /// Recorded runs in the long-list scenario (python-cinderclient takes seconds there).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    large_runs: u64,
    /// Rounds of the bulk scenario (each round creates and deletes 2 x --bulk-count volumes).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    bulk_runs: u64,
    /// Volumes created and deleted per contender and round in the bulk scenario.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    bulk_count: u64,
    /// Volume counts of the long-list scenario (the project is filled up to each in turn).
    #[arg(long, value_delimiter = ',', default_values_t = [200, 2000])]
    large_counts: Vec<usize>,
    /// Volumes in the synthesized body of the decoding scenario.
    #[arg(long, default_value_t = 10_000)]
    decode_volumes: usize,
    /// `cinder create --count` / `cinder delete` concurrency in the bulk scenario (also used
    /// by the benchmark's own volume set-up).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..))]
    concurrency: u64,
    /// Scenarios to run, comma-separated [default: all].
    #[arg(long, value_enum, value_delimiter = ',')]
    scenarios: Vec<Which>,
    /// Skip the clean release build of the workspace (the slowest part of `toolchain`).
    #[arg(long)]
    skip_clean_build: bool,
    /// Where to write benchmarks.md and benchmarks.json [default: docs/ when every scenario
    /// runs, target/bench/report/ for a subset, so a partial run never replaces the
    /// committed report].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only delete volumes left behind by an interrupted run (named xbench-* in the
    /// cinder-bench project), then exit.
    #[arg(long)]
    cleanup: bool,
    /// Checks that every scenario works rather than measuring: a debug build, one run of
    /// each, a handful of volumes, no clean build, the report in target/bench/smoke/ (its
    /// numbers mean nothing). `cargo xtask test` runs this so the benchmark cannot rot.
    #[arg(long, conflicts_with_all = ["cleanup", "out", "scenarios"])]
    smoke: bool,
}

impl BenchArgs {
    /// The smallest sizes that still take every path of every scenario: the large scenario
    /// fills the project past the 10 listed volumes twice, bulk creates and deletes a few.
    fn smoke_sized(self) -> BenchArgs {
        BenchArgs {
            runs: 1,
            large_runs: 1,
            bulk_runs: 1,
            bulk_count: 3,
            large_counts: vec![12, 14],
            decode_volumes: 100,
            concurrency: 4,
            skip_clean_build: true,
            out: Some(PathBuf::from("target/bench/smoke")),
            ..self
        }
    }

    /// The cargo profile of the `cinder` that is measured.
    pub fn profile(&self) -> &'static str {
        if self.smoke {
            "debug"
        } else {
            "release"
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Which {
    /// `cinder --version`; peak memory of `cinder list`.
    Startup,
    /// `cinder list` with a cached token vs one curl GET and python-cinderclient.
    Warm,
    /// `cinder --no-cache list` (password auth) vs curl token + GET.
    Cold,
    /// 100 creates and deletes, bounded concurrency vs cinderclient's sequential loop.
    Bulk,
    /// `cinder list` over ~200 and ~2,000 volumes: time and peak memory.
    Large,
    /// Decoding a 10,000-volume detail body: serde vs json.loads + cinderclient objects.
    Decode,
    /// `cargo xtask codegen`, clean release build, generated lines, binary size.
    Toolchain,
}

/// Every scenario, in the order they run and are reported (the numbering).
const ALL: [Which; 7] = [
    Which::Warm,
    Which::Cold,
    Which::Startup,
    Which::Large,
    Which::Decode,
    Which::Bulk,
    Which::Toolchain,
];

/// How long the benchmark's own token (curl's) is used before a new one is made.
pub const TOKEN_AGE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Everything the scenarios share.
pub struct Ctx {
    cloud: BenchCloud,
    workspace: PathBuf,
    /// target/bench: caches, scratch files, curl's inputs.
    dir: PathBuf,
    cinder_rs: PathBuf,
    python_cinder: PathBuf,
    python: PathBuf,
    curl_files: cloud::CurlFiles,
    /// `xbench-<unix time>-`: the start of every volume name this run creates.
    prefix: String,
    args: BenchArgs,
}

impl Ctx {
    /// Our release `cinder`, authenticated like python-cinderclient, with its own token cache.
    fn ours(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.cinder_rs);
        self.cloud.os_env(&mut command);
        command
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .args(args);
        command
    }

    /// python-cinderclient's `cinder`.
    fn python_cli(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.python_cinder);
        self.cloud.os_env(&mut command);
        command
            .env(
                "CINDERCLIENT_UUID_CACHE_DIR",
                self.dir.join("cinderclient-cache"),
            )
            .args(args);
        command
    }

    fn curl(&self, args: &[&str]) -> Command {
        let mut command = Command::new("curl");
        command.args(["-s", "-S", "--fail"]).args(args);
        command
    }

    fn stderr_file(&self) -> PathBuf {
        self.dir.join("last-stderr.txt")
    }

    fn measure(&self, command: &mut Command) -> Result<Sample> {
        measure::run(command, Output::Null, &self.stderr_file())
    }

    /// HTTP requests one run of ours makes, counted from its `--debug` log.
    fn requests_ours(&self, args: &[&str]) -> Result<usize> {
        let mut all = vec!["--debug"];
        all.extend(args);
        self.count_requests(&mut self.ours(&all))
    }

    /// HTTP requests one run of python-cinderclient makes (keystoneauth's `--debug` log has
    /// the same `REQ: curl` lines).
    fn requests_python(&self, args: &[&str]) -> Result<usize> {
        let mut all = vec!["--debug"];
        all.extend(args);
        self.count_requests(&mut self.python_cli(&all))
    }

    fn count_requests(&self, command: &mut Command) -> Result<usize> {
        let stderr = self.dir.join("debug-stderr.txt");
        measure::run(command, Output::Null, &stderr)?;
        let log = std::fs::read_to_string(&stderr)?;
        Ok(log.matches("REQ: curl").count())
    }

    fn name(&self, what: &str) -> String {
        format!("{}{what}", self.prefix)
    }

    fn concurrency(&self) -> usize {
        self.args.concurrency as usize
    }
}

pub fn run(args: BenchArgs) -> Result<ExitCode> {
    let args = if args.smoke { args.smoke_sized() } else { args };
    let started = Instant::now();
    let workspace = workspace_root();
    let layout = Layout::resolve(std::env::var_os(crate::cloud::paths::DIR_ENV).map(Into::into))?;
    let dir = workspace.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let cloud = BenchCloud::connect(&layout)?;
    if args.cleanup {
        let left = cloud.volumes_named(NAME_PREFIX)?;
        println!("[bench] deleting {} leftover benchmark volumes", left.len());
        cloud.delete_volumes(&left, args.concurrency as usize)?;
        return Ok(ExitCode::SUCCESS);
    }
    let which: Vec<Which> = if args.scenarios.is_empty() {
        ALL.to_vec()
    } else {
        ALL.iter()
            .copied()
            .filter(|w| args.scenarios.contains(w))
            .collect()
    };

    let profile = args.profile();
    let build: &[&str] = match profile {
        "release" => &["build", "--release", "-p", "cinder-cli"],
        _ => &["build", "-p", "cinder-cli"],
    };
    println!(
        "[bench] building the {profile} binary: cargo {}",
        build.join(" ")
    );
    cargo(&workspace, build)?;
    let python_cinder = layout.venv_bin("cinder");
    let python = layout.venv_bin("python");
    for program in [&python_cinder, &python] {
        if !program.exists() {
            bail!(
                "{} not found: run `cargo xtask cloud up` (it installs python-cinderclient)",
                program.display()
            );
        }
    }
    // Tokens and the password for curl: readable by us only.
    let secret_dir = dir.join("secret");
    std::fs::create_dir_all(&secret_dir)?;
    std::fs::set_permissions(&secret_dir, std::fs::Permissions::from_mode(0o700))?;
    let curl_files = cloud.write_curl_files(&secret_dir)?;
    cloud.warm_token()?;
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let ctx = Ctx {
        cloud,
        cinder_rs: workspace.join("target").join(profile).join("cinder"),
        python_cinder,
        python: python.clone(),
        curl_files,
        prefix: format!("{NAME_PREFIX}{unix}-"),
        workspace: workspace.clone(),
        dir,
        args: args.clone(),
    };
    let max_version = ctx.cloud.server_max_version()?;
    let mut machine = machine::Machine::collect(&workspace, &python, &max_version);

    let strangers = ctx
        .cloud
        .volumes(None)?
        .into_iter()
        .filter(|v| !v.name.starts_with(NAME_PREFIX))
        .count();
    if strangers > 0 {
        println!(
            "[bench] note: project {} holds {strangers} volumes not made by a benchmark; they \
             are listed too",
            cloud::PROJECT
        );
    }

    let mut guard = Cleanup {
        ctx: &ctx,
        done: false,
    };
    let mut scenarios = Vec::new();
    let mut goals = Vec::new();
    // The lists of the quick scenarios, and the volume the decoding scenario copies.
    if which
        .iter()
        .any(|w| !matches!(w, Which::Bulk | Which::Toolchain))
    {
        let names: Vec<String> = (1..=10).map(|i| ctx.name(&format!("base-{i}"))).collect();
        println!("[bench] creating {} volumes to list", names.len());
        ctx.cloud.create_volumes(&names, ctx.concurrency())?;
    }
    for which in &which {
        ctx.cloud.refresh_if_older(TOKEN_AGE)?;
        cloud::write_headers(&ctx.curl_files.headers, &ctx.cloud.token())?;
        let step = Instant::now();
        println!("[bench] scenario {which:?}");
        let (scenario, mut found) = match which {
            Which::Startup => scenarios::startup(&ctx)?,
            Which::Warm => scenarios::warm(&ctx)?,
            Which::Cold => scenarios::cold(&ctx)?,
            Which::Bulk => scenarios::bulk(&ctx)?,
            Which::Large => scenarios::large(&ctx)?,
            Which::Decode => decode::run(&ctx)?,
            Which::Toolchain => toolchain::run(&ctx)?,
        };
        println!(
            "[bench] scenario {which:?} done in {:.0} s",
            step.elapsed().as_secs_f64()
        );
        for row in &scenario.rows {
            println!(
                "[bench]   {:<24} wall {:>10}  cpu {:>10}  rss {:>6.1} MiB",
                row.label,
                report::ms(row.summary.wall_ms.median),
                report::ms(row.summary.cpu_ms.median),
                row.summary.max_rss_mib.median
            );
        }
        scenarios.push(scenario);
        goals.append(&mut found);
    }
    guard.clean()?;
    machine.load_after = machine::load_average();

    let all = which.len() == ALL.len();
    let out = match &args.out {
        Some(dir) => workspace.join(dir),
        None if all => workspace.join("docs"),
        None => ctx.dir.join("report"),
    };
    let report = report::Report {
        generated_at: utc_now(),
        machine,
        settings: report::Settings {
            runs: args.runs as usize,
            large_runs: args.large_runs as usize,
            bulk_runs: args.bulk_runs as usize,
            warmup_runs: 1,
            bulk_count: args.bulk_count as usize,
            large_counts: args.large_counts.clone(),
            decode_volumes: args.decode_volumes,
            concurrency: args.concurrency as usize,
            profile: args.profile().into(),
        },
        goals,
        scenarios,
        command: command_line(&args),
    };
    let (md, json) = report.write(&out)?;
    for goal in &report.goals {
        println!(
            "[bench] goal {}: {} -> {} ({})",
            goal.scenario,
            goal.goal,
            goal.measured,
            if goal.met { "met" } else { "NOT met" }
        );
    }
    println!(
        "[bench] wrote {} and {} in {:.0} s",
        md.display(),
        json.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Deletes this run's volumes, also when a scenario fails half-way.
struct Cleanup<'a> {
    ctx: &'a Ctx,
    done: bool,
}

impl Cleanup<'_> {
    fn clean(&mut self) -> Result<()> {
        self.done = true;
        let ours: Vec<Vol> = self.ctx.cloud.volumes_named(&self.ctx.prefix)?;
        if !ours.is_empty() {
            println!("[bench] deleting this run's {} volumes", ours.len());
        }
        self.ctx.cloud.delete_volumes(&ours, self.ctx.concurrency())
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if !self.done {
            if let Err(error) = self.clean() {
                eprintln!(
                    "[bench] cleaning up failed ({error:#}); run `cargo xtask bench --cleanup`"
                );
            }
        }
    }
}

/// Runs cargo in the workspace, failing when it fails.
fn cargo(workspace: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(workspace)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(())
}

/// The options of this run as a `cargo xtask bench` command line.
fn command_line(args: &BenchArgs) -> String {
    if args.smoke {
        return "cargo xtask bench --smoke".into();
    }
    let counts: Vec<String> = args.large_counts.iter().map(usize::to_string).collect();
    let mut line = format!(
        "cargo xtask bench --runs {} --large-runs {} --bulk-runs {} --bulk-count {} \
         --large-counts {} --decode-volumes {} --concurrency {}",
        args.runs,
        args.large_runs,
        args.bulk_runs,
        args.bulk_count,
        counts.join(","),
        args.decode_volumes,
        args.concurrency
    );
    if !args.scenarios.is_empty() {
        let names: Vec<String> = args
            .scenarios
            .iter()
            .map(|w| format!("{w:?}").to_lowercase())
            .collect();
        line.push_str(&format!(" --scenarios {}", names.join(",")));
    }
    if args.skip_clean_build {
        line.push_str(" --skip-clean-build");
    }
    line
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn utc_now() -> String {
    crate::cloud::cinder::utc_timestamp(std::time::SystemTime::now()) + "Z"
}
