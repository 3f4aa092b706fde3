//! The comparisons against the cloud: start-up, `cinder list` warm and cold, bulk create and
//! delete, long lists. Each returns its table and the goals it is held against.
use anyhow::{bail, Context, Result};

use super::cloud::{write_headers, Vol};
use super::measure::{interleaved, Output, Sample, Summary};
use super::report::{ms, Goal, Scenario};
use super::Ctx;

pub type Found = (Scenario, Vec<Goal>);

pub const OURS: &str = "cinder-rs";
pub const PYTHON: &str = "python-cinderclient";
pub const FLOOR: &str = "curl (floor)";

fn goal(scenario: &str, goal: &str, measured: String, met: bool) -> Goal {
    Goal {
        scenario: scenario.into(),
        goal: goal.into(),
        measured,
        met,
    }
}

fn wall(summary: &Summary) -> f64 {
    summary.wall_ms.median
}

/// `cinder list` with a token from the cache: one request, against one `curl` GET.
pub fn warm(ctx: &Ctx) -> Result<Found> {
    let runs = ctx.args.runs as usize;
    // Fills the token cache (token and version range) for the measured runs.
    ctx.measure(&mut ctx.ours(&["list"]))?;
    let requests = ctx.requests_ours(&["list"])?;
    let python_requests = ctx.requests_python(&["list"])?;
    let url = format!("{}/volumes/detail", ctx.cloud.endpoint);
    let headers = format!("@{}", ctx.curl_files.headers.display());
    let mut ours = || ctx.measure(&mut ctx.ours(&["list"]));
    let mut floor = || ctx.measure(&mut ctx.curl(&["-o", "/dev/null", "-H", &headers, &url]));
    let mut python = || ctx.measure(&mut ctx.python_cli(&["list"]));
    let samples = interleaved(runs, 1, &mut [&mut ours, &mut floor, &mut python])?;
    let [ours, floor, python] = summaries(&samples);

    let mut s = Scenario::new(
        "warm",
        "1. `cinder list` with a cached token",
        format!(
            "{} volumes in the project. Ours reads the token and the server's version range \
             from its cache (filled by one unrecorded run; `XDG_CACHE_HOME` points into \
             target/bench); python-cinderclient has no token cache and authenticates with the \
             password on every run, as its users experience it. The floor is one `curl` GET of \
             `/volumes/detail` with a ready token.",
            ctx.cloud.volumes(None)?.len()
        ),
    );
    s.row(OURS, "cinder list", ours.clone()).requests = Some(requests);
    s.row(FLOOR, "curl -H @headers .../volumes/detail", floor.clone())
        .requests = Some(1);
    s.row(PYTHON, "cinder list", python.clone()).requests = Some(python_requests);
    let vs_floor = wall(&ours) / wall(&floor);
    let speedup = wall(&python) / wall(&ours);
    s.ratio("cinder-rs / floor, wall time", vs_floor);
    s.ratio(
        "python-cinderclient / cinder-rs, wall time (speed-up)",
        speedup,
    );
    s.ratio(
        "python-cinderclient / cinder-rs, CPU time",
        python.cpu_ms.median / ours.cpu_ms.median,
    );
    let goals = vec![
        goal(
            "1 warm",
            "`cinder list` (cached token) within 1.5x the floor",
            format!(
                "{vs_floor:.2}x ({} vs {})",
                ms(wall(&ours)),
                ms(wall(&floor))
            ),
            vs_floor <= 1.5,
        ),
        goal(
            "1 warm",
            "at least 25x faster than python-cinderclient's `cinder list`",
            format!(
                "{speedup:.0}x ({} vs {})",
                ms(wall(&ours)),
                ms(wall(&python))
            ),
            speedup >= 25.0,
        ),
    ];
    s.notes.push(
        "Below 1.0 against the floor does not mean a faster request: `curl` loads libcurl and \
         its TLS, HTTP/2, LDAP, SSH and IDN libraries at start-up, which costs more CPU than \
         all of our run (see the CPU column)."
            .into(),
    );
    if requests != 1 {
        s.notes.push(format!(
            "A warm run made {requests} requests; one was expected."
        ));
    }
    Ok((s, goals))
}

