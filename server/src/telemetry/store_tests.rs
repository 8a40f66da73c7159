//! The store on real SQLite files: schema, migrations, several processes, and a killed writer.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;
use crate::telemetry::schema::{columns, VERSION};
use crate::telemetry::write::{OutcomeRow, SuggestionRow};
use crate::telemetry::writer::Writer;

/// Selects what a re-run of this test binary does (see [`child_process_entry_point`]).
const ROLE_ENV: &str = "TANDEM_TELEMETRY_TEST_ROLE";
const DB_ENV: &str = "TANDEM_TELEMETRY_TEST_DB";
const TAG_ENV: &str = "TANDEM_TELEMETRY_TEST_TAG";
const COUNT_ENV: &str = "TANDEM_TELEMETRY_TEST_COUNT";
const CHILD_TEST: &str = "telemetry::store::tests::child_process_entry_point";

fn row(id: &str) -> SuggestionRow {
    SuggestionRow {
        id: id.to_string(),
        created_ms: 1_700_000_000_000,
        workspace: Some("/w".into()),
        path: Some("src/main.rs".into()),
        language: "rust".into(),
        model: "qwen2.5-coder-0.5b".into(),
        backend: "llamacpp".into(),
        template: "qwen".into(),
        trigger: "automatic",
        source: "model".into(),
        context_ms: 1.5,
        prompt_ms: 0.5,
        model_ms: 120.0,
        post_ms: 0.25,
        total_ms: 122.25,
        prompt_tokens: Some(300),
        cached_tokens: Some(250),
        context_sources: "[]".into(),
        text: Some("compute(1)".into()),
        text_chars: 10,
    }
}

fn reader(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open for reading");
    conn.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    conn
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[test]
fn a_new_file_gets_schema_v1_in_wal_mode() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/folder/telemetry.sqlite3");
    let store = Store::open(&path, "1-1").expect("opens");
    assert_eq!(store.path(), path);
    let conn = reader(&path);
    assert_eq!(schema::version(&conn).ok(), Some(VERSION));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let expected: &[(&str, &[&str])] = &[
        (
            "suggestions",
            &[
                "id",
                "session",
                "created_ms",
                "workspace",
                "path",
                "language",
                "model",
                "backend",
                "template",
                "trigger",
                "source",
                "context_ms",
                "prompt_ms",
                "model_ms",
                "post_ms",
                "total_ms",
                "prompt_tokens",
                "cached_tokens",
                "context_sources",
                "text",
                "text_chars",
                "shown_ms",
                "visible_ms",
                "outcome",
                "outcome_reason",
                "outcome_ms",
                "accepted_chars",
                "file_prefix",
                "file_suffix",
            ],
        ),
        (
            "events",
            &["id", "suggestion_id", "at_ms", "kind", "detail"],
        ),
        (
            "retention",
            &[
                "suggestion_id",
                "checkpoint",
                "at_ms",
                "unchanged",
                "similarity",
                "surviving",
            ],
        ),
    ];
    for (table, wanted) in expected {
        assert_eq!(columns(&conn, table).expect("columns"), *wanted, "{table}");
    }
    // Opening again is a no-op.
    drop(store);
    Store::open(&path, "1-2").expect("reopens");
    assert_eq!(schema::version(&reader(&path)).ok(), Some(VERSION));
}

