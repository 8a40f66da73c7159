//! Raw model output is cleaned before it reaches the editor.

use std::time::Duration;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{insert_text, llamacpp_options, range_point, single_item, Doc};
use crate::support::text::{apply_edit, Encoding};

#[tokio::test]
async fn fence_prose_and_the_duplicated_closing_paren_are_cut() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("foo)\n```\nIn this solution we print foo and return.\n");
    // Streamed answers arrive in small pieces, as from a real model.
    backend.set_chunking(2, Duration::from_millis(5));
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("show.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def show(foo):\n    print(<|>)\n    return foo\n",
        Encoding::Utf16,
    );
    let at = doc.position(cursor);
    let item = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&item), "foo", "cleaned item: {item}");
    assert_eq!(range_point(&item, "start"), at);
    assert_eq!(
        apply_edit(&doc.text, &item["range"], "foo", Encoding::Utf16),
        "def show(foo):\n    print(foo)\n    return foo\n",
        "accepting leaves exactly one closing paren"
    );
    client.shutdown_and_exit().await;
}
