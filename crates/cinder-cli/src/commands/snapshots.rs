//! Snapshot commands.

use anyhow::{bail, Result};
use cinder_client::types;
use cinder_client::Run;
use cinder_client::{ApiVersion, Cinder};
use clap::Args;
use serde_json::{json, Map, Value};

use super::volumes::{MetadataAction, MetadataChange};
use super::{body, for_each, json, parse_bool};
use crate::gates::{self, require};
use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs, PageRequest};
use crate::waiting::WaitArgs;
use crate::{kv, lookup, values};

#[derive(Args, Debug)]
pub struct CreateArgs {
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
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub metadata: Option<Vec<String>>,
    /// Name or ID of volume to snapshot.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn create(cinder: &Cinder, args: CreateArgs) -> Result<()> {
    let metadata = match &args.metadata {
        Some(pairs) => Some(kv::to_json(&kv::parse(pairs)?)),
        None => None,
    };
    let volume = lookup::volume(cinder, &args.volume).await?;
    let mut snapshot = Map::new();
    snapshot.insert("volume_id".into(), volume.id.into());
    if let Some(force) = args.force {
        snapshot.insert("force".into(), force.into());
    }
    if let Some(name) = args.name {
        snapshot.insert("name".into(), name.into());
    }
    if let Some(description) = args.description {
        snapshot.insert("description".into(), description.into());
    }
    if let Some(metadata) = metadata {
        snapshot.insert("metadata".into(), metadata);
    }
    let request: types::SnapshotCreateRequest = body(json!({ "snapshot": snapshot }))?;
    let created = cinder
        .raw()
        .create_snapshot()
        .body(request)
        .run()
        .await?
        .snapshot;
    let shown = args
        .wait
        .snapshot(cinder, &created.id, &["available"])
        .await?
        .unwrap_or(created);
    args.output.print_object(&json(&shown)?)
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
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

pub async fn delete(cinder: &Cinder, args: DeleteArgs) -> Result<()> {
    for_each(&args.snapshots, "Delete", "snapshot", |name| async move {
        let snapshot = lookup::snapshot(cinder, &name).await?;
        if args.force {
            cinder
                .raw()
                .snapshot_force_delete(&snapshot.id)
                .run()
                .await?;
        } else {
            cinder
                .raw()
                .delete_snapshot()
                .snapshot_id(snapshot.id.clone())
                .run()
                .await?;
        }
        args.wait.snapshot_deleted(cinder, &snapshot.id).await
    })
    .await
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants)]
    pub all_tenants: Option<bool>,
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
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub metadata: Option<Vec<String>>,
    /// Filter key and value pairs (API 3.33 and later): any filter the cloud enables (see
    /// list-filters); key~=value matches inexactly (3.34 and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub filters: Option<Vec<String>>,
    /// Show total number of snapshot entities (API 3.45 and later).
    #[arg(long = "with-count", value_name = "True|False", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub with_count: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The query of a snapshot list beyond paging: what the options set, then `--filters` as they
/// are (each replaces an option's parameter of the same name).
#[derive(Default)]
struct SnapshotFilters {
    all_tenants: bool,
    name: Option<String>,
    status: Option<String>,
    volume_id: Option<String>,
    metadata: Option<String>,
    project_id: Option<String>,
    filters: Vec<(String, String)>,
}

impl SnapshotFilters {
    /// The query the options ask for; needs no server, so mistakes show before connecting.
    fn from_args(args: &ListArgs) -> Result<Self> {
        let mut f = SnapshotFilters {
            all_tenants: args.all_tenants == Some(true) || args.tenant.is_some(),
            name: args.name.clone(),
            status: args.status.clone(),
            volume_id: args.volume_id.clone(),
            project_id: args.tenant.clone(),
            ..Default::default()
        };
        if let Some(pairs) = &args.metadata {
            f.metadata = Some(kv::python_dict_of(&kv::parse(pairs)?));
        }
        if let Some(filters) = &args.filters {
            let filters = kv::filters(filters)?;
            // cinderclient's RESOURCE_FILTERS["snapshot-list"] with the options that set them.
            kv::check_filters_once(
                &filters,
                &[
                    ("name", args.name.is_some()),
                    ("status", args.status.is_some()),
                    ("volume_id", args.volume_id.is_some()),
                    ("metadata", args.metadata.is_some()),
                ],
            )?;
            // cinderclient leaves out a filter with an empty value.
            f.filters = filters.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        }
        Ok(f)
    }
}

/// The columns of `cinder snapshot-list` at `version`.
pub fn list_columns(version: ApiVersion, args: &ListArgs) -> Vec<Column> {
    let mut headers = vec!["ID", "Volume ID", "Status", "Name", "Size"];
    if version >= ApiVersion(65) {
        headers.push("Consumes Quota");
    }
    if version >= ApiVersion(41) {
        headers.push("User ID");
    }
    if args.all_tenants == Some(true)
        || args.tenant.is_some()
        || super::filter_given(&args.filters, "all_tenants")
    {
        headers.insert(1, "Tenant ID");
    }
    columns(&headers)
}

/// Checks a snapshot list's options before connecting.
pub fn check_list(args: &ListArgs) -> Result<()> {
    SnapshotFilters::from_args(args)?;
    args.output
        .check_columns(&list_columns(ApiVersion::CLIENT_MAX, args))
}

