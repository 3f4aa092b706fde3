//! The commands that change one volume: rename, extend, retype, migrate, set-bootable,
//! readonly-mode-update, reset-state, upload-to-image, revert-to-snapshot.

use anyhow::{bail, Result};
use cinder_client::resources::{Backups, GroupSnapshots, Groups, Snapshots, Volumes};
use cinder_client::{Cinder, Run};
use clap::{ArgGroup, Args, ValueEnum};
use serde_json::json;

use crate::commands::shared::find::{find, find_id, id_of, text};
use crate::commands::shared::reset::reset_each;
use crate::commands::shared::update::{check_rename, update};
use crate::commands::shared::wait::WaitArgs;
use crate::commands::shared::{body, without_nulls};
use crate::commands::Cmd;
use crate::gates::{self, require};
use crate::output::OutputArgs;
use crate::values::{self, parse_bool};

#[derive(Args, Debug)]
pub struct Rename {
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

impl Cmd for Rename {
    fn check(&self) -> Result<()> {
        check_rename(&self.name, &self.description)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let fields = json!({ "name": self.name, "description": self.description });
        update::<Volumes>(cinder, &self.volume, fields)
            .await
            .map(drop)
    }
}

#[derive(Args, Debug)]
pub struct Extend {
    /// Name or ID of volume to extend.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// New size of volume, in GiBs.
    #[arg(value_name = "new_size", value_parser = values::size, allow_negative_numbers = true)]
    pub new_size: u64,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for Extend {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let volume = find::<Volumes>(cinder, &self.volume).await?;
        let id = id_of(&volume)?;
        let request = body(json!({ "new_size": self.new_size }))?;
        cinder.raw().volume_extend(&id, request).run().await?;
        // Back to where it was: `available`, or `in-use` for an attached volume.
        let status = text(&volume, "status").unwrap_or_default();
        self.wait
            .until::<Volumes>(cinder, &id, &[&status])
            .await
            .map(drop)
    }
}

/// The entities `reset-state --type` takes. Each is one arm of [`ResetState::run`]: the
/// request that resets one entity found by name or ID.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EntityType {
    Volume,
    Backup,
    Snapshot,
    /// API 3.20 and later.
    Group,
    /// API 3.19 and later.
    GroupSnapshot,
}

#[derive(Args, Debug)]
pub struct ResetState {
    /// Type of entity to update: volume, backup, snapshot, group (API 3.20 and later) or
    /// group-snapshot (API 3.19 and later). Default=volume.
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

impl Cmd for ResetState {
    fn check(&self) -> Result<()> {
        if !matches!(self.entity_type, EntityType::Volume)
            && (self.attach_status.is_some() || self.reset_migration_status)
        {
            let kind = self.entity_type.to_possible_value().expect("not skipped");
            bail!(
                "--attach-status and --reset-migration-status apply to volumes only, not with \
                 --type {}.",
                kind.get_name()
            );
        }
        Ok(())
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let given =
            self.state.is_some() || self.attach_status.is_some() || self.reset_migration_status;
        let state = self
            .state
            .clone()
            .or_else(|| (!given).then(|| "available".to_string()));
        // Every entity but a volume takes only its status.
        let status = json!({ "status": state.clone().unwrap_or_else(|| "available".into()) });
        let names = &self.entities;
        let raw = cinder.raw();
        match self.entity_type {
            EntityType::Volume => {
                let migration = self.reset_migration_status.then_some("none");
                let fields = without_nulls(json!({
                    "status": state, "attach_status": self.attach_status, "migration_status": migration
                }));
                reset_each::<Volumes, _, _>(cinder, names, |id| {
                    let fields = fields.clone();
                    async move { Ok(raw.volume_reset_status(&id, body(fields)?).run().await?) }
                })
                .await
            }
            EntityType::Backup => {
                reset_each::<Backups, _, _>(cinder, names, |id| {
                    let status = status.clone();
                    async move { Ok(raw.backup_reset_status(&id, body(status)?).run().await?) }
                })
                .await
            }
            EntityType::Snapshot => {
                reset_each::<Snapshots, _, _>(cinder, names, |id| {
                    let status = status.clone();
                    async move { Ok(raw.snapshot_reset_status(&id, body(status)?).run().await?) }
                })
                .await
            }
            EntityType::Group => {
                require(cinder, &gates::GROUP_RESET_STATE)?;
                reset_each::<Groups, _, _>(cinder, names, |id| {
                    let status = status.clone();
                    async move { Ok(raw.group_reset_status(&id, body(status)?).run().await?) }
                })
                .await
            }
            EntityType::GroupSnapshot => {
                require(cinder, &gates::GROUP_SNAPSHOT_RESET_STATE)?;
                reset_each::<GroupSnapshots, _, _>(cinder, names, |id| {
                    let status = status.clone();
                    async move {
                        let status = body(status)?;
                        Ok(raw.group_snapshot_reset_status(&id, status).run().await?)
                    }
                })
                .await
            }
        }
    }
}

#[derive(Args, Debug)]
pub struct Retype {
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

impl Cmd for Retype {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let volume = find::<Volumes>(cinder, &self.volume).await?;
        let id = id_of(&volume)?;
        let request =
            json!({ "new_type": self.volume_type, "migration_policy": self.migration_policy });
        cinder
            .raw()
            .volume_retype(&id, body(request)?)
            .run()
            .await?;
        let status = text(&volume, "status").unwrap_or_default();
        self.wait
            .until::<Volumes>(cinder, &id, &[&status])
            .await
            .map(drop)
    }
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("destination").required(true).multiple(false)))]
pub struct Migrate {
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

impl Cmd for Migrate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        // clap has made sure there is exactly one of the host and --cluster.
        if self.cluster.is_some() {
            require(cinder, &gates::MIGRATE_CLUSTER)?;
        }
        let id = find_id::<Volumes>(cinder, &self.volume).await?;
        let request = without_nulls(json!({
            "host": self.host,
            "cluster": self.cluster,
            "force_host_copy": self.force_host_copy.unwrap_or(false),
            "lock_volume": self.lock_volume.unwrap_or(false),
        }));
        cinder
            .raw()
            .volume_migrate(&id, body(request)?)
            .run()
            .await?;
        println!(
            "Request to migrate volume {} has been accepted.",
            self.volume
        );
        self.wait.migration(cinder, &id).await
    }
}

