//! `cinder delete` and `cinder force-delete`.

use anyhow::Result;
use cinder_client::resources::Volumes;
use cinder_client::{Cinder, Run};
use clap::Args;

use crate::commands::shared::each::{AtOnce, Reporting, DEFAULT_CONCURRENCY};
use crate::commands::shared::wait::WaitArgs;
use crate::commands::Cmd;
use crate::gates::{self, require};
use crate::values;

#[derive(Args, Debug)]
pub struct Delete {
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
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
          value_parser = values::concurrency, allow_negative_numbers = true)]
    pub concurrency: u32,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for Delete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        if self.force {
            require(cinder, &gates::VOLUME_DELETE_FORCE)?;
        }
        let at_once = AtOnce(self.concurrency as usize);
        at_once
            .for_each_found::<Volumes, _, _>(
                cinder,
                &self.volumes,
                &Reporting::deleting("volume", "Unable to delete any of the specified volumes."),
                |id, name| async move {
                    let mut request = cinder.raw().delete_volume().volume_id(&id);
                    if self.cascade {
                        request = request.cascade(true);
                    }
                    if self.force {
                        request = request.force(true);
                    }
                    request.run().await?;
                    println!("Request to delete volume {name} has been accepted.");
                    self.wait.until_deleted::<Volumes>(cinder, &id).await
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct ForceDelete {
    /// Name or ID of volume or volumes.
    #[arg(value_name = "volume", required = true, value_parser = values::name_or_id)]
    pub volumes: Vec<String>,
}

impl Cmd for ForceDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        AtOnce::ONE_BY_ONE
            .for_each_found::<Volumes, _, _>(
                cinder,
                &self.volumes,
                &Reporting::deleting(
                    "volume",
                    "Unable to force delete any of the specified volumes.",
                ),
                |id, _| async move { Ok(cinder.raw().volume_force_delete(&id).run().await?) },
            )
            .await
    }
}
