//! The group replication commands (API 3.38 and later): `group-enable-replication`,
//! `group-disable-replication`, `group-failover-replication` and
//! `group-list-replication-targets`. Cinder refuses them (400, with its reason) for a group
//! whose type or back end does not replicate; that refusal is the command's error.

use anyhow::{bail, Result};
use cinder_client::resources::Groups;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::super::shared::body;
use super::super::shared::find::find_id;
use super::super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, OutputArgs};
use crate::values;

/// The group named on the command line, once the version allows the command.
async fn group_id(cinder: &Cinder, command: &'static str, group: &str) -> Result<String> {
    require(cinder, &gates::GROUP_REPLICATION.named(command))?;
    find_id::<Groups>(cinder, group).await
}

/// The replication targets of group `id`, as the server sent them.
async fn targets(cinder: &Cinder, id: &str) -> Result<Vec<Value>> {
    let answer = cinder
        .raw()
        .group_list_replication_targets(id)
        .run_json()
        .await?;
    Ok(answer.json()["replication_targets"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

#[derive(Args, Debug)]
pub struct GroupEnableReplication {
    /// Name or ID of the group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
}

impl Cmd for GroupEnableReplication {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = group_id(cinder, "group-enable-replication", &self.group).await?;
        cinder.raw().group_enable_replication(&id).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupDisableReplication {
    /// Name or ID of the group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
}

impl Cmd for GroupDisableReplication {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = group_id(cinder, "group-disable-replication", &self.group).await?;
        cinder.raw().group_disable_replication(&id).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupFailoverReplication {
    /// Allows or disallows group with attached volumes to be failed over.
    #[arg(long = "allow-attached-volume", alias = "allow_attached_volume")]
    pub allow_attached_volume: bool,
    /// Secondary backend id. Default=None.
    #[arg(
        long = "secondary-backend-id",
        alias = "secondary_backend_id",
        value_name = "secondary_backend_id"
    )]
    pub secondary_backend_id: Option<String>,
    /// Name or ID of the group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
}

impl Cmd for GroupFailoverReplication {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = group_id(cinder, "group-failover-replication", &self.group).await?;
        if let Some(wanted) = &self.secondary_backend_id {
            // A target the group does not have is named before anything changes, with the
            // ones it has.
            let known: Vec<String> = targets(cinder, &id)
                .await?
                .iter()
                .filter_map(|t| t["backend_id"].as_str().map(str::to_string))
                .collect();
            if !known.contains(wanted) {
                let accepted = if known.is_empty() {
                    "the group has no replication targets".to_string()
                } else {
                    format!("its targets are: {}", known.join(", "))
                };
                bail!(
                    "Unknown replication target {wanted:?} for group {}: {accepted}.",
                    self.group
                );
            }
        }
        let failover = json!({
            "allow_attached_volume": self.allow_attached_volume,
            "secondary_backend_id": self.secondary_backend_id,
        });
        cinder
            .raw()
            .group_failover_replication(&id, body(failover)?)
            .run()
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupListReplicationTargets {
    /// Name or ID of the group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupListReplicationTargets {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = group_id(cinder, "group-list-replication-targets", &self.group).await?;
        let targets = targets(cinder, &id).await?;
        // cinderclient prints nothing for no targets, else a table of the first one's keys.
        let Some(Value::Object(first)) = targets.first() else {
            return Ok(());
        };
        let headers: Vec<&str> = first.keys().map(String::as_str).collect();
        let first_key = headers.first().copied();
        self.output
            .print_list_sorted_by(&columns(&headers), first_key, targets.clone())
    }
}
