//! Runs progenitor over the prepared spec.

use anyhow::{Context, Result};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

pub fn progenitor_tokens(prepared: &Value) -> Result<TokenStream> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(prepared.clone())
        .context("the bundled spec is not a valid OpenAPI 3.0 document")?;
    let mut settings = GenerationSettings::new();
    settings
        // Builders keep calls with many optional query filters readable.
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The wrapper plugs auth, microversion headers and gating in through this state.
        .with_inner_type(quote!(crate::hooks::Hooks))
        .with_hooks(HooksMode::Expected)
        .with_derive("PartialEq")
        // Maps (metadata, extra specs) keep a stable order for display and comparison.
        .with_map_type("::std::collections::BTreeMap");
    let mut generator = Generator::new(&settings);
    generator
        .generate_tokens(&spec)
        .map_err(|e| anyhow::anyhow!("progenitor rejected the spec: {e}"))
}
