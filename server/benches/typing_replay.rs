//! Typing replay: a real file nobody here wrote, one of its functions removed and typed back at
//! a human pace through tandem's LSP, against the real llama-server behind a recording proxy.
//! Prints model requests per 100 typed characters, cancelled requests, prompt tokens the model
//! evaluated vs took from its KV cache (llama.cpp's own `timings` and `/metrics`),
//! keystroke-to-suggestion latency and tandem's own overhead.
//!
//! `cargo bench -p tandem --bench typing_replay -- --chars 300 --modes repo,none`

#[path = "../../tests/e2e/support/isolation.rs"]
mod isolation;
#[allow(dead_code)]
#[path = "../../tests/e2e/support/lsp_client.rs"]
mod lsp_client;
#[allow(dead_code)]
#[path = "../../tests/e2e/support/lsp_wire.rs"]
mod lsp_wire;
#[allow(dead_code)]
#[path = "../../tests/e2e/support/wait.rs"]
mod wait;

#[path = "typing_replay/corpus.rs"]
mod corpus;
#[path = "typing_replay/llama.rs"]
mod llama;
#[path = "typing_replay/options.rs"]
mod options;
#[path = "typing_replay/proxy.rs"]
mod proxy;
#[path = "typing_replay/replay.rs"]
mod replay;
#[path = "typing_replay/summary.rs"]
mod summary;
#[path = "typing_replay/typist.rs"]
mod typist;
#[path = "typing_replay/upstream_response.rs"]
mod upstream_response;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use corpus::Source;
use options::Options;
use typist::Pace;

fn main() -> ExitCode {
    let mut options = Options::parse();
    if !options.bench {
        // `cargo test --all-targets` runs this binary without `--bench`: a short smoke run that
        // proves the replay still works, not the measurement.
        options.chars = options.chars.clamp(1, 40);
        options.modes.truncate(1);
        println!("typing_replay: smoke run (40 characters, one mode); `cargo bench` measures");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("typing_replay: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("typing_replay: {message}");
            ExitCode::FAILURE
        }
    }
}

fn cache_dir() -> PathBuf {
    std::env::var_os("TANDEM_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|dir| dir.join("tandem")))
        .unwrap_or_else(|| PathBuf::from(".cache/tandem"))
}

/// The package to type from: the given folder, the pinned PyPI release, or (when pip cannot
/// fetch it) this repository's own client crate, which is said loudly since the team wrote it.
fn source(options: &Options, cache: &Path) -> Result<Source, String> {
    if let Some(root) = &options.source_dir {
        return Ok(Source {
            root: root.clone(),
            file: options.file.clone(),
            function: options.function.clone(),
            origin: format!("{} (--source-dir)", root.display()),
        });
    }
    match corpus::fetch_package(cache, &options.package, &options.package_sha256) {
        Ok(root) => Ok(Source {
            root,
            file: options.file.clone(),
            function: options.function.clone(),
            origin: format!("the PyPI sdist of {} (sha256-checked)", options.package),
        }),
        Err(error) => {
            eprintln!(
                "typing_replay: cannot fetch {}: {error}\nFALLING BACK to a file of this \
                 repository (written by the team, so the model has not seen it in training but \
                 its style is ours)",
                options.package
            );
            Ok(Source {
                root: Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients"),
                file: "src/stream.rs".into(),
                function: "read_completion".into(),
                origin: "this repository: clients/src/stream.rs (fallback)".into(),
            })
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    upstream_response::self_check()?;
    corpus::self_check()?;
    summary::self_check()?;

    let cache = cache_dir();
    let (binary, model) =
        llama::locate(options.llama_server.clone(), options.model.clone(), &cache)?;
    let source = source(&options, &cache)?;
    let file_path = source.root.join(&source.file);
    let original = std::fs::read_to_string(&file_path)
        .map_err(|e| format!("cannot read {}: {e}", file_path.display()))?;
    let region = corpus::function_region(&original, &source.function)
        .ok_or_else(|| format!("no function {} in {}", source.function, file_path.display()))?;
    let pace = Pace {
        chars_per_sec: options.cps,
        line_pause_ms: (500, 2000),
        hesitation_chance: 0.04,
        hesitation_ms: (300, 1200),
    };
    let limit = if options.chars == 0 {
        usize::MAX
    } else {
        options.chars
    };
    let keystrokes = typist::plan(&original[region.clone()], limit, &pace, options.seed);
    let threads = if options.threads > 0 {
        options.threads
    } else {
        std::thread::available_parallelism().map_or(2, |n| n.get() as u32)
    };
    let typed: usize = keystrokes.iter().map(|k| k.text.chars().count()).sum();
    println!(
        "typing replay: {} :: {} from {}\n  {} of {} chars typed in {} keystrokes at ~{} chars/s \
         (seed {}), model {}, llama-server -c {} -t {}",
        source.file,
        source.function,
        source.origin,
        typed,
        original[region.clone()].chars().count(),
        keystrokes.len(),
        options.cps,
        options.seed,
        model
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        options.ctx_size,
        threads,
    );

    let logs = tempfile::Builder::new()
        .prefix("tandem-typing-replay-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary dir: {e}"))?
        .keep();
    let mut columns = Vec::new();
    for mode in &options.modes {
        // A fresh llama-server per column: the previous column must not leave a warm cache.
        let llama = llama::LlamaServer::start(
            &binary,
            &model,
            options.ctx_size,
            threads,
            logs.join(format!("llama-server-{mode}.log")),
        )
        .await?;
        let proxy = proxy::Proxy::start(llama.addr)
            .await
            .map_err(|e| format!("cannot start the proxy: {e}"))?;
        let setup = replay::Setup {
            source: &source,
            original: &original,
            region: region.clone(),
            keystrokes: &keystrokes,
            context_mode: mode,
            answer_limit: Duration::from_secs(options.answer_timeout_secs),
            logs: &logs,
        };
        eprintln!("typing_replay: context {mode}: replaying…");
        let (recorded, warm_up) = replay::replay(&setup, &llama, &proxy).await?;
        let warm_tokens = match warm_up.metrics {
            Some(m) => format!(
                "{:.0} evaluated + {:.0} cached prompt tokens [/metrics]",
                m.prompt_tokens, m.cached_tokens
            ),
            None => format!(
                "{} evaluated + {} cached prompt tokens [timings]",
                warm_up.prompt_n, warm_up.cache_n
            ),
        };
        println!(
            "  context {mode}: {} files in the workspace, index {}; warm-up request (cold \
             prompt, not in the table): {} ms, {}, {warm_tokens}",
            warm_up.files_in_workspace,
            if warm_up.index_finished {
                "reported ready"
            } else {
                "never reported ready ($/progress end)"
            },
            warm_up
                .latency_ms
                .map_or_else(|| "unanswered".into(), |ms| format!("{ms:.0}")),
            if warm_up.non_empty {
                "suggestion"
            } else {
                "empty"
            },
        );
        columns.push((format!("context {mode}"), summary::summarize(&recorded)));
    }
    println!("\n{}", summary::table(&columns));
    println!(
        "[timings]: sum of llama.cpp's timings.prompt_n / cache_n over the model requests that \
         reported them\n(a request cancelled before its first token reports none); [/metrics]: \
         llama-server's counters over the typing,\nincluding cancelled requests. Latency: didChange \
         → non-empty inlineCompletion answer for that keystroke.\nOverhead: that latency minus the \
         proxy's time on the upstream call behind it (includes tandem's debounce)."
    );
    println!(
        "Logs and per-keystroke / per-request records: {}",
        logs.display()
    );
    Ok(())
}
