//! `cinder create`, of one volume or (`--count N`) of many alike.

use std::sync::Mutex;

use anyhow::{bail, Result};
use cinder_client::resources::Volumes;
use cinder_client::{types, Cinder, Run};
use clap::{ArgGroup, Args};
use serde_json::{json, Value};

use super::list::{row, HEADERS};
use super::show::{readonly_copied, with_readonly};
use crate::commands::shared::each::{AtOnce, Reporting, DEFAULT_CONCURRENCY};
use crate::commands::shared::find::id_of;
use crate::commands::shared::wait::WaitArgs;
use crate::commands::shared::{body, without_nulls};
use crate::commands::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs};
use crate::{kv, values};

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("source").multiple(false)))]
pub struct Create {
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
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
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
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = values::concurrency, allow_negative_numbers = true)]
    pub concurrency: u32,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Create {
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
        let metadata = self.metadata.as_deref().map(kv::parse).transpose()?;
        let volume = without_nulls(json!({
            "size": self.size,
            "name": self.name,
            "description": self.description,
            "volume_type": self.volume_type,
            "availability_zone": self.availability_zone,
            "snapshot_id": self.snapshot_id,
            "source_volid": self.source_volid,
            "imageRef": self.image_id.as_ref().or(self.image.as_ref()),
            "backup_id": self.backup_id,
            "group_id": self.group_id,
            "consistencygroup_id": self.consisgroup_id,
            "metadata": metadata,
        }));
        let mut request = json!({ "volume": volume });
        if !self.hint.is_empty() {
            request["OS-SCH-HNT:scheduler_hints"] = kv::hints(&self.hint);
        }
        Ok(request)
    }
}

impl Cmd for Create {
    fn check(&self) -> Result<()> {
        self.request().map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        if self.group_id.is_some() {
            require(cinder, &gates::VOLUME_CREATE_GROUP_ID)?;
        }
        if self.backup_id.is_some() {
            require(cinder, &gates::VOLUME_CREATE_BACKUP_ID)?;
        }
        let request = self.request()?;
        if self.count > 1 {
            return self.many(cinder, request).await;
        }
        let id = id_of(&create(cinder, request).await?)?;
        // As cinderclient: the volume as shown after creating it, without its links; after
        // waiting (`--poll`) as shown then, links included.
        let volume = match self
            .wait
            .until::<Volumes>(cinder, &id, &["available"])
            .await?
        {
            Some(volume) => readonly_copied(volume),
            None => with_readonly(cinder.volumes().show_json(&id).await?),
        };
        self.output.print_object(&volume)
    }
}

/// Sends one create request; the new volume, as the server answered.
async fn create(cinder: &Cinder, request: Value) -> Result<Value> {
    let request = body::<types::VolumeCreateRequest>(request)?;
    let mut created = cinder
        .raw()
        .create_volume()
        .body(request)
        .run_json()
        .await?
        .into_json();
    Ok(created["volume"].take())
}

impl Create {
    /// `--count N`: N volumes from the same request, named `<name>-1` to `<name>-N` (unnamed
    /// without `--name`), `--concurrency` requests at a time. Prints the volumes created as a
    /// list (`cinder list`'s columns; `-c` takes any field), then fails if any create failed.
    async fn many(&self, cinder: &Cinder, request: Value) -> Result<()> {
        let count = self.count as usize;
        let base = request["volume"]["name"].as_str().map(str::to_string);
        let labels: Vec<String> = (1..=count)
            .map(|i| {
                base.as_ref()
                    .map_or(format!("#{i}"), |base| format!("{base}-{i}"))
            })
            .collect();
        let created: Mutex<Vec<Option<Value>>> = Mutex::new(vec![None; count]);
        // The items are started in order: the n-th call is the n-th volume.
        let mut next = 0;
        let at_once = AtOnce(self.concurrency as usize);
        let reporting = Reporting {
            action: "Create",
            ..Reporting::deleting("volume", "Unable to create any of the volumes.")
        };
        let outcome = at_once
            .for_each(&labels, &reporting, |label| {
                let index = next;
                next += 1;
                let mut request = request.clone();
                if base.is_some() {
                    request["volume"]["name"] = Value::String(label);
                }
                let created = &created;
                async move {
                    let volume = create(cinder, request).await?;
                    let volume = self
                        .wait
                        .then::<Volumes>(cinder, volume, &["available"])
                        .await?;
                    created.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(volume);
                    Ok(())
                }
            })
            .await;
        let created = created.into_inner().unwrap_or_else(|e| e.into_inner());
        let rows: Vec<Value> = created.into_iter().flatten().map(row).collect();
        if !rows.is_empty() {
            let mut available = columns(&HEADERS);
            // Any field of the volumes can be asked for by its key.
            if let Some(Value::Object(first)) = rows.first() {
                for key in first.keys() {
                    if !available.iter().any(|c| &c.key == key) {
                        available.push(Column::keyed(key));
                    }
                }
            }
            self.output.print_list(&available, rows)?;
        }
        outcome
    }
}
