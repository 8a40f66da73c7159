//! One replay: the real `tandem` binary over stdio, a workspace holding the package, the file
//! opened with the function removed, then the function typed back keystroke by keystroke the way
//! VS Code drives an inline completion provider: didChange, then an automatic
//! `textDocument/inlineCompletion`, the previous one cancelled with `$/cancelRequest` if it is
//! still pending.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::corpus::{copy_tree, Source};
use super::llama::{LlamaServer, Metrics};
use super::lsp_client::{LspClient, RpcError};
use super::proxy::{Exchange, Proxy};
use super::summary::{Answer, ExchangeRecord, KeyRecord, Recorded};
use super::typist::Keystroke;

/// JSON-RPC `RequestCancelled`.
const REQUEST_CANCELLED: i64 = -32800;
/// Automatic trigger, as while typing.
const AUTOMATIC: u8 = 2;
/// How long to wait for the workspace index before typing anyway.
const INDEX_WAIT: Duration = Duration::from_secs(20);

/// What a replay needs besides the servers.
pub struct Setup<'a> {
    pub source: &'a Source,
    /// The file as published.
    pub original: &'a str,
    /// The removed function (byte range of `original`).
    pub region: Range<usize>,
    pub keystrokes: &'a [Keystroke],
    pub context_mode: &'a str,
    pub answer_limit: Duration,
    /// Where tandem's log and the raw records of the replay are kept.
    pub logs: &'a Path,
}

/// The first request after opening the file, before typing: a cold prompt.
#[derive(Debug, Clone)]
pub struct WarmUp {
    pub latency_ms: Option<f64>,
    pub non_empty: bool,
    /// Prompt tokens its model call evaluated and took from the cache.
    pub prompt_n: u64,
    pub cache_n: u64,
    /// llama-server's counters after it (the server is fresh, so this is all the warm-up did).
    pub metrics: Option<Metrics>,
    pub files_in_workspace: usize,
    pub index_finished: bool,
}

/// LSP position (line, UTF-16 column) of a byte offset.
fn position_at(text: &str, byte: usize) -> (u32, u32) {
    advance((0, 0), &text[..byte])
}

/// The cursor after inserting `typed` at `from`.
fn advance(from: (u32, u32), typed: &str) -> (u32, u32) {
    match typed.rfind('\n') {
        Some(last) => (
            from.0 + typed.matches('\n').count() as u32,
            typed[last + 1..].encode_utf16().count() as u32,
        ),
        None => (from.0, from.1 + typed.encode_utf16().count() as u32),
    }
}

fn language_id(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("py") => "python",
        Some("rs") => "rust",
        Some("ts") => "typescript",
        Some("js") => "javascript",
        Some("go") => "go",
        _ => "plaintext",
    }
}

fn workspace_dir(client: &LspClient) -> PathBuf {
    let uri = client.uri("");
    PathBuf::from(uri.trim_start_matches("file://").trim_end_matches('/'))
}

/// Whether an inline completion result carries a non-empty suggestion.
fn has_suggestion(result: &Value) -> bool {
    let items = result
        .get("items")
        .or(Some(result))
        .and_then(Value::as_array);
    items.is_some_and(|items| {
        items.iter().any(|item| {
            item.get("insertText")
                .and_then(|t| {
                    t.as_str()
                        .or_else(|| t.get("value").and_then(Value::as_str))
                })
                .is_some_and(|t| !t.is_empty())
        })
    })
}

fn classify(answer: Option<Result<Value, RpcError>>, at_ms: f64) -> Answer {
    match answer {
        None => Answer::Unanswered,
        Some(Err(error)) if error.code == REQUEST_CANCELLED => Answer::Cancelled,
        Some(Err(error)) => Answer::Failed(format!("{} {}", error.code, error.message)),
        Some(Ok(result)) if has_suggestion(&result) => Answer::Suggestion { at_ms },
        Some(Ok(_)) => Answer::Empty { at_ms },
    }
}

fn ms_since(t0: Instant, at: Instant) -> f64 {
    if at >= t0 {
        (at - t0).as_secs_f64() * 1000.0
    } else {
        -((t0 - at).as_secs_f64() * 1000.0)
    }
}

