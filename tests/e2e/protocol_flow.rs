//! The basic LSP conversation against each backend kind: initialize, open, inline completion,
//! completion fallback, accept command, shutdown.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;
use crate::support::model_apis::{OLLAMA_MODEL, OPENAI_MODEL};
use crate::support::scripted_backend::{Behavior, Failure, Received, ScriptedBackend};
use crate::support::setup::{
    completion_items, inline_items, insert_text, options, range_point, single_item, Doc, INVOKED,
};
use crate::support::text::{apply_edit, Encoding};

const SOURCE: &str = "def add(a, b):\n    return <|>\n\nprint(add(1, 2))\n";
const ANSWER: &str = "a + b";

/// Runs the whole conversation against `init_options`; `check_request` asserts what the backend
/// received for the completion.
async fn round_trip(
    backend: &ScriptedBackend,
    init_options: Value,
    check_request: impl Fn(&Received),
) {
    backend.reply_text(ANSWER);
    let client = LspClient::start().await;
    client.initialize(init_options, None).await;
    let uri = client.uri("main.py");
    let (doc, cursor) = Doc::open(&client, &uri, "python", SOURCE, Encoding::Utf16);
    let at = doc.position(cursor);
    let (before, after) = doc.split_at(cursor);
    let mut expected = doc.text.clone();
    expected.insert_str(cursor, ANSWER);

    let item = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&item), ANSWER, "item: {item}");
    assert_eq!(
        range_point(&item, "start"),
        at,
        "item range starts at the cursor: {item}"
    );
    assert_eq!(
        apply_edit(
            &doc.text,
            &item["range"],
            &insert_text(&item),
            Encoding::Utf16
        ),
        expected,
        "accepting the item yields the completed line"
    );

    let generations = backend.generations();
    assert!(
        !generations.is_empty(),
        "the backend got no generation request"
    );
    let (prefix, suffix) = generations[0].fim();
    assert!(
        prefix.ends_with(before),
        "prefix {prefix:?} should end with {before:?}"
    );
    assert!(
        suffix.starts_with(after),
        "suffix {suffix:?} should start with {after:?}"
    );
    check_request(&generations[0]);

    let result = match client.completion(&uri, at).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("textDocument/completion failed: {error:?}")),
    };
    let items = completion_items(&result);
    let applied: Vec<String> = items
        .iter()
        .filter_map(|item| {
            let edit = item.get("textEdit")?;
            let range = edit.get("range").or_else(|| edit.get("insert"))?;
            let new_text = edit.get("newText")?.as_str()?;
            Some(apply_edit(&doc.text, range, new_text, Encoding::Utf16))
        })
        .collect();
    assert!(
        applied.contains(&expected),
        "no completion item's textEdit inserts {ANSWER:?} at the cursor: {result}"
    );

    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn initialize_advertises_inline_completion_completion_and_incremental_sync() {
    let backend = ScriptedBackend::start().await;
    let client = LspClient::start().await;
    let result = client
        .initialize(options("llamacpp", &backend.url()), None)
        .await;
    let caps = &result["capabilities"];
    let inline = &caps["inlineCompletionProvider"];
    assert!(
        inline == &json!(true) || inline.is_object(),
        "inlineCompletionProvider: {caps}"
    );
    assert!(
        caps["completionProvider"].is_object(),
        "completionProvider: {caps}"
    );
    let sync = &caps["textDocumentSync"];
    let change = if sync.is_object() {
        &sync["change"]
    } else {
        sync
    };
    assert_eq!(change, &json!(2), "incremental text sync: {caps}");
    if sync.is_object() {
        assert_eq!(
            sync["openClose"],
            json!(true),
            "open/close notifications: {caps}"
        );
    }
    let commands = caps["executeCommandProvider"]["commands"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        commands.contains(&json!("tandem.accept")),
        "executeCommandProvider lists tandem.accept: {caps}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn llamacpp_infill_completes_at_the_cursor_with_the_backend_text() {
    let backend = ScriptedBackend::start().await;
    let mut init = options("llamacpp", &backend.url());
    init["backend"]["endpoint"] = json!("infill");
    round_trip(&backend, init, |request| {
        assert_eq!(request.path, "/infill");
    })
    .await;
}

#[tokio::test]
async fn llamacpp_uses_tandems_template_on_completion_by_default() {
    let backend = ScriptedBackend::start().await;
    round_trip(&backend, options("llamacpp", &backend.url()), |request| {
        assert_eq!(request.path, "/completion");
    })
    .await;
}

#[tokio::test]
async fn llamacpp_completion_endpoint_sends_a_rendered_qwen_fim_prompt() {
    let backend = ScriptedBackend::start().await;
    let init = json!({
        "backend": {"kind": "llamacpp", "url": backend.url(), "endpoint": "completion"},
        "completion": {"debounce_ms": 0},
    });
    round_trip(&backend, init, |request| {
        assert_eq!(request.path, "/completion");
        let prompt = request.body["prompt"].as_str().unwrap_or_default();
        assert!(
            prompt.contains("<|fim_prefix|>") && prompt.contains("<|fim_middle|>"),
            "Qwen FIM tokens in the prompt (model from /props): {prompt:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn openai_completes_with_the_configured_model() {
    let backend = ScriptedBackend::start().await;
    let init = json!({
        "backend": {"kind": "openai", "url": backend.url(), "model": OPENAI_MODEL},
        "completion": {"debounce_ms": 0},
    });
    round_trip(&backend, init, |request| {
        assert_eq!(request.path, "/v1/completions");
        assert_eq!(
            request.body["model"], OPENAI_MODEL,
            "body: {}",
            request.body
        );
    })
    .await;
}

#[tokio::test]
async fn ollama_completes_with_a_raw_prompt_and_explicit_num_ctx() {
    let backend = ScriptedBackend::start().await;
    let init = json!({
        "backend": {"kind": "ollama", "url": backend.url(), "model": OLLAMA_MODEL, "num_ctx": 4096},
        "completion": {"debounce_ms": 0},
    });
    round_trip(&backend, init, |request| {
        assert_eq!(request.path, "/api/generate");
        assert_eq!(
            request.body["model"], OLLAMA_MODEL,
            "body: {}",
            request.body
        );
        assert_eq!(request.body["raw"], true, "raw prompt: {}", request.body);
        assert_eq!(
            request.body["options"]["num_ctx"], 4096,
            "options.num_ctx: {}",
            request.body
        );
    })
    .await;
}

/// Opens SOURCE in a server asking `backend` for `alternatives` answers and invokes completion
/// at its cursor; returns the client and the result.
async fn invoke_for_alternatives(
    backend: &ScriptedBackend,
    alternatives: u32,
) -> (LspClient, Value) {
    let client = LspClient::start().await;
    let init = json!({
        "backend": {"kind": "llamacpp", "url": backend.url()},
        "completion": {"debounce_ms": 0, "alternatives": alternatives},
    });
    client.initialize(init, None).await;
    let uri = client.uri("main.py");
    let (doc, cursor) = Doc::open(&client, &uri, "python", SOURCE, Encoding::Utf16);
    let result = match client
        .inline_completion(&uri, doc.position(cursor), INVOKED)
        .await
    {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    (client, result)
}

#[tokio::test]
async fn invoked_trigger_returns_distinct_alternatives_with_an_accept_command() {
    let backend = ScriptedBackend::start().await;
    let counter = Arc::new(AtomicUsize::new(0));
    let produced = counter.clone();
    backend.set_behavior(Behavior::Computed(Arc::new(move |_| {
        format!("alt_{}", produced.fetch_add(1, Ordering::SeqCst))
    })));
    let (client, result) = invoke_for_alternatives(&backend, 2).await;
    let items = inline_items(&result);
    let texts: Vec<String> = items.iter().map(insert_text).collect();
    assert!(
        (1..=2).contains(&texts.len()),
        "1 to completion.alternatives (2) items: {result}"
    );
    let generated = counter.load(Ordering::SeqCst);
    for text in &texts {
        let n: Option<usize> = text.strip_prefix("alt_").and_then(|n| n.parse().ok());
        assert!(
            n.is_some_and(|n| n < generated),
            "{text:?} is not a text the backend generated"
        );
    }
    let mut distinct = texts.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), texts.len(), "items are distinct: {texts:?}");

    let command = &items[0]["command"];
    assert_eq!(
        command["command"], "tandem.accept",
        "item command: {}",
        items[0]
    );
    assert!(
        command["arguments"][0]["id"].is_string(),
        "accept command carries the suggestion id: {command}"
    );
    if let Err(error) = client
        .request(
            "workspace/executeCommand",
            json!({"command": "tandem.accept", "arguments": command["arguments"].clone()}),
        )
        .await
    {
        client.fail(&format!(
            "executing the item's accept command failed: {error:?}"
        ));
    }
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn an_alternative_that_fails_keeps_the_answers_already_received() {
    let backend = ScriptedBackend::start().await;
    backend.queue(Behavior::Text("a + b".into()));
    backend.queue(Behavior::Fail(Failure::status(
        500,
        r#"{"error":{"code":500,"message":"slot crashed"}}"#,
    )));
    backend.set_behavior(Behavior::Text("b + a".into()));
    let (client, result) = invoke_for_alternatives(&backend, 3).await;
    let texts: Vec<String> = inline_items(&result).iter().map(insert_text).collect();
    assert_eq!(
        texts,
        ["a + b"],
        "the first answer survives the second's failure, and no third is asked for: {result}"
    );
    assert_eq!(backend.generations().len(), 2, "asked twice");
    client.shutdown_and_exit().await;
}
