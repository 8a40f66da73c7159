//! Ollama through `/api/generate` with `raw: true`, so tandem's FIM template reaches the model
//! untouched, and an explicit `num_ctx`, so Ollama never truncates the prompt to its default.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::http::{wire_seed, Http};
use crate::stream::{read_completion, Assembly, Format, Message};
use crate::{Backend, BackendConfig, BackendError, FimRequest, FimResponse, ModelInfo, StopReason};

/// How long Ollama keeps the model loaded after a request: an editing session has pauses far
/// longer than Ollama's 5-minute default, and reloading costs seconds.
const KEEP_ALIVE: &str = "30m";

/// An Ollama server.
pub struct Ollama {
    http: Http,
}

impl Ollama {
    pub fn new(config: BackendConfig, http: reqwest::Client) -> Self {
        Self {
            http: Http::new(config, http),
        }
    }

    fn model(&self) -> Result<&str, BackendError> {
        self.http
            .config()
            .model
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .ok_or_else(|| {
                BackendError::Config(
                    "`backend.model` must name an Ollama model (see `ollama list`), e.g. \"qwen2.5-coder:1.5b-base\"".into(),
                )
            })
    }
}

/// Body of `POST /api/generate`.
#[derive(Debug, Serialize)]
struct GenerateBody<'a> {
    model: &'a str,
    prompt: &'a str,
    raw: bool,
    stream: bool,
    options: Options<'a>,
    keep_alive: &'static str,
}

#[derive(Debug, Serialize)]
struct Options<'a> {
    num_predict: u32,
    temperature: f32,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    stop: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u32>,
    num_ctx: u32,
}

/// A streamed line or the whole answer of `/api/generate`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GenerateMessage {
    response: Option<String>,
    done: bool,
    /// `stop`, `length`, or `load`/`unload` for requests that only (un)loaded the model.
    done_reason: Option<String>,
    prompt_eval_count: Option<u32>,
    eval_count: Option<u32>,
}

impl Message for GenerateMessage {
    fn apply(self, into: &mut Assembly) {
        if let Some(text) = self.response {
            into.text.push_str(&text);
        }
        if !self.done {
            return;
        }
        into.finished = true;
        into.stop_reason = Some(match self.done_reason.as_deref() {
            Some("stop") => StopReason::Stop,
            Some("length") => StopReason::Length,
            _ => StopReason::Unknown,
        });
        // Ollama reports only the prompt tokens it evaluated; cached ones are not counted.
        into.usage.prompt_tokens = self.prompt_eval_count;
        into.usage.generated_tokens = self.eval_count;
    }
}

/// Answer of `POST /api/show` (only what tandem reads).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowAnswer {
    model_info: serde_json::Map<String, serde_json::Value>,
    capabilities: Vec<String>,
}

impl ShowAnswer {
    fn architecture(&self) -> Option<&str> {
        self.model_info.get("general.architecture")?.as_str()
    }

    fn parameters(&self) -> Option<u64> {
        self.model_info.get("general.parameter_count")?.as_u64()
    }

    /// The window the model will really get: the trained context, capped by the `num_ctx`
    /// tandem sends with every request.
    fn context_length(&self, num_ctx: u32) -> u32 {
        let trained = self
            .architecture()
            .and_then(|arch| self.model_info.get(&format!("{arch}.context_length")))
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok());
        trained.map_or(num_ctx, |t| t.min(num_ctx))
    }

    /// Ollama lists `insert` for models whose template handles a suffix, i.e. FIM models.
    /// Its absence proves nothing about the vocabulary, hence `None` rather than `false`.
    fn has_fim_tokens(&self) -> Option<bool> {
        self.capabilities
            .iter()
            .any(|c| c == "insert")
            .then_some(true)
    }
}

#[async_trait]
impl Backend for Ollama {
    fn name(&self) -> &'static str {
        "ollama"
    }

    fn templates_itself(&self) -> bool {
        false
    }

    async fn complete(&self, request: FimRequest) -> Result<FimResponse, BackendError> {
        let url = self.http.url("/api/generate");
        let body = GenerateBody {
            model: self.model()?,
            prompt: &request.rendered,
            raw: true,
            stream: request.stream,
            options: Options {
                num_predict: request.max_tokens,
                temperature: request.temperature,
                stop: &request.stop,
                seed: request.seed.map(wire_seed),
                num_ctx: self.http.config().num_ctx,
            },
            keep_alive: KEEP_ALIVE,
        };
        let response = self.http.post_json(&url, &body).await?;
        read_completion::<GenerateMessage>(
            &self.http,
            &url,
            response,
            Format::Ndjson,
            request.stop_check.as_ref(),
        )
        .await
    }

    async fn count_tokens(&self, _texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        // Ollama has no tokenize endpoint; the server falls back to a local tokenizer.
        Ok(None)
    }

    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        let model = self.model()?;
        let url = self.http.url("/api/show");
        let response = self
            .http
            .post_json(&url, &serde_json::json!({ "model": model }))
            .await?;
        let json = self.http.json(response, &url).await?;
        let show: ShowAnswer =
            serde_json::from_value(json).map_err(|e| self.http.bad_shape(&url, e))?;
        Ok(ModelInfo {
            name: model.to_owned(),
            context_length: Some(show.context_length(self.http.config().num_ctx)),
            has_fim_tokens: show.has_fim_tokens(),
            architecture: show.architecture().map(str::to_owned),
            parameters: show.parameters(),
        })
    }

    async fn health(&self) -> Result<(), BackendError> {
        let url = self.http.url("/api/version");
        self.http.get(&url).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_assemble() {
        let lines = [
            r#"{"model":"m","response":"def","done":false}"#,
            r#"{"model":"m","response":" f():","done":false}"#,
            r#"{"model":"m","response":"","done":true,"done_reason":"length","prompt_eval_count":31,"eval_count":2}"#,
        ];
        let mut assembly = Assembly::default();
        for line in lines {
            let message: GenerateMessage = serde_json::from_str(line).expect("test JSON");
            message.apply(&mut assembly);
        }
        assert_eq!(assembly.text, "def f():");
        assert_eq!(assembly.stop_reason, Some(StopReason::Length));
        assert_eq!(assembly.usage.prompt_tokens, Some(31));
        assert_eq!(assembly.usage.generated_tokens, Some(2));
        assert!(assembly.finished);
    }

    #[test]
    fn show_answers() {
        let table: &[(&str, u32, Option<&str>, Option<bool>)] = &[
            (
                r#"{"model_info":{"general.architecture":"qwen2","qwen2.context_length":32768},"capabilities":["completion","insert"]}"#,
                8192,
                Some("qwen2"),
                Some(true),
            ),
            (
                r#"{"model_info":{"general.architecture":"llama","llama.context_length":4096},"capabilities":["completion"]}"#,
                4096,
                Some("llama"),
                None,
            ),
            (r#"{}"#, 8192, None, None),
        ];
        for (json, ctx, arch, fim) in table {
            let show: ShowAnswer = serde_json::from_str(json).expect("test JSON");
            assert_eq!(show.context_length(8192), *ctx, "{json}");
            assert_eq!(show.architecture(), *arch, "{json}");
            assert_eq!(show.has_fim_tokens(), *fim, "{json}");
        }
    }
}
