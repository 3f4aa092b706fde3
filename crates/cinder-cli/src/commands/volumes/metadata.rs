//! Volume metadata and image metadata: set/unset, show, replace.

use anyhow::Result;
use cinder_client::resources::Volumes;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Value};

use crate::commands::shared::body;
use crate::commands::shared::find::find_id;
use crate::commands::shared::metadata::{self, Action, Change};
use crate::commands::Cmd;
use crate::output::{OutputArgs, Shape};
use crate::{kv, values};

#[derive(Args, Debug)]
pub struct Metadata {
    /// Name or ID of the resource.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: Action,
    /// Metadata key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

impl Cmd for Metadata {
    fn check(&self) -> Result<()> {
        self.action.change(&self.metadata).map(drop)
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        metadata::apply::<Volumes>(cinder, &self.volume, self.action, &self.metadata).await?;
        Ok(())
    }
}

/// A volume to show something of.
#[derive(Args, Debug)]
pub struct VolumeArgs {
    /// Name or ID of the volume.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct MetadataShow {
    #[command(flatten)]
    pub args: VolumeArgs,
}

impl Cmd for MetadataShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        metadata::show::<Volumes>(cinder, &self.args.volume, &self.args.output).await
    }
}

#[derive(Args, Debug)]
pub struct MetadataUpdateAll {
    /// ID or name of the volume for which to update metadata.
    #[arg(value_name = "volume", value_parser = values::name_or_id)]
    pub volume: String,
    /// Metadata key and value pair or pairs to update.
    #[arg(value_name = "key=value", required = true, value_parser = values::key_value)]
    pub metadata: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for MetadataUpdateAll {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let pairs = kv::parse(&self.metadata)?;
        let id = find_id::<Volumes>(cinder, &self.volume).await?;
        let request: types::VolumeMetadataRequest = body(json!({ "metadata": pairs }))?;
        let request = cinder
            .raw()
            .replace_volume_metadata()
            .volume_id(id)
            .body(request);
        let answer = request.run_json().await?.into_json();
        self.output
            .print_shaped(&answer["metadata"], Shape::METADATA)
    }
}

#[derive(Args, Debug)]
pub struct ImageMetadata {
    #[command(flatten)]
    pub args: Metadata,
}

impl Cmd for ImageMetadata {
    fn check(&self) -> Result<()> {
        self.args.check()
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let Metadata {
            volume,
            action,
            metadata,
        } = self.args;
        let change = action.change(&metadata)?;
        let id = find_id::<Volumes>(cinder, &volume).await?;
        match change {
            Change::Set(pairs) => {
                let request = body(json!({ "metadata": pairs }))?;
                cinder
                    .raw()
                    .volume_set_image_metadata(&id, request)
                    .run()
                    .await?;
            }
            Change::Unset(keys) => {
                for key in keys {
                    let request = body(json!({ "key": key }))?;
                    cinder
                        .raw()
                        .volume_unset_image_metadata(&id, request)
                        .run()
                        .await?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct ImageMetadataShow {
    #[command(flatten)]
    pub args: VolumeArgs,
}

impl Cmd for ImageMetadataShow {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<Volumes>(cinder, &self.args.volume).await?;
        let answer = cinder
            .raw()
            .volume_show_image_metadata(&id)
            .run_json()
            .await?;
        let metadata = answer.json().get("metadata").unwrap_or(&Value::Null);
        self.args.output.print_shaped(metadata, Shape::METADATA)
    }
}
