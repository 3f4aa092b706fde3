//! Volume commands.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use cinder_client::types;
use cinder_client::Run;
use cinder_client::{ApiVersion, Cinder};
use clap::{ArgGroup, Args, ValueEnum};
use serde_json::{json, Map, Value};

use super::{body, bulk, for_each, json, parse_bool};
use crate::gates::{self, require};
use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs, PageRequest};
use crate::waiting::WaitArgs;
use crate::{kv, lookup, values};

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Filters results by a group_id (API 3.10 and later).
    #[arg(long = "group_id", alias = "group-id", value_name = "group_id")]
    pub group_id: Option<String>,
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants)]
    pub all_tenants: Option<bool>,
    /// Filters results by a name.
    #[arg(long, alias = "display-name", value_name = "name")]
    pub name: Option<String>,
    /// Filters results by a status.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by bootable status.
    #[arg(long, value_name = "True|true|False|false", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub bootable: Option<bool>,
    /// Filters results by a migration status. Admin only.
    #[arg(
        long = "migration_status",
        alias = "migration-status",
        value_name = "migration_status"
    )]
    pub migration_status: Option<String>,
    /// Filters results by a metadata key and value pair.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub metadata: Option<Vec<String>>,
    /// Filters results by an image metadata key and value pair (API 3.4 and later).
    #[arg(long = "image_metadata", alias = "image-metadata", value_name = "key=value",
          num_args = 0.., value_parser = values::key_value)]
    pub image_metadata: Option<Vec<String>>,
    #[command(flatten)]
    pub page: PageArgs,
    /// Comma-separated list of fields to display.
    #[arg(long, value_name = "fields")]
    pub fields: Option<String>,
    /// Display information from single tenant (Admin only).
    // cinderclient takes `--tenant` without a value too, and then lists as without it.
    #[arg(long, value_name = "tenant", num_args = 0..=1)]
    pub tenant: Option<String>,
    /// Filter key and value pairs (API 3.33 and later): any filter the cloud enables (see
    /// list-filters); key~=value matches inexactly (3.34 and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub filters: Option<Vec<String>>,
    /// Show total number of volume entities (API 3.45 and later).
    #[arg(long = "with-count", value_name = "True|False", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub with_count: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// A dict literal for Cinder's `metadata` filters, as cinderclient writes it.
fn dict_filter(pairs: &[String]) -> Result<String> {
    Ok(kv::python_dict_of(&kv::parse(pairs)?))
}

/// The query of a volume list beyond paging: what the options set, then `--filters` as they
/// are (each replaces an option's parameter of the same name, as cinderclient's dictionary
/// update does).
#[derive(Default)]
struct VolumeFilters {
    all_tenants: Option<bool>,
    name: Option<String>,
    status: Option<String>,
    bootable: Option<bool>,
    migration_status: Option<String>,
    metadata: Option<String>,
    glance_metadata: Option<String>,
    group_id: Option<String>,
    project_id: Option<String>,
    sort: Option<String>,
    with_count: Option<bool>,
    filters: Vec<(String, String)>,
}

impl VolumeFilters {
    /// The query the options ask for; needs no server, so mistakes show before connecting.
    fn from_args(args: &ListArgs) -> Result<Self> {
        let mut f = VolumeFilters {
            all_tenants: args
                .all_tenants
                .filter(|a| *a)
                .or(args.tenant.as_ref().map(|_| true)),
            name: args.name.clone(),
            status: args.status.clone(),
            bootable: args.bootable,
            migration_status: args.migration_status.clone(),
            project_id: args.tenant.clone(),
            group_id: args.group_id.clone(),
            sort: args.page.sort.clone(),
            with_count: args.with_count,
            ..Default::default()
        };
        if let Some(pairs) = &args.metadata {
            f.metadata = Some(dict_filter(pairs)?);
        }
        if let Some(pairs) = &args.image_metadata {
            f.glance_metadata = Some(dict_filter(pairs)?);
        }
        if let Some(filters) = &args.filters {
            let filters = kv::filters(filters)?;
            // cinderclient's RESOURCE_FILTERS["list"] with the options that set them.
            kv::check_filters_once(
                &filters,
                &[
                    ("name", args.name.is_some()),
                    ("status", args.status.is_some()),
                    ("metadata", args.metadata.is_some()),
                    ("bootable", args.bootable.is_some()),
                    ("migration_status", args.migration_status.is_some()),
                    ("group_id", args.group_id.is_some()),
                ],
            )?;
            // cinderclient leaves out a filter with an empty value.
            f.filters = filters.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        }
        Ok(f)
    }

