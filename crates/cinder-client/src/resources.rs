//! Conveniences over the generated calls for the resources users wait on and look up.

use crate::error::{Error, Result};
use crate::types::{Snapshot, Volume};
use crate::wait::{wait_for, Observed, WaitOptions};
use crate::Cinder;

impl Cinder {
    /// Waits until volume `id` reaches one of `targets` (e.g. `["available"]`); fails at once if
    /// it goes to an `error*` status.
    pub async fn wait_for_volume(
        &self,
        id: &str,
        targets: &[&str],
        options: &WaitOptions,
    ) -> Result<Volume> {
        wait_for(&format!("volume {id}"), targets, options, || async {
            self.show_volume(id)
                .await
                .map(|v| Observed::Status(v.status))
        })
        .await?;
        self.show_volume(id).await
    }

    /// Waits until volume `id` no longer exists.
    pub async fn wait_for_volume_deleted(&self, id: &str, options: &WaitOptions) -> Result<()> {
        wait_for(&format!("volume {id}"), &[], options, || async {
            match self.show_volume(id).await {
                Ok(volume) => Ok(Observed::Status(volume.status)),
                Err(error) if error.is_not_found() => Ok(Observed::Gone),
                Err(error) => Err(error),
            }
        })
        .await
        .map(|_| ())
    }

    /// Waits until snapshot `id` reaches one of `targets`.
    pub async fn wait_for_snapshot(
        &self,
        id: &str,
        targets: &[&str],
        options: &WaitOptions,
    ) -> Result<Snapshot> {
        wait_for(&format!("snapshot {id}"), targets, options, || async {
            self.show_snapshot(id)
                .await
                .map(|s| Observed::Status(s.status))
        })
        .await?;
        self.show_snapshot(id).await
    }

    /// Waits until snapshot `id` no longer exists.
    pub async fn wait_for_snapshot_deleted(&self, id: &str, options: &WaitOptions) -> Result<()> {
        wait_for(&format!("snapshot {id}"), &[], options, || async {
            match self.show_snapshot(id).await {
                Ok(snapshot) => Ok(Observed::Status(snapshot.status)),
                Err(error) if error.is_not_found() => Ok(Observed::Gone),
                Err(error) => Err(error),
            }
        })
        .await
        .map(|_| ())
    }

    /// `GET /volumes/{id}`.
    pub async fn show_volume(&self, id: &str) -> Result<Volume> {
        Ok(self
            .call(self.raw().show_volume().volume_id(id).send())
            .await?
            .volume)
    }

    /// `GET /snapshots/{id}`.
    pub async fn show_snapshot(&self, id: &str) -> Result<Snapshot> {
        Ok(self
            .call(self.raw().show_snapshot().snapshot_id(id).send())
            .await?
            .snapshot)
    }

    /// A volume by id, or by name when exactly one volume has that name.
    pub async fn find_volume(&self, name_or_id: &str) -> Result<Volume> {
        match self.show_volume(name_or_id).await {
            Ok(volume) => return Ok(volume),
            Err(error) if error.is_not_found() => {}
            Err(error) => return Err(error),
        }
        let list = self
            .call(self.raw().list_volumes_detail().name(name_or_id).send())
            .await?;
        let mut matches: Vec<Volume> = list
            .volumes
            .into_iter()
            .filter(|v| v.name.as_deref() == Some(name_or_id))
            .collect();
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => Err(Error::NotFound(format!(
                "No volume with a name or ID of '{name_or_id}' exists."
            ))),
            _ => Err(Error::Ambiguous(format!(
                "Multiple volume matches found for '{name_or_id}', use an ID to be more specific."
            ))),
        }
    }
}
