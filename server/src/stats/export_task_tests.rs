//! Accepted suggestions → eval tasks.

use std::path::{Path, PathBuf};

use super::*;

const ACCEPTED_AT: i64 = 1_000_000;

fn accepted(text: &str) -> SuggestionRow {
    SuggestionRow {
        id: "sug-1".into(),
        created_ms: ACCEPTED_AT - 500,
        workspace: Some("/home/u/ws".into()),
        path: Some("src/lib.rs".into()),
        language: "rust".into(),
        model: "m".into(),
        text: Some(text.into()),
        text_chars: text.chars().count() as i64,
        outcome: Some(Outcome::Accepted),
        outcome_ms: Some(ACCEPTED_AT),
        file_prefix: Some("fn main() {\n    let x = ".into()),
        file_suffix: Some("\n}\n".into()),
        ..SuggestionRow::default()
    }
}

fn check(checkpoint: Checkpoint, after_ms: i64, surviving: Option<&str>) -> RetentionRow {
    RetentionRow {
        suggestion_id: "sug-1".into(),
        checkpoint,
        at_ms: ACCEPTED_AT + after_ms,
        unchanged: false,
        similarity: 0.5,
        surviving: surviving.map(String::from),
    }
}

#[test]
fn a_full_acceptance_becomes_a_task_with_the_file_around_it() {
    let task = task_from(&accepted("42;"), &[], "../ws".into(), None).expect("a task");
    assert_eq!(
        task,
        EvalTask {
            id: "sug-1".into(),
            repo: "../ws".into(),
            path: "src/lib.rs".into(),
            language: "rust".into(),
            kind: "line-rest",
            origin: "telemetry",
            prefix: "fn main() {\n    let x = ".into(),
            suffix: "\n}\n".into(),
            expected: "42;".into(),
        }
    );
    let line = serde_json::to_value(&task).expect("serializable");
    for field in [
        "id", "repo", "path", "language", "prefix", "suffix", "expected", "kind", "origin",
    ] {
        assert!(line[field].is_string(), "{field} missing in {line}");
    }
}

#[test]
fn expected_is_what_survived_at_the_latest_checkpoint() {
    let row = accepted("compute(a, b);");
    // (retention rows, expected)
    let cases: Vec<(Vec<RetentionRow>, &str)> = vec![
        (vec![], "compute(a, b);"),
        (
            vec![
                check(Checkpoint::S30, 30_000, Some("compute(a, b)")),
                check(Checkpoint::M2, 120_000, Some("compute(a, c);")),
            ],
            "compute(a, c);",
        ),
        // A later check without stored text does not hide the last text that was stored.
        (
            vec![
                check(Checkpoint::M2, 120_000, Some("compute(a, c);")),
                check(Checkpoint::M5, 300_000, None),
            ],
            "compute(a, c);",
        ),
        // `close` after 10m is the latest.
        (
            vec![
                check(Checkpoint::M10, 600_000, Some("compute(x);")),
                check(Checkpoint::Close, 700_000, Some("compute(y);")),
            ],
            "compute(y);",
        ),
    ];
    for (retention, expected) in cases {
        let refs: Vec<&RetentionRow> = retention.iter().collect();
        let task = task_from(&row, &refs, "ws".into(), None).expect("a task");
        assert_eq!(task.expected, expected, "{retention:?}");
    }
}

#[test]
fn a_partial_acceptance_expects_the_accepted_characters() {
    let row = SuggestionRow {
        outcome: Some(Outcome::Partial),
        accepted_chars: Some(2),
        ..accepted("héllo world")
    };
    let task = task_from(&row, &[], "ws".into(), None).expect("a task");
    assert_eq!(task.expected, "hé");
}

