//! Repository context with the real managed llama-server and the real Qwen2.5-Coder-0.5B model:
//! what only another file of the workspace knows reaches the suggestion.

use std::time::Duration;

use serde_json::json;

use crate::repo_context::{assert_progress_well_formed, wait_for_index};
use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;
use crate::support::real_parts::real_parts;
use crate::support::setup::{inline_items, insert_text, Doc, INVOKED};
use crate::support::text::Encoding;

/// Starting the model and one cold prompt on 2 shared CPU cores.
const MODEL_TIMEOUT: Duration = Duration::from_secs(180);

/// A workspace and the file being edited in it.
struct Scenario {
    /// Other files: (workspace-relative path, content).
    files: &'static [(&'static str, &'static str)],
    /// The edited file's path, language id and content with `<|>` at the cursor.
    current: (&'static str, &'static str, &'static str),
    /// `context.definitions_min_params`, where the scenario needs another value than the default.
    definitions_min_params: Option<u64>,
    /// `context.sources`, where the scenario needs others than the default ones.
    sources: Option<&'static [&'static str]>,
}

/// The same test, written earlier for the legacy API in a sibling tree that no import, folder or
/// importer links to the current file. Only it holds the error code.
const TWIN: Scenario = Scenario {
    files: &[(
        "legacy/tests/checks.test.ts",
        "import { refine } from \"../legacy\";\n\ntest(\"refine rejects non-numbers\", () => {\n  const check = refine<number>((x) => typeof x !== \"number\", \"E_REFINE_42\");\n  expect(() => check.parse(\"7\")).toThrow();\n});\n",
    )],
    current: (
        "core/tests/refine.test.ts",
        "typescript",
        "import { refine } from \"../core\";\n\ntest(\"refine rejects non-numbers\", () => {\n  <|>\n  expect(() => check.parse(\"7\")).toThrow();\n});\n",
    ),
    definitions_min_params: None,
    sources: None,
};

/// A new test module whose header still lacks the import of a flag it uses; only another test
/// module's header says which module the flag comes from.
const HEADER: Scenario = Scenario {
    files: &[(
        "tests/test_orders.py",
        "import pytest\n\nfrom shopkit.settings import LEDGER_V2_ENABLED\n\n\n@pytest.mark.skipif(not LEDGER_V2_ENABLED, reason=\"ledger v1\")\ndef test_order_total():\n    assert True\n",
    )],
    current: (
        "tests/test_refunds.py",
        "python",
        "import pytest\n\n<|>\n\n\n@pytest.mark.skipif(not LEDGER_V2_ENABLED, reason=\"ledger v1\")\ndef test_refund_total():\n    assert True\n",
    ),
    // Header imports come with the definitions source, which the 0.5B model does not get by
    // default; this tests that it writes them when it does.
    definitions_min_params: Some(0),
    sources: None,
};

/// A Go function's first call of a function its package defines in another file. No name
/// around the cursor leads to it; only an outline of the package shows it. The outline is the
/// only source here, so the similar code of the other file cannot be what brought the name.
const PACKAGE: Scenario = Scenario {
    files: &[(
        "stamp/clock.go",
        "package stamp\n\nimport \"sync\"\n\nvar clockMu sync.Mutex\n\n// ReadMonotonicTick returns the next tick of the process clock.\nfunc ReadMonotonicTick() (uint64, error) {\n\tclockMu.Lock()\n\tdefer clockMu.Unlock()\n\treturn nextTick()\n}\n\nfunc nextTick() (uint64, error) {\n\treturn 1, nil\n}\n",
    )],
    current: (
        "stamp/stamp.go",
        "go",
        "package stamp\n\n// Stamp marks when something happened.\ntype Stamp struct {\n\ttick uint64\n}\n\n// NewStamp returns a stamp for the current tick of the process clock.\nfunc NewStamp() (Stamp, error) {\n\t<|>\n\tif err != nil {\n\t\treturn Stamp{}, err\n\t}\n\treturn Stamp{tick: tick}, nil\n}\n",
    ),
    // The outline comes with the signature sources the 0.5B model does not get by default.
    definitions_min_params: Some(0),
    sources: Some(&["outline"]),
};

/// The first suggestion for a scenario, and the server's log to explain it when it is wrong.
struct Suggestion {
    text: String,
    log: String,
}

