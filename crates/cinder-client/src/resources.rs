//! Conveniences over the generated calls for the resources users wait on and look up.

use futures::Stream;

use crate::error::{Error, Result};
use crate::paging::{paginate, Page};
use crate::types::{Snapshot, Volume, VolumeType};
use crate::wait::{wait_for, Observed, WaitOptions};
use crate::{ApiVersion, Cinder};

impl Cinder {
    /// Waits until volume `id` reaches one of `targets` (e.g. `["available"]`); fails at once if
    /// it goes to an `error*` status.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder, id: &str) -> cinder_client::Result<()> {
    /// use cinder_client::status::{HasStatus, VolumeStatus};
    /// use cinder_client::wait::WaitOptions;
    ///
    /// let volume = cinder
    ///     .wait_for_volume(id, &[VolumeStatus::Available], &WaitOptions::default())
    ///     .await?;
    /// assert_eq!(volume.typed_status(), VolumeStatus::Available);
    /// // Plain strings work too: `&["available", "in-use"]`.
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_volume<S: AsRef<str>>(
        &self,
        id: &str,
        targets: &[S],
        options: &WaitOptions,
    ) -> Result<Volume> {
        let targets: Vec<&str> = targets.iter().map(AsRef::as_ref).collect();
        let waited = wait_for(&format!("volume {id}"), &targets, options, || async {
            self.show_volume(id)
                .await
                .map(|v| Observed::Status(v.status))
        })
        .await;
        self.explained(waited, id).await?;
        self.show_volume(id).await
    }

    /// Waits until volume `id` no longer exists.
    pub async fn wait_for_volume_deleted(&self, id: &str, options: &WaitOptions) -> Result<()> {
        let waited = wait_for(&format!("volume {id}"), &[], options, || async {
            match self.show_volume(id).await {
                Ok(volume) => Ok(Observed::Status(volume.status)),
                Err(error) if error.is_not_found() => Ok(Observed::Gone),
                Err(error) => Err(error),
            }
        })
        .await;
        self.explained(waited, id).await.map(|_| ())
    }

    /// Waits until snapshot `id` reaches one of `targets`.
    pub async fn wait_for_snapshot<S: AsRef<str>>(
        &self,
        id: &str,
        targets: &[S],
        options: &WaitOptions,
    ) -> Result<Snapshot> {
        let targets: Vec<&str> = targets.iter().map(AsRef::as_ref).collect();
        let waited = wait_for(&format!("snapshot {id}"), &targets, options, || async {
            self.show_snapshot(id)
                .await
                .map(|s| Observed::Status(s.status))
        })
        .await;
        self.explained(waited, id).await?;
        self.show_snapshot(id).await
    }

    /// Waits until snapshot `id` no longer exists.
    pub async fn wait_for_snapshot_deleted(&self, id: &str, options: &WaitOptions) -> Result<()> {
        let waited = wait_for(&format!("snapshot {id}"), &[], options, || async {
            match self.show_snapshot(id).await {
                Ok(snapshot) => Ok(Observed::Status(snapshot.status)),
                Err(error) if error.is_not_found() => Ok(Observed::Gone),
                Err(error) => Err(error),
            }
        })
        .await;
        self.explained(waited, id).await.map(|_| ())
    }

    /// Adds to a failed wait why the resource failed, from its latest user message.
    async fn explained<T>(&self, waited: Result<T>, id: &str) -> Result<T> {
        match waited {
            Err(Error::Failed {
                what,
                status,
                reason: None,
            }) => Err(Error::Failed {
                what,
                status,
                reason: self.latest_user_message(id).await,
            }),
            other => other,
        }
    }

    /// The newest user message (`/messages`, 3.3+) about resource `id`, if any.
    pub async fn latest_user_message(&self, id: &str) -> Option<String> {
        if self.version() < ApiVersion(3) {
            return None;
        }
        let mut request = self.raw().list_messages();
        if self.version() >= ApiVersion(5) {
            request = request.resource_uuid(id).sort("created_at:desc").limit(1);
        }
        let messages = self.call(request.send()).await.ok()?.messages;
        messages
            .into_iter()
            .filter(|m| m.resource_uuid.as_deref() == Some(id))
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
            .map(|m| m.user_message)
    }

