//! The pipeline end to end in-process, with a fake backend that records what it was asked.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ropey::Rope;
use tandem_clients::{
    Backend, BackendError, FimRequest, FimResponse, ModelInfo, StopReason, Usage,
};

use super::*;
use crate::config::{BackendChoice, Config};
use crate::documents::DocumentSnapshot;

type Reply = Box<dyn Fn(&FimRequest) -> Result<String, BackendError> + Send + Sync>;

struct FakeBackend {
    calls: AtomicUsize,
    /// `wait_until_idle` calls, and how many model calls had started before each.
    idle_waits: Mutex<Vec<usize>>,
    requests: Mutex<Vec<FimRequest>>,
    delay: Duration,
    reply: Reply,
    /// Set when a `complete` future is dropped before it finished.
    dropped: Arc<AtomicBool>,
}

impl FakeBackend {
    fn new(delay: Duration, reply: Reply) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicUsize::new(0),
            idle_waits: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            delay,
            reply,
            dropped: Arc::new(AtomicBool::new(false)),
        })
    }

    fn text(text: &'static str) -> Arc<Self> {
        Self::new(Duration::ZERO, Box::new(move |_| Ok(text.to_string())))
    }
}

struct DropFlag(Arc<AtomicBool>, bool);

impl Drop for DropFlag {
    fn drop(&mut self) {
        if !self.1 {
            self.0.store(true, Ordering::SeqCst);
        }
    }
}

#[async_trait]
impl Backend for FakeBackend {
    fn name(&self) -> &'static str {
        "fake"
    }
    fn templates_itself(&self) -> bool {
        false
    }
    async fn complete(&self, request: FimRequest) -> Result<FimResponse, BackendError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut flag = DropFlag(self.dropped.clone(), false);
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(request.clone());
        }
        tokio::time::sleep(self.delay).await;
        flag.1 = true;
        let text = (self.reply)(&request)?;
        Ok(FimResponse {
            text,
            stop_reason: StopReason::Stop,
            usage: Usage::default(),
        })
    }
    async fn count_tokens(&self, texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        Ok(Some(texts.iter().map(|t| t.len().div_ceil(4)).collect()))
    }
    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        Ok(ModelInfo {
            name: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf".into(),
            ..ModelInfo::default()
        })
    }
    async fn wait_until_idle(&self) -> Result<(), BackendError> {
        let calls = self.calls.load(Ordering::SeqCst);
        self.idle_waits.lock().expect("lock").push(calls);
        Ok(())
    }
    async fn health(&self) -> Result<(), BackendError> {
        Ok(())
    }
}

fn config() -> Config {
    let mut config = Config::default();
    config.backend.kind = BackendChoice::LlamaCpp;
    config.backend.url = "http://fake".into();
    config.completion.debounce_ms = 0;
    config
}

async fn engine_with(backend: Arc<FakeBackend>, config: Config) -> Engine {
    let engine = Engine::new(config);
    engine.use_backend(backend).await.expect("fake backend");
    engine
}

/// A request with the cursor at `|` in `text`.
fn request(uri: &str, text: &str, trigger: Trigger) -> CompletionRequest {
    let cursor_byte = text.find('|').expect("cursor marker");
    let rope = Rope::from_str(&text.replacen('|', "", 1));
    CompletionRequest {
        cursor: rope.byte_to_char(cursor_byte),
        document: DocumentSnapshot {
            uri: uri.into(),
            path: Some(format!("/work/{uri}.py").into()),
            language_id: "python".into(),
            version: 1,
            text: rope,
        },
        trigger,
        workspace_root: Some("/work".into()),
    }
}

/// An automatic completion at `|` in `text` of document "a", running in the background.
fn spawn_completion(
    engine: &Arc<Engine>,
    text: &'static str,
) -> tokio::task::JoinHandle<Result<CompletionOutcome, EngineError>> {
    let engine = engine.clone();
    tokio::spawn(async move {
        engine
            .complete(request("a", text, Trigger::Automatic))
            .await
    })
}

#[tokio::test]
async fn the_model_answer_is_cleaned_and_the_prompt_holds_prefix_and_suffix() {
    let backend = FakeBackend::text("name)\n```\nIn this solution we print.");
    let engine = engine_with(backend.clone(), config()).await;
    let outcome = engine
        .complete(request(
            "a",
            "def f(name):\n    print(|)\n",
            Trigger::Automatic,
        ))
        .await
        .expect("completion");
    let texts: Vec<&str> = outcome
        .suggestions
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(texts, ["name"]);
    let sent = backend.requests.lock().expect("lock")[0].clone();
    assert!(
        sent.parts.prefix.ends_with("    print("),
        "{:?}",
        sent.parts.prefix
    );
    assert!(
        sent.parts.suffix.starts_with(")\n"),
        "{:?}",
        sent.parts.suffix
    );
    assert!(
        sent.rendered.contains("<|fim_prefix|>"),
        "qwen template chosen from the model name"
    );
}

