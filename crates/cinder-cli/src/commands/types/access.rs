//! Access to private volume types: `type-access-add`, `-remove` and `-list`.

use anyhow::Result;
use cinder_client::resources::VolumeTypes;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::json;

use crate::commands::shared::body;
use crate::commands::shared::find::find_id;
use crate::commands::Cmd;
use crate::output::{columns, Column, OutputArgs};
use crate::values;

#[derive(Args, Debug)]
pub struct AccessArgs {
    /// Volume type name or ID to add or remove access for the given project.
    #[arg(long = "volume-type", value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    /// Project ID to add or remove volume type access for (Keystone's ID, not a UUID on every
    /// identity backend).
    #[arg(long = "project-id", value_name = "project_id", value_parser = values::project_id)]
    pub project_id: String,
}

#[derive(Args, Debug)]
pub struct TypeAccessAdd {
    #[command(flatten)]
    pub args: AccessArgs,
}

impl Cmd for TypeAccessAdd {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<VolumeTypes>(cinder, &self.args.volume_type).await?;
        let request = body(json!({ "project": self.args.project_id }))?;
        Ok(cinder
            .raw()
            .type_add_project_access(&id, request)
            .run()
            .await?)
    }
}

#[derive(Args, Debug)]
pub struct TypeAccessRemove {
    #[command(flatten)]
    pub args: AccessArgs,
}

impl Cmd for TypeAccessRemove {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<VolumeTypes>(cinder, &self.args.volume_type).await?;
        let request = body(json!({ "project": self.args.project_id }))?;
        Ok(cinder
            .raw()
            .type_remove_project_access(&id, request)
            .run()
            .await?)
    }
}

#[derive(Args, Debug)]
pub struct TypeAccessList {
    /// Filter results by volume type name or ID.
    #[arg(long = "volume-type", value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for TypeAccessList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, access_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<VolumeTypes>(cinder, &self.volume_type).await?;
        let answer = cinder
            .raw()
            .list_type_access()
            .volume_type_id(id)
            .run_json()
            .await?;
        let rows = answer.into_json()["volume_type_access"].take();
        let rows = serde_json::from_value(rows).unwrap_or_default();
        let sort_by = Some("volume_type_id");
        self.output
            .print_list_sorted_by(&access_columns(), sort_by, rows)
    }
}

/// The columns of `type-access-list`.
fn access_columns() -> Vec<Column> {
    columns(&["Volume_type_ID", "Project_ID"])
}
