//! Splits progenitor's single token stream into one file per resource, so that a regeneration
//! diff can be reviewed resource by resource.
//!
//! progenitor emits `pub mod types {..}`, the `Client` with its impls, one `impl Client` holding
//! every operation method, `pub mod builder {..}` with one builder per operation, and
//! `pub mod prelude`. Types go to `types/<resource>.rs` (the `schemas/<resource>.yaml` they came
//! from), operation methods to `operations/<tag>.rs` and builders to `builder/<tag>.rs`; each
//! split file starts with `use super::*;` so the generated paths resolve as before.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Result};
use quote::quote;
use syn::{Item, ItemImpl, ItemMod};

use crate::names::pascal_case;
use crate::operations::Operation;

/// Items destined for the files of one module folder, keyed by file stem.
pub type Files = BTreeMap<String, Vec<Item>>;

pub struct Split {
    /// Items that stay in `lib.rs`.
    pub root: Vec<Item>,
    /// Items of `types`: `mod.rs` (key `mod`) and one file per resource.
    pub types: Files,
    /// Items of `types::builder` per resource.
    pub type_builders: Files,
    /// Operation methods (`impl Client` items) per tag.
    pub operations: BTreeMap<String, Vec<syn::ImplItem>>,
    /// `builder` module: `mod.rs` (key `mod`) and one file per tag.
    pub builders: Files,
}

/// Decides which file a generated type name belongs to.
pub struct Placement {
    /// (PascalCase prefix, file stem), longest prefixes first.
    prefixes: Vec<(String, String)>,
}

impl Placement {
    pub fn new(schema_resources: &BTreeMap<String, String>, operations: &[Operation]) -> Self {
        let mut prefixes: Vec<(String, String)> = schema_resources
            .iter()
            .map(|(schema, resource)| (pascal_case(schema), resource.clone()))
            .chain(
                operations
                    .iter()
                    .map(|op| (pascal_case(&op.id), op.tag.clone())),
            )
            .collect();
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        Placement { prefixes }
    }

    /// The file for a type, or `mod` for a type no schema or operation explains.
    pub fn file_for(&self, type_name: &str) -> String {
        self.prefixes
            .iter()
            .find(|(prefix, _)| type_name.starts_with(prefix.as_str()))
            .map(|(_, file)| file.clone())
            .unwrap_or_else(|| "mod".to_string())
    }
}

pub fn split(file: syn::File, placement: &Placement, operations: &[Operation]) -> Result<Split> {
    let operation_tags: BTreeMap<String, String> = operations
        .iter()
        .map(|op| (op.id.clone(), op.tag.clone()))
        .collect();
    let builder_tags: BTreeMap<String, String> = operations
        .iter()
        .map(|op| (pascal_case(&op.id), op.tag.clone()))
        .collect();

    let mut result = Split {
        root: Vec::new(),
        types: Files::new(),
        type_builders: Files::new(),
        operations: BTreeMap::new(),
        builders: Files::new(),
    };
    for item in file.items {
        match item {
            Item::Mod(module) if module.ident == "types" => {
                let items = module_items(module)?;
                let defined = defined_names(&items);
                for inner in items {
                    match inner {
                        Item::Mod(builder) if builder.ident == "builder" => {
                            for b in module_items(builder)? {
                                let file = placement.file_for(&item_type_name(&b, &defined)?);
                                result.type_builders.entry(file).or_default().push(b);
                            }
                        }
                        Item::Mod(other) => result
                            .types
                            .entry("mod".into())
                            .or_default()
                            .push(Item::Mod(other)),
                        other => {
                            let file = placement.file_for(&item_type_name(&other, &defined)?);
                            result.types.entry(file).or_default().push(other);
                        }
                    }
                }
            }
            Item::Mod(module) if module.ident == "builder" => {
                for inner in module_items(module)? {
                    let file = match &inner {
                        Item::Use(_) => "mod".to_string(),
                        other => {
                            let name = item_type_name(other, &BTreeSet::new())?;
                            builder_tags
                                .get(&name)
                                .cloned()
                                .ok_or_else(|| anyhow!("builder {name} matches no operation"))?
                        }
                    };
                    result.builders.entry(file).or_default().push(inner);
                }
            }
            Item::Impl(block) if is_operation_impl(&block) => {
                for method in block.items {
                    let syn::ImplItem::Fn(function) = &method else {
                        bail!("unexpected non-method item in the operations impl");
                    };
                    let name = function.sig.ident.to_string();
                    let tag = operation_tags
                        .get(&name)
                        .ok_or_else(|| anyhow!("method {name} matches no operation"))?;
                    result
                        .operations
                        .entry(tag.clone())
                        .or_default()
                        .push(method);
                }
            }
            other => result.root.push(other),
        }
    }
    Ok(result)
}

fn module_items(module: ItemMod) -> Result<Vec<Item>> {
    let name = module.ident.to_string();
    module
        .content
        .map(|(_, items)| items)
        .ok_or_else(|| anyhow!("module {name} has no inline content"))
}

/// The `impl Client` block holding operation methods (the other one holds `new`).
fn is_operation_impl(block: &ItemImpl) -> bool {
    let self_type = &block.self_ty;
    block.trait_.is_none()
        && quote!(#self_type).to_string() == "Client"
        && !block.items.iter().any(|item| {
            matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new" || f.sig.ident == "new_with_client")
        })
}

fn defined_names(items: &[Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The type an item defines or implements. An impl of a foreign type
/// (`impl From<Name> for String`) belongs with the generated type its trait names.
fn item_type_name(item: &Item, defined: &BTreeSet<String>) -> Result<String> {
    let name = match item {
        Item::Struct(s) => s.ident.to_string(),
        Item::Enum(e) => e.ident.to_string(),
        Item::Type(t) => t.ident.to_string(),
        Item::Impl(block) => {
            let self_name = match block.self_ty.as_ref() {
                syn::Type::Path(path) => path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .ok_or_else(|| anyhow!("impl for an empty path"))?,
                other => bail!("impl for an unexpected type {}", quote!(#other)),
            };
            if defined.is_empty() || defined.contains(&self_name) {
                self_name
            } else {
                block
                    .trait_
                    .as_ref()
                    .and_then(|(_, path, _)| {
                        quote!(#path)
                            .into_iter()
                            .filter_map(|token| match token {
                                proc_macro2::TokenTree::Ident(ident) => Some(ident.to_string()),
                                _ => None,
                            })
                            .find(|ident| defined.contains(ident))
                    })
                    .unwrap_or(self_name)
            }
        }
        other => bail!("unexpected generated item {}", quote!(#other)),
    };
    Ok(name)
}
