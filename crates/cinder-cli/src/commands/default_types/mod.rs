//! The default types family (3.62): `default-type-set`, `default-type-list`,
//! `default-type-unset`. As cinderclient, they call `/v3/default-types` at the service root
//! (`Cinder::root_raw`), without the project in the path.

use anyhow::Result;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use super::shared::body;
use super::shared::each::{AtOnce, Reporting};
use super::Cmd;
use crate::gates::{self, require};
use crate::output::{columns, Column, OutputArgs};
use crate::values;

#[derive(Args, Debug)]
pub struct DefaultTypeSet {
    /// Name or ID of the volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    /// ID of project for which to set default type.
    #[arg(value_name = "project_id", value_parser = values::project_id)]
    pub project: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for DefaultTypeSet {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::DEFAULT_TYPE_SET)?;
        // The name or ID as given: Cinder looks it up (400 for an unknown type).
        let request: types::DefaultTypeSetRequest =
            body(json!({"default_type": {"volume_type": self.volume_type}}))?;
        let call = cinder.root_raw().set_default_type();
        let answer = call
            .target_project_id(&self.project)
            .body(request)
            .run_json()
            .await?;
        self.output
            .print_object(&answer.into_json()["default_type"])
    }
}

/// The columns of `default-type-list`.
fn default_type_columns() -> Vec<Column> {
    columns(&["Volume Type ID", "Project ID"])
}

#[derive(Args, Debug)]
pub struct DefaultTypeList {
    /// ID of project for which to show the default type.
    #[arg(long = "project-id", value_name = "project_id", value_parser = values::project_id)]
    pub project_id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for DefaultTypeList {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::DEFAULT_TYPE_LIST)?;
        let root = cinder.root_raw();
        match &self.project_id {
            // One project's: a `Property | Value` table, as cinderclient prints it.
            Some(project) => {
                let call = root.show_default_type_of_project();
                let answer = call.target_project_id(project).run_json().await?;
                self.output
                    .print_object(&answer.into_json()["default_type"])
            }
            None => {
                let answer = root.list_default_types().run_json().await?;
                let rows = match answer.into_json()["default_types"].take() {
                    Value::Array(rows) => rows,
                    _ => Vec::new(),
                };
                let shown = default_type_columns();
                self.output
                    .print_list_sorted_by(&shown, Some("volume_type_id"), rows)
            }
        }
    }
}

#[derive(Args, Debug)]
pub struct DefaultTypeUnset {
    /// ID of project for which to unset default type.
    #[arg(value_name = "project_id", required = true, value_parser = values::project_id)]
    pub projects: Vec<String>,
}

impl Cmd for DefaultTypeUnset {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::DEFAULT_TYPE_UNSET)?;
        let reporting = Reporting {
            action: "Unset",
            kind: "default volume type for project".into(),
            text_first: false,
            line_for_one: true,
            all_failed: "Unable to unset the default volume type of any of the specified \
                         projects."
                .into(),
            one_failed_is_its_line: false,
        };
        AtOnce::ONE_BY_ONE
            .for_each(&self.projects, &reporting, |project| async move {
                let call = cinder.root_raw().unset_default_type();
                call.target_project_id(&project).run().await?;
                println!("Default volume type for project {project} has been unset successfully.");
                Ok(())
            })
            .await
    }
}
