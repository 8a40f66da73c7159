//! Bad input from the editor never crashes or wedges the server.
//!
//! Malformed JSON-RPC: tower-lsp-server answers a decode error with a JSON-RPC error whose id is
//! null (-32700 parse error / -32600 invalid request), and with tokio-util's `FramedRead` the input
//! stream ends after a decode error, so the server may stop reading stdin. Either outcome is
//! acceptable — it keeps answering, or it exits on its own without a panic — but a process that
//! neither answers nor exits leaves the editor with a silently dead server.

use std::time::Duration;

use serde_json::Value;

use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{inline_items, insert_text, single_item, start_with, Doc, AUTOMATIC};
use crate::support::text::Encoding;
use crate::support::wait::{default_timeout, poll_until};

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

async fn survives_malformed_input(bytes: &[u8]) {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let mut client = start_with(&backend).await;
    let uri = client.uri("main.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def f(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    client.send_raw(bytes.to_vec());

    let error_response = poll_until(default_timeout(), || {
        client.orphan_responses().into_iter().find(|m| {
            m["id"].is_null()
                && matches!(
                    m["error"]["code"].as_i64(),
                    Some(PARSE_ERROR | INVALID_REQUEST)
                )
        })
    })
    .await;
    if error_response.is_none() {
        client.fail(&format!(
            "malformed input should be answered with a JSON-RPC error with id null; got {:?}",
            client.orphan_responses()
        ));
    }

    let probe = client.send_inline_completion(&uri, doc.position(cursor), AUTOMATIC);
    match client
        .try_response_within(probe, Duration::from_secs(5))
        .await
    {
        Some(Ok(result)) => {
            let texts: Vec<String> = inline_items(&result).iter().map(insert_text).collect();
            assert_eq!(texts, vec!["x + 1".to_string()], "still completes");
            client.assert_healthy();
            client.shutdown_and_exit().await;
        }
        Some(Err(error)) => client.fail(&format!(
            "a valid request failed after bad input: {error:?}"
        )),
        None => match client.wait_for_exit(default_timeout()).await {
            Some(status) => {
                eprintln!("the server exited after malformed input: {status}");
                client.assert_no_panic();
                assert!(
                    status.code().is_some(),
                    "the server exited on its own, not killed by a signal: {status}"
                );
            }
            None => {
                client.fail("after malformed input the server neither answers requests nor exits")
            }
        },
    }
}

#[tokio::test]
async fn invalid_json_body_does_not_crash_the_server() {
    let body = br#"{"jsonrpc": "2.0", "id": 99, "method": "#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    survives_malformed_input(&bytes).await;
}

#[tokio::test]
async fn garbage_framing_does_not_crash_the_server() {
    survives_malformed_input(b"this is not a header at all\r\n\r\n{}").await;
}

#[tokio::test]
async fn a_50_mb_document_is_skipped_and_the_server_stays_responsive() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let mut client = start_with(&backend).await;

    // 5,000,000 lines of "value = 1", then the cursor line; framed by hand because serializing
    // 50 MB through serde_json in a debug build takes seconds.
    let lines: u32 = 5_000_000;
    let big_uri = client.uri("big.py");
    let text_json = format!(
        "{}def f(x):\\n    return ",
        "value = 1\\n".repeat(lines as usize)
    );
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{big_uri}","languageId":"python","version":1,"text":"{text_json}"}}}}}}"#
    );
    drop(text_json);
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body.as_bytes());
    drop(body);
    assert!(framed.len() > 50_000_000);
    client.send_raw(framed);
    let end = (lines + 1, 11);
    let pending = client.send_inline_completion(&big_uri, end, AUTOMATIC);
    // Generous: a debug build needs ~5 s just to decode 50 MB of JSON on a busy 2-core machine.
    match client
        .response_within(pending, Duration::from_secs(30))
        .await
    {
        Ok(result) => assert!(
            inline_items(&result).is_empty(),
            "a file over completion.max_file_bytes gets no suggestion: {result}"
        ),
        Err(error) => client.fail(&format!("completion on a huge file failed: {error:?}")),
    }
    assert!(
        backend.generations().is_empty(),
        "the huge file was not sent to the model"
    );

    let uri = client.uri("small.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def f(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    let item = single_item(&client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "x + 1");
    client.assert_healthy();
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn untitled_buffers_complete() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let client = start_with(&backend).await;
    let uri = "untitled:Untitled-1";
    let (doc, cursor) = Doc::open(
        &client,
        uri,
        "python",
        "def f(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    let item = single_item(&client, uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "x + 1");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn changes_and_requests_for_a_closed_document_do_not_crash_the_server() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("x + 1");
    let mut client = start_with(&backend).await;
    let uri = client.uri("closed.py");
    let (doc, cursor) = Doc::open(
        &client,
        &uri,
        "python",
        "def f(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    let at = doc.position(cursor);
    client.did_close(&uri);
    client.did_change(&uri, 2, at, at, "y");
    // Any answer will do (empty or an error); what matters is that one comes.
    let answer: Result<Value, _> = client.inline_completion(&uri, at, AUTOMATIC).await;
    if let Ok(result) = &answer {
        assert!(
            inline_items(result).is_empty(),
            "no suggestion for a closed document: {result}"
        );
    }
    let never_opened = client.uri("never_opened.py");
    let _ = client
        .inline_completion(&never_opened, (0, 0), AUTOMATIC)
        .await;
    client.assert_healthy();

    let other = client.uri("open.py");
    let (doc, cursor) = Doc::open(
        &client,
        &other,
        "python",
        "def g(x):\n    return <|>\n",
        Encoding::Utf16,
    );
    let item = single_item(&client, &other, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "x + 1");
    client.shutdown_and_exit().await;
}
