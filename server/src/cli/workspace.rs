//! Finding the workspace of a file and loading the config that applies to it.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::Overrides;
use crate::config::{self, Config, ConfigLayers, ConfigMessage};

/// The workspace root of `file`: the nearest ancestor with `.git` or `tandem.toml`, else its folder.
pub fn root_of(file: &Path) -> Option<PathBuf> {
    let start = file.parent()?;
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists() || dir.join("tandem.toml").exists())
        .or(Some(start))
        .map(Path::to_path_buf)
}

/// Loads the config files for `root` plus command-line overrides.
pub fn load(root: Option<&Path>, overrides: &Overrides) -> (Config, Vec<ConfigMessage>) {
    let mut layers = ConfigLayers::default();
    let mut messages = Vec::new();
    let mut paths = config::config_files(root);
    paths.extend(overrides.config.clone());
    for path in paths {
        match config::read_toml_file(&path) {
            Ok(Some(value)) => layers.files.push(value),
            Ok(None) if overrides.config.as_deref() == Some(path.as_path()) => {
                messages.push(ConfigMessage {
                    key: "--config".into(),
                    message: format!("{} does not exist", path.display()),
                })
            }
            Ok(None) => {}
            Err(message) => messages.push(ConfigMessage {
                key: "tandem.toml".into(),
                message: format!("{message}; ignoring that file"),
            }),
        }
    }
    layers.client_settings = Some(override_layer(overrides));
    let (config, more) = config::resolve(&layers);
    messages.extend(more);
    (config, messages)
}

fn override_layer(overrides: &Overrides) -> Value {
    let mut backend = Map::new();
    if let Some(kind) = &overrides.backend {
        backend.insert("kind".into(), json!(kind));
    }
    if let Some(url) = &overrides.url {
        backend.insert("url".into(), json!(url));
    }
    let mut out = json!({ "backend": backend });
    if let Some(model) = &overrides.model {
        out["managed"] = json!({ "model": model });
    }
    out
}
