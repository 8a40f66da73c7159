//! Telemetry through the real binary: what a client reports (shown, accepted through the item's
//! command, partially accepted, rejected) and what the user's edits imply (typed over, timed out,
//! retention) ends up in the SQLite file under `TANDEM_DATA_DIR`. Checkpoint delays and the
//! rejection timeout are shortened with the test-only `TANDEM_TELEMETRY_CHECKPOINTS_MS` and
//! `TANDEM_TELEMETRY_TIMEOUT_MS`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{json, Value};

use crate::support::lsp_client::LspClient;
use crate::support::scripted_backend::ScriptedBackend;
use crate::support::setup::{insert_text, llamacpp_options, single_item, Doc};
use crate::support::text::Encoding;
use crate::support::wait::poll_until;

const SOURCE: &str = "fn main() {\n    let v = <|>\n}\n";
/// Generous: the server commits within milliseconds, but CI machines are shared.
const DB_WAIT: Duration = Duration::from_secs(20);

/// A server recording telemetry into a fresh data folder.
struct Recorded {
    client: LspClient,
    backend: ScriptedBackend,
    _data: tempfile::TempDir,
    db: PathBuf,
}

async fn start(extra_env: &[(&str, &str)]) -> Recorded {
    let data = tempfile::tempdir().expect("a temp data dir");
    let data_dir = data.path().to_string_lossy().into_owned();
    let mut env = vec![("TANDEM_DATA_DIR", data_dir.as_str())];
    env.extend_from_slice(extra_env);
    let backend = ScriptedBackend::start().await;
    let client = LspClient::start_with_env(&env).await;
    client
        .initialize(llamacpp_options(&backend.url()), None)
        .await;
    let db = data.path().join("tandem").join("telemetry.sqlite3");
    Recorded {
        client,
        backend,
        _data: data,
        db,
    }
}

/// Reads the database while the server writes it (WAL: readers see every commit).
fn query<T>(
    db: &Path,
    sql: &str,
    row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Option<T> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    conn.query_row(sql, [], row).optional().ok().flatten()
}