#[test]
fn a_partial_version_0_file_is_completed_without_losing_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch(
            "CREATE TABLE suggestions (id TEXT PRIMARY KEY, session TEXT NOT NULL, text TEXT);
             INSERT INTO suggestions (id, session, text) VALUES ('old-1', 's0', 'kept');
             CREATE TABLE events (suggestion_id TEXT, kind TEXT);
             INSERT INTO events VALUES ('old-1', 'shown');",
        )
        .expect("v0 tables");
    }
    let mut store = Store::open(&path, "9-9").expect("migrates");
    let conn = reader(&path);
    assert_eq!(schema::version(&conn).ok(), Some(VERSION));
    assert_eq!(columns(&conn, "suggestions").expect("cols").len(), 29);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM suggestions WHERE id = 'old-1' AND text = 'kept'"
        ),
        1
    );
    // `events` had no id column: set aside whole, a fresh table took its place.
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM events_v0"), 1);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM events"), 0);
    store
        .write(&[
            Write::Suggestion(Box::new(row("new-1"))),
            Write::Event {
                suggestion_id: Some("new-1".into()),
                at_ms: 5,
                kind: "requested",
                detail: json!({}),
            },
        ])
        .expect("writes after migrating");
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM suggestions"), 2);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM events"), 1);
}

#[test]
fn a_file_from_a_newer_tandem_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 7"))
        .expect("future file");
    let error = match Store::open(&path, "1-1") {
        Err(error) => error,
        Ok(_) => panic!("a version 7 file must be refused"),
    };
    let message = error.to_string();
    assert!(
        matches!(error, TelemetryError::TooNew { found: 7, .. }),
        "{message}"
    );
    for needed in [
        path.to_string_lossy().as_ref(),
        "version 7",
        "upgrade tandem",
        "telemetry.path",
    ] {
        assert!(message.contains(needed), "{message:?} lacks {needed:?}");
    }
    // The file is left as it was.
    assert_eq!(schema::version(&reader(&path)).ok(), Some(7));
}

#[test]
fn every_kind_of_row_lands_and_stored_text_is_redacted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let mut store = Store::open(&path, "42-7").expect("opens");
    let secret = format!("ghp_{}", "a1B2c3D4e5".repeat(4));
    let mut suggestion = row("s1");
    suggestion.text = Some(format!("let t = \"{secret}\";"));
    store
        .write(&[
            Write::Suggestion(Box::new(suggestion)),
            Write::Shown {
                id: "s1".into(),
                at_ms: 100,
            },
            Write::Shown {
                id: "s1".into(),
                at_ms: 999,
            },
            Write::Outcome(OutcomeRow {
                id: "s1".into(),
                outcome: "accepted",
                reason: None,
                at_ms: 400,
                visible_ms: Some(300),
                accepted_chars: Some(10),
            }),
            Write::AcceptedContext {
                id: "s1".into(),
                file_prefix: Some(format!("token = \"{secret}\"\n")),
                file_suffix: Some("\n}\n".into()),
            },
            Write::Retention {
                suggestion_id: "s1".into(),
                checkpoint: "30s",
                at_ms: 30_400,
                unchanged: false,
                similarity: 0.75,
                surviving: Some("compute(2)".into()),
            },
        ])
        .expect("writes");
    let conn = reader(&path);
    let (session, shown, outcome, visible, accepted, text, prefix): (
        String,
        i64,
        String,
        i64,
        i64,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT session, shown_ms, outcome, visible_ms, accepted_chars, text, file_prefix
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
                    r.get(6)?,
                ))
            },
        )
        .expect("row");
    assert_eq!(session, "42-7");
    assert_eq!(shown, 100, "the first didShow counts");
    assert_eq!((outcome.as_str(), visible, accepted), ("accepted", 300, 10));
    assert!(
        !text.contains(&secret) && text.contains("[REDACTED]"),
        "{text}"
    );
    assert!(!prefix.contains(&secret), "{prefix}");
    let (similarity, surviving): (f64, String) = conn
        .query_row(
            "SELECT similarity, surviving FROM retention WHERE suggestion_id = 's1' AND checkpoint = '30s'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("retention row");
    assert_eq!((similarity, surviving.as_str()), (0.75, "compute(2)"));
}

