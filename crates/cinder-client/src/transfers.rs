//! `cinder.transfers()`: volume transfers on the route python-cinderclient uses at the
//! negotiated microversion (`cinderclient/v3/volume_transfers.py`): `/volume-transfers` from
//! the version the spec gives it (3.55, which adds `no_snapshots`), `/os-volume-transfer`
//! below. The spec describes both routes as resources of their own
//! (`cinder.os_volume_transfer()` and `cinder.volume_transfers()`, generated); this handle
//! picks one per call and leaves find, show, list and delete to their generic [`Handle`]s
//! (docs/decisions/0015-transfer-routes.md).

use futures::stream::{self, BoxStream, StreamExt};
use serde_json::{json, Value};

use cinder_raw::resources::{OsVolumeTransfer, VolumeTransfers};

use crate::error::{Error, Result, Versions};
use crate::handle::{decode_value, path_id, Handle};
use crate::paging::{page_json, JsonPage, Paginate};
use crate::run::Run;
use crate::{types, ApiVersion, Cinder};

/// The route the transfers of a connection go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferRoute {
    /// `/os-volume-transfer` (below 3.55).
    OsVolumeTransfer,
    /// `/volume-transfers` (3.55 and later).
    VolumeTransfers,
}

impl TransferRoute {
    /// The route at microversion `version`: `/volume-transfers` from the version the spec's
    /// microversion table gives its operations.
    pub fn at(version: ApiVersion) -> TransferRoute {
        let since = cinder_raw::microversions::lookup("show_volume_transfer")
            .map_or(u16::MAX, |operation| operation.min);
        if version.0 >= since {
            TransferRoute::VolumeTransfers
        } else {
            TransferRoute::OsVolumeTransfer
        }
    }
}

/// The volume transfers of a connection (see the module's documentation).
#[derive(Clone, Copy, Debug)]
pub struct Transfers<'c> {
    cinder: &'c Cinder,
}

impl Cinder {
    /// Volume transfers, on `/volume-transfers` or `/os-volume-transfer` as the negotiated
    /// microversion has it (as python-cinderclient chooses).
    ///
    /// ```no_run
    /// # use cinder_client::Cinder;
    /// # async fn demo(cinder: &Cinder, other: &Cinder) -> cinder_client::Result<()> {
    /// let volume = "5aa119a8-d25b-45a7-8d1b-88e127885635";
    /// let offer = cinder.transfers().create(volume, Some("handover"), false).await?;
    /// // The other project, given the ID and the key:
    /// other.transfers().accept(&offer.id, &offer.auth_key).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn transfers(&self) -> Transfers<'_> {
        Transfers { cinder: self }
    }
}

impl<'c> Transfers<'c> {
    /// The route this connection's microversion uses.
    pub fn route(&self) -> TransferRoute {
        TransferRoute::at(self.cinder.version())
    }

