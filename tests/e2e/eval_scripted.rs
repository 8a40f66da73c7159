//! `tandem eval` against a scripted model whose answers are known, so every score can be
//! checked exactly: the right answer scores 1, a near miss scores what the format says, and the
//! hidden middle never reaches the model.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::eval_cli::{
    check_fixture_report, fixture_lines, fixture_tasks, read_report, task, Isolated,
    MISSING_REPO_TASK,
};
use crate::support::model_apis::fim_parts;
use crate::support::scripted_backend::{free_port, Behavior, ScriptedBackend};

const RUN_LIMIT: Duration = Duration::from_secs(60);
/// The task the model gets wrong on purpose, and what it answers instead.
const NEAR_MISS: (&str, &str) = ("py-field", "unit_price * item.quantity");

/// The prefix and suffix a generation request carried, whatever the endpoint.
fn fim(body: &Value) -> Option<(String, String)> {
    fim_parts("/infill", body).or_else(|| fim_parts("/completion", body))
}

/// Answers each fixture task by recognising the end of its prefix, and records any request
/// whose prompt holds that task's hidden middle.
fn answering_backend(backend: &ScriptedBackend) -> Arc<Mutex<Vec<String>>> {
    let answers: Vec<(String, String, String)> = fixture_lines()
        .into_iter()
        .filter(|l| l["id"] != MISSING_REPO_TASK)
        .map(|l| {
            let id = l["id"].as_str().unwrap_or_default().to_string();
            let prefix = l["prefix"].as_str().unwrap_or_default();
            let tail: String = prefix
                .chars()
                .rev()
                .take(60)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let expected = l["expected"].as_str().unwrap_or_default().to_string();
            (id, tail, expected)
        })
        .collect();
    let leaks = Arc::new(Mutex::new(Vec::new()));
    let seen = leaks.clone();
    backend.set_behavior(Behavior::Computed(Arc::new(move |body: &Value| {
        let Some((prefix, _)) = fim(body) else {
            return String::new();
        };
        let Some((id, _, expected)) = answers.iter().find(|(_, tail, _)| prefix.ends_with(tail))
        else {
            return String::new();
        };
        if strings(body).iter().any(|s| s.contains(expected.as_str())) {
            if let Ok(mut leaks) = seen.lock() {
                leaks.push(id.clone());
            }
        }
        if id == NEAR_MISS.0 {
            NEAR_MISS.1.to_string()
        } else {
            expected.clone()
        }
    })));
    leaks
}

fn run_args(backend_url: &str, output: &Path, context: &str) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["eval".into(), fixture_tasks().into()];
    for (flag, value) in [
        ("--backend", "llamacpp"),
        ("--url", backend_url),
        ("--context", context),
    ] {
        args.push(flag.into());
        args.push(value.into());
    }
    args.push("--output".into());
    args.push(output.into());
    args
}

