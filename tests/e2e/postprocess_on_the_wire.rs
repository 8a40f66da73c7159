//! Raw model output is cleaned before it reaches the editor.

use std::time::Duration;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{
    inline_items, insert_text, llamacpp_options, range_point, single_item, Doc, AUTOMATIC,
};
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

/// Token healing: the prompt stops before the partial word at the cursor, llama.cpp is told to
/// begin with it, and the editor gets the rest of the word onwards. An answer that does not begin
/// with the word is never shown.
#[tokio::test]
async fn a_partial_word_is_written_again_by_the_model_and_taken_off_the_suggestion() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("import LookupDict");
    backend.set_chunking(2, Duration::from_millis(5));
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("status_codes.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "from .structures imp<|>\n\n_codes = {}\n",
        Encoding::Utf16,
    );
    let at = doc.position(cursor);
    let item = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&item), "ort LookupDict", "healed item: {item}");
    assert_eq!(range_point(&item, "start"), at);
    let request = backend.generations().pop().expect("one generation");
    let (prefix, _) = request.fim();
    assert!(
        prefix.ends_with("from .structures "),
        "the prompt ends where the word starts: {prefix:?}"
    );
    assert_eq!(request.body["grammar"], r#"root ::= "imp" .*"#);

    // A model that starts another word (as the 0.5B did before healing) shows nothing.
    backend.reply_text("s import LookupDict");
    let uri = client.uri("cookies.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "from .structures imp<|>\n",
        Encoding::Utf16,
    );
    let result = match client
        .inline_completion(&uri, doc.position(cursor), AUTOMATIC)
        .await
    {
        Ok(result) => result,
        Err(error) => client.fail(&format!("inlineCompletion failed: {error:?}")),
    };
    assert!(
        inline_items(&result).is_empty(),
        "an answer that does not continue the word: {result}"
    );
    client.shutdown_and_exit().await;
}
