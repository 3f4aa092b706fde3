//! The manage family: `manage` and `snapshot-manage` (take existing back-end storage under
//! Cinder's management), `unmanage` and `snapshot-unmanage` (give it back), and
//! `manageable-list` and `snapshot-manageable-list` (what a back end holds that Cinder could
//! manage, 3.8+), as python-cinderclient 9.10 has them (`cinderclient/v3/shell.py` `do_manage`,
//! `do_manageable_list`, `do_snapshot_manageable_list`; `shell_base.py` `do_unmanage`,
//! `do_snapshot_manage`, `do_snapshot_unmanage`).

use anyhow::{bail, Result};
use cinder_client::manage::{Backend, Reference};
use cinder_client::resources::{Snapshots, Volumes};
use cinder_client::{with_query, Cinder, Run};
use clap::{ArgGroup, Args};
use serde_json::Value;

use super::shared::find::{find_id, id_of};
use super::shared::list::Query;
use super::shared::show::without_links;
use super::Cmd;
use crate::gates::{self, require, Needs};
use crate::kv;
use crate::output::{columns, Column, OutputArgs};
use crate::values::{self, parse_bool};

/// `{<id-type>: <identifier>}`, the `ref` cinderclient sends.
fn reference(id_type: &str, identifier: &str) -> Reference {
    let mut reference = Reference::new();
    reference.insert(id_type.to_string(), Value::from(identifier));
    reference
}

#[derive(Args, Debug)]
pub struct Manage {
    /// Cinder host on which the existing volume resides; takes the form:
    /// host@backend-name#pool
    #[arg(value_name = "host")]
    pub host: String,
    /// Cinder cluster on which the existing volume resides; takes the form:
    /// cluster@backend-name#pool (API 3.16 and later)
    #[arg(long, value_name = "CLUSTER")]
    pub cluster: Option<String>,
    /// Name or other Identifier for existing volume
    #[arg(value_name = "identifier")]
    pub identifier: String,
    /// Type of backend device identifier provided, typically source-name or source-id
    /// (Default=source-name)
    #[arg(
        long = "id-type",
        value_name = "id-type",
        default_value = "source-name"
    )]
    pub id_type: String,
    /// Volume name (Default=None)
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Volume description (Default=None)
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Volume type (Default=None)
    #[arg(long = "volume-type", value_name = "volume-type")]
    pub volume_type: Option<String>,
    /// Availability zone for volume (Default=None)
    #[arg(long = "availability-zone", value_name = "availability-zone")]
    pub availability_zone: Option<String>,
    /// Metadata key=value pairs (Default=None)
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    /// Specifies that the newly created volume should be marked as bootable
    #[arg(long)]
    pub bootable: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for Manage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        if self.cluster.is_some() {
            require(cinder, &gates::MANAGE_CLUSTER)?;
        }
        let metadata = self.metadata.as_deref().map(kv::parse).transpose()?;
        // As cinderclient: the positional host is always sent, and --cluster beside it (Cinder
        // then answers that only one of them may be set).
        let cluster = self.cluster;
        let created = cinder
            .manageable()
            .manage_volume_json(
                Backend::Host(self.host),
                reference(&self.id_type, &self.identifier),
                |mut volume| {
                    if let Some(cluster) = cluster {
                        volume = volume.cluster(cluster);
                    }
                    if let Some(name) = self.name {
                        volume = volume.name(name);
                    }
                    if let Some(description) = self.description {
                        volume = volume.description(description);
                    }
                    if let Some(volume_type) = self.volume_type {
                        volume = volume.volume_type(volume_type);
                    }
                    if let Some(zone) = self.availability_zone {
                        volume = volume.availability_zone(zone);
                    }
                    if let Some(metadata) = metadata {
                        volume = volume.metadata(metadata);
                    }
                    volume.bootable(self.bootable)
                },
            )
            .await?;
        // cinderclient prints the volume read again (`cs.volumes.get`), without its links.
        let shown = cinder.volumes().show_json(&id_of(&created)?).await?;
        self.output.print_object(&without_links(shown))
    }
}

#[derive(Args, Debug)]
pub struct Unmanage {
    /// Name or ID of the volume to unmanage.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
}

impl Cmd for Unmanage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Volumes>(cinder, &self.volume).await?;
        Ok(cinder.manageable().unmanage_volume(&id).await?)
    }
}

