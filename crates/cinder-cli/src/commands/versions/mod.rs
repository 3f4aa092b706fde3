//! The API version family: `api-version` and `version-list`.

use anyhow::Result;
use cinder_client::microversion::{MAX_VERSION, MIN_VERSION};
use cinder_client::Cinder;
use clap::Args;
use serde_json::Value;

use super::Cmd;
use crate::output::{columns, Column, OutputArgs};

/// The server's versions document (`GET <service root>/`), each version as it was sent.
async fn versions(cinder: &Cinder) -> Result<Vec<Value>> {
    let mut document = cinder.versions_json().await?;
    Ok(serde_json::from_value(document["versions"].take()).unwrap_or_default())
}

/// The columns of `api-version`.
fn api_version_columns() -> Vec<Column> {
    columns(&["ID", "Status", "Version", "Min_version"])
}

#[derive(Args, Debug)]
pub struct ApiVersion {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ApiVersion {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, api_version_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let current = versions(cinder).await?.into_iter();
        let rows = current.filter(|v| v.get("status").and_then(Value::as_str) == Some("CURRENT"));
        self.output
            .print_list_sorted_by(&api_version_columns(), Some("id"), rows.collect())?;
        let server = cinder.server_range();
        // Ours, for people: on stderr, where cinderclient prints nothing.
        eprintln!(
            "Using API version {} (server supports {} to {}; client supports 3.{MIN_VERSION} \
             to 3.{MAX_VERSION})",
            cinder.version(),
            server.min,
            server.max
        );
        Ok(())
    }
}

/// The columns of `version-list`.
fn version_list_columns() -> Vec<Column> {
    columns(&["Id", "Status", "Updated", "Min Version", "Version"])
}

#[derive(Args, Debug)]
pub struct VersionList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for VersionList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, version_list_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        // Fetched before anything is printed, so that a failure prints nothing.
        let rows = versions(cinder).await?;
        self.output.note(&format!(
            "Client supported API versions:\nMinimum version 3.{MIN_VERSION}\n\
             Maximum version 3.{MAX_VERSION}\n\nServer supported API versions:"
        ))?;
        self.output
            .print_list_sorted_by(&version_list_columns(), Some("id"), rows)
    }
}
