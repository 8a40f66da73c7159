//! `tandem doctor`: checks each link from config to model and says how to fix what is broken.

use std::process::ExitCode;

use super::{init_logging, workspace, Overrides};
use crate::config::BackendChoice;
use crate::engine::{Engine, EngineError};

struct Report {
    failed: bool,
}

impl Report {
    fn ok(&self, what: &str, detail: impl std::fmt::Display) {
        println!("ok    {what}: {detail}");
    }
    fn fail(&mut self, what: &str, detail: impl std::fmt::Display) {
        self.failed = true;
        println!("FAIL  {what}: {detail}");
    }
    fn warn(&self, what: &str, detail: impl std::fmt::Display) {
        println!("warn  {what}: {detail}");
    }
}

/// Runs every check; exits non-zero if any failed.
pub async fn run(overrides: Overrides) -> ExitCode {
    let mut report = Report { failed: false };
    let root = std::env::current_dir().ok();
    let (config, messages) = workspace::load(root.as_deref(), &overrides);
    init_logging(&config, "warn");

    if messages.is_empty() {
        report.ok("config", "valid");
    } else {
        for message in &messages {
            report.fail("config", message);
        }
    }

    if config.backend.kind == BackendChoice::Managed {
        let settings = crate::engine::managed_settings(&config);
        match crate::managed::locate(&settings) {
            Ok(found) => {
                report.ok("llama-server", found.binary.display());
                report.ok("model file", found.model.display());
            }
            Err(error) => {
                report.fail("managed llama-server", error);
                return ExitCode::FAILURE;
            }
        }
    }

    let engine = Engine::new(config.clone());
    let active = match engine.active_backend().await {
        Ok(active) => active,
        Err(error) => {
            let fix = match &error {
                EngineError::Backend { error, .. } if error.is_transient() => {
                    " (check backend.url and that the server runs)"
                }
                _ => "",
            };
            report.fail("backend", format!("{error}{fix}"));
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = active.backend.health().await {
        report.fail("backend", error);
        return ExitCode::FAILURE;
    }
    report.ok(
        "backend",
        format!("{} at {} is ready", active.backend.name(), active.url),
    );
    let name = if active.info.name.is_empty() {
        "unknown"
    } else {
        active.info.name.as_str()
    };
    report.ok(
        "model",
        format!(
            "{name}{}",
            active
                .info
                .context_length
                .map(|n| format!(", context {n} tokens"))
                .unwrap_or_default()
        ),
    );
    match active.info.has_fim_tokens {
        Some(true) => report.ok("fill-in-the-middle", "the model has FIM tokens"),
        Some(false) => report.fail(
            "fill-in-the-middle",
            "the model's vocabulary lacks the FIM tokens of its template: completions will be \
             poor; use a code model trained for FIM (e.g. Qwen2.5-Coder) or set prompt.template",
        ),
        None => report.warn(
            "fill-in-the-middle",
            "cannot tell whether the model supports FIM through this backend",
        ),
    }
    report.ok("template", &active.template.name);
    let counts = active.counter.count_lines(&["def main():\n"]).await;
    report.ok(
        "tokenizer",
        format!(
            "{:?} (\"def main():\" = {} tokens)",
            active.counter.source(),
            counts.first().copied().unwrap_or_default()
        ),
    );
    if report.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
