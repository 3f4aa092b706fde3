//! `cargo xtask conformance`: every read operation of the spec against a cloud, at each
//! microversion where its answer changes ([`Op::versions`]), each answer validated strictly
//! ([`crate::schema`]): undeclared fields, missing required fields, wrong types and
//! nullability, fields present outside their versions. With `--write`, the create/update/
//! delete round of [`super::write`] first, whose resources the reads then use.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use serde_json::{json, Value};

use super::ops::{client_max, operations, Op};
use super::params::Resolver;
use super::send::{Answer, Target};
use crate::schema::Spec;

#[derive(clap::Parser, Debug)]
#[command(
    name = "conformance",
    about = "Validate a cloud's answers against the spec"
)]
pub struct Args {
    /// The cloud of clouds.yaml (`local`: the local cloud's file unless OS_CLIENT_CONFIG_FILE).
    #[arg(long, default_value = "local")]
    pub os_cloud: String,
    /// Also create, update and delete one resource of each kind the spec can create.
    #[arg(long)]
    pub write: bool,
    /// Where the JSON report goes.
    #[arg(long, default_value_os_t = crate::cloud::workspace_root().join("target/conformance/report.json"))]
    pub report: PathBuf,
    /// Another spec entry document (default: this workspace's).
    #[arg(long)]
    pub spec: Option<PathBuf>,
}

/// How one operation fared at one version.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Clean,
    /// The answer breaks the spec (or could not be had).
    Mismatch(Vec<String>),
    /// The server refused (4xx) with a fault body the spec accepts: nothing to validate.
    NotExercised(String),
    /// Not sent: no value for a path parameter, or the server does not offer the version.
    Skipped(String),
}

#[derive(Clone, Debug)]
pub struct Row {
    pub operation: String,
    pub method: String,
    pub path: String,
    pub version: u16,
    pub status: Option<u16>,
    pub outcome: Outcome,
}

/// Sends `op` and checks the answer; for a write (`body` or not a GET) anything but a success
/// is a mismatch.
pub async fn check(
    spec: &Spec,
    target: &Target,
    op: &Op,
    version: u16,
    path: &str,
    body: Option<&Value>,
) -> (Row, Option<Answer>) {
    let request = body.map(|b| b.to_string());
    let answer = target.send(op, version, path, body).await;
    let (status, outcome) = match &answer {
        Err(e) => (None, Outcome::Mismatch(vec![format!("{e:#}")])),
        Ok(answer) => {
            let checked = spec.check_response(
                op.id,
                answer.status,
                request.as_deref().map(str::as_bytes),
                &answer.body,
                Some(version),
            );
            let outcome = match checked {
                Err(errors) => Outcome::Mismatch(errors),
                Ok(()) if answer.is_success() => Outcome::Clean,
                Ok(()) if op.method == "get" && answer.status < 500 => Outcome::NotExercised(
                    format!("HTTP {}: {}", answer.status, fault_message(answer)),
                ),
                Ok(()) => Outcome::Mismatch(vec![format!(
                    "HTTP {}: {}",
                    answer.status,
                    fault_message(answer)
                )]),
            };
            (Some(answer.status), outcome)
        }
    };
    let row = Row {
        operation: op.id.to_string(),
        method: op.method.to_uppercase(),
        path: op.path.to_string(),
        version,
        status,
        outcome,
    };
    (row, answer.ok())
}

fn fault_message(answer: &Answer) -> String {
    answer
        .json()
        .and_then(|b| {
            b.as_object()?
                .values()
                .next()?
                .get("message")?
                .as_str()
                .map(String::from)
        })
        .unwrap_or_else(|| {
            String::from_utf8_lossy(&answer.body[..answer.body.len().min(120)]).into()
        })
}

