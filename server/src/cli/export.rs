//! `tandem export`: what you accepted and kept, as eval task lines (shared/eval-format.md), so
//! `tandem eval` can replay your own work against another model.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::stats::{load, Failure, Selection};
use crate::stats::{parse_min_checkpoint, relative_path, task_from, RetentionRow, Skip};

/// Arguments of `tandem export`.
#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    selection: Selection,
    /// The JSON Lines task file to write.
    #[arg(long, short, default_value = "tasks.jsonl", value_name = "FILE")]
    output: PathBuf,
    /// Only suggestions followed at least this long after acceptance (30s, 2m, 5m, 10m), so the
    /// expected text is what survived the edits right after accepting.
    #[arg(long, value_name = "CHECKPOINT")]
    min_checkpoint: Option<String>,
}

/// How many rows were left out, and why.
#[derive(Default)]
struct Skipped {
    no_code: usize,
    too_recent: usize,
    nothing_kept: usize,
    gone: usize,
}

/// Runs `tandem export`.
pub async fn run(args: ExportArgs) -> ExitCode {
    match export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tandem export: {message}");
            ExitCode::FAILURE
        }
    }
}

fn export(args: &ExportArgs) -> Result<(), String> {
    let min_followed_ms = args
        .min_checkpoint
        .as_deref()
        .map(|text| {
            parse_min_checkpoint(text).ok_or_else(|| {
                format!("--min-checkpoint {text:?}: expected one of 30s, 2m, 5m, 10m")
            })
        })
        .transpose()?;
    let loaded = load(&args.selection, true).map_err(|e| match e {
        Failure::Missing(message) | Failure::Other(message) => message,
    })?;
    let out_dir = output_folder(&args.output)?;
    let mut retention: HashMap<&str, Vec<&RetentionRow>> = HashMap::new();
    for row in &loaded.telemetry.retention {
        retention
            .entry(row.suggestion_id.as_str())
            .or_default()
            .push(row);
    }
    let file = std::fs::File::create(&args.output)
        .map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
    let mut writer = BufWriter::new(file);
    let write_error = |e: std::io::Error| format!("cannot write {}: {e}", args.output.display());
    let mut skipped = Skipped::default();
    let mut written = 0;
    let mut repos: HashMap<String, Option<String>> = HashMap::new();
    for row in &loaded.telemetry.suggestions {
        let checks = retention
            .get(row.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let repo = match (&row.workspace, &row.path) {
            (Some(workspace), Some(path)) => {
                let repo = repos
                    .entry(workspace.clone())
                    .or_insert_with(|| repo_name(&out_dir, Path::new(workspace)))
                    .clone();
                // eval reports a missing repo or file as an error line: leave out what moved.
                match repo {
                    Some(repo) if Path::new(workspace).join(path).is_file() => repo,
                    _ if row.is_accepted() && row.text.is_some() => {
                        skipped.gone += 1;
                        continue;
                    }
                    _ => String::new(),
                }
            }
            _ => String::new(),
        };
        match task_from(row, checks, repo, min_followed_ms) {
            Ok(task) => {
                let line = serde_json::to_string(&task)
                    .map_err(|e| format!("cannot encode task {}: {e}", task.id))?;
                writeln!(writer, "{line}").map_err(write_error)?;
                written += 1;
            }
            Err(Skip::NotAccepted) => {}
            Err(Skip::NoCode) => skipped.no_code += 1,
            Err(Skip::TooRecent) => skipped.too_recent += 1,
            Err(Skip::NothingKept) => skipped.nothing_kept += 1,
        }
    }
    writer.flush().map_err(write_error)?;
    println!(
        "wrote {written} tasks to {} (from {}{})",
        args.output.display(),
        loaded.path.display(),
        loaded.described()
    );
    let notes = [
        (skipped.no_code, "without stored code (telemetry.store_code = false, never-stored paths or untitled buffers)"),
        (skipped.too_recent, "not followed long enough for --min-checkpoint yet"),
        (skipped.nothing_kept, "deleted afterwards (nothing kept to expect)"),
        (skipped.gone, "whose workspace or file is no longer on disk"),
    ];
    for (count, why) in notes {
        if count > 0 {
            println!("skipped {count} accepted suggestions {why}");
        }
    }
    Ok(())
}

/// The absolute folder the task file goes in (created if needed).
fn output_folder(output: &Path) -> Result<PathBuf, String> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .and_then(|()| parent.canonicalize())
        .map_err(|e| format!("cannot use the folder {}: {e}", parent.display()))
}

/// `workspace` relative to the task file's folder; `None` when it no longer exists.
fn repo_name(out_dir: &Path, workspace: &Path) -> Option<String> {
    let workspace = workspace.canonicalize().ok()?;
    let relative = relative_path(out_dir, &workspace).unwrap_or(workspace);
    Some(relative.to_string_lossy().replace('\\', "/"))
}
