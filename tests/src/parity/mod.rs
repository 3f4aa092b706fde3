//! The parity oracle (`cargo xtask parity`): python-cinderclient 9.10 and our `cinder` run the
//! same command lines against the local cloud, each through a recording proxy, and what
//! reached Cinder, the exit status and stdout are compared.
//!
//! - [`cases`]: the case files, `tests/parity/cases/<family>.yaml`.
//! - [`fixtures`]: what cases need, created per CLI through the REST API, and the cleanup.
//! - [`run`]: one CLI on one command line, behind its own proxy.
//! - [`normalize`] and [`compare`]: what makes two runs comparable, and the verdict against
//!   `tests/parity/differences/`.
//! - [`coverage`]: every subcommand and option of our CLI has cases.
//! - [`report`]: the summary and target/parity/report.json.

pub mod cases;
pub mod compare;
pub mod coverage;
pub mod fixtures;
pub mod normalize;
pub mod report;
pub mod run;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;

use cases::{Case, Stdout};
use compare::{Listed, Normalized};
use fixtures::{Api, Cleanup, NAME_PREFIX};
use normalize::{Normalizer, StdoutRules};
use report::{CaseReport, Report, SideReport, Status};
use run::{Cli, Run, Tools};

/// Options of `cargo xtask parity` (which fills in the hidden ones).
#[derive(Parser, Debug)]
#[command(
    name = "cargo xtask parity",
    about = "Compare our cinder with python-cinderclient 9.10 on the local cloud",
    override_usage = "cargo xtask parity [OPTIONS]"
)]
pub struct Args {
    /// Only this command or case (`show`, `show/by-name`); repeatable. Skips the coverage
    /// check.
    #[arg(long, value_name = "COMMAND[/CASE]")]
    pub only: Vec<String>,
    /// Print the whole unified diff of the normalized output (and requests) of each failing
    /// case, not only its first lines.
    #[arg(short, long)]
    pub verbose: bool,
    /// Start no more cases after the first failure (all cases run by default).
    #[arg(long)]
    pub fail_fast: bool,
    /// Check the harness: python-cinderclient on both sides, no intentional differences, no
    /// coverage check. Every case must pass; one that does not is the harness's fault (a
    /// value not normalized, a fixture shared by mistake, a race between cases).
    #[arg(long)]
    pub self_check: bool,
    /// Cases run at once (each runs both CLIs).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,
    #[arg(long, hide = true)]
    pub python: PathBuf,
    #[arg(long, hide = true)]
    pub ours: PathBuf,
    #[arg(long, hide = true)]
    pub cases: PathBuf,
    #[arg(long, hide = true)]
    pub differences: PathBuf,
    /// target/parity.
    #[arg(long, hide = true)]
    pub work: PathBuf,
    #[arg(long, hide = true)]
    pub cinder_url: String,
    #[arg(long, hide = true)]
    pub project_id: String,
    #[arg(long, hide = true)]
    pub demo_project_id: String,
    /// A token scoped to the parity project (from the environment: argv is public).
    #[arg(long, hide = true, env = "PARITY_TOKEN", hide_env_values = true)]
    pub token: String,
}

struct Ctx {
    tools: Tools,
    api: Api,
    /// `project_id`, `demo_project_id`.
    builtins: BTreeMap<String, String>,
    listed: Vec<Listed>,
    run_id: String,
    fail_fast: bool,
    stop: AtomicBool,
}

