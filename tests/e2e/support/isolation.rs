//! The environment of a `tandem` process under test that sees only a temporary home: none of the
//! developer's `TANDEM_*`/`XDG_*` settings, config, cache or data.

use std::path::{Path, PathBuf};

/// Variables to remove from the inherited environment, and variables to set, for a process whose
/// home is `home` (with `config`, `cache`, `data` and `state` folders in it).
pub fn isolated_env(home: &Path) -> (Vec<String>, Vec<(&'static str, PathBuf)>) {
    let removed = std::env::vars()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with("TANDEM_") || key.starts_with("XDG_"))
        .collect();
    let set = vec![
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_CACHE_HOME", home.join("cache")),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_STATE_HOME", home.join("state")),
        ("TANDEM_CACHE_DIR", home.join("cache").join("tandem")),
    ];
    (removed, set)
}
