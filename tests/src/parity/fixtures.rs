//! Creating what cases need and deleting everything afterwards, through Cinder's REST API
//! directly: the oracle does not lean on the client library it helps to check.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use reqwest::Method;
use serde_json::{json, Value};

use super::cases::{
    expand, AttachmentFixture, BackupFixture, CgsnapshotFixture, ClusterFixture,
    ConsistencyGroupFixture, DefaultTypeFixture, Fixture, GroupFixture, GroupSnapshotFixture,
    GroupTypeFixture, HostFixture, ProjectFixture, QosFixture, SnapshotFixture, TransferFixture,
    TypeFixture, VolumeFixture,
};

/// Every fixture and created resource is named with this first (sweeps look for it).
pub const NAME_PREFIX: &str = "parity-";
/// The microversion of the fixtures' own requests (Cinder 29's newest).
const MICROVERSION: &str = "volume 3.71";
const POLL: Duration = Duration::from_millis(250);
// Backups and restores of the file back end take minutes when many run at once.
const WAIT: Duration = Duration::from_secs(300);
/// How long cleanup lets a `creating` volume or snapshot finish before deleting it.
const SETTLE: Duration = Duration::from_secs(60);

/// An authenticated connection to the project's Cinder endpoint.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    /// `http://127.0.0.1:8776/v3/<project id>`.
    endpoint: String,
    token: String,
}

