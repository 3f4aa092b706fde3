//! `cargo xtask codegen [--check]`: regenerate `crates/cinder-raw/src` from the spec.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

#[derive(Args)]
pub struct CodegenArgs {
    /// Fail, listing the stale, missing and orphaned files, instead of writing.
    #[arg(long)]
    check: bool,
    /// With --check: also fail when git sees the generated files uncommitted or untracked (CI:
    /// what the spec generates is what the repository holds).
    #[arg(long, requires = "check")]
    committed: bool,
    /// The spec's entry document.
    #[arg(long, default_value_os_t = workspace_root().join("spec/openapi.yaml"))]
    spec: PathBuf,
    /// The generated crate's source folder, owned entirely by codegen.
    #[arg(long, default_value_os_t = workspace_root().join("crates/cinder-raw/src"))]
    out: PathBuf,
    /// The API surface file: every operation, builder method and field with its versions.
    #[arg(long, default_value_os_t = workspace_root().join(cinder_codegen::surface::PATH))]
    surface: PathBuf,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

pub fn run(args: CodegenArgs) -> Result<ExitCode> {
    let files = cinder_codegen::generate_crate(&args.spec)?;
    let surface = cinder_codegen::api_surface(&args.spec, &files)?;
    let existing = existing_files(&args.out)?;

    let mut stale = Vec::new();
    for (path, contents) in &files {
        match std::fs::read_to_string(args.out.join(path)) {
            Ok(current) if current == *contents => {}
            Ok(_) => stale.push(format!("stale:    {path}")),
            Err(_) => stale.push(format!("missing:  {path}")),
        }
    }
    let orphans: Vec<&String> = existing
        .iter()
        .filter(|p| !files.contains_key(*p))
        .collect();
    stale.extend(orphans.iter().map(|p| format!("orphaned: {p}")));
    let surface_stale = std::fs::read_to_string(&args.surface).ok().as_deref() != Some(&surface);
    if surface_stale {
        stale.push(format!("stale:    {}", args.surface.display()));
    }

    if args.check {
        if stale.is_empty() && args.committed {
            stale.extend(uncommitted(&[&args.out, &args.surface])?);
        }
        if stale.is_empty() {
            println!(
                "{} is up to date ({} files)",
                args.out.display(),
                files.len()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{} is out of date with {}; run `cargo xtask codegen`:",
            args.out.display(),
            args.spec.display()
        );
        for line in &stale {
            eprintln!("  {line}");
        }
        return Ok(ExitCode::FAILURE);
    }

    for orphan in orphans {
        std::fs::remove_file(args.out.join(orphan))
            .with_context(|| format!("removing orphaned {orphan}"))?;
    }
    for (path, contents) in &files {
        let target = args.out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read_to_string(&target).ok().as_deref() != Some(contents.as_str()) {
            std::fs::write(&target, contents)
                .with_context(|| format!("writing {}", target.display()))?;
        }
    }
    remove_empty_dirs(&args.out)?;
    if surface_stale {
        std::fs::write(&args.surface, &surface)
            .with_context(|| format!("writing {}", args.surface.display()))?;
    }
    println!(
        "wrote {} ({} files, {} changed)",
        args.out.display(),
        files.len(),
        stale.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `git status` of the generated files: anything modified, added or untracked.
fn uncommitted(paths: &[&Path]) -> Result<Vec<String>> {
    let output = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all", "--"])
        .args(paths)
        .current_dir(workspace_root())
        .output()
        .context("cannot run git status")?;
    anyhow::ensure!(
        output.status.success(),
        "git status failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| format!("uncommitted: {line}"))
        .collect())
}

/// Every file under `root`, as `/`-separated paths relative to it.
fn existing_files(root: &Path) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    if !root.exists() {
        return Ok(found);
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root)?;
                let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
                found.insert(parts.join("/"));
            }
        }
    }
    Ok(found)
}

fn remove_empty_dirs(root: &Path) -> Result<()> {
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}
