//! `tandem eval` on the committed fixture with the real managed llama-server and the real
//! Qwen2.5-Coder-0.5B model. What the model writes is not asserted (it changes with the model);
//! the report is: every task present, scores in [0, 1], ordered intervals, timings, tokens and
//! the configuration recorded, and the missing repo as an error line.

use std::path::PathBuf;
use std::time::Duration;

use crate::eval_cli::{check_fixture_report, fixture_tasks, read_report, task, Isolated};
use crate::support::real_parts::real_parts;

/// Starting the server and six cold prompts on 2 shared CPU cores.
const RUN_LIMIT: Duration = Duration::from_secs(600);

#[tokio::test]
async fn eval_runs_the_fixture_on_the_real_managed_model_and_reports_every_field() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let home = Isolated::new();
    let config = home.path("tandem.toml");
    // TOML basic strings take JSON-style escapes, so JSON quoting is valid TOML quoting.
    let quoted = |p: &PathBuf| serde_json::to_string(&p.to_string_lossy()).expect("quote");
    std::fs::write(
        &config,
        format!(
            "[backend]\nkind = \"managed\"\n\n[managed]\nllama_server = {}\nmodel = {}\n\
             ctx_size = 4096\nidle_timeout_secs = 60\n\n[completion]\ntemperature = 0.0\n",
            quoted(&binary),
            quoted(&model)
        ),
    )
    .expect("write the config");
    let output = home.path("run.json");
    let args = [
        "eval".into(),
        fixture_tasks().into_os_string(),
        "--config".into(),
        config.into_os_string(),
        "--context".into(),
        "repo".into(),
        "--output".into(),
        output.clone().into_os_string(),
    ];
    let finished = home.tandem(&args, RUN_LIMIT).await;
    finished.assert_success();
    let report = read_report(&output);
    check_fixture_report(&report);

    let config = &report["config"];
    assert_eq!(config["backend"], "managed", "{config:#}");
    assert_eq!(config["context_mode"], "repo", "{config:#}");
    assert_eq!(
        config["managed_model"].as_str(),
        Some(model.to_string_lossy().as_ref()),
        "{config:#}"
    );
    assert_eq!(config["budgets"]["temperature"].as_f64(), Some(0.0));

    // A real model call happened for each runnable task, and llama.cpp reported its tokens.
    for id in [
        "py-field",
        "py-call",
        "py-block",
        "rs-method",
        "rs-call",
        "rs-block",
    ] {
        let entry = task(&report, id);
        assert!(
            entry["skipped"].is_null(),
            "{id} never reached the model: {entry:#}"
        );
        let model_ms = entry["timings"]["model_ms"].as_f64().unwrap_or_default();
        assert!(model_ms > 0.0, "{id}: no model time: {entry:#}");
        let latency = entry["timings"]["latency_ms"].as_f64().unwrap_or_default();
        assert!(
            latency >= model_ms,
            "{id}: latency below model time: {entry:#}"
        );
        assert!(
            entry["prompt_tokens"].as_u64().is_some_and(|n| n > 0),
            "{id}: no prompt tokens: {entry:#}"
        );
    }
    let summary = &report["summary"];
    assert!(
        summary["prompt_tokens"].as_f64().is_some_and(|n| n > 0.0),
        "{summary:#}"
    );

    let table = &finished.stdout;
    for row in ["all ", "python ", "rust ", "kind block "] {
        assert!(table.contains(row), "no {row:?} row in:\n{table}");
    }
    eprintln!("{table}");
    eprintln!(
        "real completions: {}",
        report["tasks"]
            .as_array()
            .map(|tasks| tasks
                .iter()
                .map(|t| format!("{}={}", t["id"], t["completion"]))
                .collect::<Vec<_>>()
                .join(", "))
            .unwrap_or_default()
    );
}