    fn legacy(&self) -> Handle<'c, OsVolumeTransfer> {
        self.cinder.handle::<OsVolumeTransfer>()
    }

    fn current(&self) -> Handle<'c, VolumeTransfers> {
        self.cinder.handle::<VolumeTransfers>()
    }

    /// One transfer by ID (detail view).
    pub async fn show(&self, id: &str) -> Result<types::Transfer> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => self.legacy().show(id).await,
            TransferRoute::VolumeTransfers => self.current().show(id).await,
        }
    }

    /// [`Transfers::show`], as the server sent the transfer.
    pub async fn show_json(&self, id: &str) -> Result<Value> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => self.legacy().show_json(id).await,
            TransferRoute::VolumeTransfers => self.current().show_json(id).await,
        }
    }

    /// A transfer by ID, or by name when exactly one transfer has it, with cinderclient's
    /// messages ("No volumetransfer with a name or ID of 'x' exists.").
    pub async fn find(&self, name_or_id: &str) -> Result<types::Transfer> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => self.legacy().find(name_or_id).await,
            TransferRoute::VolumeTransfers => self.current().find(name_or_id).await,
        }
    }

    /// [`Transfers::find`], as the server sent the transfer.
    pub async fn find_json(&self, name_or_id: &str) -> Result<Value> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => self.legacy().find_json(name_or_id).await,
            TransferRoute::VolumeTransfers => self.current().find_json(name_or_id).await,
        }
    }

    /// Every transfer the caller can see (detail view). `/volume-transfers` is paged from the
    /// version that pages it (3.59); `/os-volume-transfer` answers in one page.
    pub fn all(&self) -> BoxStream<'c, Result<types::Transfer>> {
        self.pages_json()
            .map(|page| match page {
                Ok(page) => stream::iter(
                    page.items
                        .into_iter()
                        .map(|item| decode_value(item, "transfer")),
                )
                .boxed(),
                Err(error) => stream::once(async { Err(error) }).boxed(),
            })
            .flatten()
            .boxed()
    }

    /// The pages of [`Transfers::all`] as the server sent them, on the route of the version
    /// (a query set with [`crate::with_query`] around the stream applies to every page).
    pub fn pages_json(&self) -> BoxStream<'c, Result<JsonPage>> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => {
                let list = self.legacy().list();
                stream::once(page_json(list)).boxed()
            }
            TransferRoute::VolumeTransfers => self.current().list().pages_json().boxed(),
        }
    }

    /// Offers volume `volume_id` for transfer; the answer holds the `auth_key` the accepting
    /// project needs (shown only now). `no_snapshots` (leave the snapshots behind) needs
    /// `/volume-transfers`: below 3.55 it is refused before anything is sent.
    pub async fn create(
        &self,
        volume_id: &str,
        name: Option<&str>,
        no_snapshots: bool,
    ) -> Result<types::TransferCreated> {
        let json = self.create_json(volume_id, name, no_snapshots).await?;
        decode_value(json, "transfer")
    }

    /// [`Transfers::create`], as the server sent the transfer.
    pub async fn create_json(
        &self,
        volume_id: &str,
        name: Option<&str>,
        no_snapshots: bool,
    ) -> Result<Value> {
        let answer = match self.route() {
            TransferRoute::OsVolumeTransfer => {
                if no_snapshots {
                    let since = cinder_raw::microversions::lookup("create_volume_transfer")
                        .map_or(u16::MAX, |operation| operation.min);
                    return Err(Error::Unsupported {
                        operation: "the body field `transfer.no_snapshots` of create_transfer"
                            .into(),
                        needs: Versions {
                            min: ApiVersion(since),
                            max: ApiVersion::CLIENT_MAX,
                        },
                        using: self.cinder.version(),
                    });
                }
                let body: types::TransferCreateRequest =
                    request(json!({"transfer": {"volume_id": volume_id, "name": name}}))?;
                let call = self.cinder.raw().create_transfer().body(body);
                call.run_json().await?.into_json()
            }
            TransferRoute::VolumeTransfers => {
                // As cinderclient: `no_snapshots` is always sent on this route.
                let body: types::VolumeTransferCreateRequest = request(json!({"transfer": {
                    "volume_id": volume_id, "name": name, "no_snapshots": no_snapshots,
                }}))?;
                let call = self.cinder.raw().create_volume_transfer().body(body);
                call.run_json().await?.into_json()
            }
        };
        Ok(answer.get("transfer").cloned().unwrap_or(answer))
    }

    /// Accepts transfer `id` into the caller's project with its `auth_key`; the volume is
    /// the caller's when this returns (summary view of the transfer). A wrong key is an API
    /// error (400).
    pub async fn accept(&self, id: &str, auth_key: &str) -> Result<types::TransferSummary> {
        decode_value(self.accept_json(id, auth_key).await?, "transfer")
    }

    /// [`Transfers::accept`], as the server sent the transfer.
    pub async fn accept_json(&self, id: &str, auth_key: &str) -> Result<Value> {
        let id = path_id(id)?;
        let body: types::TransferAcceptRequest =
            request(json!({"accept": {"auth_key": auth_key}}))?;
        let answer = match self.route() {
            TransferRoute::OsVolumeTransfer => {
                let call = self
                    .cinder
                    .raw()
                    .accept_transfer()
                    .transfer_id(id)
                    .body(body);
                call.run_json().await?.into_json()
            }
            TransferRoute::VolumeTransfers => {
                let call = self.cinder.raw().accept_volume_transfer();
                let call = call.transfer_id(id).body(body);
                call.run_json().await?.into_json()
            }
        };
        Ok(answer.get("transfer").cloned().unwrap_or(answer))
    }

    /// Deletes transfer `id` (the volume is `available` to its project again).
    pub async fn delete(&self, id: &str) -> Result<()> {
        match self.route() {
            TransferRoute::OsVolumeTransfer => self.legacy().delete(id).await,
            TransferRoute::VolumeTransfers => self.current().delete(id).await,
        }
    }
}

fn request<T: serde::de::DeserializeOwned>(body: Value) -> Result<T> {
    serde_json::from_value(body).map_err(|e| Error::InvalidRequest(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_follows_cinderclient() {
        assert_eq!(
            TransferRoute::at(ApiVersion(54)),
            TransferRoute::OsVolumeTransfer
        );
        assert_eq!(
            TransferRoute::at(ApiVersion(55)),
            TransferRoute::VolumeTransfers
        );
        assert_eq!(
            TransferRoute::at(ApiVersion(71)),
            TransferRoute::VolumeTransfers
        );
    }
}
