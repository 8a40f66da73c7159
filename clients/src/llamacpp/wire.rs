//! llama.cpp `llama-server` JSON shapes and their translation to tandem's types (pure).

use serde::{Deserialize, Serialize};

use crate::http::wire_seed;
use crate::stream::{Assembly, Message};
use crate::{ContextChunk, FimRequest, LlamaCppEndpoint, StopReason};

/// Body of `POST /infill` and `POST /completion`; the prompt fields used depend on the endpoint.
#[derive(Debug, Serialize)]
pub(super) struct GenerateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_suffix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_extra: Option<&'a [ContextChunk]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<&'a str>,
    pub n_predict: u32,
    pub temperature: f32,
    pub stop: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u32>,
    /// Reuse the KV cache of the previous request in this slot: consecutive FIM prompts share
    /// most of their prefix.
    pub cache_prompt: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub t_max_predict_ms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_slot: Option<i32>,
    /// GBNF the answer must match: here only ever "begins with the healed word".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grammar: Option<String>,
    pub stream: bool,
    /// Timings on every streamed chunk, so a stream tandem closes early still reports how many
    /// prompt tokens were processed and how many came from the cache.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timings_per_token: bool,
}

impl<'a> GenerateBody<'a> {
    pub(super) fn new(request: &'a FimRequest, endpoint: LlamaCppEndpoint) -> Self {
        let infill = endpoint == LlamaCppEndpoint::Infill;
        Self {
            input_prefix: infill.then_some(request.parts.prefix.as_str()),
            input_suffix: infill.then_some(request.parts.suffix.as_str()),
            input_extra: infill.then_some(request.parts.extra.as_slice()),
            prompt: (!infill).then_some(request.rendered.as_str()),
            n_predict: request.max_tokens,
            temperature: request.temperature,
            stop: &request.stop,
            seed: request.seed.map(wire_seed),
            cache_prompt: true,
            t_max_predict_ms: request.time_limit_ms,
            id_slot: request.slot,
            grammar: request.forced_start.as_deref().map(starts_with_grammar),
            stream: request.stream,
            timings_per_token: request.stream,
        }
    }
}

/// A GBNF grammar for "`start`, then anything".
fn starts_with_grammar(start: &str) -> String {
    let mut literal = String::with_capacity(start.len() + 2);
    literal.push('"');
    for c in start.chars() {
        match c {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\r' => literal.push_str("\\r"),
            '\t' => literal.push_str("\\t"),
            c => literal.push(c),
        }
    }
    literal.push('"');
    format!("root ::= {literal} .*")
}

/// A streamed chunk of `/completion` or `/infill`, or the whole non-streamed answer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CompletionMessage {
    content: Option<String>,
    /// True on the final message.
    stop: bool,
    /// `eos`, `word`, `limit` or `none` (current servers).
    stop_type: Option<String>,
    // Older servers report the reason as three flags instead of `stop_type`.
    stopped_eos: bool,
    stopped_word: bool,
    stopped_limit: bool,
    tokens_predicted: Option<i64>,
    tokens_evaluated: Option<i64>,
    timings: Option<Timings>,
}

/// `timings` of a final message.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Timings {
    /// Prompt tokens actually processed (not served from the cache).
    prompt_n: Option<i64>,
    /// Prompt tokens served from the KV cache.
    cache_n: Option<i64>,
    predicted_n: Option<i64>,
}

impl Message for CompletionMessage {
    fn apply(self, into: &mut Assembly) {
        if let Some(content) = &self.content {
            into.text.push_str(content);
        }
        if self.stop {
            into.finished = true;
            into.stop_reason = Some(self.stop_reason());
        } else if self.timings.is_none() {
            return;
        }
        let timings = self.timings.unwrap_or_default();
        let usage = &mut into.usage;
        usage.prompt_tokens = count(timings.prompt_n).or(count(self.tokens_evaluated));
        usage.cached_tokens = count(timings.cache_n);
        usage.generated_tokens = count(timings.predicted_n).or(count(self.tokens_predicted));
    }
}