    /// Refuses what the negotiated microversion lacks.
    fn require_versions(cinder: &Cinder, args: &ListArgs) -> Result<()> {
        if args.group_id.is_some() {
            require(cinder, &gates::VOLUME_LIST_GROUP_ID)?;
        }
        if args.image_metadata.is_some() {
            require(cinder, &gates::VOLUME_LIST_IMAGE_METADATA)?;
        }
        if args.with_count.is_some() {
            require(cinder, &gates::VOLUME_LIST_WITH_COUNT)?;
        }
        if args.filters.is_some() {
            require(cinder, &gates::FILTERS)?;
        }
        Ok(())
    }

    async fn page(&self, cinder: &Cinder, request: PageRequest) -> Result<ListPage> {
        let mut q = cinder.raw().list_volumes_detail();
        macro_rules! set {
            ($($field:ident),*) => {$(
                if let Some(v) = self.$field.clone() { q = q.$field(v); }
            )*};
        }
        set!(
            all_tenants,
            name,
            status,
            bootable,
            migration_status,
            metadata,
            glance_metadata,
            group_id,
            project_id,
            sort,
            with_count
        );
        if let Some(marker) = request.marker {
            q = q.marker(marker);
        }
        if let Some(limit) = request.limit {
            q = q.limit(limit);
        }
        let page = cinder_client::with_query(self.filters.clone(), q)
            .run()
            .await?;
        Ok(ListPage {
            rows: page.volumes.iter().map(list_row).collect::<Result<_>>()?,
            links: page.volumes_links,
            count: page.count,
        })
    }
}

/// A volume as a row of `cinder list`: the API's fields, plus the derived `attached_to` (the
/// servers' IDs, comma-separated) and `tenant_id`.
pub(super) fn list_row(volume: &types::Volume) -> Result<Value> {
    let mut row = json(volume)?;
    let servers: Vec<String> = volume
        .attachments
        .iter()
        .filter_map(|a| a.server_id.clone())
        .collect();
    row["attached_to"] = Value::String(servers.join(","));
    row["tenant_id"] = row
        .get("os-vol-tenant-attr:tenant_id")
        .cloned()
        .unwrap_or(Value::Null);
    Ok(row)
}

/// The columns of `cinder list` (and of `create --count`) before any version adds to them.
pub(super) const LIST_HEADERS: [&str; 7] = [
    "ID",
    "Status",
    "Name",
    "Size",
    "Volume Type",
    "Bootable",
    "Attached to",
];

/// The columns of `cinder list` at `version`, as cinderclient picks them.
pub fn list_columns(version: ApiVersion, args: &ListArgs) -> Vec<Column> {
    if let Some(fields) = &args.fields {
        let mut headers = vec!["ID"];
        headers.extend(
            fields
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty() && *f != "id"),
        );
        return columns(&headers);
    }
    let mut headers = LIST_HEADERS.to_vec();
    if version >= ApiVersion(65) {
        headers.insert(4, "Consumes Quota");
    }
    if args.all_tenants == Some(true)
        || args.tenant.is_some()
        || super::filter_given(&args.filters, "all_tenants")
    {
        headers.insert(1, "Tenant ID");
    }
    columns(&headers)
}

