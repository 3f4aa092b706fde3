//! The group snapshot commands: `group-snapshot-create`, `-delete`, `-list`, `-show` (API
//! 3.14 and later).

use anyhow::Result;
use cinder_client::resources::{GroupSnapshots, Groups};
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::super::shared::each::{AtOnce, Reporting};
use super::super::shared::find::{find_id, id_of};
use super::super::shared::list::{self, AllTenants, ListFilters, Query};
use super::super::shared::show::{show, without_links};
use super::super::shared::wait::WaitArgs;
use super::super::shared::{body, without_nulls};
use super::super::Cmd;
use super::lifecycle::status_columns;
use crate::gates::{self, require};
use crate::output::{Column, OutputArgs, PageArgs, Shape};
use crate::values;

#[derive(Args, Debug)]
pub struct GroupSnapshotCreate {
    /// Group snapshot name. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Group snapshot description. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Name or ID of a group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupSnapshotCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(
            cinder,
            &gates::GROUP_SNAPSHOTS.named("group-snapshot-create"),
        )?;
        let group_id = find_id::<Groups>(cinder, &self.group).await?;
        let fields = without_nulls(json!({
            "group_id": group_id,
            "name": self.name,
            "description": self.description,
        }));
        let request: types::GroupSnapshotCreateRequest = body(json!({ "group_snapshot": fields }))?;
        let answer = cinder
            .raw()
            .create_group_snapshot()
            .body(request)
            .run_json()
            .await?;
        let id = id_of(&answer.json()["group_snapshot"])?;
        // cinderclient shows the new snapshot as a show would (the create answers only its
        // ID, name and group type).
        let waited = self
            .wait
            .until::<GroupSnapshots>(cinder, &id, &["available"])
            .await?;
        let snapshot = match waited {
            Some(snapshot) => snapshot,
            None => cinder.group_snapshots().show_json(&id).await?,
        };
        self.output.print_object(&snapshot)
    }
}

#[derive(Args, Debug)]
pub struct GroupSnapshotDelete {
    /// Name or ID of one or more group snapshots to be deleted.
    #[arg(value_name = "group_snapshot", required = true, value_parser = values::name_or_id)]
    pub group_snapshots: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for GroupSnapshotDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(
            cinder,
            &gates::GROUP_SNAPSHOTS.named("group-snapshot-delete"),
        )?;
        AtOnce::ONE_BY_ONE
            .for_each_found::<GroupSnapshots, _, _>(
                cinder,
                &self.group_snapshots,
                &Reporting::deleting(
                    "group snapshot",
                    "Unable to delete any of the specified group snapshots.",
                ),
                |id, _| async move {
                    cinder.group_snapshots().delete(&id).await?;
                    self.wait.until_deleted::<GroupSnapshots>(cinder, &id).await
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct GroupSnapshotList {
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Filters results by a status. Default=None.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by a group ID. Default=None.
    #[arg(long = "group-id", alias = "group_id", value_name = "group_id")]
    pub group_id: Option<String>,
    #[command(flatten)]
    pub filters: ListFilters,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl GroupSnapshotList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        // cinderclient's duplicate check sees `--status` (an option named as its filter key),
        // not `--group-id`, whose name differs from the key `group_id`.
        Query::default()
            .needs(
                true,
                const { &gates::GROUP_SNAPSHOTS.named("group-snapshot-list") },
            )
            .set("all_tenants", self.tenants.given().then_some(true))
            .option("status", self.status.as_ref())
            .set("group_id", self.group_id.as_ref())
            .list_filters(&self.filters.pairs)
    }
}

impl Cmd for GroupSnapshotList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, status_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (query, columns) = (self.query()?, status_columns());
        list::print::<GroupSnapshots>(cinder, query, &self.page, &self.output, &columns, |v| v)
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupSnapshotShow {
    /// Name or ID of group snapshot.
    #[arg(value_name = "group_snapshot", value_parser = values::name_or_id)]
    pub group_snapshot: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupSnapshotShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_SNAPSHOTS.named("group-snapshot-show"))?;
        let (name, output) = (&self.group_snapshot, &self.output);
        show::<GroupSnapshots>(cinder, name, output, Shape::PLAIN, without_links).await
    }
}