#[test]
fn rows_that_cannot_be_tasks_say_why() {
    let no_text = SuggestionRow {
        text: None,
        ..accepted("x")
    };
    let no_path = SuggestionRow {
        path: None,
        ..accepted("x")
    };
    let no_prefix = SuggestionRow {
        file_prefix: None,
        ..accepted("x")
    };
    let rejected = SuggestionRow {
        outcome: Some(Outcome::Rejected),
        ..accepted("x")
    };
    let pending = SuggestionRow {
        outcome: None,
        ..accepted("x")
    };
    let deleted = [check(Checkpoint::M2, 120_000, Some("  \n"))];
    let deleted: Vec<&RetentionRow> = deleted.iter().collect();
    let cases: Vec<(&SuggestionRow, Vec<&RetentionRow>, Skip)> = vec![
        (&no_text, vec![], Skip::NoCode),
        (&no_path, vec![], Skip::NoCode),
        (&no_prefix, vec![], Skip::NoCode),
        (&rejected, vec![], Skip::NotAccepted),
        (&pending, vec![], Skip::NotAccepted),
    ];
    for (row, retention, skip) in cases {
        assert_eq!(
            task_from(row, &retention, "ws".into(), None),
            Err(skip),
            "{row:?}"
        );
    }
    assert_eq!(
        task_from(&accepted("x"), &deleted, "ws".into(), None),
        Err(Skip::NothingKept)
    );
}

#[test]
fn min_checkpoint_wants_a_check_that_late() {
    let two_minutes = parse_min_checkpoint("2m");
    assert_eq!(two_minutes, Some(120_000));
    // (retention rows, exported with --min-checkpoint 2m?)
    let cases: Vec<(Vec<RetentionRow>, bool)> = vec![
        (vec![], false),
        (vec![check(Checkpoint::S30, 30_000, Some("1"))], false),
        (vec![check(Checkpoint::M2, 120_000, Some("1"))], true),
        (vec![check(Checkpoint::M10, 600_000, Some("1"))], true),
        (vec![check(Checkpoint::Close, 60_000, Some("1"))], false),
        (vec![check(Checkpoint::Close, 150_000, Some("1"))], true),
    ];
    for (retention, exported) in cases {
        let refs: Vec<&RetentionRow> = retention.iter().collect();
        let got = task_from(&accepted("42;"), &refs, "ws".into(), two_minutes);
        assert_eq!(got.is_ok(), exported, "{retention:?}");
        if !exported {
            assert_eq!(got, Err(Skip::TooRecent));
        }
    }
}

#[test]
fn kind_follows_where_the_cursor_is_and_how_many_lines_are_expected() {
    let cases = [
        ("fn main() {\n    let x = ", "42;", "line-rest"),
        ("x = ", "1\n", "line-rest"),
        ("fn main() {\n    ", "let x = 42;", "line"),
        ("", "import os", "line"),
        ("x\n", "foo()\n", "line"),
        ("a\n", "b\nc", "block"),
        ("def f():\n", "    return 1\n    pass\n", "block"),
        ("if x:\r\n    y = ", "1\r\n", "line-rest"),
    ];
    for (prefix, expected, kind) in cases {
        assert_eq!(kind_of(prefix, expected), kind, "{prefix:?} {expected:?}");
    }
}

#[test]
fn repo_paths_are_relative_to_the_task_file_folder() {
    let cases = [
        ("/tmp/out", "/tmp/ws", "../ws"),
        ("/tmp", "/tmp/ws", "ws"),
        ("/tmp/ws", "/tmp/ws", "."),
        ("/tmp/ws/sub", "/tmp/ws", ".."),
        ("/a/b/c", "/x/y", "../../../x/y"),
        ("/", "/x/y", "x/y"),
    ];
    for (from, to, expected) in cases {
        assert_eq!(
            relative_path(Path::new(from), Path::new(to)),
            Some(PathBuf::from(expected)),
            "{from} → {to}"
        );
    }
    assert_eq!(relative_path(Path::new("/a"), Path::new("rel")), None);
}

#[test]
fn only_timed_checkpoints_are_minimums() {
    let cases = [
        ("30s", Some(30_000)),
        ("10m", Some(600_000)),
        ("close", None),
        ("3m", None),
    ];
    for (text, ms) in cases {
        assert_eq!(parse_min_checkpoint(text), ms, "{text}");
    }
}
