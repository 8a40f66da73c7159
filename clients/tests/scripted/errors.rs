//! Every failure kind maps to the error variant that tells the user what to do.

use std::time::Duration;

use serde_json::json;
use tandem_clients::{build_backend, BackendConfig, BackendError, BackendKind};

use crate::support::{fim_request, Reply, ScriptedServer};

async fn complete_error(config: &BackendConfig) -> BackendError {
    build_backend(config)
        .expect("backend")
        .complete(fim_request())
        .await
        .expect_err("the request must fail")
}

#[tokio::test]
async fn nothing_listening_is_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    }; // the listener is closed here, so the port refuses connections
    let config = BackendConfig::new(BackendKind::LlamaCpp, format!("http://127.0.0.1:{port}"));
    let error = complete_error(&config).await;
    assert!(
        matches!(error, BackendError::ConnectionRefused { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains("is it running"), "{message}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn statuses_map_to_error_kinds() {
    let long_body = "E".repeat(5000);
    let table: Vec<(Reply, Option<&str>, &str)> = vec![
        (
            Reply::text(401, "text/plain", "bad key"),
            None,
            "unauthorized",
        ),
        (
            Reply::json(
                404,
                json!({"error": {"message": "The model `ghost` does not exist", "code": "model_not_found"}}),
            ),
            Some("ghost"),
            "model_not_found",
        ),
        (
            Reply::text(404, "text/plain", "404 page not found"),
            Some("ghost"),
            "endpoint_not_found",
        ),
        (
            Reply::text(429, "text/plain", "slow down").with_header("Retry-After", "7"),
            None,
            "rate_limited",
        ),
        (
            Reply::text(500, "text/plain", &long_body),
            None,
            "server_error",
        ),
        (
            Reply::text(
                400,
                "application/json",
                r#"{"error":{"code":400,"message":"the request exceeds the available context size"}}"#,
            ),
            None,
            "rejected",
        ),
        (
            Reply::text(200, "application/json", "this is not json"),
            None,
            "bad_response",
        ),
    ];
    for (reply, model, kind) in table {
        let server = ScriptedServer::start().await;
        server.route("/v1/completions", reply);
        let mut config = server.config(BackendKind::OpenAi);
        config.model = model.map(String::from);
        let error = complete_error(&config).await;
        assert_eq!(error.kind(), kind, "{error:?}");
        assert!(error.to_string().contains(&server.url()), "{error}");
        match &error {
            BackendError::RateLimited { retry_after, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(7)));
                assert!(error.to_string().contains("retry after 7s"), "{error}");
            }
            BackendError::Server { status, body, .. } => {
                assert_eq!(*status, 500);
                assert!(
                    body.chars().count() <= 301,
                    "body kept whole: {}",
                    body.len()
                );
            }
            BackendError::ModelNotFound { model, .. } => assert_eq!(model, "ghost"),
            BackendError::Rejected { body, .. } => {
                assert!(body.contains("exceeds the available context"), "{body}")
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_hanging_server_times_out_and_is_disconnected() {
    let server = ScriptedServer::start().await;
    server.route("/infill", Reply::Hang);
    let mut config = server.config(BackendKind::LlamaCpp);
    config.request_timeout_ms = 300;
    let error = complete_error(&config).await;
    match &error {
        BackendError::Timeout { after, .. } => assert_eq!(*after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    assert!(error.is_transient());
    let exchange = server.exchange("/infill").await;
    assert!(exchange.client_closed_early, "{exchange:?}");
}

#[tokio::test]
async fn a_stream_that_stalls_times_out() {
    let server = ScriptedServer::start().await;
    server.route(
        "/infill",
        Reply::sse(
            &[
                json!({"content": "a", "stop": false}),
                json!({"content": "b", "stop": true}),
            ],
            false,
            Duration::from_millis(400),
        ),
    );
    let mut config = server.config(BackendKind::LlamaCpp);
    config.request_timeout_ms = 600;
    let error = complete_error(&config).await;
    assert!(matches!(error, BackendError::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn a_bad_url_is_a_config_error() {
    for url in ["", "localhost:8080", "ftp://x"] {
        let config = BackendConfig::new(BackendKind::LlamaCpp, url);
        let error = build_backend(&config).err().expect("invalid URL");
        assert!(matches!(error, BackendError::Config(_)), "{url}: {error:?}");
    }
}

#[tokio::test]
async fn a_pooled_connection_closed_by_the_server_is_retried_once() {
    // Like llama-server after a streamed reply: the connection looks reusable but the server
    // drops it when the next request arrives.
    let server = ScriptedServer::start_keep_alive().await;
    server.route(
        "/health",
        Reply::dynamic(|request| {
            if request.nth_on_connection == 0 {
                Reply::json(200, json!({"status": "ok"}))
            } else {
                Reply::Close
            }
        }),
    );
    let backend = build_backend(&server.config(BackendKind::LlamaCpp)).expect("backend");
    for _ in 0..3 {
        backend
            .health()
            .await
            .expect("healthy despite the dropped connection");
    }
    let reused = server
        .requests()
        .iter()
        .filter(|r| r.nth_on_connection > 0)
        .count();
    assert!(reused > 0, "the client never reused a connection");
}

#[tokio::test]
async fn a_server_that_never_accepts_times_out_after_the_connect_timeout() {
    // A listener that never accepts: once its backlog is full the kernel drops new SYNs, so a
    // connect hangs, as with a server that is wedged or behind a black-holing firewall.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut held = Vec::new();
    while let Ok(stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
        held.push(stream);
        assert!(held.len() < 5000, "the backlog never filled up");
    }
    let mut config = BackendConfig::new(BackendKind::LlamaCpp, format!("http://{addr}"));
    config.connect_timeout_ms = 300;
    config.request_timeout_ms = 60_000;
    let started = std::time::Instant::now();
    let error = complete_error(&config).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}, not the connect timeout",
        started.elapsed()
    );
    match &error {
        BackendError::Timeout { after, .. } => assert_eq!(*after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    assert!(error.is_transient());
    drop(held);
}
