//! Encryption types: `encryption-type-create`, `-list`, `-show`, `-update` and `-delete`.

use anyhow::{bail, Result};
use cinder_client::resources::VolumeTypes;
use cinder_client::{types, Cinder, Run};
use clap::Args;
use serde_json::{json, Map, Value};

use super::every_type;
use crate::commands::shared::find::{find_id, id_of, text};
use crate::commands::shared::list;
use crate::commands::shared::{body, without_nulls};
use crate::commands::Cmd;
use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs};
use crate::values;

/// The columns cinderclient shows for encryption types.
fn encryption_columns() -> Vec<Column> {
    columns(&[
        "Volume Type ID",
        "Provider",
        "Cipher",
        "Key Size",
        "Control Location",
    ])
}

/// The encryption of a type; `None` when it has none (Cinder answers `{}`).
async fn encryption_of(cinder: &Cinder, type_id: &str) -> Result<Option<Value>> {
    let request = cinder.raw().show_type_encryption().volume_type_id(type_id);
    let encryption = request.run_json().await?.into_json();
    Ok(encryption
        .get("volume_type_id")
        .is_some()
        .then_some(encryption))
}

/// Whether `error` says the resource no longer exists.
fn gone(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<cinder_client::Error>()
        .is_some_and(cinder_client::Error::is_not_found)
}

/// The encryption of type `name_or_id`, which must have one.
async fn existing_encryption(cinder: &Cinder, name_or_id: &str) -> Result<(String, String)> {
    let id = find_id::<VolumeTypes>(cinder, name_or_id).await?;
    let Some(encryption) = encryption_of(cinder, &id).await? else {
        bail!("Volume type '{name_or_id}' has no encryption type.");
    };
    let key = text(&encryption, "encryption_id").unwrap_or_else(|| "encryption".into());
    Ok((id, key))
}

#[derive(Args, Debug)]
pub struct EncryptionTypeCreate {
    /// The encryption algorithm or mode, e.g. aes-xts-plain64. Default=None.
    #[arg(long, value_name = "cipher")]
    pub cipher: Option<String>,
    /// Size of encryption key, in bits, e.g. 128 or 256. Default=None.
    #[arg(long = "key-size", alias = "key_size", value_name = "key_size")]
    pub key_size: Option<i64>,
    /// Notional service where encryption is performed: front-end or back-end.
    #[arg(long = "control-location", alias = "control_location", default_value = "front-end",
          value_parser = ["front-end", "back-end"], value_name = "control_location")]
    pub control_location: String,
    /// Name or ID of volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    /// The encryption provider format, e.g. luks or plain.
    #[arg(value_name = "provider")]
    pub provider: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for EncryptionTypeCreate {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, encryption_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<VolumeTypes>(cinder, &self.volume_type).await?;
        let spec = json!({
            "provider": self.provider,
            "control_location": self.control_location,
            "cipher": self.cipher,
            "key_size": self.key_size,
        });
        let spec = without_nulls(spec);
        let request: types::VolumeTypeEncryptionCreateRequest =
            body(json!({ "encryption": spec }))?;
        let request = cinder
            .raw()
            .create_type_encryption()
            .volume_type_id(id)
            .body(request);
        let answer = request.run_json().await?;
        self.output
            .print_row(&encryption_columns(), answer.json().get("encryption"))
    }
}

