//! Finding and reading `tandem.toml` files.

use std::path::{Path, PathBuf};

/// The config files that apply, lowest priority first: the user's, then the workspace's.
pub fn config_files(workspace_root: Option<&Path>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(dir) = dirs::config_dir() {
        files.push(dir.join("tandem").join("tandem.toml"));
    }
    if let Some(root) = workspace_root {
        files.push(root.join("tandem.toml"));
    }
    files
}

/// Reads one TOML config file as JSON. `Ok(None)` when it does not exist; an error message naming
/// the file when it cannot be read or parsed.
pub fn read_toml_file(path: &Path) -> Result<Option<serde_json::Value>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let value: toml::Value =
        toml::from_str(&text).map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
    serde_json::to_value(value)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}
