//! Diagnostics through `tracing`, to stderr or a file — never stdout, which carries the protocol.

use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Environment variable that sets the log filter (EnvFilter syntax); it wins over the config.
pub const LOG_ENV: &str = "TANDEM_LOG";

/// Installs the global subscriber. `level` is the config's `log.level`; `file` its `log.file`.
/// A file that cannot be opened falls back to stderr with a warning.
pub fn init(level: &str, file: Option<&Path>) {
    let filter = std::env::var(LOG_ENV)
        .ok()
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .or_else(|| EnvFilter::try_new(level).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false);
    let opened = file.map(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                format!(
                    "cannot open log file {}: {e}; logging to stderr",
                    path.display()
                )
            })
    });
    match opened {
        Some(Ok(file)) => {
            let _ = builder.with_writer(Mutex::new(file)).try_init();
        }
        Some(Err(message)) => {
            let _ = builder.with_writer(std::io::stderr).try_init();
            tracing::warn!("{message}");
        }
        None => {
            let _ = builder.with_writer(std::io::stderr).try_init();
        }
    }
}
