//! The request and response shapes of the model server APIs the scripted backend imitates:
//! llama.cpp `llama-server`, OpenAI-compatible `/v1`, and Ollama.

use serde_json::{json, Value};

/// Model file name the scripted llama.cpp reports in `/props`, so tandem picks the Qwen template.
pub const LLAMACPP_MODEL_PATH: &str = "/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf";
/// Model id the scripted OpenAI server lists in `/v1/models`.
pub const OPENAI_MODEL: &str = "qwen2.5-coder-0.5b-instruct";
/// Model name the scripted Ollama serves.
pub const OLLAMA_MODEL: &str = "qwen2.5-coder:0.5b";

/// Which API a generation endpoint belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    LlamaCpp,
    OpenAi,
    Ollama,
}

impl Dialect {
    /// The dialect of a generation path, `None` for every other path.
    pub fn of_generation_path(path: &str) -> Option<Self> {
        match path {
            "/infill" | "/completion" | "/completions" => Some(Self::LlamaCpp),
            "/v1/completions" => Some(Self::OpenAi),
            "/api/generate" => Some(Self::Ollama),
            _ => None,
        }
    }

    /// Whether the client asked for a streamed answer (each API has its own default).
    pub fn wants_stream(self, body: &Value) -> bool {
        let default = matches!(self, Self::Ollama);
        body.get("stream")
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    /// Content type of a streamed answer.
    pub fn stream_content_type(self) -> &'static str {
        match self {
            Self::LlamaCpp | Self::OpenAi => "text/event-stream",
            Self::Ollama => "application/x-ndjson",
        }
    }

    /// One streamed piece of generated text, framed for the wire.
    pub fn stream_piece(self, piece: &str) -> String {
        match self {
            Self::LlamaCpp => sse(&json!({"content": piece, "stop": false})),
            Self::OpenAi => sse(&json!({
                "id": "cmpl-scripted",
                "object": "text_completion",
                "created": 0,
                "model": OPENAI_MODEL,
                "choices": [{"text": piece, "index": 0, "logprobs": null, "finish_reason": null}],
            })),
            Self::Ollama => ndjson(&json!({
                "model": OLLAMA_MODEL,
                "created_at": "2026-01-01T00:00:00Z",
                "response": piece,
                "done": false,
            })),
        }
    }

    /// The frames that end a stream.
    pub fn stream_end(self, usage: Usage) -> String {
        match self {
            Self::LlamaCpp => sse(&llamacpp_final(String::new(), usage)),
            Self::OpenAi => {
                let last = json!({
                    "id": "cmpl-scripted",
                    "object": "text_completion",
                    "created": 0,
                    "model": OPENAI_MODEL,
                    "choices": [{"text": "", "index": 0, "logprobs": null, "finish_reason": "stop"}],
                    "usage": openai_usage(usage),
                });
                format!("{}data: [DONE]\n\n", sse(&last))
            }
            Self::Ollama => ndjson(&ollama_final(String::new(), usage)),
        }
    }

    /// The whole answer of a non-streamed request.
    pub fn full_response(self, text: &str, usage: Usage) -> Value {
        match self {
            Self::LlamaCpp => llamacpp_final(text.to_string(), usage),
            Self::OpenAi => json!({
                "id": "cmpl-scripted",
                "object": "text_completion",
                "created": 0,
                "model": OPENAI_MODEL,
                "choices": [{"text": text, "index": 0, "logprobs": null, "finish_reason": "stop"}],
                "usage": openai_usage(usage),
            }),
            Self::Ollama => ollama_final(text.to_string(), usage),
        }
    }
}

/// Token accounting reported back, derived from the request and answer sizes.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub generated_tokens: u64,
}

impl Usage {
    /// Counts like the scripted `/tokenize`: one token per 3 bytes.
    pub fn estimate(prompt_bytes: usize, text: &str) -> Self {
        Self {
            prompt_tokens: tokens_for(prompt_bytes) as u64,
            generated_tokens: tokens_for(text.len()) as u64,
        }
    }
}

/// The scripted tokenizer: one token per started 3 bytes.
pub fn tokens_for(bytes: usize) -> usize {
    bytes.div_ceil(3)
}

