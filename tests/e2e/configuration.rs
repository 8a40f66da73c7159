//! Settings changed while running take effect; invalid settings are named and do not stop the
//! server.

use std::time::Duration;

use serde_json::json;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{insert_text, llamacpp_options, single_item, start_with, Doc};
use crate::support::text::Encoding;

#[tokio::test]
async fn did_change_configuration_switches_to_a_new_backend_url() {
    let first = ScriptedBackend::start().await;
    first.reply_text("from_first");
    let second = ScriptedBackend::start().await;
    second.reply_text("from_second");
    let client = start_with(&first).await;
    let uri = client.uri("main.py");
    let (doc, _) = Doc::open(&client, &uri, "python", "a = <|>\nb = \n", Encoding::Utf16);

    let item = single_item(&client, &uri, (0, 4)).await;
    assert_eq!(insert_text(&item), "from_first");

    let settings = llamacpp_options(&second.url());
    client.set_configuration(settings.clone());
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"tandem": settings}}),
    );
    // Notifications are handled in order, but give the server a moment to rebuild its backend.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let item = single_item(&client, &uri, (1, 4)).await;
    assert_eq!(
        insert_text(&item),
        "from_second",
        "document: {:?}",
        doc.text
    );
    assert_eq!(
        first.generations().len(),
        1,
        "the old backend is no longer asked"
    );
    assert_eq!(second.generations().len(), 1);
    client.shutdown_and_exit().await;
}

fn with_invalid_debounce(url: &str) -> serde_json::Value {
    json!({
        "backend": {"kind": "llamacpp", "url": url},
        "completion": {"debounce_ms": "fast"},
    })
}

async fn completes_after_invalid_setting(client: &mut LspClient) {
    let alert = client
        .wait_for_show_message(|m| m.message.contains("completion.debounce_ms"))
        .await;
    assert!(
        alert.is_alert(),
        "an invalid setting is a warning or error: {alert:?}"
    );
    let uri = client.uri("main.py");
    let (doc, cursor) = Doc::open(
        client,
        &uri,
        "python",
        "def f(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    let item = single_item(client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "x + 1");
    client.assert_healthy();
}

#[tokio::test]
async fn an_invalid_setting_change_is_named_and_the_server_keeps_running() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let mut client = start_with(&backend).await;
    let settings = with_invalid_debounce(&backend.url());
    client.set_configuration(settings.clone());
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": settings}),
    );
    completes_after_invalid_setting(&mut client).await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn an_invalid_initialization_option_is_named_and_the_server_keeps_running() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let mut client = LspClient::start().await;
    client
        .initialize(with_invalid_debounce(&backend.url()), None)
        .await;
    completes_after_invalid_setting(&mut client).await;
    client.shutdown_and_exit().await;
}
