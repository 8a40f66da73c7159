//! The initialization options the real-model tests start the managed llama-server with.

use std::path::Path;
use std::time::Duration;

/// Initialization options for the managed backend on the real parts, waiting up to `timeout`
/// for each model answer, with `extra`'s top-level sections (`completion`, `context`) added.
pub fn managed_options(
    binary: &Path,
    model: &Path,
    timeout: Duration,
    extra: serde_json::Value,
) -> serde_json::Value {
    let mut options = serde_json::json!({
        "backend": {"kind": "managed", "request_timeout_ms": timeout.as_millis() as u64},
        "managed": {
            "llama_server": binary.to_string_lossy(),
            "model": model.to_string_lossy(),
            "ctx_size": 4096,
            "idle_timeout_secs": 30
        },
    });
    if let (Some(options), serde_json::Value::Object(extra)) = (options.as_object_mut(), extra) {
        options.extend(extra);
    }
    options
}