#[tokio::test]
async fn typing_into_a_suggestion_is_answered_without_the_model() {
    let backend = FakeBackend::text("hello_world()");
    let engine = engine_with(backend.clone(), config()).await;
    let first = engine
        .complete(request("a", "x = |\n", Trigger::Automatic))
        .await
        .expect("first");
    assert_eq!(first.suggestions[0].text, "hello_world()");
    let typed = engine
        .complete(request("a", "x = hel|\n", Trigger::Automatic))
        .await
        .expect("typed");
    assert_eq!(typed.source, "type_through");
    assert_eq!(typed.suggestions[0].text, "lo_world()");
    assert_eq!(backend.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_newer_request_cancels_the_older_model_call() {
    let backend = FakeBackend::new(Duration::from_secs(30), Box::new(|_| Ok("slow".into())));
    let engine = Arc::new(engine_with(backend.clone(), config()).await);
    let older = spawn_completion(&engine, "x = |\n");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _newer = spawn_completion(&engine, "x = 1|\n");
    let older = tokio::time::timeout(Duration::from_secs(5), older)
        .await
        .expect("older request ends promptly")
        .expect("join");
    assert!(matches!(older, Err(EngineError::Cancelled)), "{older:?}");
    assert!(backend.dropped.load(Ordering::SeqCst), "model call aborted");
}

#[tokio::test]
async fn backend_failures_are_reported_once_and_recovery_needs_no_restart() {
    let failing = Arc::new(AtomicBool::new(true));
    let backend = FakeBackend::new(Duration::ZERO, {
        let failing = failing.clone();
        Box::new(move |_| {
            if failing.load(Ordering::SeqCst) {
                Err(BackendError::Server {
                    url: "http://fake".into(),
                    status: 500,
                    body: "boom".into(),
                })
            } else {
                Ok("ok()".into())
            }
        })
    });
    let engine = engine_with(backend, config()).await;
    let mut reports = 0;
    for i in 0..3 {
        let text = format!("x{i} = |\n");
        match engine
            .complete(request("a", &text, Trigger::Automatic))
            .await
        {
            Err(EngineError::Backend { report, .. }) => reports += usize::from(report.is_some()),
            other => panic!("expected a backend error, got {other:?}"),
        }
    }
    assert_eq!(reports, 1);
    failing.store(false, Ordering::SeqCst);
    let outcome = engine
        .complete(request("a", "y = |\n", Trigger::Automatic))
        .await
        .expect("recovered");
    assert_eq!(outcome.suggestions[0].text, "ok()");
}

#[tokio::test]
async fn an_invoked_trigger_returns_distinct_alternatives() {
    let counter = Arc::new(AtomicUsize::new(0));
    let backend = FakeBackend::new(Duration::ZERO, {
        let counter = counter.clone();
        Box::new(move |_| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            Ok(["a()", "b()", "a()"][n % 3].to_string())
        })
    });
    let engine = engine_with(backend.clone(), config()).await;
    let outcome = engine
        .complete(request("a", "x = |\n", Trigger::Invoked))
        .await
        .expect("completion");
    let texts: Vec<&str> = outcome
        .suggestions
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(texts, ["a()", "b()"]);
    assert_eq!(backend.calls.load(Ordering::SeqCst), 3);
    let temperatures: Vec<f32> = backend
        .requests
        .lock()
        .expect("lock")
        .iter()
        .map(|r| r.temperature)
        .collect();
    assert!(temperatures[1] > temperatures[0]);
}

#[tokio::test]
async fn prefiltered_requests_never_reach_the_model() {
    let backend = FakeBackend::text("never");
    let mut config = config();
    config.completion.max_file_bytes = 10;
    let engine = engine_with(backend.clone(), config).await;
    let outcome = engine
        .complete(request("a", "a_long_line = |\n", Trigger::Automatic))
        .await
        .expect("skip");
    assert_eq!(outcome.skipped, Some(SkipReason::FileTooLarge));
    let outcome = engine
        .complete(request("b", "fo|o = 1\n", Trigger::Automatic))
        .await
        .expect("skip");
    assert_eq!(outcome.skipped, Some(SkipReason::InsideWord));
    assert_eq!(backend.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_same_context_is_served_from_the_cache() {
    let backend = FakeBackend::text("value");
    let engine = engine_with(backend.clone(), config()).await;
    let req = request("a", "x = |\ny = 2\n", Trigger::Automatic);
    engine.complete(req.clone()).await.expect("first");
    // Another document with the same surroundings: not type-through, but the same context.
    let mut other = req.clone();
    other.document.uri = "b".into();
    let outcome = engine.complete(other).await.expect("second");
    assert_eq!(outcome.source, "cache");
    assert_eq!(outcome.suggestions[0].text, "value");
    assert_eq!(backend.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn while_typing_the_suffix_shrinks_and_the_prefix_stays() {
    // Each suffix line costs ~10 tokens with the fake counter (4 bytes a token): 60 lines are
    // far more than the typing cap and fit the default budget's suffix share.
    let backend = FakeBackend::text("x");
    let engine = engine_with(backend.clone(), config()).await;
    let tail: String = (0..60)
        .map(|i| format!("value_{i:02} = compute({i:02})  # x\n"))
        .collect();
    // Cursors after punctuation: a partial word would be healed out of the prefix.
    let first = format!("def f(a):\n    total = a +|\n{tail}");
    let second = format!("def f(a):\n    total = a + (|\n{tail}");
    for text in [&first, &second] {
        engine
            .complete(request("doc", text, Trigger::Automatic))
            .await
            .expect("completion");
    }
    // A request after the document was closed and reopened is a fresh start again.
    engine.forget_document("doc");
    let third = format!("def f(a):\n    total = a + 1|\n{tail}");
    engine
        .complete(request("doc", &third, Trigger::Automatic))
        .await
        .expect("completion");
    let sent = backend.requests.lock().expect("lock").clone();
    assert_eq!(sent.len(), 3);
    let lines = |s: &str| s.lines().count();
    let (full, typing, fresh) = (&sent[0].parts, &sent[1].parts, &sent[2].parts);
    assert_eq!(
        lines(&full.suffix),
        61,
        "the first request shows the whole suffix"
    );
    assert!(
        lines(&typing.suffix) < 20 && lines(&typing.suffix) > 1,
        "typing: {} suffix lines",
        lines(&typing.suffix)
    );
    assert!(typing.suffix.starts_with("\nvalue_00"));
    assert_eq!(typing.prefix, format!("{}{}", full.prefix, " ("));
    assert_eq!(lines(&fresh.suffix), 61);
}

#[tokio::test]
async fn after_an_abandoned_model_call_the_next_waits_for_an_idle_server() {
    let backend = FakeBackend::new(Duration::from_millis(300), Box::new(|_| Ok("value".into())));
    let engine = Arc::new(engine_with(backend.clone(), config()).await);
    // A finished call leaves nothing to wait for.
    engine
        .complete(request("a", "x = |\n", Trigger::Automatic))
        .await
        .expect("completion");
    assert!(backend.idle_waits.lock().expect("lock").is_empty());

    let older = spawn_completion(&engine, "y = |\n");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let newer = engine
        .complete(request("a", "y = (|\n", Trigger::Automatic))
        .await
        .expect("completion");
    assert!(matches!(
        older.await.expect("join"),
        Err(EngineError::Cancelled)
    ));
    assert_eq!(newer.suggestions.len(), 1);
    // The newer call asked whether the server was idle after the two earlier calls started,
    // before its own.
    assert_eq!(*backend.idle_waits.lock().expect("lock"), [2]);
    assert_eq!(backend.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_partial_word_is_healed_unless_the_config_turns_it_off() {
    let backend = FakeBackend::text("import LookupDict");
    let engine = engine_with(backend.clone(), config()).await;
    let healed = engine
        .complete(request("a", "from .structures imp|\n", Trigger::Automatic))
        .await
        .expect("healed");
    assert_eq!(healed.suggestions[0].text, "ort LookupDict");

    let mut off = config();
    off.prompt.token_healing = false;
    let plain = FakeBackend::text("ort LookupDict");
    let engine = engine_with(plain.clone(), off).await;
    let outcome = engine
        .complete(request("a", "from .structures imp|\n", Trigger::Automatic))
        .await
        .expect("not healed");
    assert_eq!(outcome.suggestions[0].text, "ort LookupDict");

    let sent = |b: &FakeBackend| b.requests.lock().expect("lock")[0].clone();
    let (with, without) = (sent(&backend), sent(&plain));
    assert!(
        with.parts.prefix.ends_with("structures "),
        "{:?}",
        with.parts.prefix
    );
    assert_eq!(with.forced_start.as_deref(), Some("imp"));
    assert!(without.parts.prefix.ends_with("structures imp"));
    assert_eq!(without.forced_start, None);
}
