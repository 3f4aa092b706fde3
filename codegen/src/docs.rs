//! Multi-line doc attributes as one `///` line each.
//!
//! prettyplease prints a multi-line `#[doc]` as a `/** ... */` block, and rustfmt then indents
//! the block's lines; indented lines read as Markdown code blocks, so rustdoc renders prose as
//! code and runs it as doctests. One attribute per line prints as `///` lines instead.

use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, ExprLit, Lit, Meta};

pub fn split_multiline_docs(file: &mut syn::File) {
    split(&mut file.attrs);
    DocSplitter.visit_file_mut(file);
}

fn split(attributes: &mut Vec<Attribute>) {
    let mut result = Vec::with_capacity(attributes.len());
    for attribute in attributes.drain(..) {
        let text = match &attribute.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) if text.value().contains('\n') => Some(text.value()),
                _ => None,
            },
            _ => None,
        };
        match text {
            Some(text) => {
                let inner = matches!(attribute.style, syn::AttrStyle::Inner(_));
                for line in text.trim_end().lines() {
                    let line = if line.is_empty() || line.starts_with(' ') {
                        line.to_string()
                    } else {
                        format!(" {line}")
                    };
                    result.push(if inner {
                        syn::parse_quote!(#![doc = #line])
                    } else {
                        syn::parse_quote!(#[doc = #line])
                    });
                }
            }
            None => result.push(attribute),
        }
    }
    *attributes = result;
}

struct DocSplitter;

macro_rules! split_in {
    ($($method:ident: $node:ty),* $(,)?) => {
        $(
            fn $method(&mut self, node: &mut $node) {
                split(&mut node.attrs);
                visit_mut::$method(self, node);
            }
        )*
    };
}

impl VisitMut for DocSplitter {
    split_in!(
        visit_item_struct_mut: syn::ItemStruct,
        visit_item_enum_mut: syn::ItemEnum,
        visit_item_impl_mut: syn::ItemImpl,
        visit_item_fn_mut: syn::ItemFn,
        visit_item_mod_mut: syn::ItemMod,
        visit_item_type_mut: syn::ItemType,
        visit_item_const_mut: syn::ItemConst,
        visit_item_trait_mut: syn::ItemTrait,
        visit_impl_item_fn_mut: syn::ImplItemFn,
        visit_field_mut: syn::Field,
        visit_variant_mut: syn::Variant,
    );
}
