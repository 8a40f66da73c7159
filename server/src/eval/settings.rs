//! The configuration of a run: command-line ablations applied to the loaded config, and the
//! record of it that goes into RUN.json. Pure.

use super::report::{BootstrapSettings, Budgets, RunConfig};
use crate::config::{BackendChoice, Config, ContextMode};
use crate::context::{sources_for_model, Source};

/// Why the run's settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("unknown context source {name:?} in --sources; known: {known}")]
    UnknownSource { name: String, known: String },
}

/// The generation time limit a run uses at least (ms). The editor's limit (1.5 s) is there to keep
/// typing responsive; in a run it would cut answers short depending on how busy the machine is,
/// and the scores must say how good the model is, not how loaded the CPU was.
pub const EVAL_TIME_LIMIT_MS: u32 = 20_000;
/// The context time budget a run uses at least (ms), for the same reason: a 15 ms budget that a
/// busy machine overruns would drop context chunks at random.
pub const EVAL_CONTEXT_BUDGET_MS: u64 = 2_000;
/// The HTTP request timeout a run uses at least (ms): a 1.5B model on two cores can take tens of
/// seconds to read a 2,500-token prompt.
pub const EVAL_REQUEST_TIMEOUT_MS: u64 = 180_000;

/// Sets what `--context` and `--sources` ask for, one suggestion per task (the score is about
/// the first answer, and alternatives would cost model time for nothing), and raises the time
/// limits that exist for typing so that results do not depend on machine load. The raised
/// limits are what RUN.json records.
pub fn apply(
    config: &mut Config,
    context: Option<ContextMode>,
    sources: Option<&[String]>,
) -> Result<(), SettingsError> {
    if let Some(mode) = context {
        config.context.mode = mode;
    }
    if let Some(sources) = sources {
        let mut chosen: Vec<String> = Vec::new();
        for name in sources.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            // Every source, not only the default ones: `outline` is opt-in.
            if Source::from_name(name).is_none() {
                let known: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
                return Err(SettingsError::UnknownSource {
                    name: name.to_string(),
                    known: known.join(", "),
                });
            }
            if !chosen.iter().any(|c| c == name) {
                chosen.push(name.to_string());
            }
        }
        config.context.sources = chosen;
        // An ablation asks for exactly these sources, whatever the model's size.
        config.context.definitions_min_params = 0;
    }
    config.completion.alternatives = 1;
    config.completion.time_limit_ms = config.completion.time_limit_ms.max(EVAL_TIME_LIMIT_MS);
    config.context.time_budget_ms = config.context.time_budget_ms.max(EVAL_CONTEXT_BUDGET_MS);
    config.backend.request_timeout_ms = config
        .backend
        .request_timeout_ms
        .max(EVAL_REQUEST_TIMEOUT_MS);
    Ok(())
}

/// What the backend turned out to be, learned when it connected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackendFacts {
    pub model: String,
    pub client: String,
    pub template: String,
    pub url: String,
    /// The model's parameter count, where the server reports it.
    pub parameters: Option<u64>,
}

/// The parts of a run's record that are not in the config.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    pub tasks_file: String,
    pub started_at: String,
    pub duration_secs: f64,
    pub limit: Option<usize>,
    pub bootstrap: BootstrapSettings,
}

/// The configuration record of a run.
pub fn record(config: &Config, backend: &BackendFacts, run: RunFacts) -> RunConfig {
    let managed = config.backend.kind == BackendChoice::Managed;
    RunConfig {
        tasks_file: run.tasks_file,
        tandem_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at: run.started_at,
        duration_secs: run.duration_secs,
        model: backend.model.clone(),
        backend: enum_name(&config.backend.kind),
        backend_client: backend.client.clone(),
        url: backend.url.clone(),
        managed_model: managed.then(|| config.managed.model.clone()),
        template: backend.template.clone(),
        context_mode: enum_name(&config.context.mode),
        // The sources the model really got (a small model gets no definitions).
        sources: sources_for_model(
            &config.context.sources,
            config.context.definitions_min_params,
            backend.parameters,
        )
        .into_iter()
        .map(|s| s.as_str().to_string())
        .collect(),
        token_healing: config.prompt.token_healing,
        budgets: Budgets {
            prompt_max_tokens: config.prompt.max_tokens,
            prefix_share: config.prompt.prefix_share,
            context_max_tokens: config.context.max_tokens,
            context_time_budget_ms: config.context.time_budget_ms,
            completion_max_tokens: config.completion.max_tokens,
            completion_time_limit_ms: config.completion.time_limit_ms,
            temperature: config.completion.temperature,
        },
        limit: run.limit,
        bootstrap: run.bootstrap,
    }
}

