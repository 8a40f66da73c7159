//! Model backends for tandem. Every backend implements [`Backend`]; the server never talks HTTP
//! to a model any other way. Adding a backend is one new file plus one arm in [`build_backend`].

mod backend;
mod config;
mod error;
mod http;
mod llamacpp;
mod model_list;
mod ollama;
mod openai;
mod stream;

pub use backend::{
    Backend, ContextChunk, FimParts, FimRequest, FimResponse, ModelInfo, StopCheck, StopReason,
    Usage,
};
pub use config::{BackendConfig, BackendKind, LlamaCppEndpoint};
pub use error::BackendError;
pub use http::shared_http_client;

use std::sync::Arc;

/// Builds the backend a config describes, sharing one connection pool across all backends.
pub fn build_backend(config: &BackendConfig) -> Result<Arc<dyn Backend>, BackendError> {
    let http = shared_http_client(config)?;
    Ok(match config.kind {
        BackendKind::LlamaCpp => Arc::new(llamacpp::LlamaCpp::new(config.clone(), http)),
        BackendKind::OpenAi => Arc::new(openai::OpenAi::new(config.clone(), http)),
        BackendKind::Ollama => Arc::new(ollama::Ollama::new(config.clone(), http)),
    })
}