/// Checks a volume list's options before connecting.
pub fn check_list(args: &ListArgs) -> Result<()> {
    VolumeFilters::from_args(args)?;
    args.output
        .check_columns(&list_columns(ApiVersion::CLIENT_MAX, args))
}

pub async fn list(cinder: &Cinder, args: ListArgs) -> Result<()> {
    VolumeFilters::require_versions(cinder, &args)?;
    let filters = VolumeFilters::from_args(&args)?;
    // cinderclient sorts the table by ID unless the server was asked for an order.
    let sort_by = args.page.sort.is_none().then_some("id");
    let mut out = args
        .output
        .list(&list_columns(cinder.version(), &args))?
        .sort_table_by(sort_by);
    let count = args
        .page
        .stream(&mut out, |request| filters.page(cinder, request))
        .await?;
    out.finish()?;
    if let Some(count) = count {
        args.output
            .note(&format!("Total number of volumes: {count}"))?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Name or ID of the volume.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The volume as `cinder show` prints it: the API's fields plus `readonly` from the metadata.
pub fn print_volume(output: &OutputArgs, volume: &types::Volume) -> Result<()> {
    let mut info = json(volume)?;
    if let Some(readonly) = volume.metadata.0.get("readonly") {
        info["readonly"] = Value::String(readonly.clone());
    }
    output.print_object(&info)
}

pub async fn show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    print_volume(&args.output, &lookup::volume(cinder, &args.volume).await?)
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("source").multiple(false)))]
pub struct CreateArgs {
    /// ID of a consistency group where the new volume belongs to.
    #[arg(long = "consisgroup-id", value_name = "consistencygroup-id",
          value_parser = values::id)]
    pub consisgroup_id: Option<String>,
    /// ID of a group where the new volume belongs to (API 3.13 and later).
    #[arg(long = "group-id", value_name = "group-id", value_parser = values::id)]
    pub group_id: Option<String>,
    /// Creates volume from snapshot ID.
    #[arg(long = "snapshot-id", alias = "snapshot_id", value_name = "snapshot-id",
          value_parser = values::id, group = "source")]
    pub snapshot_id: Option<String>,
    /// Creates volume from volume ID.
    #[arg(long = "source-volid", alias = "source_volid", value_name = "source-volid",
          value_parser = values::id, group = "source")]
    pub source_volid: Option<String>,
    /// Creates volume from image ID.
    #[arg(
        long = "image-id",
        alias = "image_id",
        value_name = "image-id",
        group = "source"
    )]
    pub image_id: Option<String>,
    /// Creates a volume from image (ID; names need the Image service and are not resolved).
    #[arg(long, alias = "image_ref", value_name = "image", group = "source")]
    pub image: Option<String>,
    /// Creates a volume from backup ID (API 3.47 and later).
    #[arg(long = "backup-id", value_name = "backup-id", value_parser = values::id,
          group = "source")]
    pub backup_id: Option<String>,
    /// Volume name.
    #[arg(long, aliases = ["display-name", "display_name"], value_name = "name")]
    pub name: Option<String>,
    /// Volume description.
    #[arg(long, aliases = ["display-description", "display_description"],
          value_name = "description")]
    pub description: Option<String>,
    /// Volume type.
    #[arg(
        long = "volume-type",
        alias = "volume_type",
        value_name = "volume-type"
    )]
    pub volume_type: Option<String>,
    /// Availability zone for volume.
    #[arg(
        long = "availability-zone",
        alias = "availability_zone",
        value_name = "availability-zone"
    )]
    pub availability_zone: Option<String>,
    /// Metadata key and value pairs.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub metadata: Option<Vec<String>>,
    /// Scheduler hint, like in nova (repeatable).
    #[arg(long, value_name = "key=value", value_parser = values::key_value)]
    pub hint: Vec<String>,
    /// Size of volume, in GiBs. (Required unless snapshot-id/source-volid/backup-id is specified).
    #[arg(value_name = "size", value_parser = values::size, allow_negative_numbers = true)]
    pub size: Option<u64>,
    /// Creates this many volumes alike, named <name>-1 to <name>-N, and prints them as a list.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = values::bulk_count, allow_negative_numbers = true)]
    pub count: u32,
    /// With --count: how many create requests are in flight at once.
    #[arg(long, value_name = "N", default_value_t = bulk::DEFAULT_CONCURRENCY,
          value_parser = values::concurrency, allow_negative_numbers = true)]
    pub concurrency: u32,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl CreateArgs {
    /// The request body; needs no server, so mistakes show before connecting.
    pub fn request(&self) -> Result<Value> {
        if self.size.is_none()
            && self.snapshot_id.is_none()
            && self.source_volid.is_none()
            && self.backup_id.is_none()
        {
            bail!(
                "Size is a required parameter if snapshot or source volume or backup is not \
                 specified."
            );
        }
        let mut volume = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                volume.insert(key.into(), value);
            }
        };
        let text = |value: &Option<String>| value.clone().map(Value::from);
        put("size", self.size.map(Value::from));
        put("name", text(&self.name));
        put("description", text(&self.description));
        put("volume_type", text(&self.volume_type));
        put("availability_zone", text(&self.availability_zone));
        put("snapshot_id", text(&self.snapshot_id));
        put("source_volid", text(&self.source_volid));
        put(
            "imageRef",
            text(&self.image_id.clone().or(self.image.clone())),
        );
        put("backup_id", text(&self.backup_id));
        put("group_id", text(&self.group_id));
        put("consistencygroup_id", text(&self.consisgroup_id));
        if let Some(pairs) = &self.metadata {
            put("metadata", Some(kv::to_json(&kv::parse(pairs)?)));
        }
        let mut request = json!({ "volume": volume });
        if !self.hint.is_empty() {
            let mut hints: BTreeMap<String, Value> = BTreeMap::new();
            for (key, value) in self.hint.iter().filter_map(|h| h.split_once('=')) {
                let value = Value::String(value.to_string());
                match hints.get_mut(key) {
                    Some(Value::Array(items)) => items.push(value),
                    Some(existing) => *existing = Value::Array(vec![existing.clone(), value]),
                    None => {
                        hints.insert(key.to_string(), value);
                    }
                }
            }
            request["OS-SCH-HNT:scheduler_hints"] = serde_json::to_value(hints)?;
        }
        Ok(request)
    }
}