#[derive(Args, Debug)]
pub struct SnapshotManage {
    /// Cinder volume that already exists in the volume backend.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// Name or other identifier for existing snapshot. This is backend specific.
    #[arg(value_name = "identifier")]
    pub identifier: String,
    /// Type of backend device identifier provided, typically source-name or source-id
    /// (Default=source-name).
    #[arg(
        long = "id-type",
        value_name = "id-type",
        default_value = "source-name"
    )]
    pub id_type: String,
    /// Snapshot name (Default=None).
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Snapshot description (Default=None).
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Metadata key=value pairs (Default=None).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for SnapshotManage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let metadata = self.metadata.as_deref().map(kv::parse).transpose()?;
        let volume_id = find_id::<Volumes>(cinder, &self.volume).await?;
        let created = cinder
            .manageable()
            .manage_snapshot_json(
                &volume_id,
                reference(&self.id_type, &self.identifier),
                |mut snapshot| {
                    if let Some(name) = self.name {
                        snapshot = snapshot.name(name);
                    }
                    if let Some(description) = self.description {
                        snapshot = snapshot.description(description);
                    }
                    if let Some(metadata) = metadata {
                        snapshot = snapshot.metadata(metadata);
                    }
                    snapshot
                },
            )
            .await?;
        // cinderclient prints the snapshot read again (`cs.volume_snapshots.get`), without
        // its links.
        let shown = cinder.snapshots().show_json(&id_of(&created)?).await?;
        self.output.print_object(&without_links(shown))
    }
}

#[derive(Args, Debug)]
pub struct SnapshotUnmanage {
    /// Name or ID of the snapshot to unmanage.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
}

impl Cmd for SnapshotUnmanage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Snapshots>(cinder, &self.snapshot).await?;
        Ok(cinder.manageable().unmanage_snapshot(&id).await?)
    }
}

/// The options of `manageable-list` and `snapshot-manageable-list` (the same in cinderclient
/// but for the help's nouns).
#[derive(Args, Debug)]
#[command(group(ArgGroup::new("source").required(true).multiple(false)))]
pub struct ManageableArgs {
    /// Cinder host on which to list manageable volumes; takes the form:
    /// host@backend-name#pool
    #[arg(value_name = "host", group = "source")]
    pub host: Option<String>,
    /// Cinder cluster on which to list manageable volumes; takes the form:
    /// cluster@backend-name#pool (API 3.17 and later)
    #[arg(long, value_name = "CLUSTER", group = "source")]
    pub cluster: Option<String>,
    /// Returned detailed information (default true).
    #[arg(long, value_name = "detailed", default_value = "True", value_parser = parse_bool,
          action = clap::ArgAction::Set)]
    pub detailed: bool,
    /// Begin returning volumes that appear later in the volume list than that represented by
    /// this reference. This reference should be json like. Default=None.
    #[arg(long, value_name = "marker")]
    pub marker: Option<String>,
    /// Maximum number of volumes to return. Default=None.
    #[arg(long, value_name = "limit", value_parser = values::count,
          allow_negative_numbers = true)]
    pub limit: Option<u64>,
    /// Number of volumes to skip after marker. Default=None.
    #[arg(long, value_name = "offset", value_parser = values::count,
          allow_negative_numbers = true)]
    pub offset: Option<u64>,
    /// Comma-separated list of sort keys and directions in the form of <key>[:<asc|desc>].
    /// Valid keys: size, reference. Default=None.
    #[arg(long, value_name = "key[:direction]", value_parser = values::sort)]
    pub sort: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// cinderclient's `SORT_KEY_VALUES`, which its `_format_sort_param` checks every `--sort` key
/// against (also for the manageable lists, whose help names only `size` and `reference`: the
/// server refuses the others).
const SORT_KEYS: &[&str] = &[
    "id",
    "status",
    "size",
    "availability_zone",
    "name",
    "bootable",
    "created_at",
    "reference",
];

