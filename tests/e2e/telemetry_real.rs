//! Telemetry of a real suggestion: the managed llama-server with the real Qwen2.5-Coder-0.5B
//! answers, the user accepts, and the database holds the model's name, the prompt tokens the
//! model processed and the latency split. Same prerequisites and skip rule as `real_model.rs`.

use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;
use crate::support::real_parts::real_parts;
use crate::support::setup::{inline_items, insert_text, Doc, AUTOMATIC};
use crate::support::text::Encoding;
use crate::support::wait::poll_until;

/// A real model answers slowly on 2 CPU cores, above all on a cold prompt.
const MODEL_TIMEOUT: Duration = Duration::from_secs(120);

const SOURCE: &str =
    "def greet(name):\n    message = <|>\n    print(message)\n    return message\n";

/// One recorded suggestion's metadata.
#[derive(Debug)]
struct Recorded {
    model: String,
    backend: String,
    template: String,
    prompt_tokens: Option<i64>,
    model_ms: Option<f64>,
    total_ms: Option<f64>,
    text: Option<String>,
    outcome: Option<String>,
}

fn read(db: &std::path::Path, id: &str) -> Option<Recorded> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    conn.query_row(
        "SELECT model, backend, template, prompt_tokens, model_ms, total_ms, text, outcome
         FROM suggestions WHERE id = ?1 AND outcome IS NOT NULL",
        [id],
        |r| {
            Ok(Recorded {
                model: r.get(0)?,
                backend: r.get(1)?,
                template: r.get(2)?,
                prompt_tokens: r.get(3)?,
                model_ms: r.get(4)?,
                total_ms: r.get(5)?,
                text: r.get(6)?,
                outcome: r.get(7)?,
            })
        },
    )
    .optional()
    .ok()
    .flatten()
}

#[tokio::test]
async fn a_real_suggestion_is_recorded_with_model_tokens_and_timings() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let data = tempfile::tempdir().expect("a temp data dir");
    let data_dir = data.path().to_string_lossy().into_owned();
    let client = LspClient::start_with_env(&[("TANDEM_DATA_DIR", data_dir.as_str())]).await;
    client
        .initialize(
            // As long as the test's own wait: other real-model tests share the two cores.
            managed_options(
                &binary,
                &model,
                MODEL_TIMEOUT,
                json!({"completion": {"temperature": 0.0, "debounce_ms": 0}}),
            ),
            None,
        )
        .await;
    let uri = client.uri("greet.py");
    let (mut doc, cursor) = Doc::open(&client, &uri, "python", SOURCE, Encoding::Utf16);
    let pending = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
    let result = match client.response_within(pending, MODEL_TIMEOUT).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let Some(item) = inline_items(&result).into_iter().next() else {
        client.fail(&format!("no suggestion from the real model: {result}"));
    };
    let text = insert_text(&item);
    let Some(id) = item
        .pointer("/command/arguments/0/id")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        client.fail(&format!("item without an id: {item}"));
    };
    client.notify("textDocument/didShowCompletion", json!({ "item": item }));
    doc.insert(&client, cursor, &text);
    if let Err(error) = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "tandem.accept", "arguments": [{ "id": id }] }),
        )
        .await
    {
        client.fail(&format!("tandem.accept failed: {error:?}"));
    }

    let db = data.path().join("tandem").join("telemetry.sqlite3");
    let Some(row) = poll_until(Duration::from_secs(20), || read(&db, &id)).await else {
        client.fail(&format!(
            "suggestion {id} was not recorded in {}",
            db.display()
        ));
    };
    eprintln!("recorded real suggestion {text:?}: {row:?}");
    assert_eq!(row.outcome.as_deref(), Some("accepted"));
    assert_eq!(row.text.as_deref(), Some(text.as_str()));
    assert!(
        row.model.to_lowercase().contains("qwen"),
        "model name: {:?}",
        row.model
    );
    assert!(
        !row.backend.is_empty() && !row.template.is_empty(),
        "{row:?}"
    );
    assert!(
        row.prompt_tokens.is_some_and(|n| n > 0),
        "the model processed a prompt: {row:?}"
    );
    let (model_ms, total_ms) = (row.model_ms.unwrap_or(0.0), row.total_ms.unwrap_or(0.0));
    assert!(model_ms > 0.0 && total_ms >= model_ms, "timings: {row:?}");
    client.shutdown_and_exit().await;
}
