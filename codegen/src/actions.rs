//! Emits one typed method per action of an action endpoint (`POST .../action`).
//!
//! progenitor generates the endpoint as one method taking the enum of all actions and returning
//! raw bytes, because each action answers with its own body. These methods pick the variant,
//! and decode the body the spec declares for that action (`x-openstack-action-response`).

use anyhow::{anyhow, bail, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Fields, Item};

use crate::names::{pascal_case, snake_case};
use crate::operations::{ActionResponse, Operation};

/// The payload of one variant of a generated action enum.
enum Payload {
    /// `Variant(Type)`: the method takes the body.
    Value(Box<syn::Type>),
    /// `Variant {}`: the action takes `{}`.
    Empty,
}

/// `impl Client` items for the actions of `operation`, given all generated types.
/// The name of an action's typed method: `volume_extend` for `volume_action`'s `Extend`.
pub fn method_name(operation: &Operation, action: &crate::operations::Action) -> String {
    let prefix = operation
        .id
        .strip_suffix("_action")
        .unwrap_or(&operation.id);
    format!("{prefix}_{}", snake_case(&action.title))
}

pub fn action_methods(operation: &Operation, types: &[&Item]) -> Result<Vec<TokenStream>> {
    if operation.actions.is_empty() {
        return Ok(Vec::new());
    }
    let enum_name = format!("{}Body", pascal_case(&operation.id));
    let action_enum = types
        .iter()
        .find_map(|item| match item {
            Item::Enum(e) if e.ident == enum_name => Some(e),
            _ => None,
        })
        .ok_or_else(|| anyhow!("{}: generated enum {enum_name} not found", operation.id))?;
    let enum_ident = Ident::new(&enum_name, Span::call_site());
    let builder = Ident::new(&operation.id, Span::call_site());
    let path_parameters = path_parameters(&operation.path);
    let parameter_idents: Vec<Ident> = path_parameters
        .iter()
        .map(|p| Ident::new(p, Span::call_site()))
        .collect();
    let mut methods = Vec::new();
    for action in &operation.actions {
        let variant = action_enum
            .variants
            .iter()
            .find(|v| serde_rename(&v.attrs).as_deref() == Some(action.key.as_str()))
            .ok_or_else(|| anyhow!("{}: no enum variant for {}", operation.id, action.key))?;
        let variant_ident = &variant.ident;
        let payload = match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                Payload::Value(Box::new(fields.unnamed[0].ty.clone()))
            }
            Fields::Named(fields) if fields.named.is_empty() => Payload::Empty,
            _ => bail!(
                "{}: unexpected shape of variant {variant_ident}",
                operation.id
            ),
        };
        let method = format_ident!("{}", method_name(operation, action));
        let (body_argument, body_value) = match &payload {
            Payload::Value(ty) => {
                let ty = qualify(ty);
                (
                    quote!(body: #ty,),
                    quote!(types::#enum_ident::#variant_ident(body)),
                )
            }
            Payload::Empty => (quote!(), quote!(types::#enum_ident::#variant_ident {})),
        };
        let (output, decode, answers) = match &action.response {
            ActionResponse::Empty { status } => (
                quote!(()),
                quote!(crate::action_response::empty(response).await),
                format!("answers {status} without a body"),
            ),
            ActionResponse::Body { status, schema } => {
                let ty = Ident::new(&pascal_case(schema), Span::call_site());
                (
                    quote!(types::#ty),
                    quote!(crate::action_response::json(response).await),
                    format!("answers {status} with [`types::{}`]", pascal_case(schema)),
                )
            }
        };
        let versions = if action.versions == operation.all {
            String::new()
        } else if action.versions.max == operation.all.max {
            format!(" Needs microversion {} or later.", action.versions.min)
        } else {
            format!(
                " Needs microversion {} to {}.",
                action.versions.min, action.versions.max
            )
        };
        let summary = action
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` action.", action.key));
        let doc = format!(
            "{summary}\n\nSends `{{\"{}\": ...}}` to `{} {}`; {answers}.{versions}",
            action.key,
            operation.method.to_uppercase(),
            operation.path
        );
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #method(
                &self,
                #(#parameter_idents: &str,)*
                #body_argument
            ) -> Result<ResponseValue<#output>, Error<types::Fault>> {
                let response = self
                    .#builder()
                    #(.#parameter_idents(#parameter_idents))*
                    .body(#body_value)
                    .send()
                    .await?;
                #decode
            }
        });
    }
    Ok(methods)
}

/// A generated type as seen from the crate root: names that progenitor left unqualified live in
/// `types`, also inside generic arguments (`::std::option::Option<Foo>`).
fn qualify(ty: &syn::Type) -> TokenStream {
    struct Qualify;
    impl syn::visit_mut::VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, node: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, node);
            if node.qself.is_none()
                && node.path.leading_colon.is_none()
                && node.path.segments.len() == 1
            {
                let segment = node.path.segments[0].clone();
                node.path = syn::parse_quote!(types::#segment);
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify, &mut ty);
    quote!(#ty)
}

fn path_parameters(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

pub(crate) fn serde_rename(attributes: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attribute in attributes.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            }
            Ok(())
        });
    }
    rename
}
