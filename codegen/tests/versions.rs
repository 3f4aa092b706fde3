//! The crates' version carries the API they speak (`0.N.M+cinder.3.N`), and that API is the
//! spec's `info.version`: a bump that forgets one of them fails here.

use std::path::Path;

#[test]
fn the_crate_version_names_the_specs_maximum() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let document: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(spec).unwrap()).unwrap();
    let max = cinder_codegen::version::client_max(&document).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        version.split_once('+').map(|(_, api)| api),
        Some(format!("cinder.{max}").as_str()),
        "the workspace version {version} must end in +cinder.{max} (Cargo.toml [workspace.package])"
    );
}
