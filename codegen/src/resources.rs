//! Emits `resources.rs`: one marker type per resource the spec describes with a tag-level
//! `x-openstack-resource` extension, implementing the traits of `templates/calls.rs`
//! (`Resource`, and `Creatable`, `Deletable`, `WithStatus`, `WithMetadata` where the extension
//! names their operations), and `for_each_resource!`, which hands the list to the wrapper so
//! that it can give each resource its handle without a hand-written line per resource.
//!
//! The extension names operations; everything else is read from their schemas: the key that
//! holds one resource in a show answer (its only property), the typed resource, the create
//! body's key, the metadata map's key, and the path parameters.

use anyhow::{anyhow, bail, Context, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::calls::{
    list_shape, operation_object, schema, schema_ref_name, success_schema, FieldNames,
};
use crate::names::pascal_case;
use crate::operations::{resolve, Operation};

pub const RESOURCE_EXTENSION: &str = "x-openstack-resource";

/// One `x-openstack-resource`, with the facts read from its operations' schemas.
#[derive(Debug)]
pub struct ResourceSpec {
    /// The tag (`volumes`): the marker type's and the handle's name.
    pub tag: String,
    /// The singular (`volume`).
    pub name: String,
    /// What lookups call one in messages (`message-name`, default the singular).
    message_name: String,
    show: Operation,
    list: Operation,
    find_field: Option<String>,
    /// Query parameters a lookup by name sends: `(name, value)`; a `None` value is the name
    /// looked for.
    find_query: Vec<(String, Option<String>)>,
    create: Option<Operation>,
    update: Option<Operation>,
    delete: Option<Operation>,
    status: Option<String>,
    metadata: Option<Metadata>,
}

#[derive(Debug)]
struct Metadata {
    show: Operation,
    set: Operation,
    unset: Operation,
}

/// Every resource of the spec, in tag order.
pub fn resources(document: &Value, operations: &[Operation]) -> Result<Vec<ResourceSpec>> {
    let find = |id: &str, tag: &str| -> Result<Operation> {
        operations
            .iter()
            .find(|op| op.id == id)
            .cloned()
            .ok_or_else(|| anyhow!("{tag}: {RESOURCE_EXTENSION} names {id}, which is no operation"))
    };
    let mut resources = Vec::new();
    for tag in document
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(extension) = tag.get(RESOURCE_EXTENSION) else {
            continue;
        };
        let tag_name = tag
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("a tag without a name has {RESOURCE_EXTENSION}"))?
            .to_string();
        let text = |key: &str| extension.get(key).and_then(Value::as_str);
        let required = |key: &str| {
            text(key).ok_or_else(|| anyhow!("{tag_name}: {RESOURCE_EXTENSION}.{key} is missing"))
        };
        let optional_op = |key: &str| text(key).map(|id| find(id, &tag_name)).transpose();
        let (find_field, find_query) = match extension.get("find-by") {
            None => (None, Vec::new()),
            Some(Value::String(field)) => (Some(field.clone()), vec![(field.clone(), None)]),
            Some(Value::Object(spec)) => {
                let field = spec
                    .get("field")
                    .and_then(Value::as_str)
                    .ok_or_else(|| anyhow!("{tag_name}: find-by.field is missing"))?;
                let query = spec
                    .get("query")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| match v {
                        Value::String(v) => Ok((k.clone(), Some(v.clone()))),
                        _ => bail!("{tag_name}: find-by.query.{k} must be a string"),
                    })
                    .collect::<Result<_>>()?;
                (Some(field.to_string()), query)
            }
            Some(_) => bail!("{tag_name}: find-by must be a field name or {{field, query}}"),
        };
        let metadata = match extension.get("metadata") {
            None => None,
            Some(spec) => {
                let op = |key: &str| {
                    spec.get(key)
                        .and_then(Value::as_str)
                        .ok_or_else(|| anyhow!("{tag_name}: metadata.{key} is missing"))
                        .and_then(|id| find(id, &tag_name))
                };
                Some(Metadata {
                    show: op("show")?,
                    set: op("set")?,
                    unset: op("unset")?,
                })
            }
        };
        let resource = ResourceSpec {
            name: required("name")?.to_string(),
            message_name: text("message-name")
                .unwrap_or(required("name")?)
                .to_string(),
            show: find(required("show")?, &tag_name)?,
            list: find(required("list")?, &tag_name)?,
            find_field,
            find_query,
            create: optional_op("create")?,
            update: optional_op("update")?,
            delete: optional_op("delete")?,
            status: text("status").map(str::to_string),
            metadata,
            tag: tag_name,
        };
        resources.push(resource);
    }
    Ok(resources)
}

