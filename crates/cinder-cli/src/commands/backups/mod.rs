//! The backup family: `backup-create`, `-delete`, `-export`, `-import`, `-list`,
//! `-reset-state`, `-restore`, `-show` and `-update`.

use anyhow::{bail, Result};
use cinder_client::resources::{Backups, Volumes};
use cinder_client::{types, ApiVersion, Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::shared::each::{AtOnce, Reporting};
use super::shared::find::{find, find_id};
use super::shared::list::{self, AllTenantsFlag, ListFilters, Query};
use super::shared::show::{show, without_links};
use super::shared::{body, without_nulls};
use super::Cmd;
use crate::commands::shared::wait::WaitArgs;
use crate::gates;
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs, Shape};
use crate::values::{self, parse_bool};

#[derive(Args, Debug)]
pub struct BackupCreate {
    /// Backup container name. Default=None.
    #[arg(long, value_name = "container")]
    pub container: Option<String>,
    /// Backup name. Default=None.
    #[arg(long, aliases = ["display-name", "display_name"], value_name = "name")]
    pub name: Option<String>,
    /// Backup description. Default=None.
    #[arg(long, aliases = ["display-description", "display_description"],
          value_name = "description")]
    pub description: Option<String>,
    /// Incremental backup. Default=False.
    #[arg(long)]
    pub incremental: bool,
    /// Allows or disallows backup of a volume when the volume is attached to an instance.
    /// Default=False.
    #[arg(long)]
    pub force: bool,
    /// ID of snapshot to backup. Default=None.
    #[arg(
        long = "snapshot-id",
        alias = "snapshot_id",
        value_name = "snapshot-id"
    )]
    pub snapshot_id: Option<String>,
    /// Metadata key and value pairs (API 3.43 and later). Default=None.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
    /// AZ where the backup should be stored, by default it will be the same as the source
    /// (API 3.51 and later).
    #[arg(
        long = "availability-zone",
        alias = "availability_zone",
        value_name = "availability_zone"
    )]
    pub availability_zone: Option<String>,
    /// Name or ID of volume to backup.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for BackupCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        // As cinderclient: options of later microversions are refused below them, and an empty
        // --metadata or --availability-zone is not sent.
        if self.metadata.is_some() {
            gates::require(cinder, &gates::BACKUP_METADATA)?;
        }
        if self.availability_zone.is_some() {
            gates::require(cinder, &gates::BACKUP_ZONE)?;
        }
        let metadata = match &self.metadata {
            Some(pairs) if !pairs.is_empty() => Some(kv::parse(pairs)?),
            _ => None,
        };
        let zone = self.availability_zone.as_ref().filter(|z| !z.is_empty());
        let volume_id = find_id::<Volumes>(cinder, &self.volume).await?;
        let backup = without_nulls(json!({
            "volume_id": volume_id,
            "container": self.container,
            "name": self.name,
            "description": self.description,
            "incremental": self.incremental,
            "force": self.force,
            "snapshot_id": self.snapshot_id,
            "metadata": metadata,
            "availability_zone": zone,
        }));
        let request: types::BackupCreateRequest = body(json!({ "backup": backup }))?;
        let answer = cinder
            .raw()
            .create_backup()
            .body(request)
            .run_json()
            .await?;
        let created = answer.into_json()["backup"].take();
        let mut info = json!({ "volume_id": volume_id });
        merge(&mut info, without_links(created));
        let info = self
            .wait
            .then::<Backups>(cinder, info, &["available"])
            .await?;
        self.output.print_object(&without_links(info))
    }
}

/// `base` with the fields of `more` added (cinderclient's `info.update(...)`).
fn merge(base: &mut Value, more: Value) {
    if let (Value::Object(base), Value::Object(more)) = (base, more) {
        base.extend(more);
    }
}

