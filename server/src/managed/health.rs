//! Waiting for a starting llama-server to answer `GET /health` with 200, reporting progress
//! (a cold model load takes 10–30 s) and noticing when the process dies instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::process::log_tail;
use super::ManagedError;

const POLL: Duration = Duration::from_millis(250);
/// Lines of the server log quoted in startup errors.
const TAIL_LINES: usize = 15;

/// What the managed server is doing, for the editor's progress UI (`$/progress`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressEvent {
    /// A new llama-server process was spawned.
    Starting {
        binary: PathBuf,
        model: PathBuf,
        port: u16,
    },
    /// Still waiting for the model to load (sent about once a second).
    Loading { elapsed: Duration },
    /// The server answers `/health`.
    Ready { url: String, elapsed: Duration },
}

impl ProgressEvent {
    /// A short human-readable line for a progress notification.
    pub fn message(&self) -> String {
        match self {
            ProgressEvent::Starting { model, .. } => {
                let name = model.file_name().unwrap_or(model.as_os_str());
                format!("starting llama-server with {}", name.to_string_lossy())
            }
            ProgressEvent::Loading { elapsed } => {
                format!("loading model ({} s)", elapsed.as_secs())
            }
            ProgressEvent::Ready { elapsed, .. } => {
                format!("llama-server ready after {:.1} s", elapsed.as_secs_f32())
            }
        }
    }
}

/// An HTTP client for loopback health checks: no proxy (an `HTTP_PROXY` must never see local
/// traffic) and short timeouts, since a healthy local server answers in milliseconds.
pub(crate) fn health_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(3))
        .build()
        // Only TLS backend initialisation can fail here; fall back to the default client.
        .unwrap_or_default()
}

/// Whether `GET {url}/health` answers 200 right now.
pub(crate) async fn is_ready(http: &reqwest::Client, url: &str) -> bool {
    match http.get(format!("{url}/health")).send().await {
        Ok(response) => response.status() == reqwest::StatusCode::OK,
        Err(_) => false,
    }
}

/// Polls `/health` until it answers 200, the process exits (`exited` returns its status) or
/// `timeout` passes. Errors quote the end of the server log.
pub(crate) async fn wait_ready(
    http: &reqwest::Client,
    url: &str,
    timeout: Duration,
    log: &Path,
    exited: &mut (dyn FnMut() -> Option<String> + Send),
    progress: &(dyn Fn(ProgressEvent) + Send + Sync),
) -> Result<Duration, ManagedError> {
    let start = Instant::now();
    let mut last_report = 0;
    loop {
        if is_ready(http, url).await {
            let elapsed = start.elapsed();
            progress(ProgressEvent::Ready {
                url: url.to_string(),
                elapsed,
            });
            return Ok(elapsed);
        }
        if let Some(status) = exited() {
            return Err(ManagedError::ExitedEarly {
                status,
                log: log.to_path_buf(),
                tail: log_tail(log, TAIL_LINES),
            });
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            return Err(ManagedError::StartTimeout {
                url: url.to_string(),
                secs: timeout.as_secs(),
                log: log.to_path_buf(),
                tail: log_tail(log, TAIL_LINES),
            });
        }
        if elapsed.as_secs() > last_report {
            last_report = elapsed.as_secs();
            progress(ProgressEvent::Loading { elapsed });
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A tiny HTTP server answering `/health` with 503 `loading` times, then 200.
    async fn fake_server(loading: usize) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let mut served = 0;
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = socket.read(&mut buf).await;
                let (status, body) = if served < loading {
                    ("503 Service Unavailable", r#"{"error":"Loading model"}"#)
                } else {
                    ("200 OK", r#"{"status":"ok"}"#)
                };
                served += 1;
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            }
        });
        url
    }

    #[tokio::test]
    async fn waits_through_loading_and_reports_ready() {
        let url = fake_server(6).await;
        let events = Mutex::new(Vec::new());
        let record = |e: ProgressEvent| events.lock().expect("lock").push(e);
        let dir = tempfile::tempdir().expect("tempdir");
        wait_ready(
            &health_client(),
            &url,
            Duration::from_secs(20),
            &dir.path().join("l.log"),
            &mut || None,
            &record,
        )
        .await
        .expect("ready");
        let events = events.into_inner().expect("lock");
        assert!(
            events
                .iter()
                .any(|e| matches!(e, ProgressEvent::Loading { .. })),
            "{events:?}"
        );
        assert!(
            matches!(events.last(), Some(ProgressEvent::Ready { url: u, .. }) if *u == url),
            "{events:?}"
        );
    }

    #[tokio::test]
    async fn an_exited_process_fails_with_its_log_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("llama-server.log");
        std::fs::write(
            &log,
            "main: loading model\nerror: failed to open model file\n",
        )
        .expect("write");
        let port = super::super::process::free_port().expect("port");
        let err = wait_ready(
            &health_client(),
            &format!("http://127.0.0.1:{port}"),
            Duration::from_secs(20),
            &log,
            &mut || Some("exit status: 1".to_string()),
            &|_| {},
        )
        .await
        .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ManagedError::ExitedEarly { .. }));
        assert!(msg.contains("failed to open model file"), "{msg}");
        assert!(msg.contains("exit status: 1"), "{msg}");
    }

    #[tokio::test]
    async fn a_server_that_never_gets_ready_times_out() {
        let url = fake_server(usize::MAX).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let err = wait_ready(
            &health_client(),
            &url,
            Duration::from_millis(600),
            &dir.path().join("l.log"),
            &mut || None,
            &|_| {},
        )
        .await
        .unwrap_err();
        assert!(matches!(err, ManagedError::StartTimeout { .. }), "{err}");
    }

    #[test]
    fn progress_messages_are_readable() {
        let starting = ProgressEvent::Starting {
            binary: PathBuf::from("/b/llama-server"),
            model: PathBuf::from("/m/qwen.gguf"),
            port: 1,
        };
        assert_eq!(starting.message(), "starting llama-server with qwen.gguf");
        let loading = ProgressEvent::Loading {
            elapsed: Duration::from_millis(3_400),
        };
        assert_eq!(loading.message(), "loading model (3 s)");
    }
}
