//! The legacy consistency group commands: `consisgroup-create`, `-create-from-src`, `-delete`,
//! `-list`, `-show`, `-update` (every microversion; Cinder runs them on its group API with
//! the `default_cgsnapshot_type` group type).

use anyhow::{bail, Result};
use cinder_client::resources::{Cgsnapshots, Consistencygroups};
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::super::shared::each::{AtOnce, Reporting};
use super::super::shared::find::{find_id, id_of};
use super::super::shared::list::{self, AllTenantsFlag, Query};
use super::super::shared::show::{show, without_links};
use super::super::shared::wait::WaitArgs;
use super::super::shared::{body, without_nulls};
use super::super::Cmd;
use super::lifecycle::{check_update, status_columns};
use crate::output::{Column, OutputArgs, PageArgs, Shape};
use crate::values;

/// The `status` python-cinderclient puts in every create body of this family. Cinder ignores
/// it (the new group or cgsnapshot is `creating` whatever it says); it is sent so that both
/// clients ask the same.
pub(super) const CREATING: &str = "creating";

#[derive(Args, Debug)]
pub struct ConsisgroupCreate {
    /// Volume types.
    #[arg(value_name = "volume-types", value_parser = values::name_or_id)]
    pub volume_types: String,
    /// Name of a consistency group.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Description of a consistency group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Availability zone for volume. Default=None.
    #[arg(
        long = "availability-zone",
        alias = "availability_zone",
        value_name = "availability-zone"
    )]
    pub availability_zone: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ConsisgroupCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        // The volume types go as given, one comma-separated string: Cinder splits them.
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "volume_types": self.volume_types,
            "availability_zone": self.availability_zone,
            "status": CREATING,
        }));
        let request: types::ConsistencyGroupCreateRequest =
            body(json!({ "consistencygroup": fields }))?;
        let answer = cinder
            .raw()
            .create_consistencygroup()
            .body(request)
            .run_json()
            .await?;
        let id = id_of(&answer.json()["consistencygroup"])?;
        // cinderclient shows the new group as a show would (the create answers only its ID
        // and name).
        let waited = self
            .wait
            .until::<Consistencygroups>(cinder, &id, &["available"])
            .await?;
        let group = match waited {
            Some(group) => group,
            None => cinder.consistencygroups().show_json(&id).await?,
        };
        self.output.print_object(&group)
    }
}

#[derive(Args, Debug)]
pub struct ConsisgroupCreateFromSrc {
    /// Name or ID of a cgsnapshot. Default=None.
    #[arg(long, value_name = "cgsnapshot", value_parser = values::name_or_id)]
    pub cgsnapshot: Option<String>,
    /// Name or ID of a source CG. Default=None.
    #[arg(long = "source-cg", alias = "source_cg", value_name = "source-cg",
          value_parser = values::name_or_id)]
    pub source_cg: Option<String>,
    /// Name of a consistency group. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Description of a consistency group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ConsisgroupCreateFromSrc {
    fn check(&self) -> Result<()> {
        match (&self.cgsnapshot, &self.source_cg) {
            (None, None) => bail!(
                "Cannot create consistency group because neither cgsnapshot nor source CG is \
                 provided (give --cgsnapshot or --source-cg)."
            ),
            (Some(_), Some(_)) => bail!(
                "Cannot create consistency group because both cgsnapshot and source CG are \
                 provided (give only one of --cgsnapshot and --source-cg)."
            ),
            _ => Ok(()),
        }
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let cgsnapshot = match &self.cgsnapshot {
            Some(name) => Some(find_id::<Cgsnapshots>(cinder, name).await?),
            None => None,
        };
        let source_cg = match &self.source_cg {
            Some(name) => Some(find_id::<Consistencygroups>(cinder, name).await?),
            None => None,
        };
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "cgsnapshot_id": cgsnapshot,
            "source_cgid": source_cg,
            "status": CREATING,
        }));
        let request: types::ConsistencyGroupCreateFromSrcRequest =
            body(json!({ "consistencygroup-from-src": fields }))?;
        let answer = cinder
            .raw()
            .create_consistencygroup_from_src()
            .body(request)
            .run_json()
            .await?;
        // cinderclient prints the answer itself: the new group's ID and name.
        let created = answer.into_json()["consistencygroup"].take();
        let created = self
            .wait
            .then::<Consistencygroups>(cinder, created, &["available"])
            .await?;
        self.output.print_object(&created)
    }
}

