//! Leaving while the managed llama-server is still loading its model: Ctrl-C on `tandem complete`
//! or `tandem eval`, or an editor closing right after it opened. tandem must stop the server it
//! spawned at once, not only one that already answers (the real-model tests in `eval_real.rs`
//! cover that case). Loading a 7B model takes a minute, long enough for a user to give up; the
//! fake server here never finishes loading, so the signal or the shutdown always comes mid-load.
//! Before the fix, tandem waited for the load (up to its 3-minute start limit) and then left the
//! server running.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::eval_cli::Isolated;
use crate::eval_real::{alive, fixture_run_args};
use crate::support::lsp_client::LspClient;
use crate::support::real_options::managed_options;

/// A llama-server that starts and never answers `/health`: a model that loads forever. It runs
/// as `sh <script> …`, so the managed server recognises it as the binary it spawned.
const LOADING_FOREVER: &str = "#!/bin/sh\necho 'llama_model_load: loading model'\nsleep 600\n";

/// The never-loading server and a model file for it, written into `dir`.
fn loading_parts(dir: &Path) -> (PathBuf, PathBuf) {
    let binary = dir.join("llama-server");
    std::fs::write(&binary, LOADING_FOREVER).expect("write the fake server");
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let model = dir.join("model.gguf");
    std::fs::write(&model, b"GGUF").expect("write the model file");
    (binary, model)
}

/// A tandem.toml for the managed backend with the never-loading server; returns its path.
fn loading_config(home: &Isolated) -> PathBuf {
    let (binary, model) = loading_parts(&home.path(""));
    let config = home.path("tandem.toml");
    let quoted = |p: &Path| serde_json::to_string(&p.to_string_lossy()).expect("quote");
    std::fs::write(
        &config,
        format!(
            "[backend]\nkind = \"managed\"\n\n[managed]\nllama_server = {}\nmodel = {}\n",
            quoted(&binary),
            quoted(&model)
        ),
    )
    .expect("write the config");
    config
}

/// The pid the managed server's state file names, once that process runs.
fn recorded_pid(state: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(state).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let pid = u32::try_from(json["pid"].as_u64()?).ok()?;
    alive(pid).then_some(pid)
}

/// Waits for the state file at `state` to name a running server, then a moment more, so that
/// tandem is waiting for the model to load (holding the state lock); returns the server's pid.
async fn loading_pid(state: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(60);
    let pid = loop {
        if let Some(pid) = recorded_pid(state) {
            break pid;
        }
        assert!(
            Instant::now() < deadline,
            "the managed llama-server never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    pid
}

/// Waits until process `pid` is gone; `context` goes into the failure message.
async fn assert_stopped(pid: u32, context: &str) {
    let gone_by = Instant::now() + Duration::from_secs(15);
    while alive(pid) {
        assert!(
            Instant::now() < gone_by,
            "the loading llama-server (pid {pid}) still runs after tandem left: {context}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts tandem with `args`, sends it SIGINT while its server loads, and checks that tandem
/// fails at once and the server is gone; returns tandem's stderr.
async fn interrupt_while_loading(home: &Isolated, args: &[OsString]) -> String {
    let child = home.spawn(args);
    let tandem_pid = child.id().expect("tandem is running");
    let state = home.path("cache/tandem/run/llama-server.json");
    let server_pid = loading_pid(&state).await;
    let pid = libc::pid_t::try_from(tandem_pid).expect("a pid");
    // SAFETY: kill(2) with a pid and a signal number has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "send SIGINT");
    let finished = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("tandem exits soon after SIGINT")
        .expect("wait for tandem");
    let stderr = String::from_utf8_lossy(&finished.stderr).into_owned();
    assert!(!finished.status.success(), "{stderr}");
    assert_stopped(server_pid, &stderr).await;
    assert!(
        !stderr.contains("state lock busy"),
        "tandem left without unregistering: {stderr}"
    );
    assert!(
        !state.exists(),
        "the state file still names the stopped server"
    );
    stderr
}

#[tokio::test]
async fn interrupting_a_completion_while_the_model_loads_stops_the_server() {
    let home = Isolated::new();
    let config = loading_config(&home);
    let file = home.path("work/hello.py");
    std::fs::write(&file, "def greet(name):\n    \n").expect("write");
    let args: Vec<OsString> = vec![
        "complete".into(),
        format!("{}:2:5", file.display()).into(),
        "--config".into(),
        config.into(),
    ];
    let stderr = interrupt_while_loading(&home, &args).await;
    assert!(
        stderr.contains("tandem complete: interrupted by SIGINT: stopped the model server"),
        "{stderr}"
    );
}

#[tokio::test]
async fn interrupting_a_run_while_the_model_loads_stops_the_server() {
    let home = Isolated::new();
    let config = loading_config(&home);
    let output = home.path("run.json");
    let args = fixture_run_args(&config, &output, &[]);
    let stderr = interrupt_while_loading(&home, &args).await;
    assert!(
        stderr.contains("interrupted by SIGINT: stopped the model server; no report was written"),
        "{stderr}"
    );
    assert!(!output.exists(), "an interrupted run writes no report");
}

#[tokio::test]
async fn an_editor_shutting_down_while_the_model_loads_stops_the_server() {
    let parts = tempfile::tempdir().expect("tempdir");
    let (binary, model) = loading_parts(parts.path());
    let client = LspClient::start().await;
    // The server starts loading right after `initialized`, before any keystroke.
    client
        .initialize(
            managed_options(&binary, &model, Duration::from_secs(30), json!({})),
            None,
        )
        .await;
    let state = client
        .workspace()
        .parent()
        .expect("the workspace sits in the temporary home")
        .join("cache/tandem/run/llama-server.json");
    let server_pid = loading_pid(&state).await;
    // Fails unless `shutdown` answers and the process exits within the default timeout.
    client.shutdown_and_exit().await;
    assert_stopped(server_pid, "after shutdown and exit").await;
    assert!(
        !state.exists(),
        "the state file still names the stopped server"
    );
}
