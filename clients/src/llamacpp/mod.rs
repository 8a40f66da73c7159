//! llama.cpp's `llama-server`: `/infill` (server-side FIM template) or `/completion` (tandem's
//! rendered prompt), exact token counts from `/tokenize`, model facts from `/props`.

mod wire;

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt, TryStreamExt};

use crate::http::Http;
use crate::model_list::ModelList;
use crate::stream::{read_completion, Format};
use crate::{
    Backend, BackendConfig, BackendError, FimRequest, FimResponse, LlamaCppEndpoint, ModelInfo,
};

use wire::{CompletionMessage, GenerateBody, Props, TokenizeAnswer, TokenizeBody, FIM_MARKERS};

/// How many `/tokenize` requests run at once: enough to hide round trips, few enough not to
/// crowd out completions on a 2-core machine.
const TOKENIZE_CONCURRENCY: usize = 4;

/// A llama.cpp server.
pub struct LlamaCpp {
    http: Http,
}

impl LlamaCpp {
    pub fn new(config: BackendConfig, http: reqwest::Client) -> Self {
        Self {
            http: Http::new(config, http),
        }
    }

    fn endpoint(&self) -> LlamaCppEndpoint {
        self.http.config().llamacpp_endpoint
    }

    async fn tokenize(&self, text: &str) -> Result<usize, BackendError> {
        if text.is_empty() {
            return Ok(0);
        }
        let url = self.http.url("/tokenize");
        let body = TokenizeBody {
            content: text,
            add_special: false,
            parse_special: true,
        };
        let response = self
            .http
            .post_json(&url, &body)
            .await
            .map_err(loading_hint)?;
        let json = self.http.json(response, &url).await?;
        let answer: TokenizeAnswer =
            serde_json::from_value(json).map_err(|e| self.http.bad_shape(&url, e))?;
        Ok(answer.tokens.len())
    }

    /// The parameter count from `/v1/models` (`meta.n_params`); `None` where the server is too
    /// old to list it or does not answer.
    async fn parameters(&self) -> Option<u64> {
        let url = self.http.url("/v1/models");
        let response = self.http.get(&url).await.ok()?;
        let json = self.http.json(response, &url).await.ok()?;
        let list: ModelList = serde_json::from_value(json).ok()?;
        list.pick(None)?.parameters
    }

    /// Whether any known FIM marker is a single token of the loaded vocabulary; `None` when the
    /// server cannot tokenize.
    async fn has_fim_tokens(&self) -> Option<bool> {
        let counts = self.count_tokens(&FIM_MARKERS).await.ok()??;
        Some(counts.contains(&1))
    }
}

/// llama.cpp answers 503 on every endpoint while it loads the model; say so instead of a bare
/// "failed (HTTP 503)".
fn loading_hint(error: BackendError) -> BackendError {
    match error {
        BackendError::Server { url, status, body }
            if status == 503 && body.to_lowercase().contains("loading") =>
        {
            BackendError::Server {
                url,
                status,
                body: format!(
                    "the model is still loading ({body}); wait until llama-server finishes loading it"
                ),
            }
        }
        other => other,
    }
}

#[async_trait]
impl Backend for LlamaCpp {
    fn name(&self) -> &'static str {
        "llamacpp"
    }

    fn templates_itself(&self) -> bool {
        self.endpoint() == LlamaCppEndpoint::Infill
    }

    async fn complete(&self, request: FimRequest) -> Result<FimResponse, BackendError> {
        let path = match self.endpoint() {
            LlamaCppEndpoint::Infill => "/infill",
            LlamaCppEndpoint::Completion => "/completion",
        };
        let url = self.http.url(path);
        let body = GenerateBody::new(&request, self.endpoint());
        let response = self
            .http
            .post_json(&url, &body)
            .await
            .map_err(loading_hint)?;
        read_completion::<CompletionMessage>(
            &self.http,
            &url,
            response,
            Format::Sse,
            request.stop_check.as_ref(),
        )
        .await
    }

    async fn count_tokens(&self, texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        // One request per text, a few at a time: splitting one tokenization of the joined texts
        // is unreliable because tokens merge across the joins.
        // Boxed so the future stays `Send` for any lifetime of `texts` (async-trait needs that).
        let requests: Vec<BoxFuture<'_, Result<usize, BackendError>>> = texts
            .iter()
            .map(|text| self.tokenize(text).boxed())
            .collect();
        let counts = futures_util::stream::iter(requests)
            .buffered(TOKENIZE_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(Some(counts))
    }

    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        let url = self.http.url("/props");
        let response = self.http.get(&url).await.map_err(loading_hint)?;
        let json = self.http.json(response, &url).await?;
        let props: Props =
            serde_json::from_value(json).map_err(|e| self.http.bad_shape(&url, e))?;
        Ok(ModelInfo {
            name: props.model_name(),
            context_length: props.context_length(),
            has_fim_tokens: self.has_fim_tokens().await,
            architecture: None,
            parameters: self.parameters().await,
        })
    }

    async fn health(&self) -> Result<(), BackendError> {
        let url = self.http.url("/health");
        self.http.get(&url).await.map_err(loading_hint)?;
        Ok(())
    }

    async fn wait_until_idle(&self) -> Result<(), BackendError> {
        // `/slots?fail_on_no_slot=1` answers 503 while every slot is busy. The server answers it
        // between two batches, so one poll may itself take a batch's time.
        let url = self.http.url("/slots?fail_on_no_slot=1");
        loop {
            match self.http.get(&url).await {
                Err(BackendError::Server { status: 503, .. }) => {
                    tokio::time::sleep(IDLE_POLL).await;
                }
                // Idle, or a server that cannot tell (`/slots` disabled): never hold a request
                // back for that.
                _ => return Ok(()),
            }
        }
    }
}

/// How often `wait_until_idle` asks again while the server is busy.
const IDLE_POLL: std::time::Duration = std::time::Duration::from_millis(40);
