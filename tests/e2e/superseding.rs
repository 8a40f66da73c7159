//! A newer request for the same document aborts the older one's backend request.

use std::time::Duration;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::{Behavior, ScriptedBackend};
use crate::support::setup::{inline_items, insert_text, llamacpp_options, Doc, AUTOMATIC};
use crate::support::text::Encoding;

const REQUEST_CANCELLED: i64 = -32800;

#[tokio::test]
async fn a_newer_request_after_typing_closes_the_older_backend_request() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("* r");
    backend.queue(Behavior::SlowStream);
    let mut client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("area.py");
    let (mut doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def area(r):\n    return <|>\n",
        Encoding::Utf16,
    );

    let first = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
    backend.wait_for_generations(1).await;
    let typed = "3.14 * r ";
    doc.insert(&client, cursor, typed);
    let second = client.send_inline_completion(&uri, doc.position(cursor + typed.len()), AUTOMATIC);

    let second = match client.response(second).await {
        Ok(result) => result,
        Err(error) => client.fail(&format!("the newer request failed: {error:?}")),
    };
    let texts: Vec<String> = inline_items(&second).iter().map(insert_text).collect();
    assert_eq!(
        texts,
        vec!["* r".to_string()],
        "the newer request gets the answer"
    );

    match client.response(first).await {
        Err(error) => assert_eq!(error.code, REQUEST_CANCELLED, "{error:?}"),
        Ok(result) => assert!(
            inline_items(&result).is_empty(),
            "the superseded request answers nothing: {result}"
        ),
    }
    backend
        .wait_closed_by_client(0, Duration::from_secs(5))
        .await;
    client.assert_healthy();
    client.shutdown_and_exit().await;
}
