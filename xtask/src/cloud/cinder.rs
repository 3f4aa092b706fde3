//! Cinder: database schema, service readiness through the API, and the end-to-end volume check.
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::http;
use super::keystone::Session;
use super::paths::Layout;
use super::process::run_logged;
use super::services::clean_env;
use super::state::State;
use super::wait;

const STEP_DB_SYNC: &str = "cinder-db-sync";

/// `cinder-manage db sync` once (it also creates the `__DEFAULT__` volume type).
pub fn prepare(layout: &Layout) -> Result<()> {
    if !layout.cinder_db().exists() {
        layout.forget(&[STEP_DB_SYNC]);
    }
    if layout.is_done(STEP_DB_SYNC) {
        return Ok(());
    }
    println!("[cloud] cinder: creating database...");
    let mut cmd = Command::new(layout.venv_bin("cinder-manage"));
    clean_env(&mut cmd, layout);
    cmd.arg("--config-file")
        .arg(layout.cinder_conf())
        .args(["db", "sync"])
        .current_dir(layout.cinder_dir());
    run_logged(
        &mut cmd,
        &layout.log("cinder-manage"),
        "cinder-manage db sync",
    )?;
    layout.mark_done(STEP_DB_SYNC)
}

fn call(session: &Session, method: &str, url: &str, body: Option<Value>) -> Result<http::Response> {
    let mut request = http::Request::new(method, url)
        .header("X-Auth-Token", session.token())
        .header("OpenStack-API-Version", "volume 3.0")
        .timeout(Duration::from_secs(60));
    if let Some(body) = &body {
        request = request.json(body);
    }
    request.send()
}

/// Waits until cinder-scheduler, cinder-volume and cinder-backup report `up` in os-services.
pub fn wait_services_up(state: &State, admin: &Session, timeout: Duration) -> Result<()> {
    let url = format!("{}/v3/{}/os-services", state.cinder_url(), admin.project_id);
    let wanted = ["cinder-scheduler", "cinder-volume", "cinder-backup"];
    wait::until("cinder services reporting up", timeout, None, || {
        let response = call(admin, "GET", &url, None)?;
        if !response.is_success() {
            bail!("HTTP {} {}", response.status, response.excerpt());
        }
        let body = response.json()?;
        let services = body["services"].as_array().cloned().unwrap_or_default();
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|binary| {
                !services.iter().any(|s| {
                    s["binary"] == *binary && s["state"] == "up" && s["status"] == "enabled"
                })
            })
            .collect();
        if missing.is_empty() {
            Ok(Some(()))
        } else {
            bail!("not up yet: {}", missing.join(", "))
        }
    })
}

/// Creates a 1 GiB volume, waits for `available` (fails on `error`), deletes it.
pub fn smoke_test(state: &State, admin: &Session, timeout: Duration) -> Result<()> {
    let base = format!("{}/v3/{}/volumes", state.cinder_url(), admin.project_id);
    let body = json!({"volume": {"size": 1, "name": "xtask-cloud-smoke-test"}});
    let response = call(admin, "POST", &base, Some(body))?;
    if response.status != 202 {
        bail!(
            "creating a volume: HTTP {} {}",
            response.status,
            response.excerpt()
        );
    }
    let id = response.json()?["volume"]["id"]
        .as_str()
        .context("created volume has no id")?
        .to_string();
    let url = format!("{base}/{id}");
    let started = Instant::now();
    let status = wait::until(
        "smoke-test volume becoming available",
        timeout,
        None,
        || {
            let response = call(admin, "GET", &url, None)?;
            if !response.is_success() {
                bail!("HTTP {} {}", response.status, response.excerpt());
            }
            let status = response.json()?["volume"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            Ok(matches!(status.as_str(), "available" | "error").then_some(status))
        },
    )?;
    if status == "error" {
        bail!("smoke-test volume {id} went to status `error` (see cinder-scheduler and cinder-volume logs)");
    }
    println!(
        "[cloud] cinder: smoke-test volume reached `available` in {:.1}s; deleting it",
        started.elapsed().as_secs_f64()
    );
    let response = call(admin, "DELETE", &url, None)?;
    if response.status != 202 {
        bail!(
            "deleting smoke-test volume {id}: HTTP {} {}",
            response.status,
            response.excerpt()
        );
    }
    let gone = wait::until(
        "smoke-test volume deletion",
        Duration::from_secs(60),
        None,
        || Ok((call(admin, "GET", &url, None)?.status == 404).then_some(())),
    );
    if gone.is_err() {
        println!("[cloud] warning: smoke-test volume {id} is not deleted yet");
    }
    Ok(())
}