pub async fn list(cinder: &Cinder, args: ListArgs) -> Result<()> {
    if args.metadata.is_some() {
        require(cinder, &gates::SNAPSHOT_LIST_METADATA)?;
    }
    if args.with_count.is_some() {
        require(cinder, &gates::SNAPSHOT_LIST_WITH_COUNT)?;
    }
    if args.filters.is_some() {
        require(cinder, &gates::FILTERS)?;
    }
    let SnapshotFilters {
        all_tenants,
        name,
        status,
        volume_id,
        metadata,
        project_id,
        filters,
    } = SnapshotFilters::from_args(&args)?;
    // cinderclient sorts the table by ID unless the server was asked for an order.
    let sort_by = args.page.sort.is_none().then_some("id");
    let mut out = args
        .output
        .list(&list_columns(cinder.version(), &args))?
        .sort_table_by(sort_by);
    let sort = args.page.sort.clone();
    let with_count = args.with_count;
    let fetch = |request: PageRequest| {
        let mut q = cinder.raw().list_snapshots_detail();
        if all_tenants {
            q = q.all_tenants(true);
        }
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(v) = $field.clone() { q = q.$field(v); }
            )*};
        }
        let PageRequest { marker, limit } = request;
        set!(name, status, volume_id, metadata, project_id, limit, sort, with_count, marker);
        let filters = filters.clone();
        async move {
            let page = cinder_client::with_query(filters, q).run().await?;
            Ok(ListPage {
                rows: page.snapshots.iter().map(list_row).collect::<Result<_>>()?,
                links: page.snapshots_links,
                count: page.count,
            })
        }
    };
    let count = args.page.stream(&mut out, fetch).await?;
    out.finish()?;
    if let Some(count) = count {
        args.output
            .note(&format!("Total number of snapshots: {count}"))?;
    }
    Ok(())
}

/// A snapshot as a row of `cinder snapshot-list`: the API's fields plus `tenant_id`.
fn list_row(snapshot: &types::Snapshot) -> Result<Value> {
    let mut row = json(snapshot)?;
    row["tenant_id"] = row
        .get("os-extended-snapshot-attributes:project_id")
        .cloned()
        .unwrap_or(Value::Null);
    Ok(row)
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Name or ID of the snapshot.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    args.output.print_object(&json(&snapshot)?)
}

#[derive(Args, Debug)]
pub struct RenameArgs {
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

impl RenameArgs {
    pub fn check(&self) -> Result<()> {
        if self.name.is_none() && self.description.is_none() {
            bail!("Must supply either name or description.");
        }
        Ok(())
    }
}

pub async fn rename(cinder: &Cinder, args: RenameArgs) -> Result<()> {
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    let mut fields = Map::new();
    if let Some(name) = args.name {
        fields.insert("name".into(), name.into());
    }
    if let Some(description) = args.description {
        fields.insert("description".into(), description.into());
    }
    let request: types::SnapshotUpdateRequest = body(json!({ "snapshot": fields }))?;
    cinder
        .raw()
        .update_snapshot()
        .snapshot_id(snapshot.id)
        .body(request)
        .run()
        .await?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct ResetStateArgs {
    /// The state to assign to the snapshot. Default=available.
    #[arg(long, default_value = "available", value_name = "state")]
    pub state: String,
    /// Name or ID of snapshot to modify.
    #[arg(value_name = "snapshot", required = true, value_parser = values::name_or_id)]
    pub snapshots: Vec<String>,
}

pub async fn reset_state(cinder: &Cinder, args: ResetStateArgs) -> Result<()> {
    let state = args.state.clone();
    for_each(&args.snapshots, "Reset state", "snapshot", |name| {
        let state = state.clone();
        async move {
            let snapshot = lookup::snapshot(cinder, &name).await?;
            cinder
                .raw()
                .snapshot_reset_status(&snapshot.id, body(json!({ "status": state }))?)
                .run()
                .await?;
            Ok(())
        }
    })
    .await
}

#[derive(Args, Debug)]
pub struct MetadataArgs {
    /// ID of snapshot for which to update metadata.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: MetadataAction,
    /// Metadata key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

pub async fn metadata(cinder: &Cinder, args: MetadataArgs) -> Result<()> {
    let change = args.action.change(&args.metadata)?;
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    match change {
        MetadataChange::Set(pairs) => {
            let request: types::SnapshotMetadataRequest =
                body(json!({ "metadata": kv::to_json(&pairs) }))?;
            cinder
                .raw()
                .create_snapshot_metadata()
                .snapshot_id(snapshot.id)
                .body(request)
                .run()
                .await?;
        }
        MetadataChange::Unset(keys) => {
            for key in keys {
                cinder
                    .raw()
                    .delete_snapshot_metadata_item()
                    .snapshot_id(snapshot.id.clone())
                    .key(key)
                    .run()
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn metadata_show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    args.output.print_object(&json(&snapshot.metadata)?)
}

#[derive(Args, Debug)]
pub struct MetadataAllArgs {
    /// ID of snapshot for which to update metadata.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    /// Metadata key and value pair or pairs to update.
    #[arg(value_name = "key=value", required = true, value_parser = values::key_value)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn metadata_update_all(cinder: &Cinder, args: MetadataAllArgs) -> Result<()> {
    let pairs = kv::parse(&args.metadata)?;
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    let request: types::SnapshotMetadataRequest = body(json!({ "metadata": kv::to_json(&pairs) }))?;
    let response = cinder
        .raw()
        .replace_snapshot_metadata()
        .snapshot_id(snapshot.id)
        .body(request)
        .run()
        .await?;
    args.output.print_object(&json(&response.metadata)?)
}
