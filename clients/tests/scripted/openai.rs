//! OpenAI-compatible backend: what it sends and how it reads the answers.

use std::time::Duration;

use serde_json::json;
use tandem_clients::{build_backend, BackendError, BackendKind, StopReason};

use crate::support::{fim_request, Reply, ScriptedServer};

fn chunk(text: &str, finish: Option<&str>) -> serde_json::Value {
    json!({"object": "text_completion", "choices": [{"index": 0, "text": text, "finish_reason": finish}]})
}

#[tokio::test]
async fn completions_request_shape_with_and_without_v1_in_the_url() {
    for suffix in ["", "/", "/v1", "/v1/"] {
        let server = ScriptedServer::start().await;
        server.route(
            "/v1/completions",
            Reply::sse(
                &[
                    chunk("return", None),
                    chunk(" a + b", Some("stop")),
                    json!({"choices": [], "usage": {"prompt_tokens": 17, "completion_tokens": 3,
                        "prompt_tokens_details": {"cached_tokens": 12}}}),
                ],
                true,
                Duration::from_millis(5),
            ),
        );
        let mut config = server.config(BackendKind::OpenAi);
        config.url = format!("{}{suffix}", server.url());
        config.model = Some("qwen2.5-coder".into());
        let backend = build_backend(&config).expect("backend");
        assert!(!backend.templates_itself());
        let mut request = fim_request();
        request.stop = ["a", "b", "", "a", "c", "d", "e"]
            .map(String::from)
            .to_vec();
        let rendered = request.rendered.clone();
        let response = backend.complete(request).await.expect("completion");

        assert_eq!(response.text, "return a + b", "{suffix}");
        assert_eq!(response.stop_reason, StopReason::Stop);
        assert_eq!(response.usage.prompt_tokens, Some(17));
        assert_eq!(response.usage.cached_tokens, Some(12));
        assert_eq!(response.usage.generated_tokens, Some(3));
        assert_eq!(
            server.request("/v1/completions").json(),
            json!({
                "model": "qwen2.5-coder", "prompt": rendered, "max_tokens": 32,
                "temperature": 0.0, "stop": ["a", "b", "c", "d"], "seed": 1, "stream": true,
                "stream_options": {"include_usage": true}
            }),
            "{suffix}"
        );
    }
}

#[tokio::test]
async fn non_streamed_answer_is_read_whole() {
    let server = ScriptedServer::start().await;
    server.route(
        "/v1/completions",
        Reply::json(
            200,
            json!({"choices": [{"index": 0, "text": "x = 1", "finish_reason": "length"}],
                   "usage": {"prompt_tokens": 9, "completion_tokens": 32}}),
        ),
    );
    let backend = build_backend(&server.config(BackendKind::OpenAi)).expect("backend");
    let mut request = fim_request();
    request.stream = false;
    let response = backend.complete(request).await.expect("completion");
    assert_eq!(response.text, "x = 1");
    assert_eq!(response.stop_reason, StopReason::Length);
    assert_eq!(response.usage.prompt_tokens, Some(9));
    assert_eq!(response.usage.cached_tokens, None);
    let sent = server.request("/v1/completions").json();
    assert_eq!(sent.get("model"), None, "no model configured, none sent");
    assert_eq!(sent.get("stream_options"), None);
}

#[tokio::test]
async fn api_key_is_read_from_the_named_variable_at_request_time() {
    let server = ScriptedServer::start().await;
    server.route(
        "/v1/models",
        Reply::json(200, json!({"data": [{"id": "m"}]})),
    );
    let mut config = server.config(BackendKind::OpenAi);
    config.api_key_env = Some("TANDEM_CLIENTS_TEST_KEY_OPENAI".into());
    let backend = build_backend(&config).expect("backend");

    let missing = backend.health().await.expect_err("variable not set yet");
    assert!(matches!(missing, BackendError::Config(_)), "{missing:?}");
    assert!(missing
        .to_string()
        .contains("TANDEM_CLIENTS_TEST_KEY_OPENAI"));

    // Only this test uses this variable name, so setting it cannot race with other tests.
    std::env::set_var("TANDEM_CLIENTS_TEST_KEY_OPENAI", "sk-local-123");
    backend.health().await.expect("healthy");
    let sent = server.request("/v1/models");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-local-123"));
}

#[tokio::test]
async fn model_info_picks_the_configured_or_first_model() {
    let server = ScriptedServer::start().await;
    server.route(
        "/v1/models",
        Reply::json(
            200,
            json!({"object": "list", "data": [
                {"id": "first", "object": "model", "max_model_len": 2048},
                {"id": "second", "object": "model", "max_model_len": 16384}
            ]}),
        ),
    );
    let mut config = server.config(BackendKind::OpenAi);
    let info = build_backend(&config)
        .expect("backend")
        .model_info()
        .await
        .expect("info");
    assert_eq!(
        (info.name.as_str(), info.context_length),
        ("first", Some(2048))
    );
    config.model = Some("second".into());
    let info = build_backend(&config)
        .expect("backend")
        .model_info()
        .await
        .expect("info");
    assert_eq!(
        (info.name.as_str(), info.context_length),
        ("second", Some(16384))
    );
    assert_eq!(info.has_fim_tokens, None);
    let counts = build_backend(&config)
        .expect("backend")
        .count_tokens(&["abc"])
        .await
        .expect("no error");
    assert_eq!(counts, None);
}