/// The `resources.rs` file.
pub fn file(
    document: &Value,
    resources: &[ResourceSpec],
    fields: &FieldNames,
) -> Result<TokenStream> {
    let mut items = Vec::new();
    let mut entries = Vec::new();
    for resource in resources {
        items.push(
            resource_impls(document, resource, fields).with_context(|| resource.tag.clone())?,
        );
        let marker = marker(resource);
        let handle = Ident::new(&resource.tag, Span::call_site());
        let name = &resource.name;
        let mut traits = vec![quote!(Resource)];
        if resource.create.is_some() {
            traits.push(quote!(Creatable));
        }
        if resource.update.is_some() {
            traits.push(quote!(Updatable));
        }
        if resource.delete.is_some() {
            traits.push(quote!(Deletable));
        }
        if resource.status.is_some() {
            traits.push(quote!(WithStatus));
        }
        if resource.metadata.is_some() {
            traits.push(quote!(WithMetadata));
        }
        entries.push(quote!(#handle #marker #name [#(#traits)*]));
    }
    Ok(quote! {
        //! The resources the spec describes (tag-level `x-openstack-resource`): a marker type
        //! each, with the traits of [`crate::calls`] it supports.

        use crate::calls::*;
        #[allow(unused_imports)]
        use crate::types;
        use crate::Client;

        #(#items)*

        /// Calls `$callback!` once with every resource: `handle Marker "name" [Traits...]`,
        /// e.g. `volumes Volumes "volume" [Resource Creatable Deletable WithStatus WithMetadata]`,
        /// separated by `;`.
        #[macro_export]
        macro_rules! for_each_resource {
            ($callback:ident) => {
                $callback! { #(#entries);* }
            };
        }
    })
}

fn marker(resource: &ResourceSpec) -> Ident {
    Ident::new(&pascal_case(&resource.tag), Span::call_site())
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn type_ident(schema: &str) -> Ident {
    ident(&pascal_case(schema))
}

/// The one path parameter of `operation` before `{key}`-like ones: the resource's id.
fn path_parameters(operation: &Operation) -> Vec<Ident> {
    operation
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| ident(name)))
        .collect()
}

/// The single property of a wrapper schema (`{"volume": {...}}`) and the schema it holds;
/// `links` beside it (QoS specs have their links there, not inside) is not the resource.
fn wrapped(document: &Value, wrapper: &str) -> Result<(String, Value)> {
    let properties = schema(document, wrapper)?
        .get("properties")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("{wrapper} has no properties"))?;
    let held: Vec<_> = properties
        .iter()
        .filter(|(key, _)| *key != "links")
        .collect();
    let [(key, inner)] = held[..] else {
        bail!("{wrapper} must have exactly one property, the resource's key");
    };
    Ok((key.clone(), inner.clone()))
}

/// The named schema a property holds (directly, or as `allOf: [$ref]`).
fn held_schema(property: &Value) -> Option<String> {
    schema_ref_name(property).or_else(|| {
        property
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|parts| parts.first())
            .and_then(schema_ref_name)
    })
}

fn request_schema(document: &Value, operation: &Operation) -> Result<String> {
    let object = operation_object(document, operation)?;
    let schema = object
        .pointer("/requestBody/content/application~1json/schema")
        .ok_or_else(|| anyhow!("{} has no JSON request body", operation.id))?;
    schema_ref_name(schema)
        .ok_or_else(|| anyhow!("{}: the request body is not a $ref", operation.id))
}

fn body_of(document: &Value, operation: &Operation) -> Result<String> {
    success_schema(document, operation)?
        .ok_or_else(|| anyhow!("{} answers without a body", operation.id))
}

