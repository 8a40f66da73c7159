//! `tandem report`: writes one self-contained HTML page with charts of the recorded suggestions.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::stats::{load, now_ms, Failure, Selection};
use crate::report::{render, ReportMeta};
use crate::stats::summarize;

/// Arguments of `tandem report`.
#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    selection: Selection,
    /// The HTML file to write.
    #[arg(long, short, default_value = "report.html", value_name = "FILE")]
    output: PathBuf,
}

/// Runs `tandem report`.
pub async fn run(args: ReportArgs) -> ExitCode {
    let loaded = match load(&args.selection, false) {
        Ok(loaded) => loaded,
        Err(Failure::Missing(message) | Failure::Other(message)) => {
            eprintln!("tandem report: {message}");
            return ExitCode::FAILURE;
        }
    };
    let summary = summarize(&loaded.telemetry);
    let page = render(
        &summary,
        &ReportMeta {
            database: loaded.path.display().to_string(),
            selection: loaded.selection.clone(),
            generated_ms: now_ms(),
        },
    );
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(parent) {
            eprintln!("tandem report: cannot create {}: {e}", parent.display());
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = std::fs::write(&args.output, page) {
        eprintln!("tandem report: cannot write {}: {e}", args.output.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} ({} suggestions from {}{})",
        args.output.display(),
        summary.overall.offered,
        loaded.path.display(),
        loaded.described()
    );
    ExitCode::SUCCESS
}
