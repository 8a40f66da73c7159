//! The reader against real SQLite files written the way the recorder writes them (schema v1, WAL).

use std::path::Path;

use rusqlite::{params, Connection};

use super::*;

/// Schema v1 as in the telemetry contract (notes/session2.md).
const SCHEMA_V1: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE suggestions (
  id TEXT PRIMARY KEY, session TEXT NOT NULL, created_ms INTEGER NOT NULL,
  workspace TEXT, path TEXT,
  language TEXT NOT NULL, model TEXT NOT NULL, backend TEXT NOT NULL, template TEXT NOT NULL,
  trigger TEXT NOT NULL, source TEXT NOT NULL,
  context_ms REAL, prompt_ms REAL, model_ms REAL, post_ms REAL, total_ms REAL,
  prompt_tokens INTEGER, cached_tokens INTEGER,
  context_sources TEXT NOT NULL,
  text TEXT, text_chars INTEGER NOT NULL,
  shown_ms INTEGER, visible_ms INTEGER,
  outcome TEXT, outcome_reason TEXT, outcome_ms INTEGER, accepted_chars INTEGER,
  file_prefix TEXT, file_suffix TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, suggestion_id TEXT,
  at_ms INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE retention (suggestion_id TEXT NOT NULL, checkpoint TEXT NOT NULL,
  at_ms INTEGER NOT NULL, unchanged INTEGER NOT NULL, similarity REAL NOT NULL, surviving TEXT,
  PRIMARY KEY (suggestion_id, checkpoint));
PRAGMA user_version = 1;
";

fn create(path: &Path) -> Connection {
    let connection = Connection::open(path).expect("create the database");
    connection.execute_batch(SCHEMA_V1).expect("schema v1");
    connection
}

fn insert(connection: &Connection, id: &str, created_ms: i64, model: &str, language: &str) {
    connection
        .execute(
            "INSERT INTO suggestions (id, session, created_ms, workspace, path, language, model,
               backend, template, trigger, source, total_ms, model_ms, context_sources, text,
               text_chars, shown_ms, visible_ms, outcome, outcome_ms, accepted_chars,
               file_prefix, file_suffix)
             VALUES (?1, 's', ?2, '/ws', 'a.rs', ?3, ?4, 'llamacpp', 'qwen', 'automatic',
               'model', 120.5, 100.0, '[]', 'let x = 1;', 10, ?2 + 5, 900, 'partial', ?2 + 900,
               4, 'fn f() {', '}')",
            params![id, created_ms, language, model],
        )
        .expect("insert a suggestion");
    connection
        .execute(
            "INSERT INTO retention VALUES (?1, '30s', ?2, 0, 0.75, 'let y = 1;'),
                                          (?1, 'later', ?2, 1, 1.0, NULL)",
            params![id, created_ms + 30_900],
        )
        .expect("insert retention");
}

#[test]
fn rows_load_into_plain_structs_with_the_code_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let connection = create(&path);
    insert(&connection, "a", 1_000, "qwen-0.5b", "rust");

    let with_code = load(
        &path,
        &Filter {
            with_code: true,
            ..Filter::default()
        },
    )
    .expect("load");
    assert_eq!(with_code.suggestions.len(), 1);
    let row = &with_code.suggestions[0];
    assert_eq!(row.id, "a");
    assert_eq!(row.workspace.as_deref(), Some("/ws"));
    assert_eq!(row.total_ms, Some(120.5));
    assert_eq!(row.shown_ms, Some(1_005));
    assert_eq!(row.visible_ms, Some(900));
    assert_eq!(row.outcome, Some(Outcome::Partial));
    assert_eq!(row.accepted_chars, Some(4));
    assert_eq!(row.text.as_deref(), Some("let x = 1;"));
    assert_eq!(row.file_prefix.as_deref(), Some("fn f() {"));
    assert_eq!(row.file_suffix.as_deref(), Some("}"));
    // The unknown checkpoint name `later` is left out, not an error.
    assert_eq!(
        with_code.retention,
        vec![RetentionRow {
            suggestion_id: "a".into(),
            checkpoint: Checkpoint::S30,
            at_ms: 31_900,
            unchanged: false,
            similarity: 0.75,
            surviving: Some("let y = 1;".into()),
        }]
    );

    let without = load(&path, &Filter::default()).expect("load");
    assert_eq!(without.suggestions[0].text, None);
    assert_eq!(without.suggestions[0].file_prefix, None);
    assert_eq!(without.retention[0].surviving, None);
}

