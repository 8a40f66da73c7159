//! Running tasks through the engine: the editor's pipeline, one repo workspace at a time, each
//! task's `prefix + suffix` as the open buffer with the cursor between them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use percent_encoding::{percent_encode, AsciiSet, CONTROLS};
use ropey::Rope;

use super::report::{ContextChunk, TaskReport, TaskTimings};
use super::scores::score;
use super::tasks::{roots, Entry, Rejected, Resolved};
use crate::documents::DocumentSnapshot;
use crate::engine::{
    CompletionOutcome, CompletionRequest, Engine, EngineError, SkipReason, Trigger,
};

/// Backend failures in a row, each saying the backend cannot be reached, after which a run stops:
/// every later task would fail the same way.
pub const MAX_UNREACHABLE_IN_A_ROW: usize = 5;

/// Why a run stopped before its last task.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("the model backend is not usable: {0}\n(check it with `tandem doctor` and the same --backend/--url/--model/--config options)")]
    Backend(String),
    #[error("stopped after {count} tasks in a row could not reach the model backend; the last error: {last}\n(check it with `tandem doctor` and the same options)")]
    Unreachable { count: usize, last: String },
}

/// What a run tells the person watching it.
pub trait RunProgress {
    /// Indexing of `root` started (`tasks` of the run's tasks live there).
    fn indexing(&self, root: &Path, tasks: usize);
    /// One task line is done (ran, failed or was rejected).
    fn finished(&self, task: &TaskReport);
}

/// Runs every entry in file order, grouped by repo; rejected lines become error reports in place.
pub async fn run_tasks(
    engine: &Engine,
    entries: Vec<Entry>,
    progress: &dyn RunProgress,
) -> Result<Vec<TaskReport>, RunError> {
    engine
        .warm_up()
        .await
        .map_err(|e| RunError::Backend(e.to_string()))?;
    let mut reports: Vec<Option<TaskReport>> = vec![None; entries.len()];
    for (slot, entry) in reports.iter_mut().zip(&entries) {
        if let Err(rejected) = entry {
            let report = rejected_report(rejected);
            progress.finished(&report);
            *slot = Some(report);
        }
    }
    let mut unreachable = 0;
    for root in roots(&entries) {
        let here: Vec<(usize, &Resolved)> = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().ok().map(|r| (i, r)))
            .filter(|(_, r)| r.root == root)
            .collect();
        progress.indexing(&root, here.len());
        engine.open_workspace(root.clone());
        engine.workspace_ready().await;
        for (index, resolved) in here {
            let result = complete_one(engine, resolved).await;
            let report = match result {
                Ok(outcome) => {
                    unreachable = 0;
                    outcome_report(resolved, &outcome)
                }
                Err(failure) => {
                    if UNREACHABLE.contains(&failure.kind) {
                        unreachable += 1;
                        if unreachable >= MAX_UNREACHABLE_IN_A_ROW {
                            return Err(RunError::Unreachable {
                                count: unreachable,
                                last: failure.message,
                            });
                        }
                    } else {
                        unreachable = 0;
                    }
                    failed_report(resolved, failure)
                }
            };
            progress.finished(&report);
            reports[index] = Some(report);
        }
    }
    Ok(reports.into_iter().flatten().collect())
}

/// Asks the pipeline once at the end of the task's prefix.
async fn complete_one(engine: &Engine, resolved: &Resolved) -> Result<CompletionOutcome, Failure> {
    let task = &resolved.task;
    let text = format!("{}{}", task.prefix, task.suffix);
    let snapshot = DocumentSnapshot {
        uri: file_uri(&resolved.file),
        path: Some(resolved.file.clone()),
        language_id: task.language.clone(),
        version: 1,
        text: Rope::from_str(&text),
    };
    // The buffer overrides the file on disk, which may still hold the hidden middle.
    engine.buffer_opened(&snapshot);
    // Each task is asked cold: an answer remembered from another task would not be this one's.
    engine.clear_caches();
    let request = CompletionRequest {
        cursor: task.prefix.chars().count(),
        document: snapshot,
        trigger: Trigger::Invoked,
        workspace_root: Some(resolved.root.clone()),
    };
    let uri = request.document.uri.clone();
    let result = engine.complete(request).await;
    engine.buffer_closed(&uri);
    match result {
        Ok(outcome) if outcome.skipped == Some(SkipReason::RateLimited) => Err(Failure {
            kind: "rate_limited",
            message: "the backend asked to slow down (HTTP 429), so the task was not sent".into(),
        }),
        Ok(outcome) => Ok(outcome),
        Err(error) => Err(Failure::from(error)),
    }
}

