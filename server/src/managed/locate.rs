//! Finding the cache directory, the `llama-server` binary and the model file.
//!
//! The search order matches what the scripts install: `scripts/install-llama-server` builds into
//! `$CACHE/llama-server/<version>/bin/llama-server` and `scripts/fetch-model` writes
//! `$CACHE/models/<name>.gguf`, where `$CACHE` is `$TANDEM_CACHE_DIR` or `~/.cache/tandem`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use super::{ManagedError, ManagedSettings};

/// The binary and model the managed server will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub binary: PathBuf,
    pub model: PathBuf,
}

/// Finds the binary and the model for `settings`, with errors that name the setup command to run.
pub fn locate(settings: &ManagedSettings) -> Result<Located, ManagedError> {
    let home = dirs::home_dir();
    let binary = find_llama_server(
        settings.llama_server.as_deref(),
        &settings.cache_dir,
        std::env::var_os("PATH").as_deref(),
        home.as_deref(),
    )?;
    let model = resolve_model(&settings.model, &settings.cache_dir, home.as_deref())?;
    Ok(Located { binary, model })
}

/// `$TANDEM_CACHE_DIR`, else `~/.cache/tandem` (the same place the scripts use).
pub fn default_cache_dir() -> PathBuf {
    cache_dir_from(std::env::var_os("TANDEM_CACHE_DIR"), dirs::home_dir())
}

fn cache_dir_from(env_override: Option<OsString>, home: Option<PathBuf>) -> PathBuf {
    match env_override {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        // Without a home directory the cache still has to live somewhere writable.
        _ => home
            .unwrap_or_else(std::env::temp_dir)
            .join(".cache")
            .join("tandem"),
    }
}

/// The file name `scripts/fetch-model` gives a named model, or `None` for an unknown name.
pub fn model_file_name(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "0.5b" => Some("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
        "1.5b" => Some("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
        _ => None,
    }
}

/// Resolves `managed.model`: a known name inside `$CACHE/models`, else a path to a `.gguf`.
fn resolve_model(
    spec: &str,
    cache_dir: &Path,
    home: Option<&Path>,
) -> Result<PathBuf, ManagedError> {
    // An empty setting means "the default", as in the config schema.
    let spec = if spec.trim().is_empty() {
        "0.5b"
    } else {
        spec.trim()
    };
    if let Some(file) = model_file_name(spec) {
        let path = cache_dir.join("models").join(file);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(ManagedError::ModelNotDownloaded {
                name: spec.to_ascii_lowercase(),
                path,
            })
        };
    }
    let path = expand_home(Path::new(spec), home);
    if path.is_file() {
        Ok(path)
    } else {
        Err(ManagedError::ModelFileMissing { path })
    }
}

/// The configured binary, else the newest cached build, else `llama-server` on `PATH`.
fn find_llama_server(
    configured: Option<&Path>,
    cache_dir: &Path,
    path_var: Option<&OsStr>,
    home: Option<&Path>,
) -> Result<PathBuf, ManagedError> {
    if let Some(configured) = configured.filter(|p| !p.as_os_str().is_empty()) {
        let path = expand_home(configured, home);
        return if is_executable(&path) {
            Ok(path)
        } else {
            Err(ManagedError::ConfiguredBinaryMissing { path })
        };
    }
    let builds = cache_dir.join("llama-server");
    if let Some(found) = newest_cached(&builds) {
        return Ok(found);
    }
    if let Some(found) = path_var.and_then(|p| search_path(p, "llama-server")) {
        return Ok(found);
    }
    Err(ManagedError::BinaryNotFound { searched: builds })
}

/// The cached build with the highest version number that has an executable binary.
fn newest_cached(builds: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(builds).ok()?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().into_owned();
            let binary = e.path().join("bin").join("llama-server");
            is_executable(&binary).then(|| (version_key(&version), binary))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, binary)| binary)
}

/// Orders versions numerically part by part, so 0.3.100 sorts after 0.3.36.
fn version_key(version: &str) -> Vec<(u64, String)> {
    version
        .split('.')
        .map(|part| {
            let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
            (digits.parse().unwrap_or(0), part.to_string())
        })
        .collect()
}

