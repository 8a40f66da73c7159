//! A scripted HTTP/1.1 server for the backend tests: canned replies per path, streamed chunks
//! with delays, replies that hang, and a record of every request and of whether the client
//! closed the connection before the reply was complete.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tandem_clients::{BackendConfig, BackendKind, FimParts, FimRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Builds a reply from the request that asked for it.
pub type Responder = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// What the server answers on one path.
#[derive(Clone)]
pub enum Reply {
    /// A complete response with `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// A chunked response: each chunk is written after `delay`.
    Stream {
        content_type: String,
        chunks: Vec<Vec<u8>>,
        delay: Duration,
    },
    /// Reads the request and never answers.
    Hang,
    /// Closes the connection without answering.
    Close,
    /// Computes the reply from the request.
    Dynamic(Responder),
}

impl Reply {
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::text(status, "application/json", &value.to_string())
    }

    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self::Full {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// One `data:` event per JSON value, then `data: [DONE]` if `done`.
    pub fn sse(events: &[serde_json::Value], done: bool, delay: Duration) -> Self {
        let mut chunks: Vec<Vec<u8>> = events
            .iter()
            .map(|e| format!("data: {e}\n\n").into_bytes())
            .collect();
        if done {
            chunks.push(b"data: [DONE]\n\n".to_vec());
        }
        Self::stream("text/event-stream", chunks, delay)
    }

    /// One JSON value per line.
    pub fn ndjson(lines: &[serde_json::Value], delay: Duration) -> Self {
        let chunks = lines
            .iter()
            .map(|l| format!("{l}\n").into_bytes())
            .collect();
        Self::stream("application/x-ndjson", chunks, delay)
    }

    pub fn stream(content_type: &str, chunks: Vec<Vec<u8>>, delay: Duration) -> Self {
        Self::Stream {
            content_type: content_type.into(),
            chunks,
            delay,
        }
    }

    pub fn dynamic(f: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        Self::Dynamic(Arc::new(f))
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How many requests came before this one on the same connection.
    pub nth_on_connection: usize,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the client sent a JSON body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How one exchange ended, from the server's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub path: String,
    pub chunks_sent: usize,
    pub chunks_total: usize,
    /// The client closed the connection before the reply was complete.
    pub client_closed_early: bool,
}

#[derive(Default)]
struct State {
    /// Complete replies keep the connection open for the next request, like most servers.
    keep_alive: bool,
    routes: Mutex<HashMap<String, Reply>>,
    requests: Mutex<Vec<Recorded>>,
    exchanges: Mutex<Vec<Exchange>>,
}

/// The running server; it stops when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    /// A server that closes the connection after every reply.
    pub async fn start() -> Self {
        Self::start_with(State::default()).await
    }

    /// A server that keeps connections open after complete replies.
    pub async fn start_keep_alive() -> Self {
        Self::start_with(State {
            keep_alive: true,
            ..State::default()
        })
        .await
    }

    async fn start_with(state: State) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(state);
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, accept_state.clone()));
            }
        });
        Self { addr, state, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self, kind: BackendKind) -> BackendConfig {
        BackendConfig::new(kind, self.url())
    }

    pub fn route(&self, path: &str, reply: Reply) -> &Self {
        lock(&self.state.routes).insert(path.into(), reply);
        self
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.requests).clone()
    }

    /// The only request received on `path`.
    pub fn request(&self, path: &str) -> Recorded {
        let matching: Vec<Recorded> = self
            .requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect();
        assert_eq!(matching.len(), 1, "requests on {path}: {matching:?}");
        matching.into_iter().next().expect("one request")
    }

    /// Waits (up to 10 s) until an exchange on `path` has ended and returns how.
    pub async fn exchange(&self, path: &str) -> Exchange {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(e) = lock(&self.state.exchanges).iter().find(|e| e.path == path) {
                return e.clone();
            }
            assert!(Instant::now() < deadline, "no exchange on {path} ended");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

async fn serve(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    for nth in 0.. {
        let Some(mut request) = read_request(&mut reader).await else {
            return;
        };
        request.nth_on_connection = nth;
        lock(&state.requests).push(request.clone());
        let mut reply = lock(&state.routes)
            .get(&request.path)
            .cloned()
            .unwrap_or_else(|| Reply::text(404, "text/plain", "File Not Found"));
        while let Reply::Dynamic(f) = reply {
            reply = f(&request);
        }
        let exchange = |sent, total, early| Exchange {
            path: request.path.clone(),
            chunks_sent: sent,
            chunks_total: total,
            client_closed_early: early,
        };
        match reply {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut head = status_line(status);
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                let connection = if state.keep_alive {
                    "keep-alive"
                } else {
                    "close"
                };
                head.push_str(&format!(
                    "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
                    body.len()
                ));
                let _ = writer.write_all(head.as_bytes()).await;
                let _ = writer.write_all(&body).await;
                lock(&state.exchanges).push(exchange(1, 1, false));
                if state.keep_alive {
                    continue;
                }
                let _ = writer.shutdown().await;
            }
            Reply::Close => lock(&state.exchanges).push(exchange(0, 0, false)),
            Reply::Stream {
                content_type,
                chunks,
                delay,
            } => {
                let closed = watch_for_close(reader);
                let done = stream_chunks(
                    &mut writer,
                    closed,
                    request.path.clone(),
                    &content_type,
                    chunks,
                    delay,
                )
                .await;
                lock(&state.exchanges).push(done);
            }
            Reply::Hang => {
                let mut closed = watch_for_close(reader);
                // Bounded so a test that forgets to close cannot leak the task forever.
                let _ =
                    tokio::time::timeout(Duration::from_secs(60), closed.wait_for(|c| *c)).await;
                let client_closed_early = *closed.borrow();
                lock(&state.exchanges).push(exchange(0, 0, client_closed_early));
            }
            Reply::Dynamic(_) => unreachable!("resolved above"),
        }
        return;
    }
}

