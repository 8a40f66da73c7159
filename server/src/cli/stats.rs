//! `tandem stats`: acceptance, retention and latency of recorded suggestions, in the terminal.
//! Also the options and the loading that `report` and `export` share.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::Overrides;
use crate::stats::{self, Filter, GroupBy, LoadError, Telemetry};

/// Which recorded suggestions to read.
#[derive(Args, Clone, Default)]
pub struct Selection {
    /// The telemetry database [default: telemetry.path, else <data dir>/tandem/telemetry.sqlite3]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Only suggestions since a span back from now (30m, 12h, 7d, 2w) or a UTC date (2026-11-01).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only suggestions of this model.
    #[arg(long)]
    pub model: Option<String>,
    /// Only suggestions in this language (LSP languageId: rust, python, ...).
    #[arg(long)]
    pub language: Option<String>,
}

/// Arguments of `tandem stats`.
#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    selection: Selection,
    /// Per-group tables to show (repeatable) [default: model, language and day]
    #[arg(long, value_enum)]
    by: Vec<By>,
}

/// `--by` values.
#[derive(Clone, Copy, ValueEnum)]
enum By {
    Model,
    Language,
    Day,
}

/// Runs `tandem stats`.
pub async fn run(args: StatsArgs) -> ExitCode {
    let loaded = match load(&args.selection, false) {
        Ok(loaded) => loaded,
        // Nothing recorded is not a failure of `stats`: it is the answer.
        Err(Failure::Missing(message)) => {
            println!("{message}");
            return ExitCode::SUCCESS;
        }
        Err(Failure::Other(message)) => {
            eprintln!("tandem stats: {message}");
            return ExitCode::FAILURE;
        }
    };
    let groupings: Vec<GroupBy> = if args.by.is_empty() {
        vec![GroupBy::Model, GroupBy::Language, GroupBy::Day]
    } else {
        args.by
            .iter()
            .map(|by| match by {
                By::Model => GroupBy::Model,
                By::Language => GroupBy::Language,
                By::Day => GroupBy::Day,
            })
            .collect()
    };
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    println!("telemetry: {}{}", loaded.path.display(), loaded.described());
    print!(
        "{}",
        stats::render_text(&stats::summarize(&loaded.telemetry), &groupings, color)
    );
    ExitCode::SUCCESS
}

/// What was read, from where, and how it was selected.
pub struct Loaded {
    pub path: PathBuf,
    pub telemetry: Telemetry,
    /// `--since` etc. in words, empty for everything.
    pub selection: String,
}

impl Loaded {
    /// `" (since …, model …)"` or nothing.
    pub fn described(&self) -> String {
        if self.selection.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.selection)
        }
    }
}

/// Why loading failed.
pub enum Failure {
    /// No database yet: the message says how telemetry gets recorded.
    Missing(String),
    /// Anything else, with a message for the user.
    Other(String),
}

/// Resolves the database, parses the selection and loads the rows (with code when `with_code`).
pub fn load(selection: &Selection, with_code: bool) -> Result<Loaded, Failure> {
    let path = database(selection.db.as_deref())?;
    let now_ms = now_ms();
    let since_ms = selection
        .since
        .as_deref()
        .map(|since| stats::parse_since(since, now_ms))
        .transpose()
        .map_err(|e| Failure::Other(e.to_string()))?;
    let filter = Filter {
        since_ms,
        model: selection.model.clone(),
        language: selection.language.clone(),
        with_code,
    };
    let telemetry = stats::load(&path, &filter).map_err(|e| match e {
        LoadError::Missing { .. } => Failure::Missing(e.to_string()),
        other => Failure::Other(other.to_string()),
    })?;
    let mut words = Vec::new();
    if let (Some(text), Some(ms)) = (&selection.since, since_ms) {
        words.push(format!("since {} = {}", text.trim(), stats::day_of(ms)));
    }
    if let Some(model) = &selection.model {
        words.push(format!("model {model}"));
    }
    if let Some(language) = &selection.language {
        words.push(format!("language {language}"));
    }
    Ok(Loaded {
        path,
        telemetry,
        selection: words.join(", "),
    })
}

/// `--db`, else the configured `telemetry.path`, else the default place.
fn database(explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(path) = explicit {
        return stats::database_path(Some(path), "").map_err(|e| Failure::Other(e.to_string()));
    }
    let root = std::env::current_dir().ok();
    let (config, messages) = super::workspace::load(root.as_deref(), &Overrides::default());
    for message in messages {
        eprintln!("tandem: config {}: {}", message.key, message.message);
    }
    stats::database_path(None, &config.telemetry.path).map_err(|e| Failure::Other(e.to_string()))
}

/// The wall clock, for `--since` spans and report dates.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
