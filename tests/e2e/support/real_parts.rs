//! Where the real llama-server and model are. CI has both, so a missing one fails the test with
//! instructions unless `TANDEM_SKIP_REAL_MODEL=1` asks to skip.

use std::path::PathBuf;

/// Where the real binary and model are, or why the test cannot run.
pub fn real_parts() -> Option<(PathBuf, PathBuf)> {
    let cache = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache/tandem"))
        .unwrap_or_default();
    let binary = std::env::var_os("TANDEM_LLAMA_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("llama-server/0.3.36/bin/llama-server"));
    let model = std::env::var_os("TANDEM_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"));
    if binary.is_file() && model.is_file() {
        return Some((binary, model));
    }
    if std::env::var("TANDEM_SKIP_REAL_MODEL").as_deref() == Ok("1") {
        eprintln!("skipped: TANDEM_SKIP_REAL_MODEL=1 and no real llama-server/model");
        return None;
    }
    panic!(
        "the real-model tests need {} and {}: run scripts/install-llama-server and \
         scripts/fetch-model 0.5b (scripts/test does both), or set TANDEM_LLAMA_SERVER and \
         TANDEM_MODEL; TANDEM_SKIP_REAL_MODEL=1 skips these tests",
        binary.display(),
        model.display()
    );
}
