//! The benchmarks' corner of the local cloud: a project of their own, credentials for the
//! three contenders, and bulk volume work through the API (creating, waiting, deleting).
//!
//! The benchmarks run as the cloud's `admin` user scoped to a dedicated project,
//! [`PROJECT`]: lists then hold exactly the benchmark's volumes (other people's tests on the
//! shared cloud neither disturb the counts nor see thousands of extra volumes), and cleaning up
//! never comes near a volume someone else created. Every volume a run creates is named with
//! the run's prefix and only volumes with that prefix are deleted.
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::cloud::http;
use crate::cloud::keystone::{self, Session};
use crate::cloud::paths::Layout;
use crate::cloud::state::{write_atomic, Secrets, State};

/// The benchmarks' project (created on first use; the admin user gets the admin role in it).
pub const PROJECT: &str = "cinder-bench";
/// Every benchmark volume's name starts with this (then the run's id).
pub const NAME_PREFIX: &str = "xbench-";
/// The microversion every contender ends up using (Cinder 29's maximum; cinderclient 9.10 and
/// our client both negotiate it).
pub const MICROVERSION: &str = "3.71";

pub struct BenchCloud {
    state: State,
    pub keystone_url: String,
    pub cinder_url: String,
    password: String,
    /// The token and when it was issued.
    session: RwLock<(Session, Instant)>,
    /// `<cinder>/v3/<project id>`.
    pub endpoint: String,
}

/// A volume as the summary list shows it.
#[derive(Clone, Debug)]
pub struct Vol {
    pub id: String,
    pub name: String,
}

impl BenchCloud {
    /// Ensures the project and the admin's role in it, then logs in scoped to it.
    pub fn connect(layout: &Layout) -> Result<BenchCloud> {
        let missing = || {
            format!(
                "no cloud in {}: run `cargo xtask cloud up` first",
                layout.root().display()
            )
        };
        let state = State::load(layout)?.with_context(missing)?;
        let secrets = Secrets::load(layout)?.with_context(missing)?;
        let password = secrets.admin_password.clone();
        let session = keystone::admin_in_project(&state, &password, PROJECT)?;
        let endpoint = format!("{}/v3/{}", state.cinder_url(), session.project_id);
        Ok(BenchCloud {
            keystone_url: state.keystone_url(),
            cinder_url: state.cinder_url(),
            state,
            password,
            session: RwLock::new((session, Instant::now())),
            endpoint,
        })
    }

    /// A new token when the current one is older than `max_age` (Keystone's tokens live an
    /// hour; a full run can take longer). Then makes a few requests with it, so that both of
    /// Cinder's API workers have validated it (keystonemiddleware caches validations per
    /// worker; a first use costs a round trip to Keystone, which would land in a measurement).
    pub fn refresh_if_older(&self, max_age: Duration) -> Result<()> {
        let issued = self.session.read().unwrap_or_else(|e| e.into_inner()).1;
        if issued.elapsed() < max_age {
            return Ok(());
        }
        let session = keystone::login(&self.state, "admin", &self.password, PROJECT)
            .with_context(|| format!("logging in to project {PROJECT}"))?;
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = (session, Instant::now());
        self.warm_token()
    }

    /// A few cheap requests with the current token (see [`Self::refresh_if_older`]).
    pub fn warm_token(&self) -> Result<()> {
        for _ in 0..4 {
            self.get_json(&format!("{}/volumes?limit=1", self.endpoint))?;
        }
        Ok(())
    }

    /// The highest microversion of the server's v3 API, from its versions document.
    pub fn server_max_version(&self) -> Result<String> {
        let url = format!("{}/", self.cinder_url);
        let versions = http::get(&url).send()?.json()?;
        versions["versions"]
            .as_array()
            .and_then(|all| all.iter().find(|v| v["id"] == "v3.0"))
            .and_then(|v| v["version"].as_str())
            .map(str::to_string)
            .with_context(|| format!("no v3.0 in the versions document of {url}"))
    }

    /// A token of the benchmark project, for `curl`.
    pub fn token(&self) -> String {
        let session = self.session.read().unwrap_or_else(|e| e.into_inner());
        session.0.token().to_string()
    }