pub async fn create(cinder: &Cinder, args: CreateArgs) -> Result<()> {
    if args.group_id.is_some() {
        require(cinder, &gates::VOLUME_CREATE_GROUP_ID)?;
    }
    if args.backup_id.is_some() {
        require(cinder, &gates::VOLUME_CREATE_BACKUP_ID)?;
    }
    let request = args.request()?;
    if args.count > 1 {
        let at_once = bulk::AtOnce(args.concurrency as usize);
        return bulk::create(
            cinder,
            request,
            args.count,
            at_once,
            &args.wait,
            &args.output,
        )
        .await;
    }
    let created = cinder
        .raw()
        .create_volume()
        .body(body::<types::VolumeCreateRequest>(request)?)
        .run()
        .await?
        .volume;
    let shown = args
        .wait
        .volume(cinder, &created.id, &["available"])
        .await?
        .unwrap_or(created);
    print_volume(&args.output, &shown)
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// Remove any snapshots along with volume.
    #[arg(long)]
    pub cascade: bool,
    /// Allow deletion of volumes in error states (API 3.23 and later; admin only).
    #[arg(long)]
    pub force: bool,
    /// Name or ID of volume or volumes to delete.
    #[arg(value_name = "volume", required = true, value_parser = values::name_or_id)]
    pub volumes: Vec<String>,
    /// How many volumes are deleted at once (1: one after the other, as cinderclient).
    #[arg(long, value_name = "N", default_value_t = bulk::DEFAULT_CONCURRENCY,
          value_parser = values::concurrency, allow_negative_numbers = true)]
    pub concurrency: u32,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub async fn delete(cinder: &Cinder, args: DeleteArgs) -> Result<()> {
    if args.force {
        require(cinder, &gates::VOLUME_DELETE_FORCE)?;
    }
    let at_once = bulk::AtOnce(args.concurrency as usize);
    at_once
        .for_each(&args.volumes, "Delete", "volume", |name| async move {
            let volume = lookup::volume(cinder, &name).await?;
            let mut q = cinder.raw().delete_volume().volume_id(volume.id.clone());
            if args.cascade {
                q = q.cascade(true);
            }
            if args.force {
                q = q.force(true);
            }
            q.run().await?;
            println!("Request to delete volume {name} has been accepted.");
            args.wait.volume_deleted(cinder, &volume.id).await
        })
        .await
}

