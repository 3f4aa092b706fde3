//! Decoding a long `/volumes/detail` body: serde into the generated types (the
//! `cinder-client` bench program `decode`) against Python's `json.loads` plus cinderclient's
//! `Volume` objects, on the same synthesized body.
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::{json, Value};

use super::measure::{self, Output, Stats, Summary};
use super::report::Scenario;
use super::scenarios::{Found, OURS, PYTHON};
use super::Ctx;

/// What both decoders print.
#[derive(Deserialize)]
struct Timings {
    bytes: usize,
    volumes: usize,
    seconds: Vec<f64>,
}

pub fn run(ctx: &Ctx) -> Result<Found> {
    let count = ctx.args.decode_volumes;
    let iterations = ctx.args.runs as usize;
    let sample = ctx.cloud.sample_volume()?;
    let body_path = ctx.dir.join(format!("volumes-detail-{count}.json"));
    std::fs::write(&body_path, synthesize(&sample, count)?)?;
    let program = build_decoder(&ctx.workspace, ctx.args.profile())?;

    let out = ctx.dir.join("decode-output.json");
    let body_arg = body_path.display().to_string();
    let iterations_arg = iterations.to_string();
    let ours_sample = measure::run(
        Command::new(&program).args(["--bench", &body_arg, &iterations_arg]),
        Output::File(&out),
        &ctx.stderr_file(),
    )?;
    let ours: Timings = parse(&out)?;
    let script = ctx.dir.join("decode.py");
    std::fs::write(&script, DECODE_PY)?;
    let python_sample = measure::run(
        Command::new(&ctx.python)
            .arg(&script)
            .args([&body_arg, &iterations_arg]),
        Output::File(&out),
        &ctx.stderr_file(),
    )?;
    let python: Timings = parse(&out)?;
    for timings in [&ours, &python] {
        if timings.volumes != count {
            bail!(
                "a decoder saw {} volumes instead of {count}",
                timings.volumes
            );
        }
    }

    let mib = ours.bytes as f64 / 1024.0 / 1024.0;
    let summary = |t: &Timings, process: measure::Sample| Summary {
        runs: t.seconds.len(),
        wall_ms: Stats::of(&t.seconds.iter().map(|s| s * 1e3).collect::<Vec<_>>()),
        // The whole process: start-up, reading the file, every decode.
        cpu_ms: Stats::of(&[process.cpu.as_secs_f64() * 1e3]),
        max_rss_mib: Stats::of(&[process.max_rss_kib as f64 / 1024.0]),
    };
    let ours_summary = summary(&ours, ours_sample);
    let python_summary = summary(&python, python_sample);
    let throughput = |s: &Summary| mib / (s.wall_ms.median / 1e3);
    let mut s = Scenario::new(
        "decode",
        &format!("4b. Decoding a {count}-volume detail list"),
        format!(
            "A `GET /volumes/detail` body of {count} volumes ({mib:.1} MiB), synthesized from \
             a real volume of the cloud (admin view, microversion 3.71) with distinct ids and \
             names. Wall time is one decode (median of {iterations}, after one warm-up); CPU \
             time and peak RSS are the whole process's (start-up, reading the file, all \
             {} decodes; the body, the decoded list, the interpreter). Ours: `serde_json::from_slice::<VolumeDetailList>` \
             (`cargo bench -p cinder-client --bench decode`). Python: `json.loads` plus a \
             cinderclient `Volume` per item, what cinderclient does with every page.",
            iterations + 1
        ),
    );
    s.row(
        OURS,
        "serde_json::from_slice::<VolumeDetailList>",
        ours_summary.clone(),
    );
    s.row(
        PYTHON,
        "json.loads + [Volume(manager, v, loaded=True) ...]",
        python_summary.clone(),
    );
    s.fact(
        "cinder-rs throughput",
        format!(
            "{:.0} MiB/s ({:.2} µs per volume)",
            throughput(&ours_summary),
            ours_summary.wall_ms.median * 1e3 / count as f64
        ),
    );
    s.fact(
        "python-cinderclient throughput",
        format!(
            "{:.0} MiB/s ({:.2} µs per volume)",
            throughput(&python_summary),
            python_summary.wall_ms.median * 1e3 / count as f64
        ),
    );
    s.ratio(
        "cinder-rs / python-cinderclient, throughput",
        throughput(&ours_summary) / throughput(&python_summary),
    );
    Ok((s, Vec::new()))
}

/// `{"volumes": [...]}` with `count` copies of `volume`, each with its own id and name.
fn synthesize(volume: &Value, count: usize) -> Result<Vec<u8>> {
    if !volume.is_object() {
        bail!("the sample volume is not an object");
    }
    let volumes: Vec<Value> = (0..count)
        .map(|i| {
            let mut v = volume.clone();
            v["id"] = json!(format!("{i:08x}-0000-4000-8000-{i:012x}"));
            v["name"] = json!(format!("volume-{i}"));
            v
        })
        .collect();
    Ok(serde_json::to_vec(&json!({ "volumes": volumes }))?)
}

/// Builds the `decode` bench program (with cargo's `bench` profile, optimized, unless the
/// `cinder` measured is a debug build) and returns its path.
fn build_decoder(workspace: &Path, profile: &str) -> Result<PathBuf> {
    let profile = if profile == "release" { "bench" } else { "dev" };
    println!(
        "[bench]   building: cargo bench -p cinder-client --bench decode --no-run --profile \
         {profile}"
    );
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "bench",
            "-p",
            "cinder-client",
            "--bench",
            "decode",
            "--no-run",
            "--profile",
            profile,
            "--message-format=json-render-diagnostics",
        ])
        .current_dir(workspace)
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running cargo bench")?;
    if !output.status.success() {
        bail!("building the decode bench program failed");
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "decode")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo reported no executable for the decode bench")
}

fn parse(path: &Path) -> Result<Timings> {
    let text = std::fs::read_to_string(path)?;
    serde_json::from_str(text.trim())
        .with_context(|| format!("a decoder printed {:?}", text.trim()))
}

const DECODE_PY: &str = "\
# Written by `cargo xtask bench`: what python-cinderclient does with a page of
# /volumes/detail (json.loads, then one Volume object per item), timed.
import json
import sys
import time

from cinderclient.v3.volumes import Volume, VolumeManager

path, iterations = sys.argv[1], int(sys.argv[2])
with open(path, 'rb') as f:
    raw = f.read()
manager = VolumeManager(None)
seconds = []
count = 0
for round in range(iterations + 1):
    start = time.perf_counter()
    body = json.loads(raw)
    volumes = [Volume(manager, v, loaded=True) for v in body['volumes'] if v]
    elapsed = time.perf_counter() - start
    count = len(volumes)
    del body, volumes
    if round:
        seconds.append(elapsed)
print(json.dumps({'bytes': len(raw), 'volumes': count, 'seconds': seconds}))
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesizes_distinct_volumes() {
        let body = synthesize(&json!({"id": "x", "name": "y", "size": 1}), 3).unwrap();
        let value: Value = serde_json::from_slice(&body).unwrap();
        let volumes = value["volumes"].as_array().unwrap();
        assert_eq!(volumes.len(), 3);
        assert_eq!(volumes[2]["name"], "volume-2");
        assert_ne!(volumes[0]["id"], volumes[1]["id"]);
        assert_eq!(volumes[1]["size"], 1);
    }
}
