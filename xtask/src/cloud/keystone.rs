//! Keystone: one-time `keystone-manage` steps, then users, projects, roles and the catalog
//! through Keystone's REST API (no python-openstackclient needed).
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::http;
use super::paths::Layout;
use super::process::run_logged;
use super::services::clean_env;
use super::sqlite;
use super::state::{Secrets, State};

const STEP_DB_SYNC: &str = "keystone-db-sync";
const STEP_BOOTSTRAP: &str = "keystone-bootstrap";
const STEP_RESOURCES: &str = "keystone-resources";
pub const REGION: &str = "RegionOne";

/// `db_sync`, `fernet_setup`, `credential_setup`, `bootstrap`: each skipped when already done.
pub fn prepare(layout: &Layout, state: &State, secrets: &Secrets) -> Result<()> {
    if !layout.keystone_db().exists() {
        layout.forget(&[STEP_DB_SYNC, STEP_BOOTSTRAP, STEP_RESOURCES]);
    }
    if !layout.is_done(STEP_DB_SYNC) {
        println!("[cloud] keystone: creating database...");
        manage(layout, &["db_sync"], &[])?;
        sqlite::enable_wal(
            layout,
            &layout.keystone_db(),
            &layout.log("keystone-manage"),
        )?;
        layout.mark_done(STEP_DB_SYNC)?;
    }
    let (user, group) = current_user_and_group()?;
    let owner = [
        "--keystone-user",
        user.as_str(),
        "--keystone-group",
        group.as_str(),
    ];
    for (dir, command) in [
        ("fernet-keys", "fernet_setup"),
        ("credential-keys", "credential_setup"),
    ] {
        if !layout.keystone_dir().join(dir).join("0").exists() {
            let mut args = vec![command];
            args.extend(owner);
            manage(layout, &args, &[])?;
        }
    }
    if !layout.is_done(STEP_BOOTSTRAP) {
        println!("[cloud] keystone: bootstrapping admin user and identity endpoints...");
        let url = format!("{}/", state.keystone_url());
        // The password goes through the environment, not argv (visible in `ps`).
        let env = [
            ("OS_BOOTSTRAP_PASSWORD", secrets.admin_password.as_str()),
            ("OS_BOOTSTRAP_USERNAME", "admin"),
            ("OS_BOOTSTRAP_PROJECT_NAME", "admin"),
            ("OS_BOOTSTRAP_ROLE_NAME", "admin"),
            ("OS_BOOTSTRAP_SERVICE_NAME", "keystone"),
            ("OS_BOOTSTRAP_REGION_ID", REGION),
            ("OS_BOOTSTRAP_ADMIN_URL", url.as_str()),
            ("OS_BOOTSTRAP_INTERNAL_URL", url.as_str()),
            ("OS_BOOTSTRAP_PUBLIC_URL", url.as_str()),
        ];
        manage(layout, &["bootstrap"], &env)?;
        layout.mark_done(STEP_BOOTSTRAP)?;
    }
    Ok(())
}

fn manage(layout: &Layout, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    let mut cmd = Command::new(layout.venv_bin("keystone-manage"));
    clean_env(&mut cmd, layout);
    cmd.arg("--config-file")
        .arg(layout.keystone_conf())
        .args(args)
        .envs(env.iter().copied())
        .current_dir(layout.keystone_dir());
    // `args` never holds a secret, so naming them in errors is fine.
    let what = format!("keystone-manage {}", args.join(" "));
    run_logged(&mut cmd, &layout.log("keystone-manage"), &what)
}

fn current_user_and_group() -> Result<(String, String)> {
    let id = |flag: &str| -> Result<String> {
        let out = Command::new("id")
            .arg(flag)
            .output()
            .context("running id")?;
        if !out.status.success() {
            bail!("`id {flag}` failed");
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    Ok((id("-un")?, id("-gn")?))
}

/// An authenticated session with a project-scoped token. The token is never printed.
pub struct Session {
    base: String,
    token: String,
    pub project_id: String,
}

/// Password authentication scoped to a project of the Default domain.
pub fn login(state: &State, user: &str, password: &str, project: &str) -> Result<Session> {
    let base = state.keystone_url();
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}
    }});
    let url = format!("{base}/auth/tokens");
    let response = http::post(&url).json(&body).send()?;
    if response.status != 201 {
        bail!(
            "Keystone refused password authentication of user {user:?} in project {project:?}: \
             HTTP {} {}",
            response.status,
            response.excerpt()
        );
    }
    let token = response
        .header("x-subject-token")
        .context("Keystone issued no X-Subject-Token")?
        .to_string();
    let project_id = response.json()?["token"]["project"]["id"]
        .as_str()
        .context("token has no project id")?
        .to_string();
    Ok(Session {
        base,
        token,
        project_id,
    })
}

/// The admin user logged in to `project`, after creating the project and granting the admin
/// user the admin role in it if needed: a corner of the cloud of its own for one tool, whose
/// lists hold only what that tool made.
pub fn admin_in_project(state: &State, password: &str, project: &str) -> Result<Session> {
    let admin =
        login(state, "admin", password, "admin").context("logging in as the cloud's admin")?;
    let project_id = admin.ensure_project(project)?;
    let user = admin
        .find("users", "name=admin&domain_id=default")?
        .context("the cloud has no admin user")?;
    let role = admin.ensure_role("admin")?;
    admin.grant(&project_id, &user, &role)?;
    login(state, "admin", password, project)
        .with_context(|| format!("logging in to project {project}"))
}