    /// Password authentication in the benchmark project, through `OS_*` variables, for both
    /// CLIs alike (the password stays out of argv). Removes every other `OS_*` variable.
    pub fn os_env(&self, command: &mut Command) {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("OS_") {
                command.env_remove(key);
            }
        }
        command
            .env_remove("RUST_LOG")
            .env("OS_AUTH_TYPE", "password")
            .env("OS_AUTH_URL", &self.keystone_url)
            .env("OS_USERNAME", "admin")
            .env("OS_PASSWORD", &self.password)
            .env("OS_PROJECT_NAME", PROJECT)
            .env("OS_USER_DOMAIN_NAME", "Default")
            .env("OS_PROJECT_DOMAIN_NAME", "Default")
            .env("OS_IDENTITY_API_VERSION", "3")
            .env("OS_REGION_NAME", "RegionOne")
            .env("OS_INTERFACE", "public");
    }

    /// Files for `curl`, mode 0600 in `dir`: the password request body and the headers of an
    /// authenticated Cinder request (token and microversion), so that neither is in argv.
    pub fn write_curl_files(&self, dir: &Path) -> Result<CurlFiles> {
        let files = CurlFiles {
            token_body: dir.join("token-request.json"),
            headers: dir.join("cinder-headers.txt"),
        };
        let body = json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"name": "Default"}, "password": self.password}}},
            "scope": {"project": {"name": PROJECT, "domain": {"name": "Default"}}}
        }});
        write_atomic(&files.token_body, body.to_string().as_bytes(), 0o600)?;
        write_headers(&files.headers, &self.token())?;
        Ok(files)
    }

    fn call(&self, method: &str, url: &str, body: Option<&Value>) -> Result<http::Response> {
        let token = self.token();
        let mut request = http::Request::new(method, url)
            .header("X-Auth-Token", &token)
            .header("OpenStack-API-Version", "volume 3.71")
            .timeout(Duration::from_secs(120));
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send()
    }

    fn get_json(&self, url: &str) -> Result<Value> {
        let response = self.call("GET", url, None)?;
        if !response.is_success() {
            bail!("GET {url}: HTTP {} {}", response.status, response.excerpt());
        }
        response.json()
    }

    /// The URLs `cinder list` fetches for the whole detail list (following `next` links), for
    /// the `curl` floor of a long list.
    pub fn detail_page_urls(&self) -> Result<Vec<String>> {
        let mut urls = vec![format!("{}/volumes/detail", self.endpoint)];
        loop {
            let page = self.get_json(urls.last().expect("one URL at least"))?;
            match next_link(&page["volumes_links"]) {
                Some(next) => urls.push(next),
                None => return Ok(urls),
            }
        }
    }

    /// One volume of the project as `GET /volumes/detail` shows it.
    pub fn sample_volume(&self) -> Result<Value> {
        let page = self.get_json(&format!("{}/volumes/detail?limit=1", self.endpoint))?;
        page["volumes"]
            .get(0)
            .cloned()
            .context("the benchmark project has no volume to copy")
    }

    /// Every volume of the project (summary view, all pages), optionally only those in
    /// `status`.
    pub fn volumes(&self, status: Option<&str>) -> Result<Vec<Vol>> {
        let mut url = format!("{}/volumes?limit=1000", self.endpoint);
        if let Some(status) = status {
            url.push_str(&format!("&status={status}"));
        }
        let mut all = Vec::new();
        loop {
            let page = self.get_json(&url)?;
            for v in page["volumes"].as_array().into_iter().flatten() {
                all.push(Vol {
                    id: v["id"].as_str().unwrap_or_default().to_string(),
                    name: v["name"].as_str().unwrap_or_default().to_string(),
                });
            }
            match next_link(&page["volumes_links"]) {
                Some(next) => url = next,
                None => return Ok(all),
            }
        }
    }

    /// The project's volumes whose name starts with `prefix`.
    pub fn volumes_named(&self, prefix: &str) -> Result<Vec<Vol>> {
        Ok(self
            .volumes(None)?
            .into_iter()
            .filter(|v| v.name.starts_with(prefix))
            .collect())
    }

    /// Creates 1 GiB volumes with these names, `concurrency` requests at a time, and waits
    /// until none of them is `creating` any more. A failed request (SQLite under load can
    /// answer 500) is not retried blindly: the names that are missing afterwards are created
    /// again, so each name ends up with exactly one volume.
    pub fn create_volumes(&self, names: &[String], concurrency: usize) -> Result<Vec<Vol>> {
        let wanted: HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut last_error = None;
        for _attempt in 0..5 {
            let present: HashSet<String> = self
                .volumes(None)?
                .into_iter()
                .filter(|v| wanted.contains(v.name.as_str()))
                .map(|v| v.name)
                .collect();
            let missing: Vec<&String> = names.iter().filter(|n| !present.contains(*n)).collect();
            if missing.is_empty() {
                break;
            }
            let url = format!("{}/volumes", self.endpoint);
            let errors = parallel(&missing, concurrency, |name| {
                let body = json!({"volume": {"size": 1, "name": name}});
                let response = self.call("POST", &url, Some(&body))?;
                if response.status != 202 {
                    bail!("HTTP {} {}", response.status, response.excerpt());
                }
                Ok(())
            });
            if let Some(error) = errors.into_iter().next() {
                last_error = Some(error);
            }
        }
        let created: Vec<Vol> = self
            .volumes(None)?
            .into_iter()
            .filter(|v| wanted.contains(v.name.as_str()))
            .collect();
        if created.len() < names.len() {
            bail!(
                "only {} of {} volumes could be created (last error: {:#})",
                created.len(),
                names.len(),
                last_error.unwrap_or_else(|| anyhow::anyhow!("none"))
            );
        }
        self.wait_settled(&created, Duration::from_secs(900))?;
        Ok(created)
    }

    /// Waits until none of `volumes` is `creating` (they are `available`, or `error`: either
    /// can be listed and deleted).
    pub fn wait_settled(&self, volumes: &[Vol], timeout: Duration) -> Result<()> {
        let ours: HashSet<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
        let started = Instant::now();
        loop {
            let creating = self
                .volumes(Some("creating"))?
                .into_iter()
                .filter(|v| ours.contains(v.id.as_str()))
                .count();
            if creating == 0 {
                return Ok(());
            }
            if started.elapsed() > timeout {
                bail!("{creating} volumes still `creating` after {timeout:?}");
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    /// Deletes `volumes` (`concurrency` requests at a time) and waits until they are gone.
    pub fn delete_volumes(&self, volumes: &[Vol], concurrency: usize) -> Result<()> {
        if volumes.is_empty() {
            return Ok(());
        }
        self.wait_settled(volumes, Duration::from_secs(600))?;
        let refs: Vec<&Vol> = volumes.iter().collect();
        let errors = parallel(&refs, concurrency, |volume| {
            let url = format!("{}/volumes/{}", self.endpoint, volume.id);
            let response = self.call("DELETE", &url, None)?;
            // 404: already gone; 400: already `deleting`.
            if !matches!(response.status, 202 | 400 | 404) {
                bail!(
                    "deleting {}: HTTP {} {}",
                    volume.name,
                    response.status,
                    response.excerpt()
                );
            }
            Ok(())
        });
        if let Some(error) = errors.into_iter().next() {
            return Err(error);
        }
        self.wait_gone(volumes, Duration::from_secs(900))
    }

    /// Waits until none of `volumes` is listed any more.
    pub fn wait_gone(&self, volumes: &[Vol], timeout: Duration) -> Result<()> {
        let ours: HashSet<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
        let started = Instant::now();
        loop {
            let left = self
                .volumes(None)?
                .into_iter()
                .filter(|v| ours.contains(v.id.as_str()))
                .count();
            if left == 0 {
                return Ok(());
            }
            if started.elapsed() > timeout {
                bail!("{left} volumes are still listed {timeout:?} after their deletion");
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }
}

/// The paths of `curl`'s input files.
pub struct CurlFiles {
    pub token_body: std::path::PathBuf,
    pub headers: std::path::PathBuf,
}

/// `curl -H @file` lines for an authenticated Cinder request with `token`.
pub fn write_headers(path: &Path, token: &str) -> Result<()> {
    let text = format!(
        "X-Auth-Token: {token}\nOpenStack-API-Version: volume {MICROVERSION}\nAccept: application/json\n"
    );
    write_atomic(path, text.as_bytes(), 0o600)
}

fn next_link(links: &Value) -> Option<String> {
    links
        .as_array()?
        .iter()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .map(str::to_string)
}

/// Runs `work` on every item with `concurrency` threads; returns the errors.
fn parallel<T: Sync>(
    items: &[T],
    concurrency: usize,
    work: impl Fn(&T) -> Result<()> + Sync,
) -> Vec<anyhow::Error> {
    let next = AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, items.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if let Err(error) = work(item) {
                    errors.lock().unwrap_or_else(|e| e.into_inner()).push(error);
                }
            });
        }
    });
    errors.into_inner().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_next_links() {
        let links = json!([{"rel": "self", "href": "a"}, {"rel": "next", "href": "b"}]);
        assert_eq!(next_link(&links).as_deref(), Some("b"));
        assert_eq!(next_link(&json!([])), None);
        assert_eq!(next_link(&Value::Null), None);
    }

    #[test]
    fn parallel_visits_every_item_once() {
        let seen = Mutex::new(Vec::new());
        let items: Vec<usize> = (0..50).collect();
        let errors = parallel(&items, 8, |i| {
            seen.lock().unwrap().push(*i);
            if *i == 7 {
                bail!("seven")
            }
            Ok(())
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, items);
        assert_eq!(errors.len(), 1);
    }
}