/// `cinder --no-cache list`: password authentication, version discovery, the list.
pub fn cold(ctx: &Ctx) -> Result<Found> {
    let runs = ctx.args.runs as usize;
    let requests = ctx.requests_ours(&["--no-cache", "list"])?;
    let python_requests = ctx.requests_python(&["list"])?;
    let url = format!("{}/volumes/detail", ctx.cloud.endpoint);
    let token_url = format!("{}/auth/tokens", ctx.cloud.keystone_url);
    let secret = ctx
        .curl_files
        .headers
        .parent()
        .context("curl files' folder")?;
    let dump = secret.join("cold-token-response-headers.txt");
    let cold_headers = secret.join("cold-cinder-headers.txt");
    let body = format!("@{}", ctx.curl_files.token_body.display());
    let dump_arg = dump.display().to_string();
    let headers_arg = format!("@{}", cold_headers.display());
    let mut ours = || ctx.measure(&mut ctx.ours(&["--no-cache", "list"]));
    let mut floor = || -> Result<Sample> {
        let token = ctx.measure(&mut ctx.curl(&[
            "-o",
            "/dev/null",
            "-D",
            &dump_arg,
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            &body,
            &token_url,
        ]))?;
        let response = std::fs::read_to_string(&dump)?;
        let value = subject_token(&response).context("Keystone sent no X-Subject-Token")?;
        write_headers(&cold_headers, value)?;
        let list = ctx.measure(&mut ctx.curl(&["-o", "/dev/null", "-H", &headers_arg, &url]))?;
        Ok(token.then(list))
    };
    let mut python = || ctx.measure(&mut ctx.python_cli(&["list"]));
    let samples = interleaved(runs, 1, &mut [&mut ours, &mut floor, &mut python])?;
    let [ours, floor, python] = summaries(&samples);

    let mut s = Scenario::new(
        "cold",
        "2. `cinder list` without a cached token",
        "Password authentication on every run (`--no-cache` for ours; python-cinderclient \
         always does it). The floor is two `curl` processes, the token request and the GET of \
         `/volumes/detail` with that token, their times added. Keystone spends most of a token \
         request hashing the password.",
    );
    s.row(OURS, "cinder --no-cache list", ours.clone()).requests = Some(requests);
    s.row(
        FLOOR,
        "curl --data-binary @auth .../auth/tokens; curl .../volumes/detail",
        floor.clone(),
    )
    .requests = Some(2);
    s.row(PYTHON, "cinder list", python.clone()).requests = Some(python_requests);
    let vs_floor = wall(&ours) / wall(&floor);
    s.ratio("cinder-rs / floor, wall time", vs_floor);
    s.ratio(
        "python-cinderclient / cinder-rs, wall time (speed-up)",
        wall(&python) / wall(&ours),
    );
    s.notes.push(
        "Ours makes one request more than the floor: the versions document (`GET /`) that \
         tells which microversions the server supports; a cached run remembers it."
            .into(),
    );
    let goals = vec![goal(
        "2 cold",
        "`cinder --no-cache list` within 1.1x the floor",
        format!(
            "{vs_floor:.2}x ({} vs {})",
            ms(wall(&ours)),
            ms(wall(&floor))
        ),
        vs_floor <= 1.1,
    )];
    Ok((s, goals))
}

/// The value of `X-Subject-Token` in a response head.
fn subject_token(head: &str) -> Option<&str> {
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("x-subject-token")
            .then(|| value.trim())
    })
}

/// `cinder --version`, and the peak memory of `cinder list`.
pub fn startup(ctx: &Ctx) -> Result<Found> {
    let runs = ctx.args.runs as usize;
    ctx.measure(&mut ctx.ours(&["list"]))?;
    let mut version = || ctx.measure(&mut ctx.ours(&["--version"]));
    let mut python_version = || ctx.measure(&mut ctx.python_cli(&["--version"]));
    let mut list = || ctx.measure(&mut ctx.ours(&["list"]));
    let mut python_list = || ctx.measure(&mut ctx.python_cli(&["list"]));
    let samples = interleaved(
        runs,
        1,
        &mut [
            &mut version,
            &mut python_version,
            &mut list,
            &mut python_list,
        ],
    )?;
    let [version, python_version, list, python_list] = summaries(&samples);
    let mut s = Scenario::new(
        "startup",
        "3. Start-up and memory",
        "`--version` starts the program, parses the command line and exits: the fixed cost of \
         every run. Peak memory is the largest resident set of a `cinder list` run (cached \
         token).",
    );
    s.row(OURS, "cinder --version", version.clone());
    s.row(PYTHON, "cinder --version", python_version.clone());
    s.row(OURS, "cinder list", list.clone());
    s.row(PYTHON, "cinder list", python_list.clone());
    s.ratio(
        "python-cinderclient / cinder-rs, `--version` wall time",
        wall(&python_version) / wall(&version),
    );
    s.ratio(
        "python-cinderclient / cinder-rs, `cinder list` peak memory",
        python_list.max_rss_mib.median / list.max_rss_mib.median,
    );
    let goals = vec![
        goal(
            "3 start-up",
            "`cinder --version` under 5 ms",
            ms(wall(&version)),
            wall(&version) < 5.0,
        ),
        goal(
            "3 start-up",
            "peak memory of `cinder list` under 15 MiB",
            format!("{:.1} MiB", list.max_rss_mib.median),
            list.max_rss_mib.median < 15.0,
        ),
    ];
    Ok((s, goals))
}

