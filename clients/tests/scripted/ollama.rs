//! Ollama backend: what it sends and how it reads the answers.

use std::time::Duration;

use serde_json::json;
use tandem_clients::{build_backend, BackendError, BackendKind, StopReason};

use crate::support::{fim_request, Reply, ScriptedServer};

#[tokio::test]
async fn generate_sends_a_raw_prompt_with_explicit_num_ctx_and_reads_ndjson() {
    let server = ScriptedServer::start().await;
    server.route(
        "/api/generate",
        Reply::ndjson(
            &[
                json!({"model": "qwen2.5-coder:1.5b", "response": "return", "done": false}),
                json!({"model": "qwen2.5-coder:1.5b", "response": " a + b", "done": false}),
                json!({"model": "qwen2.5-coder:1.5b", "response": "", "done": true,
                       "done_reason": "stop", "prompt_eval_count": 26, "eval_count": 4}),
            ],
            Duration::from_millis(5),
        ),
    );
    let mut config = server.config(BackendKind::Ollama);
    config.model = Some("qwen2.5-coder:1.5b".into());
    config.num_ctx = 4096;
    let backend = build_backend(&config).expect("backend");
    assert!(!backend.templates_itself());
    let request = fim_request();
    let rendered = request.rendered.clone();
    let response = backend.complete(request).await.expect("completion");

    assert_eq!(response.text, "return a + b");
    assert_eq!(response.stop_reason, StopReason::Stop);
    assert_eq!(response.usage.prompt_tokens, Some(26));
    assert_eq!(response.usage.generated_tokens, Some(4));
    assert_eq!(
        server.request("/api/generate").json(),
        json!({
            "model": "qwen2.5-coder:1.5b", "prompt": rendered, "raw": true, "stream": true,
            "options": {"num_predict": 32, "temperature": 0.0, "stop": ["\n\n"], "seed": 1,
                        "num_ctx": 4096},
            "keep_alive": "30m"
        })
    );
}

#[tokio::test]
async fn a_missing_model_is_reported_as_such() {
    let server = ScriptedServer::start().await;
    server.route(
        "/api/generate",
        Reply::json(
            404,
            json!({"error": "model 'qwen9:1b' not found, try pulling it first"}),
        ),
    );
    let mut config = server.config(BackendKind::Ollama);
    config.model = Some("qwen9:1b".into());
    let error = build_backend(&config)
        .expect("backend")
        .complete(fim_request())
        .await
        .expect_err("no such model");
    match &error {
        BackendError::ModelNotFound { model, .. } => assert_eq!(model, "qwen9:1b"),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("backend.model"), "{error}");
}

#[tokio::test]
async fn an_unset_model_fails_before_any_request() {
    let server = ScriptedServer::start().await;
    let backend = build_backend(&server.config(BackendKind::Ollama)).expect("backend");
    let error = backend.complete(fim_request()).await.expect_err("no model");
    assert!(matches!(error, BackendError::Config(_)), "{error:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn model_info_comes_from_api_show_and_health_from_api_version() {
    let server = ScriptedServer::start().await;
    server.route(
        "/api/show",
        Reply::json(
            200,
            json!({
                "details": {"family": "qwen2"},
                "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
                "capabilities": ["completion", "insert"]
            }),
        ),
    );
    server.route(
        "/api/version",
        Reply::json(200, json!({"version": "0.6.0"})),
    );
    let mut config = server.config(BackendKind::Ollama);
    config.model = Some("qwen2.5-coder:1.5b".into());
    let backend = build_backend(&config).expect("backend");
    let info = backend.model_info().await.expect("info");
    assert_eq!(info.name, "qwen2.5-coder:1.5b");
    assert_eq!(info.context_length, Some(8192), "capped by num_ctx");
    assert_eq!(info.architecture.as_deref(), Some("qwen2"));
    assert_eq!(info.has_fim_tokens, Some(true));
    assert_eq!(
        server.request("/api/show").json(),
        json!({"model": "qwen2.5-coder:1.5b"})
    );
    backend.health().await.expect("healthy");
    assert_eq!(server.request("/api/version").method, "GET");
    assert_eq!(backend.count_tokens(&["x"]).await.expect("no error"), None);
}
