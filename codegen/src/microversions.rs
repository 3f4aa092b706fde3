//! Emits `microversions.rs`: for each operation, the microversion range it exists in and the
//! ranges of its parameters, body fields and actions that differ, for the wrapper's gating.

use proc_macro2::TokenStream;
use quote::quote;

use crate::operations::{Operation, VersionRange};

pub fn table(operations: &[Operation], all: VersionRange) -> TokenStream {
    let mut sorted: Vec<&Operation> = operations.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let rows = sorted.iter().map(|operation| {
        let id = &operation.id;
        let method = operation.method.to_uppercase();
        let path = &operation.path;
        let (min, max) = bounds(operation.versions, all);
        let mut gates: Vec<(String, VersionRange)> = operation
            .gates
            .iter()
            .map(|gate| (gate.name.clone(), gate.versions))
            .chain(
                operation
                    .actions
                    .iter()
                    .filter(|action| action.versions != all)
                    .map(|action| (format!("action:{}", action.key), action.versions)),
            )
            .collect();
        gates.sort_by(|a, b| a.0.cmp(&b.0));
        gates.dedup_by(|a, b| a.0 == b.0);
        let gates = gates.iter().map(|(name, range)| {
            let (min, max) = bounds(*range, all);
            quote!(Gate { name: #name, min: #min, max: #max })
        });
        quote! {
            OperationVersions {
                operation_id: #id,
                method: #method,
                path: #path,
                min: #min,
                max: #max,
                gates: &[#(#gates),*],
            }
        }
    });
    let all_min = proc_macro2::Literal::u16_unsuffixed(all.min.0);
    let all_max = proc_macro2::Literal::u16_unsuffixed(all.max.0);
    quote! {
        //! Microversion ranges from the spec's `x-openstack-min-version` and
        //! `x-openstack-max-version` extensions. Versions are the minor number `N` of `3.N`.

        /// A parameter (`query:<name>`), request body field (`body:<dotted.path>`), action
        /// (`action:<key>`) or field of the answer (`response:<dotted.path>`, arrays adding no
        /// step) that exists in a narrower range than its operation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Gate {
            pub name: &'static str,
            pub min: u16,
            pub max: u16,
        }

        /// Where an operation exists, and what inside it is gated further.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct OperationVersions {
            pub operation_id: &'static str,
            pub method: &'static str,
            pub path: &'static str,
            pub min: u16,
            pub max: u16,
            pub gates: &'static [Gate],
        }

        /// The lowest microversion the spec describes.
        pub const MIN_VERSION: u16 = #all_min;
        /// The highest microversion the spec describes (its `info.version`).
        pub const MAX_VERSION: u16 = #all_max;

        /// Every operation, sorted by `operation_id`.
        pub const OPERATIONS: &[OperationVersions] = &[#(#rows),*];

        /// The ranges of one operation, by its `operationId`.
        pub fn lookup(operation_id: &str) -> Option<&'static OperationVersions> {
            OPERATIONS
                .binary_search_by(|row| row.operation_id.cmp(operation_id))
                .ok()
                .map(|index| &OPERATIONS[index])
        }
    }
}

/// The bounds as tokens; a maximum that is the client's is written `MAX_VERSION`, so that a
/// bump changes the constant and what it adds, not every row.
fn bounds(range: VersionRange, all: VersionRange) -> (TokenStream, TokenStream) {
    let min = range.min.0;
    let max = if range.max == all.max {
        quote!(MAX_VERSION)
    } else {
        let max = range.max.0;
        quote!(#max)
    };
    (quote!(#min), max)
}
