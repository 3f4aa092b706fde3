//! `cargo xtask spec-check`: the spec's quality gates, each failing with the file and the
//! field: a standard OpenAPI 3.0 validator (openapi-spec-validator, on the bundled document,
//! because it does not look inside schemas of other files) and the project's lint (codegen's
//! `lint`: operationId, summary, one tag, typed success and error responses, microversion
//! annotations within 3.0..`info.version` with min <= max).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};
use clap::Args;

use crate::codegen::workspace_root;

#[derive(Args)]
pub struct SpecCheckArgs {
    /// The spec's entry document.
    #[arg(long, default_value_os_t = workspace_root().join("spec/openapi.yaml"))]
    spec: PathBuf,
    /// A Python that has openapi-spec-validator. Default: a venv of its own in
    /// target/spec/venv, made (with the pinned validator) the first time.
    #[arg(long, env = "CINDER_SPEC_PYTHON")]
    python: Option<String>,
}

/// The validator, pinned: a new version may judge the same spec differently.
const VALIDATOR: &str = "openapi-spec-validator==0.9.0";

/// The Python of target/spec/venv, with [`VALIDATOR`] installed unless it already is.
fn validator_python() -> Result<String> {
    let venv = workspace_root().join("target/spec/venv");
    let python = venv.join("bin/python");
    let marker = venv.join("installed");
    if python.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == VALIDATOR) {
        return Ok(python.display().to_string());
    }
    println!(
        "[spec-check] installing {VALIDATOR} into {}...",
        venv.display()
    );
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .context("cannot run python3 -m venv")?;
    anyhow::ensure!(
        status.success(),
        "python3 -m venv {} failed",
        venv.display()
    );
    let output = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            VALIDATOR,
        ])
        .output()
        .context("cannot run pip")?;
    anyhow::ensure!(
        output.status.success(),
        "pip install {VALIDATOR} failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    std::fs::write(&marker, VALIDATOR)?;
    Ok(python.display().to_string())
}

pub fn run(args: SpecCheckArgs) -> Result<ExitCode> {
    let bundle = cinder_codegen::bundle::bundle(&args.spec)?;
    let mut failed = false;

    let operations = cinder_codegen::operations::operations(&bundle.document)
        .map_err(|e| anyhow::anyhow!("{e:#}"));
    match operations {
        Err(problem) => {
            eprintln!("spec lint: {problem}");
            failed = true;
        }
        Ok(operations) => {
            let problems = cinder_codegen::lint::lint(&bundle.document, &operations);
            for problem in &problems {
                eprintln!("spec lint: {problem}");
            }
            failed |= !problems.is_empty();
        }
    }

    let bundled = workspace_root().join("target/spec/openapi.bundled.json");
    std::fs::create_dir_all(bundled.parent().expect("a folder"))?;
    std::fs::write(&bundled, serde_json::to_string_pretty(&bundle.document)?)?;
    let python = match args.python {
        Some(python) => python,
        None => validator_python()?,
    };
    let output = Command::new(&python)
        .args(["-m", "openapi_spec_validator", "--schema", "3.0"])
        .arg(&bundled)
        .output()
        .with_context(|| format!("cannot run {python} (set CINDER_SPEC_PYTHON)"))?;
    if !output.status.success() {
        failed = true;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if text.contains("No module named openapi_spec_validator") {
            eprintln!(
                "OpenAPI validator missing from {python}: pip install {VALIDATOR} there, or leave \
                 CINDER_SPEC_PYTHON unset for a venv of its own"
            );
        } else {
            eprintln!("OpenAPI 3.0 validator: {}", text.trim());
            // The bundle names schemas `#/components/schemas/<Name>`; say which file holds it.
            for (name, resource) in &bundle.schema_resources {
                if text.contains(&format!("'{name}'")) || text.contains(&format!("/{name}/")) {
                    eprintln!("  schema {name} is in spec/schemas/{resource}.yaml");
                }
            }
        }
    }
    if failed {
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "{}: valid OpenAPI 3.0 and the project's conventions",
        args.spec.display()
    );
    Ok(ExitCode::SUCCESS)
}
