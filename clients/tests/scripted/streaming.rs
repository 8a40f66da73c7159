//! Stream assembly across awkward chunk boundaries, early stop and cancellation.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tandem_clients::{build_backend, BackendError, BackendKind, StopReason};

use crate::support::{fim_request, Reply, ScriptedServer};

/// Cuts `bytes` at the given offsets.
fn cut(bytes: &[u8], at: &[usize]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut last = 0;
    for &i in at.iter().chain(std::iter::once(&bytes.len())) {
        pieces.push(bytes[last..i].to_vec());
        last = i;
    }
    pieces
}

#[tokio::test]
async fn sse_split_inside_fields_json_and_utf8_is_reassembled() {
    let body = format!(
        "data: {}\n\ndata: {}\n\ndata: {}\n\n",
        json!({"content": "naïve = \"日本\"", "stop": false}),
        json!({"content": " # 🦀", "stop": false}),
        json!({"content": "", "stop": true, "stop_type": "word"}),
    );
    let bytes = body.as_bytes();
    let inside_i = body.find('ï').expect("ï") + 1; // between the two bytes of ï
    let inside_crab = body.find('🦀').expect("crab") + 2; // inside a 4-byte sequence
    let inside_data = body.find("data").expect("data") + 2; // "da" | "ta: "
    let cuts = [
        inside_data,
        10,
        inside_i,
        inside_i + 3,
        inside_crab,
        bytes.len() - 1,
    ];
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    cuts.dedup();
    let server = ScriptedServer::start().await;
    server.route(
        "/infill",
        Reply::stream(
            "text/event-stream",
            cut(bytes, &cuts),
            Duration::from_millis(15),
        ),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let response = backend.complete(fim_request()).await.expect("completion");
    assert_eq!(response.text, "naïve = \"日本\" # 🦀");
    assert_eq!(response.stop_reason, StopReason::Stop);
}

#[tokio::test]
async fn ndjson_split_inside_utf8_is_reassembled() {
    let body = format!(
        "{}\n{}\n",
        json!({"response": "süß", "done": false}),
        json!({"response": "", "done": true, "done_reason": "stop"}),
    );
    let inside = body.find('ü').expect("ü") + 1;
    let server = ScriptedServer::start().await;
    server.route(
        "/api/generate",
        Reply::stream(
            "application/x-ndjson",
            cut(body.as_bytes(), &[inside, inside + 4]),
            Duration::from_millis(15),
        ),
    );
    let mut config = server.config(BackendKind::Ollama);
    config.model = Some("m".into());
    let response = build_backend(&config)
        .expect("backend")
        .complete(fim_request())
        .await
        .expect("completion");
    assert_eq!(response.text, "süß");
}

/// A llama.cpp stream of `n` one-token events, each "tok{i}", with a newline after the third.
fn slow_token_stream(n: usize, delay: Duration) -> Reply {
    let events: Vec<_> = (0..n)
        .map(|i| {
            let text = if i == 2 {
                "tok2\n".to_owned()
            } else {
                format!("tok{i}")
            };
            json!({"content": text, "stop": false})
        })
        .collect();
    Reply::sse(&events, false, delay)
}

#[tokio::test]
async fn early_stop_closes_the_connection_before_the_server_is_done() {
    let server = ScriptedServer::start().await;
    server.route("/infill", slow_token_stream(40, Duration::from_millis(30)));
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let mut request = fim_request();
    request.stop_check = Some(Arc::new(|text: &str| text.contains('\n')));
    let response = backend.complete(request).await.expect("completion");

    assert_eq!(response.stop_reason, StopReason::Early);
    assert_eq!(response.text, "tok0tok1tok2\n");
    let exchange = server.exchange("/infill").await;
    assert!(exchange.client_closed_early, "{exchange:?}");
    assert!(
        exchange.chunks_sent < exchange.chunks_total,
        "server finished sending: {exchange:?}"
    );
}

#[tokio::test]
async fn a_finished_stream_is_not_reported_as_an_early_stop() {
    let server = ScriptedServer::start().await;
    server.route(
        "/infill",
        Reply::sse(
            &[json!({"content": "x\n", "stop": true, "stop_type": "eos"})],
            false,
            Duration::ZERO,
        ),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let mut request = fim_request();
    request.stop_check = Some(Arc::new(|_: &str| true));
    let response = backend.complete(request).await.expect("completion");
    assert_eq!(response.stop_reason, StopReason::Stop);
    assert_eq!(response.text, "x\n");
}

#[tokio::test]
async fn dropping_the_complete_future_closes_the_connection() {
    let server = ScriptedServer::start().await;
    server.route("/infill", slow_token_stream(100, Duration::from_millis(50)));
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let outcome =
        tokio::time::timeout(Duration::from_millis(300), backend.complete(fim_request())).await;
    assert!(outcome.is_err(), "the stream should still be running");

    let exchange = server.exchange("/infill").await;
    assert!(exchange.client_closed_early, "{exchange:?}");
    assert!(exchange.chunks_sent < 20, "{exchange:?}");
}

#[tokio::test]
async fn an_error_event_in_the_stream_is_an_error() {
    let server = ScriptedServer::start().await;
    server.route(
        "/infill",
        Reply::stream(
            "text/event-stream",
            vec![
                b"data: {\"content\":\"ab\",\"stop\":false}\n\n".to_vec(),
                b"error: {\"code\":500,\"message\":\"slot crashed\",\"type\":\"server_error\"}\n\n"
                    .to_vec(),
            ],
            Duration::from_millis(5),
        ),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    let error = backend
        .complete(fim_request())
        .await
        .expect_err("error event");
    assert!(
        matches!(&error, BackendError::Server { status: 500, body, .. } if body.contains("slot crashed")),
        "{error:?}"
    );
}
