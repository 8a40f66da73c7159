//! A model server whose answers each test scripts, and which records every request it received
//! and whether the client hung up before the answer was complete.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::http_wire::{
    finish_chunks, read_request, write_chunk, write_full_response, write_stream_head, HttpRequest,
};
use super::model_apis::{fim_parts, info_response, is_warm_up, Dialect, Usage};
use super::wait::{default_timeout, poll_until};

/// Computes the completion text from a generation request's JSON body.
pub type TextFn = Arc<dyn Fn(&Value) -> String + Send + Sync>;

/// How the backend answers a generation request (`/infill`, `/completion`, `/v1/completions`,
/// `/api/generate`).
#[derive(Clone)]
pub enum Behavior {
    /// Generate this text.
    Text(String),
    /// Generate the text this function computes from the request body.
    Computed(TextFn),
    /// Send the response head, then empty stream frames forever (a non-streamed request hangs).
    SlowStream,
    /// Read the request and never answer.
    Hang,
    /// Answer this one generation with an error.
    Fail(Failure),
}

/// An error answer sent to every request (except `/api/version`, which real Ollama always serves).
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub body: String,
}

impl Failure {
    /// An HTTP error with a JSON body.
    pub fn status(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            content_type: "application/json".into(),
            body: body.into(),
        }
    }

    /// A 200 whose body is not JSON (a proxy error page, a wrong server).
    pub fn garbage() -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            content_type: "text/html".into(),
            body: "<html><body>this is not json {{{".into(),
        }
    }

    /// A 200 that declares JSON but whose body is not JSON.
    pub fn garbage_declared_json() -> Self {
        Self {
            content_type: "application/json".into(),
            ..Self::garbage()
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What became of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still being answered.
    InFlight,
    /// The whole answer was written.
    Completed,
    /// The client closed the connection before the answer was complete.
    ClientClosed,
}

/// One request the backend received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, `Null` when empty or not JSON.
    pub body: Value,
    pub outcome: Outcome,
    pub closed_at: Option<Instant>,
}

impl Received {
    /// Whether this asks the model to generate (warm-up requests for zero tokens excluded).
    pub fn is_generation(&self) -> bool {
        Dialect::of_generation_path(&self.path).is_some() && !is_warm_up(&self.body)
    }

    /// The (prefix, suffix) the request carried; panics with the body when there is none.
    pub fn fim(&self) -> (String, String) {
        fim_parts(&self.path, &self.body).unwrap_or_else(|| {
            panic!(
                "no FIM prefix/suffix found in {} {}: {}",
                self.method, self.path, self.body
            )
        })
    }

    /// A header value, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Script {
    default: Behavior,
    queue: VecDeque<Behavior>,
    failure: Option<Failure>,
    chunk_chars: usize,
    chunk_delay: Duration,
    heartbeat: Duration,
    /// The parameter count `/v1/models` reports (as llama-server's `meta.n_params`), if any.
    parameters: Option<u64>,
    log: Vec<Received>,
}