/// Creating and deleting `--bulk-count` volumes: ours with bounded concurrency against
/// cinderclient's sequential loop.
pub fn bulk(ctx: &Ctx) -> Result<Found> {
    let count = ctx.args.bulk_count as usize;
    let concurrency = ctx.concurrency().to_string();
    let count_arg = count.to_string();
    let script = ctx.dir.join("create_loop.py");
    std::fs::write(&script, CREATE_LOOP)?;
    let mut samples: [Vec<Sample>; 4] = Default::default();
    for round in 0..ctx.args.bulk_runs {
        println!("[bench]   bulk round {}", round + 1);
        // Ours: one run creates them all, `--concurrency` requests at a time.
        let ours_name = ctx.name(&format!("bulk-rs{round}"));
        samples[0].push(ctx.measure(&mut ctx.ours(&[
            "create",
            "--count",
            &count_arg,
            "--concurrency",
            &concurrency,
            "--name",
            &ours_name,
            "1",
        ]))?);
        let ours_vols = created(ctx, &ours_name, count)?;
        // cinderclient: its API in a loop, one process and one token.
        let python_name = ctx.name(&format!("bulk-py{round}"));
        let mut command = std::process::Command::new(&ctx.python);
        ctx.cloud.os_env(&mut command);
        command.arg(&script).args([&python_name, &count_arg]);
        samples[1].push(ctx.measure(&mut command)?);
        let python_vols = created(ctx, &python_name, count)?;

        let ids = |vols: &[Vol]| vols.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
        let ours_ids = ids(&ours_vols);
        let mut args = vec!["delete", "--concurrency", &concurrency];
        args.extend(ours_ids.iter().map(String::as_str));
        samples[2].push(ctx.measure(&mut ctx.ours(&args))?);
        ctx.cloud
            .wait_gone(&ours_vols, std::time::Duration::from_secs(600))?;
        let python_ids = ids(&python_vols);
        let mut args = vec!["delete"];
        args.extend(python_ids.iter().map(String::as_str));
        samples[3].push(ctx.measure(&mut ctx.python_cli(&args))?);
        ctx.cloud
            .wait_gone(&python_vols, std::time::Duration::from_secs(600))?;
    }
    let [ours_create, python_create, ours_delete, python_delete] = summaries(&samples);
    let mut s = Scenario::new(
        "bulk",
        &format!("5. Bulk: create and delete {count} volumes"),
        format!(
            "Ours: one `cinder create --count {count} --concurrency {concurrency}` and one \
             `cinder delete --concurrency {concurrency} <{count} ids>`. python-cinderclient: \
             its API called in a loop from one Python process with one token \
             (`volumes.create` {count} times; its CLI creates one volume per run) and its \
             `cinder delete <{count} ids>`, which deletes one after the other. Each round \
             waits (unrecorded) until the volumes are `available` before deleting them, and \
             until they are gone before the next round. Both sides look each volume up before \
             deleting it (GET, then DELETE)."
        ),
    );
    s.row(
        OURS,
        &format!("cinder create --count {count} --concurrency {concurrency} --name N 1"),
        ours_create.clone(),
    );
    s.row(
        PYTHON,
        &format!("python create_loop.py N {count}"),
        python_create.clone(),
    );
    s.row(
        OURS,
        &format!("cinder delete --concurrency {concurrency} ID..."),
        ours_delete.clone(),
    );
    s.row(PYTHON, "cinder delete ID...", python_delete.clone());
    s.ratio(
        "python-cinderclient / cinder-rs, create wall time (speed-up)",
        wall(&python_create) / wall(&ours_create),
    );
    s.ratio(
        "python-cinderclient / cinder-rs, delete wall time (speed-up)",
        wall(&python_delete) / wall(&ours_delete),
    );
    s.notes.push(format!(
        "Per volume: ours {} to create and {} to delete; python-cinderclient {} and {}.",
        ms(wall(&ours_create) / count as f64),
        ms(wall(&ours_delete) / count as f64),
        ms(wall(&python_create) / count as f64),
        ms(wall(&python_delete) / count as f64),
    ));
    s.notes.push(format!(
        "The server sets the pace: the local Cinder API ({} worker processes sharing the \
         machine's CPUs with the rest of the cloud, SQLite with serialized writes) carries out \
         creates one after the other, so concurrency gains little there; deletes gain from \
         their lookups running at once. See decisions/0011-performance.md.",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    ));
    s.notes.push(
        "A shell loop of python-cinderclient's `cinder create` would also pay its start-up \
         and password authentication (scenario 2) once per volume."
            .into(),
    );
    Ok((s, Vec::new()))
}