impl CompletionMessage {
    fn stop_reason(&self) -> StopReason {
        match self.stop_type.as_deref() {
            Some("eos" | "word") => StopReason::Stop,
            Some("limit") => StopReason::Length,
            Some(_) => StopReason::Unknown,
            None if self.stopped_eos || self.stopped_word => StopReason::Stop,
            None if self.stopped_limit => StopReason::Length,
            None => StopReason::Unknown,
        }
    }
}

/// llama.cpp reports counts as signed integers (with -1 for "not measured").
fn count(value: Option<i64>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

/// Body of `POST /tokenize`.
#[derive(Debug, Serialize)]
pub(super) struct TokenizeBody<'a> {
    pub content: &'a str,
    /// No BOS: tandem counts pieces of a prompt, not whole prompts.
    pub add_special: bool,
    /// Special tokens are parsed, as `/completion` parses its prompt, so template markers count
    /// as the single tokens they are.
    pub parse_special: bool,
}

/// Answer of `POST /tokenize`.
#[derive(Debug, Deserialize)]
pub(super) struct TokenizeAnswer {
    pub tokens: Vec<serde_json::Value>,
}

/// Answer of `GET /props` (only what tandem reads).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Props {
    pub model_path: Option<String>,
    pub model_alias: Option<String>,
    pub default_generation_settings: GenerationSettings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct GenerationSettings {
    pub n_ctx: Option<i64>,
}

impl Props {
    /// The model's file name (what tandem matches FIM templates against), else its alias.
    pub(super) fn model_name(&self) -> String {
        let from_path = self
            .model_path
            .as_deref()
            .and_then(|path| path.rsplit(['/', '\\']).next())
            .filter(|name| !name.is_empty());
        from_path
            .or(self.model_alias.as_deref())
            .unwrap_or_default()
            .to_owned()
    }

    pub(super) fn context_length(&self) -> Option<u32> {
        count(self.default_generation_settings.n_ctx).filter(|n| *n > 0)
    }
}