/// Runs the selected cases; `Ok(true)` when every one passed and the case file covers the CLI.
pub async fn main(args: Args) -> Result<bool> {
    let start = Instant::now();
    let all = cases::load(&args.cases)?;
    let ids: Vec<String> = all.iter().map(Case::id).collect();
    let mut listed = compare::load(&args.differences, &ids)?;
    let selected = cases::select(all.clone(), &args.only)?;
    let mut ours = args.ours.clone();
    if args.self_check {
        listed.clear();
        ours = args.python.clone();
    }
    let coverage_missing = if args.only.is_empty() && !args.self_check {
        coverage::missing(&args.ours, &all)?
    } else {
        Vec::new()
    };
    for dir in ["home", "cache", "config", "cinderclient-cache"] {
        std::fs::create_dir_all(args.work.join(dir))
            .with_context(|| format!("creating {}", args.work.join(dir).display()))?;
    }
    let endpoint = format!("{}/v3/{}", args.cinder_url, args.project_id);
    let api = Api::new(&endpoint, &args.token)?;
    let (swept, problems) = fixtures::sweep(&api).await?;
    if !swept.is_empty() {
        println!(
            "[parity] deleted {} resources an earlier run left behind",
            swept.len()
        );
    }
    for problem in problems {
        eprintln!("[parity] warning: {problem}");
    }
    let run_id = uuid::Uuid::new_v4().simple().to_string()[..6].to_string();
    println!(
        "[parity] {} cases ({} run alone first), {} at a time; names {NAME_PREFIX}{run_id}-*",
        selected.len(),
        selected.iter().filter(|c| c.exclusive).count(),
        args.jobs
    );
    let ctx = Arc::new(Ctx {
        tools: Tools {
            python: args.python.clone(),
            ours,
            work: args.work.clone(),
            cinder_url: args.cinder_url.clone(),
            project_id: args.project_id.clone(),
            token: args.token.clone(),
        },
        api: api.clone(),
        builtins: [
            ("project_id".to_string(), args.project_id.clone()),
            ("demo_project_id".to_string(), args.demo_project_id.clone()),
        ]
        .into(),
        listed,
        run_id,
        fail_fast: args.fail_fast,
        stop: AtomicBool::new(false),
    });

    let mut reports: Vec<(usize, CaseReport)> = Vec::new();
    // Cases that see the whole project run first and alone, before other cases' resources
    // exist (cleanups of earlier cases would still be under way otherwise).
    for (n, case) in selected.iter().enumerate().filter(|(_, c)| c.exclusive) {
        if ctx.stop.load(Ordering::Relaxed) {
            break;
        }
        reports.push((n, run_case(&ctx, n, case, None).await));
    }
    let semaphore = Arc::new(tokio::sync::Semaphore::new(usize::from(args.jobs)));
    let mut running = tokio::task::JoinSet::new();
    for (n, case) in selected.iter().enumerate().filter(|(_, c)| !c.exclusive) {
        let permit = semaphore.clone().acquire_owned().await?;
        if ctx.stop.load(Ordering::Relaxed) {
            break;
        }
        let (ctx, case) = (ctx.clone(), case.clone());
        running.spawn(async move { (n, run_case(&ctx, n, &case, Some(permit)).await) });
    }
    while let Some(done) = running.join_next().await {
        reports.push(done.context("a case panicked")?);
    }
    reports.sort_by_key(|(n, _)| *n);

    let (leftovers, problems) = fixtures::sweep(&api).await?;
    for problem in problems {
        eprintln!("[parity] warning: {problem}");
    }
    let report = Report::new(
        ctx.run_id.clone(),
        start.elapsed().as_secs_f64(),
        reports.into_iter().map(|(_, r)| r).collect(),
        &ctx.listed,
        coverage_missing,
        leftovers,
    );
    report.write(&args.work.join("report.json"))?;
    report.print(args.verbose);
    Ok(report.success())
}

/// One side, ready to compare.
struct Side {
    run: Run,
    normalized: Normalized,
    normalizer: Normalizer,
}

/// Runs both CLIs on `case`: each with its own fixtures, python-cinderclient first. Exclusive
/// cases delete each side's resources before the other side starts; other cases give their
/// `permit` back once compared, so the next case starts while this one cleans up.
async fn run_case(
    ctx: &Ctx,
    n: usize,
    case: &Case,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
) -> CaseReport {
    let mut report = CaseReport {
        id: case.id(),
        command: case.command.clone(),
        args: case.args.clone(),
        status: Status::Error,
        verdict: Default::default(),
        differences: Vec::new(),
        error: None,
        python: None,
        ours: None,
        seconds: 0.0,
        cleanup_seconds: 0.0,
        cleanup_problems: Vec::new(),
    };
    let (python_cleanup, ours_cleanup) = (Cleanup::default(), Cleanup::default());
    let start = Instant::now();
    let outcome = if case.shared_fixtures {
        match prepare(ctx, n, case, "both", &python_cleanup).await {
            Ok(prepared) => {
                let (python, ours) = tokio::join!(
                    execute(ctx, case, Cli::Python, prepared.clone(), &python_cleanup),
                    execute(ctx, case, Cli::Ours, prepared, &ours_cleanup)
                );
                python.and_then(|p| ours.map(|o| (p, o)))
            }
            Err(e) => Err(e),
        }
    } else if case.exclusive {
        let python = side(ctx, n, case, Cli::Python, &python_cleanup).await;
        report
            .cleanup_problems
            .extend(python_cleanup.run(&ctx.api).await);
        let ours = side(ctx, n, case, Cli::Ours, &ours_cleanup).await;
        python.and_then(|p| ours.map(|o| (p, o)))
    } else {
        // Each side has its own fixtures, named apart: the two run at the same time.
        let (python, ours) = tokio::join!(
            side(ctx, n, case, Cli::Python, &python_cleanup),
            side(ctx, n, case, Cli::Ours, &ours_cleanup)
        );
        python.and_then(|p| ours.map(|o| (p, o)))
    };
    report.seconds = start.elapsed().as_secs_f64();
    match outcome {
        Ok((python, ours)) => {
            report.differences = compare::compare(
                &python.normalized,
                &ours.normalized,
                case.unordered_requests,
            );
            report.verdict = compare::judge(
                &report.id,
                &report.differences,
                ours.normalized.exit_zero,
                &ctx.listed,
            );
            report.status = match (report.verdict.passed(), report.differences.is_empty()) {
                (true, true) => Status::Passed,
                (true, false) => Status::Intentional,
                (false, _) => Status::Failed,
            };
            report.python = Some(side_report(&python));
            report.ours = Some(side_report(&ours));
        }
        Err(e) => report.error = Some(format!("{e:#}")),
    }
    if !report.passed() && ctx.fail_fast {
        ctx.stop.store(true, Ordering::Relaxed);
    }
    println!("[parity] {}", report.line());
    drop(permit);
    let start = Instant::now();
    let (python_problems, ours_problems) =
        tokio::join!(python_cleanup.run(&ctx.api), ours_cleanup.run(&ctx.api));
    report.cleanup_seconds = start.elapsed().as_secs_f64();
    report.cleanup_problems.extend(python_problems);
    report.cleanup_problems.extend(ours_problems);
    report
}

