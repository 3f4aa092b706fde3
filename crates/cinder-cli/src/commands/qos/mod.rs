//! The QoS specs family: `qos-create`, `qos-list`, `qos-show`, `qos-delete`, `qos-key`,
//! `qos-associate`, `qos-disassociate`, `qos-disassociate-all`, `qos-get-association`.
//!
//! As in cinderclient, `qos-show` and `qos-delete` find the specs by name or ID; the others
//! send the ID they are given.

use anyhow::Result;
use cinder_client::resources::QosSpecs;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::shared::body;
use super::shared::find::find_id;
use super::shared::list::{self, Query};
use super::shared::metadata::{Action, Change};
use super::shared::show::show;
use super::Cmd;
use crate::kv;
use crate::output::{columns, Column, OutputArgs, PageArgs, Pretty, Shape};
use crate::values::{self, parse_bool};

/// cinderclient's `print_qos_specs`: `specs` as `key : value` lines.
const QOS_SHAPE: Shape = Shape {
    property: "Property",
    pretty: Pretty::Fields(&["specs"]),
};

/// The columns of `qos-list` (cinderclient's `print_qos_specs_list`).
fn qos_columns() -> Vec<Column> {
    columns(&["ID", "Name", "Consumer", "specs"])
}

#[derive(Args, Debug)]
pub struct QosCreate {
    /// Name of new QoS specifications.
    #[arg(value_name = "name", value_parser = values::name_or_id)]
    pub name: String,
    /// QoS specifications.
    #[arg(value_name = "key=value", required = true, value_parser = values::key_value)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QosCreate {
    fn check(&self) -> Result<()> {
        kv::parse(&self.metadata).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let mut specs = json!(kv::parse(&self.metadata)?);
        specs["name"] = json!(self.name);
        let request: types::QosSpecsCreateRequest = body(json!({ "qos_specs": specs }))?;
        let answer = cinder
            .raw()
            .create_qos_specs()
            .body(request)
            .run_json()
            .await?;
        self.output
            .print_shaped(&answer.into_json()["qos_specs"], QOS_SHAPE)
    }
}

#[derive(Args, Debug)]
pub struct QosList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QosList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, qos_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let paging = PageArgs::default();
        list::print::<QosSpecs>(
            cinder,
            Query::default(),
            &paging,
            &self.output,
            &qos_columns(),
            std::convert::identity,
        )
        .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct QosShow {
    /// ID of QoS specifications to show.
    #[arg(value_name = "qos_specs", value_parser = values::name_or_id)]
    pub qos_specs: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QosShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let identity = std::convert::identity;
        show::<QosSpecs>(cinder, &self.qos_specs, &self.output, QOS_SHAPE, identity).await
    }
}

#[derive(Args, Debug)]
pub struct QosDelete {
    /// ID of QoS specifications to delete.
    #[arg(value_name = "qos_specs", value_parser = values::name_or_id)]
    pub qos_specs: String,
    /// Enables or disables deletion of in-use QoS specifications. Default=False.
    #[arg(long, value_name = "True|False", num_args = 0..=1, default_missing_value = "true",
          value_parser = parse_bool)]
    pub force: Option<bool>,
}

impl Cmd for QosDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<QosSpecs>(cinder, &self.qos_specs).await?;
        // Python's spelling of the boolean, as cinderclient sends it.
        let force = if self.force.unwrap_or(false) {
            "True"
        } else {
            "False"
        };
        cinder
            .raw()
            .delete_qos_specs()
            .qos_id(&id)
            .force(force)
            .run()
            .await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct QosKey {
    /// ID of QoS specifications.
    #[arg(value_name = "qos_specs", value_parser = values::id)]
    pub qos_specs: String,
    /// The action. Valid values are "set" or "unset."
    #[arg(value_enum, value_name = "action")]
    pub action: Action,
    /// Metadata key and value pair to set or unset. For unset, specify only the key.
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

impl Cmd for QosKey {
    fn check(&self) -> Result<()> {
        self.action.change(&self.metadata).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let raw = cinder.raw();
        match self.action.change(&self.metadata)? {
            Change::Set(pairs) => {
                let request: types::QosSpecsSetRequest = body(json!({ "qos_specs": pairs }))?;
                let update = raw.update_qos_specs().qos_id(&self.qos_specs);
                update.body(request).run().await?;
            }
            Change::Unset(keys) => {
                let request: types::QosSpecsUnsetRequest = body(json!({ "keys": keys }))?;
                let unset = raw.unset_qos_specs_keys().qos_id(&self.qos_specs);
                unset.body(request).run().await?;
            }
        }
        Ok(())
    }
}

/// The QoS specs and volume type arguments of `qos-associate` and `qos-disassociate`.
#[derive(Args, Debug)]
pub struct QosTypeArgs {
    /// ID of QoS specifications.
    #[arg(value_name = "qos_specs", value_parser = values::id)]
    pub qos_specs: String,
    /// ID of volume type with which to associate QoS specifications.
    #[arg(value_name = "volume_type_id", value_parser = values::id)]
    pub vol_type_id: String,
}

#[derive(Args, Debug)]
pub struct QosAssociate {
    #[command(flatten)]
    pub args: QosTypeArgs,
}

impl Cmd for QosAssociate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let QosTypeArgs {
            qos_specs,
            vol_type_id,
        } = &self.args;
        let associate = cinder.raw().associate_qos_specs().qos_id(qos_specs);
        associate.vol_type_id(vol_type_id).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct QosDisassociate {
    #[command(flatten)]
    pub args: QosTypeArgs,
}

impl Cmd for QosDisassociate {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let QosTypeArgs {
            qos_specs,
            vol_type_id,
        } = &self.args;
        let disassociate = cinder.raw().disassociate_qos_specs().qos_id(qos_specs);
        disassociate.vol_type_id(vol_type_id).run().await?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct QosDisassociateAll {
    /// ID of QoS specifications on which to operate.
    #[arg(value_name = "qos_specs", value_parser = values::id)]
    pub qos_specs: String,
}

impl Cmd for QosDisassociateAll {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let raw = cinder.raw();
        raw.disassociate_all_qos_specs()
            .qos_id(&self.qos_specs)
            .run()
            .await?;
        Ok(())
    }
}

/// The columns of `qos-get-association`.
fn association_columns() -> Vec<Column> {
    columns(&["Association_Type", "Name", "ID"])
}

#[derive(Args, Debug)]
pub struct QosGetAssociation {
    /// ID of QoS specifications.
    #[arg(value_name = "qos_specs", value_parser = values::id)]
    pub qos_specs: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for QosGetAssociation {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, association_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let answer = cinder
            .raw()
            .list_qos_associations()
            .qos_id(&self.qos_specs)
            .run_json()
            .await?;
        let rows = match answer.into_json()["qos_associations"].take() {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        self.output
            .print_list_sorted_by(&association_columns(), Some("association_type"), rows)
    }
}