type Shared = Arc<Mutex<Script>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Script> {
    // A panicking test thread must not hide the log from the next assertion.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A scripted model server on 127.0.0.1. Stops when dropped.
pub struct ScriptedBackend {
    addr: SocketAddr,
    shared: Shared,
    accept_task: JoinHandle<()>,
}

impl Drop for ScriptedBackend {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

/// A loopback port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

impl ScriptedBackend {
    /// Starts on an ephemeral port, answering every generation with an empty text.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Starts on a given port (0 = any).
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("scripted backend cannot bind 127.0.0.1:{port}: {e}"));
        let addr = listener.local_addr().expect("local address");
        let shared: Shared = Arc::new(Mutex::new(Script {
            default: Behavior::Text(String::new()),
            queue: VecDeque::new(),
            failure: None,
            chunk_chars: 4,
            chunk_delay: Duration::ZERO,
            heartbeat: Duration::from_millis(50),
            parameters: None,
            log: Vec::new(),
        }));
        let accept_shared = shared.clone();
        let accept_task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_connection(stream, accept_shared.clone()));
            }
        });
        Self {
            addr,
            shared,
            accept_task,
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Answers every later generation with `text` (and clears any failure).
    pub fn reply_text(&self, text: &str) {
        self.set_behavior(Behavior::Text(text.into()));
    }

    /// Sets how generations are answered once the queue is empty (and clears any failure).
    pub fn set_behavior(&self, behavior: Behavior) {
        let mut script = lock(&self.shared);
        script.default = behavior;
        script.failure = None;
    }

    /// Answers the next generation this way, before falling back to the default.
    pub fn queue(&self, behavior: Behavior) {
        lock(&self.shared).queue.push_back(behavior);
    }

    /// Reports a model of `parameters` parameters in `/v1/models`, as llama-server does.
    pub fn report_parameters(&self, parameters: u64) {
        lock(&self.shared).parameters = Some(parameters);
    }

    /// Fails every request this way until [`Self::clear_failure`] or a new behavior.
    pub fn set_failure(&self, failure: Failure) {
        lock(&self.shared).failure = Some(failure);
    }

    /// Stops failing.
    pub fn clear_failure(&self) {
        lock(&self.shared).failure = None;
    }

    /// Streams answers `chars` characters at a time with `delay` before each piece.
    pub fn set_chunking(&self, chars: usize, delay: Duration) {
        let mut script = lock(&self.shared);
        script.chunk_chars = chars.max(1);
        script.chunk_delay = delay;
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Received> {
        lock(&self.shared).log.clone()
    }

    /// The generation requests received so far.
    pub fn generations(&self) -> Vec<Received> {
        self.requests()
            .into_iter()
            .filter(Received::is_generation)
            .collect()
    }

    /// Waits until at least `n` generation requests arrived; panics after the default timeout.
    pub async fn wait_for_generations(&self, n: usize) -> Vec<Received> {
        poll_until(default_timeout(), || {
            let generations = self.generations();
            (generations.len() >= n).then_some(generations)
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "the backend received {} generation request(s), expected {n} within {:?}; all requests: {:#?}",
                self.generations().len(),
                default_timeout(),
                self.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>()
            )
        })
    }

    /// Waits until the client closed the connection of the `index`-th generation request;
    /// panics (with what happened instead) after `limit`.
    pub async fn wait_closed_by_client(&self, index: usize, limit: Duration) -> Received {
        poll_until(limit, || {
            self.generations()
                .get(index)
                .filter(|r| r.outcome == Outcome::ClientClosed)
                .cloned()
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "generation request #{index} was not closed by the client within {limit:?}: {:?}",
                self.generations().get(index).map(|r| r.outcome)
            )
        })
    }
}

enum Plan {
    Fail(Failure),
    Info(Option<Value>),
    Generate {
        dialect: Dialect,
        behavior: Behavior,
        stream: bool,
    },
}

