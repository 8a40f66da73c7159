//! Checks of the harness itself, so a failing end-to-end test points at the server and not at
//! the scripted backend or the framing.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::lsp_wire::{frame, read_message, Incoming};
use crate::support::model_apis::fim_parts;
use crate::support::scripted_backend::{Behavior, Failure, Outcome, ScriptedBackend};
use crate::support::text::{apply_edit, offset_of, position_of, split_cursor, Encoding};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

#[tokio::test]
async fn scripted_llamacpp_answers_infill_streamed_and_not() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("return a + b");
    let body = json!({"input_prefix": "def f(a, b):\n    ", "input_suffix": "\n", "n_predict": 32});
    let whole: Value = http()
        .post(format!("{}/infill", backend.url()))
        .json(&body)
        .send()
        .await
        .expect("infill request")
        .json()
        .await
        .expect("infill json");
    assert_eq!(whole["content"], "return a + b");
    assert_eq!(whole["stop"], true);

    let mut streamed = body.clone();
    streamed["stream"] = json!(true);
    let sse = http()
        .post(format!("{}/infill", backend.url()))
        .json(&streamed)
        .send()
        .await
        .expect("streamed infill")
        .text()
        .await
        .expect("sse text");
    let mut content = String::new();
    let mut stopped = false;
    for line in sse.lines().filter_map(|l| l.strip_prefix("data: ")) {
        let chunk: Value = serde_json::from_str(line).expect("sse chunk is json");
        content.push_str(chunk["content"].as_str().unwrap_or_default());
        stopped |= chunk["stop"] == true;
    }
    assert_eq!(content, "return a + b");
    assert!(stopped, "stream ends with stop: true: {sse}");

    let generations = backend.generations();
    assert_eq!(generations.len(), 2);
    assert!(generations.iter().all(|r| r.outcome == Outcome::Completed));
    assert_eq!(
        generations[0].fim(),
        ("def f(a, b):\n    ".into(), "\n".into())
    );
}

#[tokio::test]
async fn scripted_openai_and_ollama_speak_their_formats() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let openai: Value = http()
        .post(format!("{}/v1/completions", backend.url()))
        .json(&json!({"model": "m", "prompt": "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>"}))
        .send()
        .await
        .expect("openai request")
        .json()
        .await
        .expect("openai json");
    assert_eq!(openai["choices"][0]["text"], "x + 1");
    let sse = http()
        .post(format!("{}/v1/completions", backend.url()))
        .json(&json!({"model": "m", "prompt": "p", "stream": true}))
        .send()
        .await
        .expect("openai stream")
        .text()
        .await
        .expect("openai sse");
    assert!(sse.trim_end().ends_with("data: [DONE]"), "{sse}");

    let ndjson = http()
        .post(format!("{}/api/generate", backend.url()))
        .json(&json!({"model": "m", "prompt": "p", "raw": true}))
        .send()
        .await
        .expect("ollama request")
        .text()
        .await
        .expect("ollama ndjson");
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect();
    let text: String = lines
        .iter()
        .filter_map(|l| l["response"].as_str())
        .collect();
    assert_eq!(text, "x + 1");
    assert_eq!(lines.last().map(|l| l["done"].clone()), Some(json!(true)));
    assert_eq!(
        backend.generations()[0].fim(),
        ("a".to_string(), "b".to_string())
    );
}

#[tokio::test]
async fn scripted_backend_sees_a_client_hang_up() {
    let backend = ScriptedBackend::start().await;
    backend.set_behavior(Behavior::SlowStream);
    let url = format!("{}/completion", backend.url());
    let request = tokio::spawn(async move {
        // Hold the streaming response open until the task is aborted.
        let _response = http()
            .post(url)
            .json(&json!({"prompt": "p", "stream": true}))
            .send()
            .await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    backend.wait_for_generations(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(backend.generations()[0].outcome, Outcome::InFlight);
    request.abort();
    backend
        .wait_closed_by_client(0, Duration::from_secs(5))
        .await;

    backend.set_behavior(Behavior::Hang);
    let url = format!("{}/infill", backend.url());
    let request = tokio::spawn(async move {
        let _ = http()
            .post(url)
            .json(&json!({"input_prefix": "p", "input_suffix": ""}))
            .send()
            .await;
    });
    backend.wait_for_generations(2).await;
    request.abort();
    backend
        .wait_closed_by_client(1, Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn scripted_failures_carry_status_headers_and_body() {
    let backend = ScriptedBackend::start().await;
    backend.set_failure(
        Failure::status(429, r#"{"error":"slow down"}"#).with_header("Retry-After", "3"),
    );
    let response = http()
        .post(format!("{}/infill", backend.url()))
        .json(&json!({"input_prefix": "", "input_suffix": ""}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(
        response.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"3"[..])
    );
    backend.set_failure(Failure::garbage());
    let body = http()
        .get(format!("{}/props", backend.url()))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(serde_json::from_str::<Value>(&body).is_err());
    backend.clear_failure();
    let props: Value = http()
        .get(format!("{}/props", backend.url()))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(props["model_path"].as_str().is_some());
}

#[tokio::test]
async fn framing_round_trips() {
    let message = json!({"jsonrpc": "2.0", "id": 1, "result": {"text": "日本😀"}});
    let mut bytes = frame(&message);
    bytes.extend_from_slice(b"Content-Length: 3\r\n\r\n{x}");
    let mut reader = tokio::io::BufReader::new(&bytes[..]);
    match read_message(&mut reader).await.expect("read") {
        Some(Incoming::Message(value)) => assert_eq!(value, message),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_message(&mut reader).await.expect("read"),
        Some(Incoming::Invalid { .. })
    ));
    assert!(read_message(&mut reader).await.expect("read").is_none());
}

#[test]
fn positions_are_counted_per_encoding() {
    let (text, cursor) = split_cursor("a\nlet s = \"日本😀\"; <|>x\n");
    assert_eq!(position_of(&text, cursor, Encoding::Utf8), (1, 22));
    assert_eq!(position_of(&text, cursor, Encoding::Utf16), (1, 16));
    assert_eq!(position_of(&text, cursor, Encoding::Utf32), (1, 15));
    for encoding in Encoding::ALL {
        let position = position_of(&text, cursor, encoding);
        assert_eq!(offset_of(&text, position, encoding), cursor);
    }
    let range = json!({"start": {"line": 1, "character": 16}, "end": {"line": 1, "character": 17}});
    assert_eq!(
        apply_edit(&text, &range, "y", Encoding::Utf16),
        "a\nlet s = \"日本😀\"; y\n"
    );
    assert!(fim_parts("/completion", &json!({"prompt": "no fim tokens"})).is_none());
}
