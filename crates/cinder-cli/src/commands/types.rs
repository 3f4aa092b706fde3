//! Volume type, extra spec, access and encryption commands.

use anyhow::{bail, Result};
use cinder_client::types;
use cinder_client::Cinder;
use cinder_client::Run;
use clap::Args;
use serde_json::{json, Map, Value};

use super::volumes::{MetadataAction, MetadataChange};
use super::{body, for_each, json, parse_bool};
use crate::gates::{self, require};
use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs, PageRequest};
use crate::{kv, lookup, values};

/// The columns cinderclient shows for volume types.
pub fn type_columns() -> Vec<Column> {
    columns(&["ID", "Name", "Description", "Is_Public"])
}

/// Prints a type the way cinderclient does after creating or updating one: a one-row table.
fn print_type(output: &OutputArgs, vtype: &types::VolumeType) -> Result<()> {
    output.print_row(&type_columns(), Some(&json(vtype)?))
}

/// The query of `GET /types` beyond paging; `--filters` as they are, each replacing the
/// parameter of the same name.
#[derive(Default)]
struct TypeQuery {
    is_public: Option<String>,
    sort: Option<String>,
    filters: Vec<(String, String)>,
}

impl TypeQuery {
    /// Public and private types alike, as cinderclient lists them.
    fn all() -> Self {
        TypeQuery {
            is_public: Some("None".into()),
            ..Default::default()
        }
    }

    async fn page(
        &self,
        cinder: &Cinder,
        request: PageRequest,
    ) -> Result<(Vec<types::VolumeType>, Vec<types::Link>)> {
        let mut q = cinder.raw().list_types();
        if let Some(is_public) = &self.is_public {
            q = q.is_public(is_public.clone());
        }
        if let Some(sort) = &self.sort {
            q = q.sort(sort.clone());
        }
        if let Some(marker) = request.marker {
            q = q.marker(marker);
        }
        if let Some(limit) = request.limit {
            q = q.limit(limit);
        }
        let list = cinder_client::with_query(self.filters.clone(), q)
            .run()
            .await?;
        Ok((list.volume_types, list.volume_type_links))
    }

    /// A page of types as rows of JSON.
    async fn rows(&self, cinder: &Cinder, request: PageRequest) -> Result<ListPage> {
        let (list, links) = self.page(cinder, request).await?;
        Ok(ListPage {
            rows: list.iter().map(json).collect::<Result<_>>()?,
            links,
            count: None,
        })
    }
}

