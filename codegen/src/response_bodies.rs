//! Emits `response_bodies.rs`: every type the client decodes from a response body, read from
//! the spec, so that fuzzing and tests can go over all of them without a hand-kept list.
//!
//! A type is a response body when it is the JSON schema of a response of an operation (its
//! success response, including `300` of `list_versions`, or an error response, which is
//! `Fault`), or the body an action answers with (`x-openstack-action-response`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::names::pascal_case;
use crate::operations::{resolve, ActionResponse, Operation, METHODS};

/// Generated type name -> what answers with it (`list_volumes`, `volume_action os-...`,
/// `errors`), sorted.
pub type ResponseBodies = BTreeMap<String, BTreeSet<String>>;

/// Every response body type of the spec. Response schemas must be references to named
/// schemas, whose generated type is the schema name in PascalCase (as typify names it);
/// `defined` are the type names the generator emitted, each response body must be one of them.
pub fn collect(
    document: &Value,
    operations: &[Operation],
    defined: &BTreeSet<String>,
) -> Result<ResponseBodies> {
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("the spec has no paths"))?;
    let mut bodies = ResponseBodies::new();
    for item in paths.values() {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("?");
            let responses = operation
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten();
            for (status, response) in responses {
                let response = resolve(document, response)?;
                let Some(schema) = response.pointer("/content/application~1json/schema") else {
                    continue;
                };
                let name = schema_name(schema).ok_or_else(|| {
                    anyhow!(
                        "{id} response {status}: the JSON body must be a $ref to a named schema, \
                         so that its generated type can be named"
                    )
                })?;
                let user = if status.starts_with('4') || status.starts_with('5') {
                    "errors".to_string()
                } else {
                    id.to_string()
                };
                bodies.entry(pascal_case(name)).or_default().insert(user);
            }
        }
    }
    for operation in operations {
        for action in &operation.actions {
            if let ActionResponse::Body { schema, .. } = &action.response {
                bodies
                    .entry(pascal_case(schema))
                    .or_default()
                    .insert(format!("{} {}", operation.id, action.key));
            }
        }
    }
    for name in bodies.keys() {
        if !defined.contains(name) {
            bail!("response body type {name} was not generated (is it named differently?)");
        }
    }
    Ok(bodies)
}

fn schema_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

pub fn table(bodies: &ResponseBodies) -> TokenStream {
    let names: Vec<Ident> = bodies
        .keys()
        .map(|name| Ident::new(name, Span::call_site()))
        .collect();
    let rows = bodies.iter().map(|(name, users)| {
        let users = users.iter();
        quote!(ResponseBody { type_name: #name, answered_by: &[#(#users),*] })
    });
    quote! {
        //! Every type the client decodes from a response body, from the spec: the JSON body of
        //! each operation's responses (success, including `300` of `list_versions`, and the
        //! errors' `Fault`) and the body of each action (`x-openstack-action-response`).
        //! Fuzzing (`crates/cinder-fuzz`) goes over all of them through
        //! [`for_each_response_body!`](crate::for_each_response_body).

        /// One response body type and what answers with it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct ResponseBody {
            /// The type's name in [`crate::types`].
            pub type_name: &'static str,
            /// Operation ids, `<operation id> <action key>` for actions, and `errors` for the
            /// error responses of every operation.
            pub answered_by: &'static [&'static str],
        }

        /// Every response body type, sorted by name.
        pub const RESPONSE_BODIES: &[ResponseBody] = &[#(#rows),*];

        /// Calls `$callback! { Name, Name, ... }` with the name of every response body type
        /// (the types are `cinder_raw::types::Name`), in the order of [`RESPONSE_BODIES`].
        ///
        /// ```
        /// macro_rules! count {
        ///     ($($name:ident),* $(,)?) => { [$(stringify!($name)),*].len() };
        /// }
        /// assert_eq!(
        ///     cinder_raw::for_each_response_body!(count),
        ///     cinder_raw::response_bodies::RESPONSE_BODIES.len()
        /// );
        /// ```
        #[macro_export]
        macro_rules! for_each_response_body {
            ($callback:ident) => {
                $callback! { #(#names),* }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_success_error_and_action_bodies() {
        let document = json!({
            "paths": {
                "/things": {
                    "get": {
                        "operationId": "list_things",
                        "responses": {
                            "300": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingList"}}}},
                            "4XX": {"$ref": "#/components/responses/Error"}
                        }
                    },
                    "delete": {
                        "operationId": "delete_things",
                        "responses": {"204": {"description": "gone"}}
                    }
                }
            },
            "components": {
                "responses": {
                    "Error": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fault"}}}}
                }
            }
        });
        let operations = vec![Operation {
            id: "thing_action".into(),
            method: "post".into(),
            path: "/things/{id}/action".into(),
            tag: "things".into(),
            versions: crate::operations::VersionRange::all(crate::version::Microversion(71)),
            all: crate::operations::VersionRange::all(crate::version::Microversion(71)),
            gates: vec![],
            actions: vec![crate::operations::Action {
                key: "os-show".into(),
                title: "Show".into(),
                description: None,
                versions: crate::operations::VersionRange::all(crate::version::Microversion(71)),
                response: ActionResponse::Body {
                    status: 200,
                    schema: "thing_show".into(),
                },
            }],
        }];
        let defined: BTreeSet<String> =
            ["ThingList", "Fault", "ThingShow"].map(String::from).into();
        let bodies = collect(&document, &operations, &defined).unwrap();
        let expected: ResponseBodies = [
            ("Fault", vec!["errors"]),
            ("ThingList", vec!["list_things"]),
            ("ThingShow", vec!["thing_action os-show"]),
        ]
        .into_iter()
        .map(|(name, users)| {
            (
                name.to_string(),
                users.into_iter().map(String::from).collect(),
            )
        })
        .collect();
        assert_eq!(bodies, expected);

        let missing: BTreeSet<String> = ["Fault".to_string()].into();
        let err = collect(&document, &operations, &missing).unwrap_err();
        assert!(err.to_string().contains("ThingList"), "{err}");
    }
}
