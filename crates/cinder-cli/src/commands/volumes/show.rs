//! `cinder show` and `cinder summary`.

use anyhow::Result;
use cinder_client::resources::Volumes;
use cinder_client::{Cinder, Run};
use clap::Args;
use serde_json::Value;

use crate::commands::shared::show::{show, without_links};
use crate::commands::Cmd;
use crate::gates::{self, require};
use crate::output::{OutputArgs, Pretty, Shape};
use crate::values;

#[derive(Args, Debug)]
pub struct Show {
    /// Name or ID of the volume.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for Show {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        show::<Volumes>(cinder, &self.volume, &self.output, SHOW, |volume| {
            attachments_translated(with_readonly(volume))
        })
        .await
    }
}

/// cinderclient's `print_dict` formatters of `cinder show`.
const SHOW: Shape = Shape {
    property: "Property",
    pretty: Pretty::Fields(&[
        "metadata",
        "volume_image_metadata",
        "attachment_ids",
        "attached_servers",
    ]),
};

/// The volume as cinderclient prints it after `show` and `create`: `readonly` copied out of the
/// metadata, `links` left out.
pub fn with_readonly(volume: Value) -> Value {
    without_links(readonly_copied(volume))
}

/// `readonly` copied out of the metadata, where it is.
pub fn readonly_copied(mut volume: Value) -> Value {
    let readonly = volume.pointer("/metadata/readonly").cloned();
    if let (Value::Object(fields), Some(readonly)) = (&mut volume, readonly) {
        fields.insert("readonly".into(), readonly);
    }
    volume
}

/// cinderclient's `_translate_attachments`: the attachments give way to the lists of their IDs
/// (`attachment_ids`) and servers (`attached_servers`).
fn attachments_translated(mut volume: Value) -> Value {
    let Value::Object(fields) = &mut volume else {
        return volume;
    };
    let attachments = fields
        .remove("attachments")
        .unwrap_or(Value::Array(Vec::new()));
    let each = |key: &str| -> Value {
        let items = attachments.as_array().into_iter().flatten();
        Value::Array(
            items
                .map(|a| a.get(key).cloned().unwrap_or(Value::Null))
                .collect(),
        )
    };
    fields.insert("attachment_ids".into(), each("attachment_id"));
    fields.insert("attached_servers".into(), each("server_id"));
    volume
}

#[derive(Args, Debug)]
pub struct Summary {
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants,
          env = "ALL_TENANTS", hide_env = true)]
    pub all_tenants: Option<bool>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for Summary {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        require(cinder, &gates::SUMMARY)?;
        let mut request = cinder.raw().volume_summary();
        if let Some(all) = self.all_tenants {
            request = request.all_tenants(all);
        }
        let json = request.run_json().await?.into_json();
        let summary = json.get("volume-summary").unwrap_or(&Value::Null);
        self.output.print_shaped(summary, SUMMARY)
    }
}

/// cinderclient's formatters of `cinder summary`.
const SUMMARY: Shape = Shape {
    property: "Property",
    pretty: Pretty::Fields(&["metadata"]),
};