/// The name a config enum has in tandem.toml.
fn enum_name<T: serde::Serialize + std::fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{value:?}").to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ablation_flags_set_the_context_and_one_alternative() {
        // (--context, --sources, resulting mode, resulting sources)
        type Case = (
            Option<ContextMode>,
            Option<Vec<String>>,
            ContextMode,
            Vec<String>,
        );
        let cases: [Case; 3] = [
            (
                None,
                None,
                ContextMode::Repo,
                sources(&["definitions", "similar", "recent"]),
            ),
            (
                Some(ContextMode::None),
                None,
                ContextMode::None,
                sources(&["definitions", "similar", "recent"]),
            ),
            (
                Some(ContextMode::File),
                Some(sources(&["similar", " definitions", "similar", ""])),
                ContextMode::File,
                sources(&["similar", "definitions"]),
            ),
        ];
        for (mode, chosen, want_mode, want_sources) in cases {
            let mut config = Config::default();
            config.completion.alternatives = 3;
            apply(&mut config, mode, chosen.as_deref()).expect("valid");
            assert_eq!(config.context.mode, want_mode);
            assert_eq!(config.context.sources, want_sources);
            assert_eq!(config.completion.alternatives, 1);
            assert_eq!(config.completion.time_limit_ms, EVAL_TIME_LIMIT_MS);
            assert_eq!(config.context.time_budget_ms, EVAL_CONTEXT_BUDGET_MS);
            assert_eq!(config.backend.request_timeout_ms, EVAL_REQUEST_TIMEOUT_MS);
        }
    }

    #[test]
    fn an_unknown_source_is_refused_with_the_known_ones() {
        let mut config = Config::default();
        let error = apply(&mut config, None, Some(&sources(&["definitions", "vibes"])))
            .expect_err("unknown source");
        assert_eq!(
            error.to_string(),
            "unknown context source \"vibes\" in --sources; known: definitions, similar, recent, outline"
        );
    }

    #[test]
    fn the_record_names_modes_and_kinds_as_the_config_file_does() {
        let mut config = Config::default();
        config.context.mode = ContextMode::File;
        let facts = BackendFacts {
            model: "qwen2.5-coder-0.5b".into(),
            client: "llamacpp".into(),
            template: "qwen".into(),
            url: "http://127.0.0.1:1".into(),
            parameters: Some(630_167_424),
        };
        let run = RunFacts {
            tasks_file: "/t/tasks.jsonl".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            duration_secs: 2.5,
            limit: Some(3),
            bootstrap: BootstrapSettings {
                resamples: 10,
                seed: 2,
            },
        };
        let record = record(&config, &facts, run.clone());
        assert_eq!(record.context_mode, "file");
        assert_eq!(
            record.sources,
            ["similar", "recent"],
            "the sources the 0.5B model really gets"
        );
        assert_eq!(record.backend, "managed");
        assert_eq!(
            record.managed_model.as_deref(),
            Some(config.managed.model.as_str())
        );
        assert_eq!(record.template, "qwen");
        assert_eq!(record.budgets.prompt_max_tokens, config.prompt.max_tokens);
        assert_eq!(record.limit, Some(3));

        apply(&mut config, None, Some(&sources(&["definitions"]))).expect("valid");
        assert_eq!(
            super::record(&config, &facts, run).sources,
            ["definitions"],
            "--sources is honoured whatever the model's size"
        );
    }
}