impl ManageableArgs {
    /// `--sort` as cinderclient sends it: each key checked against its known keys, `name` sent
    /// as `display_name` (its `SORT_KEY_MAPPINGS`).
    fn sort(&self) -> Result<Option<String>> {
        let Some(sort) = &self.sort else {
            return Ok(None);
        };
        let mut items = Vec::new();
        for item in sort.split(',') {
            let (key, direction) = item.split_once(':').unwrap_or((item, ""));
            if !SORT_KEYS.contains(&key) {
                bail!(
                    "sort_key must be one of the following: {}.",
                    SORT_KEYS.join(", ")
                );
            }
            let key = if key == "name" { "display_name" } else { key };
            items.push(match direction {
                "" => key.to_string(),
                direction => format!("{key}:{direction}"),
            });
        }
        Ok(Some(items.join(",")))
    }

    /// The query, in cinderclient's order (its keys sorted): the host or cluster, then paging
    /// (`--cluster` needs `cluster_gate`).
    fn query(&self, cluster_gate: &'static Needs) -> Result<Query> {
        Ok(Query::default()
            .set("cluster", self.cluster.as_ref())
            .set("host", self.host.as_ref())
            .set("limit", self.limit)
            .set("marker", self.marker.as_ref())
            .set("offset", self.offset)
            .set("sort", self.sort()?)
            .needs(self.cluster.is_some(), cluster_gate))
    }

    /// The columns: cinderclient's, in its order, with `extra` after `safe_to_manage`.
    fn columns(&self, extra: &[&str]) -> Vec<Column> {
        let mut headers = vec!["reference", "size", "safe_to_manage"];
        headers.extend(extra);
        if self.detailed {
            headers.extend(["reason_not_safe", "cinder_id", "extra_info"]);
        }
        columns(&headers)
    }

    /// Sends the list (one request, as cinderclient: these lists have no next links) and
    /// prints it in the server's order.
    async fn print(&self, answer: Value, items: &str, extra: &[&str]) -> Result<()> {
        let rows = match answer.get(items) {
            Some(Value::Array(rows)) => rows.clone(),
            _ => Vec::new(),
        };
        self.output
            .print_list_sorted_by(&self.columns(extra), None, rows)
    }
}

#[derive(Args, Debug)]
pub struct ManageableList {
    #[command(flatten)]
    pub args: ManageableArgs,
}

impl Cmd for ManageableList {
    fn check(&self) -> Result<()> {
        self.args.query(&gates::MANAGEABLE_CLUSTER).map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.args.output, self.args.columns(&[])))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::MANAGEABLE_LIST)?;
        let query = self.args.query(&gates::MANAGEABLE_CLUSTER)?;
        query.require(cinder)?;
        let raw = cinder.raw();
        let answer = if self.args.detailed {
            with_query(
                query.pairs(),
                raw.list_manageable_volumes_detail().run_json(),
            )
            .await?
            .into_json()
        } else {
            with_query(query.pairs(), raw.list_manageable_volumes().run_json())
                .await?
                .into_json()
        };
        self.args.print(answer, "manageable-volumes", &[]).await
    }
}

/// cinderclient's help of the snapshot list says "snapshots" where the volume list's says
/// "volumes" (only for the host and the cluster).
#[derive(Args, Debug)]
#[command(mut_arg("host", |a| a.help("Cinder host on which to list manageable snapshots; \
    takes the form: host@backend-name#pool")))]
#[command(mut_arg("cluster", |a| a.help("Cinder cluster on which to list manageable snapshots; \
    takes the form: cluster@backend-name#pool (API 3.17 and later)")))]
pub struct SnapshotManageableList {
    #[command(flatten)]
    pub args: ManageableArgs,
}

/// The column `snapshot-manageable-list` adds.
const SNAPSHOT_EXTRA: &[&str] = &["source_reference"];

impl Cmd for SnapshotManageableList {
    fn check(&self) -> Result<()> {
        self.args
            .query(&gates::SNAPSHOT_MANAGEABLE_CLUSTER)
            .map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.args.output, self.args.columns(SNAPSHOT_EXTRA)))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::SNAPSHOT_MANAGEABLE_LIST)?;
        let query = self.args.query(&gates::SNAPSHOT_MANAGEABLE_CLUSTER)?;
        query.require(cinder)?;
        let raw = cinder.raw();
        let answer = if self.args.detailed {
            let list = raw.list_manageable_snapshots_detail();
            with_query(query.pairs(), list.run_json())
                .await?
                .into_json()
        } else {
            with_query(query.pairs(), raw.list_manageable_snapshots().run_json())
                .await?
                .into_json()
        };
        self.args
            .print(answer, "manageable-snapshots", SNAPSHOT_EXTRA)
            .await
    }
}
