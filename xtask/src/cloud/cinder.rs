//! Cinder: database schema, service readiness through the API, and the end-to-end volume check.
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::config;
use super::http;
use super::keystone::Session;
use super::paths::Layout;
use super::process::run_logged;
use super::services::clean_env;
use super::sqlite;
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
    sqlite::enable_wal(layout, &layout.cinder_db(), &layout.log("cinder-manage"))?;
    layout.mark_done(STEP_DB_SYNC)
}

fn call(session: &Session, method: &str, url: &str, body: Option<Value>) -> Result<http::Response> {
    call_with_timeout(session, method, url, body, Duration::from_secs(60))
}

fn call_with_timeout(
    session: &Session,
    method: &str,
    url: &str,
    body: Option<Value>,
    timeout: Duration,
) -> Result<http::Response> {
    let mut request = http::Request::new(method, url)
        .header("X-Auth-Token", session.token())
        .header("OpenStack-API-Version", "volume 3.0")
        .timeout(timeout);
    if let Some(body) = &body {
        request = request.json(body);
    }
    request.send()
}

/// Cinder services' first heartbeat comes `report_interval` (10 s) after they start, and after
/// they consume from RabbitMQ. Rows in os-services outlive the processes (a service stopped a
/// few seconds ago still shows `up`), and a cast to a topic nobody consumes yet is dropped (a
/// volume then stays `creating` forever), so a service we just started only counts once its
/// row was updated at least this long after we spawned it.
const FIRST_HEARTBEAT: Duration = Duration::from_secs(10);

/// Waits until cinder-scheduler, cinder-volume and cinder-backup report `up` in os-services;
/// those in `started` (binary, spawn time) must have heartbeated since they were spawned.
/// `alive` is called on every poll and should fail when a service process has died.
pub fn wait_services_up(
    state: &State,
    admin: &Session,
    started: &[(&str, SystemTime)],
    timeout: Duration,
    alive: impl Fn() -> Result<()>,
) -> Result<()> {
    let url = format!("{}/v3/{}/os-services", state.cinder_url(), admin.project_id);
    // (binary, host): cinder-volume reports once per back end, as `host@backend`.
    let wanted: Vec<(&str, Option<String>)> = [("cinder-scheduler", None), ("cinder-backup", None)]
        .into_iter()
        .chain(config::BACKENDS.iter().map(|b| {
            (
                "cinder-volume",
                Some(format!("{}@{b}", config::CINDER_HOST)),
            )
        }))
        .collect();
    let thresholds: Vec<(&str, String)> = started
        .iter()
        .map(|(binary, at)| (*binary, utc_timestamp(*at + FIRST_HEARTBEAT)))
        .collect();
    wait::until("cinder services reporting up", timeout, None, || {
        alive()?;
        let response = call(admin, "GET", &url, None)?;
        if !response.is_success() {
            bail!("HTTP {} {}", response.status, response.excerpt());
        }
        let body = response.json()?;
        let services = body["services"].as_array().cloned().unwrap_or_default();
        let missing: Vec<String> = wanted
            .iter()
            .filter(|(binary, host)| {
                let since = thresholds
                    .iter()
                    .find(|(b, _)| b == binary)
                    .map(|(_, t)| t.as_str());
                !services.iter().any(|s| {
                    s["binary"] == *binary
                        && host.as_ref().is_none_or(|h| s["host"] == h.as_str())
                        && s["state"] == "up"
                        && s["status"] == "enabled"
                        && since.is_none_or(|since| {
                            s["updated_at"].as_str().is_some_and(|u| u >= since)
                        })
                })
            })
            .map(|(binary, host)| match host {
                Some(host) => format!("{binary} ({host})"),
                None => binary.to_string(),
            })
            .collect();
        if missing.is_empty() {
            Ok(Some(()))
        } else {
            bail!("not up yet: {}", missing.join(", "))
        }
    })
}

/// Waits until the scheduler knows a pool for every back end (it has the volume service's
/// capabilities), asking it through the API (an RPC call to cinder-scheduler).
pub fn wait_scheduler_has_pools(state: &State, admin: &Session, timeout: Duration) -> Result<()> {
    let url = format!(
        "{}/v3/{}/scheduler-stats/get_pools",
        state.cinder_url(),
        admin.project_id
    );
    wait::until(
        "cinder-scheduler knowing a storage pool",
        timeout,
        None,
        || {
            // The API waits up to rpc_response_timeout (60 s) for the scheduler's answer.
            let response = call_with_timeout(admin, "GET", &url, None, Duration::from_secs(75))?;
            if !response.is_success() {
                bail!("HTTP {} {}", response.status, response.excerpt());
            }
            let pools = response.json()?["pools"].as_array().map_or(0, Vec::len);
            Ok((pools >= config::BACKENDS.len()).then_some(()))
        },
    )
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, the prefix of the timestamps Cinder returns.
pub(crate) fn utc_timestamp(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        assert_eq!(utc_timestamp(at), "2026-11-18T11:06:40");
        assert_eq!(utc_timestamp(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00");
    }
}
