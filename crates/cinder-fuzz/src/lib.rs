//! Fuzzing of what the client reads from outside: response bodies, error bodies and command
//! lines. See `docs/decisions/0009-fuzzing.md` and the README's "Fuzzing" section.
//!
//! - [`targets`]: the three fuzz targets, plain `fn(&[u8])` that panic when a property fails.
//! - [`seeds`]: their seed inputs (api-ref samples, hand-made error bodies, command lines
//!   derived from the CLI's definition).
//! - [`mutate`]: deterministic, shape-aware mutators (also libFuzzer's custom mutator).
//! - [`run`]: the short run that `cargo test` does on stable Rust (`tests/short_runs.rs`).
//!
//! `fuzz/` (a separate cargo-fuzz workspace, nightly only) wraps the same targets for
//! libFuzzer; `cargo run -p cinder-fuzz --bin fuzz-seeds` writes the seeds where it looks.

pub mod mutate;
pub mod run;
pub mod seeds;
pub mod targets;

use mutate::{Material, Shape};
use run::ShortRun;

/// The targets by name, as under `fuzz/fuzz_targets/`.
pub const TARGETS: &[&str] = &["response_body", "error_body", "cli_args"];

/// The shape of a target's inputs.
pub fn shape(name: &str) -> Shape {
    match name {
        "response_body" => Shape::Json,
        "error_body" => Shape::Body,
        "cli_args" => Shape::Argv,
        other => panic!("no fuzz target {other}"),
    }
}

/// The seeds and tokens of a target.
pub fn material(name: &str) -> Material {
    match name {
        "response_body" => Material::new(seeds::response_bodies(), Vec::new()),
        "error_body" => Material::new(
            seeds::error_bodies(),
            [
                "message",
                "code",
                "title",
                "retryAfter",
                "itemNotFound",
                "badRequest",
                "overLimit",
                "error",
                "<html>",
                "<title>",
                "</p>",
                "<!--",
                "-->",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
        ),
        "cli_args" => Material::new(seeds::cli_args(), seeds::cli_tokens()),
        other => panic!("no fuzz target {other}"),
    }
}

/// A target's short run with `iterations` mutated inputs.
pub fn short_run(name: &'static str, iterations: u64) -> ShortRun {
    let target: fn(&[u8]) = match name {
        "response_body" => targets::response_body,
        "error_body" => targets::error_body,
        "cli_args" => targets::cli_args,
        other => panic!("no fuzz target {other}"),
    };
    ShortRun {
        name,
        target,
        shape: shape(name),
        material: material(name),
        iterations,
    }
}
