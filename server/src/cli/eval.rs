//! `tandem eval TASKS.jsonl`, `tandem eval compare A.json B.json` and `tandem eval holes`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use super::interrupt;
use super::{eval_holes, init_logging, workspace, Overrides};
use crate::config::ContextMode;
use crate::engine::{Engine, ProgressSink};
use crate::eval::bootstrap::{RESAMPLES, SEED};
use crate::eval::report::{rfc3339_utc, BootstrapSettings, RunReport, TaskReport};
use crate::eval::run::{display_path, run_tasks, seconds_since, RunProgress};
use crate::eval::settings::{self, BackendFacts, RunFacts};
use crate::eval::summary::summarise;
use crate::eval::{compare, table, tasks};

/// Arguments of `tandem eval`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: Option<EvalCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Show two runs' summaries side by side, with differences (B − A).
    Compare(CompareArgs),
    /// Make a task file from a repository by cutting holes in its code.
    Holes(eval_holes::HolesArgs),
}

/// Running a task file.
#[derive(Args)]
struct RunArgs {
    /// Task file: JSON Lines in the exchange format (shared/eval-format.md).
    #[arg(required = true, value_name = "TASKS.jsonl")]
    tasks: Option<PathBuf>,
    /// Code outside the cursor's window that goes into the prompt (sets `context.mode`).
    #[arg(long, value_enum)]
    context: Option<ContextArg>,
    /// Context sources to use, comma-separated: definitions, similar, recent, outline (sets
    /// `context.sources`).
    #[arg(long, value_delimiter = ',')]
    sources: Option<Vec<String>>,
    /// Run only the first N task lines.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Where to write the run's JSON report (default: `<tasks>.<start time>.run.json` here).
    #[arg(long, short, value_name = "RUN.json")]
    output: Option<PathBuf>,
    #[command(flatten)]
    overrides: Overrides,
}

#[derive(Clone, Copy, ValueEnum)]
enum ContextArg {
    None,
    File,
    Repo,
}

impl From<ContextArg> for ContextMode {
    fn from(arg: ContextArg) -> Self {
        match arg {
            ContextArg::None => ContextMode::None,
            ContextArg::File => ContextMode::File,
            ContextArg::Repo => ContextMode::Repo,
        }
    }
}

/// Comparing two runs.
#[derive(Args)]
struct CompareArgs {
    /// The baseline run's JSON report.
    a: PathBuf,
    /// The run compared with it.
    b: PathBuf,
}

/// Runs `tandem eval`.
pub async fn run(args: EvalArgs) -> ExitCode {
    let result = match args.command {
        Some(EvalCommand::Holes(holes)) => return eval_holes::run(holes).await,
        Some(EvalCommand::Compare(compare)) => compare_runs(&compare),
        None => run_file(args.run).await,
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tandem eval: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run_file(args: RunArgs) -> Result<ExitCode, String> {
    let tasks_path = args
        .tasks
        .clone()
        .ok_or("give a task file: tandem eval TASKS.jsonl")?;
    let mut entries = tasks::load(&tasks_path).map_err(|e| e.to_string())?;
    if let Some(limit) = args.limit {
        entries.truncate(limit);
    }
    if entries.is_empty() {
        return Err(format!("{} holds no tasks", tasks_path.display()));
    }

    // The user's config (and --config), not a repo's own tandem.toml: every repo of a run must
    // be completed with the same settings.
    let (mut config, messages) = workspace::load(None, &args.overrides);
    init_logging(&config, "warn");
    for message in &messages {
        eprintln!("tandem: {message}");
    }
    settings::apply(
        &mut config,
        args.context.map(ContextMode::from),
        args.sources.as_deref(),
    )
    .map_err(|e| e.to_string())?;

    let bar = progress_bar(entries.len() as u64);
    let engine = Engine::new(config.clone());
    engine.set_progress(Arc::new(BarProgress(bar.clone())));
    let started_at = SystemTime::now();
    let started = Instant::now();
    let task_progress = BarProgress(bar.clone());
    // The shutdown waits until the select has dropped the run and what it holds.
    let finished = tokio::select! {
        result = run_tasks(&engine, entries, &task_progress) => Ok(result),
        signal = interrupt::interrupted() => Err(signal),
    };
    let result = match finished {
        Ok(result) => result,
        Err(signal) => {
            bar.finish_and_clear();
            engine.shutdown().await;
            return Err(format!(
                "interrupted by {signal}: stopped the model server; no report was written"
            ));
        }
    };
    bar.finish_and_clear();
    let facts = backend_facts(&engine).await;
    engine.shutdown().await;
    let reports = result.map_err(|e| e.to_string())?;

    let bootstrap = BootstrapSettings {
        resamples: RESAMPLES,
        seed: SEED,
    };
    let unix = started_at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let report = RunReport {
        summary: summarise(&reports, bootstrap.resamples, bootstrap.seed),
        config: settings::record(
            &config,
            &facts,
            RunFacts {
                tasks_file: display_path(&tasks_path).display().to_string(),
                started_at: rfc3339_utc(unix),
                duration_secs: seconds_since(started),
                limit: args.limit,
                bootstrap,
            },
        ),
        tasks: reports,
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&tasks_path, &report.config.started_at));
    write_report(&output, &report)?;

    println!("{}", describe(&report));
    print!("{}", table::render(&report.summary));
    let errors = report.summary.overall.errors;
    if errors > 0 {
        eprintln!(
            "tandem eval: {errors} of {} task lines did not run; see their \"error\" in {}",
            report.summary.overall.tasks,
            output.display()
        );
    }
    let timeouts = report
        .tasks
        .iter()
        .filter(|t| t.error_kind.as_deref() == Some("timeout"))
        .count();
    if timeouts > 0 {
        eprintln!(
            "tandem eval: {timeouts} tasks timed out: on a slow or busy machine raise \
             `backend.request_timeout_ms` (now {} ms) in a --config file",
            config.backend.request_timeout_ms
        );
    }
    eprintln!("tandem eval: wrote {}", output.display());
    Ok(ExitCode::SUCCESS)
}

/// The model, client and template in use, as the connected backend reported them.
async fn backend_facts(engine: &Engine) -> BackendFacts {
    match engine.active_backend().await {
        Ok(active) => BackendFacts {
            model: active.info.name.clone(),
            client: active.backend.name().to_string(),
            template: active.template.name.clone(),
            url: active.url.clone(),
            parameters: active.info.parameters,
        },
        Err(_) => BackendFacts::default(),
    }
}

fn describe(report: &RunReport) -> String {
    let c = &report.config;
    format!(
        "model {} ({} via {}) · template {} · context {} [{}] · {:.0}s",
        c.model,
        c.backend,
        c.backend_client,
        c.template,
        c.context_mode,
        c.sources.join(","),
        c.duration_secs
    )
}

/// `<stem>.<YYYYMMDDTHHMMSSZ>.run.json` in the current folder.
fn default_output(tasks: &Path, started_at: &str) -> PathBuf {
    let stem = tasks
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tasks".into());
    let stamp: String = started_at
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect();
    PathBuf::from(format!("{stem}.{stamp}.run.json"))
}

fn write_report(path: &Path, report: &RunReport) -> Result<(), String> {
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| format!("cannot encode the report: {e}"))?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, json + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn compare_runs(args: &CompareArgs) -> Result<ExitCode, String> {
    let a = read_report(&args.a)?;
    let b = read_report(&args.b)?;
    print!("{}", compare::render(&a, &b, RESAMPLES, SEED));
    Ok(ExitCode::SUCCESS)
}

fn read_report(path: &Path) -> Result<RunReport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a `tandem eval` report: {e}", path.display()))
}

