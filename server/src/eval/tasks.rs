//! Reading task files: JSON Lines in the exchange format of `shared/eval-format.md`. Every line
//! either becomes a task or an error the report shows; nothing is dropped silently.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One task, exactly as the exchange format defines it. Unknown fields are ignored, so files
/// carrying extra annotations still run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    /// Repository root, relative to the folder holding the task file (an absolute path is
    /// taken as it is).
    pub repo: String,
    /// The file with the hole, relative to `repo`.
    pub path: String,
    /// LSP languageId.
    pub language: String,
    pub prefix: String,
    pub suffix: String,
    pub expected: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub origin: Option<String>,
}

/// Why a line of a task file cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    #[error("line {line} is not valid UTF-8")]
    NotUtf8 { line: usize },
    #[error("line {line} is not a task: {message}")]
    Malformed { line: usize, message: String },
    #[error("line {line}: {message}")]
    Invalid { line: usize, message: String },
    #[error("line {line}: the id {id:?} is already used on line {first}")]
    DuplicateId {
        line: usize,
        id: String,
        first: usize,
    },
    #[error("line {line}: repo {repo} does not exist or is not a folder (repo is resolved relative to the task file's folder)")]
    RepoMissing { line: usize, repo: PathBuf },
    #[error("line {line}: file {file} does not exist in the repo")]
    FileMissing { line: usize, file: PathBuf },
}

/// A line that could not become a runnable task, with what is known about it for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The task's id, or `line N` when the line has none.
    pub id: String,
    pub language: Option<String>,
    pub kind: Option<String>,
    pub error: TaskError,
}

/// A task whose repo and file exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub task: Task,
    /// The repo's canonical absolute path: the workspace root.
    pub root: PathBuf,
    /// The file with the hole, absolute.
    pub file: PathBuf,
}

/// One non-blank line of a task file.
pub type Entry = Result<Resolved, Rejected>;

/// Why a task file cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the task file {path}: {source}")]
pub struct LoadError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Reads a task file and resolves each task's repo against the file's folder.
pub fn load(path: &Path) -> Result<Vec<Entry>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError {
        path: path.to_path_buf(),
        source,
    })?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(parse(&bytes)
        .into_iter()
        .map(|parsed| parsed.and_then(|(line, task)| resolve(line, task, folder)))
        .collect())
}

/// Parses JSON Lines into tasks with their 1-based line numbers; blank lines hold no task and
/// are passed over. Pure.
pub fn parse(bytes: &[u8]) -> Vec<Result<(usize, Task), Rejected>> {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    let mut out = Vec::new();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = index + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            out.push(Err(unnamed(line, TaskError::NotUtf8 { line })));
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let parsed = parse_line(line, text).and_then(|task| match seen.get(&task.id) {
            Some(&first) => Err(named(
                &task,
                TaskError::DuplicateId {
                    line,
                    id: task.id.clone(),
                    first,
                },
            )),
            None => {
                seen.insert(task.id.clone(), line);
                Ok((line, task))
            }
        });
        out.push(parsed);
    }
    out
}

fn parse_line(line: usize, text: &str) -> Result<Task, Rejected> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        unnamed(
            line,
            TaskError::Malformed {
                line,
                message: e.to_string(),
            },
        )
    })?;
    // Keep what the line does say, so the report's error line is attributable.
    let field = |name: &str| value.get(name).and_then(Value::as_str).map(String::from);
    let task: Task = serde_path_to_error::deserialize(&value).map_err(|e| {
        let message = match e.path().to_string().as_str() {
            "." => e.inner().to_string(),
            path => format!("{path}: {}", e.inner()),
        };
        Rejected {
            id: field("id").unwrap_or_else(|| format!("line {line}")),
            language: field("language"),
            kind: field("kind"),
            error: TaskError::Malformed { line, message },
        }
    })?;
    let problem = if task.id.trim().is_empty() {
        Some("id is empty".to_string())
    } else if task.language.trim().is_empty() {
        Some("language is empty".to_string())
    } else {
        check_path(&task.path)
    };
    match problem {
        Some(message) => Err(named(&task, TaskError::Invalid { line, message })),
        None => Ok(task),
    }
}

/// `path` must stay inside the repo, because only the repo is the workspace.
fn check_path(value: &str) -> Option<String> {
    let path = Path::new(value);
    if value.is_empty() {
        return Some("path is empty".into());
    }
    if path.is_absolute() {
        return Some(format!("path {value:?} must be relative to the repo"));
    }
    if path.components().any(|c| c == Component::ParentDir) {
        return Some(format!("path {value:?} must stay inside the repo"));
    }
    None
}

fn resolve(line: usize, task: Task, folder: &Path) -> Entry {
    let wanted = folder.join(&task.repo);
    let root = match std::fs::canonicalize(&wanted) {
        Ok(root) if root.is_dir() => root,
        _ => return Err(named(&task, TaskError::RepoMissing { line, repo: wanted })),
    };
    let file = root.join(&task.path);
    if !file.is_file() {
        return Err(named(&task, TaskError::FileMissing { line, file }));
    }
    Ok(Resolved { task, root, file })
}

fn unnamed(line: usize, error: TaskError) -> Rejected {
    Rejected {
        id: format!("line {line}"),
        language: None,
        kind: None,
        error,
    }
}

fn named(task: &Task, error: TaskError) -> Rejected {
    Rejected {
        id: task.id.clone(),
        language: Some(task.language.clone()),
        kind: task.kind.clone(),
        error,
    }
}