async fn stream_chunks(
    writer: &mut OwnedWriteHalf,
    mut closed: watch::Receiver<bool>,
    path: String,
    content_type: &str,
    chunks: Vec<Vec<u8>>,
    delay: Duration,
) -> Exchange {
    let total = chunks.len();
    let head = format!(
        "{}Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        status_line(200)
    );
    let early = |sent| Exchange {
        path: path.clone(),
        chunks_sent: sent,
        chunks_total: total,
        client_closed_early: true,
    };
    if writer.write_all(head.as_bytes()).await.is_err() {
        return early(0);
    }
    for (sent, chunk) in chunks.iter().enumerate() {
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = closed.wait_for(|c| *c) => return early(sent),
        }
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk.clone(),
            b"\r\n".to_vec(),
        ]
        .concat();
        if writer.write_all(&framed).await.is_err() || writer.flush().await.is_err() {
            return early(sent);
        }
    }
    if writer.write_all(b"0\r\n\r\n").await.is_err() {
        return early(total);
    }
    let _ = writer.shutdown().await;
    Exchange {
        path,
        chunks_sent: total,
        chunks_total: total,
        client_closed_early: false,
    }
}

/// Flips to `true` when the client closes its side (EOF or reset).
fn watch_for_close(mut reader: OwnedReadHalf) -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = tx.send(true);
    });
    rx
}

fn status_line(status: u16) -> String {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    format!("HTTP/1.1 {status} {reason}\r\n")
}

async fn read_request(reader: &mut OwnedReadHalf) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = reader.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?;
    let path = target.split('?').next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = reader.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded {
        method,
        path,
        headers,
        body,
        nth_on_connection: 0,
    })
}

/// A small FIM request; tests change what they need.
pub fn fim_request() -> FimRequest {
    FimRequest {
        rendered: "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n<|fim_middle|>".into(),
        parts: FimParts {
            prefix: "def add(a, b):\n    ".into(),
            suffix: "\n".into(),
            extra: Vec::new(),
        },
        max_tokens: 32,
        temperature: 0.0,
        stop: vec!["\n\n".into()],
        seed: Some(1),
        time_limit_ms: Some(1000),
        stream: true,
        stop_check: None,
        slot: None,
        forced_start: None,
    }
}
