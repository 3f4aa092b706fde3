//! The group type commands: `group-type-create`, `-delete`, `-list`, `-show`, `-update`,
//! `-default`, `group-type-key` and `group-specs-list` (API 3.11 and later).

use anyhow::{bail, Result};
use cinder_client::resources::GroupTypes;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::super::shared::each::{AtOnce, Reporting};
use super::super::shared::list::{self, Query};
use super::super::shared::metadata::{self, Action, Change};
use super::super::shared::show::{show, without_links};
use super::super::shared::update::update;
use super::super::shared::{body, without_nulls};
use super::super::Cmd;
use crate::gates::{self, require};
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs, Pretty, Shape};
use crate::values::{self, parse_bool};

/// The columns cinderclient shows for group types (`print_group_type_list`).
fn group_type_columns() -> Vec<Column> {
    columns(&["ID", "Name", "Description"])
}

/// Public and private group types alike, as cinderclient lists them (`is_public=None`).
fn every_group_type() -> Query {
    Query::default().set("is_public", Some("None"))
}

/// Cinder's rule for a group spec's key (`cinder/api/schemas/group_specs.py`, which also
/// limits a value to 255 characters), checked before sending so that a wrong key is named
/// with what is accepted.
fn check_spec_keys<'a>(keys: impl IntoIterator<Item = &'a String>) -> Result<()> {
    for key in keys {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-_:.".contains(c);
        if key.is_empty() || key.len() > 255 || !key.chars().all(allowed) {
            bail!(
                "Invalid group spec key {key:?}: a key has 1 to 255 characters among letters, \
                 digits and - _ : ."
            );
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct GroupTypeCreate {
    /// Description of new group type.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Make type accessible to the public (default true).
    #[arg(long = "is-public", alias = "is_public", default_value = "true",
          value_name = "is-public", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub is_public: bool,
    /// Name of new group type.
    #[arg(value_name = "name", value_parser = values::group_type_name)]
    pub name: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupTypeCreate {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, group_type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-create"))?;
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "is_public": self.is_public,
        }));
        let request: types::GroupTypeCreateRequest = body(json!({ "group_type": fields }))?;
        let answer = cinder
            .raw()
            .create_group_type()
            .body(request)
            .run_json()
            .await?;
        self.output
            .print_row(&group_type_columns(), answer.json().get("group_type"))
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeDelete {
    /// Name or ID of group type or types to delete.
    #[arg(value_name = "group_type", required = true, value_parser = values::name_or_id)]
    pub group_types: Vec<String>,
}

impl Cmd for GroupTypeDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-delete"))?;
        AtOnce::ONE_BY_ONE
            .for_each_found::<GroupTypes, _, _>(
                cinder,
                &self.group_types,
                &Reporting::deleting("group type", "Unable to delete any of the specified types."),
                |id, name| async move {
                    cinder.group_types().delete(&id).await?;
                    println!("Request to delete group type {name} has been accepted.");
                    Ok(())
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeList {
    /// Filter key and value pairs. Admin only.
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl GroupTypeList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let filters = self
            .filters
            .as_deref()
            .map(kv::filters)
            .transpose()?
            .unwrap_or_default();
        let used = self.filters.is_some();
        Ok(every_group_type()
            .needs(true, const { &gates::GROUP_TYPES.named("group-type-list") })
            .needs(used, &gates::GROUP_TYPE_LIST_FILTERS)
            .filters(filters))
    }
}

impl Cmd for GroupTypeList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, group_type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (query, columns) = (self.query()?, group_type_columns());
        list::print::<GroupTypes>(cinder, query, &self.page, &self.output, &columns, |v| v).await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeShow {
    /// Name or ID of the group type.
    #[arg(value_name = "group_type", value_parser = values::name_or_id)]
    pub group_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupTypeShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-show"))?;
        let shape = Shape {
            property: "Property",
            pretty: Pretty::Fields(&["group_specs"]),
        };
        show::<GroupTypes>(cinder, &self.group_type, &self.output, shape, without_links).await
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeUpdate {
    /// Name of the group type.
    #[arg(long, value_name = "name", value_parser = values::group_type_name)]
    pub name: Option<String>,
    /// Description of the group type.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Make type accessible to the public or not.
    #[arg(long = "is-public", alias = "is_public", value_name = "is-public",
          value_parser = parse_bool)]
    pub is_public: Option<bool>,
    /// ID of the group type.
    #[arg(value_name = "id", value_parser = values::name_or_id)]
    pub id: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupTypeUpdate {
    fn check(&self) -> Result<()> {
        if self.name.is_none() && self.description.is_none() && self.is_public.is_none() {
            bail!("Must supply at least one of --name, --description or --is-public.");
        }
        Ok(())
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, group_type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-update"))?;
        let fields = json!({
            "name": self.name, "description": self.description, "is_public": self.is_public
        });
        let updated = update::<GroupTypes>(cinder, &self.id, fields).await?;
        self.output.print_row(&group_type_columns(), Some(&updated))
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeDefault {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupTypeDefault {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, group_type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-default"))?;
        let answer = cinder.raw().show_default_group_type().run_json().await?;
        self.output
            .print_row(&group_type_columns(), answer.json().get("group_type"))
    }
}

#[derive(Args, Debug)]
pub struct GroupTypeKey {
    /// Name or ID of group type.
    #[arg(value_name = "gtype", value_parser = values::name_or_id)]
    pub gtype: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: Action,
    /// The group specs key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

impl Cmd for GroupTypeKey {
    fn check(&self) -> Result<()> {
        match self.action.change(&self.metadata)? {
            Change::Set(pairs) => {
                check_spec_keys(pairs.keys())?;
                match pairs.iter().find(|(_, value)| value.chars().count() > 255) {
                    Some((key, _)) => bail!(
                        "Invalid value of group spec {key:?}: a value has at most 255 characters."
                    ),
                    None => Ok(()),
                }
            }
            Change::Unset(keys) => check_spec_keys(&keys),
        }
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::GROUP_TYPES.named("group-type-key"))?;
        metadata::apply::<GroupTypes>(cinder, &self.gtype, self.action, &self.metadata).await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct GroupSpecsList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for GroupSpecsList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, group_specs_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = group_specs_columns();
        let paging = PageArgs::default();
        let query = every_group_type().needs(
            true,
            const { &gates::GROUP_TYPES.named("group-specs-list") },
        );
        list::print::<GroupTypes>(cinder, query, &paging, &self.output, &columns, |v| v).await?;
        Ok(())
    }
}

/// The columns of `group-specs-list`.
fn group_specs_columns() -> Vec<Column> {
    columns(&["ID", "Name", "group_specs"])
}
