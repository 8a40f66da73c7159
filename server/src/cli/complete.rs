//! `tandem complete FILE:LINE:COL`: the editor's pipeline, from the command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use ropey::Rope;

use super::interrupt;
use super::{init_logging, workspace, Overrides};
use crate::documents::DocumentSnapshot;
use crate::engine::{CompletionRequest, Engine, ProgressSink, Trigger};

/// Arguments of `tandem complete`.
#[derive(Args)]
pub struct CompleteArgs {
    /// FILE:LINE:COL, 1-based, COL counted in characters.
    location: String,
    /// Print JSON with every suggestion, timings and the prompt.
    #[arg(long)]
    json: bool,
    /// Ask as an explicit invocation: several alternatives.
    #[arg(long)]
    invoked: bool,
    #[command(flatten)]
    overrides: Overrides,
}

/// Progress of a managed server start, on stderr.
struct StderrProgress;

impl ProgressSink for StderrProgress {
    fn begin(&self, title: &str) {
        eprintln!("tandem: {title}");
    }
    fn report(&self, message: &str) {
        eprintln!("tandem: {message}");
    }
    fn end(&self, message: &str) {
        eprintln!("tandem: {message}");
    }
}

/// Runs the command.
pub async fn run(args: CompleteArgs) -> ExitCode {
    match complete(args).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tandem complete: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn complete(args: CompleteArgs) -> Result<ExitCode, String> {
    let (file, line, column) = parse_location(&args.location)?;
    let file = std::path::absolute(&file)
        .map_err(|e| format!("cannot resolve {}: {e}", file.display()))?;
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{} is not valid UTF-8 text", file.display()))?;
    let root = workspace::root_of(&file);
    let (config, messages) = workspace::load(root.as_deref(), &args.overrides);
    init_logging(&config, "warn");
    for message in &messages {
        eprintln!("tandem: {message}");
    }

    let rope = Rope::from_str(&text);
    let cursor = cursor_at(&rope, line, column)?;
    let document = DocumentSnapshot {
        uri: format!("file://{}", file.display()),
        path: Some(file.clone()),
        language_id: language_id(&file),
        version: 0,
        text: rope,
    };
    let engine = Engine::new(config);
    engine.set_progress(Arc::new(StderrProgress));
    let trigger = if args.invoked {
        Trigger::Invoked
    } else {
        Trigger::Automatic
    };
    let work = async {
        // The same context the editor would have: index the workspace first (a CLI call has no
        // earlier keystrokes to hide the indexing behind).
        if let Some(root) = &root {
            engine.open_workspace(root.clone());
            engine.workspace_ready().await;
            engine.buffer_opened(&document);
        }
        let request = CompletionRequest {
            document,
            cursor,
            trigger,
            workspace_root: root,
        };
        engine.complete(request).await
    };
    // The shutdown waits until the select has dropped the completion and what it holds.
    let finished = tokio::select! {
        result = work => Ok(result),
        signal = interrupt::interrupted() => Err(signal),
    };
    let result = match finished {
        Ok(result) => result,
        Err(signal) => {
            engine.shutdown().await;
            return Err(format!("interrupted by {signal}: stopped the model server"));
        }
    };
    let outcome = result.map_err(|e| e.to_string())?;
    if args.json {
        let json = serde_json::to_string_pretty(&outcome).map_err(|e| e.to_string())?;
        println!("{json}");
    } else if let Some(first) = outcome.suggestions.first() {
        println!("{}", first.text);
    } else if let Some(reason) = outcome.skipped {
        eprintln!("tandem complete: no suggestion ({reason:?})");
    } else {
        eprintln!("tandem complete: the model had no suggestion here");
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_location(location: &str) -> Result<(PathBuf, usize, usize), String> {
    let usage = || format!("expected FILE:LINE:COL with 1-based numbers, got \"{location}\"");
    let mut parts = location.rsplitn(3, ':');
    let column = parts
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(usage)?;
    let line = parts
        .next()
        .and_then(|l| l.parse().ok())
        .ok_or_else(usage)?;
    let file = parts.next().filter(|f| !f.is_empty()).ok_or_else(usage)?;
    if line == 0 || column == 0 {
        return Err(usage());
    }
    Ok((PathBuf::from(file), line, column))
}

/// Char index of a 1-based line and column; the column may be one past the line's end.
fn cursor_at(rope: &Rope, line: usize, column: usize) -> Result<usize, String> {
    if line > rope.len_lines() {
        return Err(format!(
            "line {line} is past the end of the file ({} lines)",
            rope.len_lines()
        ));
    }
    let start = rope.line_to_char(line - 1);
    let content = rope.line(line - 1).to_string();
    let length = content.trim_end_matches(['\n', '\r']).chars().count();
    if column > length + 1 {
        return Err(format!(
            "column {column} is past the end of line {line} ({length} characters)"
        ));
    }
    Ok(start + column - 1)
}

fn language_id(file: &Path) -> String {
    crate::syntax::language_for("", Some(file))
        .map(|l| l.name.to_string())
        .unwrap_or_else(|| "plaintext".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_from_the_right_so_paths_may_contain_colons() {
        assert_eq!(
            parse_location("a:b/c.py:3:7"),
            Ok((PathBuf::from("a:b/c.py"), 3, 7))
        );
        assert!(parse_location("c.py:3").is_err());
        assert!(parse_location("c.py:0:1").is_err());
        assert!(parse_location(":1:1").is_err());
    }

    #[test]
    fn cursor_columns_count_characters_and_allow_end_of_line() {
        let rope = Rope::from_str("日本語\nab\r\n");
        assert_eq!(cursor_at(&rope, 1, 4), Ok(3));
        assert_eq!(cursor_at(&rope, 2, 3), Ok(6));
        assert!(cursor_at(&rope, 2, 5).is_err());
        assert!(cursor_at(&rope, 9, 1).is_err());
    }
}
