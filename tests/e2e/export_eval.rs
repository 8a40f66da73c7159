//! `tandem export` through the real binary: accepted suggestions with their files in a real
//! workspace become task lines in the eval exchange format, and `tandem eval` runs on the file
//! unchanged (against a scripted model that answers each task with what the user kept).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::stats_db::{run_bounded, run_ok, Home, Suggestion, TelemetryDb, DAY1};
use crate::support::model_apis::fim_parts;
use crate::support::scripted_backend::{Behavior, ScriptedBackend};

const LIB_RS: &str = "pub fn add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}

pub fn pair() -> (i32, i32) {
    let x = 1;
    let y = 2;
    (x, y)
}
";

const APP_PY: &str = "def total(items):
    total = 0
    for item in items:
        total += item.price
    return total
";

/// `file` split around `middle` (its first occurrence after `after`): (prefix, suffix).
fn around(file: &str, after: &str, middle: &str) -> (String, String) {
    let from = file.find(after).expect("anchor in file") + after.len();
    let at = from + file[from..].find(middle).expect("middle in file");
    (
        file[..at].to_string(),
        file[at + middle.len()..].to_string(),
    )
}

/// A file of the workspace as the suggestions saw it.
struct File<'a> {
    workspace: &'a Path,
    path: &'a str,
    language: &'a str,
    text: &'a str,
}

/// An accepted suggestion of `text` in `file`, whose prefix ends just before `kept.1` (the first
/// one after `kept.0`).
fn accepted(id: &str, minute: i64, file: &File<'_>, text: &str, kept: (&str, &str)) -> Suggestion {
    let (prefix, suffix) = around(file.text, kept.0, kept.1);
    let created = DAY1 + minute * 60_000;
    Suggestion {
        workspace: Some(file.workspace.display().to_string()),
        path: Some(file.path.into()),
        text: Some(text.into()),
        text_chars: text.chars().count() as i64,
        file_prefix: Some(prefix),
        file_suffix: Some(suffix),
        ..Suggestion::new(
            id,
            created,
            "qwen-1.5b",
            file.language,
            1000,
            Some("accepted"),
            150.0,
        )
    }
}

