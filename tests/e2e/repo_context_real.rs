//! Repository context with the real managed llama-server and the real Qwen2.5-Coder-0.5B model:
//! what only another file of the workspace knows reaches the suggestion.

use std::time::Duration;

use serde_json::json;

use crate::repo_context::wait_for_index;
use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;
use crate::support::real_parts::real_parts;
use crate::support::setup::{inline_items, insert_text, Doc, INVOKED};
use crate::support::text::Encoding;

/// Starting the model and one cold prompt on 2 shared CPU cores.
const MODEL_TIMEOUT: Duration = Duration::from_secs(180);

/// The same test, written earlier for the legacy API in a sibling tree that no import, folder or
/// importer links to the current file. Only it holds the error code.
const TWIN: &str = "import { refine } from \"../legacy\";\n\ntest(\"refine rejects non-numbers\", () => {\n  const check = refine<number>((x) => typeof x !== \"number\", \"E_REFINE_42\");\n  expect(() => check.parse(\"7\")).toThrow();\n});\n";
const CURRENT: &str = "import { refine } from \"../core\";\n\ntest(\"refine rejects non-numbers\", () => {\n  <|>\n  expect(() => check.parse(\"7\")).toThrow();\n});\n";

/// The first suggestion for `CURRENT` in a workspace holding `TWIN`, with context `mode`.
async fn suggestion(mode: &str) -> String {
    let (binary, model) = real_parts().expect("checked by the caller");
    let client = LspClient::start().await;
    let root = client.workspace();
    for dir in ["legacy/tests", "core/tests"] {
        std::fs::create_dir_all(root.join(dir)).expect("create folders");
    }
    std::fs::write(root.join("legacy/tests/checks.test.ts"), TWIN).expect("write the twin");
    let options = managed_options(
        &binary,
        &model,
        MODEL_TIMEOUT,
        json!({
            "completion": {"temperature": 0.0, "debounce_ms": 0},
            "context": {"mode": mode, "time_budget_ms": 2000},
        }),
    );
    client.initialize(options, None).await;
    if mode == "repo" {
        wait_for_index(&client).await;
    }
    let uri = client.uri("core/tests/refine.test.ts");
    let (doc, cursor) = Doc::open(&client, &uri, "typescript", CURRENT, Encoding::Utf16);
    let pending = client.send_inline_completion(&uri, doc.position(cursor), INVOKED);
    let result = match client.response_within(pending, MODEL_TIMEOUT).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let text = inline_items(&result).first().map(insert_text);
    client.assert_no_panic();
    client.shutdown_and_exit().await;
    text.unwrap_or_default()
}

#[tokio::test]
async fn the_real_model_uses_a_twin_test_from_a_sibling_tree() {
    if real_parts().is_none() {
        return;
    }
    let with_repo = suggestion("repo").await;
    assert!(
        with_repo.contains("E_REFINE_42"),
        "with repo context the suggestion should take the error code from \
         legacy/tests/checks.test.ts: {with_repo:?}"
    );
    // The control: the current file alone does not hold the code, so it came from the twin.
    let file_only = suggestion("file").await;
    assert!(
        !file_only.contains("E_REFINE_42"),
        "the current file alone cannot know the error code: {file_only:?}"
    );
}