#[test]
fn another_sessions_suggestion_with_the_same_id_is_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    Store::open(&path, "1-1")
        .and_then(|mut s| s.write(&[Write::Suggestion(Box::new(row("dup")))]))
        .expect("first session");
    let mut second = Store::open(&path, "2-2").expect("second session");
    second
        .write(&[
            Write::Suggestion(Box::new(row("dup"))),
            Write::Outcome(OutcomeRow {
                id: "dup".into(),
                outcome: "rejected",
                reason: Some("timeout"),
                at_ms: 1,
                visible_ms: None,
                accepted_chars: None,
            }),
        ])
        .expect("the batch still commits");
    let conn = reader(&path);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM suggestions WHERE session = '1-1' AND outcome IS NULL"
        ),
        1
    );
}

/// Runs this test binary again as a child process in `role`.
fn child(role: &str, db: &Path, tag: &str, count: usize) -> Command {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = Command::new(exe);
    command
        .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(ROLE_ENV, role)
        .env(DB_ENV, db)
        .env(TAG_ENV, tag)
        .env(COUNT_ENV, count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Not a test of its own: the body of the child processes the tests below start. Without
/// [`ROLE_ENV`] it returns at once.
#[test]
fn child_process_entry_point() {
    let Ok(role) = std::env::var(ROLE_ENV) else {
        return;
    };
    let db = std::env::var(DB_ENV).expect("db path");
    let tag = std::env::var(TAG_ENV).expect("tag");
    let count: usize = std::env::var(COUNT_ENV)
        .ok()
        .and_then(|c| c.parse().ok())
        .expect("count");
    let writer = Writer::start(db.into(), format!("{}-{tag}", std::process::id()));
    for n in 0..count {
        let id = format!("{tag}-{n}");
        writer.send(vec![
            Write::Suggestion(Box::new(row(&id))),
            Write::Event {
                suggestion_id: Some(id.clone()),
                at_ms: n as u64,
                kind: "requested",
                detail: json!({ "n": n }),
            },
        ]);
        if role == "report-commits" {
            assert!(writer.flush(Duration::from_secs(30)), "commit {id}");
            println!("committed {id}");
        }
    }
    assert!(writer.flush(Duration::from_secs(60)), "final flush");
    println!("done {tag}");
}

#[test]
fn several_processes_writing_at_once_lose_no_event() {
    const PROCESSES: usize = 4;
    const EVENTS: usize = 150;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shared.sqlite3");
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            child("write", &path, &format!("p{p}"), EVENTS)
                .spawn()
                .expect("spawn a writer process")
        })
        .collect();
    for (p, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().expect("writer finishes");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains(&format!("done p{p}")),
            "writer p{p} failed: {}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let conn = reader(&path);
    let expected = (PROCESSES * EVENTS) as i64;
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM suggestions"), expected);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM events WHERE kind = 'requested'"
        ),
        expected
    );
    assert_eq!(
        count(&conn, "SELECT COUNT(DISTINCT session) FROM suggestions"),
        PROCESSES as i64
    );
}

#[test]
fn a_killed_process_loses_nothing_it_committed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("killed.sqlite3");
    let mut process = child("report-commits", &path, "k", 1_000_000)
        .spawn()
        .expect("spawn the writer");
    let stdout = process.stdout.take().expect("piped stdout");
    let mut committed = Vec::new();
    let started = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.to_string());
        }
        if committed.len() >= 200 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
    }
    // SIGKILL mid-stream: the writer is busy with the next rows.
    process.kill().expect("kill the writer");
    let status = process.wait().expect("reap the writer");
    assert!(!status.success(), "the writer was killed, not finished");
    assert!(
        committed.len() >= 50,
        "too few commits seen: {}",
        committed.len()
    );

    let conn = reader(&path);
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let mut statement = conn
        .prepare("SELECT COUNT(*) FROM suggestions WHERE id = ?1")
        .expect("prepare");
    let missing: Vec<&String> = committed
        .iter()
        .filter(|id| {
            statement
                .query_row([id.as_str()], |r| r.get::<_, i64>(0))
                .unwrap_or(0)
                != 1
        })
        .collect();
    assert!(missing.is_empty(), "committed but lost: {missing:?}");
}
