//! The legacy consistency group snapshot commands: `cgsnapshot-create`, `-delete`, `-list`,
//! `-show` (every microversion; Cinder runs them on its group snapshot API).

use anyhow::Result;
use cinder_client::paging::page_json;
use cinder_client::resources::{Cgsnapshots, Consistencygroups};
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::super::shared::each::{AtOnce, Reporting};
use super::super::shared::find::{find_id, id_of};
use super::super::shared::list::{AllTenants, Query};
use super::super::shared::show::{show, without_links};
use super::super::shared::wait::WaitArgs;
use super::super::shared::{body, without_nulls};
use super::super::Cmd;
use super::consistency::CREATING;
use super::lifecycle::status_columns;
use crate::output::{Column, OutputArgs, Shape};
use crate::values;

#[derive(Args, Debug)]
pub struct CgsnapshotCreate {
    /// Name or ID of a consistency group.
    #[arg(value_name = "consistencygroup", value_parser = values::name_or_id)]
    pub consistencygroup: String,
    /// Cgsnapshot name. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Cgsnapshot description. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for CgsnapshotCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let group_id = find_id::<Consistencygroups>(cinder, &self.consistencygroup).await?;
        let fields = without_nulls(json!({
            "consistencygroup_id": group_id,
            "name": self.name,
            "description": self.description,
            "status": CREATING,
        }));
        let request: types::CgsnapshotCreateRequest = body(json!({ "cgsnapshot": fields }))?;
        let answer = cinder
            .raw()
            .create_cgsnapshot()
            .body(request)
            .run_json()
            .await?;
        let id = id_of(&answer.json()["cgsnapshot"])?;
        // cinderclient shows the new cgsnapshot as a show would (the create answers only its
        // ID and name).
        let waited = self
            .wait
            .until::<Cgsnapshots>(cinder, &id, &["available"])
            .await?;
        let snapshot = match waited {
            Some(snapshot) => snapshot,
            None => cinder.cgsnapshots().show_json(&id).await?,
        };
        self.output.print_object(&snapshot)
    }
}

#[derive(Args, Debug)]
pub struct CgsnapshotDelete {
    /// Name or ID of one or more cgsnapshots to be deleted.
    #[arg(value_name = "cgsnapshot", required = true, value_parser = values::name_or_id)]
    pub cgsnapshots: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for CgsnapshotDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        AtOnce::ONE_BY_ONE
            .for_each_found::<Cgsnapshots, _, _>(
                cinder,
                &self.cgsnapshots,
                &Reporting::deleting(
                    "cgsnapshot",
                    "Unable to delete any of the specified cgsnapshots.",
                ),
                |id, _| async move {
                    cinder.cgsnapshots().delete(&id).await?;
                    self.wait.until_deleted::<Cgsnapshots>(cinder, &id).await
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct CgsnapshotList {
    /// cinderclient reads `ALL_TENANTS` here (over the option, even; Cinder 29 ignores
    /// `all_tenants` on this list anyway).
    #[command(flatten)]
    pub tenants: AllTenants,
    /// Filters results by a status. Default=None. Sent as cinderclient sends it; Cinder 29
    /// ignores it and lists every cgsnapshot.
    #[arg(long, value_name = "status")]
    pub status: Option<String>,
    /// Filters results by a consistency group ID. Default=None. Sent as cinderclient sends
    /// it; Cinder 29 ignores it and lists every cgsnapshot.
    #[arg(
        long = "consistencygroup-id",
        alias = "consistencygroup_id",
        value_name = "consistencygroup_id"
    )]
    pub consistencygroup_id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for CgsnapshotList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, status_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        // Sent as cinderclient sends them, although Cinder 29 reads none of them (the spec's
        // list_cgsnapshots): the table is what the server answers.
        let query = Query::default()
            .set("all_tenants", self.tenants.given().then_some(true))
            .set("status", self.status.as_ref())
            .set("consistencygroup_id", self.consistencygroup_id.as_ref());
        // One request: Cinder pages this list by offset only, and sends no next link.
        let list = cinder.cgsnapshots().list();
        let page = cinder_client::with_query(query.pairs(), page_json(list)).await?;
        // cinderclient sorts the table by ID.
        self.output
            .print_list_sorted_by(&status_columns(), Some("id"), page.items)
    }
}

#[derive(Args, Debug)]
pub struct CgsnapshotShow {
    /// Name or ID of cgsnapshot.
    #[arg(value_name = "cgsnapshot", value_parser = values::name_or_id)]
    pub cgsnapshot: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for CgsnapshotShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (name, output) = (&self.cgsnapshot, &self.output);
        show::<Cgsnapshots>(cinder, name, output, Shape::PLAIN, without_links).await
    }
}