/// The distinct repo roots of `entries`, in order of first appearance.
pub fn roots(entries: &[Entry]) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    entries
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .filter(|r| seen.insert(r.root.clone()))
        .map(|r| r.root.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id":"a","repo":"r","path":"m.py","language":"python","prefix":"x = ","suffix":"\n","expected":"1","kind":"line-rest","origin":"synthetic"}"#;

    fn errors(input: &str) -> Vec<String> {
        parse(input.as_bytes())
            .into_iter()
            .filter_map(|r| r.err())
            .map(|r| format!("{} | {}", r.id, r.error))
            .collect()
    }

    #[test]
    fn a_well_formed_line_becomes_a_task_with_its_line_number() {
        let parsed = parse(format!("\n{GOOD}\n").as_bytes());
        assert_eq!(parsed.len(), 1);
        let (line, task) = parsed[0].clone().expect("a task");
        assert_eq!(line, 2);
        assert_eq!(task.id, "a");
        assert_eq!(task.prefix, "x = ");
        assert_eq!(task.kind.as_deref(), Some("line-rest"));
        assert_eq!(task.origin.as_deref(), Some("synthetic"));
    }

    #[test]
    fn optional_fields_may_be_missing_and_unknown_ones_are_ignored() {
        let line = r#"{"id":"b","repo":".","path":"m.rs","language":"rust","prefix":"","suffix":"","expected":"fn f() {}","score_hint":3}"#;
        let parsed = parse(line.as_bytes());
        let (_, task) = parsed[0].clone().expect("a task");
        assert_eq!((task.kind, task.origin), (None, None));
    }

    #[test]
    fn every_bad_line_is_reported_with_what_is_known_about_it() {
        let input = [
            GOOD,
            "not json",
            r#"{"id":"c","repo":"r","path":"m.py","language":"python","prefix":"","suffix":""}"#,
            r#"{"id":"d","repo":"r","path":"m.py","language":"python","prefix":3,"suffix":"","expected":""}"#,
            GOOD,
            r#"{"id":"e","repo":"r","path":"/etc/passwd","language":"python","prefix":"","suffix":"","expected":""}"#,
            r#"{"id":"f","repo":"r","path":"../x.py","language":"python","prefix":"","suffix":"","expected":""}"#,
            r#"{"id":" ","repo":"r","path":"x.py","language":"python","prefix":"","suffix":"","expected":""}"#,
        ]
        .join("\n");
        let got = errors(&input);
        let want = [
            "line 2 | line 2 is not a task: expected ident at line 1 column 2",
            "c | line 3 is not a task: missing field `expected`",
            "d | line 4 is not a task: prefix: invalid type: integer `3`, expected a string",
            "a | line 5: the id \"a\" is already used on line 1",
            "e | line 6: path \"/etc/passwd\" must be relative to the repo",
            "f | line 7: path \"../x.py\" must stay inside the repo",
            "  | line 8: id is empty",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_and_the_next_lines_still_parse() {
        let mut input = b"{\"id\":\"\xff\"}\n".to_vec();
        input.extend_from_slice(GOOD.as_bytes());
        let parsed = parse(&input);
        assert_eq!(parsed.len(), 2);
        assert!(matches!(
            &parsed[0],
            Err(Rejected {
                error: TaskError::NotUtf8 { line: 1 },
                ..
            })
        ));
        assert!(parsed[1].is_ok());
    }

    #[test]
    fn repos_resolve_against_the_task_files_folder_and_missing_ones_are_errors() {
        let dir = tempfile::tempdir().expect("temp dir");
        let repo = dir.path().join("r");
        std::fs::create_dir_all(&repo).expect("mkdir");
        std::fs::write(repo.join("m.py"), "x = 1\n").expect("write");
        let tasks = dir.path().join("sub").join("tasks.jsonl");
        std::fs::create_dir_all(tasks.parent().expect("parent")).expect("mkdir");
        let lines = [
            GOOD.replace("\"repo\":\"r\"", "\"repo\":\"../r\""),
            GOOD.replace("\"id\":\"a\"", "\"id\":\"b\""),
            GOOD.replace("\"id\":\"a\"", "\"id\":\"c\"")
                .replace("\"repo\":\"r\"", "\"repo\":\"../r\"")
                .replace("m.py", "gone.py"),
        ];
        std::fs::write(&tasks, lines.join("\n")).expect("write tasks");
        let entries = load(&tasks).expect("readable");
        assert_eq!(entries.len(), 3);
        let first = entries[0].as_ref().expect("a resolved task");
        assert_eq!(first.root, std::fs::canonicalize(&repo).expect("canonical"));
        assert_eq!(first.file, first.root.join("m.py"));
        assert!(matches!(
            &entries[1],
            Err(Rejected { id, error: TaskError::RepoMissing { line: 2, .. }, .. }) if id == "b"
        ));
        assert!(matches!(
            &entries[2],
            Err(Rejected {
                error: TaskError::FileMissing { line: 3, .. },
                ..
            })
        ));
        assert_eq!(roots(&entries), vec![first.root.clone()]);
    }

    #[test]
    fn an_unreadable_task_file_is_an_error_naming_it() {
        let error = load(Path::new("/nonexistent/tasks.jsonl")).expect_err("missing file");
        assert!(error.to_string().contains("/nonexistent/tasks.jsonl"));
    }
}
