//! The `tandem` command line: `serve` (the default), `complete`, `doctor`.

mod complete;
mod doctor;
mod eval;
mod eval_holes;
mod export;
mod interrupt;
mod report;
mod stats;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// A language server that pairs you with a local code model.
#[derive(Parser)]
#[command(name = "tandem", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the language server on stdin/stdout (what a bare `tandem` does).
    Serve,
    /// Print the suggestion the editor would be offered at FILE:LINE:COL (1-based).
    Complete(complete::CompleteArgs),
    /// Check the configuration, the backend and the model, and say how to fix what is wrong.
    Doctor(Overrides),
    /// Run eval task files through the completion pipeline and score the answers.
    Eval(Box<eval::EvalArgs>),
    /// Acceptance, retention and latency of the suggestions you were shown.
    Stats(stats::StatsArgs),
    /// Write an HTML report of the suggestions you were shown.
    Report(report::ReportArgs),
    /// Write what you accepted and kept as eval task files.
    Export(export::ExportArgs),
}

/// Config overrides for one command-line run.
#[derive(Args, Clone, Default)]
pub struct Overrides {
    /// Managed model: 0.5b, 1.5b or a .gguf path (sets `managed.model`).
    #[arg(long)]
    model: Option<String>,
    /// Backend kind: managed, llamacpp, openai, ollama (sets `backend.kind`).
    #[arg(long)]
    backend: Option<String>,
    /// Backend URL (sets `backend.url`).
    #[arg(long)]
    url: Option<String>,
    /// A tandem.toml to use on top of the user and workspace config files.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("tandem: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let (config, _) = workspace::load(None, &Overrides::default());
            init_logging(&config, "info");
            runtime.block_on(crate::lsp::serve_stdio());
            // The stdin reader blocks in a thread of its own until the client closes the pipe,
            // which some never do after `exit`: do not wait for it.
            runtime.shutdown_timeout(std::time::Duration::from_millis(500));
            ExitCode::SUCCESS
        }
        Command::Complete(args) => runtime.block_on(complete::run(args)),
        Command::Doctor(overrides) => runtime.block_on(doctor::run(overrides)),
        Command::Eval(args) => runtime.block_on(eval::run(*args)),
        Command::Stats(args) => runtime.block_on(stats::run(args)),
        Command::Report(args) => runtime.block_on(report::run(args)),
        Command::Export(args) => runtime.block_on(export::run(args)),
    }
}

fn init_logging(config: &crate::config::Config, fallback_level: &str) {
    let file = config.log.file.trim();
    let level = if config.log.level.trim().is_empty() {
        fallback_level
    } else {
        config.log.level.as_str()
    };
    crate::logging::init(
        level,
        (!file.is_empty()).then(|| std::path::Path::new(file)),
    );
}