/// The placeholder values of one side: fixtures created, plus the built-ins.
#[derive(Clone)]
struct Prepared {
    values: BTreeMap<String, String>,
}

/// Fixtures for the side `tag` (`py`, `rs`, or `both` when shared).
async fn prepare(
    ctx: &Ctx,
    n: usize,
    case: &Case,
    tag: &str,
    cleanup: &Cleanup,
) -> Result<Prepared> {
    let prefix = format!("{NAME_PREFIX}{}-{n:03}-{tag}", ctx.run_id);
    let mut builtins = ctx.builtins.clone();
    builtins.insert("name".to_string(), format!("{prefix}-new"));
    builtins.insert("prefix".to_string(), prefix.clone());
    let values = fixtures::create(&ctx.api, &case.fixtures, &prefix, &builtins, cleanup)
        .await
        .with_context(|| format!("fixtures for {tag}"))?;
    Ok(Prepared { values })
}

async fn execute(
    ctx: &Ctx,
    case: &Case,
    cli: Cli,
    prepared: Prepared,
    cleanup: &Cleanup,
) -> Result<Side> {
    let args = case
        .args
        .iter()
        .map(|a| cases::expand(a, &prepared.values))
        .collect::<Result<Vec<String>>>()?;
    let run = ctx.tools.run(cli, &args, case.timeout).await?;
    for seen in &run.seen {
        if let (true, Some(answer)) = (
            seen.method == "POST" && seen.upstream_status.is_some_and(|s| s < 300),
            &seen.answer,
        ) {
            fixtures::created_by(answer, cleanup);
        }
    }
    let mut normalizer = Normalizer::default();
    for (key, value) in &prepared.values {
        let own = !ctx.builtins.contains_key(key);
        normalizer.add(value, &format!("{{{key}}}"), own);
    }
    normalizer.add(&run.endpoint, "<endpoint>", false);
    let rules = StdoutRules {
        unordered: case.stdout == Stdout::Unordered,
        words: case.stdout == Stdout::Words,
        own_rows: case.own_rows,
        mask: case.mask.clone(),
    };
    let normalized = Normalized {
        exit_zero: run.exit_zero(),
        stdout: normalize::stdout(&run.stdout, &normalizer, &rules),
        requests: run
            .seen
            .iter()
            .filter_map(|s| normalize::request(s, &normalizer))
            .collect(),
    };
    Ok(Side {
        run,
        normalized,
        normalizer,
    })
}

/// One side, from its fixtures to its run.
async fn side(ctx: &Ctx, n: usize, case: &Case, cli: Cli, cleanup: &Cleanup) -> Result<Side> {
    let prepared = prepare(ctx, n, case, cli.tag(), cleanup).await?;
    execute(ctx, case, cli, prepared, cleanup).await
}

fn side_report(side: &Side) -> SideReport {
    let run = &side.run;
    SideReport {
        exit: run.exit,
        timed_out: run.timed_out,
        seconds: run.seconds,
        stdout: run.stdout.clone(),
        stderr: run.stderr.clone(),
        stdout_normalized: normalize::render(&side.normalized.stdout),
        requests: side.normalized.requests.clone(),
        all_requests: run
            .seen
            .iter()
            .map(|s| {
                let status = s.status.map_or("reset".to_string(), |s| s.to_string());
                side.normalizer
                    .text(&format!("{} {} -> {status}", s.method, s.path))
            })
            .collect(),
    }
}

/// The `*.yaml` files of `dir` and their text, by name: the case and difference files, one per
/// command family so that families grow without touching each other.
fn yaml_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok((path, text))
        })
        .collect()
}
