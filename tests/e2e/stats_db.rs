//! Shared by the `stats`, `report` and `export` end-to-end tests: a telemetry database written
//! through the schema-v1 contract (notes/session2.md) exactly as the recorder lays it out, and
//! the real `tandem` binary run in an isolated home.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

use crate::support::isolation::isolated_env;

/// Schema v1 as the contract states it, in WAL mode like the recorder's.
const SCHEMA_V1: &str = "
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS suggestions (
  id TEXT PRIMARY KEY, session TEXT NOT NULL, created_ms INTEGER NOT NULL,
  workspace TEXT, path TEXT,
  language TEXT NOT NULL, model TEXT NOT NULL, backend TEXT NOT NULL, template TEXT NOT NULL,
  trigger TEXT NOT NULL, source TEXT NOT NULL,
  context_ms REAL, prompt_ms REAL, model_ms REAL, post_ms REAL, total_ms REAL,
  prompt_tokens INTEGER, cached_tokens INTEGER, context_sources TEXT NOT NULL,
  text TEXT, text_chars INTEGER NOT NULL, shown_ms INTEGER, visible_ms INTEGER,
  outcome TEXT, outcome_reason TEXT, outcome_ms INTEGER, accepted_chars INTEGER,
  file_prefix TEXT, file_suffix TEXT);
CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, suggestion_id TEXT,
  at_ms INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS retention (suggestion_id TEXT NOT NULL, checkpoint TEXT NOT NULL,
  at_ms INTEGER NOT NULL, unchanged INTEGER NOT NULL, similarity REAL NOT NULL, surviving TEXT,
  PRIMARY KEY (suggestion_id, checkpoint));
PRAGMA user_version = 1;
";

/// 2026-11-23 00:00 UTC.
pub const DAY1: i64 = 1_795_392_000_000;
pub const DAY_MS: i64 = 86_400_000;

/// One suggestion row; `Suggestion::new` fills what every row needs.
#[derive(Clone)]
pub struct Suggestion {
    pub id: String,
    pub created_ms: i64,
    pub workspace: Option<String>,
    pub path: Option<String>,
    pub language: String,
    pub model: String,
    pub source: String,
    pub total_ms: Option<f64>,
    pub model_ms: Option<f64>,
    pub text: Option<String>,
    pub text_chars: i64,
    pub shown_ms: Option<i64>,
    pub visible_ms: Option<i64>,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub outcome_ms: Option<i64>,
    pub accepted_chars: Option<i64>,
    pub file_prefix: Option<String>,
    pub file_suffix: Option<String>,
}

impl Suggestion {
    /// A suggestion of `model`/`language` offered at `created_ms`, shown for `visible_ms`, with
    /// `outcome` (`accepted`, `partial`, `rejected` or `None` for pending).
    pub fn new(
        id: &str,
        created_ms: i64,
        model: &str,
        language: &str,
        visible_ms: i64,
        outcome: Option<&str>,
        total_ms: f64,
    ) -> Self {
        let text = "value + 1";
        Self {
            id: id.into(),
            created_ms,
            workspace: None,
            path: None,
            language: language.into(),
            model: model.into(),
            source: "model".into(),
            total_ms: Some(total_ms),
            model_ms: Some(total_ms * 0.75),
            text: None,
            text_chars: text.chars().count() as i64,
            shown_ms: Some(created_ms + 5),
            visible_ms: Some(visible_ms),
            outcome: outcome.map(String::from),
            outcome_reason: (outcome == Some("rejected")).then(|| "explicit".to_string()),
            outcome_ms: outcome.map(|_| created_ms + 5 + visible_ms),
            accepted_chars: None,
            file_prefix: None,
            file_suffix: None,
        }
    }
}

/// A telemetry database file being filled by a test.
pub struct TelemetryDb {
    pub connection: Connection,
}

impl TelemetryDb {
    /// Creates the file (and its folder) with schema v1.
    pub fn create(path: &Path) -> Self {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the database folder");
        }
        let connection = Connection::open(path).expect("create the telemetry database");
        connection.execute_batch(SCHEMA_V1).expect("schema v1");
        Self { connection }
    }

    /// Inserts a suggestion row and its `requested` event.
    pub fn insert(&self, s: &Suggestion) {
        self.connection
            .execute(
                "INSERT INTO suggestions (id, session, created_ms, workspace, path, language, model,
                   backend, template, trigger, source, context_ms, prompt_ms, model_ms, post_ms,
                   total_ms, prompt_tokens, cached_tokens, context_sources, text, text_chars,
                   shown_ms, visible_ms, outcome, outcome_reason, outcome_ms, accepted_chars,
                   file_prefix, file_suffix)
                 VALUES (?1, '4242-1', ?2, ?3, ?4, ?5, ?6, 'llamacpp', 'qwen', 'automatic', ?7,
                   1.0, 2.0, ?8, 0.5, ?9, 300, 250, '[]', ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                   ?18, ?19)",
                params![
                    s.id,
                    s.created_ms,
                    s.workspace,
                    s.path,
                    s.language,
                    s.model,
                    s.source,
                    s.model_ms,
                    s.total_ms,
                    s.text,
                    s.text_chars,
                    s.shown_ms,
                    s.visible_ms,
                    s.outcome,
                    s.outcome_reason,
                    s.outcome_ms,
                    s.accepted_chars,
                    s.file_prefix,
                    s.file_suffix
                ],
            )
            .expect("insert a suggestion");
        self.connection
            .execute(
                "INSERT INTO events (suggestion_id, at_ms, kind, detail) VALUES (?1, ?2, 'requested', '{}')",
                params![s.id, s.created_ms],
            )
            .expect("insert an event");
    }

    /// Inserts a retention check.
    pub fn retention(
        &self,
        id: &str,
        checkpoint: &str,
        at_ms: i64,
        unchanged: bool,
        similarity: f64,
        surviving: Option<&str>,
    ) {
        self.connection
            .execute(
                "INSERT INTO retention VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, checkpoint, at_ms, unchanged, similarity, surviving],
            )
            .expect("insert a retention check");
    }
}

/// A temporary home for one run of the binary: config, data and cache folders of its own, so
/// nothing from the machine's user leaks in.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary home");
        for sub in ["config", "data", "cache", "state", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create home folders");
        }
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where `TANDEM_DATA_DIR` points in [`Home::tandem`] runs.
    pub fn data_dir(&self) -> PathBuf {
        self.path().join("tandem-data")
    }

    /// The default database under [`Home::data_dir`].
    pub fn default_db(&self) -> PathBuf {
        self.data_dir().join("tandem").join("telemetry.sqlite3")
    }

    /// `tandem <args>` in `work/`, isolated, with `TANDEM_DATA_DIR` set.
    pub fn tandem(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
        command.args(args).current_dir(self.path().join("work"));
        let (removed, set) = isolated_env(self.path());
        for key in removed {
            command.env_remove(key);
        }
        command
            .envs(set)
            .env("TANDEM_DATA_DIR", self.data_dir())
            .env("NO_COLOR", "1");
        command
    }
}

/// Runs `command` to completion (killed after `limit`), returning its output.
pub fn run_bounded(mut command: Command, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{command:?} did not finish within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                    String::from_utf8_lossy(&stdout.join().unwrap_or_default()),
                    String::from_utf8_lossy(&stderr.join().unwrap_or_default())
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {command:?}: {e}"),
        }
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// Runs `command` (60 s at most), panicking with its output unless it succeeds; returns stdout.
pub fn run_ok(command: Command) -> String {
    let shown = format!("{command:?}");
    let output = run_bounded(command, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{shown} failed ({})\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
