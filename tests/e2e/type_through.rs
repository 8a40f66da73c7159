//! Typing the start of a shown suggestion is served from what the model already said.

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{insert_text, llamacpp_options, range_point, single_item, Doc};
use crate::support::text::Encoding;

const SOURCE: &str = "fn main() {\n    let v = <|>\n}\n";

#[tokio::test]
async fn typing_into_the_suggestion_shows_the_rest_without_asking_the_model_again() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("hello_world()");
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&client, &uri, "rust", SOURCE, Encoding::Utf16);

    let first = single_item(&client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&first), "hello_world()");

    doc.insert(&client, cursor, "hel");
    let at = doc.position(cursor + 3);
    let second = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&second), "lo_world()", "item: {second}");
    assert_eq!(range_point(&second, "start"), at);
    assert_eq!(
        backend.generations().len(),
        1,
        "type-through must not ask the model again: {:?}",
        backend
            .generations()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn typing_something_else_asks_the_model_again() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("hello_world()");
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&client, &uri, "rust", SOURCE, Encoding::Utf16);

    let first = single_item(&client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&first), "hello_world()");

    // The cursor now follows the word `x`: the prompt ends before it and the model writes it
    // again (token healing); the editor gets what follows it.
    backend.reply_text("x_count + 1");
    doc.insert(&client, cursor, "x");
    let second = single_item(&client, &uri, doc.position(cursor + 1)).await;
    assert_eq!(insert_text(&second), "_count + 1", "item: {second}");
    assert_eq!(backend.generations().len(), 2);
    let (prefix, _) = backend.generations()[1].fim();
    assert!(prefix.ends_with("let v = "), "second prefix: {prefix:?}");
    client.shutdown_and_exit().await;
}
