//! `tandem eval` on the committed fixture with the real managed llama-server and the real
//! Qwen2.5-Coder-0.5B model. What the model writes is not asserted (it changes with the model);
//! the report is: every task present, scores in [0, 1], ordered intervals, timings, tokens and
//! the configuration recorded, and the missing repo as an error line. Also: Ctrl-C during
//! `tandem eval` or `tandem complete` stops the model server they started.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::eval_cli::{check_fixture_report, fixture_tasks, read_report, task, Isolated};
use crate::support::real_parts::real_parts;

/// Starting the server and six cold prompts on 2 shared CPU cores.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// Writes a tandem.toml in `home` for the managed server on the real parts; returns its path.
fn managed_config(home: &Isolated, binary: &Path, model: &Path) -> PathBuf {
    let config = home.path("tandem.toml");
    // TOML basic strings take JSON-style escapes, so JSON quoting is valid TOML quoting.
    let quoted = |p: &Path| serde_json::to_string(&p.to_string_lossy()).expect("quote");
    std::fs::write(
        &config,
        format!(
            "[backend]\nkind = \"managed\"\n\n[managed]\nllama_server = {}\nmodel = {}\n\
             ctx_size = 4096\nidle_timeout_secs = 60\n\n[completion]\ntemperature = 0.0\n",
            quoted(binary),
            quoted(model)
        ),
    )
    .expect("write the config");
    config
}

/// `tandem eval` of the committed fixture with `config`, writing `output`, plus `extra`.
pub fn fixture_run_args(config: &Path, output: &Path, extra: &[&str]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "eval".into(),
        fixture_tasks().into_os_string(),
        "--config".into(),
        config.into(),
        "--output".into(),
        output.into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    args
}

#[tokio::test]
async fn eval_runs_the_fixture_on_the_real_managed_model_and_reports_every_field() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let home = Isolated::new();
    let config = managed_config(&home, &binary, &model);
    let output = home.path("run.json");
    let args = fixture_run_args(&config, &output, &["--context", "repo"]);
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

/// The pid of the managed llama-server the state file at `state` names, once it answers
/// `/health`.
async fn serving_pid(state: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(state).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let pid = u32::try_from(json["pid"].as_u64()?).ok()?;
    let port = json["port"].as_u64()?;
    let health = reqwest::get(format!("http://127.0.0.1:{port}/health"))
        .await
        .ok()?;
    health.status().is_success().then_some(pid)
}

/// Whether process `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let state = stat.rsplit_once(") ")?.1.chars().next()?;
            Some(state != 'Z')
        })
        .unwrap_or(false)
}

#[tokio::test]
async fn interrupting_a_run_stops_the_managed_model_server() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let home = Isolated::new();
    let config = managed_config(&home, &binary, &model);
    let output = home.path("run.json");
    let args = fixture_run_args(&config, &output, &[]);
    let stderr = interrupt_while_serving(&home, &args).await;
    assert!(
        stderr.contains("interrupted by SIGINT: stopped the model server; no report was written"),
        "{stderr}"
    );
    assert!(!output.exists(), "an interrupted run writes no report");
}

#[tokio::test]
async fn interrupting_a_completion_stops_the_managed_model_server() {
    let Some((binary, model)) = real_parts() else {
        return;
    };
    let home = Isolated::new();
    let config = managed_config(&home, &binary, &model);
    // A long file and three alternatives: the model is still busy when the signal comes.
    let file = home.path("long.py");
    let body: String = (0..150)
        .map(|i| {
            format!(
                "def step_{i}(value):\n    return value * {i} + {}\n\n\n",
                i % 7
            )
        })
        .collect();
    std::fs::write(&file, format!("{body}def step_total(value):\n    ")).expect("write");
    let location = format!("{}:{}:5", file.display(), 150 * 4 + 2);
    let args: Vec<OsString> = vec![
        "complete".into(),
        location.into(),
        "--invoked".into(),
        "--config".into(),
        config.into(),
    ];
    let stderr = interrupt_while_serving(&home, &args).await;
    assert!(
        stderr.contains("tandem complete: interrupted by SIGINT: stopped the model server"),
        "{stderr}"
    );
}

/// Starts tandem with `args`, sends it SIGINT once its managed llama-server answers, and checks
/// that tandem fails and the server is gone soon after; returns tandem's stderr.
async fn interrupt_while_serving(home: &Isolated, args: &[OsString]) -> String {
    let child = home.spawn(args);
    let tandem_pid = child.id().expect("tandem is running");
    let state = home.path("cache/tandem/run/llama-server.json");
    let deadline = Instant::now() + RUN_LIMIT;
    let server_pid = loop {
        if let Some(pid) = serving_pid(&state).await {
            break pid;
        }
        assert!(
            Instant::now() < deadline,
            "the managed llama-server never started"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // A cold prompt takes seconds: tandem is in the middle of one now.
    let pid = libc::pid_t::try_from(tandem_pid).expect("a pid");
    // SAFETY: kill(2) with a pid and a signal number has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "send SIGINT");
    let finished = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("tandem exits within a minute of SIGINT")
        .expect("wait for tandem");
    let stderr = String::from_utf8_lossy(&finished.stderr).into_owned();
    assert!(!finished.status.success(), "{stderr}");
    let gone_by = Instant::now() + Duration::from_secs(20);
    while alive(server_pid) {
        assert!(
            Instant::now() < gone_by,
            "llama-server (pid {server_pid}) still runs after tandem was interrupted: {stderr}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stderr
}
