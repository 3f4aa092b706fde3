//! Makes the generated builders usable by generic code (the traits of `templates/calls.rs`):
//! every builder becomes an `IntoFuture` with its `send()`'s output, and every list operation a
//! `ListOperation` (a `PagedList` where it takes `marker` and `limit`). The facts come from the
//! spec: which key of the answer holds the items, which one the links, what an item is.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::{ImplItem, Item};

use crate::names::pascal_case;
use crate::operations::{resolve, Operation};
use crate::split::Files;

/// The Rust field names of the generated structs: (type, JSON key) -> field.
#[derive(Default)]
pub struct FieldNames(BTreeMap<(String, String), Ident>);

impl FieldNames {
    /// Reads every struct among `types`.
    pub fn new<'a>(types: impl IntoIterator<Item = &'a Item>) -> Self {
        let mut names = BTreeMap::new();
        for item in types {
            let Item::Struct(structure) = item else {
                continue;
            };
            for field in structure.fields.iter() {
                let Some(ident) = &field.ident else {
                    continue;
                };
                let key =
                    crate::actions::serde_rename(&field.attrs).unwrap_or_else(|| ident.to_string());
                names.insert((structure.ident.to_string(), key), ident.clone());
            }
        }
        FieldNames(names)
    }

    /// The field of generated type `ty` that holds JSON key `key`.
    pub fn field(&self, ty: &str, key: &str) -> Result<Ident> {
        self.0
            .get(&(ty.to_string(), key.to_string()))
            .cloned()
            .ok_or_else(|| anyhow!("the generated {ty} has no field for `{key}`"))
    }
}

/// The spec's description of an operation's JSON document.
pub fn operation_object<'a>(document: &'a Value, operation: &Operation) -> Result<&'a Value> {
    document
        .get("paths")
        .and_then(|paths| paths.get(&operation.path))
        .and_then(|item| item.get(&operation.method))
        .ok_or_else(|| anyhow!("{}: not found in the bundled spec", operation.id))
}

/// The name of the schema an operation answers with on success, if its answer has a body.
pub fn success_schema(document: &Value, operation: &Operation) -> Result<Option<String>> {
    let object = operation_object(document, operation)?;
    let responses = object
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("{}: no responses", operation.id))?;
    for (status, response) in responses {
        if !status.starts_with('2') {
            continue;
        }
        let response = resolve(document, response)?;
        if let Some(schema) = response.pointer("/content/application~1json/schema") {
            return schema_ref_name(schema)
                .map(Some)
                .ok_or_else(|| anyhow!("{}: the success body is not a $ref", operation.id));
        }
    }
    Ok(None)
}

/// `#/components/schemas/Name` -> `Name`.
pub fn schema_ref_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
}

/// The named schema `name`.
pub fn schema<'a>(document: &'a Value, name: &str) -> Result<&'a Value> {
    document
        .pointer(&format!("/components/schemas/{name}"))
        .ok_or_else(|| anyhow!("schema {name} not found"))
}

/// Where a list answer keeps its parts.
#[derive(Clone, Debug)]
pub struct ListShape {
    /// The answer's schema (`VolumeDetailList`).
    pub body: String,
    /// The key of the items (`volumes`).
    pub items: String,
    /// The items' schema (`Volume`).
    pub item: String,
    /// The key of the paging links (`volumes_links`).
    pub links: Option<String>,
    /// Whether the request takes `marker` and `limit`.
    pub paged: bool,
}

/// The list shape of `operation`: a `GET` whose answer has exactly one array of named
/// resources that is not an array of links.
pub fn list_shape(document: &Value, operation: &Operation) -> Result<Option<ListShape>> {
    if operation.method != "get" {
        return Ok(None);
    }
    let Some(body) = success_schema(document, operation)? else {
        return Ok(None);
    };
    let properties = schema(document, &body)?
        .get("properties")
        .and_then(Value::as_object);
    let mut arrays = Vec::new();
    let mut links = None;
    for (key, property) in properties.into_iter().flatten() {
        if property.get("type").and_then(Value::as_str) != Some("array") {
            continue;
        }
        let Some(item) = property.get("items").and_then(schema_ref_name) else {
            continue;
        };
        if item == "Link" {
            links = Some(key.clone());
        } else {
            arrays.push((key.clone(), item));
        }
    }
    let [(items, item)] = arrays.as_slice() else {
        return Ok(None);
    };
    let parameters: Vec<String> = operation_object(document, operation)?
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(document, p))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    // `x-openstack-paging: reference-marker` marks a list Cinder pages without links (the
    // manageable volumes and snapshots: the marker is the last item's reference, as JSON), so
    // the link-following `PagedList` does not apply; the library pages it by hand.
    let paging = operation_object(document, operation)?.get("x-openstack-paging");
    let by_reference = match paging.map(|p| p.as_str()) {
        None => false,
        Some(Some("reference-marker")) => true,
        Some(other) => bail!(
            "{}: unknown x-openstack-paging {other:?} (the only one is reference-marker)",
            operation.id
        ),
    };
    let paged = !by_reference
        && ["marker", "limit"]
            .iter()
            .all(|name| parameters.iter().any(|p| p == name));
    if paged && links.is_none() {
        bail!(
            "{}: takes marker and limit but its answer has no links",
            operation.id
        );
    }
    Ok(Some(ListShape {
        body,
        items: items.clone(),
        item: item.clone(),
        links,
        paged,
    }))
}

