//! The backend in use, with what was learned about its model: name, template, token counter.

use std::path::Path;
use std::sync::Arc;

use tandem_clients::{Backend, BackendConfig, BackendError, BackendKind, ModelInfo};

use crate::config::{BackendChoice, Config};
use crate::prompt::{template_by_name, template_for_model, FimTemplate};
use crate::tokens::TokenCounter;

/// A connected backend and everything derived from its model.
pub struct ActiveBackend {
    pub url: String,
    pub backend: Arc<dyn Backend>,
    pub info: ModelInfo,
    pub template: FimTemplate,
    pub counter: TokenCounter,
    /// Whether the server may still be busy with an abandoned request.
    pub pacing: super::pacing::Pacing,
}

impl ActiveBackend {
    /// Builds the backend for `url` and asks it what it serves. Fails only when the backend is
    /// unreachable; a server that cannot describe its model still gets used with defaults.
    pub async fn connect(config: &Config, url: String) -> Result<Self, BackendError> {
        let backend = tandem_clients::build_backend(&backend_config(config, &url))?;
        Self::with_backend(config, url, backend).await
    }

    /// Like [`ActiveBackend::connect`], for a backend built elsewhere.
    pub async fn with_backend(
        config: &Config,
        url: String,
        backend: Arc<dyn Backend>,
    ) -> Result<Self, BackendError> {
        let info = match backend.model_info().await {
            Ok(info) => info,
            // Unreachable, or misconfigured in a way the user must fix: say so, do not guess.
            Err(e) if e.is_transient() || matches!(e, BackendError::Config(_)) => return Err(e),
            Err(e) => {
                tracing::warn!("cannot read the model's metadata, using defaults: {e}");
                ModelInfo {
                    name: config.backend.model.clone(),
                    ..ModelInfo::default()
                }
            }
        };
        let template = choose_template(config, &info);
        let counter = choose_counter(config, &backend).await;
        tracing::info!(
            backend = backend.name(),
            %url,
            model = %info.name,
            template = %template.name,
            counter = ?counter.source(),
            parameters = ?info.parameters,
            "backend ready"
        );
        if crate::context::too_small_for_definitions(
            config.context.definitions_min_params,
            info.parameters,
        ) {
            tracing::info!(
                "the model has fewer parameters than context.definitions_min_params ({}): its \
                 prompts get no definition chunks",
                config.context.definitions_min_params
            );
        }
        Ok(Self {
            url,
            backend,
            info,
            template,
            counter,
            pacing: super::pacing::Pacing::default(),
        })
    }
}

/// The clients-crate view of the `[backend]` settings.
pub fn backend_config(config: &Config, url: &str) -> BackendConfig {
    let section = &config.backend;
    let kind = match section.kind {
        BackendChoice::Managed | BackendChoice::LlamaCpp => BackendKind::LlamaCpp,
        BackendChoice::OpenAi => BackendKind::OpenAi,
        BackendChoice::Ollama => BackendKind::Ollama,
    };
    let mut out = BackendConfig::new(kind, url.trim_end_matches('/'));
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    out.model = non_empty(&section.model);
    out.api_key_env = non_empty(&section.api_key_env);
    out.llamacpp_endpoint = section.endpoint;
    out.connect_timeout_ms = section.connect_timeout_ms;
    out.request_timeout_ms = section.request_timeout_ms;
    out.num_ctx = section.num_ctx;
    out
}

/// The template the config asks for, or the one that fits the model.
pub fn choose_template(config: &Config, info: &ModelInfo) -> FimTemplate {
    let name = config.prompt.template.as_str();
    match (name, &config.prompt.custom) {
        ("custom", Some(custom)) => custom.clone(),
        ("auto", _) => template_for_model(&info.name, info.architecture.as_deref()),
        _ => template_by_name(name)
            .unwrap_or_else(|| template_for_model(&info.name, info.architecture.as_deref())),
    }
}

async fn choose_counter(config: &Config, backend: &Arc<dyn Backend>) -> TokenCounter {
    let tokenizer = config.prompt.tokenizer.trim();
    if !tokenizer.is_empty() {
        match TokenCounter::from_tokenizer_file(Path::new(tokenizer)) {
            Ok(counter) => return counter,
            Err(e) => tracing::warn!("prompt.tokenizer: {e}; counting tokens another way"),
        }
    }
    match backend.count_tokens(&["probe"]).await {
        Ok(Some(_)) => TokenCounter::from_backend(backend.clone()),
        _ => TokenCounter::estimating(),
    }
}