/// Why one task got no answer: a stable kind for scripts and the message for people.
struct Failure {
    kind: &'static str,
    message: String,
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Self {
        let kind = match &error {
            EngineError::Backend { error, .. } => error.kind(),
            EngineError::Managed(_) => "managed",
            EngineError::Cancelled => "cancelled",
            EngineError::Internal(_) => "internal",
        };
        Failure {
            kind,
            message: error.to_string(),
        }
    }
}

/// Failure kinds that say the backend is not there or not usable as configured, whatever the
/// prompt. A timeout is not one: a busy server still answers other prompts.
const UNREACHABLE: [&str; 6] = [
    "connection_refused",
    "managed",
    "unauthorized",
    "model_not_found",
    "endpoint_not_found",
    "config",
];

fn outcome_report(resolved: &Resolved, outcome: &CompletionOutcome) -> TaskReport {
    let task = &resolved.task;
    let completion = outcome
        .suggestions
        .first()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    let t = &outcome.timings;
    TaskReport {
        id: task.id.clone(),
        language: Some(task.language.clone()),
        kind: task.kind.clone(),
        path: Some(task.path.clone()),
        scores: Some(score(&completion, &task.expected)),
        completion: Some(completion),
        expected: Some(task.expected.clone()),
        timings: Some(TaskTimings {
            // Connecting to (or starting) the backend is not the completion's latency.
            latency_ms: (t.total_ms - t.startup_ms).max(0.0),
            context_ms: t.context_ms,
            prompt_ms: t.prompt_ms,
            model_ms: t.model_ms,
            post_ms: t.post_ms,
        }),
        prompt_tokens: outcome.usage.prompt_tokens,
        cached_tokens: outcome.usage.cached_tokens,
        context: outcome
            .context
            .iter()
            .map(|c| ContextChunk {
                source: c.source.clone(),
                path: c.path.clone(),
                tokens: c.tokens,
            })
            .collect(),
        skipped: outcome.skipped.map(|reason| {
            serde_json::to_value(reason)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_else(|| format!("{reason:?}"))
        }),
        error: None,
        error_kind: None,
    }
}

fn failed_report(resolved: &Resolved, failure: Failure) -> TaskReport {
    let task = &resolved.task;
    TaskReport {
        id: task.id.clone(),
        language: Some(task.language.clone()),
        kind: task.kind.clone(),
        path: Some(task.path.clone()),
        completion: None,
        expected: Some(task.expected.clone()),
        scores: None,
        timings: None,
        prompt_tokens: None,
        cached_tokens: None,
        context: Vec::new(),
        skipped: None,
        error: Some(failure.message),
        error_kind: Some(failure.kind.to_string()),
    }
}

fn rejected_report(rejected: &Rejected) -> TaskReport {
    TaskReport {
        id: rejected.id.clone(),
        language: rejected.language.clone(),
        kind: rejected.kind.clone(),
        path: None,
        completion: None,
        expected: None,
        scores: None,
        timings: None,
        prompt_tokens: None,
        cached_tokens: None,
        context: Vec::new(),
        skipped: None,
        error: Some(rejected.error.to_string()),
        error_kind: Some("task".into()),
    }
}

/// Characters a path segment cannot hold as they are in a `file:` URI.
const PATH_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file:` URI of an absolute path, percent-encoded the way editors send it.
pub fn file_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    format!("file://{}", percent_encode(&bytes, PATH_UNSAFE))
}

/// The seconds since `started`, for the report.
pub fn seconds_since(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}

/// The absolute form of a task file's path, for the report.
pub fn display_path(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::path_from_uri;

    #[test]
    fn file_uris_round_trip_through_the_servers_decoder() {
        for path in [
            "/tmp/repo/src/main.rs",
            "/tmp/my repo/a#b?.py",
            "/tmp/日本/100%.go",
        ] {
            let uri = file_uri(Path::new(path));
            assert!(uri.starts_with("file:///"), "{uri}");
            assert!(
                !uri.contains(' ') && !uri.contains('#') && !uri.contains('?'),
                "{uri}"
            );
            assert_eq!(path_from_uri(&uri), Some(PathBuf::from(path)), "{uri}");
        }
    }
}
