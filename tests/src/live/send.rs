//! Sends any operation of the spec through the library's connection (token, renewal, retries,
//! the microversion header), with the path and body the live run chose.

use anyhow::{anyhow, Context, Result};
use cinder_client::{ApiVersion, Cinder, Config, VersionRequest};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use serde_json::Value;

use super::ops::Op;

/// A connected cloud and the microversions both sides speak.
pub struct Target {
    pub cinder: Cinder,
    pub cloud: String,
    pub server_min: u16,
    pub server_max: u16,
    pub client_max: u16,
}

/// What the server answered.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// A 2xx, or a 3xx such as the version list's 300 Multiple Choices (the spec declares
    /// which; a 3xx it does not declare fails validation).
    pub fn is_success(&self) -> bool {
        (200..400).contains(&self.status)
    }
}

impl Target {
    /// Connects to `cloud` of clouds.yaml (for `local` without `OS_CLIENT_CONFIG_FILE`, the
    /// local cloud's file) at the highest version both sides speak.
    pub async fn connect(cloud: &str, client_max: u16) -> Result<Target> {
        if cloud == "local" && std::env::var_os("OS_CLIENT_CONFIG_FILE").is_none() {
            let file = crate::cloud::state_dir().join("clouds.yaml");
            // Set before any thread reads the environment.
            unsafe { std::env::set_var("OS_CLIENT_CONFIG_FILE", file) };
        }
        let mut config =
            Config::from_cloud(cloud).with_context(|| format!("reading cloud {cloud}"))?;
        config.api_version = VersionRequest::Latest;
        let cinder = Cinder::connect(config)
            .await
            .with_context(|| format!("connecting to cloud {cloud}"))?;
        let server = cinder.server_range();
        Ok(Target {
            cinder,
            cloud: cloud.to_string(),
            server_min: server.min.0,
            server_max: server.max.0,
            client_max,
        })
    }

    /// The versions the run may use: the server's range, capped by the spec's maximum.
    pub fn common_max(&self) -> u16 {
        self.server_max.min(self.client_max)
    }

    /// Sends `op` at `3.version` to `path` (its parameters filled in) with `body`. A version
    /// above the spec's maximum (a newer server, for drift) is sent as is.
    pub async fn send(
        &self,
        op: &Op,
        version: u16,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer> {
        let at = ApiVersion(version.min(self.cinder.version().0));
        let client = self.cinder.at_version(at)?;
        let raw = if op.at_root {
            client.root_raw()
        } else {
            client.raw()
        };
        let method = reqwest::Method::from_bytes(op.method.to_uppercase().as_bytes())?;
        let url = format!("{}{}", raw.baseurl().trim_end_matches('/'), path);
        let mut builder = raw
            .client()
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: op.id,
        };
        raw.pre::<()>(&mut request, &info)
            .await
            .map_err(|e| anyhow!("{}: {e}", op.id))?;
        if version > at.0 {
            request.headers_mut().insert(
                "openstack-api-version",
                reqwest::header::HeaderValue::from_str(&format!("volume 3.{version}"))?,
            );
        }
        let response = raw
            .exec(request, &info)
            .await
            .with_context(|| format!("{} {path}", op.method.to_uppercase()))?;
        let status = response.status().as_u16();
        let body = response.bytes().await?.to_vec();
        Ok(Answer { status, body })
    }
}
