//! The cost of the toolchain: regenerating the raw crate, a clean release build of the
//! workspace, the size of the generated code and of the binary.
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use super::measure::{self, Output, Summary};
use super::report::{ms, Scenario};
use super::scenarios::Found;
use super::Ctx;

pub fn run(ctx: &Ctx) -> Result<Found> {
    let mut s = Scenario::new(
        "toolchain",
        "6. Toolchain",
        "`cargo xtask codegen --check` regenerates `crates/cinder-raw/src` from the spec in \
         memory and compares it with the committed files (what `cargo xtask codegen` does \
         minus writing); it runs the xtask binary directly, built by cargo's dev profile as \
         `cargo xtask` builds it. The clean build compiles the whole workspace with \
         `--release` into a fresh target directory with as many jobs as CPUs; its CPU time \
         adds up every compiler process.",
    );
    let xtask = std::env::current_exe().context("finding the xtask binary")?;
    let runs = (ctx.args.runs as usize).clamp(1, 3);
    let mut samples = Vec::new();
    for _ in 0..runs {
        samples.push(
            ctx.measure(
                Command::new(&xtask)
                    .args(["codegen", "--check"])
                    .current_dir(&ctx.workspace),
            )?,
        );
    }
    s.row(
        "codegen",
        "cargo xtask codegen --check",
        Summary::of(&samples),
    );

    let build_dir = ctx.dir.join("clean-build");
    if ctx.args.skip_clean_build {
        s.notes
            .push("The clean release build was skipped (`--skip-clean-build`) in this run.".into());
    } else {
        println!(
            "[bench]   clean release build of the workspace into {} (slow)",
            build_dir.display()
        );
        let _ = std::fs::remove_dir_all(&build_dir);
        let log = ctx.dir.join("clean-build.log");
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(["build", "--release", "--workspace", "--target-dir"])
            .arg(&build_dir)
            .current_dir(&ctx.workspace);
        let sample = measure::run(&mut command, Output::File(&log), &log.with_extension("err"))?;
        s.row(
            "clean build",
            "cargo build --release --workspace",
            Summary::of(&[sample]),
        );
        s.fact(
            "Clean release build of the workspace",
            format!(
                "{} wall, {} CPU",
                ms(sample.wall.as_secs_f64() * 1e3),
                ms(sample.cpu.as_secs_f64() * 1e3)
            ),
        );
        let _ = std::fs::remove_dir_all(&build_dir);
    }

    let (files, lines) = count_lines(&ctx.workspace.join("crates/cinder-raw/src"))?;
    s.fact(
        "Generated code (crates/cinder-raw/src)",
        format!("{lines} lines in {files} files"),
    );
    let binary = std::fs::metadata(&ctx.cinder_rs)
        .with_context(|| format!("{}", ctx.cinder_rs.display()))?
        .len();
    s.fact("Release binary `cinder`", mib(binary));
    if let Some(stripped) = stripped_size(&ctx.cinder_rs, &ctx.dir) {
        // Only worth saying when the profile keeps a symbol table.
        if stripped < binary - binary / 100 {
            s.fact("… after `strip`", mib(stripped));
        }
    }
    Ok((s, Vec::new()))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB ({bytes} bytes)", bytes as f64 / 1024.0 / 1024.0)
}

/// `.rs` files under `dir` and their lines.
fn count_lines(dir: &Path) -> Result<(usize, usize)> {
    let mut files = 0;
    let mut lines = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&path)?.lines().count();
            }
        }
    }
    Ok((files, lines))
}

/// The size of `binary` once stripped of symbols, when `strip` is installed.
fn stripped_size(binary: &Path, scratch: &Path) -> Option<u64> {
    let out = scratch.join("cinder.stripped");
    let ok = Command::new("strip")
        .arg("-o")
        .arg(&out)
        .arg(binary)
        .status()
        .ok()?
        .success();
    let size = ok.then(|| std::fs::metadata(&out).ok().map(|m| m.len()))??;
    let _ = std::fs::remove_file(&out);
    Some(size)
}
