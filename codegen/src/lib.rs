//! Turns `spec/openapi.yaml` into the raw client crate's sources.
//!
//! The pipeline: [`bundle`] the multi-file spec into one document, read the [`operations`] and
//! [`lint`] the spec's own conventions, [`prepare`] a copy for progenitor, run it
//! ([`generate`]), [`split`] the output by resource, make the type builders' [`setters`] take
//! plain values, keep the other members of [`open_objects`], add the typed [`actions`], what generic code needs of the builders
//! ([`calls`]), the [`resources`], the [`microversions`] table and the list of
//! [`response_bodies`], and [`assemble`] the files.

pub mod actions;
pub mod assemble;
pub mod bundle;
pub mod calls;
pub mod docs;
pub mod generate;
pub mod lint;
pub mod microversions;
pub mod names;
pub mod open_objects;
pub mod operations;
pub mod prepare;
pub mod resources;
pub mod response_bodies;
pub mod setters;
pub mod split;
pub mod surface;
pub mod version;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

pub use assemble::CrateFiles;

/// Every file of the raw crate's `src/` folder, generated from the spec at `entry`.
pub fn generate_crate(entry: &Path) -> Result<CrateFiles> {
    let bundle = bundle::bundle(entry)?;
    let operations = operations::operations(&bundle.document)?;
    let mut problems = lint::lint(&bundle.document, &operations);
    for resource in bundle.schema_resources.values() {
        if lint::RESERVED_MODULES.contains(&resource.as_str()) {
            problems.push(format!(
                "schemas/{resource}.yaml collides with a module of the generated crate"
            ));
        }
    }
    problems.dedup();
    if !problems.is_empty() {
        bail!(
            "the spec breaks its conventions (spec/README.md):\n  {}",
            problems.join("\n  ")
        );
    }
    let prepared = prepare::for_progenitor(&bundle.document);
    let tokens = generate::progenitor_tokens(&prepared)?;
    let file: syn::File = syn::parse2(tokens).context("progenitor's output does not parse")?;
    let placement = split::Placement::new(&bundle.schema_resources, &operations);
    let mut split = split::split(file, &placement, &operations)?;
    setters::rewrite(&mut split.type_builders);
    let open = open_objects::open_objects(&bundle.document);
    open_objects::add_extra(&mut split.types, &mut split.type_builders, &open);
    let fields = calls::FieldNames::new(split.types.values().flatten());
    calls::extend_builders(&mut split.builders, &bundle.document, &operations, &fields)?;
    let resources = resources::resources(&bundle.document, &operations)?;
    let resources = resources::file(&bundle.document, &resources, &fields)?;

    let all_types: Vec<&syn::Item> = split.types.values().flatten().collect();
    let mut action_methods = BTreeMap::new();
    for operation in &operations {
        let methods = actions::action_methods(operation, &all_types)?;
        if !methods.is_empty() {
            action_methods
                .entry(operation.tag.clone())
                .or_insert_with(Vec::new)
                .extend(methods);
        }
    }
    let defined = all_types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let bodies = response_bodies::collect(&bundle.document, &operations, &defined)?;
    assemble::assemble(
        split,
        action_methods,
        microversions::table(
            &operations,
            operations::VersionRange::client(&bundle.document)?,
        ),
        response_bodies::table(&bodies),
        resources,
    )
}

/// The API surface file ([`surface`]) of the crate `files` generated from the spec at `entry`.
pub fn api_surface(entry: &Path, files: &CrateFiles) -> Result<String> {
    let bundle = bundle::bundle(entry)?;
    let operations = operations::operations(&bundle.document)?;
    surface::surface(&bundle.document, &operations, files)
}
