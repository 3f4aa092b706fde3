//! The volume transfer family: `transfer-create`, `-delete`, `-list`, `-show` and `-accept`, as
//! python-cinderclient 9.10 has them (cinderclient/v3/shell.py and shell_base.py). Every call
//! goes through the library's `cinder.transfers()`, which sends it to `/volume-transfers` from
//! 3.55 and to `/os-volume-transfer` below, as cinderclient's manager does.

use anyhow::{bail, Result};
use cinder_client::paging::JsonPage;
use cinder_client::resources::Volumes;
use cinder_client::Cinder;
use clap::Args;
use futures::TryStreamExt;
use serde_json::Value;

use super::shared::each::{AtOnce, Reporting};
use super::shared::find::{find_id, id_of};
use super::shared::list::{AllTenants, Query};
use super::shared::show::without_links;
use super::shared::wait::WaitArgs;
use super::Cmd;
use crate::gates;
use crate::output::{columns, Column, OutputArgs};
use crate::values;

#[derive(Args, Debug)]
pub struct TransferCreate {
    /// Name or ID of volume to transfer.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// Transfer name. Default=None.
    #[arg(long, aliases = ["display-name", "display_name"], value_name = "name")]
    pub name: Option<String>,
    /// Allows or disallows transfer volumes without snapshots. Default=False (API 3.55 and
    /// later).
    #[arg(long = "no-snapshots", alias = "no_snapshots")]
    pub no_snapshots: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TransferCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        // cinderclient has --no-snapshots from 3.55 only (its usage error below).
        if self.no_snapshots {
            gates::require(cinder, &gates::TRANSFER_NO_SNAPSHOTS)?;
        }
        let volume_id = find_id::<Volumes>(cinder, &self.volume).await?;
        let transfer = cinder
            .transfers()
            .create_json(&volume_id, self.name.as_deref(), self.no_snapshots)
            .await?;
        // The auth key is printed, as cinderclient prints it: the user hands it to the
        // accepting project, and it cannot be shown again. It is masked in --debug logs.
        self.output.print_object(&without_links(transfer))
    }
}

#[derive(Args, Debug)]
pub struct TransferDelete {
    /// Name or ID of transfer to delete.
    #[arg(value_name = "transfer", required = true, value_parser = values::name_or_id)]
    pub transfers: Vec<String>,
}

impl Cmd for TransferDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let reporting = Reporting::deleting(
            "volume transfer",
            "Unable to delete any of the specified volume transfers.",
        );
        AtOnce::ONE_BY_ONE
            .for_each(&self.transfers, &reporting, |name| async move {
                let transfers = cinder.transfers();
                let id = id_of(&transfers.find_json(&name).await?)?;
                Ok(transfers.delete(&id).await?)
            })
            .await
    }
}

#[derive(Args, Debug)]
pub struct TransferList {
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Sort keys and directions in the form of <key>[:<asc|desc>] (API 3.59 and later).
    #[arg(long, value_name = "key[:direction]", value_parser = values::sort)]
    pub sort: Option<String>,
    /// Filter key and value pairs (API 3.52 and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The columns of `transfer-list`.
fn list_columns() -> Vec<Column> {
    columns(&["ID", "Volume ID", "Name"])
}

impl TransferList {
    /// The query; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let sort = match &self.sort {
            // cinderclient's check of the whole value (so `a:asc,b:desc` is refused too).
            Some(sort) if sort.split(':').count() > 2 => bail!(
                "Invalid sort parameter provided. Argument must be in the form \
                 \"key[:<asc|desc>]\"."
            ),
            // cinderclient's SORT_KEY_MAPPINGS: transfers have a display_name, not a name.
            Some(sort) => Some(
                sort.split(',')
                    .map(|item| match item.split_once(':') {
                        Some(("name", direction)) => format!("display_name:{direction}"),
                        None if item == "name" => "display_name".to_string(),
                        _ => item.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            None => None,
        };
        Query::default()
            .set("all_tenants", self.tenants.given().then_some(1))
            .set("sort", sort)
            .needs(self.sort.is_some(), &gates::TRANSFER_LIST_SORT)
            .needs(self.filters.is_some(), &gates::TRANSFER_LIST_FILTERS)
            .list_filters(&self.filters)
    }
}

impl Cmd for TransferList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, list_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let query = self.query()?;
        query.require(cinder)?;
        let pairs = query.pairs();
        // The detail list (cinderclient's `detailed=True`), on the route of the version.
        let pages: Vec<JsonPage> =
            cinder_client::with_query(pairs, cinder.transfers().pages_json().try_collect()).await?;
        let rows: Vec<Value> = pages.into_iter().flat_map(|page| page.items).collect();
        // cinderclient's print_list sorts by the first column, ID, whatever --sort asked.
        self.output
            .print_list_sorted_by(&list_columns(), Some("id"), rows)
    }
}

#[derive(Args, Debug)]
pub struct TransferShow {
    /// Name or ID of transfer to accept.
    #[arg(value_name = "transfer", value_parser = values::name_or_id)]
    pub transfer: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TransferShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let transfer = cinder.transfers().find_json(&self.transfer).await?;
        self.output.print_object(&without_links(transfer))
    }
}

#[derive(Args, Debug)]
pub struct TransferAccept {
    /// ID of transfer to accept.
    #[arg(value_name = "transfer")]
    pub transfer: String,
    /// Authentication key of transfer to accept.
    #[arg(value_name = "auth_key")]
    pub auth_key: String,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TransferAccept {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let transfer = cinder
            .transfers()
            .accept_json(&self.transfer, &self.auth_key)
            .await?;
        // The volume goes from awaiting-transfer to available in the accepting project.
        if let Some(volume) = transfer.get("volume_id").and_then(Value::as_str) {
            self.wait
                .until::<Volumes>(cinder, volume, &["available"])
                .await?;
        }
        self.output.print_object(&without_links(transfer))
    }
}
