//! What tandem adds to a completion besides the model's own time, on a 20,000-line file: the
//! whole engine pipeline (window, token budget, prompt, mode, post-processing) with a backend that
//! answers instantly, plus post-processing alone on a realistic raw answer.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{criterion_group, BatchSize, Criterion};
use ropey::Rope;
use tandem::config::{BackendChoice, Config};
use tandem::documents::DocumentSnapshot;
use tandem::engine::{CompletionRequest, CursorWindow, Engine, Trigger};
use tandem::postprocess::{clean, PostContext};
use tandem::prompt::{build, fit_window, template_by_name, PromptInput};
use tandem::syntax::CompletionMode;
use tandem::tokens::estimate;
use tandem_clients::{
    Backend, BackendError, FimRequest, FimResponse, ModelInfo, StopReason, Usage,
};

/// Answers at once, like a model with zero latency.
struct Instant;

#[async_trait]
impl Backend for Instant {
    fn name(&self) -> &'static str {
        "instant"
    }
    fn templates_itself(&self) -> bool {
        true
    }
    async fn complete(&self, _: FimRequest) -> Result<FimResponse, BackendError> {
        Ok(FimResponse {
            text: "total += item.price * item.quantity\n    return total\n```\nThis code sums."
                .into(),
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
    async fn health(&self) -> Result<(), BackendError> {
        Ok(())
    }
}

/// A 20,000-line Python file of realistic functions, some lines non-ASCII.
fn big_file() -> String {
    let mut out = String::new();
    for i in 0..2_500 {
        out.push_str(&format!(
            "def total_{i}(items):\n    \"\"\"Sum the order — ünïcode {i}.\"\"\"\n    total = 0\n    for item in items:\n        total += item.price * item.quantity\n    return total\n\n\n"
        ));
    }
    out
}

fn bench_pipeline(c: &mut Criterion) {
    let runtime = runtime();
    let engine = instant_engine(&runtime);

    let rope = Rope::from_str(&big_file());
    let mut group = c.benchmark_group("pipeline_20k_lines");
    for (name, cursor) in positions(&rope) {
        let request = request_at(&rope, cursor);
        // Warm the token cache as a real session would after the first keystroke.
        runtime
            .block_on(engine.complete(request.clone()))
            .expect("warm-up");
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    engine.clear_caches();
                    request.clone()
                },
                |request| {
                    runtime
                        .block_on(engine.complete(request))
                        .expect("complete")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

/// An engine whose backend answers instantly, so only tandem's own work is measured.
fn instant_engine(runtime: &tokio::runtime::Runtime) -> Engine {
    let mut config = Config::default();
    config.backend.kind = BackendChoice::LlamaCpp;
    config.backend.url = "http://instant".into();
    config.completion.debounce_ms = 0;
    let engine = Engine::new(config);
    runtime
        .block_on(engine.use_backend(Arc::new(Instant)))
        .expect("backend");
    engine
}

fn request_at(rope: &Rope, cursor: usize) -> CompletionRequest {
    CompletionRequest {
        document: DocumentSnapshot {
            uri: "file:///bench/orders.py".into(),
            path: Some("/bench/orders.py".into()),
            language_id: "python".into(),
            version: 1,
            text: rope.clone(),
        },
        cursor,
        trigger: Trigger::Automatic,
        workspace_root: Some("/bench".into()),
    }
}

/// Cursors at the start, middle and end of the big file.
fn positions(rope: &Rope) -> [(&'static str, usize); 3] {
    let lines = rope.len_lines();
    [("start", 4usize), ("middle", lines / 2), ("end", lines - 6)]
        .map(|(name, line)| (name, rope.line_to_char(line) + 8))
}

/// Prompt building alone: reading the window, fitting it to the budget, rendering the template.
fn bench_prompt(c: &mut Criterion) {
    let rope = Rope::from_str(&big_file());
    let template = template_by_name("qwen").expect("qwen template");
    let mut group = c.benchmark_group("prompt_build_20k_lines");
    for (name, cursor) in positions(&rope) {
        group.bench_function(name, |b| {
            b.iter(|| {
                let window = CursorWindow::read(&rope, cursor, 400, 150, 1_536 * 5);
                let before: Vec<usize> = window.before.iter().map(|l| estimate(l)).collect();
                let after: Vec<usize> = window.after.iter().map(|l| estimate(l)).collect();
                let fixed = estimate(&window.line_prefix) + estimate(&window.line_suffix) + 16;
                let fitted = fit_window(&before, &after, fixed, 1_536, 0.75);
                let prefix = window.prefix(fitted.prefix_lines);
                let suffix = window.suffix(fitted.suffix_lines);
                build(
                    &template,
                    &PromptInput {
                        file_name: "orders.py",
                        repo_name: "bench",
                        prefix: &prefix,
                        suffix: &suffix,
                        extra: &[],
                    },
                )
            })
        });
    }
    group.finish();
}

fn bench_postprocess(c: &mut Criterion) {
    let ctx = PostContext {
        line_prefix: "    ".into(),
        line_suffix: String::new(),
        previous_lines: "def oldest(users):\n    \"\"\"Return the oldest user.\"\"\"\n".into(),
        next_lines: "\n\ndef youngest(users):\n    return min(users, key=lambda u: u.age)\n".into(),
        mode: CompletionMode::MultiLine {
            min_indent: 4,
            max_lines: 12,
        },
        stop: vec!["<|endoftext|>".into(), "<|file_sep|>".into()],
    };
    let raw = "return max(users, key=lambda u: u.age)\n\nif __name__ == \"__main__\":\n    main()\n```\n\nIn this solution, we define a function that returns the oldest user.";
    c.bench_function("postprocess_instruct_output", |b| {
        b.iter(|| clean(raw, &ctx))
    });
}

/// Criterion reports means; the target is a p99, so this prints percentiles of the whole
/// pipeline over many single runs.
fn percentile_table() {
    let runtime = runtime();
    let engine = instant_engine(&runtime);
    let rope = Rope::from_str(&big_file());
    println!(
        "\ntandem overhead per completion, 20,000-line file, instant backend (2,000 runs each)"
    );
    println!(
        "{:<8} {:>10} {:>10} {:>10}",
        "cursor", "p50 µs", "p99 µs", "max µs"
    );
    for (name, cursor) in positions(&rope) {
        let request = request_at(&rope, cursor);
        runtime
            .block_on(engine.complete(request.clone()))
            .expect("warm-up");
        let mut samples: Vec<f64> = (0..2_000)
            .map(|_| {
                engine.clear_caches();
                let started = std::time::Instant::now();
                runtime
                    .block_on(engine.complete(request.clone()))
                    .expect("complete");
                started.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
        println!(
            "{name:<8} {:>10.1} {:>10.1} {:>10.1}",
            at(0.5),
            at(0.99),
            samples[samples.len() - 1]
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = bench_pipeline, bench_prompt, bench_postprocess
}

fn main() {
    benches();
    percentile_table();
    Criterion::default().configure_from_args().final_summary();
}
