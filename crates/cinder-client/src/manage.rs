//! `cinder.manageable()`: taking existing back-end storage under Cinder's management
//! (`POST /os-volume-manage`, `POST /os-snapshot-manage`), giving it back (`os-unmanage`), and
//! listing what a back end holds that Cinder could manage (3.8+).
//!
//! The manageable lists are paged by Cinder itself but without `*_links`: the marker of the next
//! page is the JSON of the last item's `reference` (cinder/volume/volume_utils.py
//! `paginate_entries_list`), so the generated link-following paginator does not apply and this
//! handle pages them.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::handle::{decode_value, path_id};
use crate::run::Run;
use crate::{types, Cinder};

/// Where the storage to list or manage lives: a volume service's host (`host@backend#pool`),
/// or from 3.17 (lists) / 3.16 (manage) a cluster (`cluster@backend`). Cinder takes exactly
/// one of the two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A volume service's host.
    Host(String),
    /// A cluster of volume services.
    Cluster(String),
}

/// Manage, unmanage and the manageable lists of a connection (see the module's documentation).
#[derive(Clone, Copy, Debug)]
pub struct Manageable<'c> {
    cinder: &'c Cinder,
    page_size: u64,
}

impl Cinder {
    /// Manage and unmanage volumes and snapshots, and list the manageable ones.
    ///
    /// ```no_run
    /// # use cinder_client::Cinder;
    /// use cinder_client::manage::Backend;
    /// use futures::TryStreamExt;
    /// # async fn demo(cinder: &Cinder) -> cinder_client::Result<()> {
    /// let on = Backend::Host("node@file#file".into());
    /// let free: Vec<_> = cinder.manageable().volumes(on.clone()).try_collect().await?;
    /// for candidate in free.iter().filter(|v| v.safe_to_manage) {
    ///     let volume = cinder
    ///         .manageable()
    ///         .manage_volume(on.clone(), candidate.reference.0.clone(), |v| v.name("adopted".to_string()))
    ///         .await?;
    ///     println!("{} is {}", volume.id, volume.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn manageable(&self) -> Manageable<'_> {
        Manageable {
            cinder: self,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// Cinder's own ceiling for a page (`osapi_max_limit`'s default).
const DEFAULT_PAGE_SIZE: u64 = 1000;

/// The driver's reference to a storage object (`{"source-name": "..."}`, ...).
pub type Reference = serde_json::Map<String, Value>;

impl<'c> Manageable<'c> {
    /// The same handle asking for pages of at most `size` items (the server may cap it lower).
    pub fn page_size(self, size: u64) -> Self {
        Manageable {
            page_size: size.max(1),
            ..self
        }
    }

    /// Manages the existing storage `reference` on `on` as a new volume; `params` sets the
    /// rest of the request (`.name(..)`, `.volume_type(..)`, `.metadata(..)`, `.bootable(..)`,
    /// ...). The volume is `creating` until the driver has taken the storage. The answer is
    /// Cinder's legacy detail view, without the microversioned fields.
    pub async fn manage_volume<F>(
        &self,
        on: Backend,
        reference: Reference,
        params: F,
    ) -> Result<types::Volume>
    where
        F: FnOnce(types::builder::VolumeManageParams) -> types::builder::VolumeManageParams,
    {
        decode_value(
            self.manage_volume_json(on, reference, params).await?,
            "volume",
        )
    }

    /// [`Manageable::manage_volume`], as the server sent the volume.
    pub async fn manage_volume_json<F>(
        &self,
        on: Backend,
        reference: Reference,
        params: F,
    ) -> Result<Value>
    where
        F: FnOnce(types::builder::VolumeManageParams) -> types::builder::VolumeManageParams,
    {
        let start = types::VolumeManageParams::builder().ref_(reference);
        let start = match on {
            Backend::Host(host) => start.host(host),
            Backend::Cluster(cluster) => start.cluster(cluster),
        };
        let volume: types::VolumeManageParams = params(start).try_into().map_err(invalid)?;
        let body = types::VolumeManageRequest { volume };
        let call = self.cinder.raw().manage_volume().body(body);
        let answer = call.run_json().await?.into_json();
        Ok(answer.get("volume").cloned().unwrap_or(answer))
    }

    /// Manages the existing back-end snapshot `reference` of volume `volume_id` as a new
    /// snapshot; `params` sets the name, description and metadata. The answer is the
    /// snapshot's base view.
    pub async fn manage_snapshot<F>(
        &self,
        volume_id: &str,
        reference: Reference,
        params: F,
    ) -> Result<types::SnapshotSummary>
    where
        F: FnOnce(types::builder::SnapshotManageParams) -> types::builder::SnapshotManageParams,
    {
        let json = self
            .manage_snapshot_json(volume_id, reference, params)
            .await?;
        decode_value(json, "snapshot")
    }

    /// [`Manageable::manage_snapshot`], as the server sent the snapshot.
    pub async fn manage_snapshot_json<F>(
        &self,
        volume_id: &str,
        reference: Reference,
        params: F,
    ) -> Result<Value>
    where
        F: FnOnce(types::builder::SnapshotManageParams) -> types::builder::SnapshotManageParams,
    {
        let start = types::SnapshotManageParams::builder()
            .volume_id(volume_id.to_string())
            .ref_(reference);
        let snapshot: types::SnapshotManageParams = params(start).try_into().map_err(invalid)?;
        let body = types::SnapshotManageRequest { snapshot };
        let call = self.cinder.raw().manage_snapshot().body(body);
        let answer = call.run_json().await?.into_json();
        Ok(answer.get("snapshot").cloned().unwrap_or(answer))
    }

    /// Removes volume `id` from Cinder; its storage stays on the back end (and is listed by
    /// [`Manageable::volumes`] again).
    pub async fn unmanage_volume(&self, id: &str) -> Result<()> {
        self.cinder.raw().volume_unmanage(path_id(id)?).run().await
    }

    /// Removes snapshot `id` from Cinder; the back-end snapshot stays.
    pub async fn unmanage_snapshot(&self, id: &str) -> Result<()> {
        self.cinder
            .raw()
            .snapshot_unmanage(path_id(id)?)
            .run()
            .await
    }

    /// Every storage object on `on` that Cinder could manage (detail view), in Cinder's order
    /// (by reference), fetched a page at a time as the stream is read.
    pub fn volumes(&self, on: Backend) -> BoxStream<'c, Result<types::ManageableVolumeDetail>> {
        typed(self.volumes_json(on), "manageable volume")
    }

    /// [`Manageable::volumes`], each as the server sent it.
    pub fn volumes_json(&self, on: Backend) -> BoxStream<'c, Result<Value>> {
        self.pages(Kind::Volumes, on)
    }

