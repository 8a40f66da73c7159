//! The managed llama-server's idle stop against the real server and the real 0.5B model: a
//! request that takes longer than the idle timeout must not lose its server half-way.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;
use crate::support::real_parts::real_parts;
use crate::support::setup::{inline_items, Doc, INVOKED};
use crate::support::text::Encoding;

/// Starting the model and three long answers on 2 shared CPU cores.
const MODEL_TIMEOUT: Duration = Duration::from_secs(180);

/// A request for three alternatives of a long function body, with a 1 s idle timeout: the
/// answers take several seconds, so the idle check runs many times while the request is in
/// flight. Before the idle rule counted requests in flight it stopped the server under the
/// request, which then failed with "cannot connect to the model server".
#[tokio::test]
async fn a_request_longer_than_the_idle_timeout_keeps_its_server() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let client = LspClient::start().await;
    let mut options = managed_options(
        &binary,
        &model,
        MODEL_TIMEOUT,
        json!({
            "completion": {
                "temperature": 0.0,
                "debounce_ms": 0,
                "alternatives": 3,
                "max_tokens": 160,
                "time_limit_ms": 60000
            },
            "context": {"mode": "file"},
        }),
    );
    options["managed"]["idle_timeout_secs"] = json!(1);
    client.initialize(options, None).await;
    let uri = client.uri("report.py");
    let text = "import csv\n\n\ndef write_report(rows, path):\n    \"\"\"Writes rows of (name, price, quantity) to a CSV file with a header and a total line.\"\"\"\n    <|>\n";
    let (doc, cursor) = Doc::open(&client, &uri, "python", text, Encoding::Utf16);
    let started = Instant::now();
    let pending = client.send_inline_completion(&uri, doc.position(cursor), INVOKED);
    let result = match client.response_within(pending, MODEL_TIMEOUT).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    let took = started.elapsed();
    // Shorter than two idle periods, the request would prove nothing.
    assert!(
        took >= Duration::from_millis(2500),
        "the request took {took:?}: ask for longer answers so that it outlasts the idle timeout"
    );
    let log = client.stderr();
    if inline_items(&result).is_empty() || log.contains("completion failed") {
        client.fail(&format!(
            "the request ({took:?}) should get its suggestions from the running server: {result}"
        ));
    }
    // The rule still stops a server nobody uses once the request is done.
    let stop_deadline = Instant::now() + Duration::from_secs(20);
    while !client.stderr().contains("idle for 1 s") && Instant::now() < stop_deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if !client.stderr().contains("idle for 1 s") {
        client.fail("the server should stop once idle after the request");
    }
    eprintln!("the request took {took:?}");
    client.assert_no_panic();
    client.shutdown_and_exit().await;
}