fn resource_impls(
    document: &Value,
    resource: &ResourceSpec,
    fields: &FieldNames,
) -> Result<TokenStream> {
    let marker = marker(resource);
    let name = &resource.name;
    let message_name = &resource.message_name;
    let shown = body_of(document, &resource.show)?;
    let (key, inner) = wrapped(document, &shown)?;
    let item = held_schema(&inner).ok_or_else(|| anyhow!("{shown}.{key} is not a $ref"))?;
    let list = list_shape(document, &resource.list)?
        .ok_or_else(|| anyhow!("{} is not a list operation", resource.list.id))?;
    if list.item != item {
        bail!(
            "{} lists {}, but {} shows {item}",
            resource.list.id,
            list.item,
            resource.show.id
        );
    }
    let shown_type = type_ident(&shown);
    let item_type = type_ident(&item);
    let key_field = fields.field(&pascal_case(&shown), &key)?;
    let show_op = ident(&resource.show.id);
    let [show_id] = &path_parameters(&resource.show)[..] else {
        bail!("{} must have one path parameter", resource.show.id);
    };
    let list_op = ident(&resource.list.id);
    let list_builder = type_ident(&resource.list.id);
    let name_field = match &resource.find_field {
        Some(field) => quote!(::std::option::Option::Some(#field)),
        None => quote!(::std::option::Option::None),
    };
    let find_query = resource.find_query.iter().map(|(parameter, value)| {
        let setter = ident(parameter);
        match value {
            Some(value) => quote!(.#setter(#value)),
            None => quote!(.#setter(name)),
        }
    });
    let uses_name = resource.find_query.iter().any(|(_, v)| v.is_none());
    let name_argument = if uses_name {
        quote!(name)
    } else {
        quote!(_name)
    };
    let doc = format!(
        "The `{name}` resource (tag `{}`): `{}`, `{}`.",
        resource.tag, resource.show.id, resource.list.id
    );
    let mut tokens = quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #marker;

        impl Resource for #marker {
            const NAME: &'static str = #name;
            const MESSAGE_NAME: &'static str = #message_name;
            const KEY: &'static str = #key;
            const NAME_FIELD: ::std::option::Option<&'static str> = #name_field;
            type Item = types::#item_type;
            type Shown = types::#shown_type;
            type List<'a> = crate::builder::#list_builder<'a>;
            fn show<'a>(client: &'a Client, id: &str) -> Call<'a, Self::Shown> {
                ::std::boxed::Box::pin(client.#show_op().#show_id(id).send())
            }
            fn list(client: &Client) -> Self::List<'_> {
                client.#list_op()
            }
            fn named<'a>(client: &'a Client, #name_argument: &str) -> Self::List<'a> {
                client.#list_op()#(#find_query)*
            }
            fn shown(body: Self::Shown) -> Self::Item {
                body.#key_field
            }
        }
    };
    if let Some(create) = &resource.create {
        let (params, call, answered) = put_under_key(document, fields, create, &key, &[])?;
        tokens.extend(quote! {
            impl Creatable for #marker {
                type Params = types::builder::#params;
                type Created = types::#answered;
                fn create<'a>(client: &'a Client, params: Self::Params) -> Call<'a, Self::Created> {
                    #call
                }
                fn created(body: Self::Created) -> Self::Item {
                    body.#key_field
                }
            }
        });
    }
    if let Some(update) = &resource.update {
        let [id] = &path_parameters(update)[..] else {
            bail!("{} must have one path parameter", update.id);
        };
        let (changes, call, answered) = put_under_key(document, fields, update, &key, &[id])?;
        tokens.extend(quote! {
            impl Updatable for #marker {
                type Changes = types::builder::#changes;
                type Fields = types::#changes;
                type Updated = types::#answered;
                fn update<'a>(client: &'a Client, id: &str, params: Self::Changes) -> Call<'a, Self::Updated> {
                    #call
                }
                fn updated(body: Self::Updated) -> Self::Item {
                    body.#key_field
                }
            }
        });
    }
    if let Some(delete) = &resource.delete {
        let delete_op = ident(&delete.id);
        let [delete_id] = &path_parameters(delete)[..] else {
            bail!("{} must have one path parameter", delete.id);
        };
        tokens.extend(quote! {
            impl Deletable for #marker {
                fn delete<'a>(client: &'a Client, id: &str) -> Call<'a, ()> {
                    ::std::boxed::Box::pin(client.#delete_op().#delete_id(id).send())
                }
            }
        });
    }
    if let Some(field) = &resource.status {
        tokens.extend(quote! {
            impl WithStatus for #marker {
                const STATUS_FIELD: &'static str = #field;
            }
        });
    }
    if let Some(metadata) = &resource.metadata {
        tokens.extend(metadata_impl(document, &marker, metadata)?);
    }
    Ok(tokens)
}