#[test]
fn filters_select_by_time_model_and_language_and_carry_to_retention() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let connection = create(&path);
    insert(&connection, "old-a-rust", 1_000, "a", "rust");
    insert(&connection, "new-a-py", 5_000, "a", "python");
    insert(&connection, "new-b-rust", 6_000, "b", "rust");
    let ids = |filter: Filter| -> (Vec<String>, Vec<String>) {
        let t = load(&path, &filter).expect("load");
        (
            t.suggestions.into_iter().map(|r| r.id).collect(),
            t.retention.into_iter().map(|r| r.suggestion_id).collect(),
        )
    };
    let owned = |ids: &[&str]| -> (Vec<String>, Vec<String>) {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        (ids.clone(), ids)
    };
    let cases: Vec<(Filter, &[&str])> = vec![
        (Filter::default(), &["old-a-rust", "new-a-py", "new-b-rust"]),
        (
            Filter {
                since_ms: Some(5_000),
                ..Filter::default()
            },
            &["new-a-py", "new-b-rust"],
        ),
        (
            Filter {
                model: Some("a".into()),
                ..Filter::default()
            },
            &["old-a-rust", "new-a-py"],
        ),
        (
            Filter {
                language: Some("rust".into()),
                ..Filter::default()
            },
            &["old-a-rust", "new-b-rust"],
        ),
        (
            Filter {
                since_ms: Some(2_000),
                model: Some("b".into()),
                language: Some("rust".into()),
                with_code: false,
            },
            &["new-b-rust"],
        ),
        (
            Filter {
                model: Some("nope".into()),
                ..Filter::default()
            },
            &[],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(ids(filter.clone()), owned(expected), "{filter:?}");
    }
}

#[test]
fn reads_while_another_connection_is_in_the_middle_of_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let writer = create(&path);
    insert(&writer, "committed", 1_000, "a", "rust");
    writer.execute_batch("BEGIN IMMEDIATE").expect("begin");
    insert(&writer, "uncommitted", 2_000, "a", "rust");
    // WAL: the reader sees the last commit and does not wait for the writer.
    let t = load(&path, &Filter::default()).expect("load during a write");
    let ids: Vec<&str> = t.suggestions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["committed"]);
    writer.execute_batch("COMMIT").expect("commit");
    assert_eq!(
        load(&path, &Filter::default())
            .expect("load")
            .suggestions
            .len(),
        2
    );
}

#[test]
fn reading_never_writes_to_the_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    drop(create(&path));
    let before = std::fs::read(&path).expect("read the file");
    load(&path, &Filter::default()).expect("load");
    assert_eq!(std::fs::read(&path).expect("read the file"), before);
}

#[test]
fn a_missing_database_says_nothing_was_recorded_yet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = load(&dir.path().join("none.sqlite3"), &Filter::default()).expect_err("missing");
    assert!(matches!(error, LoadError::Missing { .. }));
    let message = error.to_string();
    assert!(message.contains("no telemetry recorded yet"), "{message}");
    assert!(message.contains("README"), "{message}");
}

#[test]
fn an_empty_file_is_an_empty_record_and_another_database_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.sqlite3");
    drop(Connection::open(&empty).expect("create"));
    let t = load(&empty, &Filter::default()).expect("load an empty database");
    assert!(t.suggestions.is_empty());

    let other = dir.path().join("other.sqlite3");
    Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE notes (x TEXT);"))
        .expect("create another database");
    let error = load(&other, &Filter::default()).expect_err("not telemetry");
    assert!(
        error
            .to_string()
            .contains("not a tandem telemetry database"),
        "{error}"
    );

    let garbage = dir.path().join("garbage.sqlite3");
    std::fs::write(
        &garbage,
        "this is not sqlite at all, just some text that is long enough",
    )
    .expect("write");
    assert!(load(&garbage, &Filter::default()).is_err());
}

#[test]
fn columns_added_by_later_schema_versions_are_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.sqlite3");
    let connection = create(&path);
    connection
        .execute_batch("ALTER TABLE suggestions ADD COLUMN future TEXT; PRAGMA user_version = 2;")
        .expect("migrate");
    insert(&connection, "a", 1_000, "a", "rust");
    assert_eq!(
        load(&path, &Filter::default())
            .expect("load")
            .suggestions
            .len(),
        1
    );
}