fn sse(value: &Value) -> String {
    format!("data: {value}\n\n")
}

fn ndjson(value: &Value) -> String {
    format!("{value}\n")
}

fn llamacpp_final(content: String, usage: Usage) -> Value {
    json!({
        "content": content,
        "stop": true,
        "stop_type": "eos",
        "stopping_word": "",
        "tokens_cached": 0,
        "tokens_evaluated": usage.prompt_tokens,
        "tokens_predicted": usage.generated_tokens,
        "truncated": false,
        "model": LLAMACPP_MODEL_PATH,
        "timings": {
            "prompt_n": usage.prompt_tokens,
            "cache_n": 0,
            "prompt_ms": 1.0,
            "predicted_n": usage.generated_tokens,
            "predicted_ms": 1.0,
        },
    })
}

fn openai_usage(usage: Usage) -> Value {
    json!({
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.generated_tokens,
        "total_tokens": usage.prompt_tokens + usage.generated_tokens,
    })
}

fn ollama_final(response: String, usage: Usage) -> Value {
    json!({
        "model": OLLAMA_MODEL,
        "created_at": "2026-01-01T00:00:00Z",
        "response": response,
        "done": true,
        "done_reason": "stop",
        "prompt_eval_count": usage.prompt_tokens,
        "eval_count": usage.generated_tokens,
    })
}

/// The answer of a non-generation endpoint, `None` for a path the scripted backend does not know.
pub fn info_response(method: &str, path: &str, body: &Value) -> Option<Value> {
    Some(match (method, path) {
        (_, "/health") => json!({"status": "ok"}),
        ("GET", "/props") => json!({
            "model_path": LLAMACPP_MODEL_PATH,
            "default_generation_settings": {"n_ctx": 8192, "params": {"n_predict": -1}},
            "total_slots": 1,
            "build_info": "scripted",
        }),
        ("POST", "/tokenize") => {
            let len = body
                .get("content")
                .and_then(Value::as_str)
                .map(str::len)
                .unwrap_or(0);
            json!({"tokens": (0..tokens_for(len) as u64).collect::<Vec<_>>()})
        }
        ("POST", "/detokenize") => json!({"content": ""}),
        ("GET", "/v1/models") | ("GET", "/models") => json!({
            "object": "list",
            "data": [{"id": OPENAI_MODEL, "object": "model", "created": 0, "owned_by": "scripted"}],
        }),
        ("GET", "/api/version") => json!({"version": "0.6.0"}),
        ("GET", "/api/tags") => json!({"models": [{"name": OLLAMA_MODEL, "model": OLLAMA_MODEL}]}),
        ("POST", "/api/show") => json!({
            "details": {"family": "qwen2", "format": "gguf", "parameter_size": "494M",
                        "quantization_level": "Q4_K_M"},
            "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
            "template": "{{ .Prompt }}",
            "capabilities": ["completion", "insert"],
        }),
        _ => return None,
    })
}

/// The prefix and suffix a generation request carried: the explicit fields of llama.cpp
/// `/infill` and OpenAI/Ollama `suffix`, or the parts of a rendered Qwen FIM prompt.
pub fn fim_parts(path: &str, body: &Value) -> Option<(String, String)> {
    let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    if path == "/infill" {
        return Some((
            field("input_prefix")?,
            field("input_suffix").unwrap_or_default(),
        ));
    }
    let prompt = field("prompt")?;
    if let Some(suffix) = field("suffix") {
        return Some((prompt, suffix));
    }
    let (_, after_prefix) = prompt.split_once("<|fim_prefix|>")?;
    let (prefix, after_suffix) = after_prefix.split_once("<|fim_suffix|>")?;
    let (suffix, _) = after_suffix.split_once("<|fim_middle|>")?;
    Some((prefix.to_string(), suffix.to_string()))
}

/// Whether a generation request only warms the cache (asks for zero tokens).
pub fn is_warm_up(body: &Value) -> bool {
    let zero = |v: Option<&Value>| v.and_then(Value::as_i64) == Some(0);
    zero(body.get("n_predict"))
        || zero(body.get("max_tokens"))
        || zero(body.get("options").and_then(|o| o.get("num_predict")))
}