/// What an operation that sends the resource's fields under `key` (`{"volume": {...}}`) needs:
/// the fields' builder type, the call (path parameter `id` as `id`), and the answer's type.
/// The answer must hold the resource under the same key.
fn put_under_key(
    document: &Value,
    fields: &FieldNames,
    operation: &Operation,
    key: &str,
    id: &[&Ident],
) -> Result<(Ident, TokenStream, Ident)> {
    let request = request_schema(document, operation)?;
    let params = schema(document, &request)?
        .pointer(&format!("/properties/{key}"))
        .and_then(held_schema)
        .ok_or_else(|| anyhow!("{request} has no `{key}` naming a schema"))?;
    let setter = fields.field(&pascal_case(&request), key)?;
    let answered = body_of(document, operation)?;
    fields.field(&pascal_case(&answered), key)?;
    let op = ident(&operation.id);
    let call = quote! {
        ::std::boxed::Box::pin(
            client.#op()#(.#id(id))*.body_map(|body| body.#setter(params)).send(),
        )
    };
    Ok((type_ident(&params), call, type_ident(&answered)))
}

fn metadata_impl(document: &Value, marker: &Ident, metadata: &Metadata) -> Result<TokenStream> {
    let shown = body_of(document, &metadata.show)?;
    let (key, _) = wrapped(document, &shown)?;
    let set_body = body_of(document, &metadata.set)?;
    if set_body != shown {
        bail!(
            "{} answers {set_body}, {} answers {shown}: they must be the same",
            metadata.set.id,
            metadata.show.id
        );
    }
    let request = request_schema(document, &metadata.set)?;
    let (request_key, _) = wrapped(document, &request)?;
    if request_key != key {
        bail!(
            "{} takes `{request_key}`, but answers `{key}`",
            metadata.set.id
        );
    }
    let shown_type = type_ident(&shown);
    let request_type = type_ident(&request);
    let show_op = ident(&metadata.show.id);
    let set_op = ident(&metadata.set.id);
    let unset_op = ident(&metadata.unset.id);
    let [show_id] = &path_parameters(&metadata.show)[..] else {
        bail!("{} must have one path parameter", metadata.show.id);
    };
    let [set_id] = &path_parameters(&metadata.set)[..] else {
        bail!("{} must have one path parameter", metadata.set.id);
    };
    let [unset_id, unset_key] = &path_parameters(&metadata.unset)[..] else {
        bail!("{} must have two path parameters", metadata.unset.id);
    };
    let request_has_no_extras = resolve(document, schema(document, &request)?)?
        .get("additionalProperties")
        == Some(&Value::Bool(false));
    if !request_has_no_extras {
        bail!("{request} must set additionalProperties: false");
    }
    Ok(quote! {
        impl WithMetadata for #marker {
            const METADATA_KEY: &'static str = #key;
            type Metadata = types::#shown_type;
            fn metadata<'a>(client: &'a Client, id: &str) -> Call<'a, Self::Metadata> {
                ::std::boxed::Box::pin(client.#show_op().#show_id(id).send())
            }
            fn set_metadata<'a>(
                client: &'a Client,
                id: &str,
                metadata: ::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            ) -> Call<'a, Self::Metadata> {
                // Through JSON, so that the request type checks each value as it would any.
                let body = ::serde_json::json!({ #key: metadata });
                match ::serde_json::from_value::<types::#request_type>(body) {
                    ::std::result::Result::Ok(body) => ::std::boxed::Box::pin(
                        client.#set_op().#set_id(id).body(body).send(),
                    ),
                    ::std::result::Result::Err(error) => refused(::std::format!("{}: {error}", #key)),
                }
            }
            fn unset_metadata<'a>(client: &'a Client, id: &str, key: &str) -> Call<'a, ()> {
                ::std::boxed::Box::pin(client.#unset_op().#unset_id(id).#unset_key(key).send())
            }
        }
    })
}
