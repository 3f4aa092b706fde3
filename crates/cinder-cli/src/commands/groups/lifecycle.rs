//! The group commands: `group-create`, `-create-from-src`, `-delete`, `-list`, `-show`,
//! `-update` (API 3.13 and later; create-from-src 3.14) and the replication commands (3.38).

use std::collections::BTreeSet;

use anyhow::{bail, Result};
use cinder_client::resources::{GroupSnapshots, Groups};
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::super::shared::each::{AtOnce, Reporting};
use super::super::shared::find::{find, find_id, id_of};
use super::super::shared::list::{self, AllTenants, ListFilters, Query};
use super::super::shared::wait::WaitArgs;
use super::super::shared::{body, without_nulls};
use super::super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs, PageArgs, Shape};
use crate::values;

/// The columns of `group-list` (and of `group-snapshot-list`).
pub(super) fn status_columns() -> Vec<Column> {
    columns(&["ID", "Status", "Name"])
}

/// A group as the server shows it now (`GET /groups/{id}`), with its volumes if asked.
async fn shown(cinder: &Cinder, id: &str, list_volume: bool) -> Result<serde_json::Value> {
    let mut request = cinder.raw().show_group().group_id(id);
    if list_volume {
        request = request.list_volume(true);
    }
    Ok(request.run_json().await?.into_json()["group"].take())
}

#[derive(Args, Debug)]
pub struct GroupCreate {
    /// Group type.
    #[arg(value_name = "group-type", value_parser = values::name_or_id)]
    pub group_type: String,
    /// Comma-separated list of volume types.
    #[arg(value_name = "volume-types", value_parser = values::name_or_id)]
    pub volume_types: String,
    /// Name of a group.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Description of a group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Availability zone for group. Default=None.
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

impl Cmd for GroupCreate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUPS.named("group-create"))?;
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "group_type": self.group_type,
            // As cinderclient: split on commas, each part sent as it is.
            "volume_types": self.volume_types.split(',').collect::<Vec<_>>(),
            "availability_zone": self.availability_zone,
        }));
        let request: types::GroupCreateRequest = body(json!({ "group": fields }))?;
        let answer = cinder.raw().create_group().body(request).run_json().await?;
        let id = id_of(&answer.json()["group"])?;
        // cinderclient shows the new group as a show would (the create answers only its ID
        // and name).
        let group = match self
            .wait
            .until::<Groups>(cinder, &id, &["available"])
            .await?
        {
            Some(group) => group,
            None => shown(cinder, &id, false).await?,
        };
        self.output.print_object(&group)
    }
}

#[derive(Args, Debug)]
pub struct GroupCreateFromSrc {
    /// Name or ID of a group snapshot. Default=None.
    #[arg(long = "group-snapshot", alias = "group_snapshot", value_name = "group-snapshot",
          value_parser = values::name_or_id)]
    pub group_snapshot: Option<String>,
    /// Name or ID of a source group. Default=None.
    #[arg(long = "source-group", alias = "source_group", value_name = "source-group",
          value_parser = values::name_or_id)]
    pub source_group: Option<String>,
    /// Name of a group. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// Description of a group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupCreateFromSrc {
    fn check(&self) -> Result<()> {
        match (&self.group_snapshot, &self.source_group) {
            (None, None) => bail!(
                "Cannot create group because neither group snapshot nor source group is \
                 provided (give --group-snapshot or --source-group)."
            ),
            (Some(_), Some(_)) => bail!(
                "Cannot create group because both group snapshot and source group are \
                 provided (give only one of --group-snapshot and --source-group)."
            ),
            _ => Ok(()),
        }
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_CREATE_FROM_SRC)?;
        let group_snapshot = match &self.group_snapshot {
            Some(name) => Some(find_id::<GroupSnapshots>(cinder, name).await?),
            None => None,
        };
        let source_group = match &self.source_group {
            Some(name) => Some(find_id::<Groups>(cinder, name).await?),
            None => None,
        };
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "group_snapshot_id": group_snapshot,
            "source_group_id": source_group,
        }));
        let answer = cinder
            .raw()
            .groups_create_from_src(body(fields)?)
            .run_json()
            .await?;
        let created = answer.into_json()["group"].take();
        let created = self
            .wait
            .then::<Groups>(cinder, created, &["available"])
            .await?;
        self.output.print_object(&created)
    }
}