/// Every string in a JSON value, at any depth.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn scripted_answers_score_exactly_and_runs_compare() {
    let backend = ScriptedBackend::start().await;
    let leaks = answering_backend(&backend);
    let home = Isolated::new();
    let url = backend.url();
    let repo_run = home.path("repo.json");
    let none_run = home.path("none.json");

    let finished = home
        .tandem(&run_args(&url, &repo_run, "repo"), RUN_LIMIT)
        .await;
    finished.assert_success();
    let report = read_report(&repo_run);
    check_fixture_report(&report);

    // The right answer is a perfect score on every measure.
    for line in fixture_lines() {
        let id = line["id"].as_str().unwrap_or_default();
        if id == MISSING_REPO_TASK || id == NEAR_MISS.0 {
            continue;
        }
        let entry = task(&report, id);
        assert_eq!(entry["completion"], line["expected"], "{id}: {entry:#}");
        let scores = &entry["scores"];
        for (score, want) in [
            ("exact", 1.0),
            ("edit_sim", 1.0),
            ("first_line_exact", 1.0),
            ("line_recall", 1.0),
            ("empty", 0.0),
        ] {
            assert_eq!(
                scores[score].as_f64(),
                Some(want),
                "{id}.{score}: {entry:#}"
            );
        }
    }
    // "unit_price * item.quantity" lacks 6 of the 32 characters of the expected text.
    let near = task(&report, NEAR_MISS.0);
    assert_eq!(near["completion"], NEAR_MISS.1, "{near:#}");
    let scores = &near["scores"];
    assert_eq!(scores["exact"].as_f64(), Some(0.0), "{near:#}");
    assert_eq!(scores["first_line_exact"].as_f64(), Some(0.0), "{near:#}");
    assert_eq!(scores["line_recall"].as_f64(), Some(0.0), "{near:#}");
    assert_eq!(scores["empty"].as_f64(), Some(0.0), "{near:#}");
    let edit_sim = scores["edit_sim"].as_f64().expect("edit_sim");
    assert!((edit_sim - (1.0 - 6.0 / 32.0)).abs() < 1e-9, "{near:#}");

    let summary = &report["summary"];
    let exact = summary["exact"]["mean"].as_f64().expect("mean");
    assert!((exact - 5.0 / 6.0).abs() < 1e-9, "{summary:#}");
    assert_eq!(
        summary["by_language"]["rust"]["exact"]["mean"].as_f64(),
        Some(1.0)
    );
    assert_eq!(
        summary["by_kind"]["line-rest"]["exact"]["mean"].as_f64(),
        Some(0.5)
    );
    assert_eq!(report["config"]["backend"], "llamacpp");
    assert_eq!(report["config"]["context_mode"], "repo");
    // One model call per task: the report is about the first answer.
    assert_eq!(
        backend.generations().len(),
        6,
        "one generation per runnable task"
    );
    assert_eq!(
        *leaks.lock().expect("leak log"),
        Vec::<String>::new(),
        "the hidden middle reached the model's prompt"
    );
    assert!(finished.stdout.contains("all "), "{}", finished.stdout);
    assert!(finished.stdout.contains("python "), "{}", finished.stdout);
    assert!(
        finished.stdout.contains("kind block "),
        "{}",
        finished.stdout
    );
    assert!(
        finished.stderr.contains("1 of 7 task lines did not run"),
        "{}",
        finished.stderr
    );

    let finished = home
        .tandem(&run_args(&url, &none_run, "none"), RUN_LIMIT)
        .await;
    finished.assert_success();
    let none = read_report(&none_run);
    check_fixture_report(&none);
    assert_eq!(none["config"]["context_mode"], "none");
    // Without context the prompt holds no other file.
    for entry in none["tasks"].as_array().expect("tasks") {
        assert_eq!(entry["context"], Value::Array(Vec::new()), "{entry:#}");
    }

    let compared = home
        .tandem(
            &[
                "eval",
                "compare",
                none_run.to_str().expect("path"),
                repo_run.to_str().expect("path"),
            ],
            RUN_LIMIT,
        )
        .await;
    compared.assert_success();
    let out = &compared.stdout;
    assert!(
        out.contains("context none") && out.contains("context repo"),
        "{out}"
    );
    let exact_row = out
        .lines()
        .find(|l| l.starts_with("all ") && l.contains("exact %"))
        .unwrap_or_else(|| panic!("no overall exact row:\n{out}"));
    // Same answers under both settings: no difference, over all six scored tasks.
    assert!(exact_row.contains("+0.0 [+0.0–+0.0]"), "{exact_row}");
    assert!(exact_row.trim_end().ends_with(" 6"), "{exact_row}");
}

#[tokio::test]
async fn an_unreachable_backend_stops_the_run_with_a_clear_message() {
    let home = Isolated::new();
    let url = format!("http://127.0.0.1:{}", free_port());
    let output = home.path("run.json");
    let finished = home
        .tandem(&run_args(&url, &output, "none"), RUN_LIMIT)
        .await;
    assert!(!finished.status.success(), "{}", finished.stderr);
    assert!(
        finished.stderr.contains("not usable") && finished.stderr.contains(&url),
        "{}",
        finished.stderr
    );
    assert!(!output.exists(), "no report for a run that never ran");
}

#[tokio::test]
async fn bad_lines_become_error_lines_and_good_ones_still_run() {
    let backend = ScriptedBackend::start().await;
    backend.reply_text("42");
    let home = Isolated::new();
    let fixtures = fixture_tasks();
    let folder = fixtures.parent().expect("fixture folder");
    let mut by_id: HashMap<String, Value> = fixture_lines()
        .into_iter()
        .map(|l| (l["id"].as_str().unwrap_or_default().to_string(), l))
        .collect();
    let mut good = by_id.remove("rs-call").expect("rs-call");
    good["repo"] = Value::String(folder.join("ledger").display().to_string());
    let tasks = home.path("tasks.jsonl");
    let lines = [
        "{ not json".to_string(),
        good.to_string(),
        r#"{"id":"no-expected","repo":".","path":"a.py","language":"python","prefix":"","suffix":""}"#.to_string(),
        good.to_string(),
    ];
    std::fs::write(&tasks, lines.join("\n") + "\n").expect("write tasks");
    let output = home.path("run.json");
    let url = backend.url();
    let finished = home
        .tandem(
            &[
                "eval",
                tasks.to_str().expect("path"),
                "--backend",
                "llamacpp",
                "--url",
                &url,
                "--output",
                output.to_str().expect("path"),
            ],
            RUN_LIMIT,
        )
        .await;
    finished.assert_success();
    let report = read_report(&output);
    let entries = report["tasks"].as_array().expect("tasks");
    let ids: Vec<&str> = entries.iter().filter_map(|t| t["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["line 1", "rs-call", "no-expected", "rs-call"],
        "{report:#}"
    );
    let errors: Vec<&str> = entries.iter().filter_map(|t| t["error"].as_str()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("line 1 is not a task"), "{errors:?}");
    assert!(errors[1].contains("missing field `expected`"), "{errors:?}");
    assert!(errors[2].contains("already used on line 2"), "{errors:?}");
    assert_eq!(entries[1]["completion"], "42");
    assert_eq!(report["summary"]["scored"], 1);
    assert_eq!(report["summary"]["errors"], 3);
}