/// Adds to each builder file the `IntoFuture` impl of every builder, and the list traits of
/// the list operations' builders.
pub fn extend_builders(
    builders: &mut Files,
    document: &Value,
    operations: &[Operation],
    fields: &FieldNames,
) -> Result<()> {
    for (tag, items) in builders.iter_mut() {
        if tag == "mod" {
            continue;
        }
        let mut added = Vec::new();
        for item in items.iter() {
            if let Some((builder, output)) = send_signature(item) {
                added.push(into_future(&builder, &output));
            }
        }
        for operation in operations.iter().filter(|op| &op.tag == tag) {
            if let Some(shape) = list_shape(document, operation)? {
                added.push(list_impls(operation, &shape, fields)?);
            }
        }
        for tokens in added {
            let file: syn::File = syn::parse2(tokens)?;
            items.extend(file.items);
        }
    }
    Ok(())
}

/// The builder a `impl<'a> Builder<'a> { pub async fn send(self) -> Output }` block is for,
/// and `Output`.
fn send_signature(item: &Item) -> Option<(Ident, syn::Type)> {
    let Item::Impl(block) = item else {
        return None;
    };
    if block.trait_.is_some() {
        return None;
    }
    let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
        return None;
    };
    let builder = self_type.path.segments.last()?.ident.clone();
    block.items.iter().find_map(|item| match item {
        ImplItem::Fn(function) if function.sig.ident == "send" => match &function.sig.output {
            syn::ReturnType::Type(_, output) => Some((builder.clone(), (**output).clone())),
            syn::ReturnType::Default => None,
        },
        _ => None,
    })
}

fn into_future(builder: &Ident, output: &syn::Type) -> TokenStream {
    quote! {
        /// Sends the request when awaited, as `send()` does.
        impl<'a> ::std::future::IntoFuture for #builder<'a> {
            type Output = #output;
            type IntoFuture = crate::hooks::BoxFuture<'a, #output>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    }
}

fn list_impls(
    operation: &Operation,
    shape: &ListShape,
    fields: &FieldNames,
) -> Result<TokenStream> {
    let builder = Ident::new(&pascal_case(&operation.id), Span::call_site());
    let body = Ident::new(&pascal_case(&shape.body), Span::call_site());
    let item = Ident::new(&pascal_case(&shape.item), Span::call_site());
    let items_key = &shape.items;
    let items_field = fields.field(&pascal_case(&shape.body), &shape.items)?;
    let links = match &shape.links {
        Some(key) => quote!(::std::option::Option::Some(#key)),
        None => quote!(::std::option::Option::None),
    };
    let paged = shape.paged.then(|| {
        quote! {
            impl<'a> crate::calls::PagedList for #builder<'a> {
                fn with_marker(self, marker: ::std::string::String) -> Self {
                    self.marker(marker)
                }
                fn with_limit(self, limit: u64) -> Self {
                    self.limit(limit)
                }
            }
        }
    });
    Ok(quote! {
        impl<'a> crate::calls::ListOperation for #builder<'a> {
            type Body = types::#body;
            type Item = types::#item;
            const ITEMS: &'static str = #items_key;
            const LINKS: ::std::option::Option<&'static str> = #links;
            fn items(body: Self::Body) -> ::std::vec::Vec<Self::Item> {
                body.#items_field
            }
        }
        #paged
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::VersionRange;
    use crate::version::Microversion;
    use serde_json::json;

    /// A `GET /things` taking marker and limit, answering `ThingList` without links, with
    /// `paging` as its `x-openstack-paging` (none when null).
    fn document(paging: Value) -> Value {
        let mut get = json!({
            "operationId": "list_things",
            "parameters": [
                {"name": "marker", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ],
            "responses": {"200": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/ThingList"}}}}}
        });
        if !paging.is_null() {
            get["x-openstack-paging"] = paging;
        }
        json!({
            "paths": {"/things": {"get": get}},
            "components": {"schemas": {
                "ThingList": {"type": "object", "properties": {
                    "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                }},
                "Thing": {"type": "object"}
            }}
        })
    }

    fn operation() -> Operation {
        Operation {
            id: "list_things".into(),
            method: "get".into(),
            path: "/things".into(),
            tag: "things".into(),
            versions: VersionRange::all(Microversion(71)),
            all: VersionRange::all(Microversion(71)),
            gates: vec![],
            actions: vec![],
        }
    }

    #[test]
    fn a_list_paged_without_links_needs_its_paging_named() {
        let err = list_shape(&document(Value::Null), &operation()).unwrap_err();
        assert!(err.to_string().contains("has no links"), "{err}");

        let shape = list_shape(&document(json!("reference-marker")), &operation())
            .unwrap()
            .expect("still a list");
        assert_eq!(shape.items, "things");
        assert!(!shape.paged, "no link-following paginator for it");

        let err = list_shape(&document(json!("cursor")), &operation()).unwrap_err();
        assert!(
            err.to_string().contains("unknown x-openstack-paging"),
            "{err}"
        );
    }
}