fn record(exchange: &Exchange, t0: Instant) -> ExchangeRecord {
    ExchangeRecord {
        path: exchange.path.clone(),
        started_ms: ms_since(t0, exchange.started),
        ended_ms: ms_since(t0, exchange.ended),
        generation: exchange.is_generation(),
        client_closed: exchange.client_closed,
        timings: exchange.response.timings,
    }
}

/// tandem's settings for the replay: llama.cpp through the proxy, the given context mode,
/// everything else at its defaults. The long request timeout only keeps a cold prompt on a busy
/// machine from failing.
fn settings(proxy: &Proxy, context_mode: &str) -> Value {
    json!({
        "backend": {"kind": "llamacpp", "url": proxy.url, "request_timeout_ms": 180_000},
        "context": {"mode": context_mode},
    })
}

/// Waits for the workspace index to report the end of its `$/progress`, if it reports at all.
async fn wait_for_index(client: &LspClient) -> bool {
    let deadline = Instant::now() + INDEX_WAIT;
    while Instant::now() < deadline {
        let ended = client
            .server_messages("$/progress")
            .iter()
            .any(|m| m.pointer("/params/value/kind").and_then(Value::as_str) == Some("end"));
        if ended {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Runs one replay and returns what was recorded during the typing, and the warm-up.
pub async fn replay(
    setup: &Setup<'_>,
    llama: &LlamaServer,
    proxy: &Proxy,
) -> Result<(Recorded, WarmUp), String> {
    let client = Arc::new(LspClient::start_with_env(&[("TANDEM_LOG", "info")]).await);
    let workspace = workspace_dir(&client);
    let files_in_workspace = copy_tree(&setup.source.root, &workspace)?;
    let with_hole = format!(
        "{}{}",
        &setup.original[..setup.region.start],
        &setup.original[setup.region.end..]
    );
    // On disk too: the user is writing a function the saved file does not have yet.
    let path = workspace.join(&setup.source.file);
    std::fs::write(&path, &with_hole)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;

    client
        .initialize(settings(proxy, setup.context_mode), None)
        .await;
    let uri = client.uri(&setup.source.file);
    client.did_open(&uri, language_id(&setup.source.file), &with_hole);
    let index_finished = setup.context_mode != "repo" || wait_for_index(&client).await;

    let mut cursor = position_at(&with_hole, setup.region.start);
    let warm_started = Instant::now();
    let pending = client.send_inline_completion(&uri, cursor, AUTOMATIC);
    let warm_answer = client
        .try_response_within(pending, setup.answer_limit)
        .await;
    let warm_latency = warm_started.elapsed().as_secs_f64() * 1000.0;
    let before = llama.settled_metrics(setup.answer_limit).await.ok();
    let warm_timings: Vec<_> = proxy
        .take()
        .iter()
        .filter(|e| e.is_generation())
        .filter_map(|e| e.response.timings)
        .collect();
    let warm_up = WarmUp {
        latency_ms: warm_answer.is_some().then_some(warm_latency),
        non_empty: matches!(&warm_answer, Some(Ok(v)) if has_suggestion(v)),
        prompt_n: warm_timings.iter().map(|t| t.prompt_n).sum(),
        cache_n: warm_timings.iter().map(|t| t.cache_n).sum(),
        metrics: before,
        files_in_workspace,
        index_finished,
    };

    let answered: Arc<Mutex<HashSet<i64>>> = Arc::new(Mutex::new(HashSet::new()));
    let mut waits = Vec::with_capacity(setup.keystrokes.len());
    let mut previous: Option<i64> = None;
    let mut version = 1;
    let t0 = Instant::now();
    let mut due = tokio::time::Instant::now();
    let mut sent_at = Vec::with_capacity(setup.keystrokes.len());
    for key in setup.keystrokes {
        due += key.delay;
        tokio::time::sleep_until(due).await;
        if let Some(id) = previous.take() {
            let done = answered.lock().map(|a| a.contains(&id)).unwrap_or(false);
            if !done {
                client.notify("$/cancelRequest", json!({"id": id}));
            }
        }
        let sent = Instant::now();
        version += 1;
        client.did_change(&uri, version, cursor, cursor, &key.text);
        cursor = advance(cursor, &key.text);
        let pending = client.send_inline_completion(&uri, cursor, AUTOMATIC);
        let id = pending.id;
        previous = Some(id);
        sent_at.push(sent);
        let client = client.clone();
        let answered = answered.clone();
        let limit = setup.answer_limit;
        waits.push(tokio::spawn(async move {
            let answer = client.try_response_within(pending, limit).await;
            let at = Instant::now();
            if let Ok(mut set) = answered.lock() {
                set.insert(id);
            }
            (answer, at)
        }));
    }

    let mut keys = Vec::with_capacity(waits.len());
    for ((wait, key), sent) in waits.into_iter().zip(setup.keystrokes).zip(sent_at) {
        let (answer, at) = wait
            .await
            .map_err(|e| format!("an answer task failed: {e}"))?;
        keys.push(KeyRecord {
            sent_ms: ms_since(t0, sent),
            chars: key.text.chars().count(),
            answer: classify(answer, ms_since(t0, at)),
        });
    }
    let after = llama.settled_metrics(setup.answer_limit).await.ok();
    let raw_exchanges = proxy.take();
    let last_prompt = raw_exchanges
        .iter()
        .rev()
        .find(|e| e.is_generation())
        .and_then(|e| serde_json::from_slice::<Value>(&e.request_body).ok());
    if let Some(body) = &last_prompt {
        let path = setup
            .logs
            .join(format!("last-request-{}.json", setup.context_mode));
        let text = serde_json::to_string_pretty(body).unwrap_or_default();
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let exchanges: Vec<ExchangeRecord> = raw_exchanges.iter().map(|e| record(e, t0)).collect();
    keep_records(setup, &client.stderr(), &keys, &exchanges)?;
    if client.stderr().contains("panicked") {
        eprintln!(
            "warning: tandem panicked during the replay:\n{}",
            client.stderr_tail()
        );
    }
    let metrics = match (after, before) {
        (Some(after), Some(before)) => Some(after.since(&before)),
        _ => None,
    };
    Ok((
        Recorded {
            keys,
            exchanges,
            metrics,
            context_chunks: last_prompt.as_ref().map(context_chunks),
        },
        warm_up,
    ))
}

/// Writes tandem's log and one JSON line per keystroke and per upstream request into the logs
/// folder, so every number of the table can be checked by hand.
fn keep_records(
    setup: &Setup<'_>,
    tandem_log: &str,
    keys: &[KeyRecord],
    exchanges: &[ExchangeRecord],
) -> Result<(), String> {
    let mode = setup.context_mode;
    let write = |name: String, text: String| {
        let path = setup.logs.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(format!("tandem-{mode}.log"), tandem_log.to_string())?;
    let mut lines = String::new();
    for (key, stroke) in keys.iter().zip(setup.keystrokes) {
        let answer = match &key.answer {
            Answer::Suggestion { at_ms } => json!({"kind": "suggestion", "at_ms": at_ms}),
            Answer::Empty { at_ms } => json!({"kind": "empty", "at_ms": at_ms}),
            Answer::Cancelled => json!({"kind": "cancelled"}),
            Answer::Failed(message) => json!({"kind": "failed", "message": message}),
            Answer::Unanswered => json!({"kind": "unanswered"}),
        };
        let line = json!({"key": stroke.text, "sent_ms": key.sent_ms, "answer": answer});
        lines.push_str(&format!("{line}\n"));
    }
    for exchange in exchanges {
        let timings = exchange.timings.map(
            |t| json!({"prompt_n": t.prompt_n, "cache_n": t.cache_n, "predicted_n": t.predicted_n}),
        );
        let line = json!({
            "upstream": {
                "path": exchange.path,
                "started_ms": exchange.started_ms,
                "ended_ms": exchange.ended_ms,
                "client_closed": exchange.client_closed,
                "timings": timings,
            }
        });
        lines.push_str(&format!("{line}\n"));
    }
    write(format!("replay-{mode}.jsonl"), lines)
}

/// Context chunks in a llama.cpp request: repo-level `<|file_sep|>` sections before the current
/// file's, or `/infill`'s `input_extra`.
fn context_chunks(body: &Value) -> usize {
    let prompt = body.get("prompt").and_then(Value::as_str).unwrap_or("");
    let sections = prompt.matches("<|file_sep|>").count().saturating_sub(1);
    let extra = body
        .get("input_extra")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    sections + extra
}
