use std::sync::atomic::AtomicUsize;
use std::sync::Mutex as StdMutex;

use async_trait::async_trait;
use tandem_clients::{BackendError, FimRequest, FimResponse, ModelInfo};

use super::*;

/// What the fake backend does when asked to count.
#[derive(Clone, Copy)]
enum Mode {
    /// One token per byte, the break included, so expected counts are easy to derive.
    Bytes,
    Fail,
    CannotTokenize,
    WrongLength,
}

/// A backend that records every `count_tokens` call.
struct FakeBackend {
    mode: StdMutex<Mode>,
    calls: AtomicUsize,
    seen: StdMutex<Vec<String>>,
}

impl FakeBackend {
    fn new(mode: Mode) -> Arc<Self> {
        Arc::new(Self {
            mode: StdMutex::new(mode),
            calls: AtomicUsize::new(0),
            seen: StdMutex::new(Vec::new()),
        })
    }

    fn set_mode(&self, mode: Mode) {
        *self.mode.lock().expect("test mutex") = mode;
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn take_seen(&self) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().expect("test mutex"))
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

    async fn complete(&self, _request: FimRequest) -> Result<FimResponse, BackendError> {
        Err(BackendError::Config("the fake backend only counts".into()))
    }

    async fn count_tokens(&self, texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.seen
            .lock()
            .expect("test mutex")
            .extend(texts.iter().map(|t| (*t).to_owned()));
        let mode = *self.mode.lock().expect("test mutex");
        match mode {
            Mode::Bytes => Ok(Some(texts.iter().map(|t| t.len()).collect())),
            Mode::Fail => Err(BackendError::ConnectionRefused {
                url: "http://127.0.0.1:1".into(),
                detail: "refused".into(),
            }),
            Mode::CannotTokenize => Ok(None),
            Mode::WrongLength => Ok(Some(vec![1])),
        }
    }

    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        Ok(ModelInfo::default())
    }

    async fn health(&self) -> Result<(), BackendError> {
        Ok(())
    }
}

fn counter_over(fake: &Arc<FakeBackend>) -> TokenCounter {
    let backend: Arc<dyn Backend> = fake.clone();
    TokenCounter::new(None, Some(backend)).expect("no tokenizer file to load")
}

#[tokio::test]
async fn backend_counts_each_distinct_line_once_with_its_break() {
    let fake = FakeBackend::new(Mode::Bytes);
    let counter = counter_over(&fake);
    assert_eq!(counter.source(), TokenSource::Backend);

    let counts = counter.count_lines(&["fn a() {", "", "}\n", ""]).await;
    assert_eq!(counts, vec![9, 1, 2, 1]);
    assert_eq!(fake.calls(), 1, "one batched call");
    assert_eq!(fake.take_seen(), vec!["fn a() {\n", "\n", "}\n"]);
}

#[tokio::test]
async fn cached_lines_are_not_counted_again() {
    let fake = FakeBackend::new(Mode::Bytes);
    let counter = counter_over(&fake);
    counter.count_lines(&["let x = 1;", "let y = 2;"]).await;
    fake.take_seen();

    // The next keystroke changed one line.
    let counts = counter
        .count_lines(&["let x = 1;", "let y = 23;", "let y = 2;"])
        .await;
    assert_eq!(counts, vec![11, 12, 11]);
    assert_eq!(fake.take_seen(), vec!["let y = 23;\n"]);

    // Nothing changed: no call at all.
    let calls = fake.calls();
    let again = counter.count_lines(&["let y = 23;\n", "let x = 1;"]).await;
    assert_eq!(again, vec![12, 11]);
    assert_eq!(fake.calls(), calls);
}

#[tokio::test]
async fn cache_is_bounded() {
    let fake = FakeBackend::new(Mode::Bytes);
    let counter = counter_over(&fake).with_cache_capacity(2);
    counter.count_lines(&["a", "bb", "ccc"]).await;
    fake.take_seen();
    // "a" was the least recently used entry of three in a cache of two.
    counter.count_lines(&["a", "ccc"]).await;
    assert_eq!(fake.take_seen(), vec!["a\n"]);
}

#[tokio::test]
async fn backend_failure_falls_back_to_the_estimate_without_caching_it() {
    let fake = FakeBackend::new(Mode::Fail);
    let counter = counter_over(&fake);
    let lines = ["    return a - b", "x"];
    let expected: Vec<usize> = lines.iter().map(|l| estimate(l)).collect();
    assert_eq!(counter.count_lines(&lines).await, expected);
    assert_eq!(counter.count_lines(&lines).await, expected);
    assert_eq!(fake.calls(), 2, "a failure is retried on the next call");
    assert!(
        counter.failure_reported.load(Ordering::Relaxed),
        "warned once"
    );

    fake.set_mode(Mode::Bytes);
    assert_eq!(counter.count_lines(&lines).await, vec![17, 2]);
    assert!(
        !counter.failure_reported.load(Ordering::Relaxed),
        "the next outage warns again"
    );
}

