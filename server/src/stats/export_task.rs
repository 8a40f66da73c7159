//! Turning an accepted suggestion into an eval task (see shared/eval-format.md): the file around
//! it as prefix and suffix, and what the user kept as the expected middle.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::rows::{Checkpoint, Outcome, RetentionRow, SuggestionRow};

/// One line of an eval task file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalTask {
    pub id: String,
    /// The workspace, relative to the task file's folder.
    pub repo: String,
    /// The file, relative to `repo`.
    pub path: String,
    pub language: String,
    pub kind: &'static str,
    pub origin: &'static str,
    pub prefix: String,
    pub suffix: String,
    pub expected: String,
}

/// Why an accepted suggestion did not become a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not accepted (rejected or pending).
    NotAccepted,
    /// Its code was not stored (`store_code = false`, a never-stored path, an untitled buffer).
    NoCode,
    /// Not followed as long as `--min-checkpoint` asks.
    TooRecent,
    /// The user deleted all of it afterwards: nothing to expect.
    NothingKept,
}

/// The task for `row`, given its retention rows, the workspace as the task file will name it,
/// and the shortest time after acceptance it must have been followed.
pub fn task_from(
    row: &SuggestionRow,
    retention: &[&RetentionRow],
    repo: String,
    min_followed_ms: Option<i64>,
) -> Result<EvalTask, Skip> {
    if !row.is_accepted() {
        return Err(Skip::NotAccepted);
    }
    let (Some(text), Some(path), Some(prefix), Some(suffix), Some(_)) = (
        &row.text,
        &row.path,
        &row.file_prefix,
        &row.file_suffix,
        &row.workspace,
    ) else {
        return Err(Skip::NoCode);
    };
    if let Some(min) = min_followed_ms {
        if !followed_for(row, retention, min) {
            return Err(Skip::TooRecent);
        }
    }
    let expected = kept_text(row, text, retention);
    if expected.trim().is_empty() {
        return Err(Skip::NothingKept);
    }
    Ok(EvalTask {
        id: row.id.clone(),
        repo,
        path: path.clone(),
        language: row.language.clone(),
        kind: kind_of(prefix, &expected),
        origin: "telemetry",
        prefix: prefix.clone(),
        suffix: suffix.clone(),
        expected,
    })
}

/// What the user kept: the surviving text of the latest checkpoint, else what was accepted.
fn kept_text(row: &SuggestionRow, text: &str, retention: &[&RetentionRow]) -> String {
    let latest = retention
        .iter()
        .filter(|r| r.surviving.is_some())
        .max_by_key(|r| (r.at_ms, r.checkpoint));
    match latest.and_then(|r| r.surviving.clone()) {
        Some(surviving) => surviving,
        None if row.outcome == Some(Outcome::Partial) => {
            let taken = usize::try_from(row.accepted_chars.unwrap_or(0)).unwrap_or(0);
            text.chars().take(taken).collect()
        }
        None => text.to_string(),
    }
}

/// Whether the suggestion was checked at least `min_ms` after acceptance: a timed checkpoint that
/// late, or a `close` check that came that long after the acceptance.
fn followed_for(row: &SuggestionRow, retention: &[&RetentionRow], min_ms: i64) -> bool {
    retention.iter().any(|r| match r.checkpoint.after_ms() {
        Some(after) => after >= min_ms,
        None => row
            .outcome_ms
            .is_some_and(|accepted| r.at_ms - accepted >= min_ms),
    })
}

/// The eval `kind`: `line-rest` when the cursor is inside a line and one line is expected,
/// `line` for one line after the indentation, `block` for more.
pub fn kind_of(prefix: &str, expected: &str) -> &'static str {
    let one_line = !expected.trim_end_matches(['\n', '\r']).contains('\n');
    let current_line = prefix.rsplit('\n').next().unwrap_or("");
    let at_line_start = current_line.trim().is_empty();
    match (one_line, at_line_start) {
        (true, false) => "line-rest",
        (true, true) => "line",
        (false, _) => "block",
    }
}

/// The `--min-checkpoint` values, as ms after acceptance.
pub fn parse_min_checkpoint(text: &str) -> Option<i64> {
    Checkpoint::parse(text.trim()).and_then(Checkpoint::after_ms)
}

/// `to` relative to the folder `from` (both absolute): `../ws` style. `None` when they share no
/// root (another drive on Windows).
pub fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for part in &to[common..] {
        relative.push(part);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    Some(relative)
}
