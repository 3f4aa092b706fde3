//! The volume type family: `type-create`, `-delete`, `-list`, `-show`, `-update`, `-default`,
//! `type-key` and `extra-specs-list`; access and encryption are in their own files.

mod access;
mod encryption;

pub use access::{TypeAccessAdd, TypeAccessList, TypeAccessRemove};
pub use encryption::{
    EncryptionTypeCreate, EncryptionTypeDelete, EncryptionTypeList, EncryptionTypeShow,
    EncryptionTypeUpdate,
};

use anyhow::{bail, Result};
use cinder_client::resources::VolumeTypes;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::json;

use super::shared::each::{AtOnce, Reporting};
use super::shared::list::{self, Query};
use super::shared::metadata::{self, Action};
use super::shared::show::{show, without_links};
use super::shared::update::update;
use super::shared::{body, without_nulls};
use super::Cmd;
use crate::gates;
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs, Pretty, Shape};
use crate::values::{self, parse_bool};

/// The columns cinderclient shows for volume types.
fn type_columns() -> Vec<Column> {
    columns(&["ID", "Name", "Description", "Is_Public"])
}

/// Public and private types alike, as cinderclient lists them.
fn every_type() -> Query {
    Query::default().set("is_public", Some("None"))
}

#[derive(Args, Debug)]
pub struct TypeCreate {
    /// Description of new volume type.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Make type accessible to the public (default true).
    #[arg(long = "is-public", alias = "is_public", default_value = "true",
          value_name = "is-public", value_parser = parse_bool, action = clap::ArgAction::Set)]
    pub is_public: bool,
    /// Name of new volume type.
    #[arg(value_name = "name", value_parser = values::type_name)]
    pub name: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TypeCreate {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let fields = without_nulls(json!({
            "name": self.name,
            "description": self.description,
            "os-volume-type-access:is_public": self.is_public,
        }));
        let request: types::VolumeTypeCreateRequest = body(json!({ "volume_type": fields }))?;
        let answer = cinder.raw().create_type().body(request).run_json().await?;
        self.output
            .print_row(&type_columns(), answer.json().get("volume_type"))
    }
}

#[derive(Args, Debug)]
pub struct TypeDelete {
    /// Name or ID of volume type or types to delete.
    #[arg(value_name = "vol_type", required = true, value_parser = values::name_or_id)]
    pub types: Vec<String>,
}

impl Cmd for TypeDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        AtOnce::ONE_BY_ONE
            .for_each_found::<VolumeTypes, _, _>(
                cinder,
                &self.types,
                &Reporting::deleting(
                    "volume type",
                    "Unable to delete any of the specified types.",
                ),
                |id, name| async move {
                    cinder.raw().delete_type().volume_type_id(id).run().await?;
                    println!("Request to delete volume type {name} has been accepted.");
                    Ok(())
                },
            )
            .await
    }
}

#[derive(Args, Debug)]
pub struct TypeList {
    /// Filter key and value pairs, such as is_public=false or extra_specs={key:value} (API 3.52
    /// and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value,
          value_terminator = crate::argv::PAIRS_END)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl TypeList {
    /// The query beyond paging; needs no server, so mistakes show before connecting.
    fn query(&self) -> Result<Query> {
        let mut filters = self
            .filters
            .as_deref()
            .map(kv::filters)
            .transpose()?
            .unwrap_or_default();
        // cinderclient drops it: not a filter of types. Empty values are sent, as there.
        filters.remove("all_tenants");
        let used = self.filters.is_some();
        Ok(every_type()
            .needs(used, &gates::TYPE_LIST_FILTERS)
            .filters(filters))
    }
}

impl Cmd for TypeList {
    fn check(&self) -> Result<()> {
        self.query().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (query, output) = (self.query()?, &self.output);
        list::print::<VolumeTypes>(
            cinder,
            query,
            &self.page,
            output,
            &type_columns(),
            std::convert::identity,
        )
        .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct TypeShow {
    /// Name or ID of the volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TypeShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let shape = Shape {
            property: "Property",
            pretty: Pretty::Fields(&["extra_specs"]),
        };
        show::<VolumeTypes>(
            cinder,
            &self.volume_type,
            &self.output,
            shape,
            without_links,
        )
        .await
    }
}

#[derive(Args, Debug)]
pub struct TypeUpdate {
    /// Name of the volume type.
    #[arg(long, value_name = "name", value_parser = values::type_name)]
    pub name: Option<String>,
    /// Description of the volume type.
    #[arg(long, value_name = "description")]
    pub description: Option<String>,
    /// Make type accessible to the public or not.
    #[arg(long = "is-public", alias = "is_public", value_name = "is-public",
          value_parser = parse_bool)]
    pub is_public: Option<bool>,
    /// ID of the volume type.
    #[arg(value_name = "id", value_parser = values::name_or_id)]
    pub id: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TypeUpdate {
    fn check(&self) -> Result<()> {
        if self.name.is_none() && self.description.is_none() && self.is_public.is_none() {
            bail!("Must supply at least one of --name, --description or --is-public.");
        }
        Ok(())
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let fields = json!({
            "name": self.name, "description": self.description, "is_public": self.is_public
        });
        let updated = update::<VolumeTypes>(cinder, &self.id, fields).await?;
        self.output.print_row(&type_columns(), Some(&updated))
    }
}

#[derive(Args, Debug)]
pub struct TypeDefault {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TypeDefault {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, type_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder.raw().show_default_type().run_json().await?;
        self.output
            .print_row(&type_columns(), answer.json().get("volume_type"))
    }
}

#[derive(Args, Debug)]
pub struct TypeKey {
    /// Name or ID of volume type.
    #[arg(value_name = "vtype", value_parser = values::name_or_id)]
    pub vtype: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: Action,
    /// The extra specs key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

impl Cmd for TypeKey {
    fn check(&self) -> Result<()> {
        self.action.change(&self.metadata).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        metadata::apply::<VolumeTypes>(cinder, &self.vtype, self.action, &self.metadata).await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct ExtraSpecsList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for ExtraSpecsList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, extra_specs_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = extra_specs_columns();
        let paging = PageArgs::default();
        list::print::<VolumeTypes>(
            cinder,
            every_type(),
            &paging,
            &self.output,
            &columns,
            std::convert::identity,
        )
        .await?;
        Ok(())
    }
}

/// The columns of `extra-specs-list`.
fn extra_specs_columns() -> Vec<Column> {
    columns(&["ID", "Name", "extra_specs"])
}