/// The volumes whose name starts with `<name>-`, once they have settled; fails unless there
/// are `count`.
fn created(ctx: &Ctx, name: &str, count: usize) -> Result<Vec<Vol>> {
    let vols = ctx.cloud.volumes_named(&format!("{name}-"))?;
    if vols.len() != count {
        bail!(
            "expected {count} volumes named {name}-N, found {}",
            vols.len()
        );
    }
    ctx.cloud
        .wait_settled(&vols, std::time::Duration::from_secs(600))?;
    Ok(vols)
}

const CREATE_LOOP: &str = "\
# Written by `cargo xtask bench`: creates volumes NAME-1..NAME-COUNT one after the other with
# python-cinderclient's API, authenticated once from the OS_* variables.
import os
import sys

from cinderclient import client
from keystoneauth1 import loading, session

name, count = sys.argv[1], int(sys.argv[2])
auth = loading.get_plugin_loader('password').load_from_options(
    auth_url=os.environ['OS_AUTH_URL'],
    username=os.environ['OS_USERNAME'],
    password=os.environ['OS_PASSWORD'],
    project_name=os.environ['OS_PROJECT_NAME'],
    user_domain_name=os.environ['OS_USER_DOMAIN_NAME'],
    project_domain_name=os.environ['OS_PROJECT_DOMAIN_NAME'],
)
cinder = client.Client('3.71', session=session.Session(auth=auth))
for i in range(1, count + 1):
    cinder.volumes.create(1, name='%s-%d' % (name, i))
";

