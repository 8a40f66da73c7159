//! The backends against a real `llama-server` serving the real 0.5B Qwen2.5-Coder model:
//! `/infill`, `/completion`, `/tokenize`, `/props`, `/health` and the OpenAI-compatible
//! `/v1/completions` the same server offers.
//!
//! Needs the binary (`scripts/install-llama-server`) and the model (`scripts/fetch-model 0.5b`);
//! set `TANDEM_SKIP_REAL_MODEL=1` to skip when they are not installed.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_clients::{
    build_backend, Backend, BackendConfig, BackendError, BackendKind, FimParts, FimRequest,
    LlamaCppEndpoint, StopReason,
};

#[path = "../../tests/e2e/support/real_parts.rs"]
mod real_parts;

const PREFIX: &str = "import math\n\n\ndef circle_area(radius):\n    \"\"\"Return the area of a circle with the given radius.\"\"\"\n    ";
const SUFFIX: &str = "\n\n\nprint(circle_area(2.0))\n";

/// A running llama-server, killed when dropped.
struct RunningServer {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The log explains a failure; after a success it is noise in the temp dir.
        if std::thread::panicking() {
            eprintln!("llama-server log kept at {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

impl RunningServer {
    fn start(binary: &PathBuf, model: &PathBuf) -> Self {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
            listener.local_addr().expect("local address").port()
        };
        let log = std::env::temp_dir().join(format!(
            "tandem-clients-real-llamacpp-{}-{port}.log",
            std::process::id()
        ));
        let log_file = std::fs::File::create(&log).expect("create the server log");
        let child = Command::new(binary)
            .arg("-m")
            .arg(model)
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .args(["-c", "4096", "-t", "2", "--cache-reuse", "256", "-np", "1"])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Polls `/health` through the backend until the model is loaded.
    async fn wait_ready(&mut self, backend: &dyn Backend) {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("llama-server exited with {status}:\n{}", self.log_tail());
            }
            match backend.health().await {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => {
                    panic!(
                        "llama-server not ready after 180 s ({e}):\n{}",
                        self.log_tail()
                    )
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }
}

fn config(kind: BackendKind, url: &str) -> BackendConfig {
    let mut config = BackendConfig::new(kind, url);
    // Generous: on a loaded 2-core machine the 0.5B model can drop below one token per second.
    config.request_timeout_ms = 300_000;
    config
}

fn request(stream: bool) -> FimRequest {
    FimRequest {
        rendered: format!("<|fim_prefix|>{PREFIX}<|fim_suffix|>{SUFFIX}<|fim_middle|>"),
        parts: FimParts {
            prefix: PREFIX.into(),
            suffix: SUFFIX.into(),
            extra: Vec::new(),
        },
        max_tokens: 16,
        temperature: 0.0,
        stop: vec!["<|endoftext|>".into(), "<|file_sep|>".into()],
        seed: Some(1),
        time_limit_ms: None,
        stream,
        stop_check: None,
        slot: Some(0),
        forced_start: None,
    }
}

async fn timed(
    label: &str,
    backend: &dyn Backend,
    request: FimRequest,
) -> tandem_clients::FimResponse {
    let started = Instant::now();
    let response = backend
        .complete(request)
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    eprintln!(
        "{label}: {:?} in {} ms, stop {:?}, usage {:?}",
        response.text,
        started.elapsed().as_millis(),
        response.stop_reason,
        response.usage
    );
    assert!(
        !response.text.trim().is_empty(),
        "{label}: the model wrote nothing"
    );
    response
}

/// Waits until llama-server's only slot stops processing, as `/slots` reports it; panics after
/// 20 s, far less than the abandoned request would take to finish on its own.
async fn wait_until_idle(url: &str) -> Duration {
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        let slots: serde_json::Value = client
            .get(format!("{url}/slots"))
            .send()
            .await
            .expect("GET /slots")
            .json()
            .await
            .expect("/slots JSON");
        let busy = slots
            .as_array()
            .expect("/slots is a list")
            .iter()
            .any(|slot| slot["is_processing"] == serde_json::json!(true));
        if !busy {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "llama-server kept generating after the connection was closed: {slots}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_llama_server_serves_every_endpoint_tandem_uses() {
    let Some((binary, model)) = real_parts::real_parts() else {
        return;
    };
    let mut server = RunningServer::start(&binary, &model);
    let llamacpp = build_backend(&config(BackendKind::LlamaCpp, &server.url)).expect("backend");
    let started = Instant::now();
    server.wait_ready(llamacpp.as_ref()).await;
    eprintln!("llama-server ready in {} ms", started.elapsed().as_millis());

    // /props + /tokenize
    let info = llamacpp.model_info().await.expect("model info");
    eprintln!("model info: {info:?}");
    assert!(info.name.to_lowercase().contains("qwen"), "{info:?}");
    assert_eq!(info.context_length, Some(4096));
    assert_eq!(info.has_fim_tokens, Some(true));
    // Qwen2.5-Coder-0.5B: 494 M parameters plus untied embeddings, which llama.cpp counts.
    let params = info.parameters.expect("llama-server reports meta.n_params");
    assert!((400_000_000..1_000_000_000).contains(&params), "{info:?}");

    let texts = [PREFIX, "", "<|fim_prefix|>", "hello world", SUFFIX];
    let counts = llamacpp
        .count_tokens(&texts)
        .await
        .expect("tokenize")
        .expect("llama.cpp tokenizes");
    eprintln!("token counts: {counts:?}");
    assert_eq!(counts.len(), texts.len());
    assert_eq!(counts[1], 0);
    assert_eq!(counts[2], 1, "a FIM marker is one token");
    assert!(counts[0] > counts[3] && counts[3] > 0, "{counts:?}");
    assert!(counts[4] > 0, "{counts:?}");

    // /infill, streamed, then the same prompt again: the KV cache serves it.
    let first = timed("infill (cold)", llamacpp.as_ref(), request(true)).await;
    assert!(
        first.usage.prompt_tokens.unwrap_or(0) > 0,
        "{:?}",
        first.usage
    );
    assert!(
        first.usage.generated_tokens.unwrap_or(0) > 0,
        "{:?}",
        first.usage
    );
    assert_ne!(first.stop_reason, StopReason::Unknown);
    let again = timed("infill (cached)", llamacpp.as_ref(), request(true)).await;
    assert!(
        again.usage.cached_tokens.unwrap_or(0) > 0,
        "{:?}",
        again.usage
    );
    assert!(
        again.usage.prompt_tokens < first.usage.prompt_tokens,
        "the repeated prompt was evaluated again: {:?} then {:?}",
        first.usage,
        again.usage
    );
    let whole = timed("infill (not streamed)", llamacpp.as_ref(), request(false)).await;
    assert_eq!(
        whole.text, again.text,
        "greedy decoding of the same cached prompt"
    );

    // Early stop: the connection closes at the first newline of an endless list, and the server
    // stops generating at once instead of producing the 2000 tokens asked for.
    let mut endless = request(true);
    endless.max_tokens = 2000;
    endless.time_limit_ms = Some(600_000);
    endless.parts.prefix = "numbers = [\n    1,\n    2,\n    3,\n    4,\n".into();
    endless.parts.suffix = String::new();
    endless.stop_check = Some(Arc::new(|text: &str| text.contains(",\n")));
    let early = timed("infill (early stop)", llamacpp.as_ref(), endless).await;
    assert_eq!(early.stop_reason, StopReason::Early, "{early:?}");
    assert!(early.text.contains(",\n"), "{early:?}");
    let stopped_after = wait_until_idle(&server.url).await;
    eprintln!(
        "slot idle {} ms after the early stop",
        stopped_after.as_millis()
    );
    timed(
        "infill (after early stop)",
        llamacpp.as_ref(),
        request(true),
    )
    .await;

    // A request dropped mid-way still occupies the slot until llama.cpp notices the closed
    // connection: `wait_until_idle` returns only once the slot is free again.
    let mut long = request(true);
    long.max_tokens = 400;
    long.time_limit_ms = Some(600_000);
    long.parts.prefix = "numbers = [\n    1,\n    2,\n".into();
    long.parts.suffix = String::new();
    let running = tokio::spawn({
        let backend = llamacpp.clone();
        async move { backend.complete(long).await }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    running.abort();
    let waited = Instant::now();
    tokio::time::timeout(Duration::from_secs(20), llamacpp.wait_until_idle())
        .await
        .expect("the slot frees within 20 s")
        .expect("wait_until_idle");
    let left = wait_until_idle(&server.url).await;
    eprintln!(
        "wait_until_idle returned after {} ms; the slot was busy {} ms more",
        waited.elapsed().as_millis(),
        left.as_millis()
    );
    assert!(
        left < Duration::from_millis(50),
        "wait_until_idle returned while the slot was still busy ({} ms more)",
        left.as_millis()
    );

    // /completion with tandem's own rendering of Qwen's template.
    let mut completion_config = config(BackendKind::LlamaCpp, &server.url);
    completion_config.llamacpp_endpoint = LlamaCppEndpoint::Completion;
    let completion = build_backend(&completion_config).expect("backend");
    let rendered = timed("completion", completion.as_ref(), request(true)).await;
    assert!(
        rendered.usage.prompt_tokens.unwrap_or(0) > 0,
        "{:?}",
        rendered.usage
    );

    // A prompt longer than the context is rejected, not retried.
    let mut huge = request(false);
    huge.rendered = "x = 1\n".repeat(3000);
    let error = completion
        .complete(huge)
        .await
        .expect_err("prompt too long");
    eprintln!("prompt too long: {error}");
    assert!(
        matches!(error, BackendError::Rejected { status: 400, .. }),
        "{error:?}"
    );
    assert!(!error.is_transient());

    // The OpenAI-compatible API of the same server.
    let openai = build_backend(&config(BackendKind::OpenAi, &server.url)).expect("backend");
    openai.health().await.expect("openai health");
    let openai_info = openai.model_info().await.expect("openai model info");
    eprintln!("openai model info: {openai_info:?}");
    assert!(
        openai_info.name.to_lowercase().contains("qwen"),
        "{openai_info:?}"
    );
    assert_eq!(openai_info.context_length, Some(4096));
    assert_eq!(openai_info.parameters, info.parameters);
    let streamed = timed("openai (streamed)", openai.as_ref(), request(true)).await;
    assert!(
        streamed.usage.prompt_tokens.unwrap_or(0) > 0,
        "{:?}",
        streamed.usage
    );
    assert_ne!(streamed.stop_reason, StopReason::Unknown);
    let whole = timed("openai (not streamed)", openai.as_ref(), request(false)).await;
    assert!(
        whole.usage.prompt_tokens.unwrap_or(0) > 0,
        "{:?}",
        whole.usage
    );

    // A real 404 from this server is an endpoint problem, not a model problem.
    let wrong = build_backend(&config(
        BackendKind::OpenAi,
        &format!("{}/nope", server.url),
    ))
    .expect("backend");
    let error = wrong
        .complete(request(false))
        .await
        .expect_err("no such endpoint");
    eprintln!("wrong URL: {error}");
    assert!(
        matches!(error, BackendError::EndpointNotFound { .. }),
        "{error:?}"
    );
}