/// The first suggestion for the scenario's current file, with context `mode`.
async fn suggestion(scenario: &Scenario, mode: &str) -> Suggestion {
    let (binary, model) = real_parts().expect("checked by the caller");
    let client = LspClient::start().await;
    let root = client.workspace();
    for (path, text) in scenario.files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folders");
        std::fs::write(path, text).expect("write a workspace file");
    }
    let mut context = json!({"mode": mode, "time_budget_ms": 2000});
    if let Some(min) = scenario.definitions_min_params {
        context["definitions_min_params"] = json!(min);
    }
    if let Some(sources) = scenario.sources {
        context["sources"] = json!(sources);
    }
    let options = managed_options(
        &binary,
        &model,
        MODEL_TIMEOUT,
        json!({
            // The header test's right import is the model's second line: the editor's 1.5 s
            // limit after the first line would make the test about CPU load, not context (a cold
            // page cache alone made one line take 15 s). Only the first suggestion is checked.
            "completion": {
                "temperature": 0.0,
                "debounce_ms": 0,
                "time_limit_ms": 60000,
                "alternatives": 1
            },
            "context": context,
        }),
    );
    client.initialize(options, None).await;
    if mode == "repo" {
        wait_for_index(&client).await;
    }
    let (path, language, text) = scenario.current;
    let uri = client.uri(path);
    let (doc, cursor) = Doc::open(&client, &uri, language, text, Encoding::Utf16);
    let pending = client.send_inline_completion(&uri, doc.position(cursor), INVOKED);
    let result = match client.response_within(pending, MODEL_TIMEOUT).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let text = inline_items(&result).first().map(insert_text);
    client.assert_no_panic();
    // Indexing and the model's start report progress at the same time.
    assert_progress_well_formed(&client);
    let log = client.stderr_tail();
    client.shutdown_and_exit().await;
    Suggestion {
        text: text.unwrap_or_default(),
        log,
    }
}

#[tokio::test]
async fn the_real_model_uses_a_twin_test_from_a_sibling_tree() {
    if real_parts().is_none() {
        return;
    }
    let with_repo = suggestion(&TWIN, "repo").await;
    assert!(
        with_repo.text.contains("E_REFINE_42"),
        "with repo context the suggestion should take the error code from \
         legacy/tests/checks.test.ts: {:?}\n---- tandem log (tail) ----\n{}",
        with_repo.text,
        with_repo.log
    );
    // The control: the current file alone does not hold the code, so it came from the twin.
    let file_only = suggestion(&TWIN, "file").await;
    assert!(
        !file_only.text.contains("E_REFINE_42"),
        "the current file alone cannot know the error code: {:?}",
        file_only.text
    );
}

#[tokio::test]
async fn the_real_model_writes_the_import_another_file_uses_for_the_same_name() {
    if real_parts().is_none() {
        return;
    }
    let with_repo = suggestion(&HEADER, "repo").await;
    assert!(
        with_repo
            .text
            .contains("from shopkit.settings import LEDGER_V2_ENABLED"),
        "with repo context the header should import the flag the way \
         tests/test_orders.py does: {:?}\n---- tandem log (tail) ----\n{}",
        with_repo.text,
        with_repo.log
    );
    // The control: nothing in the current file names the module.
    let file_only = suggestion(&HEADER, "file").await;
    assert!(
        !file_only.text.contains("shopkit"),
        "the current file alone cannot know the module: {:?}",
        file_only.text
    );
}

#[tokio::test]
async fn the_real_model_calls_a_function_only_the_package_outline_shows() {
    if real_parts().is_none() {
        return;
    }
    let with_repo = suggestion(&PACKAGE, "repo").await;
    assert!(
        with_repo.text.contains("ReadMonotonicTick()"),
        "with the outline the suggestion should call the function stamp/clock.go defines: \
         {:?}\n---- tandem log (tail) ----\n{}",
        with_repo.text,
        with_repo.log
    );
    // The control: nothing in the current file names the function.
    let file_only = suggestion(&PACKAGE, "file").await;
    assert!(
        !file_only.text.contains("ReadMonotonicTick"),
        "the current file alone cannot know the function: {:?}",
        file_only.text
    );
}