#[derive(Args, Debug)]
pub struct ConsisgroupDelete {
    /// Name or ID of one or more consistency groups to be deleted.
    #[arg(value_name = "consistencygroup", required = true, value_parser = values::name_or_id)]
    pub consistencygroups: Vec<String>,
    /// Allows or disallows consistency groups to be deleted. If the consistency group is
    /// empty, it can be deleted without the force flag. If the consistency group is not empty,
    /// the force flag is required for it to be deleted.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for ConsisgroupDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        // cinderclient always sends `force`, false without the flag.
        let delete = json!({ "consistencygroup": { "force": self.force } });
        AtOnce::ONE_BY_ONE
            .for_each_found::<Consistencygroups, _, _>(
                cinder,
                &self.consistencygroups,
                &Reporting::deleting(
                    "consistency group",
                    "Unable to delete any of the specified consistency groups.",
                ),
                |id, _| {
                    let delete = delete.clone();
                    async move {
                        let request: types::ConsistencyGroupDeleteRequest = body(delete)?;
                        cinder
                            .raw()
                            .delete_consistencygroup()
                            .consistencygroup_id(&id)
                            .body(request)
                            .run()
                            .await?;
                        self.wait
                            .until_deleted::<Consistencygroups>(cinder, &id)
                            .await
                    }
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct ConsisgroupList {
    /// cinderclient's `consisgroup-list` does not read `ALL_TENANTS` (its default is 0).
    #[command(flatten)]
    pub tenants: AllTenantsFlag,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ConsisgroupList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, status_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let query = Query::default().set("all_tenants", self.tenants.given().then_some(true));
        let columns = status_columns();
        list::print::<Consistencygroups>(cinder, query, &self.page, &self.output, &columns, |v| v)
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct ConsisgroupShow {
    /// Name or ID of a consistency group.
    #[arg(value_name = "consistencygroup", value_parser = values::name_or_id)]
    pub consistencygroup: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ConsisgroupShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (name, output) = (&self.consistencygroup, &self.output);
        show::<Consistencygroups>(cinder, name, output, Shape::PLAIN, without_links).await
    }
}

#[derive(Args, Debug)]
pub struct ConsisgroupUpdate {
    /// Name or ID of a consistency group.
    #[arg(value_name = "consistencygroup", value_parser = values::name_or_id)]
    pub consistencygroup: String,
    /// New name for consistency group. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// New description for consistency group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// UUID of one or more volumes to be added to the consistency group, separated by commas.
    /// Default=None.
    #[arg(
        long = "add-volumes",
        alias = "add_volumes",
        value_name = "uuid1,uuid2,......"
    )]
    pub add_volumes: Option<String>,
    /// UUID of one or more volumes to be removed from the consistency group, separated by
    /// commas. Default=None.
    #[arg(
        long = "remove-volumes",
        alias = "remove_volumes",
        value_name = "uuid3,uuid4,......"
    )]
    pub remove_volumes: Option<String>,
}

impl Cmd for ConsisgroupUpdate {
    fn check(&self) -> Result<()> {
        check_update(
            &self.name,
            &self.description,
            &self.add_volumes,
            &self.remove_volumes,
        )
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Consistencygroups>(cinder, &self.consistencygroup).await?;
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "add_volumes": self.add_volumes,
            "remove_volumes": self.remove_volumes,
        }));
        let request: types::ConsistencyGroupUpdateRequest =
            body(json!({ "consistencygroup": fields }))?;
        cinder
            .raw()
            .update_consistencygroup()
            .consistencygroup_id(&id)
            .body(request)
            .run()
            .await?;
        println!(
            "Request to update consistency group '{}' has been accepted.",
            self.consistencygroup
        );
        Ok(())
    }
}
