//! Running the real `tandem eval` binary in an isolated home, and the checks every run's
//! report must pass whatever the model answered.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::support::isolation::isolated_env;

/// The committed fixture: two small repos and a task file with a deliberately missing repo.
pub fn fixture_tasks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/eval/tasks.jsonl")
}

/// The fixture's task lines as JSON, in file order.
pub fn fixture_lines() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture_tasks()).expect("read the fixture task file");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture lines are JSON"))
        .collect()
}

/// The id of the fixture task whose repo does not exist.
pub const MISSING_REPO_TASK: &str = "missing-repo";

/// What one `tandem eval …` invocation did.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// Panics with both streams unless the command succeeded.
    pub fn assert_success(&self) {
        assert!(
            self.status.success(),
            "tandem eval failed ({}):\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

/// A temporary home, config, cache and data folder, so no run sees the user's settings or
/// managed server.
pub struct Isolated {
    home: tempfile::TempDir,
}

impl Isolated {
    pub fn new() -> Self {
        let home = tempfile::tempdir().expect("create a temporary home");
        for dir in ["config", "cache", "data", "state", "work"] {
            std::fs::create_dir_all(home.path().join(dir)).expect("create isolation dirs");
        }
        Self { home }
    }

    /// A path inside the temporary home.
    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Runs `tandem <args>` from the `work` folder; panics if it takes longer than `limit`.
    pub async fn tandem<S: AsRef<OsStr> + std::fmt::Debug>(
        &self,
        args: &[S],
        limit: Duration,
    ) -> Finished {
        let child = self.spawn(args);
        let output = tokio::time::timeout(limit, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("tandem {args:?} did not finish within {limit:?}"))
            .expect("wait for tandem");
        Finished {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Starts `tandem <args>` from the `work` folder, its output piped.
    pub fn spawn<S: AsRef<OsStr>>(&self, args: &[S]) -> tokio::process::Child {
        let root = self.home.path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
        command
            .args(args)
            .current_dir(root.join("work"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let (removed, set) = isolated_env(root);
        for key in removed {
            command.env_remove(key);
        }
        command
            .envs(set)
            .env("TANDEM_DATA_DIR", root.join("data"))
            .env("TANDEM_LOG", "info")
            .env("RUST_BACKTRACE", "1");
        command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", env!("CARGO_BIN_EXE_tandem")))
    }
}

/// Reads a run's JSON report.
pub fn read_report(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no report at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the report is not JSON: {e}\n{text}"))
}

/// The report's entry for task `id`.
pub fn task<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["id"] == id))
        .unwrap_or_else(|| panic!("no task {id} in the report: {report:#}"))
}

const SCORES: [&str; 5] = [
    "exact",
    "edit_sim",
    "first_line_exact",
    "line_recall",
    "empty",
];

fn number(value: &Value, what: &str) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {value}"))
}

fn check_interval(interval: &Value, what: &str) {
    let (low, mean, high) = (
        number(&interval["ci_low"], &format!("{what}.ci_low")),
        number(&interval["mean"], &format!("{what}.mean")),
        number(&interval["ci_high"], &format!("{what}.ci_high")),
    );
    assert!(
        (0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high),
        "{what} outside [0, 1]: {interval}"
    );
    assert!(
        low <= mean && mean <= high,
        "{what}: not ci_low <= mean <= ci_high: {interval}"
    );
}

/// What every report of the fixture must hold: every line present in order, scores in [0, 1],
/// ordered intervals, timings, the configuration, and the missing repo as an error line.
pub fn check_fixture_report(report: &Value) {
    let lines = fixture_lines();
    let tasks = report["tasks"].as_array().expect("a tasks array");
    let ids: Vec<&str> = tasks.iter().filter_map(|t| t["id"].as_str()).collect();
    let want: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids, want, "every task line, in file order");

    for (task, line) in tasks.iter().zip(&lines) {
        let id = task["id"].as_str().unwrap_or_default();
        assert_eq!(task["language"], line["language"], "{id}");
        assert_eq!(task["kind"], line["kind"], "{id}");
        if id == MISSING_REPO_TASK {
            let error = task["error"]
                .as_str()
                .expect("the missing repo is an error line");
            assert!(
                error.contains("no-such-repo") && error.contains("does not exist"),
                "{error}"
            );
            assert!(
                task["scores"].is_null() && task["completion"].is_null(),
                "{task}"
            );
            continue;
        }
        assert!(task["error"].is_null(), "{id} failed: {task}");
        assert_eq!(task["expected"], line["expected"], "{id}");
        assert!(task["completion"].is_string(), "{id}: {task}");
        for score in SCORES {
            let value = number(&task["scores"][score], &format!("{id}.scores.{score}"));
            assert!((0.0..=1.0).contains(&value), "{id}.{score} = {value}");
        }
        for timing in [
            "latency_ms",
            "context_ms",
            "prompt_ms",
            "model_ms",
            "post_ms",
        ] {
            let value = number(&task["timings"][timing], &format!("{id}.timings.{timing}"));
            assert!(value >= 0.0, "{id}.{timing} = {value}");
        }
        assert!(task["context"].is_array(), "{id}: {task}");
    }

    let summary = &report["summary"];
    assert_eq!(summary["tasks"], lines.len(), "{summary:#}");
    assert_eq!(summary["errors"], 1, "{summary:#}");
    assert_eq!(summary["scored"], lines.len() - 1, "{summary:#}");
    for score in SCORES {
        check_interval(&summary[score], &format!("summary.{score}"));
        for group in ["python", "rust"] {
            check_interval(
                &summary["by_language"][group][score],
                &format!("summary.by_language.{group}.{score}"),
            );
        }
        for kind in ["line-rest", "line", "block"] {
            check_interval(
                &summary["by_kind"][kind][score],
                &format!("summary.by_kind.{kind}.{score}"),
            );
        }
    }
    for part in [
        "latency_ms",
        "context_ms",
        "prompt_ms",
        "model_ms",
        "post_ms",
    ] {
        let spread = &summary["latency"][part];
        let (p50, p95) = (number(&spread["p50"], part), number(&spread["p95"], part));
        assert!(0.0 <= p50 && p50 <= p95, "summary.latency.{part}: {spread}");
    }

    let config = &report["config"];
    for field in [
        "model",
        "backend",
        "template",
        "context_mode",
        "tandem_version",
        "started_at",
    ] {
        assert!(
            config[field].as_str().is_some_and(|s| !s.is_empty()),
            "config.{field} missing: {config:#}"
        );
    }
    assert!(config["sources"].is_array(), "{config:#}");
    assert!(
        config["budgets"]["prompt_max_tokens"].is_u64(),
        "{config:#}"
    );
    assert!(
        config["tasks_file"]
            .as_str()
            .is_some_and(|f| f.ends_with("tasks.jsonl")),
        "{config:#}"
    );
}
