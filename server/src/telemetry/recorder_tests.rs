//! The facade against real SQLite files.

use std::path::Path;

use super::*;
use crate::documents::{PositionEncoding, TextChange};
use crate::engine::{Suggestion, Timings, Trigger};

const URI: &str = "file:///w/src/main.rs";
const SOURCE: &str = "fn main() {\n    let v = \n}\n";

fn section(path: &Path) -> TelemetrySection {
    TelemetrySection {
        path: path.to_string_lossy().into_owned(),
        ..TelemetrySection::default()
    }
}

fn offer(uri: &str, path: &str, id: &str, text: &str, at: usize) -> Offer {
    Offer {
        uri: uri.into(),
        path: Some(path.into()),
        workspace: None,
        language: "rust".into(),
        trigger: Trigger::Invoked,
        source: "model".into(),
        suggestions: vec![Suggestion {
            id: id.into(),
            text: text.into(),
            at,
        }],
        model: "m".into(),
        backend: "b".into(),
        template: "qwen".into(),
        timings: Timings::default(),
        usage: Default::default(),
        context: Vec::new(),
        skipped: None,
    }
}

/// Opens `SOURCE`, offers "compute(1)" at the cursor, inserts it like an editor and accepts it.
fn accept_flow(telemetry: &Telemetry, documents: &DocumentStore, uri: &str, path: &str) {
    documents.open(uri, "rust", 1, SOURCE);
    telemetry.offered(&offer(uri, path, "s1", "compute(1)", 24));
    telemetry.shown("s1");
    let edits = documents
        .change(
            uri,
            2,
            &[TextChange {
                range: Some(((1, 12), (1, 12))),
                text: "compute(1)".into(),
            }],
            PositionEncoding::Utf16,
        )
        .expect("open document");
    telemetry.document_changed(uri, &edits);
    telemetry.accepted("s1");
}

fn reader(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("read the database")
}

#[test]
fn an_accepted_suggestion_is_recorded_with_its_file_and_close_checkpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.sqlite3");
    let documents = Arc::new(DocumentStore::new());
    let telemetry = Telemetry::new(&section(&db), Some("/w".into()), documents.clone());
    accept_flow(&telemetry, &documents, URI, "/w/src/main.rs");
    telemetry.document_closed(URI);
    assert!(telemetry.flush(Duration::from_secs(10)), "flushed");
    assert!(telemetry.is_recording());
    assert_eq!(telemetry.database_path(), Some(db.clone()));

    let conn = reader(&db);
    let (path, outcome, chars, prefix, suffix, shown): (
        String,
        String,
        i64,
        String,
        String,
        Option<i64>,
    ) = conn
        .query_row(
            "SELECT path, outcome, accepted_chars, file_prefix, file_suffix, shown_ms
             FROM suggestions WHERE id = 's1'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .expect("suggestion row");
    assert_eq!(
        (path.as_str(), outcome.as_str(), chars),
        ("src/main.rs", "accepted", 10)
    );
    assert_eq!(
        (prefix.as_str(), suffix.as_str()),
        ("fn main() {\n    let v = ", "\n}\n")
    );
    assert!(shown.is_some());
    let (unchanged, surviving): (bool, String) = conn
        .query_row(
            "SELECT unchanged, surviving FROM retention WHERE suggestion_id = 's1' AND checkpoint = 'close'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("close checkpoint");
    assert_eq!((unchanged, surviving.as_str()), (true, "compute(1)"));
    let kinds: Vec<String> = conn
        .prepare("SELECT kind FROM events WHERE suggestion_id = 's1' ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("events");
    assert_eq!(kinds, ["requested", "shown", "accepted"]);
}

#[test]
fn store_code_false_keeps_metrics_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.sqlite3");
    let documents = Arc::new(DocumentStore::new());
    let config = TelemetrySection {
        store_code: false,
        ..section(&db)
    };
    let telemetry = Telemetry::new(&config, Some("/w".into()), documents.clone());
    accept_flow(&telemetry, &documents, URI, "/w/src/main.rs");
    assert!(telemetry.finish_blocking(Duration::from_secs(10)));
    let conn = reader(&db);
    let row: (Option<String>, Option<String>, Option<String>, i64, String) = conn
        .query_row(
            "SELECT text, file_prefix, file_suffix, text_chars, outcome FROM suggestions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("row");
    assert_eq!(row, (None, None, None, 10, "accepted".into()));
    let surviving: Option<String> = conn
        .query_row("SELECT surviving FROM retention", [], |r| r.get(0))
        .expect("close checkpoint");
    assert_eq!(surviving, None);
}

#[test]
fn never_stored_files_leave_no_code_and_no_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.sqlite3");
    let documents = Arc::new(DocumentStore::new());
    let telemetry = Telemetry::new(&section(&db), Some("/w".into()), documents.clone());
    accept_flow(&telemetry, &documents, "file:///w/.env", "/w/.env");
    assert!(telemetry.finish_blocking(Duration::from_secs(10)));
    let conn = reader(&db);
    let row: (Option<String>, Option<String>, Option<String>, String) = conn
        .query_row(
            "SELECT path, text, file_prefix, outcome FROM suggestions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("row");
    assert_eq!(row, (None, None, None, "accepted".into()));
    let surviving: Option<String> = conn
        .query_row("SELECT surviving FROM retention", [], |r| r.get(0))
        .expect("checkpoint");
    assert_eq!(surviving, None);
}

#[test]
fn disabled_telemetry_creates_no_file_until_enabled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sub/t.sqlite3");
    let documents = Arc::new(DocumentStore::new());
    let off = TelemetrySection {
        enabled: false,
        ..section(&db)
    };
    let telemetry = Telemetry::new(&off, None, documents.clone());
    accept_flow(&telemetry, &documents, URI, "/w/src/main.rs");
    assert!(!telemetry.flush(Duration::from_secs(1)));
    assert!(!telemetry.is_recording());
    assert!(!db.exists() && !db.parent().is_some_and(Path::exists));

    telemetry.set_config(&section(&db));
    telemetry.offered(&offer(URI, "/w/src/main.rs", "s2", "x", 0));
    assert!(telemetry.flush(Duration::from_secs(10)));
    let count: i64 = reader(&db)
        .query_row("SELECT COUNT(*) FROM suggestions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 1, "only what was offered while enabled");

    Telemetry::disabled().offered(&offer(URI, "/w/src/main.rs", "s3", "x", 0));
}

#[test]
fn a_database_from_a_newer_tandem_turns_telemetry_off_without_failing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.sqlite3");
    rusqlite::Connection::open(&db)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 99"))
        .expect("future file");
    let documents = Arc::new(DocumentStore::new());
    let telemetry = Telemetry::new(&section(&db), None, documents.clone());
    accept_flow(&telemetry, &documents, URI, "/w/src/main.rs");
    assert!(!telemetry.flush(Duration::from_secs(10)));
    assert!(!telemetry.is_recording());
    let tables: i64 = reader(&db)
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
        .expect("count");
    assert_eq!(tables, 0, "the newer file is not touched");
}