#[derive(Args, Debug)]
pub struct VolumesArgs {
    /// Name or ID of volume or volumes.
    #[arg(value_name = "volume", required = true, value_parser = values::name_or_id)]
    pub volumes: Vec<String>,
}

pub async fn force_delete(cinder: &Cinder, args: VolumesArgs) -> Result<()> {
    for_each(&args.volumes, "Delete", "volume", |name| async move {
        let volume = lookup::volume(cinder, &name).await?;
        cinder.raw().volume_force_delete(&volume.id).run().await?;
        Ok(())
    })
    .await
}

#[derive(Args, Debug)]
pub struct RenameArgs {
    /// Volume description.
    #[arg(long, aliases = ["display-description", "display_description"],
          value_name = "description")]
    pub description: Option<String>,
    /// Name or ID of volume to rename.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// New name for volume.
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
    let volume = lookup::volume(cinder, &args.volume).await?;
    let mut fields = Map::new();
    if let Some(name) = args.name {
        fields.insert("name".into(), name.into());
    }
    if let Some(description) = args.description {
        fields.insert("description".into(), description.into());
    }
    let request: types::VolumeUpdateRequest = body(json!({ "volume": fields }))?;
    cinder
        .raw()
        .update_volume()
        .volume_id(volume.id)
        .body(request)
        .run()
        .await?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct ExtendArgs {
    /// Name or ID of volume to extend.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// New size of volume, in GiBs.
    #[arg(value_name = "new_size", value_parser = values::size, allow_negative_numbers = true)]
    pub new_size: u64,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub async fn extend(cinder: &Cinder, args: ExtendArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    cinder
        .raw()
        .volume_extend(&volume.id, body(json!({ "new_size": args.new_size }))?)
        .run()
        .await?;
    // Back to where it was: `available`, or `in-use` for an attached volume.
    args.wait
        .volume(cinder, &volume.id, &[volume.status.as_str()])
        .await?;
    Ok(())
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EntityType {
    Volume,
    Snapshot,
}

#[derive(Args, Debug)]
pub struct ResetStateArgs {
    /// Type of entity to update: volume or snapshot. Default=volume.
    #[arg(
        long = "type",
        value_enum,
        default_value = "volume",
        value_name = "type"
    )]
    pub entity_type: EntityType,
    /// The state to assign to the entity. Default is "available" when no other option is given.
    #[arg(long, value_name = "state")]
    pub state: Option<String>,
    /// The attach status to assign to the volume in the database (attached or detached).
    #[arg(
        long = "attach-status",
        alias = "attach_status",
        value_name = "attach-status"
    )]
    pub attach_status: Option<String>,
    /// Clears the migration status of the volume in the database.
    #[arg(long = "reset-migration-status", alias = "reset_migration_status")]
    pub reset_migration_status: bool,
    /// Name or ID of entity to update.
    #[arg(value_name = "entity", required = true, value_parser = values::name_or_id)]
    pub entities: Vec<String>,
}

impl ResetStateArgs {
    pub fn check(&self) -> Result<()> {
        if matches!(self.entity_type, EntityType::Snapshot)
            && (self.attach_status.is_some() || self.reset_migration_status)
        {
            bail!(
                "--attach-status and --reset-migration-status apply to volumes only, not with \
                 --type snapshot."
            );
        }
        Ok(())
    }
}

