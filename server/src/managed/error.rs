//! Everything that can go wrong with the managed server, each message saying how to fix it.

use std::path::PathBuf;

use thiserror::Error;

/// A failure to find, start, share or stop the managed llama-server.
#[derive(Debug, Error)]
pub enum ManagedError {
    #[error(
        "managed.llama_server is set to {path}, which is not an executable file; fix the path, \
         or leave it empty to use the llama-server that scripts/setup installs"
    )]
    ConfiguredBinaryMissing { path: PathBuf },

    #[error(
        "llama-server not found (looked in {searched}/*/bin/ and on PATH); run scripts/setup \
         (or scripts/install-llama-server), or set managed.llama_server to its path"
    )]
    BinaryNotFound { searched: PathBuf },

    #[error(
        "model {name} is not downloaded (expected {path}); run scripts/fetch-model {name} \
         (scripts/setup fetches 0.5b)"
    )]
    ModelNotDownloaded { name: String, path: PathBuf },

    #[error(
        "model file {path} does not exist; set managed.model to 0.5b, 1.5b or the path of a \
         .gguf file"
    )]
    ModelFileMissing { path: PathBuf },

    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot find a free loopback port for llama-server: {0}")]
    NoFreePort(#[source] std::io::Error),

    #[error("cannot start {binary}: {source}; check managed.llama_server or rerun scripts/setup")]
    Spawn {
        binary: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("llama-server exited while starting ({status}); last lines of {log}:\n{tail}")]
    ExitedEarly {
        status: String,
        log: PathBuf,
        tail: String,
    },

    #[error(
        "llama-server did not become ready at {url} within {secs} s; last lines of {log}:\n{tail}"
    )]
    StartTimeout {
        url: String,
        secs: u64,
        log: PathBuf,
        tail: String,
    },

    #[error(
        "the shared llama-server (pid {pid}) runs {running} for other tandem processes, but this \
         one wants {wanted}; use the same managed.model everywhere, or give this editor its own \
         TANDEM_CACHE_DIR"
    )]
    ModelConflict {
        pid: u32,
        running: PathBuf,
        wanted: PathBuf,
    },
}

impl ManagedError {
    /// Wraps an I/O error with what was being done to which path.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        ManagedError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