#[derive(Args, Debug)]
pub struct BackupDelete {
    /// Allows deleting backup of a volume when its status is other than "available" or
    /// "error". Default=False.
    #[arg(long)]
    pub force: bool,
    /// Name or ID of backup(s) to delete.
    #[arg(value_name = "backup", required = true, value_parser = values::name_or_id)]
    pub backups: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for BackupDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let names = &self.backups;
        AtOnce::ONE_BY_ONE
            .for_each_found::<Backups, _, _>(
                cinder,
                names,
                &Reporting::deleting("backup", "Unable to delete any of the specified backups."),
                |id, name| async move {
                    if self.force {
                        cinder.raw().backup_force_delete(&id).run().await?;
                    } else {
                        cinder.raw().delete_backup().backup_id(&id).run().await?;
                    }
                    println!("Request to delete backup {name} has been accepted.");
                    self.wait.until_deleted::<Backups>(cinder, &id).await
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct BackupList {
    #[command(flatten)]
    pub tenants: AllTenantsFlag,
    /// Filters results by a name. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Filters results by a status. Default=None.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by a volume ID. Default=None.
    #[arg(long = "volume-id", alias = "volume_id", value_name = "volume-id")]
    pub volume_id: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub filters: ListFilters,
    /// Show total number of backup entities (API 3.45 and later).
    #[arg(long = "with-count", value_name = "True|False", num_args = 0..=1,
          default_missing_value = "true", value_parser = parse_bool)]
    pub with_count: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl BackupList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        // cinderclient's RESOURCE_FILTERS["backup-list"] are the `option`s.
        Query::default()
            .set("all_tenants", self.tenants.given().then_some(true))
            .option("name", self.name.as_ref())
            .option("status", self.status.as_ref())
            .option("volume_id", self.volume_id.as_ref())
            .set("with_count", self.with_count)
            .needs(self.with_count.is_some(), &gates::BACKUP_LIST_WITH_COUNT)
            .list_filters(&self.filters.pairs)
    }

    fn columns_at(&self, version: ApiVersion) -> Vec<Column> {
        let mut headers = vec![
            "ID",
            "Volume ID",
            "Status",
            "Name",
            "Size",
            "Object Count",
            "Container",
        ];
        if gates::has(version, &gates::BACKUP_USER_ID) {
            headers.push("User ID");
        }
        columns(&headers)
    }
}

impl Cmd for BackupList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, self.columns_at(ApiVersion::CLIENT_MAX)))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = self.columns_at(cinder.version());
        list::print_counted::<Backups>(
            cinder,
            "Backup",
            self.query()?,
            &self.page,
            &self.output,
            &columns,
            std::convert::identity,
        )
        .await
    }
}

#[derive(Args, Debug)]
pub struct BackupShow {
    /// Name or ID of backup.
    #[arg(value_name = "backup", value_parser = values::name_or_id)]
    pub backup: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for BackupShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        show::<Backups>(
            cinder,
            &self.backup,
            &self.output,
            Shape::PLAIN,
            without_links,
        )
        .await
    }
}

#[derive(Args, Debug)]
pub struct BackupUpdate {
    /// Name or ID of backup to rename.
    #[arg(value_name = "backup", value_parser = values::name_or_id)]
    pub backup: String,
    /// New name for backup.
    #[arg(long, value_name = "name", num_args = 0..=1)]
    pub name: Option<Option<String>>,
    /// Backup description. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Metadata key and value pairs (API 3.43 and later). Default=None.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub metadata: Option<Vec<String>>,
}