/// Every GET of the spec at each of its versions, path parameters from `known` or the cloud.
pub async fn read_rows(
    spec: &'static Spec,
    target: &Target,
    ops: &[Op],
    known: BTreeMap<String, String>,
    versions_of: impl Fn(&Op) -> Vec<u16>,
) -> Vec<Row> {
    let mut resolver = Resolver::new(target, ops, known);
    let mut rows = Vec::new();
    for op in ops.iter().filter(|op| op.method == "get") {
        let versions = versions_of(op);
        let skipped = |reason: String, version: u16| Row {
            operation: op.id.to_string(),
            method: "GET".into(),
            path: op.path.to_string(),
            version,
            status: None,
            outcome: Outcome::Skipped(reason),
        };
        if versions.is_empty() {
            rows.push(skipped(
                format!(
                    "the server offers 3.{}..3.{}, the operation 3.{}..3.{}",
                    target.server_min, target.server_max, op.min, op.max
                ),
                op.min,
            ));
            continue;
        }
        let path = match resolver.fill(op).await {
            Ok(path) => path,
            Err(parameter) => {
                for version in versions {
                    rows.push(skipped(
                        format!("no {{{parameter}}} found on the cloud"),
                        version,
                    ));
                }
                continue;
            }
        };
        for version in versions {
            rows.push(check(spec, target, op, version, &path, None).await.0);
        }
    }
    rows
}

/// Runs the whole check; `Ok(false)` when an answer breaks the spec.
pub async fn main(args: Args) -> Result<bool> {
    let spec = super::load_spec(args.spec.as_ref())?;
    let client_max = client_max(spec);
    let target = Target::connect(&args.os_cloud, client_max).await?;
    let ops = operations(spec, client_max);
    let mut rows = Vec::new();
    let created = if args.write {
        super::write::create_all(spec, &target, &ops, &mut rows).await
    } else {
        Vec::new()
    };
    let known = created
        .iter()
        .map(|c| (c.parameter.clone(), c.id.clone()))
        .collect();
    let reads = read_rows(spec, &target, &ops, known, |op| {
        op.versions(spec, target.server_min, target.common_max())
    })
    .await;
    rows.extend(reads);
    super::write::delete_all(spec, &target, created, &mut rows).await;

    print_table(&rows);
    let report = report(&target, &rows);
    super::write_json(&args.report, &report)?;
    let (clean, counted) = tally(&rows);
    println!("report: {}", args.report.display());
    println!("conformance {clean}/{counted} operation-versions clean");
    Ok(counted > 0 && clean == counted)
}

/// (clean, counted): the rows that were sent and validated; skipped and not-exercised rows
/// are listed but not counted.
pub fn tally(rows: &[Row]) -> (usize, usize) {
    let counted = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Clean | Outcome::Mismatch(_)))
        .count();
    let clean = rows.iter().filter(|r| r.outcome == Outcome::Clean).count();
    (clean, counted)
}

fn result_word(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Clean => "clean",
        Outcome::Mismatch(_) => "MISMATCH",
        Outcome::NotExercised(_) => "not exercised",
        Outcome::Skipped(_) => "skipped",
    }
}

pub fn print_table(rows: &[Row]) {
    let width = rows
        .iter()
        .map(|r| r.operation.len())
        .max()
        .unwrap_or(9)
        .max(9);
    println!("{:<width$}  version  status  result", "operation");
    for row in rows {
        let status = row.status.map_or("-".into(), |s| s.to_string());
        println!(
            "{:<width$}  3.{:<5}  {:<6}  {}",
            row.operation,
            row.version,
            status,
            result_word(&row.outcome)
        );
        match &row.outcome {
            Outcome::Mismatch(errors) => {
                for error in errors {
                    println!("{:<width$}    {error}", "");
                }
            }
            Outcome::NotExercised(why) | Outcome::Skipped(why) => {
                println!("{:<width$}    {why}", "")
            }
            Outcome::Clean => {}
        }
    }
}

fn report(target: &Target, rows: &[Row]) -> Value {
    let (clean, counted) = tally(rows);
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            let (errors, reason) = match &row.outcome {
                Outcome::Mismatch(errors) => (errors.clone(), None),
                Outcome::NotExercised(why) | Outcome::Skipped(why) => (Vec::new(), Some(why)),
                Outcome::Clean => (Vec::new(), None),
            };
            json!({
                "operation": row.operation,
                "method": row.method,
                "path": row.path,
                "version": format!("3.{}", row.version),
                "status": row.status,
                "result": result_word(&row.outcome).to_lowercase(),
                "errors": errors,
                "reason": reason,
            })
        })
        .collect();
    json!({
        "cloud": target.cloud,
        "server": {"min": format!("3.{}", target.server_min), "max": format!("3.{}", target.server_max)},
        "client": {"min": "3.0", "max": format!("3.{}", target.client_max)},
        "clean": clean,
        "checked": counted,
        "rows": rows,
    })
}
