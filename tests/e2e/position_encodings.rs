//! Columns are counted in the negotiated encoding, in changes, requests and returned ranges.

use serde_json::json;

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{insert_text, llamacpp_options, range_point, single_item, Doc};
use crate::support::text::{apply_edit, Encoding};

const SOURCE: &str = "fn main() {\n    let s = \"日本😀\"; let x = <|>\n}\n";
const INSERTED: &str = "é!";

/// Column of the cursor after inserting [`INSERTED`] after the emoji, counted by hand:
/// `    let s = "` (13) + 日本 + 😀 + é + `!` + `"; let x = ` (11).
fn expected_cursor_column(encoding: Encoding) -> u32 {
    match encoding {
        Encoding::Utf8 => 13 + 6 + 4 + 2 + 1 + 11,
        Encoding::Utf16 => 13 + 2 + 2 + 1 + 1 + 11,
        Encoding::Utf32 => 13 + 2 + 1 + 1 + 1 + 11,
    }
}

async fn non_ascii_line_round_trip(encoding: Encoding) {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("42;");
    let client = LspClient::start().await;
    let result = client
        .initialize(llamacpp_options(&backend.url()), Some(&[encoding.name()]))
        .await;
    let negotiated = &result["capabilities"]["positionEncoding"];
    if encoding == Encoding::Utf16 {
        assert!(
            negotiated.is_null() || negotiated == &json!("utf-16"),
            "positionEncoding: {negotiated}"
        );
    } else {
        assert_eq!(
            negotiated,
            &json!(encoding.name()),
            "the only offered encoding is chosen"
        );
    }

    let uri = client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&client, &uri, "rust", SOURCE, encoding);
    let after_emoji = doc
        .text
        .find('😀')
        .map(|i| i + '😀'.len_utf8())
        .unwrap_or(0);
    doc.insert(&client, after_emoji, INSERTED);
    let cursor = cursor + INSERTED.len();
    let at = doc.position(cursor);
    assert_eq!(at, (1, expected_cursor_column(encoding)), "test arithmetic");

    let item = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&item), "42;");
    assert_eq!(
        range_point(&item, "start"),
        at,
        "range start in {} columns: {item}",
        encoding.name()
    );
    let mut expected = doc.text.clone();
    expected.insert_str(cursor, "42;");
    assert_eq!(
        apply_edit(&doc.text, &item["range"], "42;", encoding),
        expected
    );

    let (prefix, suffix) = backend.wait_for_generations(1).await[0].fim();
    assert_eq!(prefix, "fn main() {\n    let s = \"日本😀é!\"; let x = ");
    assert!(suffix.starts_with("\n}"), "suffix: {suffix:?}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn utf8_columns_address_emoji_and_cjk_lines() {
    non_ascii_line_round_trip(Encoding::Utf8).await;
}

#[tokio::test]
async fn utf16_columns_address_emoji_and_cjk_lines() {
    non_ascii_line_round_trip(Encoding::Utf16).await;
}

#[tokio::test]
async fn utf32_columns_address_emoji_and_cjk_lines() {
    non_ascii_line_round_trip(Encoding::Utf32).await;
}

#[tokio::test]
async fn crlf_documents_keep_their_line_breaks_and_columns() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("1;");
    let client = LspClient::start().await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let uri = client.uri("crlf.rs");
    let (mut doc, cursor) = Doc::open(
        &client,
        &uri,
        "rust",
        "fn main() {\r\n    let x = <|>\r\n}\r\n",
        Encoding::Utf16,
    );
    let after_let = doc.text.find("let ").map(|i| i + 4).unwrap_or(0);
    doc.insert(&client, after_let, "mut ");
    let cursor = cursor + "mut ".len();
    let at = doc.position(cursor);
    assert_eq!(at, (1, 16));

    let item = single_item(&client, &uri, at).await;
    assert_eq!(insert_text(&item), "1;");
    assert_eq!(range_point(&item, "start"), at, "item: {item}");
    let (prefix, suffix) = backend.wait_for_generations(1).await[0].fim();
    assert_eq!(prefix, "fn main() {\r\n    let mut x = ");
    assert!(suffix.starts_with("\r\n}"), "suffix: {suffix:?}");
    client.shutdown_and_exit().await;
}
