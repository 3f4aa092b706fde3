//! Makes typify's builder setters take what a caller has. typify's setter of an optional field
//! takes `impl TryInto<Option<T>>`, so a name needs `Some("x".parse::<VolumeCreateParamsName>()?)`
//! and a size `NonZeroU64::new(1)`; after this rewrite the setter of an optional field takes
//! `impl TryInto<T>`: `.name("x")`, `.size(1)` (any integer: a size is a whole number from 1),
//! and a map field (metadata, extra specs) takes any iterator of pairs whose values convert:
//! `.metadata([("k", "v")])`. A value that does not convert is kept as an error naming the
//! field, which `send()` reports before sending anything, as typify's setters already did.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, ImplItem, ImplItemFn, Item, PathArguments, Type, WherePredicate};

use crate::split::Files;

/// Rewrites the setters of every builder in `type_builders`.
pub fn rewrite(type_builders: &mut Files) {
    for items in type_builders.values_mut() {
        for item in items.iter_mut() {
            let Item::Impl(block) = item else {
                continue;
            };
            if block.trait_.is_some() {
                continue;
            }
            for member in block.items.iter_mut() {
                let ImplItem::Fn(function) = member else {
                    continue;
                };
                if let Some(target) = setter_target(function) {
                    if let Some(rewritten) = rewritten(function, &target) {
                        *member = rewritten;
                    }
                }
            }
        }
    }
}

/// `X` of a setter `fn f<T>(mut self, value: T) -> Self where T: TryInto<X>, ...`.
fn setter_target(function: &ImplItemFn) -> Option<Type> {
    if function.sig.generics.params.len() != 1 || function.sig.inputs.len() != 2 {
        return None;
    }
    let predicates = &function.sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        let bound = predicate.bounds.first()?;
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        if last.ident != "TryInto" {
            return None;
        }
        single_argument(&last.arguments)
    })
}

fn single_argument(arguments: &PathArguments) -> Option<Type> {
    let PathArguments::AngleBracketed(arguments) = arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>()[..] {
        [GenericArgument::Type(ty)] => Some(ty.clone()),
        _ => None,
    }
}

/// `T` when `ty` is `Wrapper<T>` (by the last path segment's name).
fn unwrap(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    single_argument(&last.arguments)
}

/// `(K, V)` when `ty` is a `BTreeMap<K, V>`.
fn map_types(ty: &Type) -> Option<(Type, Type)> {
    let Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "BTreeMap" {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.iter().collect::<Vec<_>>()[..] {
        [GenericArgument::Type(key), GenericArgument::Type(value)] => {
            Some((key.clone(), value.clone()))
        }
        _ => None,
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == name))
}

fn rewritten(function: &ImplItemFn, target: &Type) -> Option<ImplItem> {
    let (optional, inner) = match unwrap(target, "Option") {
        // A nullable optional field keeps typify's setter: `None` and `Some(None)` differ.
        Some(inner) if unwrap(&inner, "Option").is_some() => return None,
        Some(inner) => (true, inner),
        None => (false, target.clone()),
    };
    let name = &function.sig.ident;
    let attributes = &function.attrs;
    let field = name.to_string();
    let wrap = if optional {
        quote!(.map(::std::option::Option::Some))
    } else {
        quote!()
    };
    let tokens: TokenStream = if let Some((key, value)) = map_types(&inner) {
        if !is_named(&key, "String") {
            return None;
        }
        quote! {
            #(#attributes)*
            pub fn #name<I, K, V>(mut self, value: I) -> Self
            where
                I: ::std::iter::IntoIterator<Item = (K, V)>,
                K: ::std::convert::Into<::std::string::String>,
                V: ::std::convert::TryInto<#value>,
                V::Error: ::std::fmt::Display,
            {
                self.#name = value
                    .into_iter()
                    .map(|(key, value)| {
                        let key: ::std::string::String = key.into();
                        match value.try_into() {
                            ::std::result::Result::Ok(value) => ::std::result::Result::Ok((key, value)),
                            ::std::result::Result::Err(e) => ::std::result::Result::Err(
                                ::std::format!("error converting supplied value for {}[{key:?}]: {e}", #field),
                            ),
                        }
                    })
                    .collect::<::std::result::Result<#inner, ::std::string::String>>()
                    #wrap;
                self
            }
        }
    } else if optional && is_named(&inner, "NonZeroU64") {
        quote! {
            #(#attributes)*
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.#name = value
                    .try_into()
                    .map_err(|e| e.to_string())
                    .and_then(|n: u64| {
                        ::std::num::NonZeroU64::new(n).ok_or_else(|| "must be at least 1".to_string())
                    })
                    .map(::std::option::Option::Some)
                    .map_err(|e| ::std::format!("error converting supplied value for {}: {e}", #field));
                self
            }
        }
    } else if optional {
        quote! {
            #(#attributes)*
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<#inner>,
                T::Error: ::std::fmt::Display,
            {
                self.#name = value
                    .try_into()
                    .map(::std::option::Option::Some)
                    .map_err(|e| ::std::format!("error converting supplied value for {}: {e}", #field));
                self
            }
        }
    } else {
        return None;
    };
    syn::parse2(tokens).ok()
}