#[test]
fn count_lines_can_run_on_a_multithreaded_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let counter = TokenCounter::estimating();
    let lines = ["a"];
    let future = counter.count_lines(&lines);
    assert_send(&future);
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<TokenCounter>();
}

#[tokio::test]
async fn wrong_number_of_counts_is_treated_as_a_failure() {
    let fake = FakeBackend::new(Mode::WrongLength);
    let counter = counter_over(&fake);
    let counts = counter.count_lines(&["abcdef", "g"]).await;
    assert_eq!(counts, vec![estimate("abcdef"), estimate("g")]);
}

#[tokio::test]
async fn backend_that_cannot_tokenize_is_asked_only_once() {
    let fake = FakeBackend::new(Mode::CannotTokenize);
    let counter = counter_over(&fake);
    assert_eq!(counter.count_lines(&["abcd"]).await, vec![3]);
    assert_eq!(counter.count_lines(&["efgh"]).await, vec![3]);
    assert_eq!(fake.calls(), 1);
}

#[tokio::test]
async fn without_any_tokenizer_the_estimate_is_used() {
    let counter = TokenCounter::new(Some(Path::new("")), None).expect("nothing to load");
    assert_eq!(counter.source(), TokenSource::Estimate);
    assert_eq!(
        counter.count_lines(&["abcd", "", "abc\n"]).await,
        vec![3, 1, 2]
    );
    assert_eq!(counter.count_text("abcd\n\nabc").await, 6);
}

#[tokio::test]
async fn count_text_sums_its_lines() {
    let fake = FakeBackend::new(Mode::Bytes);
    let counter = counter_over(&fake);
    assert_eq!(counter.count_text("ab\ncd\r\ne").await, 3 + 3 + 2);
    assert_eq!(counter.count_text("").await, 0);
}

/// A word-level tokenizer.json, written with the tokenizers API: whitespace-separated words and
/// punctuation runs are one token each, unknown ones become `[UNK]`, breaks vanish.
fn write_tiny_tokenizer(dir: &Path) -> std::path::PathBuf {
    use tokenizers::models::wordlevel::WordLevel;
    use tokenizers::pre_tokenizers::whitespace::Whitespace;

    let vocab = ["[UNK]", "def", "add", "(", ")", ":", "return"]
        .iter()
        .enumerate()
        .map(|(id, word)| ((*word).to_owned(), id as u32))
        .collect();
    let model = WordLevel::builder()
        .vocab(vocab)
        .unk_token("[UNK]".to_owned())
        .build()
        .expect("valid word-level model");
    let mut tokenizer = tokenizers::Tokenizer::new(model);
    tokenizer.with_pre_tokenizer(Some(Whitespace {}));
    let path = dir.join("tokenizer.json");
    tokenizer.save(&path, false).expect("write tokenizer.json");
    path
}

#[tokio::test]
async fn local_tokenizer_json_gives_exact_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write_tiny_tokenizer(dir.path());
    let fake = FakeBackend::new(Mode::Bytes);
    let backend: Arc<dyn Backend> = fake.clone();
    // A configured tokenizer wins over the backend.
    let counter = TokenCounter::new(Some(&path), Some(backend)).expect("tokenizer loads");
    assert_eq!(counter.source(), TokenSource::Tokenizer);

    let counts = counter
        .count_lines(&["def add ( a ) :", "    return zzz", ""])
        .await;
    assert_eq!(counts, vec![6, 2, 0]);
    assert_eq!(fake.calls(), 0);
    // Served from the cache the second time, with the same answer.
    assert_eq!(counter.count_lines(&["def add ( a ) :"]).await, vec![6]);
}

#[test]
fn unreadable_tokenizer_files_are_reported_with_their_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.json");
    let error = TokenCounter::from_tokenizer_file(&missing).expect_err("missing file");
    assert!(error.to_string().contains("missing.json"), "{error}");

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ not json").expect("write file");
    let error = TokenCounter::new(Some(&garbage), None).expect_err("invalid file");
    assert!(error.to_string().contains("garbage.json"), "{error}");
    assert!(error.to_string().contains("prompt.tokenizer"), "{error}");
}