impl Session {
    pub fn token(&self) -> &str {
        &self.token
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{path}", self.base);
        let mut request = http::Request::new(method, &url)
            .header("X-Auth-Token", &self.token)
            .timeout(Duration::from_secs(60));
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send()?;
        if !response.is_success() {
            bail!(
                "{method} {url}: HTTP {} {}",
                response.status,
                response.excerpt()
            );
        }
        if response.body.is_empty() {
            Ok(Value::Null)
        } else {
            response.json()
        }
    }

    /// Id of the only element of `collection` matching `query`, if any.
    pub(crate) fn find(&self, collection: &str, query: &str) -> Result<Option<String>> {
        let list = self.call("GET", &format!("/{collection}?{query}"), None)?;
        Ok(list[collection]
            .as_array()
            .and_then(|items| items.first())
            .and_then(|item| item["id"].as_str())
            .map(str::to_string))
    }

    fn create(&self, collection: &str, key: &str, body: Value) -> Result<String> {
        let created = self.call(
            "POST",
            &format!("/{collection}"),
            Some(json!({ key: body })),
        )?;
        created[key]["id"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("created {key} has no id"))
    }

    pub(crate) fn ensure_project(&self, name: &str) -> Result<String> {
        match self.find("projects", &format!("name={name}&domain_id=default"))? {
            Some(id) => Ok(id),
            None => self.create(
                "projects",
                "project",
                json!({"name": name, "domain_id": "default", "enabled": true}),
            ),
        }
    }

    fn ensure_user(&self, name: &str, password: &str, project_id: &str) -> Result<String> {
        match self.find("users", &format!("name={name}&domain_id=default"))? {
            Some(id) => Ok(id),
            None => self.create(
                "users",
                "user",
                json!({"name": name, "domain_id": "default", "password": password,
                       "default_project_id": project_id, "enabled": true}),
            ),
        }
    }

    pub(crate) fn ensure_role(&self, name: &str) -> Result<String> {
        match self.find("roles", &format!("name={name}"))? {
            Some(id) => Ok(id),
            None => self.create("roles", "role", json!({ "name": name })),
        }
    }

    /// Idempotent (`PUT`).
    pub(crate) fn grant(&self, project_id: &str, user_id: &str, role_id: &str) -> Result<()> {
        self.call(
            "PUT",
            &format!("/projects/{project_id}/users/{user_id}/roles/{role_id}"),
            None,
        )?;
        Ok(())
    }

    fn ensure_service(&self, kind: &str, name: &str) -> Result<String> {
        match self.find("services", &format!("type={kind}"))? {
            Some(id) => Ok(id),
            None => self.create(
                "services",
                "service",
                json!({"type": kind, "name": name, "enabled": true,
                       "description": "Cinder block storage"}),
            ),
        }
    }

    /// public, internal and admin endpoints in RegionOne, all with `url`.
    fn ensure_endpoints(&self, service_id: &str, url: &str) -> Result<()> {
        let list = self.call("GET", &format!("/endpoints?service_id={service_id}"), None)?;
        let existing = list["endpoints"].as_array().cloned().unwrap_or_default();
        for interface in ["public", "internal", "admin"] {
            let found = existing
                .iter()
                .find(|e| e["interface"] == interface && e["region_id"] == REGION);
            match found {
                Some(e) if e["url"] == url => {}
                Some(e) => {
                    let id = e["id"].as_str().context("endpoint without id")?;
                    self.call(
                        "PATCH",
                        &format!("/endpoints/{id}"),
                        Some(json!({"endpoint": {"url": url}})),
                    )?;
                }
                None => {
                    self.create(
                        "endpoints",
                        "endpoint",
                        json!({"service_id": service_id, "interface": interface,
                               "region_id": REGION, "url": url, "enabled": true}),
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Projects `service` and `demo`, users `cinder` (admin + service in `service`) and `demo`
/// (member + reader in `demo`), and the block-storage catalog (types `block-storage` and
/// `volumev3`). Every step checks for existing objects first.
pub fn ensure_resources(layout: &Layout, state: &State, secrets: &Secrets) -> Result<()> {
    if layout.is_done(STEP_RESOURCES) {
        return Ok(());
    }
    println!("[cloud] keystone: creating service/demo projects, users, roles and catalog...");
    let admin = login(state, "admin", &secrets.admin_password, "admin")?;

    let service_project = admin.ensure_project("service")?;
    let demo_project = admin.ensure_project("demo")?;
    let cinder = admin.ensure_user("cinder", &secrets.cinder_password, &service_project)?;
    let demo = admin.ensure_user("demo", &secrets.demo_password, &demo_project)?;
    for role in ["admin", "service"] {
        let role = admin.ensure_role(role)?;
        admin.grant(&service_project, &cinder, &role)?;
    }
    for role in ["member", "reader"] {
        let role = admin.ensure_role(role)?;
        admin.grant(&demo_project, &demo, &role)?;
    }
    let url = format!("{}/v3/%(project_id)s", state.cinder_url());
    for (kind, name) in [("block-storage", "cinder"), ("volumev3", "cinderv3")] {
        let service = admin.ensure_service(kind, name)?;
        admin.ensure_endpoints(&service, &url)?;
    }
    layout.mark_done(STEP_RESOURCES)
}