#[derive(Args, Debug)]
pub struct GroupDelete {
    /// Allows or disallows groups to be deleted if they are not empty. If the group is empty,
    /// it can be deleted without the delete-volumes flag. If the group is not empty, the
    /// delete-volumes flag is required for it to be deleted. If True, all volumes in the group
    /// will also be deleted.
    #[arg(long = "delete-volumes", alias = "delete_volumes")]
    pub delete_volumes: bool,
    /// Name or ID of one or more groups to be deleted.
    #[arg(value_name = "group", required = true, value_parser = values::name_or_id)]
    pub groups: Vec<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

impl Cmd for GroupDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUPS.named("group-delete"))?;
        let delete = json!({ "delete-volumes": self.delete_volumes });
        AtOnce::ONE_BY_ONE
            .for_each_found::<Groups, _, _>(
                cinder,
                &self.groups,
                &Reporting::deleting("group", "Unable to delete any of the specified groups."),
                |id, _| {
                    let delete = delete.clone();
                    async move {
                        cinder.raw().group_delete(&id, body(delete)?).run().await?;
                        self.wait.until_deleted::<Groups>(cinder, &id).await
                    }
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct GroupList {
    #[command(flatten)]
    pub tenants: AllTenants,
    #[command(flatten)]
    pub filters: ListFilters,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl GroupList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        Query::default()
            .needs(true, const { &gates::GROUPS.named("group-list") })
            .set("all_tenants", self.tenants.given().then_some(true))
            .list_filters(&self.filters.pairs)
    }
}

impl Cmd for GroupList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, status_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (query, columns) = (self.query()?, status_columns());
        list::print::<Groups>(cinder, query, &self.page, &self.output, &columns, |v| v).await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupShow {
    /// Shows volumes included in the group (API 3.25 and later). As cinderclient reads it,
    /// any value but an empty one means yes.
    #[arg(long = "list-volume", alias = "list_volume", value_name = "False|True",
          num_args = 0..=1, default_missing_value = "True")]
    pub list_volume: Option<String>,
    /// Name or ID of a group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUPS.named("group-show"))?;
        // Python's bool() of the option's text.
        let list_volume = self.list_volume.as_deref().is_some_and(|v| !v.is_empty());
        if list_volume {
            require(cinder, &gates::GROUP_SHOW_LIST_VOLUME)?;
        }
        let found = find::<Groups>(cinder, &self.group).await?;
        let group = match list_volume {
            true => shown(cinder, &id_of(&found)?, true).await?,
            false => found,
        };
        self.output.print_shaped(&group, Shape::PLAIN)
    }
}

#[derive(Args, Debug)]
pub struct GroupUpdate {
    /// New name for group. Default=None.
    #[arg(long, value_name = "name")]
    pub name: Option<String>,
    /// New description for group. Default=None.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// UUID of one or more volumes to be added to the group, separated by commas.
    /// Default=None.
    #[arg(
        long = "add-volumes",
        alias = "add_volumes",
        value_name = "uuid1,uuid2,......"
    )]
    pub add_volumes: Option<String>,
    /// UUID of one or more volumes to be removed from the group, separated by commas.
    /// Default=None.
    #[arg(
        long = "remove-volumes",
        alias = "remove_volumes",
        value_name = "uuid3,uuid4,......"
    )]
    pub remove_volumes: Option<String>,
    /// Name or ID of a group.
    #[arg(value_name = "group", value_parser = values::name_or_id)]
    pub group: String,
}

/// The checks of an update of a group (`group-update`, `consisgroup-update`): something to
/// change, and no volume both added and removed.
pub(super) fn check_update(
    name: &Option<String>,
    description: &Option<String>,
    add_volumes: &Option<String>,
    remove_volumes: &Option<String>,
) -> Result<()> {
    if [name, description, add_volumes, remove_volumes]
        .iter()
        .all(|o| o.is_none())
    {
        bail!(
            "At least one of the following args must be supplied: name, description, \
             add-volumes, remove-volumes."
        );
    }
    let (add, remove) = (volume_ids(add_volumes), volume_ids(remove_volumes));
    if let Some(both) = add.intersection(&remove).next() {
        bail!(
            "Volume {both} is both in --add-volumes and in --remove-volumes: a group update \
             either adds a volume or removes it."
        );
    }
    Ok(())
}

/// The volumes of a comma-separated list, without empty items.
fn volume_ids(list: &Option<String>) -> BTreeSet<&str> {
    list.as_deref()
        .into_iter()
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

impl Cmd for GroupUpdate {
    fn check(&self) -> Result<()> {
        check_update(
            &self.name,
            &self.description,
            &self.add_volumes,
            &self.remove_volumes,
        )
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUPS.named("group-update"))?;
        let id = find_id::<Groups>(cinder, &self.group).await?;
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "add_volumes": self.add_volumes,
            "remove_volumes": self.remove_volumes,
        }));
        let request: types::GroupUpdateRequest = body(json!({ "group": fields }))?;
        cinder
            .raw()
            .update_group()
            .group_id(&id)
            .body(request)
            .run()
            .await?;
        println!(
            "Request to update group '{}' has been accepted.",
            self.group
        );
        Ok(())
    }
}
