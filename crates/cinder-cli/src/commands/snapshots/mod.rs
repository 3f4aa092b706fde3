//! The snapshot family: `snapshot-create`, `-delete`, `-list`, `-show`, `-rename`,
//! `-reset-state` and snapshot metadata.

use anyhow::{bail, Result};
use cinder_client::resources::{Snapshots, Volumes};
use cinder_client::{types, ApiVersion, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::shared::each::{AtOnce, Reporting};
use super::shared::find::find_id;
use super::shared::list::{self, AllTenants, ListFilters, Query};
use super::shared::metadata::{self, Action};
use super::shared::show::show;
use super::shared::update::{check_rename, update};
use super::shared::{body, without_nulls};
use super::Cmd;
use crate::commands::shared::wait::WaitArgs;
use crate::gates::{self};
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs, Shape};
use crate::values::{self, parse_bool};

#[derive(Args, Debug)]
pub struct SnapshotCreate {
    /// Allows or disallows snapshot of a volume when the volume is attached to an instance.
    #[arg(long, value_name = "True|False", num_args = 0..=1, default_missing_value = "true",
          value_parser = parse_bool)]
    pub force: Option<bool>,
    /// Snapshot name.
    #[arg(long, aliases = ["display-name", "display_name"], value_name = "name")]
    pub name: Option<String>,
    /// Snapshot description.
    #[arg(long, aliases = ["display-description", "display_description"],
          value_name = "description")]
    pub description: Option<String>,
    /// Snapshot metadata key and value pairs.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    /// Name or ID of volume to snapshot.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for SnapshotCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let metadata = self.metadata.as_deref().map(kv::parse).transpose()?;
        let volume_id = find_id::<Volumes>(cinder, &self.volume).await?;
        // As cinderclient: `false` until the flag is gone (3.66), then a true one left out and
        // a false one refused.
        let force = if gates::has(cinder.version(), &gates::SNAPSHOT_FORCE) {
            Some(self.force.unwrap_or(false))
        } else if self.force == Some(false) {
            let last = gates::SNAPSHOT_FORCE.max;
            bail!("'force' argument is not allowed after microversion 3.{last}.");
        } else {
            None
        };
        let snapshot = without_nulls(json!({
            "volume_id": volume_id,
            "force": force,
            "name": self.name,
            "description": self.description,
            "metadata": metadata,
        }));
        let request: types::SnapshotCreateRequest = body(json!({ "snapshot": snapshot }))?;
        let answer = cinder
            .raw()
            .create_snapshot()
            .body(request)
            .run_json()
            .await?;
        let created = answer.into_json()["snapshot"].take();
        let created = self
            .wait
            .then::<Snapshots>(cinder, created, &["available"])
            .await?;
        self.output.print_object(&created)
    }
}

#[derive(Args, Debug)]
pub struct SnapshotDelete {
    /// Allows deleting snapshot of a volume when its status is other than "available" or
    /// "error". Default=False.
    #[arg(long)]
    pub force: bool,
    /// Name or ID of the snapshot(s) to delete.
    #[arg(value_name = "snapshot", required = true, value_parser = values::name_or_id)]
    pub snapshots: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for SnapshotDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let names = &self.snapshots;
        AtOnce::ONE_BY_ONE
            .for_each_found::<Snapshots, _, _>(
                cinder,
                names,
                &Reporting::deleting(
                    "snapshot",
                    "Unable to delete any of the specified snapshots.",
                ),
                |id, _| async move {
                    if self.force {
                        cinder.raw().snapshot_force_delete(&id).run().await?;
                    } else {
                        cinder
                            .raw()
                            .delete_snapshot()
                            .snapshot_id(&id)
                            .run()
                            .await?;
                    }
                    self.wait.until_deleted::<Snapshots>(cinder, &id).await
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct SnapshotList {
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Filters results by a name.
    #[arg(long, aliases = ["display-name", "display_name"], value_name = "name")]
    pub name: Option<String>,
    /// Filters results by a status.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by a volume ID.
    #[arg(long = "volume-id", alias = "volume_id", value_name = "volume-id")]
    pub volume_id: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Display information from single tenant (Admin only).
    // cinderclient takes `--tenant` without a value too, and then lists as without it.
    #[arg(long, value_name = "tenant", num_args = 0..=1)]
    pub tenant: Option<String>,
    /// Filters results by a metadata key and value pair (API 3.22 and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    #[command(flatten)]
    pub filters: ListFilters,
    /// Show total number of snapshot entities (API 3.45 and later).
    #[arg(long = "with-count", value_name = "True|False", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub with_count: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl SnapshotList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let all_tenants = self.tenants.given() || self.tenant.is_some();
        let metadata = self
            .metadata
            .as_deref()
            .map(kv::python_dict_from)
            .transpose()?;
        // cinderclient's RESOURCE_FILTERS["snapshot-list"] are the `option`s.
        Query::default()
            .set("all_tenants", all_tenants.then_some(true))
            .option("name", self.name.as_ref())
            .option("status", self.status.as_ref())
            .option("volume_id", self.volume_id.as_ref())
            .option("metadata", metadata)
            .needs(self.metadata.is_some(), &gates::SNAPSHOT_LIST_METADATA)
            .set("project_id", self.tenant.as_ref())
            .set("with_count", self.with_count)
            .needs(self.with_count.is_some(), &gates::SNAPSHOT_LIST_WITH_COUNT)
            .list_filters(&self.filters.pairs)
    }

    /// The columns at `version` (cinderclient's snapshot-list has no tenant column, even for
    /// all tenants).
    fn columns_at(&self, version: ApiVersion) -> Vec<Column> {
        let mut headers = vec!["ID", "Volume ID", "Status", "Name", "Size"];
        if gates::has(version, &gates::SNAPSHOT_CONSUMES_QUOTA) {
            headers.push("Consumes Quota");
        }
        if gates::has(version, &gates::SNAPSHOT_USER_ID) {
            headers.push("User ID");
        }
        columns(&headers)
    }
}

impl Cmd for SnapshotList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, self.columns_at(ApiVersion::CLIENT_MAX)))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = self.columns_at(cinder.version());
        let row = std::convert::identity;
        list::print_counted::<Snapshots>(
            cinder,
            "Snapshot",
            self.query()?,
            &self.page,
            &self.output,
            &columns,
            row,
        )
        .await
    }
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Name or ID of the snapshot.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct SnapshotShow {
    #[command(flatten)]
    pub args: SnapshotArgs,
}

