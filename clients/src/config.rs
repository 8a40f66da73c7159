//! Where a backend lives and how to talk to it.

use serde::{Deserialize, Serialize};

/// Which protocol a backend speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// llama.cpp's `llama-server` (`/infill`, `/completion`, `/tokenize`, `/props`).
    LlamaCpp,
    /// Any OpenAI-compatible `/v1/completions` (vLLM, LM Studio, llama-cpp-python, TGI, llama-server).
    OpenAi,
    /// Ollama's `/api/generate` with `raw: true`.
    Ollama,
}

/// Which llama.cpp endpoint to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LlamaCppEndpoint {
    /// `/infill`: the server applies the model's FIM template and takes `input_extra`.
    #[default]
    Infill,
    /// `/completion` with tandem's rendered template.
    Completion,
}

/// Everything needed to reach one backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendConfig {
    pub kind: BackendKind,
    /// Base URL, e.g. `http://127.0.0.1:8012` (no trailing `/v1` needed for OpenAI).
    pub url: String,
    /// Model name sent to servers that serve several (OpenAI, Ollama).
    pub model: Option<String>,
    /// Name of the environment variable that holds the API key, if any.
    pub api_key_env: Option<String>,
    pub llamacpp_endpoint: LlamaCppEndpoint,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
    /// Ollama: context size set explicitly, so Ollama never truncates the prompt silently.
    pub num_ctx: u32,
}

impl BackendConfig {
    /// A config with tandem's default timeouts.
    pub fn new(kind: BackendKind, url: impl Into<String>) -> Self {
        Self {
            kind,
            url: url.into(),
            model: None,
            api_key_env: None,
            llamacpp_endpoint: LlamaCppEndpoint::Infill,
            connect_timeout_ms: 2_000,
            request_timeout_ms: 30_000,
            num_ctx: 8_192,
        }
    }
}
