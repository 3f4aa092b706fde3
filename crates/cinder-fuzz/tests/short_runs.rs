//! A short run of each fuzz target on stable Rust, as part of `cargo test`: the seeds as they
//! are, then a fixed number of mutated inputs from a fixed seed (a few seconds each in a debug
//! build). Longer: `CINDER_FUZZ_ITERATIONS=200000 cargo test -p cinder-fuzz --release`, or
//! libFuzzer on nightly (README, "Fuzzing").

use std::collections::BTreeSet;

#[test]
fn response_body() {
    let report = cinder_fuzz::short_run("response_body", 2_000).run();
    assert!(report.seeds > 100, "{report:?}");
}

#[test]
fn error_body() {
    let report = cinder_fuzz::short_run("error_body", 3_000).run();
    assert!(report.seeds > 20, "{report:?}");
}

#[test]
fn cli_args() {
    let report = cinder_fuzz::short_run("cli_args", 1_500).run();
    assert!(report.seeds > 100, "{report:?}");
}

/// The generated list of response body types covers every type a generated method answers
/// with (`ResponseValue<types::X>`, and `types::Fault` in every error), so that no type of a
/// new operation escapes the fuzzing.
#[test]
fn every_decoded_type_is_a_listed_response_body() {
    let listed: BTreeSet<&str> = cinder_raw::response_bodies::RESPONSE_BODIES
        .iter()
        .map(|body| body.type_name)
        .collect();
    let src = cinder_fuzz::seeds::workspace_root().join("crates/cinder-raw/src");
    let mut decoded = BTreeSet::new();
    let mut files = Vec::new();
    for dir in ["operations", "builder"] {
        for entry in std::fs::read_dir(src.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for pattern in ["ResponseValue<types::", "Error<types::"] {
            for piece in text.split(pattern).skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                decoded.insert(name);
            }
        }
    }
    assert!(decoded.len() > 20, "the scan found too little: {decoded:?}");
    let missing: Vec<&String> = decoded
        .iter()
        .filter(|name| !listed.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "decoded by generated methods but not in cinder_raw::response_bodies: {missing:?}"
    );
    // The versions document: `list_versions` answers 300, which the generated method hands
    // back raw; the library decodes it as `VersionList`.
    assert!(listed.contains("VersionList"));

    macro_rules! names {
        ($($name:ident),* $(,)?) => { vec![$(stringify!($name)),*] };
    }
    let from_macro: BTreeSet<&str> = cinder_raw::for_each_response_body!(names)
        .into_iter()
        .collect();
    assert_eq!(from_macro, listed);
}

/// Each response body type has a seed it decodes, so that mutations start from valid
/// documents of every type rather than only from ones it refuses.
#[test]
fn every_response_body_type_has_a_seed() {
    let seeds = cinder_fuzz::seeds::response_bodies();
    let mut without = Vec::new();
    macro_rules! each {
        ($($name:ident),* $(,)?) => {
            $(
                if !seeds
                    .iter()
                    .any(|seed| serde_json::from_slice::<cinder_raw::types::$name>(seed).is_ok())
                {
                    without.push(stringify!($name));
                }
            )*
        };
    }
    cinder_raw::for_each_response_body!(each);
    assert!(
        without.is_empty(),
        "no seed decodes as {without:?}: add one to HAND_MADE_RESPONSES"
    );
}