    /// Every volume visible to the project (with details), fetched `page_size` at a time as
    /// the stream is read.
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// use futures::TryStreamExt;
    ///
    /// let names: Vec<String> = cinder
    ///     .volumes(100)
    ///     .map_ok(|volume| volume.name.unwrap_or_default())
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn volumes(&self, page_size: u64) -> impl Stream<Item = Result<Volume>> + '_ {
        paginate(move |marker| async move {
            let mut request = self.raw().list_volumes_detail().limit(page_size);
            if let Some(marker) = marker {
                request = request.marker(marker);
            }
            let list = self.call(request.send()).await?;
            Ok(Page {
                items: list.volumes,
                links: list.volumes_links,
            })
        })
    }

    /// Every snapshot visible to the project (with details), `page_size` at a time.
    pub fn snapshots(&self, page_size: u64) -> impl Stream<Item = Result<Snapshot>> + '_ {
        paginate(move |marker| async move {
            let mut request = self.raw().list_snapshots_detail().limit(page_size);
            if let Some(marker) = marker {
                request = request.marker(marker);
            }
            let list = self.call(request.send()).await?;
            Ok(Page {
                items: list.snapshots,
                links: list.snapshots_links,
            })
        })
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

    /// A volume by id, or by name when exactly one volume has that name (cinderclient's
    /// `find_resource`, with its messages).
    ///
    /// ```no_run
    /// # async fn demo(cinder: &cinder_client::Cinder) -> cinder_client::Result<()> {
    /// let volume = cinder.find_volume("my-volume").await?;
    /// println!("{} is {}", volume.id, volume.status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn find_volume(&self, name_or_id: &str) -> Result<Volume> {
        match self.show_volume(name_or_id).await {
            Err(error) if means_missing(&error) => {}
            found => return found,
        }
        let list = self
            .call(self.raw().list_volumes_detail().name(name_or_id).send())
            .await?;
        let matches = list
            .volumes
            .into_iter()
            .filter(|v| v.name.as_deref() == Some(name_or_id));
        exactly_one("volume", name_or_id, matches.collect())
    }

    /// A snapshot by id, or by its unique name.
    pub async fn find_snapshot(&self, name_or_id: &str) -> Result<Snapshot> {
        match self.show_snapshot(name_or_id).await {
            Err(error) if means_missing(&error) => {}
            found => return found,
        }
        let list = self
            .call(self.raw().list_snapshots_detail().name(name_or_id).send())
            .await?;
        let matches = list
            .snapshots
            .into_iter()
            .filter(|s| s.name.as_deref() == Some(name_or_id));
        exactly_one("snapshot", name_or_id, matches.collect())
    }

    /// A volume type by id, or by its unique name among public and (for admins) private types.
    pub async fn find_volume_type(&self, name_or_id: &str) -> Result<VolumeType> {
        match self
            .call(self.raw().show_type().volume_type_id(name_or_id).send())
            .await
        {
            Err(error) if means_missing(&error) => {}
            found => return found.map(|response| response.volume_type),
        }
        let list = self
            .call(self.raw().list_types().is_public("None").send())
            .await?;
        let matches = list
            .volume_types
            .into_iter()
            .filter(|t| t.name == name_or_id);
        exactly_one("volume_type", name_or_id, matches.collect())
    }
}

/// Whether a lookup by id failed because there is no such resource (Cinder answers 400 rather
/// than 404 for some malformed ids).
pub fn means_missing(error: &Error) -> bool {
    error.is_not_found() || error.status() == Some(400)
}

fn exactly_one<T>(kind: &str, name_or_id: &str, mut matches: Vec<T>) -> Result<T> {
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Error::NotFound(format!(
            "No {kind} with a name or ID of '{name_or_id}' exists."
        ))),
        _ => Err(Error::Ambiguous(format!(
            "Multiple {kind} matches found for '{name_or_id}', use an ID to be more specific."
        ))),
    }
}
