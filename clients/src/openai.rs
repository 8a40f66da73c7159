//! Any OpenAI-compatible server (vLLM, LM Studio, llama-cpp-python, TGI, llama-server) through the
//! legacy `/v1/completions` endpoint, which takes a raw prompt and so tandem's FIM template.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::http::{wire_seed, Http};
use crate::model_list::ModelList;
use crate::stream::{read_completion, Assembly, Format, Message};
use crate::{Backend, BackendConfig, BackendError, FimRequest, FimResponse, ModelInfo, StopReason};

/// The OpenAI API rejects more stop sequences than this.
const MAX_STOPS: usize = 4;

/// An OpenAI-compatible server.
pub struct OpenAi {
    http: Http,
}

impl OpenAi {
    pub fn new(config: BackendConfig, http: reqwest::Client) -> Self {
        Self {
            http: Http::new(config, http),
        }
    }

    /// `path` under the API root, whether `backend.url` ends in `/v1` or not.
    fn api_url(&self, path: &str) -> String {
        let base = self.http.base();
        if base.ends_with("/v1") {
            format!("{base}{path}")
        } else {
            format!("{base}/v1{path}")
        }
    }

    async fn models(&self) -> Result<(String, ModelList), BackendError> {
        let url = self.api_url("/models");
        let response = self.http.get(&url).await?;
        let json = self.http.json(response, &url).await?;
        let list = serde_json::from_value(json).map_err(|e| self.http.bad_shape(&url, e))?;
        Ok((url, list))
    }
}

/// Body of `POST /v1/completions`.
#[derive(Debug, Serialize)]
struct CompletionsBody<'a> {
    /// Omitted when unset: single-model servers (llama-server, LM Studio) then use theirs.
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    prompt: &'a str,
    max_tokens: u32,
    temperature: f32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    stop: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u32>,
    stream: bool,
    /// Asks for token usage in the last streamed chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

impl<'a> CompletionsBody<'a> {
    fn new(request: &'a FimRequest, model: Option<&'a str>) -> Self {
        Self {
            model,
            prompt: &request.rendered,
            max_tokens: request.max_tokens,
            temperature: request.temperature,
            stop: wire_stops(&request.stop),
            seed: request.seed.map(wire_seed),
            stream: request.stream,
            stream_options: request.stream.then_some(StreamOptions {
                include_usage: true,
            }),
        }
    }
}

/// At most [`MAX_STOPS`] distinct non-empty stop strings, keeping the caller's order (callers
/// list the most important first; post-processing enforces the rest).
fn wire_stops(stops: &[String]) -> Vec<&str> {
    let mut kept: Vec<&str> = Vec::with_capacity(MAX_STOPS);
    for stop in stops.iter().map(String::as_str) {
        if kept.len() == MAX_STOPS {
            break;
        }
        if !stop.is_empty() && !kept.contains(&stop) {
            kept.push(stop);
        }
    }
    kept
}

/// A streamed chunk or the whole answer of `/v1/completions`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CompletionsMessage {
    choices: Vec<Choice>,
    usage: Option<ApiUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Choice {
    index: u32,
    text: Option<String>,
    finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiUsage {
    prompt_tokens: Option<u32>,
    completion_tokens: Option<u32>,
    prompt_tokens_details: Option<PromptTokensDetails>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PromptTokensDetails {
    cached_tokens: Option<u32>,
}

impl Message for CompletionsMessage {
    fn apply(self, into: &mut Assembly) {
        // tandem asks for one choice; anything else a server adds is ignored.
        if let Some(choice) = self.choices.into_iter().find(|c| c.index == 0) {
            if let Some(text) = choice.text {
                into.text.push_str(&text);
            }
            if let Some(reason) = choice.finish_reason {
                into.finished = true;
                into.stop_reason = Some(match reason.as_str() {
                    "stop" => StopReason::Stop,
                    "length" => StopReason::Length,
                    _ => StopReason::Unknown,
                });
            }
        }
        if let Some(usage) = self.usage {
            into.usage.prompt_tokens = usage.prompt_tokens;
            into.usage.generated_tokens = usage.completion_tokens;
            into.usage.cached_tokens = usage.prompt_tokens_details.and_then(|d| d.cached_tokens);
        }
    }
}

#[async_trait]
impl Backend for OpenAi {
    fn name(&self) -> &'static str {
        "openai"
    }

    fn templates_itself(&self) -> bool {
        false
    }

    async fn complete(&self, request: FimRequest) -> Result<FimResponse, BackendError> {
        let url = self.api_url("/completions");
        let body = CompletionsBody::new(&request, self.http.config().model.as_deref());
        let response = self.http.post_json(&url, &body).await?;
        read_completion::<CompletionsMessage>(
            &self.http,
            &url,
            response,
            Format::Sse,
            request.stop_check.as_ref(),
        )
        .await
    }

    async fn count_tokens(&self, _texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        // The OpenAI API has no tokenize endpoint; the server falls back to a local tokenizer.
        Ok(None)
    }

    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        let (url, list) = self.models().await?;
        list.pick(self.http.config().model.as_deref())
            .ok_or_else(|| self.http.bad_shape(&url, "the server lists no models"))
    }

    async fn health(&self) -> Result<(), BackendError> {
        self.models().await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_are_capped_at_four_distinct() {
        let table: &[(&[&str], &[&str])] = &[
            (&[], &[]),
            (&["\n"], &["\n"]),
            (&["a", "", "a", "b", "c", "d", "e"], &["a", "b", "c", "d"]),
            (
                &[
                    "<|endoftext|>",
                    "<|fim_prefix|>",
                    "\n\n\n",
                    "```",
                    "<|file_sep|>",
                ],
                &["<|endoftext|>", "<|fim_prefix|>", "\n\n\n", "```"],
            ),
        ];
        for (input, expected) in table {
            let owned: Vec<String> = input.iter().map(|s| s.to_string()).collect();
            assert_eq!(wire_stops(&owned), *expected, "{input:?}");
        }
    }

    #[test]
    fn chunks_assemble() {
        let chunks = [
            r#"{"choices":[{"index":0,"text":"ret","finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"text":"urn","finish_reason":"length"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":8}}}"#,
        ];
        let mut assembly = Assembly::default();
        for chunk in chunks {
            let message: CompletionsMessage = serde_json::from_str(chunk).expect("test JSON");
            message.apply(&mut assembly);
        }
        assert_eq!(assembly.text, "return");
        assert_eq!(assembly.stop_reason, Some(StopReason::Length));
        assert_eq!(assembly.usage.prompt_tokens, Some(12));
        assert_eq!(assembly.usage.cached_tokens, Some(8));
        assert_eq!(assembly.usage.generated_tokens, Some(2));
    }
}