/// First FIM marker of every template family tandem knows: a vocabulary that has any of them as
/// one token can do fill-in-the-middle.
pub(super) const FIM_MARKERS: [&str; 5] = [
    "<|fim_prefix|>",  // Qwen, CodeGemma
    "<fim_prefix>",    // StarCoder
    "<｜fim▁begin｜>", // DeepSeek Coder
    "<PRE>",           // CodeLlama
    "[PREFIX]",        // Codestral
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FimParts, Usage};

    fn request() -> FimRequest {
        FimRequest {
            rendered: "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>".into(),
            parts: FimParts {
                prefix: "a".into(),
                suffix: "b".into(),
                extra: vec![ContextChunk {
                    filename: "lib.rs".into(),
                    text: "fn x() {}".into(),
                }],
            },
            max_tokens: 64,
            temperature: 0.2,
            stop: vec!["\n\n".into()],
            seed: Some(7),
            time_limit_ms: Some(1500),
            stream: true,
            stop_check: None,
            slot: Some(0),
            forced_start: None,
        }
    }

    /// The JSON as sent: serialized to text first, so `f32` fields read back as written.
    fn wire(body: &GenerateBody<'_>) -> Option<serde_json::Value> {
        let text = serde_json::to_string(body).ok()?;
        serde_json::from_str(&text).ok()
    }

    #[test]
    fn bodies_per_endpoint() {
        let request = request();
        let infill = wire(&GenerateBody::new(&request, LlamaCppEndpoint::Infill));
        assert_eq!(
            infill,
            Some(serde_json::json!({
                "input_prefix": "a", "input_suffix": "b",
                "input_extra": [{"filename": "lib.rs", "text": "fn x() {}"}],
                "n_predict": 64, "temperature": 0.2, "stop": ["\n\n"], "seed": 7,
                "cache_prompt": true, "t_max_predict_ms": 1500, "id_slot": 0, "stream": true,
                "timings_per_token": true
            }))
        );
        let completion = wire(&GenerateBody::new(&request, LlamaCppEndpoint::Completion));
        assert_eq!(
            completion,
            Some(serde_json::json!({
                "prompt": "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>",
                "n_predict": 64, "temperature": 0.2, "stop": ["\n\n"], "seed": 7,
                "cache_prompt": true, "t_max_predict_ms": 1500, "id_slot": 0, "stream": true,
                "timings_per_token": true
            }))
        );
    }

    #[test]
    fn a_forced_start_becomes_a_grammar_for_that_text_then_anything() {
        let mut request = request();
        request.forced_start = Some("imp".into());
        let body = wire(&GenerateBody::new(&request, LlamaCppEndpoint::Infill));
        assert_eq!(
            body.as_ref().and_then(|b| b["grammar"].as_str()),
            Some(r#"root ::= "imp" .*"#)
        );
        assert_eq!(
            starts_with_grammar("a\"b\\c\n"),
            r#"root ::= "a\"b\\c\n" .*"#
        );
    }

    fn assemble(messages: &[&str]) -> Assembly {
        let mut assembly = Assembly::default();
        for m in messages {
            let message: CompletionMessage = serde_json::from_str(m).expect("test JSON");
            message.apply(&mut assembly);
        }
        assembly
    }

    #[test]
    fn messages_assemble_text_reason_and_usage() {
        let table: &[(&[&str], &str, Option<StopReason>, Usage)] = &[
            (
                &[
                    r#"{"content":"ret","stop":false}"#,
                    r#"{"content":"urn x","stop":false}"#,
                    r#"{"content":"","stop":true,"stop_type":"eos","tokens_predicted":3,"tokens_evaluated":40,
                        "timings":{"prompt_n":5,"cache_n":35,"predicted_n":3}}"#,
                ],
                "return x",
                Some(StopReason::Stop),
                Usage {
                    prompt_tokens: Some(5),
                    cached_tokens: Some(35),
                    generated_tokens: Some(3),
                },
            ),
            (
                &[
                    r#"{"content":"abc","stop":true,"stop_type":"limit","tokens_predicted":9,"tokens_evaluated":12}"#,
                ],
                "abc",
                Some(StopReason::Length),
                Usage {
                    prompt_tokens: Some(12),
                    cached_tokens: None,
                    generated_tokens: Some(9),
                },
            ),
            (
                &[r#"{"content":"x","stop":true,"stopped_word":true}"#],
                "x",
                Some(StopReason::Stop),
                Usage::default(),
            ),
            (
                &[r#"{"content":"x","stop":true,"stop_type":"none","timings":{"prompt_n":-1}}"#],
                "x",
                Some(StopReason::Unknown),
                Usage::default(),
            ),
            (
                // A stream closed early: the last chunk seen carried per-token timings.
                &[
                    r#"{"content":"a","stop":false,"tokens_evaluated":13,"timings":{"prompt_n":12,"cache_n":1,"predicted_n":1}}"#,
                    r#"{"content":" +","stop":false,"tokens_evaluated":13,"timings":{"prompt_n":12,"cache_n":1,"predicted_n":2}}"#,
                ],
                "a +",
                None,
                Usage {
                    prompt_tokens: Some(12),
                    cached_tokens: Some(1),
                    generated_tokens: Some(2),
                },
            ),
            (
                &[r#"{"content":"partial"}"#],
                "partial",
                None,
                Usage::default(),
            ),
        ];
        for (messages, text, reason, usage) in table {
            let assembly = assemble(messages);
            assert_eq!(assembly.text, *text, "{messages:?}");
            assert_eq!(assembly.stop_reason, *reason, "{messages:?}");
            assert_eq!(assembly.usage, *usage, "{messages:?}");
            assert_eq!(assembly.finished, reason.is_some(), "{messages:?}");
        }
    }

    #[test]
    fn props_give_name_and_context() {
        let table: &[(&str, &str, Option<u32>)] = &[
            (
                r#"{"model_path":"/home/u/.cache/tandem/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
                    "default_generation_settings":{"n_ctx":4096}}"#,
                "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
                Some(4096),
            ),
            (r#"{"model_path":"C:\\models\\x.gguf"}"#, "x.gguf", None),
            (
                r#"{"model_alias":"coder","default_generation_settings":{"n_ctx":0}}"#,
                "coder",
                None,
            ),
            (r#"{}"#, "", None),
        ];
        for (json, name, ctx) in table {
            let props: Props = serde_json::from_str(json).expect("test JSON");
            assert_eq!(props.model_name(), *name, "{json}");
            assert_eq!(props.context_length(), *ctx, "{json}");
        }
    }
}
