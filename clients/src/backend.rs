//! The one trait every model backend implements, and the plain data it exchanges.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::BackendError;

/// A piece of code from elsewhere in the workspace, placed before the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextChunk {
    /// Workspace-relative path shown to the model.
    pub filename: String,
    pub text: String,
}

/// The raw parts of a fill-in-the-middle prompt, for backends that apply the template themselves
/// (llama.cpp `/infill`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FimParts {
    pub prefix: String,
    pub suffix: String,
    pub extra: Vec<ContextChunk>,
}

/// Decides, from the text generated so far, that the completion is already complete, so a
/// streaming backend can stop the model early. Must be cheap: it runs on every streamed chunk.
pub type StopCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// One completion request. `rendered` is the full prompt text built with tandem's template, used by
/// every raw-prompt endpoint; `parts` is used by endpoints that template themselves.
#[derive(Clone)]
pub struct FimRequest {
    pub rendered: String,
    pub parts: FimParts,
    pub max_tokens: u32,
    pub temperature: f32,
    pub stop: Vec<String>,
    /// Random seed, so alternatives differ and eval runs repeat.
    pub seed: Option<u64>,
    /// llama.cpp: stop generating after this long once a newline was generated.
    pub time_limit_ms: Option<u32>,
    /// Whether to stream; the backend falls back to a single response where it cannot.
    pub stream: bool,
    pub stop_check: Option<StopCheck>,
    /// llama.cpp slot to pin this editor to, so its KV cache stays warm.
    pub slot: Option<i32>,
    /// Text the answer must begin with (the partial word cut from the prompt by token healing).
    /// llama.cpp enforces it with a grammar; other backends leave the check to the caller.
    pub forced_start: Option<String>,
}

impl std::fmt::Debug for FimRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FimRequest")
            .field("rendered_len", &self.rendered.len())
            .field("max_tokens", &self.max_tokens)
            .field("temperature", &self.temperature)
            .field("stop", &self.stop)
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// End of sequence or a stop string.
    Stop,
    /// `max_tokens` reached.
    Length,
    /// tandem's [`StopCheck`] said the completion was complete and the stream was closed.
    Early,
    /// The backend did not say.
    Unknown,
}

/// Token accounting the backend reported, where it reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens the model processed for this request.
    pub prompt_tokens: Option<u32>,
    /// Prompt tokens served from the KV cache.
    pub cached_tokens: Option<u32>,
    pub generated_tokens: Option<u32>,
}

/// The model's answer, raw: post-processing happens in the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FimResponse {
    pub text: String,
    pub stop_reason: StopReason,
    pub usage: Usage,
}

/// What the backend knows about the model it serves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model name or file name, used to pick a FIM template.
    pub name: String,
    /// Context window in tokens, where known.
    pub context_length: Option<u32>,
    /// The model's vocabulary has the FIM tokens tandem's template needs (`None`: unknown).
    pub has_fim_tokens: Option<bool>,
    /// GGUF `general.architecture` or similar.
    pub architecture: Option<String>,
    /// How many parameters the model has, where the server says.
    pub parameters: Option<u64>,
}

/// A model server tandem can ask for completions.
#[async_trait]
pub trait Backend: Send + Sync {
    /// Short name for logs, telemetry and `doctor`: `llamacpp`, `openai`, `ollama`.
    fn name(&self) -> &'static str;

    /// Whether this backend applies the FIM template itself from [`FimRequest::parts`].
    fn templates_itself(&self) -> bool;

    /// Generates a completion. Dropping the future aborts the HTTP request, which closes the
    /// connection so the model server stops generating.
    async fn complete(&self, request: FimRequest) -> Result<FimResponse, BackendError>;

    /// Exact token count per piece of text, or `Ok(None)` if the backend cannot tokenize.
    /// Each returned entry is the token count of the corresponding input.
    async fn count_tokens(&self, texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError>;

    /// What model is loaded.
    async fn model_info(&self) -> Result<ModelInfo, BackendError>;

    /// Cheap liveness check.
    async fn health(&self) -> Result<(), BackendError>;

    /// Returns once the server is free to start a new request, as far as it can tell. A request
    /// whose connection was closed can still occupy the server: llama.cpp notices a closed
    /// connection only at its next check and finishes the prompt batch it is in, so requests
    /// sent meanwhile queue behind it, and it starts them even when they were closed too.
    /// Servers that drop a closed request at once have nothing to wait for (the default).
    async fn wait_until_idle(&self) -> Result<(), BackendError> {
        Ok(())
    }
}
