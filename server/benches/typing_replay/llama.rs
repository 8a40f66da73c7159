//! The real llama-server for the replay: found where scripts/install-llama-server and
//! scripts/fetch-model put it, started with the flags of tandem's managed server (plus
//! `--metrics`, which only adds a read-only endpoint), killed when dropped.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the real binary and model are, or what to run to get them.
pub fn locate(
    binary: Option<PathBuf>,
    model: Option<PathBuf>,
    cache: &Path,
) -> Result<(PathBuf, PathBuf), String> {
    let binary = binary.unwrap_or_else(|| cache.join("llama-server/0.3.36/bin/llama-server"));
    let model =
        model.unwrap_or_else(|| cache.join("models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"));
    let mut missing = Vec::new();
    if !binary.is_file() {
        missing.push(format!(
            "llama-server not found at {}: run scripts/install-llama-server (or set \
             TANDEM_LLAMA_SERVER / --llama-server)",
            binary.display()
        ));
    }
    if !model.is_file() {
        missing.push(format!(
            "model not found at {}: run scripts/fetch-model 0.5b (or set TANDEM_MODEL / --model)",
            model.display()
        ));
    }
    if missing.is_empty() {
        Ok((binary, model))
    } else {
        Err(missing.join("\n"))
    }
}

/// Counters from llama-server's `/metrics`: every prompt token it evaluated or took from its
/// cache, including requests cancelled half-way, which never report `timings`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    pub prompt_tokens: f64,
    pub cached_tokens: f64,
    pub processing: f64,
}

impl Metrics {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &Metrics) -> Metrics {
        Metrics {
            prompt_tokens: self.prompt_tokens - earlier.prompt_tokens,
            cached_tokens: self.cached_tokens - earlier.cached_tokens,
            processing: self.processing,
        }
    }

    fn parse(text: &str) -> Option<Metrics> {
        let value = |name: &str| {
            text.lines()
                .filter(|line| !line.starts_with('#'))
                .find_map(|line| {
                    let (key, value) = line.split_once(' ')?;
                    if key == name {
                        value.trim().parse::<f64>().ok()
                    } else {
                        None
                    }
                })
        };
        Some(Metrics {
            prompt_tokens: value("llamacpp:prompt_tokens_total")?,
            cached_tokens: value("llamacpp:prompt_tokens_cached_total").unwrap_or(f64::NAN),
            processing: value("llamacpp:requests_processing").unwrap_or(0.0),
        })
    }
}

/// A llama-server started for the replay.
pub struct LlamaServer {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
    http: reqwest::Client,
}

impl LlamaServer {
    /// Starts the server and waits until `/health` says the model is loaded.
    pub async fn start(
        binary: &Path,
        model: &Path,
        ctx_size: u32,
        threads: u32,
        log: PathBuf,
    ) -> Result<Self, String> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free port: {e}"))?;
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let args: Vec<String> = vec![
            "-m".into(),
            model.to_string_lossy().into_owned(),
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "-c".into(),
            ctx_size.to_string(),
            "-t".into(),
            threads.to_string(),
            "-np".into(),
            "1".into(),
            "-b".into(),
            "1024".into(),
            "-ub".into(),
            "512".into(),
            "--cache-reuse".into(),
            "256".into(),
            "--metrics".into(),
        ];
        let child = Command::new(binary)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let server = Self {
            child,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            log,
            http: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Ok(response) = server.http.get(server.url("/health")).send().await {
                if response.status().is_success() {
                    return Ok(server);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(format!(
            "llama-server did not become healthy within 120 s; see {}",
            server.log.display()
        ))
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The current `/metrics` counters.
    pub async fn metrics(&self) -> Result<Metrics, String> {
        let text = self
            .http
            .get(self.url("/metrics"))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("GET /metrics: {e}"))?
            .text()
            .await
            .map_err(|e| format!("GET /metrics: {e}"))?;
        Metrics::parse(&text).ok_or_else(|| "GET /metrics: no llamacpp:prompt_tokens_total".into())
    }

    /// Waits until no request is being processed (a cancelled request still finishes its prompt
    /// batch), then returns the counters.
    pub async fn settled_metrics(&self, limit: Duration) -> Result<Metrics, String> {
        let deadline = Instant::now() + limit;
        loop {
            let metrics = self.metrics().await?;
            if metrics.processing == 0.0 || Instant::now() >= deadline {
                return Ok(metrics);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for LlamaServer {
    fn drop(&mut self) {
        // Already gone is fine; either way reap it so it does not linger.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