/// Waits until `sql` returns a row; fails with the server's log otherwise.
async fn wait_row<T>(
    r: &Recorded,
    what: &str,
    sql: &str,
    row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> T {
    match poll_until(DB_WAIT, || query(&r.db, sql, &row)).await {
        Some(value) => value,
        None => r.client.fail(&format!(
            "telemetry never recorded {what} ({sql}) in {}",
            r.db.display()
        )),
    }
}

fn suggestion_id(item: &Value) -> String {
    item.pointer("/command/arguments/0/id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| panic!("inline item without the accept command's id: {item}"))
}

/// Replaces `len` bytes at `offset` in a tracked document.
fn replace(doc: &mut Doc, client: &LspClient, offset: usize, len: usize, text: &str) {
    let (start, end) = (doc.position(offset), doc.position(offset + len));
    doc.version += 1;
    client.did_change(&doc.uri, doc.version, start, end, text);
    doc.text.replace_range(offset..offset + len, text);
}

fn kinds(db: &Path, id: &str) -> Vec<String> {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Vec::new();
    };
    conn.prepare("SELECT kind FROM events WHERE suggestion_id = ?1 ORDER BY id")
        .and_then(|mut s| s.query_map([id], |r| r.get(0))?.collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_accepted_suggestion_is_recorded_and_followed_through_later_edits() {
    let r = start(&[("TANDEM_TELEMETRY_CHECKPOINTS_MS", "3000,4000")]).await;
    r.backend.reply_text("compute(1)");
    let uri = r.client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&r.client, &uri, "rust", SOURCE, Encoding::Utf16);
    let item = single_item(&r.client, &uri, doc.position(cursor)).await;
    assert_eq!(insert_text(&item), "compute(1)");
    let id = suggestion_id(&item);

    r.client
        .notify("textDocument/didShowCompletion", json!({ "item": item }));
    // The editor inserts the item, then runs its command.
    doc.insert(&r.client, cursor, "compute(1)");
    r.client
        .request(
            "workspace/executeCommand",
            json!({ "command": "tandem.accept", "arguments": [{ "id": id }] }),
        )
        .await
        .unwrap_or_else(|e| r.client.fail(&format!("tandem.accept failed: {e:?}")));
    // The user changes the argument, well before the first checkpoint.
    replace(&mut doc, &r.client, cursor + 8, 1, "42");

    let sql = format!(
        "SELECT outcome, accepted_chars, shown_ms IS NOT NULL, visible_ms IS NOT NULL, path,
                language, trigger, source, text, file_prefix, file_suffix
         FROM suggestions WHERE id = '{id}' AND outcome IS NOT NULL"
    );
    let row = wait_row(&r, "the acceptance", &sql, |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, bool>(2)?,
            row.get::<_, bool>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, String>(7)?,
            row.get::<_, Option<String>>(8)?,
            row.get::<_, Option<String>>(9)?,
            row.get::<_, Option<String>>(10)?,
        ))
    })
    .await;
    assert_eq!(
        (row.0.as_str(), row.1, row.2, row.3),
        ("accepted", 10, true, true)
    );
    assert_eq!(row.4.as_deref(), Some("main.rs"));
    assert_eq!(
        (row.5.as_str(), row.6.as_str(), row.7.as_str()),
        ("rust", "automatic", "model")
    );
    assert_eq!(row.8.as_deref(), Some("compute(1)"));
    assert_eq!(row.9.as_deref(), Some("fn main() {\n    let v = "));
    assert_eq!(row.10.as_deref(), Some("\n}\n"));

    for checkpoint in ["30s", "2m"] {
        let sql = format!(
            "SELECT unchanged, similarity, surviving FROM retention
             WHERE suggestion_id = '{id}' AND checkpoint = '{checkpoint}'"
        );
        let (unchanged, similarity, surviving) = wait_row(&r, checkpoint, &sql, |row| {
            Ok((
                row.get::<_, bool>(0)?,
                row.get::<_, f64>(1)?,
                row.get::<_, Option<String>>(2)?,
            ))
        })
        .await;
        assert!(!unchanged, "{checkpoint}: the argument was edited");
        assert_eq!(surviving.as_deref(), Some("compute(42)"), "{checkpoint}");
        assert!(
            (similarity - (1.0 - 2.0 / 11.0)).abs() < 1e-9,
            "{checkpoint}: {similarity}"
        );
    }

    r.client.did_close(&uri);
    let sql = format!(
        "SELECT surviving FROM retention WHERE suggestion_id = '{id}' AND checkpoint = 'close'"
    );
    let surviving = wait_row(&r, "the close checkpoint", &sql, |row| {
        row.get::<_, Option<String>>(0)
    })
    .await;
    assert_eq!(surviving.as_deref(), Some("compute(42)"));
    assert_eq!(kinds(&r.db, &id), ["requested", "shown", "accepted"]);
    r.client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_partial_acceptance_records_how_much_was_taken() {
    let r = start(&[]).await;
    r.backend.reply_text("value + other");
    let uri = r.client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&r.client, &uri, "rust", SOURCE, Encoding::Utf16);
    let item = single_item(&r.client, &uri, doc.position(cursor)).await;
    let id = suggestion_id(&item);
    r.client
        .notify("textDocument/didShowCompletion", json!({ "item": item }));
    doc.insert(&r.client, cursor, "value");
    r.client.notify(
        "textDocument/didPartiallyAcceptCompletion",
        json!({ "item": item, "acceptedLength": 5 }),
    );
    let sql = format!(
        "SELECT outcome, accepted_chars, file_prefix FROM suggestions
         WHERE id = '{id}' AND outcome IS NOT NULL"
    );
    let (outcome, chars, prefix) = wait_row(&r, "the partial acceptance", &sql, |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, Option<String>>(2)?,
        ))
    })
    .await;
    assert_eq!((outcome.as_str(), chars), ("partial", 5));
    assert_eq!(prefix.as_deref(), Some("fn main() {\n    let v = "));
    let detail = wait_row(
        &r,
        "the partially_accepted event",
        &format!("SELECT detail FROM events WHERE suggestion_id = '{id}' AND kind = 'partially_accepted'"),
        |row| row.get::<_, String>(0),
    )
    .await;
    let detail: Value = serde_json::from_str(&detail).expect("JSON detail");
    assert_eq!(detail["accepted_length_utf16"], 5);
    r.client.shutdown_and_exit().await;
}

