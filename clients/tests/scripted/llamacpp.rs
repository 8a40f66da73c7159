//! llama.cpp backend: what it sends and how it reads the answers.

use std::time::Duration;

use serde_json::json;
use tandem_clients::{
    build_backend, BackendError, BackendKind, ContextChunk, LlamaCppEndpoint, StopReason, Usage,
};

use crate::support::{fim_request, Recorded, Reply, ScriptedServer};

fn final_event(content: &str) -> serde_json::Value {
    json!({
        "content": content, "stop": true, "stop_type": "eos", "tokens_predicted": 4,
        "tokens_evaluated": 30, "tokens_cached": 33,
        "timings": {"cache_n": 22, "prompt_n": 8, "predicted_n": 4, "prompt_ms": 80.0}
    })
}

#[tokio::test]
async fn infill_sends_parts_and_assembles_the_stream() {
    let server = ScriptedServer::start().await;
    server.route(
        "/infill",
        Reply::sse(
            &[
                json!({"content": "return", "stop": false}),
                json!({"content": " a + b", "stop": false}),
                final_event(""),
            ],
            false,
            Duration::from_millis(5),
        ),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    assert!(backend.templates_itself());
    let mut request = fim_request();
    request.parts.extra = vec![ContextChunk {
        filename: "util.py".into(),
        text: "def sub(a, b): ...\n".into(),
    }];
    request.slot = Some(2);
    request.seed = Some(99);
    let response = backend.complete(request).await.expect("completion");

    assert_eq!(response.text, "return a + b");
    assert_eq!(response.stop_reason, StopReason::Stop);
    assert_eq!(
        response.usage,
        Usage {
            prompt_tokens: Some(8),
            cached_tokens: Some(22),
            generated_tokens: Some(4)
        }
    );
    let sent = server.request("/infill");
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.json(),
        json!({
            "input_prefix": "def add(a, b):\n    ",
            "input_suffix": "\n",
            "input_extra": [{"filename": "util.py", "text": "def sub(a, b): ...\n"}],
            "n_predict": 32, "temperature": 0.0, "stop": ["\n\n"], "seed": 99,
            "cache_prompt": true, "t_max_predict_ms": 1000, "id_slot": 2, "stream": true,
            "timings_per_token": true
        })
    );
}

#[tokio::test]
async fn completion_endpoint_sends_the_rendered_prompt_without_streaming() {
    let server = ScriptedServer::start().await;
    server.route(
        "/completion",
        Reply::json(200, {
            let mut answer = final_event("return a + b");
            answer["stop_type"] = json!("limit");
            answer
        }),
    );
    let mut config = server.config(BackendKind::LlamaCpp);
    config.llamacpp_endpoint = LlamaCppEndpoint::Completion;
    let backend = build_backend(&config).expect("backend");
    assert!(!backend.templates_itself());
    let mut request = fim_request();
    request.stream = false;
    request.seed = None;
    request.time_limit_ms = None;
    let rendered = request.rendered.clone();
    let response = backend.complete(request).await.expect("completion");

    assert_eq!(response.text, "return a + b");
    assert_eq!(response.stop_reason, StopReason::Length);
    assert_eq!(
        server.request("/completion").json(),
        json!({
            "prompt": rendered, "n_predict": 32, "temperature": 0.0, "stop": ["\n\n"],
            "cache_prompt": true, "stream": false
        })
    );
}

/// Answers `/tokenize` with one token per whitespace-separated word, and one for `fim_token`.
fn word_tokenizer(fim_token: &'static str) -> Reply {
    Reply::dynamic(move |request: &Recorded| {
        let body = request.json();
        let content = body["content"].as_str().unwrap_or_default();
        let n = if content == fim_token {
            1
        } else {
            content.split_whitespace().count() + 2
        };
        Reply::json(200, json!({ "tokens": (0..n).collect::<Vec<_>>() }))
    })
}

#[tokio::test]
async fn count_tokens_returns_one_count_per_text_in_order() {
    let server = ScriptedServer::start().await;
    server.route("/tokenize", word_tokenizer("-"));
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let texts = ["a b c", "", "one", "1 2 3 4 5 6 7", "x y", "z"];
    let counts = backend.count_tokens(&texts).await.expect("counts");

    assert_eq!(counts, Some(vec![5, 0, 3, 9, 4, 3]));
    let requests = server.requests();
    assert_eq!(requests.len(), 5, "the empty text needs no request");
    for request in requests {
        let body = request.json();
        assert_eq!(body["add_special"], json!(false));
        assert_eq!(body["parse_special"], json!(true));
    }
}

#[tokio::test]
async fn model_info_reads_props_and_probes_fim_tokens() {
    let table = [
        ("<|fim_prefix|>", Some(true)),
        ("<PRE>", Some(true)),
        ("no marker is one token", Some(false)),
    ];
    for (single_token, expected) in table {
        let server = ScriptedServer::start().await;
        server.route(
            "/props",
            Reply::json(
                200,
                json!({
                    "model_path": "/models/Qwen2.5-Coder-0.5B-Q4_K_M.gguf",
                    "default_generation_settings": {"n_ctx": 4096, "params": {}},
                    "total_slots": 1
                }),
            ),
        );
        server.route("/tokenize", word_tokenizer(single_token));
        let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
        let info = backend.model_info().await.expect("model info");
        assert_eq!(info.name, "Qwen2.5-Coder-0.5B-Q4_K_M.gguf");
        assert_eq!(info.context_length, Some(4096));
        assert_eq!(info.has_fim_tokens, expected, "{single_token}");
    }
}

#[tokio::test]
async fn fim_support_is_unknown_when_the_server_cannot_tokenize() {
    let server = ScriptedServer::start().await;
    server.route("/props", Reply::json(200, json!({"model_path": "m.gguf"})));
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let info = backend.model_info().await.expect("model info");
    assert_eq!(info.name, "m.gguf");
    assert_eq!(info.context_length, None);
    assert_eq!(info.has_fim_tokens, None);
}

#[tokio::test]
async fn health_is_ok_on_200_and_explains_loading_on_503() {
    let server = ScriptedServer::start().await;
    server.route("/health", Reply::json(200, json!({"status": "ok"})));
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    backend.health().await.expect("healthy");

    server.route(
        "/health",
        Reply::json(
            503,
            json!({"error": {"code": 503, "message": "Loading model", "type": "unavailable_error"}}),
        ),
    );
    let error = backend.health().await.expect_err("loading");
    assert!(
        matches!(error, BackendError::Server { status: 503, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("still loading"), "{error}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn waiting_until_idle_polls_slots_until_a_slot_is_free() {
    let server = ScriptedServer::start().await;
    let polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = polls.clone();
    server.route(
        "/slots",
        Reply::dynamic(move |_| {
            // Busy for two polls, then idle.
            if counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
                Reply::json(
                    503,
                    json!({"error": {"code": 503, "message": "no slot available"}}),
                )
            } else {
                Reply::json(200, json!([{"id": 0, "is_processing": false}]))
            }
        }),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    tokio::time::timeout(Duration::from_secs(5), backend.wait_until_idle())
        .await
        .expect("returns once a slot is free")
        .expect("no error");
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_server_without_slots_never_holds_a_request_back() {
    let server = ScriptedServer::start().await;
    // No /slots route: the scripted server answers 404, as llama-server does with --no-slots.
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    tokio::time::timeout(Duration::from_secs(5), backend.wait_until_idle())
        .await
        .expect("returns at once")
        .expect("no error");
}
