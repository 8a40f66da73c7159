//! Repository context in the editor: the server indexes the workspace it was started on (with
//! `$/progress`), puts definitions from other files into the prompt, and follows files changed
//! outside the editor through `workspace/didChangeWatchedFiles`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::Doc;
use crate::support::setup::{inline_items, INVOKED};
use crate::support::text::Encoding;

const BILLING: &str = "def apply_discount(price, percent):\n    \"\"\"The price after a percentage discount, in cents.\"\"\"\n    return round(price * (1 - percent / 100))\n";
const SHOP: &str = "from billing import apply_discount\n\n\ndef checkout(total):\n    return <|>\n";

fn settings(url: &str, mode: &str) -> Value {
    json!({
        "backend": {"kind": "llamacpp", "url": url},
        "completion": {"debounce_ms": 0},
        "context": {"mode": mode, "time_budget_ms": 2000},
    })
}

/// The title of the index's `$/progress`.
const INDEX_TITLE: &str = "tandem: indexing the workspace";

/// Waits until the server ended the index's `$/progress` (its first pass). Other work (the
/// managed model's start) reports progress at the same time under its own token.
pub(crate) async fn wait_for_index(client: &LspClient) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let messages = client.server_messages("$/progress");
        let token = messages.iter().find_map(|m| {
            (m.pointer("/params/value/title").and_then(Value::as_str) == Some(INDEX_TITLE))
                .then(|| m.pointer("/params/token").cloned())
                .flatten()
        });
        let ended = messages.iter().any(|m| {
            m.pointer("/params/value/kind").and_then(Value::as_str) == Some("end")
                && m.pointer("/params/token") == token.as_ref()
        });
        if token.is_some() && ended {
            return;
        }
        if Instant::now() > deadline {
            client.fail("the workspace index never ended its $/progress");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Checks the protocol's rules for every `$/progress` token the server used: it was created
/// before use, begins once, ends once, and reports nothing after its end.
pub(crate) fn assert_progress_well_formed(client: &LspClient) {
    let created: Vec<String> = client
        .server_messages("window/workDoneProgress/create")
        .iter()
        .map(|m| m["params"]["token"].to_string())
        .collect();
    let mut state: std::collections::HashMap<String, &str> = Default::default();
    for message in client.server_messages("$/progress") {
        let token = message["params"]["token"].to_string();
        let kind = message
            .pointer("/params/value/kind")
            .and_then(Value::as_str);
        let before = state.get(&token).copied();
        let after = match (before, kind) {
            (None, Some("begin")) if created.contains(&token) => "begun",
            (Some("begun"), Some("report")) => "begun",
            (Some("begun"), Some("end")) => "ended",
            _ => client.fail(&format!(
                "$/progress {kind:?} on token {token} in state {before:?}: {message}"
            )),
        };
        state.insert(token, after);
    }
    if let Some((token, _)) = state.iter().find(|(_, s)| **s != "ended") {
        client.fail(&format!("$/progress token {token} never ended"));
    }
}

/// The prompt text of the last generation request.
fn last_prompt(backend: &ScriptedBackend) -> String {
    let generations = backend.generations();
    let last = generations.last().expect("a generation request");
    last.body["prompt"].as_str().unwrap_or_default().to_string()
}

async fn ask(client: &LspClient, uri: &str, at: (u32, u32)) {
    let result = client.inline_completion(uri, at, INVOKED).await;
    match result {
        Ok(result) => {
            let _ = inline_items(&result);
        }
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    }
}

/// A scripted backend and a server in context `mode` on a workspace holding billing.py; in
/// `repo` mode it returns once the index's first pass ended.
async fn start_with_billing(mode: &str) -> (ScriptedBackend, LspClient) {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("apply_discount(total, 10)");
    let client = LspClient::start().await;
    std::fs::write(client.workspace().join("billing.py"), BILLING).expect("write billing.py");
    client
        .initialize(settings(&backend.url(), mode), None)
        .await;
    if mode == "repo" {
        wait_for_index(&client).await;
    }
    (backend, client)
}

#[tokio::test]
async fn the_prompt_carries_definitions_from_other_files_and_follows_outside_changes() {
    let (backend, client) = start_with_billing("repo").await;

    let uri = client.uri("shop.py");
    let (mut doc, cursor) = Doc::open(&client, &uri, "python", SHOP, Encoding::Utf16);
    ask(&client, &uri, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    assert!(
        prompt.contains("<|file_sep|>billing.py")
            && prompt.contains("def apply_discount(price, percent):"),
        "the prompt should hold billing.py's definition as a repo-level file section: {prompt}"
    );
    assert!(
        prompt.find("<|file_sep|>billing.py") < prompt.find("<|fim_prefix|>"),
        "context goes before the file's prefix: {prompt}"
    );

    // A file created outside the editor, then announced by the client's file watcher.
    let tax = client.workspace().join("tax.py");
    std::fs::write(
        &tax,
        "def vat_for(amount):\n    return amount * 21 // 100\n",
    )
    .expect("write tax.py");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": client.uri("tax.py"), "type": 1}]}),
    );
    doc.insert(&client, cursor, "vat_for(total) + ");
    let at = doc.position(cursor + "vat_for(total) + ".len());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        ask(&client, &uri, at).await;
        if last_prompt(&backend).contains("def vat_for(amount):") {
            break;
        }
        if Instant::now() > deadline {
            client.fail(&format!(
                "a file created outside the editor never reached the prompt: {}",
                last_prompt(&backend)
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn context_mode_none_sends_only_the_current_file() {
    let (backend, client) = start_with_billing("none").await;

    let uri = client.uri("shop.py");
    let (doc, cursor) = Doc::open(&client, &uri, "python", SHOP, Encoding::Utf16);
    ask(&client, &uri, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    assert!(
        !prompt.contains("def apply_discount") && !prompt.contains("<|file_sep|>"),
        "context mode none must not add other files: {prompt}"
    );
    client.shutdown_and_exit().await;
}

/// Whether the prompt for shop.py holds billing.py's definition when the model server reports a
/// model of `parameters` parameters and only the definitions source is on; `min_params` sets
/// `context.definitions_min_params` (default when `None`).
async fn definitions_reach_a_model_of(parameters: u64, min_params: Option<u64>) -> bool {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("apply_discount(total, 10)");
    backend.report_parameters(parameters);
    let client = LspClient::start().await;
    std::fs::write(client.workspace().join("billing.py"), BILLING).expect("write billing.py");
    let mut options = json!({
        "backend": {"kind": "llamacpp", "url": backend.url()},
        "completion": {"debounce_ms": 0},
        "context": {"mode": "repo", "time_budget_ms": 2000, "sources": ["definitions"]},
    });
    if let Some(min) = min_params {
        options["context"]["definitions_min_params"] = json!(min);
    }
    client.initialize(options, None).await;
    wait_for_index(&client).await;
    let uri = client.uri("shop.py");
    let (doc, cursor) = Doc::open(&client, &uri, "python", SHOP, Encoding::Utf16);
    ask(&client, &uri, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    client.assert_no_panic();
    client.shutdown_and_exit().await;
    prompt.contains("def apply_discount(price, percent):")
}

#[tokio::test]
async fn a_model_the_server_reports_as_small_gets_no_definitions() {
    // Qwen2.5-Coder-0.5B as llama-server counts it, and the 1.5B.
    let (small, large) = (630_167_424, 1_777_088_000);
    assert!(
        !definitions_reach_a_model_of(small, None).await,
        "a model under context.definitions_min_params (1 B) gets no definition chunks"
    );
    assert!(
        definitions_reach_a_model_of(large, None).await,
        "a model over the threshold gets them"
    );
    assert!(
        definitions_reach_a_model_of(small, Some(0)).await,
        "definitions_min_params = 0 gives them to every model"
    );
}

/// The same test written for an API's next version, in a sibling tree that no import, folder or
/// importer links to the current file.
const TWIN_TEST: &str = "import { custom } from \"../custom\";\n\ntest(\"custom refinement rejects\", () => {\n  const refined = custom<number>((x) => typeof x !== \"number\", \"customerr\");\n  expect(() => refined.parse(7)).toThrow(\"customerr\");\n});\n";
const CURRENT_TEST: &str = "import { custom } from \"../custom\";\n\ntest(\"custom refinement rejects\", () => {\n  <|>\n});\n";

#[tokio::test]
async fn similar_code_comes_from_anywhere_in_the_workspace_not_only_related_files() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("const refined = custom<number>(() => true);");
    let client = LspClient::start().await;
    let root = client.workspace();
    for dir in ["v3/tests", "v4/tests", "v3/unrelated"] {
        std::fs::create_dir_all(root.join(dir)).expect("create folders");
    }
    std::fs::write(root.join("v4/tests/custom.test.ts"), TWIN_TEST).expect("write the twin");
    // More files sharing only common words with the cursor's lines than the source reads.
    for i in 0..12 {
        std::fs::write(
            root.join(format!("v3/unrelated/other{i}.ts")),
            format!("test(\"other {i}\", () => {{\n  expect(other{i}()).toBe({i});\n}});\n"),
        )
        .expect("write a filler file");
    }
    client
        .initialize(settings(&backend.url(), "repo"), None)
        .await;
    wait_for_index(&client).await;

    let uri = client.uri("v3/tests/custom.test.ts");
    let (doc, cursor) = Doc::open(&client, &uri, "typescript", CURRENT_TEST, Encoding::Utf16);
    ask(&client, &uri, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    assert!(
        prompt.contains("<|file_sep|>v4/tests/custom.test.ts")
            && prompt.contains("typeof x !== \"number\", \"customerr\""),
        "the prompt should hold the twin test from the sibling tree: {prompt}"
    );
    client.shutdown_and_exit().await;
}

/// A test module that imports the version flag the new test file will need, among other files
/// that mention the flag without importing it.
const FUNCTIONAL_TEST: &str = "import pytest\n\nfrom attr._compat import PY_3_13_PLUS\n\n\n@pytest.mark.skipif(not PY_3_13_PLUS, reason=\"new\")\ndef test_new():\n    assert True\n";
const CMP_TEST: &str = "import pytest\n\n<|>\nfrom attr import cmp_using\n\n\n@pytest.mark.skipif(not PY_3_13_PLUS, reason=\"new\")\ndef test_cmp():\n    assert cmp_using(eq=True)\n";

#[tokio::test]
async fn in_a_header_the_prompt_shows_how_other_files_import_the_names_the_file_uses() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("from attr import cmp_using");
    let client = LspClient::start().await;
    let root = client.workspace();
    std::fs::create_dir_all(root.join("tests")).expect("create tests/");
    std::fs::write(root.join("tests/test_functional.py"), FUNCTIONAL_TEST).expect("write");
    std::fs::write(
        root.join("tests/conftest.py"),
        "# PY_3_13_PLUS is checked by the tests themselves.\n",
    )
    .expect("write conftest.py");
    std::fs::write(
        root.join("tests/test_other.py"),
        "from attr import cmp_using, evolve\n",
    )
    .expect("write test_other.py");
    client
        .initialize(settings(&backend.url(), "repo"), None)
        .await;
    wait_for_index(&client).await;

    let uri = client.uri("tests/test_cmp.py");
    let (doc, cursor) = Doc::open(&client, &uri, "python", CMP_TEST, Encoding::Utf16);
    ask(&client, &uri, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    let shown = "<|file_sep|>tests/test_functional.py\nfrom attr._compat import PY_3_13_PLUS";
    assert!(
        prompt.contains(shown),
        "the prompt should hold test_functional.py's import of PY_3_13_PLUS: {prompt}"
    );
    assert!(
        !prompt.contains("<|file_sep|>tests/test_other.py\nfrom attr import cmp_using, evolve"),
        "the file already imports cmp_using below the cursor: {prompt}"
    );

    // Below the header the file's own code speaks for itself: no import lines.
    let below = client.uri("tests/test_below.py");
    let body = "import pytest\n\n\ndef test_cmp():\n    assert PY_3_13_PLUS\n    <|>\n";
    let (doc, cursor) = Doc::open(&client, &below, "python", body, Encoding::Utf16);
    ask(&client, &below, doc.position(cursor)).await;
    let prompt = last_prompt(&backend);
    assert!(
        !prompt.contains("from attr._compat import PY_3_13_PLUS\n<|file_sep|>")
            && !prompt.contains(shown),
        "below the header no import lines are added: {prompt}"
    );
    client.shutdown_and_exit().await;
}