/// `cinder list` over a project filled up to each of `--large-counts` volumes.
pub fn large(ctx: &Ctx) -> Result<Found> {
    let runs = ctx.args.large_runs as usize;
    let mut counts = ctx.args.large_counts.clone();
    counts.sort_unstable();
    let mut s = Scenario::new(
        "large",
        "4. Long lists",
        format!(
            "The project filled up to {} volumes (created concurrently through the API and \
             deleted at the end). Cinder sends at most 1,000 volumes per page \
             (`osapi_max_limit`); `cinder list` follows the `next` links. `-f value` (like \
             `-f json`) prints each page as it arrives, so its memory is bounded by the page \
             size; the table waits for every row to size its columns, as python-cinderclient's \
             does. The floor is one `curl` fetching every page URL over one connection.",
            counts
                .iter()
                .map(|c| format!("{c}"))
                .collect::<Vec<_>>()
                .join(" and then ")
        ),
    );
    let mut total = ctx.cloud.volumes(None)?.len();
    let mut next_index = 0;
    // (count, value rss, value --page-size 200 rss)
    let mut memory = Vec::new();
    let headers = format!("@{}", ctx.curl_files.headers.display());
    let listing = ctx.dir.join("large-list.txt");
    for count in counts {
        if count > total {
            let names: Vec<String> = (next_index..next_index + count - total)
                .map(|i| ctx.name(&format!("large-{i}")))
                .collect();
            next_index += names.len();
            println!("[bench]   creating {} volumes (to {count})", names.len());
            ctx.cloud.create_volumes(&names, ctx.concurrency())?;
            ctx.cloud.refresh_if_older(super::TOKEN_AGE)?;
            write_headers(&ctx.curl_files.headers, &ctx.cloud.token())?;
        }
        total = ctx.cloud.volumes(None)?.len();
        // Every volume printed once: the pages were all followed.
        super::measure::run(
            &mut ctx.ours(&["list", "-f", "value", "-c", "id"]),
            Output::File(&listing),
            &ctx.stderr_file(),
        )?;
        let printed = std::fs::read_to_string(&listing)?.lines().count();
        if printed != total {
            bail!("`cinder list -f value` printed {printed} volumes of {total}");
        }
        let requests = ctx.requests_ours(&["list", "-f", "value"])?;
        let urls = ctx.cloud.detail_page_urls()?;
        let mut curl_args = vec!["-H".to_string(), headers.clone()];
        for url in &urls {
            curl_args.extend(["-o".to_string(), "/dev/null".to_string(), url.clone()]);
        }
        let curl_args: Vec<&str> = curl_args.iter().map(String::as_str).collect();
        let mut value = || ctx.measure(&mut ctx.ours(&["list", "-f", "value"]));
        let mut small_pages =
            || ctx.measure(&mut ctx.ours(&["list", "-f", "value", "--page-size", "200"]));
        let mut table = || ctx.measure(&mut ctx.ours(&["list"]));
        let mut python = || ctx.measure(&mut ctx.python_cli(&["list"]));
        let mut floor = || ctx.measure(&mut ctx.curl(&curl_args));
        let samples = interleaved(
            runs,
            1,
            &mut [
                &mut value,
                &mut small_pages,
                &mut table,
                &mut python,
                &mut floor,
            ],
        )?;
        let [value, small_pages, table, python, floor] = summaries(&samples);
        s.row(
            &format!("{OURS}, {total} volumes"),
            "cinder list -f value",
            value.clone(),
        )
        .requests = Some(requests);
        s.row(
            &format!("{OURS}, {total} volumes"),
            "cinder list -f value --page-size 200",
            small_pages.clone(),
        );
        s.row(
            &format!("{OURS}, {total} volumes"),
            "cinder list",
            table.clone(),
        );
        s.row(
            &format!("{PYTHON}, {total} volumes"),
            "cinder list",
            python.clone(),
        );
        s.row(
            &format!("{FLOOR}, {total} volumes"),
            &format!("curl -H @headers <{} page URLs>", urls.len()),
            floor.clone(),
        )
        .requests = Some(urls.len());
        s.ratio(
            format!("{total} volumes: cinder-rs `-f value` / floor, wall time"),
            wall(&value) / wall(&floor),
        );
        s.ratio(
            format!("{total} volumes: python-cinderclient / cinder-rs (both tables), wall time"),
            wall(&python) / wall(&table),
        );
        memory.push((
            total,
            value.max_rss_mib.median,
            small_pages.max_rss_mib.median,
        ));
    }
    // Thousands of volumes slow down everyone's lists and the cloud: gone before what follows.
    let large: Vec<Vol> = ctx.cloud.volumes_named(&ctx.name("large-"))?;
    println!("[bench]   deleting {} volumes", large.len());
    ctx.cloud.delete_volumes(&large, ctx.concurrency())?;
    let mut goals = Vec::new();
    if let (Some(first), Some(last)) = (memory.first(), memory.last()) {
        if first.0 != last.0 {
            let growth = last.2 / first.2;
            s.ratio(
                format!(
                    "peak memory at {} / at {} volumes, `-f value --page-size 200`",
                    last.0, first.0
                ),
                growth,
            );
            s.ratio(
                format!(
                    "peak memory at {} / at {} volumes, `-f value` (server's pages)",
                    last.0, first.0
                ),
                last.1 / first.1,
            );
            s.notes.push(format!(
                "With the server's page size, the first list is one page of {} volumes and the \
                 second pages of up to 1,000: memory follows the page size (at most \
                 `osapi_max_limit` volumes), not the length of the list.",
                first.0
            ));
            goals.push(goal(
                "4 long lists",
                "`cinder list -f value` memory does not grow with the count",
                format!(
                    "{:.1} MiB at {} vs {:.1} MiB at {} volumes (same page size; {:.1} vs \
                     {:.1} MiB with the server's pages)",
                    first.2, first.0, last.2, last.0, first.1, last.1
                ),
                growth <= 1.2,
            ));
        }
    }
    Ok((s, goals))
}

/// The summaries of `N` series of samples.
pub fn summaries<const N: usize>(samples: &[Vec<Sample>]) -> [Summary; N] {
    std::array::from_fn(|i| Summary::of(&samples[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_subject_token() {
        let head = "HTTP/1.1 201 CREATED\r\nX-Subject-Token: gAAA123\r\nVary: X-Auth-Token\r\n";
        assert_eq!(subject_token(head), Some("gAAA123"));
        assert_eq!(subject_token("HTTP/1.1 401\r\n"), None);
    }
}