#[derive(Args, Debug)]
pub struct CreateArgs {
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

pub async fn create(cinder: &Cinder, args: CreateArgs) -> Result<()> {
    let mut fields = Map::new();
    fields.insert("name".into(), args.name.into());
    if let Some(description) = args.description {
        fields.insert("description".into(), description.into());
    }
    fields.insert(
        "os-volume-type-access:is_public".into(),
        args.is_public.into(),
    );
    let request: types::VolumeTypeCreateRequest = body(json!({ "volume_type": fields }))?;
    let created = cinder.raw().create_type().body(request).run().await?;
    print_type(&args.output, &created.volume_type)
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// Name or ID of volume type or types to delete.
    #[arg(value_name = "vol_type", required = true, value_parser = values::name_or_id)]
    pub types: Vec<String>,
}

pub async fn delete(cinder: &Cinder, args: DeleteArgs) -> Result<()> {
    for_each(&args.types, "Delete", "volume type", |name| async move {
        let vtype = lookup::volume_type(cinder, &name).await?;
        cinder
            .raw()
            .delete_type()
            .volume_type_id(vtype.id)
            .run()
            .await?;
        println!("Request to delete volume type {name} has been accepted.");
        Ok(())
    })
    .await
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Filter key and value pairs, such as is_public=false or extra_specs={key:value} (API 3.52
    /// and later).
    #[arg(long, value_name = "key=value", num_args = 0.., value_parser = values::key_value)]
    pub filters: Option<Vec<String>>,
    #[command(flatten)]
    pub page: PageArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl TypeQuery {
    /// The query `type-list`'s options ask for; needs no server, so mistakes show before
    /// connecting.
    fn from_args(args: &ListArgs) -> Result<Self> {
        let mut query = TypeQuery {
            sort: args.page.sort.clone(),
            ..TypeQuery::all()
        };
        if let Some(filters) = &args.filters {
            let mut filters = kv::filters(filters)?;
            // cinderclient drops it: not a filter of types. Empty values are sent, as there.
            filters.remove("all_tenants");
            query.filters = filters.into_iter().collect();
        }
        Ok(query)
    }
}

/// Checks `type-list`'s options before connecting.
pub fn check_list(args: &ListArgs) -> Result<()> {
    TypeQuery::from_args(args)?;
    args.output.check_columns(&type_columns())
}

pub async fn list(cinder: &Cinder, args: ListArgs) -> Result<()> {
    let query = TypeQuery::from_args(&args)?;
    if args.filters.is_some() {
        require(cinder, &gates::TYPE_LIST_FILTERS)?;
    }
    // cinderclient sorts the table by ID unless the server was asked for an order.
    let sort_by = args.page.sort.is_none().then_some("id");
    let mut out = args.output.list(&type_columns())?.sort_table_by(sort_by);
    args.page
        .stream(&mut out, |request| query.rows(cinder, request))
        .await?;
    out.finish()?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Name or ID of the volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn show(cinder: &Cinder, args: ShowArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let mut info = json(&vtype)?;
    // cinderclient shows the access flag under its plain name only.
    if let Some(map) = info.as_object_mut() {
        map.remove("os-volume-type-access:is_public");
    }
    args.output.print_object(&info)
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
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

impl UpdateArgs {
    pub fn check(&self) -> Result<()> {
        if self.name.is_none() && self.description.is_none() && self.is_public.is_none() {
            bail!("Must supply at least one of --name, --description or --is-public.");
        }
        Ok(())
    }
}

pub async fn update(cinder: &Cinder, args: UpdateArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.id).await?;
    let mut fields = Map::new();
    if let Some(name) = args.name {
        fields.insert("name".into(), name.into());
    }
    if let Some(description) = args.description {
        fields.insert("description".into(), description.into());
    }
    if let Some(is_public) = args.is_public {
        fields.insert("is_public".into(), is_public.into());
    }
    let request: types::VolumeTypeUpdateRequest = body(json!({ "volume_type": fields }))?;
    let updated = cinder
        .raw()
        .update_type()
        .volume_type_id(vtype.id)
        .body(request)
        .run()
        .await?;
    print_type(&args.output, &updated.volume_type)
}

pub async fn default(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let response = cinder.raw().show_default_type().run().await?;
    print_type(&output, &response.volume_type)
}

#[derive(Args, Debug)]
pub struct KeyArgs {
    /// Name or ID of volume type.
    #[arg(value_name = "vtype", value_parser = values::name_or_id)]
    pub vtype: String,
    /// The action: set or unset.
    #[arg(value_enum, value_name = "action")]
    pub action: MetadataAction,
    /// The extra specs key and value pair to set or unset (for unset, specify only the key).
    #[arg(value_name = "key=value", required = true)]
    pub metadata: Vec<String>,
}

pub async fn key(cinder: &Cinder, args: KeyArgs) -> Result<()> {
    let change = args.action.change(&args.metadata)?;
    let vtype = lookup::volume_type(cinder, &args.vtype).await?;
    match change {
        MetadataChange::Set(pairs) => {
            let request: types::VolumeTypeExtraSpecsRequest =
                body(json!({ "extra_specs": kv::to_json(&pairs) }))?;
            cinder
                .raw()
                .create_type_extra_specs()
                .volume_type_id(vtype.id)
                .body(request)
                .run()
                .await?;
        }
        MetadataChange::Unset(keys) => {
            for key in keys {
                cinder
                    .raw()
                    .delete_type_extra_spec()
                    .volume_type_id(vtype.id.clone())
                    .key(key)
                    .run()
                    .await?;
            }
        }
    }
    Ok(())
}

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

pub async fn access_add(cinder: &Cinder, args: AccessArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    cinder
        .raw()
        .type_add_project_access(&vtype.id, body(json!({ "project": args.project_id }))?)
        .run()
        .await?;
    Ok(())
}

pub async fn access_remove(cinder: &Cinder, args: AccessArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    cinder
        .raw()
        .type_remove_project_access(&vtype.id, body(json!({ "project": args.project_id }))?)
        .run()
        .await?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct AccessListArgs {
    /// Filter results by volume type name or ID.
    #[arg(long = "volume-type", value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn access_list(cinder: &Cinder, args: AccessListArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let list = cinder
        .raw()
        .list_type_access()
        .volume_type_id(vtype.id)
        .run()
        .await?;
    let rows = list
        .volume_type_access
        .iter()
        .map(json)
        .collect::<Result<Vec<Value>>>()?;
    args.output
        .print_list_sorted_by(&access_columns(), Some("volume_type_id"), rows)
}

pub async fn extra_specs_list(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let mut out = output
        .list(&extra_specs_columns())?
        .sort_table_by(Some("id"));
    let query = TypeQuery::all();
    PageArgs::default()
        .stream(&mut out, |request| query.rows(cinder, request))
        .await?;
    out.finish()?;
    Ok(())
}

/// The columns of `type-access-list`.
pub fn access_columns() -> Vec<Column> {
    columns(&["Volume_type_ID", "Project_ID"])
}

/// The columns of `extra-specs-list`.
pub fn extra_specs_columns() -> Vec<Column> {
    columns(&["ID", "Name", "extra_specs"])
}

/// The columns cinderclient shows for encryption types.
pub fn encryption_columns() -> Vec<Column> {
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
    let encryption = cinder
        .raw()
        .show_type_encryption()
        .volume_type_id(type_id)
        .run()
        .await?;
    encryption
        .volume_type_id
        .is_some()
        .then(|| json(&encryption))
        .transpose()
}

#[derive(Args, Debug)]
pub struct EncryptionCreateArgs {
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

pub async fn encryption_create(cinder: &Cinder, args: EncryptionCreateArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let mut spec = Map::new();
    spec.insert("provider".into(), args.provider.into());
    spec.insert("control_location".into(), args.control_location.into());
    if let Some(cipher) = args.cipher {
        spec.insert("cipher".into(), cipher.into());
    }
    if let Some(key_size) = args.key_size {
        spec.insert("key_size".into(), key_size.into());
    }
    let request: types::VolumeTypeEncryptionCreateRequest = body(json!({ "encryption": spec }))?;
    let created = cinder
        .raw()
        .create_type_encryption()
        .volume_type_id(vtype.id)
        .body(request)
        .run()
        .await?;
    args.output
        .print_row(&encryption_columns(), Some(&json(&created.encryption)?))
}

pub async fn encryption_list(cinder: &Cinder, output: OutputArgs) -> Result<()> {
    let mut out = output
        .list(&encryption_columns())?
        .sort_table_by(Some("volume_type_id"));
    let query = TypeQuery::all();
    // The encryptions of each page of types, asked for one type after the other.
    let fetch = |request| {
        let query = &query;
        async move {
            let (list, links) = query.page(cinder, request).await?;
            let mut rows = Vec::new();
            for vtype in &list {
                if let Some(encryption) = encryption_of(cinder, &vtype.id).await? {
                    rows.push(encryption);
                }
            }
            Ok(ListPage {
                rows,
                links,
                count: None,
            })
        }
    };
    PageArgs::default().stream(&mut out, fetch).await?;
    out.finish()?;
    Ok(())
}

#[derive(Args, Debug)]
pub struct EncryptionTypeArgs {
    /// Name or ID of volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
}

#[derive(Args, Debug)]
pub struct EncryptionShowArgs {
    /// Name or ID of volume type.
    #[arg(value_name = "volume_type", value_parser = values::name_or_id)]
    pub volume_type: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub async fn encryption_show(cinder: &Cinder, args: EncryptionShowArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let encryption = encryption_of(cinder, &vtype.id).await?;
    args.output
        .print_row(&encryption_columns(), encryption.as_ref())
}

#[derive(Args, Debug)]
pub struct EncryptionUpdateArgs {
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

impl EncryptionUpdateArgs {
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

pub async fn encryption_update(cinder: &Cinder, args: EncryptionUpdateArgs) -> Result<()> {
    let spec = args.spec()?;
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let encryption = encryption_of(cinder, &vtype.id).await?;
    let Some(encryption) = encryption else {
        bail!("Volume type '{}' has no encryption type.", args.volume_type);
    };
    let key = encryption
        .get("encryption_id")
        .and_then(Value::as_str)
        .unwrap_or("encryption")
        .to_string();
    let request: types::VolumeTypeEncryptionUpdateRequest = body(json!({ "encryption": spec }))?;
    cinder
        .raw()
        .update_type_encryption()
        .volume_type_id(vtype.id.clone())
        .key(key)
        .body(request)
        .run()
        .await?;
    let encryption = encryption_of(cinder, &vtype.id).await?;
    args.output
        .print_row(&encryption_columns(), encryption.as_ref())
}

pub async fn encryption_delete(cinder: &Cinder, args: EncryptionTypeArgs) -> Result<()> {
    let vtype = lookup::volume_type(cinder, &args.volume_type).await?;
    let Some(encryption) = encryption_of(cinder, &vtype.id).await? else {
        bail!("Volume type '{}' has no encryption type.", args.volume_type);
    };
    let key = encryption
        .get("encryption_id")
        .and_then(Value::as_str)
        .unwrap_or("encryption")
        .to_string();
    cinder
        .raw()
        .delete_type_encryption()
        .volume_type_id(vtype.id)
        .key(key)
        .run()
        .await?;
    Ok(())
}