pub async fn reset_state(cinder: &Cinder, args: ResetStateArgs) -> Result<()> {
    let no_option =
        args.state.is_none() && args.attach_status.is_none() && !args.reset_migration_status;
    let state = args
        .state
        .clone()
        .or_else(|| no_option.then(|| "available".to_string()));
    match args.entity_type {
        EntityType::Snapshot => {
            let state = state.unwrap_or_else(|| "available".into());
            for_each(&args.entities, "Reset state", "snapshot", |name| {
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
        EntityType::Volume => {
            let mut fields = Map::new();
            if let Some(state) = &state {
                fields.insert("status".into(), state.clone().into());
            }
            if let Some(attach) = &args.attach_status {
                fields.insert("attach_status".into(), attach.clone().into());
            }
            if args.reset_migration_status {
                fields.insert("migration_status".into(), "none".into());
            }
            let fields = Value::Object(fields);
            for_each(&args.entities, "Reset state", "volume", |name| {
                let fields = fields.clone();
                async move {
                    let volume = lookup::volume(cinder, &name).await?;
                    cinder
                        .raw()
                        .volume_reset_status(&volume.id, body(fields)?)
                        .run()
                        .await?;
                    Ok(())
                }
            })
            .await
        }
    }
}

#[derive(Args, Debug)]
pub struct RetypeArgs {
    /// Migration policy during retype of volume.
    #[arg(long = "migration-policy", alias = "migration_policy",
          value_parser = ["never", "on-demand"], default_value = "never",
          value_name = "never|on-demand")]
    pub migration_policy: String,
    /// Name or ID of volume for which to modify type.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// New volume type.
    #[arg(value_name = "volume-type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub async fn retype(cinder: &Cinder, args: RetypeArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    let request =
        json!({ "new_type": args.volume_type, "migration_policy": args.migration_policy });
    cinder
        .raw()
        .volume_retype(&volume.id, body(request)?)
        .run()
        .await?;
    args.wait
        .volume(cinder, &volume.id, &[volume.status.as_str()])
        .await?;
    Ok(())
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("destination").required(true).multiple(false)))]
pub struct MigrateArgs {
    /// Enables or disables generic host-based force-migration.
    #[arg(long = "force-host-copy", alias = "force_host_copy", value_name = "True|False",
          num_args = 0..=1, default_missing_value = "true", value_parser = parse_bool)]
    pub force_host_copy: Option<bool>,
    /// Enables or disables the termination of volume migration caused by other commands.
    #[arg(long = "lock-volume", alias = "lock_volume", value_name = "True|False",
          num_args = 0..=1, default_missing_value = "true", value_parser = parse_bool)]
    pub lock_volume: Option<bool>,
    /// Cluster to migrate the volume to (API 3.16 and later); instead of a host.
    #[arg(long, value_name = "CLUSTER", group = "destination")]
    pub cluster: Option<String>,
    /// ID of volume to migrate.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// Destination host, in the form host@backend-name#pool; or --cluster.
    #[arg(value_name = "host", group = "destination")]
    pub host: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub async fn migrate(cinder: &Cinder, args: MigrateArgs) -> Result<()> {
    // clap has made sure there is exactly one of the host and --cluster.
    if args.cluster.is_some() {
        require(cinder, &gates::MIGRATE_CLUSTER)?;
    }
    let volume = lookup::volume(cinder, &args.volume).await?;
    let mut request = Map::new();
    if let Some(host) = args.host {
        request.insert("host".into(), host.into());
    }
    if let Some(cluster) = args.cluster {
        request.insert("cluster".into(), cluster.into());
    }
    request.insert(
        "force_host_copy".into(),
        args.force_host_copy.unwrap_or(false).into(),
    );
    request.insert(
        "lock_volume".into(),
        args.lock_volume.unwrap_or(false).into(),
    );
    cinder
        .raw()
        .volume_migrate(&volume.id, body(Value::Object(request))?)
        .run()
        .await?;
    println!(
        "Request to migrate volume {} has been accepted.",
        args.volume
    );
    args.wait.migration(cinder, &volume.id).await
}