fn search_path(path_var: &OsStr, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path_var)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn touch(path: &Path, executable: bool) {
        std::fs::create_dir_all(path.parent().expect("test path has a parent")).expect("mkdir");
        std::fs::write(path, b"#!/bin/sh\n").expect("write");
        let mode = if executable { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    #[test]
    fn cache_dir_prefers_the_env_override_then_home() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (Some("/tmp/x"), Some("/home/u"), "/tmp/x"),
            (Some(""), Some("/home/u"), "/home/u/.cache/tandem"),
            (None, Some("/home/u"), "/home/u/.cache/tandem"),
        ];
        for (env, home, want) in cases {
            let got = cache_dir_from(env.map(OsString::from), home.map(PathBuf::from));
            assert_eq!(got, PathBuf::from(want), "env={env:?} home={home:?}");
        }
    }

    #[test]
    fn version_key_orders_numerically() {
        let mut versions = vec!["0.3.100", "0.3.36", "0.10.0", "0.3.9", "0.3.36rc1"];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(
            versions,
            ["0.3.9", "0.3.36", "0.3.36rc1", "0.3.100", "0.10.0"]
        );
    }

    #[test]
    fn configured_binary_wins_and_a_missing_one_names_the_setting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let configured = dir.path().join("custom/llama-server");
        touch(&configured, true);
        touch(
            &dir.path().join("llama-server/0.3.36/bin/llama-server"),
            true,
        );
        let got = find_llama_server(Some(&configured), dir.path(), None, None).expect("found");
        assert_eq!(got, configured);

        let missing = dir.path().join("nope/llama-server");
        let err = find_llama_server(Some(&missing), dir.path(), None, None).unwrap_err();
        assert!(matches!(err, ManagedError::ConfiguredBinaryMissing { .. }));
        assert!(err.to_string().contains("managed.llama_server"), "{err}");
    }

    #[test]
    fn newest_executable_cached_build_is_chosen() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(
            &dir.path().join("llama-server/0.3.9/bin/llama-server"),
            true,
        );
        touch(
            &dir.path().join("llama-server/0.3.36/bin/llama-server"),
            true,
        );
        // A half-finished build (not executable) must not shadow a working one.
        touch(
            &dir.path().join("llama-server/0.4.0/bin/llama-server"),
            false,
        );
        let got = find_llama_server(None, dir.path(), None, None).expect("found");
        assert_eq!(got, dir.path().join("llama-server/0.3.36/bin/llama-server"));
    }

    #[test]
    fn path_is_searched_when_the_cache_is_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let on_path = dir.path().join("usr/bin/llama-server");
        touch(&on_path, true);
        let path_var = std::env::join_paths([dir.path().join("empty"), dir.path().join("usr/bin")])
            .expect("join_paths");
        let got = find_llama_server(None, &dir.path().join("cache"), Some(&path_var), None)
            .expect("found");
        assert_eq!(got, on_path);
    }

    #[test]
    fn no_binary_anywhere_says_to_run_setup() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = find_llama_server(None, dir.path(), Some(OsStr::new("")), None).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("scripts/setup"), "{msg}");
        assert!(msg.contains("managed.llama_server"), "{msg}");
    }

    #[test]
    fn named_models_resolve_inside_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir
            .path()
            .join("models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf");
        touch(&small, false);
        for spec in ["0.5b", " 0.5B ", ""] {
            let got = resolve_model(spec, dir.path(), None).expect("resolved");
            assert_eq!(got, small, "spec {spec:?}");
        }
        let err = resolve_model("1.5b", dir.path(), None).unwrap_err();
        assert!(matches!(err, ManagedError::ModelNotDownloaded { .. }));
        let msg = err.to_string();
        assert!(msg.contains("scripts/fetch-model 1.5b"), "{msg}");
        assert!(
            msg.contains("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
            "{msg}"
        );
    }

    #[test]
    fn model_paths_are_used_as_given_with_home_expanded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gguf = dir.path().join("m/custom.gguf");
        touch(&gguf, false);
        let got = resolve_model(&gguf.to_string_lossy(), Path::new("/nonexistent"), None)
            .expect("resolved");
        assert_eq!(got, gguf);
        let got = resolve_model(
            "~/m/custom.gguf",
            Path::new("/nonexistent"),
            Some(dir.path()),
        )
        .expect("resolved");
        assert_eq!(got, gguf);

        let err = resolve_model("/no/such/model.gguf", dir.path(), None).unwrap_err();
        assert!(matches!(err, ManagedError::ModelFileMissing { .. }));
        assert!(err.to_string().contains("managed.model"));
    }
}