#[derive(Args, Debug)]
pub struct EncryptionTypeList {
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for EncryptionTypeList {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, encryption_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let columns = encryption_columns();
        let mut out = self
            .output
            .list(&columns)?
            .sort_table_by(Some("volume_type_id"));
        let (types, query) = (cinder.volume_types().list(), every_type());
        // The encryptions of each page of types, asked for one type after the other.
        let fetch = |request| {
            let (types, query) = (&types, &query);
            async move {
                let page = list::page(types, query, request).await?;
                let mut rows = Vec::new();
                for vtype in &page.items {
                    // A type deleted since the list was read has no encryption to show.
                    match encryption_of(cinder, &id_of(vtype)?).await {
                        Ok(encryption) => rows.extend(encryption),
                        Err(e) if gone(&e) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(ListPage {
                    rows,
                    next_marker: page.next_marker,
                    count: None,
                })
            }
        };
        PageArgs::default().stream(&mut out, fetch).await?;
        out.finish()?;
        Ok(())
    }
}

#[derive(Args, Debug)]
pub struct EncryptionTypeShow {
    /// Name or ID of volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Cmd for EncryptionTypeShow {
    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, encryption_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let id = find_id::<VolumeTypes>(cinder, &self.volume_type).await?;
        let encryption = encryption_of(cinder, &id).await?;
        self.output
            .print_row(&encryption_columns(), encryption.as_ref())
    }
}

#[derive(Args, Debug)]
pub struct EncryptionTypeUpdate {
    /// Encryption provider format (e.g. 'luks' or 'plain').
    #[arg(long, value_name = "provider")]
    pub provider: Option<String>,
    /// Encryption algorithm/mode to use (e.g., aes-xts-plain64). Provide without value to
    /// remove the cipher.
    #[arg(long, value_name = "cipher", num_args = 0..=1, default_missing_value = "")]
    pub cipher: Option<String>,
    /// Size of the encryption key, in bits (e.g., 128, 256). Provide without value to remove
    /// the key size.
    #[arg(long = "key-size", alias = "key_size", value_name = "key-size", num_args = 0..=1,
          default_missing_value = "")]
    pub key_size: Option<String>,
    /// Notional service where encryption is performed (e.g., front-end=Nova).
    #[arg(long = "control-location", alias = "control_location",
          value_parser = ["front-end", "back-end"], value_name = "control-location")]
    pub control_location: Option<String>,
    /// Name or ID of the volume type.
    #[arg(value_name = "volume-type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl EncryptionTypeUpdate {
    /// The changed fields; needs no server, so mistakes show before connecting.
    pub fn spec(&self) -> Result<Map<String, Value>> {
        let mut spec = Map::new();
        if let Some(provider) = &self.provider {
            spec.insert("provider".into(), provider.clone().into());
        }
        if let Some(cipher) = &self.cipher {
            let value = if cipher.is_empty() {
                Value::Null
            } else {
                cipher.clone().into()
            };
            spec.insert("cipher".into(), value);
        }
        if let Some(key_size) = &self.key_size {
            let value = if key_size.is_empty() {
                Value::Null
            } else {
                let size: i64 = key_size.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "Invalid --key-size '{key_size}': it must be a whole number of bits, \
                         such as 256 (or no value, to remove the key size)"
                    )
                })?;
                size.into()
            };
            spec.insert("key_size".into(), value);
        }
        if let Some(location) = &self.control_location {
            spec.insert("control_location".into(), location.clone().into());
        }
        if spec.is_empty() {
            bail!(
                "Must supply at least one of --provider, --cipher, --key-size or \
                 --control-location."
            );
        }
        Ok(spec)
    }
}

impl Cmd for EncryptionTypeUpdate {
    fn check(&self) -> Result<()> {
        self.spec().map(drop)
    }

    fn columns(&self) -> Option<(&OutputArgs, Vec<Column>)> {
        Some((&self.output, encryption_columns()))
    }

    async fn run(self, cinder: &Cinder) -> Result<()> {
        let spec = json!({ "encryption": self.spec()? });
        let (id, key) = existing_encryption(cinder, &self.volume_type).await?;
        let request: types::VolumeTypeEncryptionUpdateRequest = body(spec.clone())?;
        let update = cinder
            .raw()
            .update_type_encryption()
            .volume_type_id(&id)
            .key(key);
        // As sent, with the `null`s that clear the cipher or the key size (which the generated
        // request type would leave out).
        cinder_client::with_body(spec, update.body(request))
            .run()
            .await?;
        let encryption = encryption_of(cinder, &id).await?;
        self.output
            .print_row(&encryption_columns(), encryption.as_ref())
    }
}

#[derive(Args, Debug)]
pub struct EncryptionTypeDelete {
    /// Name or ID of volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
}

impl Cmd for EncryptionTypeDelete {
    async fn run(self, cinder: &Cinder) -> Result<()> {
        let (id, key) = existing_encryption(cinder, &self.volume_type).await?;
        Ok(cinder
            .raw()
            .delete_type_encryption()
            .volume_type_id(id)
            .key(key)
            .run()
            .await?)
    }
}
