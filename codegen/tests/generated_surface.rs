//! Pins the public surface of the generated crate: a spec change shows up here as a reviewable
//! diff of operations, action methods and type shapes (`cargo insta review` to accept).

use std::path::Path;
use std::sync::OnceLock;

use quote::ToTokens;

fn spec() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml")
}

fn generate() -> cinder_codegen::CrateFiles {
    cinder_codegen::generate_crate(&spec()).expect("the spec generates")
}

/// Generated once for the whole file: a generation takes seconds.
fn generated() -> &'static cinder_codegen::CrateFiles {
    static FILES: OnceLock<cinder_codegen::CrateFiles> = OnceLock::new();
    FILES.get_or_init(generate)
}

fn one_line(tokens: impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pub fn` signatures of the `Client` methods, file by file.
fn operations_surface(files: &cinder_codegen::CrateFiles) -> String {
    let mut out = String::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("operations/")) {
        let file: syn::File = syn::parse_str(text).unwrap();
        out.push_str(&format!("# {path}\n"));
        for item in file.items {
            if let syn::Item::Impl(block) = item {
                for member in block.items {
                    if let syn::ImplItem::Fn(function) = member {
                        out.push_str(&one_line(&function.sig));
                        out.push('\n');
                    }
                }
            }
        }
    }
    out
}

/// Each generated type with its fields or variants, file by file.
fn types_surface(files: &cinder_codegen::CrateFiles) -> String {
    let mut out = String::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("types/")) {
        let file: syn::File = syn::parse_str(text).unwrap();
        out.push_str(&format!("# {path}\n"));
        for item in file.items {
            match item {
                syn::Item::Struct(s) => {
                    let fields: Vec<String> = s
                        .fields
                        .iter()
                        .map(|f| match &f.ident {
                            Some(name) => format!("{name}: {}", one_line(&f.ty)),
                            None => one_line(&f.ty),
                        })
                        .collect();
                    out.push_str(&format!("struct {} {{ {} }}\n", s.ident, fields.join(", ")));
                }
                syn::Item::Enum(e) => {
                    let variants: Vec<String> = e
                        .variants
                        .iter()
                        .map(|v| format!("{}{}", v.ident, one_line(&v.fields)))
                        .collect();
                    out.push_str(&format!("enum {} {{ {} }}\n", e.ident, variants.join(", ")));
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn operations() {
    insta::assert_snapshot!(operations_surface(generated()));
}

#[test]
fn types() {
    insta::assert_snapshot!(types_surface(generated()));
}

#[test]
fn microversion_table() {
    insta::assert_snapshot!(generated()["microversions.rs"]);
}

/// The file a reviewer reads instead of the generated code (docs/microversion-bump.md).
#[test]
fn api_surface() {
    let surface = cinder_codegen::api_surface(&spec(), generated()).unwrap();
    insta::assert_snapshot!(surface);
}

/// The committed surface file is the one the spec generates (`cargo xtask codegen` writes it).
#[test]
fn api_surface_file_is_committed() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(cinder_codegen::surface::PATH);
    let committed = std::fs::read_to_string(&committed).expect("the surface file exists");
    let surface = cinder_codegen::api_surface(&spec(), generated()).unwrap();
    assert!(
        committed == surface,
        "{} is stale: run `cargo xtask codegen`",
        cinder_codegen::surface::PATH
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(*generated(), generate());
}