impl Api {
    pub fn new(endpoint: &str, token: &str) -> Result<Api> {
        Ok(Api {
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(60))
                .build()?,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    /// Status and JSON body (`null` when empty).
    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Result<(u16, Value)> {
        let url = format!("{}{path}", self.endpoint);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("X-Auth-Token", &self.token)
            .header("OpenStack-API-Version", MICROVERSION)
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {url}"))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap_or_default();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok((status, value))
    }

    /// The body of a successful answer; any other status is an error naming the request.
    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let (status, answer) = self.send(method.clone(), path, body.as_ref()).await?;
        if !(200..300).contains(&status) {
            let text = answer.to_string();
            bail!(
                "{method} {path}: HTTP {status} {}",
                text.chars().take(300).collect::<String>()
            );
        }
        Ok(answer)
    }

    async fn action(&self, path: &str, body: Value) -> Result<()> {
        self.ok(Method::POST, &format!("{path}/action"), Some(body))
            .await
            .map(drop)
    }

    /// Polls `path` until its `field` (`volume`, `snapshot`) has one of `statuses`; an
    /// `error*` status not asked for ends the wait.
    async fn wait_status(&self, path: &str, field: &str, statuses: &[&str]) -> Result<()> {
        let start = Instant::now();
        loop {
            let value = self.ok(Method::GET, path, None).await?;
            let status = value[field]["status"].as_str().unwrap_or_default();
            if statuses.contains(&status) {
                return Ok(());
            }
            if status.starts_with("error") {
                bail!("{path} is {status}, not {statuses:?}");
            }
            if start.elapsed() > WAIT {
                bail!("{path} is still {status} after {WAIT:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls `path` until it answers 404.
    async fn wait_gone(&self, path: &str) -> Result<()> {
        let start = Instant::now();
        loop {
            if self.send(Method::GET, path, None).await?.0 == 404 {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                bail!("{path} still exists after {WAIT:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The `id`s in a list answer.
    async fn ids(&self, path: &str, field: &str) -> Result<Vec<Value>> {
        let list = self.ok(Method::GET, path, None).await?;
        Ok(list[field].as_array().cloned().unwrap_or_default())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Resource {
    Volume(String),
    Snapshot(String),
    Backup(String),
    Type(String),
    Message(String),
    GroupType(String),
    Group(String),
    GroupSnapshot(String),
    /// A group of `default_cgsnapshot_type`, which the `/groups` routes refuse.
    ConsistencyGroup(String),
    /// A snapshot of a consistency group, which the `/group_snapshots` routes refuse.
    Cgsnapshot(String),
    /// The quotas of a project.
    Quotas(String),
    Qos(String),
    /// A volume host to thaw.
    Thaw(String),
    /// A cluster to enable.
    Enable(String),
    /// A project whose default type to unset.
    DefaultType(String),
    /// A volume transfer (its volume cannot be deleted while it is offered).
    Transfer(String),
    /// The file of an unmanaged volume or snapshot fixture on the file back end: nothing in
    /// Cinder deletes it (the name under `file-volumes/`).
    File(String),
}

/// What one side of a case created (fixtures and what the command made), deleted together.
#[derive(Clone, Default)]
pub struct Cleanup(Arc<Mutex<Vec<Resource>>>);

impl Cleanup {
    pub fn volume(&self, id: &str) {
        self.push(Resource::Volume(id.into()));
    }
    pub fn snapshot(&self, id: &str) {
        self.push(Resource::Snapshot(id.into()));
    }
    pub fn backup(&self, id: &str) {
        self.push(Resource::Backup(id.into()));
    }
    pub fn volume_type(&self, id: &str) {
        self.push(Resource::Type(id.into()));
    }
    fn message(&self, id: &str) {
        self.push(Resource::Message(id.into()));
    }
    pub fn group_type(&self, id: &str) {
        self.push(Resource::GroupType(id.into()));
    }
    pub fn group(&self, id: &str) {
        self.push(Resource::Group(id.into()));
    }
    pub fn group_snapshot(&self, id: &str) {
        self.push(Resource::GroupSnapshot(id.into()));
    }
    pub fn consistencygroup(&self, id: &str) {
        self.push(Resource::ConsistencyGroup(id.into()));
    }
    pub fn cgsnapshot(&self, id: &str) {
        self.push(Resource::Cgsnapshot(id.into()));
    }
    fn quotas(&self, project: &str) {
        self.push(Resource::Quotas(project.into()));
    }
    fn default_type(&self, project: &str) {
        self.push(Resource::DefaultType(project.into()));
    }
    fn thaw(&self, host: &str) {
        self.push(Resource::Thaw(host.into()));
    }
    fn enable(&self, cluster: &str) {
        self.push(Resource::Enable(cluster.into()));
    }
    fn qos(&self, id: &str) {
        self.push(Resource::Qos(id.into()));
    }
    fn transfer(&self, id: &str) {
        self.push(Resource::Transfer(id.into()));
    }
    fn file(&self, name: &str) {
        self.push(Resource::File(name.into()));
    }

    fn push(&self, resource: Resource) {
        let mut all = self.0.lock().unwrap();
        if !all.contains(&resource) {
            all.push(resource);
        }
    }

    /// Deletes everything, dependents first, waiting until volumes are gone (a type in use
    /// cannot be deleted). Returns what could not be deleted.
    pub async fn run(&self, api: &Api) -> Vec<String> {
        let all = std::mem::take(&mut *self.0.lock().unwrap());
        let mut problems = Vec::new();
        let of = |pick: fn(&Resource) -> Option<&String>| -> Vec<String> {
            all.iter().filter_map(pick).cloned().collect()
        };
        // Before the types go: a project's default type may be one of them.
        for project in of(|r| match r {
            Resource::DefaultType(project) => Some(project),
            _ => None,
        }) {
            let path = format!("/default-types/{project}");
            if let Err(e) = api.ok(Method::DELETE, &path, None).await {
                problems.push(format!("{e:#}"));
            }
        }
        for host in of(|r| match r {
            Resource::Thaw(host) => Some(host),
            _ => None,
        }) {
            // Thaw is what enables a volume service again (Cinder 29's enable does not), and it
            // only acts on a frozen host: freeze first (400 when the case left it frozen).
            let host = json!({ "host": host });
            let _ = api
                .send(Method::PUT, "/os-services/freeze", Some(&host))
                .await;
            if let Err(e) = api.ok(Method::PUT, "/os-services/thaw", Some(host)).await {
                problems.push(format!("{e:#}"));
            }
        }
        for cluster in of(|r| match r {
            Resource::Enable(cluster) => Some(cluster),
            _ => None,
        }) {
            let enable = json!({ "name": cluster, "binary": "cinder-volume" });
            if let Err(e) = api.ok(Method::PUT, "/clusters/enable", Some(enable)).await {
                problems.push(format!("{e:#}"));
            }
        }
        for project in of(|r| match r {
            Resource::Quotas(project) => Some(project),
            _ => None,
        }) {
            let path = format!("/os-quota-sets/{project}");
            if let Err(e) = api.ok(Method::DELETE, &path, None).await {
                problems.push(format!("{e:#}"));
            }
        }
        // Before the volumes: one awaiting transfer cannot be deleted. Gone already when the
        // case accepted or deleted it.
        for id in of(|r| match r {
            Resource::Transfer(id) => Some(id),
            _ => None,
        }) {
            let path = format!("/os-volume-transfer/{id}");
            let (code, answer) = api
                .send(Method::DELETE, &path, None)
                .await
                .unwrap_or_default();
            if !accepted(code) && code != 404 {
                problems.push(format!("DELETE {path}: HTTP {code} {answer}"));
            }
        }
        for id in of(|r| match r {
            Resource::Message(id) => Some(id),
            _ => None,
        }) {
            // Messages also expire by themselves; a failure here leaves nothing that matters.
            let _ = api
                .send(Method::DELETE, &format!("/messages/{id}"), None)
                .await;
        }
        let backups = of(|r| match r {
            Resource::Backup(id) => Some(id),
            _ => None,
        });
        // Newest first: an incremental backup goes before the one it depends on.
        for id in backups.iter().rev() {
            if let Err(e) = delete_backup(api, id).await {
                problems.push(format!("{e:#}"));
            }
        }
        let group_snapshots = of(|r| match r {
            Resource::GroupSnapshot(id) => Some(id),
            _ => None,
        });
        let cgsnapshots = of(|r| match r {
            Resource::Cgsnapshot(id) => Some(id),
            _ => None,
        });
        let results = futures::future::join_all(
            group_snapshots
                .iter()
                .map(|id| (GroupRoute::Generic, id))
                .chain(cgsnapshots.iter().map(|id| (GroupRoute::Legacy, id)))
                .map(|(route, id)| delete_group_snapshot(api, route, id)),
        )
        .await;
        problems.extend(
            results
                .into_iter()
                .filter_map(Result::err)
                .map(|e| format!("{e:#}")),
        );
        let snapshots = of(|r| match r {
            Resource::Snapshot(id) => Some(id),
            _ => None,
        });
        let results =
            futures::future::join_all(snapshots.iter().map(|id| delete_snapshot(api, id))).await;
        problems.extend(
            results
                .into_iter()
                .filter_map(Result::err)
                .map(|e| format!("{e:#}")),
        );
        let groups = of(|r| match r {
            Resource::Group(id) => Some(id),
            _ => None,
        });
        let consistencygroups = of(|r| match r {
            Resource::ConsistencyGroup(id) => Some(id),
            _ => None,
        });
        let results = futures::future::join_all(
            groups
                .iter()
                .map(|id| (GroupRoute::Generic, id))
                .chain(consistencygroups.iter().map(|id| (GroupRoute::Legacy, id)))
                .map(|(route, id)| delete_group(api, route, id)),
        )
        .await;
        problems.extend(
            results
                .into_iter()
                .filter_map(Result::err)
                .map(|e| format!("{e:#}")),
        );
        let volumes = of(|r| match r {
            Resource::Volume(id) => Some(id),
            _ => None,
        });
        let results =
            futures::future::join_all(volumes.iter().map(|id| delete_volume(api, id))).await;
        problems.extend(
            results
                .into_iter()
                .filter_map(Result::err)
                .map(|e| format!("{e:#}")),
        );
        // After the volumes: a file that a case managed again was renamed to its new
        // volume's or snapshot's, which went with it.
        let files = crate::cloud::state_dir().join("cinder/file-volumes");
        for name in of(|r| match r {
            Resource::File(name) => Some(name),
            _ => None,
        }) {
            match std::fs::remove_file(files.join(&name)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    problems.push(format!("removing the unmanaged file {name}: {e}"))
                }
                _ => {}
            }
        }
        for id in of(|r| match r {
            Resource::GroupType(id) => Some(id),
            _ => None,
        }) {
            if let Err(e) = delete_group_type(api, &id).await {
                problems.push(format!("{e:#}"));
            }
        }
        // Forced: disassociated from their types first, which can then be deleted.
        for id in of(|r| match r {
            Resource::Qos(id) => Some(id),
            _ => None,
        }) {
            let path = format!("/qos-specs/{id}?force=True");
            let (code, answer) = api
                .send(Method::DELETE, &path, None)
                .await
                .unwrap_or_default();
            if !accepted(code) {
                problems.push(format!("DELETE {path}: HTTP {code} {answer}"));
            }
        }
        for id in of(|r| match r {
            Resource::Type(id) => Some(id),
            _ => None,
        }) {
            if let Err(e) = delete_type(api, &id).await {
                problems.push(format!("{e:#}"));
            }
        }
        problems
    }
}

/// The status of `path`'s `field`, `None` once it is gone.
async fn status(api: &Api, path: &str, field: &str) -> Result<Option<String>> {
    let (code, value) = api.send(Method::GET, path, None).await?;
    Ok((code != 404).then(|| {
        value[field]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }))
}

/// Whether a DELETE (or force-delete) was taken, or found nothing to delete.
fn accepted(status: u16) -> bool {
    matches!(status, 202 | 204 | 404)
}

async fn delete_snapshot(api: &Api, id: &str) -> Result<()> {
    let path = format!("/snapshots/{id}");
    delete_after_reset(api, &path, "snapshot", &path, "os-reset_status").await
}

/// Which routes a group or group snapshot is deleted through: the generic ones refuse those
/// of `default_cgsnapshot_type` (consistency groups and cgsnapshots), the legacy ones take
/// both but cannot reset a status (the generic reset actions take both).
#[derive(Clone, Copy)]
enum GroupRoute {
    Generic,
    Legacy,
}

impl GroupRoute {
    /// The group's path and the key of its JSON there.
    fn group(self, id: &str) -> (String, &'static str) {
        match self {
            GroupRoute::Generic => (format!("/groups/{id}"), "group"),
            GroupRoute::Legacy => (format!("/consistencygroups/{id}"), "consistencygroup"),
        }
    }

    /// The group snapshot's path and the key of its JSON there.
    fn snapshot(self, id: &str) -> (String, &'static str) {
        match self {
            GroupRoute::Generic => (format!("/group_snapshots/{id}"), "group_snapshot"),
            GroupRoute::Legacy => (format!("/cgsnapshots/{id}"), "cgsnapshot"),
        }
    }

    /// The request deleting the group with its volumes.
    fn delete_group(self, path: &str) -> (String, Value) {
        match self {
            GroupRoute::Generic => (
                format!("{path}/action"),
                json!({"delete": {"delete-volumes": true}}),
            ),
            GroupRoute::Legacy => (
                format!("{path}/delete"),
                json!({"consistencygroup": {"force": true}}),
            ),
        }
    }
}

async fn delete_group_snapshot(api: &Api, route: GroupRoute, id: &str) -> Result<()> {
    let (path, key) = route.snapshot(id);
    let (reset_path, _) = GroupRoute::Generic.snapshot(id);
    delete_after_reset(api, &path, key, &reset_path, "reset_status").await
}

/// Waits a while for the `creating` resource at `path` to be made (or fail): a volume or
/// snapshot that `manage` is still taking over gets its back-end file renamed by the driver
/// after the request, so deleting it before that (reset, then delete) would leave the renamed
/// file behind. One still `creating` after [`SETTLE`] is deleted anyway.
async fn settle(api: &Api, path: &str, key: &str) {
    let start = Instant::now();
    while start.elapsed() < SETTLE {
        match status(api, path, key).await {
            Ok(Some(status)) if status == "creating" => tokio::time::sleep(POLL).await,
            _ => return,
        }
    }
}

/// Deletes the resource at `path` (its JSON under `key`); when the delete is refused (a case
/// left it in a state the delete refuses), resets it to `available` with action `reset` of
/// `reset_path` first.
async fn delete_after_reset(
    api: &Api,
    path: &str,
    key: &str,
    reset_path: &str,
    reset: &str,
) -> Result<()> {
    match status(api, path, key).await?.as_deref() {
        None => return Ok(()),
        // The case deleted it: let that finish.
        Some("deleting") => return api.wait_gone(path).await,
        Some("creating") => settle(api, path, key).await,
        Some(_) => {}
    }
    if !accepted(api.send(Method::DELETE, path, None).await?.0) {
        let _ = api
            .action(reset_path, json!({ reset: {"status": "available"} }))
            .await;
        let (code, answer) = api.send(Method::DELETE, path, None).await?;
        if !accepted(code) {
            bail!("DELETE {path}: HTTP {code} {answer}");
        }
    }
    api.wait_gone(path).await
}

async fn delete_backup(api: &Api, id: &str) -> Result<()> {
    let path = format!("/backups/{id}");
    match status(api, &path, "backup").await?.as_deref() {
        None => return Ok(()),
        Some("deleting") => return api.wait_gone(&path).await,
        // Being made or restored: the delete would be refused until it is done.
        Some("creating" | "restoring") => {
            api.wait_status(&path, "backup", &["available", "error"])
                .await?
        }
        Some(_) => {}
    }
    if !accepted(api.send(Method::DELETE, &path, None).await?.0) {
        let (code, answer) = api
            .send(
                Method::POST,
                &format!("{path}/action"),
                Some(&json!({"os-force_delete": {}})),
            )
            .await?;
        if !accepted(code) {
            bail!("force-deleting {path}: HTTP {code} {answer}");
        }
    }
    api.wait_gone(&path).await
}

async fn delete_volume(api: &Api, id: &str) -> Result<()> {
    let path = format!("/volumes/{id}");
    match status(api, &path, "volume").await?.as_deref() {
        None => return Ok(()),
        Some("deleting") => return api.wait_gone(&path).await,
        Some("creating") => settle(api, &path, "volume").await,
        Some(_) => {}
    }
    delete_attachments(api, id).await?;
    let cascade = format!("{path}?cascade=true");
    if !accepted(api.send(Method::DELETE, &cascade, None).await?.0) {
        // Reset by a case (error, attached, migrating...): make it deletable, then force.
        let reset = json!({"os-reset_status": {
            "status": "available", "attach_status": "detached", "migration_status": "none"}});
        let _ = api.action(&path, reset).await;
        if !accepted(api.send(Method::DELETE, &cascade, None).await?.0) {
            let (code, answer) = api
                .send(
                    Method::POST,
                    &format!("{path}/action"),
                    Some(&json!({"os-force_delete": {}})),
                )
                .await?;
            if !accepted(code) {
                bail!("force-deleting {path}: HTTP {code} {answer}");
            }
        }
    }
    api.wait_gone(&path).await
}

/// Deletes the attachments of volume `id` (attachment fixtures, and those attachment-create
/// made): a reserved or attached volume cannot be deleted.
async fn delete_attachments(api: &Api, id: &str) -> Result<()> {
    for attachment in api
        .ids(&format!("/attachments?volume_id={id}"), "attachments")
        .await?
    {
        if let Some(attachment) = attachment["id"].as_str() {
            let path = format!("/attachments/{attachment}");
            // 200: the answer lists the volume's remaining attachments.
            let (code, answer) = api.send(Method::DELETE, &path, None).await?;
            if !accepted(code) && code != 200 {
                bail!("deleting {path}: HTTP {code} {answer}");
            }
        }
    }
    Ok(())
}

/// Deletes a group with its volumes.
async fn delete_group(api: &Api, route: GroupRoute, id: &str) -> Result<()> {
    let (path, key) = route.group(id);
    match status(api, &path, key).await?.as_deref() {
        None => return Ok(()),
        Some("deleting") => return api.wait_gone(&path).await,
        Some(_) => {}
    }
    let (delete_path, delete) = route.delete_group(&path);
    let (code, _) = api.send(Method::POST, &delete_path, Some(&delete)).await?;
    if !accepted(code) {
        // Reset by a case, or a volume of it was: make them deletable.
        let (reset_path, _) = GroupRoute::Generic.group(id);
        let _ = api
            .action(
                &reset_path,
                json!({"reset_status": {"status": "available"}}),
            )
            .await;
        let volumes = api
            .ids(&format!("/volumes/detail?group_id={id}"), "volumes")
            .await?;
        for volume in volumes.iter().filter_map(|v| v["id"].as_str()) {
            let _ = api
                .action(
                    &format!("/volumes/{volume}"),
                    json!({"os-reset_status": {"status": "available", "attach_status": "detached"}}),
                )
                .await;
        }
        let (code, answer) = api.send(Method::POST, &delete_path, Some(&delete)).await?;
        if !accepted(code) {
            bail!("deleting group {path}: HTTP {code} {answer}");
        }
    }
    api.wait_gone(&path).await
}

async fn delete_group_type(api: &Api, id: &str) -> Result<()> {
    let path = format!("/group_types/{id}");
    for _ in 0..5 {
        let (status, _) = api.send(Method::DELETE, &path, None).await?;
        if status == 202 || status == 404 {
            return Ok(());
        }
        // A group being deleted may still use it.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    bail!("group type {id} could not be deleted")
}

async fn delete_type(api: &Api, id: &str) -> Result<()> {
    let path = format!("/types/{id}");
    for _ in 0..5 {
        let (status, _) = api.send(Method::DELETE, &path, None).await?;
        if status == 202 || status == 404 {
            return Ok(());
        }
        // An encryption type keeps its volume type; a volume being deleted may still use it.
        let encryption = api
            .ok(Method::GET, &format!("{path}/encryption"), None)
            .await?;
        if let Some(encryption_id) = encryption["encryption_id"].as_str() {
            let _ = api
                .send(
                    Method::DELETE,
                    &format!("{path}/encryption/{encryption_id}"),
                    None,
                )
                .await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    bail!("volume type {id} could not be deleted")
}

/// Creates `fixtures` in order, named `<prefix>-<key>`; returns `builtins` with the
/// placeholder values added (`key` for the ID, `key.name`, `key.resource`). `builtins`
/// expands placeholders inside fixture fields (metadata values, type access projects).
pub async fn create(
    api: &Api,
    fixtures: &[(String, Fixture)],
    prefix: &str,
    builtins: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<BTreeMap<String, String>> {
    let mut values = builtins.clone();
    for (key, fixture) in fixtures {
        let name = format!("{prefix}-{key}");
        let id = match fixture {
            Fixture::Volume(spec) => volume(api, spec, &name, &values, cleanup).await,
            Fixture::Snapshot(spec) => snapshot(api, spec, &name, &values, cleanup).await,
            Fixture::Backup(spec) => backup(api, spec, &name, &values, cleanup).await,
            Fixture::Attachment(spec) => attachment(api, spec, &values).await,
            Fixture::Type(spec) => volume_type(api, spec, &name, builtins, cleanup).await,
            Fixture::GroupType(spec) => group_type(api, spec, &name, cleanup).await,
            Fixture::Group(spec) => group(api, spec, &name, &values, cleanup).await,
            Fixture::GroupSnapshot(spec) => {
                group_snapshot(api, spec, &name, &values, cleanup).await
            }
            Fixture::ConsistencyGroup(spec) => {
                consistencygroup(api, spec, &name, &values, cleanup).await
            }
            Fixture::Cgsnapshot(spec) => cgsnapshot(api, spec, &name, &values, cleanup).await,
            Fixture::Message(_) => {
                let (message, volume) = message(api, &name, cleanup).await?;
                values.insert(format!("{key}.resource"), volume);
                Ok(message)
            }
            Fixture::Project(spec) => project(api, spec, &values, cleanup).await,
            Fixture::Qos(spec) => qos(api, spec, &name, &values, cleanup).await,
            Fixture::Host(spec) => host(api, spec, cleanup).await,
            Fixture::Cluster(spec) => cluster(api, spec, cleanup).await,
            Fixture::DefaultType(spec) => default_type(api, spec, &values, cleanup).await,
            Fixture::Transfer(spec) => {
                let (id, auth_key) = transfer(api, spec, &name, &values, cleanup).await?;
                values.insert(format!("{key}.auth_key"), auth_key);
                Ok(id)
            }
        }
        .with_context(|| format!("creating fixture {key}"))?;
        if !matches!(
            fixture,
            Fixture::Message(_)
                | Fixture::Project(_)
                | Fixture::Host(_)
                | Fixture::Cluster(_)
                | Fixture::DefaultType(_)
                | Fixture::Attachment(_)
        ) {
            values.insert(format!("{key}.name"), name);
        }
        values.insert(key.clone(), id);
    }
    Ok(values)
}

/// `map` with placeholders in its values expanded.
fn expanded(
    map: &BTreeMap<String, String>,
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    map.iter()
        .map(|(k, v)| Ok((k.clone(), expand(v, values)?)))
        .collect()
}

/// Offers volume fixture `spec.volume` for transfer; its ID and auth key.
async fn transfer(
    api: &Api,
    spec: &TransferFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<(String, String)> {
    let body = json!({"transfer": {
        "volume_id": values[&spec.volume], "name": name, "no_snapshots": spec.no_snapshots,
    }});
    let created = api
        .ok(Method::POST, "/volume-transfers", Some(body))
        .await?;
    let text = |field: &str| {
        created["transfer"][field]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("a created transfer without {field}"))
    };
    let id = text("id")?;
    cleanup.transfer(&id);
    Ok((id, text("auth_key")?))
}

async fn volume(
    api: &Api,
    spec: &VolumeFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name, "size": spec.size});
    if let Some(key) = &spec.volume_type {
        body["volume_type"] = json!(values[key]);
    }
    if let Some(key) = &spec.group {
        body["group_id"] = json!(values[key]);
    }
    if let Some(key) = &spec.consistencygroup {
        body["consistencygroup_id"] = json!(values[key]);
    }
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    if !spec.metadata.is_empty() {
        body["metadata"] = json!(expanded(&spec.metadata, values)?);
    }
    let created = api
        .ok(Method::POST, "/volumes", Some(json!({ "volume": body })))
        .await?;
    let id = created["volume"]["id"]
        .as_str()
        .context("a created volume without id")?
        .to_string();
    cleanup.volume(&id);
    let path = format!("/volumes/{id}");
    api.wait_status(&path, "volume", &["available"]).await?;
    if spec.bootable {
        api.action(&path, json!({"os-set_bootable": {"bootable": true}}))
            .await?;
    }
    if !spec.image_metadata.is_empty() {
        api.action(
            &path,
            json!({"os-set_image_metadata": {"metadata": expanded(&spec.image_metadata, values)?}}),
        )
        .await?;
    }
    if let Some(status) = &spec.status {
        api.action(&path, json!({"os-reset_status": {"status": status}}))
            .await?;
    }
    if spec.unmanaged {
        unmanage(api, &path, cleanup, format!("volume-{id}")).await?;
    }
    Ok(id)
}

/// Unmanages the fixture at `path`; its storage (the back end's file `file`, when it is on the
/// file back end) is removed after the case.
async fn unmanage(api: &Api, path: &str, cleanup: &Cleanup, file: String) -> Result<()> {
    cleanup.file(&file);
    api.action(path, json!({"os-unmanage": {}})).await?;
    api.wait_gone(path).await
}

async fn snapshot(
    api: &Api,
    spec: &SnapshotFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name, "volume_id": values[&spec.volume]});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    if !spec.metadata.is_empty() {
        body["metadata"] = json!(expanded(&spec.metadata, values)?);
    }
    let created = api
        .ok(
            Method::POST,
            "/snapshots",
            Some(json!({ "snapshot": body })),
        )
        .await?;
    let id = created["snapshot"]["id"]
        .as_str()
        .context("a created snapshot without id")?
        .to_string();
    cleanup.snapshot(&id);
    let path = format!("/snapshots/{id}");
    api.wait_status(&path, "snapshot", &["available"]).await?;
    if let Some(status) = &spec.status {
        api.action(&path, json!({"os-reset_status": {"status": status}}))
            .await?;
    }
    if spec.unmanaged {
        let file = format!("volume-{}.snapshot-{id}", values[&spec.volume]);
        unmanage(api, &path, cleanup, file).await?;
    }
    Ok(id)
}

async fn backup(
    api: &Api,
    spec: &BackupFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let body = json!({"name": name, "volume_id": values[&spec.volume]});
    let created = api
        .ok(Method::POST, "/backups", Some(json!({ "backup": body })))
        .await?;
    let id = created["backup"]["id"]
        .as_str()
        .context("a created backup without id")?
        .to_string();
    cleanup.backup(&id);
    let path = format!("/backups/{id}");
    api.wait_status(&path, "backup", &["available"]).await?;
    if let Some(status) = &spec.status {
        api.action(&path, json!({"os-reset_status": {"status": status}}))
            .await?;
        // The backup service applies the reset after the API's answer.
        api.wait_status(&path, "backup", &[status.as_str()]).await?;
    }
    Ok(id)
}

/// The connector of attachment fixtures (the fake back ends accept any).
fn parity_connector() -> Value {
    json!({"initiator": "iqn.2026-12.org.parity:host", "ip": "127.0.0.1", "host": "parity-host",
           "platform": "x86_64", "os_type": "linux2", "multipath": false})
}

async fn attachment(
    api: &Api,
    spec: &AttachmentFixture,
    values: &BTreeMap<String, String>,
) -> Result<String> {
    let mut body = json!({"volume_uuid": values[&spec.volume]});
    if let Some(instance) = &spec.instance {
        body["instance_uuid"] = json!(expand(instance, values)?);
    }
    if spec.connect {
        body["connector"] = parity_connector();
    }
    let created = api
        .ok(
            Method::POST,
            "/attachments",
            Some(json!({ "attachment": body })),
        )
        .await?;
    let id = created["attachment"]["id"]
        .as_str()
        .context("a created attachment without id")?
        .to_string();
    if spec.complete {
        api.ok(
            Method::POST,
            &format!("/attachments/{id}/action"),
            Some(json!({"os-complete": {}})),
        )
        .await?;
    }
    Ok(id)
}

async fn volume_type(
    api: &Api,
    spec: &TypeFixture,
    name: &str,
    builtins: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    if let Some(public) = spec.is_public {
        body["os-volume-type-access:is_public"] = json!(public);
    }
    if !spec.extra_specs.is_empty() {
        body["extra_specs"] = json!(spec.extra_specs);
    }
    let created = api
        .ok(Method::POST, "/types", Some(json!({ "volume_type": body })))
        .await?;
    let id = created["volume_type"]["id"]
        .as_str()
        .context("a created type without id")?
        .to_string();
    cleanup.volume_type(&id);
    let path = format!("/types/{id}");
    if let Some(encryption) = &spec.encryption {
        api.ok(
            Method::POST,
            &format!("{path}/encryption"),
            Some(json!({ "encryption": encryption })),
        )
        .await?;
    }
    for project in &spec.access {
        let project = expand(project, builtins)?;
        api.action(&path, json!({"addProjectAccess": {"project": project}}))
            .await?;
    }
    Ok(id)
}

async fn group_type(
    api: &Api,
    spec: &GroupTypeFixture,
    name: &str,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    if let Some(public) = spec.is_public {
        body["is_public"] = json!(public);
    }
    if !spec.group_specs.is_empty() {
        body["group_specs"] = json!(spec.group_specs);
    }
    let created = api
        .ok(
            Method::POST,
            "/group_types",
            Some(json!({ "group_type": body })),
        )
        .await?;
    let id = created["group_type"]["id"]
        .as_str()
        .context("a created group type without id")?
        .to_string();
    cleanup.group_type(&id);
    Ok(id)
}

async fn group(
    api: &Api,
    spec: &GroupFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let types: Vec<&String> = spec.types.iter().map(|key| &values[key]).collect();
    let mut body = json!({"name": name, "group_type": values[&spec.group_type],
                          "volume_types": types});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    let created = api
        .ok(Method::POST, "/groups", Some(json!({ "group": body })))
        .await?;
    let id = created["group"]["id"]
        .as_str()
        .context("a created group without id")?
        .to_string();
    cleanup.group(&id);
    let path = format!("/groups/{id}");
    api.wait_status(&path, "group", &["available"]).await?;
    if let Some(status) = &spec.status {
        api.action(&path, json!({"reset_status": {"status": status}}))
            .await?;
    }
    Ok(id)
}

/// A consistency group, made and shown on the legacy routes (the generic ones refuse it); its
/// status is reset through the group action, which takes it.
async fn consistencygroup(
    api: &Api,
    spec: &ConsistencyGroupFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let types: Vec<&str> = spec.types.iter().map(|key| values[key].as_str()).collect();
    let mut body = json!({"name": name, "volume_types": types.join(",")});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    let created = api
        .ok(
            Method::POST,
            "/consistencygroups",
            Some(json!({ "consistencygroup": body })),
        )
        .await?;
    let id = created["consistencygroup"]["id"]
        .as_str()
        .context("a created consistency group without id")?
        .to_string();
    cleanup.consistencygroup(&id);
    let (path, key) = GroupRoute::Legacy.group(&id);
    api.wait_status(&path, key, &["available"]).await?;
    if let Some(status) = &spec.status {
        let (reset_path, _) = GroupRoute::Generic.group(&id);
        api.action(&reset_path, json!({"reset_status": {"status": status}}))
            .await?;
    }
    Ok(id)
}

/// A cgsnapshot, made and shown on the legacy routes; reset as a group snapshot.
async fn cgsnapshot(
    api: &Api,
    spec: &CgsnapshotFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name, "consistencygroup_id": values[&spec.consistencygroup]});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    let created = api
        .ok(
            Method::POST,
            "/cgsnapshots",
            Some(json!({ "cgsnapshot": body })),
        )
        .await?;
    let id = created["cgsnapshot"]["id"]
        .as_str()
        .context("a created cgsnapshot without id")?
        .to_string();
    cleanup.cgsnapshot(&id);
    let (path, key) = GroupRoute::Legacy.snapshot(&id);
    api.wait_status(&path, key, &["available"]).await?;
    if let Some(status) = &spec.status {
        let (reset_path, _) = GroupRoute::Generic.snapshot(&id);
        api.action(&reset_path, json!({"reset_status": {"status": status}}))
            .await?;
    }
    Ok(id)
}

async fn group_snapshot(
    api: &Api,
    spec: &GroupSnapshotFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!({"name": name, "group_id": values[&spec.group]});
    if let Some(description) = &spec.description {
        body["description"] = json!(description);
    }
    let created = api
        .ok(
            Method::POST,
            "/group_snapshots",
            Some(json!({ "group_snapshot": body })),
        )
        .await?;
    let id = created["group_snapshot"]["id"]
        .as_str()
        .context("a created group snapshot without id")?
        .to_string();
    cleanup.group_snapshot(&id);
    let path = format!("/group_snapshots/{id}");
    api.wait_status(&path, "group_snapshot", &["available"])
        .await?;
    if let Some(status) = &spec.status {
        api.action(&path, json!({"reset_status": {"status": status}}))
            .await?;
    }
    Ok(id)
}

async fn default_type(
    api: &Api,
    spec: &DefaultTypeFixture,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let project = expand(&spec.project, values)?;
    cleanup.default_type(&project);
    if let Some(key) = &spec.volume_type {
        let set = json!({"default_type": {"volume_type": values[key]}});
        api.ok(Method::PUT, &format!("/default-types/{project}"), Some(set))
            .await?;
    }
    Ok(project)
}
async fn host(api: &Api, spec: &HostFixture, cleanup: &Cleanup) -> Result<String> {
    cleanup.thaw(&spec.host);
    if spec.frozen {
        let freeze = json!({ "host": spec.host });
        api.ok(Method::PUT, "/os-services/freeze", Some(freeze))
            .await?;
    }
    Ok(spec.host.clone())
}
async fn cluster(api: &Api, spec: &ClusterFixture, cleanup: &Cleanup) -> Result<String> {
    cleanup.enable(&spec.cluster);
    if spec.disabled {
        let disable = json!({ "name": spec.cluster, "binary": "cinder-volume" });
        api.ok(Method::PUT, "/clusters/disable", Some(disable))
            .await?;
    }
    Ok(spec.cluster.clone())
}

async fn qos(
    api: &Api,
    spec: &QosFixture,
    name: &str,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let mut body = json!(spec.specs);
    body["name"] = json!(name);
    let created = api
        .ok(
            Method::POST,
            "/qos-specs",
            Some(json!({ "qos_specs": body })),
        )
        .await?;
    let id = created["qos_specs"]["id"]
        .as_str()
        .context("created QoS specs without id")?
        .to_string();
    cleanup.qos(&id);
    if let Some(key) = &spec.associate {
        let path = format!("/qos-specs/{id}/associate?vol_type_id={}", values[key]);
        api.ok(Method::GET, &path, None).await?;
    }
    Ok(id)
}
async fn project(
    api: &Api,
    spec: &ProjectFixture,
    values: &BTreeMap<String, String>,
    cleanup: &Cleanup,
) -> Result<String> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    cleanup.quotas(&id);
    if !spec.quotas.is_empty() {
        let quotas = spec
            .quotas
            .iter()
            .map(|(key, limit)| Ok((expand(key, values)?, json!(limit))))
            .collect::<Result<serde_json::Map<String, Value>>>()?;
        api.ok(
            Method::PUT,
            &format!("/os-quota-sets/{id}"),
            Some(json!({ "quota_set": quotas })),
        )
        .await?;
    }
    Ok(id)
}

/// A volume of a type no back end has fails in the scheduler, which records a user message.
async fn message(api: &Api, name: &str, cleanup: &Cleanup) -> Result<(String, String)> {
    let nowhere = TypeFixture {
        extra_specs: [(
            "volume_backend_name".to_string(),
            "parity-no-such-backend".to_string(),
        )]
        .into(),
        ..TypeFixture::default()
    };
    let type_id = volume_type(
        api,
        &nowhere,
        &format!("{name}-type"),
        &BTreeMap::new(),
        cleanup,
    )
    .await?;
    let created = api
        .ok(
            Method::POST,
            "/volumes",
            Some(
                json!({"volume": {"name": format!("{name}-volume"), "size": 1,
                                   "volume_type": type_id}}),
            ),
        )
        .await?;
    let volume = created["volume"]["id"]
        .as_str()
        .context("a created volume without id")?
        .to_string();
    cleanup.volume(&volume);
    let start = Instant::now();
    loop {
        let messages = api
            .ids(&format!("/messages?resource_uuid={volume}"), "messages")
            .await?;
        if let Some(id) = messages.first().and_then(|m| m["id"].as_str()) {
            cleanup.message(id);
            return Ok((id.to_string(), volume));
        }
        if start.elapsed() > WAIT {
            bail!("no user message about volume {volume} after {WAIT:?}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Registers for cleanup what a command created, read from the server's answer to a
/// successful `POST` (a volume, snapshot or volume type).
pub fn created_by(answer: &str, cleanup: &Cleanup) {
    let Ok(value) = serde_json::from_str::<Value>(answer) else {
        return;
    };
    if let Some(id) = value["volume"]["id"].as_str() {
        cleanup.volume(id);
    }
    if let Some(id) = value["snapshot"]["id"].as_str() {
        cleanup.snapshot(id);
    }
    if let Some(id) = value["backup"]["id"].as_str() {
        cleanup.backup(id);
    }
    // A restore into a new volume answers with that volume's ID.
    if let Some(id) = value["restore"]["volume_id"].as_str() {
        cleanup.volume(id);
    }
    if let Some(id) = value["volume_type"]["id"].as_str() {
        cleanup.volume_type(id);
    }
    if let Some(id) = value["transfer"]["id"].as_str() {
        cleanup.transfer(id);
    }
    if let Some(id) = value["group_type"]["id"].as_str() {
        cleanup.group_type(id);
    }
    if let Some(id) = value["qos_specs"]["id"].as_str() {
        cleanup.qos(id);
    }
    if let Some(id) = value["group"]["id"].as_str() {
        cleanup.group(id);
    }
    if let Some(id) = value["group_snapshot"]["id"].as_str() {
        cleanup.group_snapshot(id);
    }
    // Consistency groups and cgsnapshots are groups and group snapshots of a type the
    // generic routes refuse: deleted through the legacy ones.
    if let Some(id) = value["consistencygroup"]["id"].as_str() {
        cleanup.consistencygroup(id);
    }
    if let Some(id) = value["cgsnapshot"]["id"].as_str() {
        cleanup.cgsnapshot(id);
    }
}

/// Deletes everything in the parity project and every volume and group type named `parity-*`: what an
/// interrupted run left (before a run) or a cleanup missed (after). Only one parity run uses
/// the project at a time (the caller holds the lock). Returns what it deleted (`kind name
/// id`) and the problems.
pub async fn sweep(api: &Api) -> Result<(Vec<String>, Vec<String>)> {
    let cleanup = Cleanup::default();
    let mut found = Vec::new();
    let mut note = |kind: &str, item: &Value| -> Option<String> {
        let id = item["id"].as_str()?.to_string();
        found.push(format!(
            "{kind} {} {id}",
            item["name"].as_str().unwrap_or("(no name)")
        ));
        Some(id)
    };
    // Messages are also what Cinder records about the failures cases provoke on purpose:
    // deleted, not reported.
    for message in api.ids("/messages", "messages").await? {
        if let Some(id) = message["id"].as_str() {
            cleanup.message(id);
        }
    }
    for transfer in api
        .ids("/os-volume-transfer?all_tenants=0", "transfers")
        .await?
    {
        if let Some(id) = note("transfer", &transfer) {
            cleanup.transfer(&id);
        }
    }
    for backup in api.ids("/backups", "backups").await? {
        if let Some(id) = note("backup", &backup) {
            cleanup.backup(&id);
        }
    }
    let group_snapshots = api.ids("/group_snapshots", "group_snapshots").await?;
    for group_snapshot in &group_snapshots {
        if let Some(id) = note("group snapshot", group_snapshot) {
            cleanup.group_snapshot(&id);
        }
    }
    let groups = api.ids("/groups", "groups").await?;
    for group in &groups {
        if let Some(id) = note("group", group) {
            cleanup.group(&id);
        }
    }
    // The legacy lists hold every group and group snapshot; those the generic lists leave
    // out are consistency groups and cgsnapshots.
    let generic: Vec<&Value> = groups
        .iter()
        .chain(&group_snapshots)
        .map(|item| &item["id"])
        .collect();
    for cgsnapshot in api.ids("/cgsnapshots", "cgsnapshots").await? {
        if !generic.contains(&&cgsnapshot["id"]) {
            if let Some(id) = note("cgsnapshot", &cgsnapshot) {
                cleanup.cgsnapshot(&id);
            }
        }
    }
    for group in api.ids("/consistencygroups", "consistencygroups").await? {
        if !generic.contains(&&group["id"]) {
            if let Some(id) = note("consistency group", &group) {
                cleanup.consistencygroup(&id);
            }
        }
    }
    for snapshot in api.ids("/snapshots", "snapshots").await? {
        if let Some(id) = note("snapshot", &snapshot) {
            cleanup.snapshot(&id);
        }
    }
    for volume in api.ids("/volumes", "volumes").await? {
        if let Some(id) = note("volume", &volume) {
            cleanup.volume(&id);
        }
    }
    for volume_type in api.ids("/types?is_public=None", "volume_types").await? {
        let name = volume_type["name"].as_str().unwrap_or_default();
        if name.starts_with(NAME_PREFIX) {
            if let Some(id) = note("volume type", &volume_type) {
                cleanup.volume_type(&id);
            }
        }
    }
    for group_type in api
        .ids("/group_types?is_public=None", "group_types")
        .await?
    {
        let name = group_type["name"].as_str().unwrap_or_default();
        if name.starts_with(NAME_PREFIX) {
            if let Some(id) = note("group type", &group_type) {
                cleanup.group_type(&id);
            }
        }
    }
    for qos in api.ids("/qos-specs", "qos_specs").await? {
        let name = qos["name"].as_str().unwrap_or_default();
        if name.starts_with(NAME_PREFIX) {
            if let Some(id) = note("QoS specs", &qos) {
                cleanup.qos(&id);
            }
        }
    }
    let problems = cleanup.run(api).await;
    Ok((found, problems))
}