impl Cmd for BackupUpdate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        gates::require(cinder, &gates::BACKUP_UPDATE)?;
        if self.metadata.is_some() {
            gates::require(cinder, &gates::BACKUP_METADATA)?;
        }
        let metadata = self.metadata.as_deref().map(kv::parse).transpose()?;
        // `--name` without a value is cinderclient's None: not sent.
        let fields = without_nulls(json!({
            "name": self.name.flatten(),
            "description": self.description,
            "metadata": metadata,
        }));
        if fields.as_object().is_none_or(|f| f.is_empty()) {
            bail!("Must supply at least one: name, description or metadata.");
        }
        let id = find_id::<Backups>(cinder, &self.backup).await?;
        let request: types::BackupUpdateRequest = body(json!({ "backup": fields }))?;
        cinder
            .raw()
            .update_backup()
            .backup_id(id)
            .body(request)
            .run()
            .await?;
        println!(
            "Request to update backup '{}' has been accepted.",
            self.backup
        );
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct BackupRestore {
    /// Name or ID of backup to restore.
    #[arg(value_name = "backup", value_parser = values::name_or_id)]
    pub backup: String,
    /// Name or ID of existing volume to which to restore. This is mutually exclusive with
    /// --name and takes priority. Default=None.
    #[arg(long, alias = "volume-id", value_name = "volume")]
    pub volume: Option<String>,
    /// Use the name for new volume creation to restore. This is mutually exclusive with
    /// --volume and --volume takes priority. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Volume type for the new volume creation to restore (API 3.47 and later). This option
    /// is not valid when used with the "volume" option. Default=None.
    #[arg(long = "volume-type", value_name = "volume-type")]
    pub volume_type: Option<String>,
    /// AZ for the new volume creation to restore (API 3.47 and later). By default it will be
    /// the same as backup AZ. This option is not valid when used with the "volume" option.
    /// Default=None.
    #[arg(long = "availability-zone", value_name = "AZ")]
    pub availability_zone: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for BackupRestore {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        if self.volume_type.is_some() || self.availability_zone.is_some() {
            gates::require(cinder, &gates::VOLUME_FROM_BACKUP)?;
        }
        let volume_type = self.volume_type.as_ref();
        let zone = self.availability_zone.as_ref();
        let (volume_id, mut name) = match &self.volume {
            Some(volume) => {
                let id = find_id::<Volumes>(cinder, volume).await?;
                if self.name.is_some() {
                    println!(
                        "Mutually exclusive options are specified simultaneously: \"volume\" \
                         and \"name\". The volume option takes priority."
                    );
                }
                (Some(id), None)
            }
            None => (None, self.name.clone()),
        };
        if (volume_type.is_some() || zone.is_some()) && volume_id.is_some() {
            bail!(
                "The \"volume-type\" and \"availability-zone\" options are not valid when used \
                 with the \"volume\" option."
            );
        }
        let backup = find::<Backups>(cinder, &self.backup).await?;
        let backup_id = super::shared::find::id_of(&backup)?;
        let other_zone = zone.filter(|z| backup["availability_zone"].as_str() != Some(z));
        let mut info = json!({ "backup_id": backup_id });
        let restored_into = if volume_type.is_some() || other_zone.is_some() {
            // As cinderclient: a new volume of another type or zone is made by creating a
            // volume from the backup (3.47).
            let volume_name = name
                .take()
                .unwrap_or_else(|| format!("restore_backup_{backup_id}"));
            let volume = without_nulls(json!({
                "size": backup["size"],
                "name": volume_name,
                "volume_type": volume_type,
                "availability_zone": zone,
                "backup_id": backup_id,
            }));
            let request: types::VolumeCreateRequest = body(json!({ "volume": volume }))?;
            let created = cinder
                .raw()
                .create_volume()
                .body(request)
                .run_json()
                .await?;
            let id = created.into_json()["volume"]["id"].clone();
            merge(
                &mut info,
                json!({"volume_id": id, "volume_name": volume_name}),
            );
            id
        } else {
            let restore = without_nulls(json!({ "volume_id": volume_id, "name": name }));
            let request: types::BackupRestoreRequest = body(json!({ "restore": restore }))?;
            let answer = cinder
                .raw()
                .restore_backup()
                .backup_id(&backup_id)
                .body(request)
                .run_json()
                .await?;
            let restored = answer.into_json()["restore"].take();
            merge(&mut info, without_links(restored));
            info["volume_id"].clone()
        };
        if let Some(volume) = restored_into.as_str() {
            self.wait
                .until::<Volumes>(cinder, volume, &["available"])
                .await?;
        }
        self.output.print_object(&info)
    }
}

#[derive(Args, Debug)]
pub struct BackupExport {
    /// ID of the backup to export.
    #[arg(value_name = "backup")]
    pub backup: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for BackupExport {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder
            .raw()
            .export_backup_record()
            .backup_id(&self.backup)
            .run_json()
            .await?;
        self.output
            .print_object(&answer.into_json()["backup-record"].take())
    }
}

#[derive(Args, Debug)]
pub struct BackupImport {
    /// Backup service to use for importing the backup.
    #[arg(value_name = "backup_service")]
    pub backup_service: String,
    /// Backup URL for importing the backup metadata.
    #[arg(value_name = "backup_url")]
    pub backup_url: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for BackupImport {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let request: types::BackupRecordRequest = body(json!({
            "backup-record": {
                "backup_service": self.backup_service,
                "backup_url": self.backup_url,
            }
        }))?;
        let answer = cinder
            .raw()
            .import_backup_record()
            .body(request)
            .run_json()
            .await?;
        self.output
            .print_object(&without_links(answer.into_json()["backup"].take()))
    }
}

#[derive(Args, Debug)]
pub struct BackupResetState {
    /// The state to assign to the backup. Valid values are "available", "error".
    /// Default=available.
    #[arg(long, default_value = "available", value_name = "state")]
    pub state: String,
    /// Name or ID of the backup to modify.
    #[arg(value_name = "backup", required = true, value_parser = values::name_or_id)]
    pub backups: Vec<String>,
}

impl Cmd for BackupResetState {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let state = json!({ "status": self.state });
        let reset = Reporting {
            action: "Reset state",
            kind: "backup".into(),
            text_first: false,
            line_for_one: false,
            all_failed: "Unable to reset the state for any of the specified backups.".into(),
            one_failed_is_its_line: true,
        };
        AtOnce::ONE_BY_ONE
            .for_each_found::<Backups, _, _>(cinder, &self.backups, &reset, |id, name| {
                let state = state.clone();
                async move {
                    cinder
                        .raw()
                        .backup_reset_status(&id, body(state)?)
                        .run()
                        .await?;
                    println!("Request to update backup '{name}' has been accepted.");
                    Ok(())
                }
            })
            .await
    }
}
