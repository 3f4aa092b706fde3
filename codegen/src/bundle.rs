//! Turns the multi-file spec under `spec/` into one OpenAPI document.
//!
//! progenitor and `openapiv3` only understand local references (`#/components/...`), so every
//! reference into another file is resolved here: schemas, parameters and responses are hoisted
//! into `components`, path items are inlined. The layout rules are in `spec/README.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{Map, Value};

/// The bundled document plus where each hoisted schema came from.
pub struct Bundle {
    pub document: Value,
    /// Schema name -> the resource its file is named after (`schemas/volumes.yaml` -> `volumes`).
    pub schema_resources: BTreeMap<String, String>,
}

/// What a file under `spec/` holds, decided by its place in the layout.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FileKind {
    Entry,
    Paths,
    Schemas,
    Parameters,
    Responses,
}

impl FileKind {
    fn of(spec_root: &Path, file: &Path) -> Result<Self> {
        let relative = file.strip_prefix(spec_root).unwrap_or(file);
        let parts: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
        match parts
            .iter()
            .map(|p| p.as_ref())
            .collect::<Vec<&str>>()
            .as_slice()
        {
            ["openapi.yaml"] => Ok(Self::Entry),
            ["paths", _] => Ok(Self::Paths),
            ["schemas", _] => Ok(Self::Schemas),
            ["parameters.yaml"] => Ok(Self::Parameters),
            ["responses.yaml"] => Ok(Self::Responses),
            _ => bail!(
                "{} is not a place the spec layout knows (openapi.yaml, paths/*.yaml, \
                 schemas/*.yaml, parameters.yaml, responses.yaml)",
                relative.display()
            ),
        }
    }

    fn component_section(self) -> Option<&'static str> {
        match self {
            Self::Schemas => Some("schemas"),
            Self::Parameters => Some("parameters"),
            Self::Responses => Some("responses"),
            Self::Entry | Self::Paths => None,
        }
    }
}

struct Bundler {
    spec_root: PathBuf,
    files: BTreeMap<PathBuf, Value>,
    /// section -> name -> (bundled value, file it came from)
    components: BTreeMap<&'static str, BTreeMap<String, (Value, PathBuf)>>,
    schema_resources: BTreeMap<String, String>,
}

/// Loads `entry` (normally `spec/openapi.yaml`) and everything it references.
pub fn bundle(entry: &Path) -> Result<Bundle> {
    let entry = entry
        .canonicalize()
        .with_context(|| format!("cannot open the spec entry document {}", entry.display()))?;
    let spec_root = entry
        .parent()
        .ok_or_else(|| anyhow!("the spec entry document has no parent folder"))?
        .to_path_buf();
    let mut bundler = Bundler {
        spec_root,
        files: BTreeMap::new(),
        components: BTreeMap::new(),
        schema_resources: BTreeMap::new(),
    };
    let mut document = bundler.load(&entry)?.clone();
    bundler.resolve_in(&mut document, &entry, "")?;

    let components = document
        .as_object_mut()
        .ok_or_else(|| anyhow!("openapi.yaml is not a mapping"))?
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let components = components
        .as_object_mut()
        .ok_or_else(|| anyhow!("openapi.yaml: components is not a mapping"))?;
    for (section, entries) in std::mem::take(&mut bundler.components) {
        let target = components
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or_else(|| anyhow!("openapi.yaml: components.{section} is not a mapping"))?;
        for (name, (value, _)) in entries {
            if target.insert(name.clone(), value).is_some() {
                bail!("components.{section}.{name} is defined both in openapi.yaml and in a file");
            }
        }
    }
    Ok(Bundle {
        document,
        schema_resources: bundler.schema_resources,
    })
}

impl Bundler {
    fn load(&mut self, file: &Path) -> Result<&Value> {
        if !self.files.contains_key(file) {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let value: Value = serde_norway::from_str(&text)
                .with_context(|| format!("{} is not valid YAML", file.display()))?;
            self.files.insert(file.to_path_buf(), value);
        }
        Ok(&self.files[file])
    }

    /// Rewrites every `$ref` inside `value`, which sits in `file` at JSON pointer `at`.
    fn resolve_in(&mut self, value: &mut Value, file: &Path, at: &str) -> Result<()> {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let (target_file, pointer) = self.split_reference(&reference, file)?;
                    let kind = FileKind::of(&self.spec_root, &target_file)?;
                    match kind.component_section() {
                        Some(section) => {
                            let name = self.hoist(section, &target_file, &pointer, &reference)?;
                            map.insert(
                                "$ref".into(),
                                Value::String(format!("#/components/{section}/{name}")),
                            );
                        }
                        None => {
                            // A path item (or anything else outside components) is inlined.
                            if map.len() != 1 {
                                bail!(
                                    "{} at {at}: an inlined $ref ({reference}) must stand alone",
                                    file.display()
                                );
                            }
                            let mut inlined = self.lookup(&target_file, &pointer, &reference)?;
                            self.resolve_in(&mut inlined, &target_file, &pointer)?;
                            *value = inlined;
                        }
                    }
                    return Ok(());
                }
                for (key, child) in map.iter_mut() {
                    let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                    self.resolve_in(child, file, &child_at)?;
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    self.resolve_in(child, file, &format!("{at}/{index}"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn split_reference(&self, reference: &str, file: &Path) -> Result<(PathBuf, String)> {
        let (file_part, pointer) = reference.split_once('#').ok_or_else(|| {
            anyhow!(
                "{}: $ref {reference} has no '#/...' fragment",
                file.display()
            )
        })?;
        let target = if file_part.is_empty() {
            file.to_path_buf()
        } else {
            let joined = file.parent().unwrap_or(Path::new(".")).join(file_part);
            joined.canonicalize().with_context(|| {
                format!(
                    "{}: $ref {reference} names a file that does not exist",
                    file.display()
                )
            })?
        };
        Ok((target, pointer.to_string()))
    }

    fn lookup(&mut self, file: &Path, pointer: &str, reference: &str) -> Result<Value> {
        let document = self.load(file)?;
        document.pointer(pointer).cloned().ok_or_else(|| {
            anyhow!(
                "$ref {reference}: {} has nothing at {pointer}",
                file.display()
            )
        })
    }

    /// Moves a referenced definition into `components.<section>` and returns its name there.
    fn hoist(
        &mut self,
        section: &'static str,
        file: &Path,
        pointer: &str,
        reference: &str,
    ) -> Result<String> {
        let name = match pointer.strip_prefix('/') {
            Some(name) if !name.is_empty() && !name.contains('/') => name.to_string(),
            _ => bail!(
                "$ref {reference}: definitions in {} must be referenced by their top-level name \
                 (#/Name)",
                file.display()
            ),
        };
        if let Some((_, origin)) = self.components.get(section).and_then(|s| s.get(&name)) {
            if origin != file {
                bail!(
                    "{section} name {name} is defined in both {} and {}",
                    origin.display(),
                    file.display()
                );
            }
            return Ok(name);
        }
        // Reserve the name first so that recursive references terminate.
        self.components
            .entry(section)
            .or_default()
            .insert(name.clone(), (Value::Null, file.to_path_buf()));
        let mut definition = self.lookup(file, pointer, reference)?;
        self.resolve_in(&mut definition, file, pointer)?;
        self.components
            .entry(section)
            .or_default()
            .insert(name.clone(), (definition, file.to_path_buf()));
        if section == "schemas" {
            let resource = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.schema_resources.insert(name.clone(), resource);
        }
        Ok(name)
    }
}