#[derive(Args, Debug)]
pub struct FlagArgs {
    /// ID or name of the volume.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The new flag value.
    #[arg(value_name = "True|true|False|false", value_parser = values::true_false,
          action = clap::ArgAction::Set)]
    pub flag: bool,
}

#[derive(Args, Debug)]
pub struct SetBootable {
    #[command(flatten)]
    pub args: FlagArgs,
}

impl Cmd for SetBootable {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Volumes>(cinder, &self.args.volume).await?;
        let request = body(json!({ "bootable": self.args.flag }))?;
        Ok(cinder.raw().volume_set_bootable(&id, request).run().await?)
    }
}

#[derive(Args, Debug)]
pub struct ReadonlyModeUpdate {
    #[command(flatten)]
    pub args: FlagArgs,
}

impl Cmd for ReadonlyModeUpdate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Volumes>(cinder, &self.args.volume).await?;
        let request = body(json!({ "readonly": self.args.flag }))?;
        Ok(cinder
            .raw()
            .volume_update_readonly_flag(&id, request)
            .run()
            .await?)
    }
}

#[derive(Args, Debug)]
pub struct UploadToImage {
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

impl Cmd for UploadToImage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        if self.visibility.is_some() || self.protected.is_some() {
            require(cinder, &gates::UPLOAD_VISIBILITY)?;
        }
        let volume = find::<Volumes>(cinder, &self.volume).await?;
        let id = id_of(&volume)?;
        // cinderclient's defaults where the version has the fields.
        let defaults = gates::has(cinder.version(), &gates::UPLOAD_VISIBILITY);
        let request = without_nulls(json!({
            "image_name": self.image_name_option.unwrap_or(self.image_name),
            "container_format": self.container_format,
            "disk_format": self.disk_format,
            "force": self.force.unwrap_or(false),
            "visibility": self.visibility.or(defaults.then(|| "private".to_string())),
            "protected": self.protected.or(defaults.then_some(false)),
        }));
        let answer = cinder
            .raw()
            .volume_upload_image(&id, body(request)?)
            .run_json()
            .await?;
        let status = text(&volume, "status").unwrap_or_default();
        self.wait.until::<Volumes>(cinder, &id, &[&status]).await?;
        let mut image = answer.into_json()["os-volume_upload_image"].take();
        // As cinderclient's `print_volume_image`: the type by its name.
        if let Some(name) = image.pointer("/volume_type/name").cloned() {
            image["volume_type"] = name;
        }
        self.output.print_object(&image)
    }
}

#[derive(Args, Debug)]
pub struct RevertToSnapshot {
    /// Name or ID of the snapshot to restore. The snapshot must be the most recent one known
    /// to cinder.
    #[arg(value_name = "snapshot", value_parser = values::name_or_id)]
    pub snapshot: String,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for RevertToSnapshot {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::REVERT)?;
        let snapshot = find::<Snapshots>(cinder, &self.snapshot).await?;
        let volume = text(&snapshot, "volume_id").unwrap_or_default();
        let request = body(json!({ "snapshot_id": id_of(&snapshot)? }))?;
        cinder.raw().volume_revert(&volume, request).run().await?;
        self.wait
            .until::<Volumes>(cinder, &volume, &["available"])
            .await
            .map(drop)
    }
}

#[derive(Args, Debug)]
pub struct Reimage {
    /// Name or ID of volume to reimage
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The image id of the image that will be used to reimage the volume.
    #[arg(value_name = "image-id")]
    pub image_id: String,
    /// Enables or disables reimage for a volume that is in reserved state otherwise only
    /// volumes in "available"  or "error" status may be re-imaged. Default=False.
    #[arg(long = "reimage-reserved", alias = "reimage_reserved", value_name = "True|False",
          value_parser = values::server_boolean)]
    pub reimage_reserved: Option<String>,
}

impl Cmd for Reimage {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::REIMAGE)?;
        let id = find_id::<Volumes>(cinder, &self.volume).await?;
        // cinderclient sends the flag as typed, and `false` when it is not given.
        let reserved = self
            .reimage_reserved
            .map_or(json!(false), serde_json::Value::from);
        let request = body(json!({ "image_id": self.image_id, "reimage_reserved": reserved }))?;
        Ok(cinder.raw().volume_reimage(&id, request).run().await?)
    }
}