fn plan_for(script: &mut Script, request: &HttpRequest, body: &Value) -> Plan {
    if let Some(failure) = &script.failure {
        if request.path != "/api/version" {
            return Plan::Fail(failure.clone());
        }
    }
    match Dialect::of_generation_path(&request.path) {
        Some(dialect) if request.method == "POST" => {
            let behavior = if is_warm_up(body) {
                Behavior::Text(String::new())
            } else {
                script
                    .queue
                    .pop_front()
                    .unwrap_or_else(|| script.default.clone())
            };
            match behavior {
                Behavior::Fail(failure) => Plan::Fail(failure),
                behavior => Plan::Generate {
                    dialect,
                    behavior,
                    stream: dialect.wants_stream(body),
                },
            }
        }
        _ => {
            let mut info = info_response(&request.method, &request.path, body);
            if let (Some(parameters), Some(model)) = (
                script.parameters,
                info.as_mut().and_then(|i| i.pointer_mut("/data/0")),
            ) {
                model["meta"] = serde_json::json!({"n_params": parameters});
            }
            Plan::Info(info)
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Shared) {
    let (read_half, mut writer) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let Ok(Some(request)) = read_request(&mut reader).await else {
        return;
    };
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let (index, plan, pacing) = {
        let mut script = lock(&shared);
        let plan = plan_for(&mut script, &request, &body);
        script.log.push(Received {
            method: request.method.clone(),
            path: request.path.clone(),
            headers: request.headers.clone(),
            body: body.clone(),
            outcome: Outcome::InFlight,
            closed_at: None,
        });
        let pacing = Pacing {
            chunk_chars: script.chunk_chars,
            chunk_delay: script.chunk_delay,
            heartbeat: script.heartbeat,
        };
        (script.log.len() - 1, plan, pacing)
    };
    let outcome = answer(plan, &body, &request, pacing, &mut reader, &mut writer).await;
    {
        let mut script = lock(&shared);
        let entry = &mut script.log[index];
        entry.outcome = outcome;
        if outcome == Outcome::ClientClosed {
            entry.closed_at = Some(Instant::now());
        }
    }
    // Dropping both halves closes the socket.
}

#[derive(Clone, Copy)]
struct Pacing {
    chunk_chars: usize,
    chunk_delay: Duration,
    heartbeat: Duration,
}

fn written(result: std::io::Result<()>) -> Outcome {
    match result {
        Ok(()) => Outcome::Completed,
        Err(_) => Outcome::ClientClosed,
    }
}

async fn answer(
    plan: Plan,
    body: &Value,
    request: &HttpRequest,
    pacing: Pacing,
    reader: &mut BufReader<OwnedReadHalf>,
    writer: &mut OwnedWriteHalf,
) -> Outcome {
    match plan {
        Plan::Fail(failure) => written(
            write_full_response(
                writer,
                failure.status,
                &failure.content_type,
                &failure.headers,
                failure.body.as_bytes(),
            )
            .await,
        ),
        Plan::Info(Some(value)) => written(
            write_full_response(
                writer,
                200,
                "application/json",
                &[],
                value.to_string().as_bytes(),
            )
            .await,
        ),
        Plan::Info(None) => {
            let not_found = serde_json::json!({"error": {"code": 404, "message": "File Not Found",
                "type": "not_found_error"}});
            written(
                write_full_response(
                    writer,
                    404,
                    "application/json",
                    &[],
                    not_found.to_string().as_bytes(),
                )
                .await,
            )
        }
        Plan::Generate {
            dialect,
            behavior,
            stream,
        } => {
            let text = match behavior {
                Behavior::Text(text) => text,
                Behavior::Computed(f) => f(body),
                Behavior::Hang => return wait_for_client_close(reader).await,
                Behavior::Fail(_) => unreachable!("planned as Plan::Fail"),
                Behavior::SlowStream if !stream => return wait_for_client_close(reader).await,
                Behavior::SlowStream => {
                    return slow_stream_forever(dialect, pacing, reader, writer).await
                }
            };
            let usage = Usage::estimate(request.body.len(), &text);
            if stream {
                stream_text(dialect, &text, usage, pacing, reader, writer).await
            } else {
                if !pacing.chunk_delay.is_zero()
                    && closed_while_waiting(reader, pacing.chunk_delay).await
                {
                    return Outcome::ClientClosed;
                }
                let value = dialect.full_response(&text, usage);
                written(
                    write_full_response(
                        writer,
                        200,
                        "application/json",
                        &[],
                        value.to_string().as_bytes(),
                    )
                    .await,
                )
            }
        }
    }
}

/// Waits for EOF (or an error) on the request side, which is how a client hang-up shows when
/// nothing is being written.
async fn wait_for_client_close(reader: &mut BufReader<OwnedReadHalf>) -> Outcome {
    let mut buf = [0u8; 1024];
    loop {
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return Outcome::ClientClosed,
            Ok(_) => continue,
        }
    }
}

/// Sleeps for `delay`; returns true if the client hung up meanwhile.
async fn closed_while_waiting(reader: &mut BufReader<OwnedReadHalf>, delay: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(delay) => false,
        _ = wait_for_client_close(reader) => true,
    }
}

async fn stream_text(
    dialect: Dialect,
    text: &str,
    usage: Usage,
    pacing: Pacing,
    reader: &mut BufReader<OwnedReadHalf>,
    writer: &mut OwnedWriteHalf,
) -> Outcome {
    if write_stream_head(writer, dialect.stream_content_type())
        .await
        .is_err()
    {
        return Outcome::ClientClosed;
    }
    let chars: Vec<char> = text.chars().collect();
    for piece in chars.chunks(pacing.chunk_chars) {
        if !pacing.chunk_delay.is_zero() && closed_while_waiting(reader, pacing.chunk_delay).await {
            return Outcome::ClientClosed;
        }
        let piece: String = piece.iter().collect();
        if write_chunk(writer, dialect.stream_piece(&piece).as_bytes())
            .await
            .is_err()
        {
            return Outcome::ClientClosed;
        }
    }
    let end = dialect.stream_end(usage);
    if write_chunk(writer, end.as_bytes()).await.is_err() || finish_chunks(writer).await.is_err() {
        return Outcome::ClientClosed;
    }
    Outcome::Completed
}

async fn slow_stream_forever(
    dialect: Dialect,
    pacing: Pacing,
    reader: &mut BufReader<OwnedReadHalf>,
    writer: &mut OwnedWriteHalf,
) -> Outcome {
    if write_stream_head(writer, dialect.stream_content_type())
        .await
        .is_err()
    {
        return Outcome::ClientClosed;
    }
    loop {
        if closed_while_waiting(reader, pacing.heartbeat).await {
            return Outcome::ClientClosed;
        }
        if write_chunk(writer, dialect.stream_piece("").as_bytes())
            .await
            .is_err()
        {
            return Outcome::ClientClosed;
        }
    }
}
