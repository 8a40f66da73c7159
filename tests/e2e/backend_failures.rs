//! A failing backend is reported once, in words a user can act on; completions answer empty
//! meanwhile; the server survives and recovers by itself once the backend works again.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::lsp_client::{Env, LspClient};
use crate::support::model_apis::OPENAI_MODEL;
use crate::support::scripted_backend::{free_port, Behavior, Failure, ScriptedBackend};
use crate::support::setup::{inline_items, insert_text, Doc, AUTOMATIC};
use crate::support::text::Encoding;
use crate::support::wait::poll_until_async;

/// How the backend is broken at first.
enum Broken {
    /// Nothing listens on the port.
    Refused,
    /// Every request fails this way.
    Failing(Failure),
    /// Generations never answer.
    Hanging,
}

struct Case {
    broken: Broken,
    /// The `[backend]` table without `url`.
    backend: Value,
    env: Env<'static>,
    /// The alert must contain one of these (lower-case).
    names_the_problem: &'static [&'static str],
}

const ANSWER: &str = "3.14 * r * r";

async fn reported_once_then_recovers(case: Case) -> (LspClient, Option<ScriptedBackend>) {
    let (port, backend) = match &case.broken {
        Broken::Refused => (free_port(), None),
        Broken::Failing(failure) => {
            let backend = ScriptedBackend::start().await;
            backend.set_failure(failure.clone());
            (backend.port(), Some(backend))
        }
        Broken::Hanging => {
            let backend = ScriptedBackend::start().await;
            backend.set_behavior(Behavior::Hang);
            (backend.port(), Some(backend))
        }
    };
    let host_port = format!("127.0.0.1:{port}");
    let mut backend_options = case.backend.clone();
    backend_options["url"] = json!(format!("http://{host_port}"));
    let mut client = LspClient::start_with_env(case.env).await;
    client
        .initialize(
            json!({"backend": backend_options, "completion": {"debounce_ms": 0}}),
            None,
        )
        .await;
    let uri = client.uri("area.py");
    let (mut doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def area(r):\n    return <|>\n",
        Encoding::Utf16,
    );

    // The user keeps typing while the backend is down: three requests, three empty answers.
    let mut at = cursor;
    for typed in ["", "r", " "] {
        doc.insert(&client, at, typed);
        at += typed.len();
        match client
            .inline_completion(&uri, doc.position(at), AUTOMATIC)
            .await
        {
            Ok(result) => assert!(
                inline_items(&result).is_empty(),
                "no suggestion while the backend is down: {result}"
            ),
            Err(error) => client.fail(&format!(
                "a backend failure must not become a JSON-RPC error: {error:?}"
            )),
        }
    }
    let alert = client.wait_for_show_message(|m| m.is_alert()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let alerts = client.alerts();
    if alerts.len() != 1 {
        client.fail(&format!(
            "exactly one alert for one outage, got {alerts:#?}"
        ));
    }
    let message = alert.message.to_lowercase();
    assert!(
        message.contains(&host_port),
        "the alert names the backend {host_port}: {:?}",
        alert.message
    );
    assert!(
        case.names_the_problem.iter().any(|k| message.contains(k)),
        "the alert names the problem (one of {:?}): {:?}",
        case.names_the_problem,
        alert.message
    );
    client.assert_healthy();

    // Fix the backend; completions come back without a restart.
    let backend = match backend {
        Some(backend) => backend,
        None => ScriptedBackend::start_on(port).await,
    };
    backend.reply_text(ANSWER);
    let position = doc.position(at);
    let recovered = poll_until_async(Duration::from_secs(15), || async {
        let result = client
            .inline_completion(&uri, position, AUTOMATIC)
            .await
            .ok()?;
        inline_items(&result)
            .first()
            .map(insert_text)
            .filter(|text| text == ANSWER)
    })
    .await;
    if recovered.is_none() {
        client.fail("completions did not come back within 15 s after the backend was fixed");
    }
    let alerts = client.alerts();
    if alerts.len() != 1 {
        client.fail(&format!("no new alert after recovery, got {alerts:#?}"));
    }
    (client, Some(backend))
}

fn llamacpp() -> Value {
    json!({"kind": "llamacpp"})
}

#[tokio::test]
async fn connection_refused_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Refused,
        backend: llamacpp(),
        env: &[],
        names_the_problem: &["connect"],
    })
    .await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unauthorized_is_reported_once_and_recovers() {
    let (client, backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(Failure::status(
            401,
            r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#,
        )),
        backend: json!({"kind": "openai", "model": OPENAI_MODEL, "api_key_env": "TANDEM_E2E_API_KEY"}),
        env: &[("TANDEM_E2E_API_KEY", "sk-wrong")],
        names_the_problem: &["401", "api key"],
    })
    .await;
    let generations = backend.map(|b| b.generations()).unwrap_or_default();
    assert!(
        generations
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer sk-wrong")),
        "the key from backend.api_key_env is sent as a Bearer token: {:?}",
        generations
            .iter()
            .map(|r| r.header("authorization"))
            .collect::<Vec<_>>()
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn missing_model_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(Failure::status(
            404,
            r#"{"error":"model 'missing-model:7b' not found"}"#,
        )),
        backend: json!({"kind": "ollama", "model": "missing-model:7b"}),
        env: &[],
        names_the_problem: &["not found", "no model", "404"],
    })
    .await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn rate_limiting_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(
            Failure::status(
                429,
                r#"{"error":{"code":429,"message":"too many requests","type":"rate_limit_error"}}"#,
            )
            .with_header("Retry-After", "3"),
        ),
        backend: llamacpp(),
        env: &[],
        names_the_problem: &["429", "rate"],
    })
    .await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn server_error_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(Failure::status(
            500,
            r#"{"error":{"code":500,"message":"slot unavailable","type":"server_error"}}"#,
        )),
        backend: llamacpp(),
        env: &[],
        names_the_problem: &["500"],
    })
    .await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unreadable_json_response_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(Failure::garbage_declared_json()),
        backend: llamacpp(),
        env: &[],
        names_the_problem: &[
            "cannot read",
            "invalid",
            "parse",
            "json",
            "unexpected",
            "decode",
        ],
    })
    .await;
    client.shutdown_and_exit().await;
}

/// A proxy's HTML error page (or another server) answering 200 to a streamed request.
#[tokio::test]
async fn unreadable_response_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Failing(Failure::garbage()),
        backend: llamacpp(),
        env: &[],
        names_the_problem: &[
            "cannot read",
            "invalid",
            "parse",
            "json",
            "unexpected",
            "decode",
        ],
    })
    .await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn request_timeout_is_reported_once_and_recovers() {
    let (client, _backend) = reported_once_then_recovers(Case {
        broken: Broken::Hanging,
        backend: json!({"kind": "llamacpp", "request_timeout_ms": 500}),
        env: &[],
        names_the_problem: &["did not answer", "timed out", "timeout", "within"],
    })
    .await;
    client.shutdown_and_exit().await;
}
