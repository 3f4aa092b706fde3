//! Gives the types of open objects (schemas with `properties` and `additionalProperties:
//! true`, such as a host's connector or a driver's connection info) a place for the members the
//! spec does not name. typify keeps only the named ones, so a connector key a driver needs
//! (sent) or a connection detail a driver adds (received) would be lost. Each such struct gets
//! `extra`, a flattened map of the other members, and its builder an `extra` setter.

use std::collections::BTreeSet;

use quote::quote;
use serde_json::Value;
use syn::visit_mut::VisitMut;
use syn::{Fields, Item};

use crate::names::pascal_case;
use crate::split::Files;

/// The type names of the open objects of the spec.
pub fn open_objects(document: &Value) -> BTreeSet<String> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| {
            schema.get("additionalProperties") == Some(&Value::Bool(true))
                && schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
        })
        .map(|(name, _)| pascal_case(name))
        .collect()
}

/// Adds `extra` to the open objects' structs in `types` and to their builders.
pub fn add_extra(types: &mut Files, builders: &mut Files, open: &BTreeSet<String>) {
    for item in types.values_mut().flatten() {
        if let Item::Struct(structure) = item {
            if open.contains(&structure.ident.to_string()) {
                if let Fields::Named(fields) = &mut structure.fields {
                    fields.named.push(syn::parse_quote! {
                        /// The members the spec does not name (this object is open), as sent.
                        #[serde(flatten)]
                        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
                    });
                }
            }
        }
    }
    for item in builders.values_mut().flatten() {
        match item {
            Item::Struct(structure) if open.contains(&structure.ident.to_string()) => {
                if let Fields::Named(fields) = &mut structure.fields {
                    fields.named.push(syn::parse_quote! {
                        extra: ::std::result::Result<
                            ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                            ::std::string::String,
                        >
                    });
                }
            }
            Item::Impl(block) => {
                if !is_builder_impl_of(block, open) {
                    continue;
                }
                let value = match &block.trait_ {
                    // `Default`: an empty map.
                    Some((_, path, _)) if last_segment(path) == "Default" => {
                        quote!(Ok(Default::default()))
                    }
                    // `TryFrom<builder> for the type`.
                    Some((_, path, _)) if last_segment(path) == "TryFrom" => quote!(value.extra?),
                    // `From<the type> for builder`.
                    Some((_, path, _)) if last_segment(path) == "From" => quote!(Ok(value.extra)),
                    Some(_) => continue,
                    None => {
                        block.items.push(syn::parse_quote! {
                            /// Members the spec does not name (this object is open).
                            pub fn extra<I, K, V>(mut self, value: I) -> Self
                            where
                                I: ::std::iter::IntoIterator<Item = (K, V)>,
                                K: ::std::convert::Into<::std::string::String>,
                                V: ::std::convert::Into<::serde_json::Value>,
                            {
                                self.extra = Ok(value
                                    .into_iter()
                                    .map(|(k, v)| (k.into(), v.into()))
                                    .collect());
                                self
                            }
                        });
                        continue;
                    }
                };
                AddField(syn::parse_quote!(extra: #value)).visit_item_impl_mut(block);
            }
            _ => {}
        }
    }
}

/// Whether a builder-module impl is about an open object: `impl X`, `impl Default for X`,
/// `impl TryFrom<X> for super::X`, `impl From<super::X> for X`.
fn is_builder_impl_of(block: &syn::ItemImpl, open: &BTreeSet<String>) -> bool {
    let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
        return false;
    };
    let name = self_type.path.segments.last().map(|s| s.ident.to_string());
    name.is_some_and(|name| open.contains(&name))
}

fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Adds a field to every `Self { .. }` struct expression.
struct AddField(syn::FieldValue);

impl VisitMut for AddField {
    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        syn::visit_mut::visit_expr_struct_mut(self, node);
        if node.path.is_ident("Self") && node.rest.is_none() {
            node.fields.push(self.0.clone());
        }
    }
}