impl Cmd for SnapshotShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (snapshot, output) = (&self.args.snapshot, &self.args.output);
        show::<Snapshots>(
            cinder,
            snapshot,
            output,
            Shape::PLAIN,
            std::convert::identity,
        )
        .await
    }
}

#[derive(Args, Debug)]
pub struct SnapshotRename {
    /// Snapshot description.
    #[arg(long, aliases = ["display-description", "display_description"],
          value_name = "description")]
    pub description: Option<String>,
    /// Name or ID of snapshot.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    /// New name for snapshot.
    #[arg(value_name = "name")]
    pub name: Option<String>,
}

impl Cmd for SnapshotRename {
    fn check(&self) -> Result<()> {
        check_rename(&self.name, &self.description)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let fields = json!({ "name": self.name, "description": self.description });
        update::<Snapshots>(cinder, &self.snapshot, fields).await?;
        println!(
            "Request to rename snapshot '{}' has been accepted.",
            self.snapshot
        );
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct SnapshotResetState {
    /// The state to assign to the snapshot. Default=available.
    #[arg(long, default_value = "available", value_name = "state")]
    pub state: String,
    /// Name or ID of snapshot to modify.
    #[arg(value_name = "snapshot", required = true, value_parser = values::name_or_id)]
    pub snapshots: Vec<String>,
}

impl Cmd for SnapshotResetState {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let state = json!({ "status": self.state });
        let names = &self.snapshots;
        // cinderclient's way here: the line about a failure only when several were named; one
        // that fails fails with that line.
        let reset = Reporting {
            action: "Reset state",
            kind: "snapshot".into(),
            text_first: false,
            line_for_one: false,
            all_failed: "Unable to reset the state for any of the specified snapshots.".into(),
            one_failed_is_its_line: true,
        };
        AtOnce::ONE_BY_ONE
            .for_each_found::<Snapshots, _, _>(cinder, names, &reset, |id, _| {
                let state = state.clone();
                async move {
                    Ok(cinder
                        .raw()
                        .snapshot_reset_status(&id, body(state)?)
                        .run()
                        .await?)
                }
            })
            .await
    }
}

#[derive(Args, Debug)]
pub struct SnapshotMetadata {
    /// ID of snapshot for which to update metadata.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: Action,
    /// Metadata key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for SnapshotMetadata {
    fn check(&self) -> Result<()> {
        self.action.change(&self.metadata).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let target = &self.snapshot;
        let set = metadata::apply::<Snapshots>(cinder, target, self.action, &self.metadata).await?;
        // As cinderclient: the metadata after `set`, nothing after `unset`.
        match set {
            Some(metadata) => self.output.print_object(&metadata),
            None => Ok(()),
        }
    }
}

#[derive(Args, Debug)]
pub struct SnapshotMetadataShow {
    #[command(flatten)]
    pub args: SnapshotArgs,
}

impl Cmd for SnapshotMetadataShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        metadata::show::<Snapshots>(cinder, &self.args.snapshot, &self.args.output).await
    }
}

#[derive(Args, Debug)]
pub struct SnapshotMetadataUpdateAll {
    /// ID of snapshot for which to update metadata.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    /// Metadata key and value pair or pairs to update.
    #[arg(value_name = "key=value", required = true, value_parser = values::key_value)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for SnapshotMetadataUpdateAll {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let pairs = kv::parse(&self.metadata)?;
        let id = find_id::<Snapshots>(cinder, &self.snapshot).await?;
        let request: types::SnapshotMetadataRequest = body(json!({ "metadata": pairs }))?;
        let request = cinder
            .raw()
            .replace_snapshot_metadata()
            .snapshot_id(id)
            .body(request);
        // As cinderclient: the answer itself, `metadata` and all.
        let answer = request.run_json().await?.into_json();
        self.output.print_object(&answer)
    }
}