#[tokio::test]
async fn typing_something_else_and_dismissing_are_rejections() {
    let r = start(&[]).await;
    r.backend.reply_text("hello_world()");
    let uri = r.client.uri("main.rs");
    let (mut doc, cursor) = Doc::open(&r.client, &uri, "rust", SOURCE, Encoding::Utf16);
    let first = single_item(&r.client, &uri, doc.position(cursor)).await;
    let first_id = suggestion_id(&first);
    r.client
        .notify("textDocument/didShowCompletion", json!({ "item": first }));
    // Typing the start of it is type-through, not a rejection…
    doc.insert(&r.client, cursor, "he");
    let again = single_item(&r.client, &uri, doc.position(cursor + 2)).await;
    assert_eq!(suggestion_id(&again), first_id, "type-through keeps the id");
    // …typing something else is.
    doc.insert(&r.client, cursor + 2, "x");
    let sql = format!(
        "SELECT outcome, outcome_reason FROM suggestions WHERE id = '{first_id}' AND outcome IS NOT NULL"
    );
    let outcome = wait_row(&r, "the typed-over rejection", &sql, |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })
    .await;
    assert_eq!(outcome, ("rejected".into(), "typed_over".into()));

    // The cursor follows the word `hex`: the model writes it again (token healing).
    r.backend.reply_text("hex_count + 1");
    let second = single_item(&r.client, &uri, doc.position(cursor + 3)).await;
    let second_id = suggestion_id(&second);
    assert_ne!(second_id, first_id);
    r.client
        .request(
            "workspace/executeCommand",
            json!({ "command": "tandem.reject", "arguments": [{ "id": second_id }] }),
        )
        .await
        .unwrap_or_else(|e| r.client.fail(&format!("tandem.reject failed: {e:?}")));
    let sql = format!(
        "SELECT outcome_reason FROM suggestions WHERE id = '{second_id}' AND outcome IS NOT NULL"
    );
    let reason = wait_row(&r, "the explicit rejection", &sql, |row| {
        row.get::<_, String>(0)
    })
    .await;
    assert_eq!(reason, "explicit");
    assert_eq!(
        kinds(&r.db, &first_id),
        ["requested", "shown", "requested", "rejected"]
    );
    r.client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_suggestion_left_alone_times_out() {
    let r = start(&[("TANDEM_TELEMETRY_TIMEOUT_MS", "300")]).await;
    r.backend.reply_text("compute(1)");
    let uri = r.client.uri("main.rs");
    let (doc, cursor) = Doc::open(&r.client, &uri, "rust", SOURCE, Encoding::Utf16);
    let item = single_item(&r.client, &uri, doc.position(cursor)).await;
    let id = suggestion_id(&item);
    r.client
        .notify("textDocument/didShowCompletion", json!({ "item": item }));
    let sql = format!(
        "SELECT outcome_reason, visible_ms FROM suggestions WHERE id = '{id}' AND outcome IS NOT NULL"
    );
    let (reason, visible) = wait_row(&r, "the timeout", &sql, |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })
    .await;
    assert_eq!(reason, "timeout");
    assert!(visible >= 300, "visible {visible} ms");
    r.client.shutdown_and_exit().await;
}

#[tokio::test]
async fn disabled_telemetry_writes_no_database() {
    let data = tempfile::tempdir().expect("a temp data dir");
    let data_dir = data.path().to_string_lossy().into_owned();
    let backend = ScriptedBackend::start().await;
    backend.reply_text("compute(1)");
    let client = LspClient::start_with_env(&[("TANDEM_DATA_DIR", data_dir.as_str())]).await;
    let mut options = llamacpp_options(&backend.url());
    options["telemetry"] = json!({ "enabled": false });
    client.initialize(options, None).await;
    let uri = client.uri("main.rs");
    let (doc, cursor) = Doc::open(&client, &uri, "rust", SOURCE, Encoding::Utf16);
    let item = single_item(&client, &uri, doc.position(cursor)).await;
    client
        .request(
            "workspace/executeCommand",
            json!({ "command": "tandem.accept", "arguments": [{ "id": suggestion_id(&item) }] }),
        )
        .await
        .unwrap_or_else(|e| client.fail(&format!("tandem.accept failed: {e:?}")));
    client.shutdown_and_exit().await;
    assert!(
        !data.path().join("tandem").exists(),
        "telemetry.enabled = false must not create {}",
        data.path().join("tandem").display()
    );
}

#[tokio::test]
async fn two_servers_record_into_one_database_at_once() {
    let data = tempfile::tempdir().expect("a temp data dir");
    let data_dir = data.path().to_string_lossy().into_owned();
    let env = [("TANDEM_DATA_DIR", data_dir.as_str())];
    let backend = ScriptedBackend::start().await;
    backend.reply_text("compute(1)");
    let mut clients = Vec::new();
    for _ in 0..2 {
        let client = LspClient::start_with_env(&env).await;
        client
            .initialize(llamacpp_options(&backend.url()), None)
            .await;
        clients.push(client);
    }
    let mut ids = Vec::new();
    for client in &clients {
        let uri = client.uri("main.rs");
        let (mut doc, cursor) = Doc::open(client, &uri, "rust", SOURCE, Encoding::Utf16);
        let item = single_item(client, &uri, doc.position(cursor)).await;
        let id = suggestion_id(&item);
        doc.insert(client, cursor, "compute(1)");
        client
            .request(
                "workspace/executeCommand",
                json!({ "command": "tandem.accept", "arguments": [{ "id": id }] }),
            )
            .await
            .unwrap_or_else(|e| client.fail(&format!("tandem.accept failed: {e:?}")));
        ids.push(id);
    }
    let db = data.path().join("tandem").join("telemetry.sqlite3");
    let sql = "SELECT COUNT(DISTINCT session) FROM suggestions WHERE outcome = 'accepted'";
    let sessions = poll_until(DB_WAIT, || {
        query(&db, sql, |row| row.get::<_, i64>(0)).filter(|n| *n == 2)
    })
    .await;
    if sessions.is_none() {
        clients[0].fail(&format!(
            "both servers' acceptances should be recorded ({ids:?}) in {}",
            db.display()
        ));
    }
    for client in clients {
        client.shutdown_and_exit().await;
    }
}
