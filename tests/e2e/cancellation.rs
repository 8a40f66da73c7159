//! `$/cancelRequest` stops the model: the in-flight backend HTTP request is closed.

use std::time::Duration;

use serde_json::json;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::{Behavior, ScriptedBackend};
use crate::support::setup::{
    inline_items, insert_text, llamacpp_options, single_item, Doc, AUTOMATIC,
};
use crate::support::text::Encoding;

/// LSP `RequestCancelled`.
const REQUEST_CANCELLED: i64 = -32800;

async fn cancel_closes_the_backend_request(stalled: Behavior) {
    let backend = ScriptedBackend::start().await;
    backend.set_behavior(stalled);
    let mut client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("slow.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def area(r):\n    return <|>\n",
        Encoding::Utf16,
    );

    let pending = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
    let id = pending.id;
    backend.wait_for_generations(1).await;
    client.notify("$/cancelRequest", json!({"id": id}));
    match client.response(pending).await {
        Err(error) => assert_eq!(
            error.code, REQUEST_CANCELLED,
            "a cancelled request answers RequestCancelled: {error:?}"
        ),
        Ok(result) => assert!(
            inline_items(&result).is_empty(),
            "a cancelled request answers nothing: {result}"
        ),
    }
    backend
        .wait_closed_by_client(0, Duration::from_secs(5))
        .await;
    client.assert_healthy();

    // The server is not stuck on the cancelled request.
    backend.reply_text("3.14 * r * r");
    let item = single_item(&client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "3.14 * r * r");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn cancel_request_closes_a_slowly_streaming_backend_request() {
    cancel_closes_the_backend_request(Behavior::SlowStream).await;
}

#[tokio::test]
async fn cancel_request_closes_a_backend_request_still_waiting_for_headers() {
    cancel_closes_the_backend_request(Behavior::Hang).await;
}