/// A progress bar on stderr; indicatif hides it when stderr is not a terminal.
fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} tasks · {elapsed} · eta {eta} · {msg}")
    {
        bar.set_style(style);
    }
    bar
}

/// Reports a run and the managed server's start through the bar, printing lines above it.
struct BarProgress(ProgressBar);

impl BarProgress {
    fn line(&self, text: &str) {
        self.0.suspend(|| eprintln!("tandem eval: {text}"));
    }
}

impl RunProgress for BarProgress {
    fn indexing(&self, root: &Path, tasks: usize) {
        self.0.set_message(format!("indexing {}", root.display()));
        if self.0.is_hidden() {
            self.line(&format!("{} ({tasks} tasks)", root.display()));
        }
    }

    fn finished(&self, task: &TaskReport) {
        self.0.inc(1);
        self.0.set_message(task.id.clone());
        if let Some(error) = &task.error {
            self.line(&format!("{}: {error}", task.id));
        }
    }
}

impl ProgressSink for BarProgress {
    fn begin(&self, title: &str) {
        self.line(title);
    }
    fn report(&self, message: &str) {
        self.line(message);
    }
    fn end(&self, message: &str) {
        self.line(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(clap::Subcommand)]
    enum Command {
        Eval(EvalArgs),
    }

    fn parse(args: &[&str]) -> Result<EvalArgs, clap::Error> {
        let argv = ["tandem", "eval"].iter().chain(args);
        Cli::try_parse_from(argv).map(|cli| match cli.command {
            Command::Eval(args) => args,
        })
    }

    #[test]
    fn a_task_file_runs_without_a_subcommand() {
        let args = parse(&[
            "tasks.jsonl",
            "--context",
            "file",
            "--sources",
            "definitions,recent",
            "--limit",
            "4",
            "--output",
            "run.json",
            "--model",
            "1.5b",
        ])
        .expect("parses");
        assert!(args.command.is_none());
        assert_eq!(args.run.tasks, Some(PathBuf::from("tasks.jsonl")));
        assert!(matches!(args.run.context, Some(ContextArg::File)));
        assert_eq!(
            args.run.sources,
            Some(vec!["definitions".to_string(), "recent".to_string()])
        );
        assert_eq!(args.run.limit, Some(4));
        assert_eq!(args.run.overrides.model.as_deref(), Some("1.5b"));
    }

    #[test]
    fn compare_is_a_subcommand_and_needs_no_task_file() {
        let args = parse(&["compare", "a.json", "b.json"]).expect("parses");
        assert!(
            matches!(args.command, Some(EvalCommand::Compare(CompareArgs { ref a, ref b }))
                if a == Path::new("a.json") && b == Path::new("b.json"))
        );
    }

    #[test]
    fn a_task_file_is_required_without_a_subcommand() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["--context", "none"]).is_err());
        assert!(parse(&["tasks.jsonl", "--context", "everything"]).is_err());
    }

    #[test]
    fn the_default_report_name_carries_the_task_file_and_start_time() {
        assert_eq!(
            default_output(Path::new("/x/python.jsonl"), "2026-11-23T10:57:07Z"),
            PathBuf::from("python.20261123T105707Z.run.json")
        );
    }
}
