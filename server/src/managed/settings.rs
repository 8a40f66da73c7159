//! The plain settings the managed server needs; the config layer maps `[managed]` onto them.

use std::path::PathBuf;

/// How to run the managed llama-server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedSettings {
    /// Explicit path of `llama-server`; `None` searches the cache, then `PATH`.
    pub llama_server: Option<PathBuf>,
    /// `"0.5b"`, `"1.5b"` or the path of a `.gguf` file.
    pub model: String,
    /// Context size in tokens (`-c`).
    pub ctx_size: u32,
    /// CPU threads (`-t`); 0 means the number of cores.
    pub threads: u32,
    /// Stop the server once no tandem process has used it for this long; 0 never stops it.
    pub idle_timeout_secs: u64,
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    /// Where binaries, models, logs and the run state live (`~/.cache/tandem` by default).
    pub cache_dir: PathBuf,
}

impl Default for ManagedSettings {
    fn default() -> Self {
        ManagedSettings {
            llama_server: None,
            model: "0.5b".to_string(),
            ctx_size: 8192,
            threads: 0,
            idle_timeout_secs: 1800,
            port: 0,
            cache_dir: super::default_cache_dir(),
        }
    }
}

impl ManagedSettings {
    /// The thread count to pass to llama-server, resolving 0 to the number of cores.
    pub fn effective_threads(&self) -> u32 {
        if self.threads > 0 {
            return self.threads;
        }
        std::thread::available_parallelism()
            .map(|n| u32::try_from(n.get()).unwrap_or(u32::MAX))
            .unwrap_or(2)
    }
}