#[derive(Args, Debug)]
pub struct FlagArgs {
    /// ID or name of the volume.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The new flag value.
    #[arg(value_name = "True|true|False|false", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub flag: bool,
}

pub async fn set_bootable(cinder: &Cinder, args: FlagArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    cinder
        .raw()
        .volume_set_bootable(&volume.id, body(json!({ "bootable": args.flag }))?)
        .run()
        .await?;
    Ok(())
}

pub async fn readonly_mode_update(cinder: &Cinder, args: FlagArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    cinder
        .raw()
        .volume_update_readonly_flag(&volume.id, body(json!({ "readonly": args.flag }))?)
        .run()
        .await?;
    Ok(())
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum MetadataAction {
    Set,
    Unset,
}

#[derive(Args, Debug)]
pub struct MetadataArgs {
    /// Name or ID of the resource.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: MetadataAction,
    /// Metadata key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

/// What a `set`/`unset` command does: pairs to set, or keys to unset.
pub enum MetadataChange {
    Set(BTreeMap<String, String>),
    Unset(Vec<String>),
}

impl MetadataAction {
    /// The change `set key=value...` or `unset key...` asks for: `set` needs `key=value`,
    /// `unset` a key (with or without `=value`).
    pub fn change(self, metadata: &[String]) -> Result<MetadataChange> {
        Ok(match self {
            MetadataAction::Set => MetadataChange::Set(kv::parse(metadata)?),
            MetadataAction::Unset => MetadataChange::Unset(kv::keys(metadata)?),
        })
    }
}

pub async fn metadata(cinder: &Cinder, args: MetadataArgs) -> Result<()> {
    let change = args.action.change(&args.metadata)?;
    let volume = lookup::volume(cinder, &args.volume).await?;
    match change {
        MetadataChange::Set(pairs) => {
            let request: types::VolumeMetadataRequest =
                body(json!({ "metadata": kv::to_json(&pairs) }))?;
            cinder
                .raw()
                .create_volume_metadata()
                .volume_id(volume.id)
                .body(request)
                .run()
                .await?;
        }
        MetadataChange::Unset(keys) => {
            for key in keys {
                cinder
                    .raw()
                    .delete_volume_metadata_item()
                    .volume_id(volume.id.clone())
                    .key(key)
                    .run()
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn metadata_show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    args.output.print_object(&json(&volume.metadata)?)
}

#[derive(Args, Debug)]
pub struct MetadataAllArgs {
    /// ID or name of the volume for which to update metadata.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// Metadata key and value pair or pairs to update.
    #[arg(value_name = "key=value", required = true, value_parser = values::key_value)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn metadata_update_all(cinder: &Cinder, args: MetadataAllArgs) -> Result<()> {
    let pairs = kv::parse(&args.metadata)?;
    let volume = lookup::volume(cinder, &args.volume).await?;
    let request: types::VolumeMetadataRequest = body(json!({ "metadata": kv::to_json(&pairs) }))?;
    let response = cinder
        .raw()
        .replace_volume_metadata()
        .volume_id(volume.id)
        .body(request)
        .run()
        .await?;
    args.output.print_object(&json(&response.metadata)?)
}

pub async fn image_metadata(cinder: &Cinder, args: MetadataArgs) -> Result<()> {
    let change = args.action.change(&args.metadata)?;
    let volume = lookup::volume(cinder, &args.volume).await?;
    match change {
        MetadataChange::Set(pairs) => {
            cinder
                .raw()
                .volume_set_image_metadata(
                    &volume.id,
                    body(json!({ "metadata": kv::to_json(&pairs) }))?,
                )
                .run()
                .await?;
        }
        MetadataChange::Unset(keys) => {
            for key in keys {
                cinder
                    .raw()
                    .volume_unset_image_metadata(&volume.id, body(json!({ "key": key }))?)
                    .run()
                    .await?;
            }
        }
    }
    Ok(())
}

pub async fn image_metadata_show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    let volume = lookup::volume(cinder, &args.volume).await?;
    let response = cinder
        .raw()
        .volume_show_image_metadata(&volume.id)
        .run()
        .await?;
    args.output.print_object(&json(&response.metadata)?)
}

#[derive(Args, Debug)]
pub struct UploadArgs {
    /// Enables or disables upload of a volume that is attached to an instance.
    #[arg(long, value_name = "True|False", num_args = 0..=1, default_missing_value = "true",
          value_parser = parse_bool)]
    pub force: Option<bool>,
    /// Container format type. Default is bare.
    #[arg(
        long = "container-format",
        alias = "container_format",
        default_value = "bare",
        value_name = "container-format"
    )]
    pub container_format: String,
    /// Disk format type. Default is raw.
    #[arg(
        long = "disk-format",
        alias = "disk_format",
        default_value = "raw",
        value_name = "disk-format"
    )]
    pub disk_format: String,
    /// Makes image publicly accessible (API 3.1 and later).
    #[arg(long, value_parser = ["public", "private", "community", "shared"],
          value_name = "public|private|community|shared")]
    pub visibility: Option<String>,
    /// Prevents image from being deleted (API 3.1 and later).
    #[arg(long, value_name = "True|False", value_parser = parse_bool)]
    pub protected: Option<bool>,
    /// Name or ID of volume to snapshot.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The new image name.
    #[arg(value_name = "image-name")]
    pub image_name: String,
    /// cinderclient's hidden `--image_name`: the image name again; it wins over the positional.
    #[arg(long = "image_name", hide = true, value_name = "image-name")]
    pub image_name_option: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn upload_to_image(cinder: &Cinder, args: UploadArgs) -> Result<()> {
    if args.visibility.is_some() || args.protected.is_some() {
        require(cinder, &gates::UPLOAD_VISIBILITY)?;
    }
    let volume = lookup::volume(cinder, &args.volume).await?;
    let mut request = json!({
        "image_name": args.image_name_option.unwrap_or(args.image_name),
        "container_format": args.container_format,
        "disk_format": args.disk_format,
        "force": args.force.unwrap_or(false),
    });
    if let Some(visibility) = args.visibility {
        request["visibility"] = visibility.into();
    }
    if let Some(protected) = args.protected {
        request["protected"] = protected.into();
    }
    let response = cinder
        .raw()
        .volume_upload_image(&volume.id, body(request)?)
        .run()
        .await?;
    args.wait
        .volume(cinder, &volume.id, &[volume.status.as_str()])
        .await?;
    args.output
        .print_object(&json(&response.os_volume_upload_image)?)
}

#[derive(Args, Debug)]
pub struct RevertArgs {
    /// Name or ID of the snapshot to restore. The snapshot must be the most recent one known
    /// to cinder.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    #[command(flatten)]
    pub wait: WaitArgs,
}

pub async fn revert_to_snapshot(cinder: &Cinder, args: RevertArgs) -> Result<()> {
    require(cinder, &gates::REVERT)?;
    let snapshot = lookup::snapshot(cinder, &args.snapshot).await?;
    cinder
        .raw()
        .volume_revert(
            &snapshot.volume_id,
            body(json!({ "snapshot_id": snapshot.id }))?,
        )
        .run()
        .await?;
    args.wait
        .volume(cinder, &snapshot.volume_id, &["available"])
        .await?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants)]
    pub all_tenants: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn summary(cinder: &Cinder, args: SummaryArgs) -> Result<()> {
    require(cinder, &gates::SUMMARY)?;
    let mut q = cinder.raw().volume_summary();
    if let Some(all) = args.all_tenants {
        q = q.all_tenants(all);
    }
    let response = q.run().await?;
    args.output.print_object(&json(&response.volume_summary)?)
}