/// The workspace and database every test here uses; returns the workspace path.
fn fill(home: &Home, db: &TelemetryDb) -> std::path::PathBuf {
    let ws = home.path().join("ws");
    std::fs::create_dir_all(ws.join("src")).expect("workspace");
    std::fs::write(ws.join("src/lib.rs"), LIB_RS).expect("lib.rs");
    std::fs::write(ws.join("app.py"), APP_PY).expect("app.py");
    let lib = File {
        workspace: &ws,
        path: "src/lib.rs",
        language: "rust",
        text: LIB_RS,
    };
    let app = File {
        workspace: &ws,
        path: "app.py",
        language: "python",
        text: APP_PY,
    };
    let moved = home.path().join("moved-away");
    let gone = File {
        workspace: &moved,
        ..app
    };

    // e1: accepted `wrapping_sub(b)` mid-line, edited to `wrapping_add(b)` by 2m → line-rest.
    db.insert(&accepted(
        "e1",
        1,
        &lib,
        "wrapping_sub(b)",
        ("a.", "wrapping_add(b)"),
    ));
    db.retention(
        "e1",
        "30s",
        DAY1 + 91_000,
        true,
        1.0,
        Some("wrapping_sub(b)"),
    );
    db.retention(
        "e1",
        "2m",
        DAY1 + 181_000,
        false,
        0.93,
        Some("wrapping_add(b)"),
    );
    // e2: two lines offered, the first taken (19 chars) → line.
    let two_lines = "total += item.price\n    return total";
    db.insert(&Suggestion {
        outcome: Some("partial".into()),
        accepted_chars: Some(19),
        ..accepted(
            "e2",
            2,
            &app,
            two_lines,
            ("in items:\n        ", "total += item.price"),
        )
    });
    // e3: a whole block → block.
    let block = "let x = 1;\n    let y = 2;";
    db.insert(&accepted(
        "e3",
        3,
        &lib,
        block,
        ("(i32, i32) {\n    ", block),
    ));
    // e4: code not stored.
    db.insert(&Suggestion {
        text: None,
        file_prefix: None,
        file_suffix: None,
        ..accepted("e4", 4, &app, "x", ("", "def"))
    });
    // e5: rejected: never a task.
    db.insert(&Suggestion {
        outcome: Some("rejected".into()),
        ..accepted("e5", 5, &app, "total = 1", ("):\n    ", "total = 0"))
    });
    // e6: its workspace is gone.
    db.insert(&accepted("e6", 6, &gone, "x", ("", "def")));
    // e7: followed only 30 s.
    db.insert(&accepted(
        "e7",
        7,
        &app,
        "return total",
        ("item.price\n    ", "return total"),
    ));
    db.retention("e7", "30s", DAY1 + 451_000, true, 1.0, Some("return total"));
    // e8: deleted entirely after 2 minutes.
    db.insert(&accepted(
        "e8",
        8,
        &app,
        "total = 0",
        ("):\n    ", "total = 0"),
    ));
    db.retention("e8", "2m", DAY1 + 601_000, false, 0.0, Some(""));
    ws
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("the task file")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Every field of shared/eval-format.md, with its type and allowed values.
fn check_format(task: &Value, task_dir: &Path) {
    let text = |field: &str| {
        task[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} is not a string in {task}"))
    };
    for field in [
        "id", "repo", "path", "language", "prefix", "suffix", "expected",
    ] {
        text(field);
    }
    assert!(
        ["line-rest", "line", "block", "span"].contains(&text("kind")),
        "{task}"
    );
    assert_eq!(text("origin"), "telemetry");
    assert!(
        !Path::new(text("repo")).is_absolute(),
        "repo relative to the task file: {task}"
    );
    assert!(
        task_dir.join(text("repo")).join(text("path")).is_file(),
        "repo/path must exist: {task}"
    );
}

#[tokio::test]
async fn export_writes_eval_tasks_that_tandem_eval_runs() {
    let home = Home::new();
    let db = TelemetryDb::create(&home.default_db());
    fill(&home, &db);
    let tasks = home.path().join("tasks/tasks.jsonl");
    let out = run_ok(home.tandem(&["export", "--output", &tasks.display().to_string()]));
    for line in [
        "wrote 4 tasks",
        "skipped 1 accepted suggestions without stored code",
        "skipped 1 accepted suggestions deleted afterwards",
        "skipped 1 accepted suggestions whose workspace or file is no longer on disk",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }

    let written = lines(&tasks);
    let task_dir = tasks.parent().expect("task folder");
    for task in &written {
        check_format(task, task_dir);
    }
    let ids: Vec<&str> = written.iter().filter_map(|t| t["id"].as_str()).collect();
    assert_eq!(ids, ["e1", "e2", "e3", "e7"]);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "ids are unique"
    );
    let brief: Vec<(&str, &str, &str, &str)> = written
        .iter()
        .map(|t| {
            let s = |f: &str| t[f].as_str().unwrap_or_default();
            (s("repo"), s("path"), s("kind"), s("expected"))
        })
        .collect();
    assert_eq!(
        brief,
        [
            ("../ws", "src/lib.rs", "line-rest", "wrapping_add(b)"),
            ("../ws", "app.py", "line", "total += item.price"),
            ("../ws", "src/lib.rs", "block", "let x = 1;\n    let y = 2;"),
            ("../ws", "app.py", "line", "return total"),
        ]
    );
    // prefix + expected + suffix is the file as the user left it.
    for (task, file) in written.iter().zip([LIB_RS, APP_PY, LIB_RS, APP_PY]) {
        let whole = format!(
            "{}{}{}",
            task["prefix"].as_str().unwrap_or_default(),
            task["expected"].as_str().unwrap_or_default(),
            task["suffix"].as_str().unwrap_or_default()
        );
        assert_eq!(whole, file, "{task}");
    }

    // tandem eval on the exported file, the model answering each task with what was kept.
    let backend = ScriptedBackend::start().await;
    let answers: Vec<(String, String)> = written
        .iter()
        .map(|t| {
            let prefix = t["prefix"].as_str().unwrap_or_default();
            let tail: String = prefix
                .chars()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            (tail, t["expected"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    backend.set_behavior(Behavior::Computed(Arc::new(move |body: &Value| {
        let prefix = fim_parts("/infill", body)
            .or_else(|| fim_parts("/completion", body))
            .map(|(prefix, _)| prefix)
            .unwrap_or_default();
        answers
            .iter()
            .find(|(tail, _)| prefix.ends_with(tail.as_str()))
            .map(|(_, expected)| expected.clone())
            .unwrap_or_default()
    })));
    let run = home.path().join("run.json");
    let url = backend.url();
    let mut eval = home.tandem(&[
        "eval",
        &tasks.display().to_string(),
        "--backend",
        "llamacpp",
    ]);
    eval.args([
        "--url",
        &url,
        "--context",
        "none",
        "--output",
        &run.display().to_string(),
    ]);
    let output = tokio::task::spawn_blocking(move || run_bounded(eval, Duration::from_secs(120)))
        .await
        .expect("eval run");
    assert!(
        output.status.success(),
        "tandem eval failed on the export:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&run).expect("run report"))
        .expect("run report is JSON");
    let scored = report["tasks"].as_array().expect("tasks in the run report");
    assert_eq!(scored.len(), 4, "{report:#}");
    for (task, exported) in scored.iter().zip(&written) {
        assert_eq!(task["id"], exported["id"]);
        assert!(
            task["error"].is_null(),
            "eval could not run {}: {task:#}",
            task["id"]
        );
        assert_eq!(task["completion"], exported["expected"], "{task:#}");
        assert_eq!(task["scores"]["exact"].as_f64(), Some(1.0), "{task:#}");
    }
    assert_eq!(report["summary"]["errors"], 0, "{:#}", report["summary"]);
}

#[test]
fn min_checkpoint_keeps_only_suggestions_followed_that_long() {
    let home = Home::new();
    let db = TelemetryDb::create(&home.default_db());
    fill(&home, &db);
    let tasks = home.path().join("late.jsonl");
    let out = run_ok(home.tandem(&[
        "export",
        "--output",
        &tasks.display().to_string(),
        "--min-checkpoint",
        "2m",
    ]));
    // e1 reached 2m; e2 and e3 were never checked and e7 only at 30s.
    assert!(out.contains("wrote 1 tasks"), "{out}");
    assert!(
        out.contains("skipped 3 accepted suggestions not followed long enough"),
        "{out}"
    );
    let written = lines(&tasks);
    assert_eq!(written.len(), 1);
    assert_eq!(written[0]["id"], "e1");
    // The task file sits next to the home's folders: the repo is one level down.
    assert_eq!(written[0]["repo"], "ws");

    let output = run_bounded(
        home.tandem(&["export", "--min-checkpoint", "3m"]),
        Duration::from_secs(60),
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("30s, 2m, 5m, 10m"));
}

#[test]
fn export_without_a_database_fails_with_the_reason() {
    let home = Home::new();
    let output = run_bounded(home.tandem(&["export"]), Duration::from_secs(60));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no telemetry recorded yet"), "{stderr}");
    assert!(!home.path().join("work/tasks.jsonl").exists());
}