    /// Every back-end snapshot on `on` that Cinder could manage (detail view).
    pub fn snapshots(&self, on: Backend) -> BoxStream<'c, Result<types::ManageableSnapshotDetail>> {
        typed(self.snapshots_json(on), "manageable snapshot")
    }

    /// [`Manageable::snapshots`], each as the server sent it.
    pub fn snapshots_json(&self, on: Backend) -> BoxStream<'c, Result<Value>> {
        self.pages(Kind::Snapshots, on)
    }

    /// The detail list of `kind` on `on`, page after page: each page asks for the items after
    /// the last one's reference, until a page comes back empty (a short page is not the end:
    /// the server may cap `limit` below the page size asked for).
    fn pages(&self, kind: Kind, on: Backend) -> BoxStream<'c, Result<Value>> {
        let Manageable { cinder, page_size } = *self;
        let pages = stream::try_unfold(Some(None::<String>), move |state| {
            let on = on.clone();
            async move {
                let Some(marker) = state else {
                    return Ok::<_, Error>(None);
                };
                let mut answer = kind.page(cinder, &on, page_size, marker.clone()).await?;
                let items = match answer.get_mut(kind.items()).map(Value::take) {
                    Some(Value::Array(items)) => items,
                    None | Some(Value::Null) => Vec::new(),
                    Some(_) => {
                        return Err(Error::Decode {
                            operation: format!("the list of {}", kind.items()),
                            path: Some(kind.items().to_string()),
                            detail: "expected the list of resources, found another type".into(),
                            body: Some(answer.to_string()),
                            request_id: None,
                        })
                    }
                };
                let next = items
                    .last()
                    .and_then(|last| last.get("reference"))
                    .map(Value::to_string)
                    // The same marker twice would ask for the same page forever.
                    .filter(|next| Some(next) != marker.as_ref());
                Ok(Some((
                    stream::iter(items.into_iter().map(Ok)),
                    next.map(Some),
                )))
            }
        });
        pages.try_flatten().boxed()
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Volumes,
    Snapshots,
}

impl Kind {
    fn items(self) -> &'static str {
        match self {
            Kind::Volumes => "manageable-volumes",
            Kind::Snapshots => "manageable-snapshots",
        }
    }

    /// One detail page, as JSON.
    async fn page(
        self,
        cinder: &Cinder,
        on: &Backend,
        limit: u64,
        marker: Option<String>,
    ) -> Result<Value> {
        // The two builders are distinct types with the same setters.
        macro_rules! send {
            ($call:expr) => {{
                let call = $call.limit(limit);
                let call = match on {
                    Backend::Host(host) => call.host(host.clone()),
                    Backend::Cluster(cluster) => call.cluster(cluster.clone()),
                };
                let call = match marker {
                    Some(marker) => call.marker(marker),
                    None => call,
                };
                Ok(call.run_json().await?.into_json())
            }};
        }
        match self {
            Kind::Volumes => send!(cinder.raw().list_manageable_volumes_detail()),
            Kind::Snapshots => send!(cinder.raw().list_manageable_snapshots_detail()),
        }
    }
}

fn typed<'c, T: serde::de::DeserializeOwned + 'c>(
    items: BoxStream<'c, Result<Value>>,
    what: &'static str,
) -> BoxStream<'c, Result<T>> {
    items
        .map(move |item| item.and_then(|json| decode_value(json, what)))
        .boxed()
}

fn invalid(error: impl std::fmt::Display) -> Error {
    Error::InvalidRequest(error.to_string())
}
