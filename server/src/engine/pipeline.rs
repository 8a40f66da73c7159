//! The completion pipeline: prefilters, type-through and cache, then window → token budget →
//! prompt → model → post-processing. The editor, `tandem complete` and `tandem eval` all run this.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tandem_clients::{FimRequest, FimResponse, StopCheck, Usage};

use super::active::ActiveBackend;
use super::cache::ResultCache;
use super::context_step::WindowLines;
use super::prefilter::{self, PrefilterInput, SkipReason};
use super::request::{CompletionOutcome, CompletionRequest, Suggestion, Timings, Trigger};
use super::state::{Engine, EngineError};
use super::type_through::{self, Shown};
use super::window::{CursorWindow, Surroundings};
use crate::postprocess::{self, PostContext};
use crate::prompt::{self, Healed, PromptInput};
use crate::syntax::{self, CompletionMode};

/// How far the prompt window may reach, before token budgeting trims it.
const MAX_LINES_BEFORE: usize = 400;
const MAX_LINES_AFTER: usize = 150;
/// Bytes read per side for each token of budget: code averages 3–4 bytes a token, so this reads
/// enough to fill the budget without counting far more lines than can fit.
const WINDOW_BYTES_PER_TOKEN: usize = 5;
/// Lines on each side that post-processing compares against, and that key the cache.
const SURROUNDING_LINES: usize = 30;
/// Tokens the template's own markers cost, kept out of the budget for the file's text.
const TEMPLATE_OVERHEAD_TOKENS: usize = 16;
/// The prompt's first file line moves in steps of this many lines (see `fit_prompt`).
const PREFIX_START_GRID: usize = 32;
/// Suffix tokens (after the cursor line) while the user types. Qwen's and most FIM formats put
/// the suffix after the prefix, so each keystroke makes the model re-read all of it: a short
/// suffix keeps the share of the prompt served from the KV cache high. The first request after
/// a pause gets the whole suffix budget.
const TYPING_SUFFIX_TOKENS: usize = 128;
/// Single-line completions never need many tokens; capping them saves the model's time on
/// backends that cannot stream.
const SINGLE_LINE_MAX_TOKENS: u32 = 64;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// This process's part of every suggestion id: the pid alone repeats once the OS reuses it, and
/// telemetry keeps ids across sessions, so the start time goes in too.
fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        format!("{}.{started:x}", std::process::id())
    })
}

impl Engine {
    /// Completes at the request's cursor. Superseded or cancelled requests stop the model call.
    pub async fn complete(
        &self,
        request: CompletionRequest,
    ) -> Result<CompletionOutcome, EngineError> {
        let started = Instant::now();
        let config = self.config();
        let uri = request.document.uri.clone();
        let rope = &request.document.text;
        let window = CursorWindow::read(
            rope,
            request.cursor,
            MAX_LINES_BEFORE,
            MAX_LINES_AFTER,
            config.prompt.max_tokens as usize * WINDOW_BYTES_PER_TOKEN,
        );

        let ignore = self.ignore.read().map(|i| i.clone()).ok();
        let skip = prefilter::check(&PrefilterInput {
            enabled: config.completion.enabled,
            file_bytes: rope.len_bytes(),
            max_file_bytes: config.completion.max_file_bytes,
            path: request.document.path.as_deref(),
            ignore: ignore.as_deref().unwrap_or(&globset::GlobSet::empty()),
            line_prefix: &window.line_prefix,
            line_suffix: &window.line_suffix,
        })
        .or_else(|| {
            self.health
                .must_wait(Instant::now())
                .then_some(SkipReason::RateLimited)
        });
        if let Some(reason) = skip {
            return Ok(CompletionOutcome {
                skipped: Some(reason),
                source: "skipped",
                ..CompletionOutcome::default()
            });
        }

        let doc_chars = rope.len_chars();
        if let Some(shown) = self.shown.get(&uri).map(|s| s.clone()) {
            if let Some(rest) =
                type_through::remaining(&shown, window.line, &window.line_prefix, doc_chars)
            {
                return Ok(CompletionOutcome {
                    suggestions: vec![Suggestion {
                        id: shown.id.clone(),
                        text: rest.to_string(),
                        at: request.cursor,
                    }],
                    source: "type_through",
                    timings: elapsed_only(started),
                    ..CompletionOutcome::default()
                });
            }
        }

        let surroundings = window.surroundings(SURROUNDING_LINES);
        let trigger = match request.trigger {
            Trigger::Invoked => "invoked",
            Trigger::Automatic => "automatic",
        };
        let key = ResultCache::key(&[
            &surroundings.previous_lines,
            &window.line_prefix,
            &window.line_suffix,
            &surroundings.next_lines,
            trigger,
        ]);
        if let Some(texts) = self.cache.get(key) {
            let suggestions = self.remember(&uri, &window, doc_chars, request.cursor, texts);
            return Ok(CompletionOutcome {
                suggestions,
                source: "cache",
                timings: elapsed_only(started),
                ..CompletionOutcome::default()
            });
        }

        let ticket = self.inflight.begin(&uri);
        let work = async {
            if request.trigger == Trigger::Automatic && config.completion.debounce_ms > 0 {
                tokio::time::sleep(Duration::from_millis(config.completion.debounce_ms)).await;
            }
            self.ask_model(&request, &window, &surroundings, started)
                .await
        };
        let result = tokio::select! {
            _ = ticket.token.cancelled() => Err(EngineError::Cancelled),
            result = work => result,
        };
        self.inflight.finish(&uri, &ticket);

        match result {
            Ok(mut outcome) => {
                let texts: Vec<String> =
                    outcome.suggestions.iter().map(|s| s.text.clone()).collect();
                self.cache.put(key, texts.clone());
                outcome.suggestions =
                    self.remember(&uri, &window, doc_chars, request.cursor, texts);
                Ok(outcome)
            }
            Err(EngineError::Backend { error, .. }) => {
                if matches!(
                    error,
                    tandem_clients::BackendError::ConnectionRefused { .. }
                ) {
                    // A crashed managed server is restarted by the next connect.
                    self.invalidate_backend().await;
                }
                let report = self.health.failure(&error, Instant::now());
                Err(EngineError::Backend { error, report })
            }
            Err(other) => Err(other),
        }
    }

    /// Records the first suggestion for type-through and gives every text an id.
    fn remember(
        &self,
        uri: &str,
        window: &CursorWindow,
        doc_chars: usize,
        cursor: usize,
        texts: Vec<String>,
    ) -> Vec<Suggestion> {
        let suggestions: Vec<Suggestion> = texts
            .into_iter()
            .map(|text| Suggestion {
                id: format!(
                    "{}-{}",
                    process_tag(),
                    NEXT_ID.fetch_add(1, Ordering::Relaxed)
                ),
                text,
                at: cursor,
            })
            .collect();
        match suggestions.first() {
            Some(first) => {
                self.shown.insert(
                    uri.to_string(),
                    Shown {
                        line: window.line,
                        line_prefix: window.line_prefix.clone(),
                        doc_chars,
                        text: first.text.clone(),
                        id: first.id.clone(),
                    },
                );
            }
            None => {
                self.shown.remove(uri);
            }
        }
        suggestions
    }

    async fn ask_model(
        &self,
        request: &CompletionRequest,
        window: &CursorWindow,
        surroundings: &Surroundings,
        started: Instant,
    ) -> Result<CompletionOutcome, EngineError> {
        let config = self.config();
        let active = self.active_backend().await?;
        let _in_use = self.hold_managed().await;
        let ready = Instant::now();

        let language = syntax::language_for(
            &request.document.language_id,
            request.document.path.as_deref(),
        );
        let mode = syntax::decide_mode(language, &request.document.text, request.cursor);
        let typing = self.note_request(&request.document.uri, started);
        let fitted = fit_prompt(
            &active,
            window,
            config.prompt.max_tokens as usize,
            config.prompt.prefix_share,
            typing.then_some(TYPING_SUFFIX_TOKENS),
        )
        .await;
        let window_done = Instant::now();
        let window_text = format!("{}{}", fitted.prefix, fitted.suffix);
        let gathered = self
            .gather_context(request, window, fitted.lines, &window_text, &active)
            .await;
        let context_done = Instant::now();
        let file_name = file_name(request);
        let repo_name = request
            .workspace_root
            .as_deref()
            .and_then(|root| root.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "workspace".into());
        // Token healing: the model writes the partial word before the cursor again, from a
        // prompt that ends where the word starts.
        let healed_word = if config.prompt.token_healing {
            prompt::partial_word(&window.line_prefix)
        } else {
            ""
        };
        let prompt_prefix = fitted
            .prefix
            .strip_suffix(healed_word)
            .unwrap_or(&fitted.prefix);
        let built = prompt::build(
            &active.template,
            &PromptInput {
                file_name: &file_name,
                repo_name: &repo_name,
                prefix: prompt_prefix,
                suffix: &fitted.suffix,
                extra: &gathered.chunks,
            },
        );
        let post = Arc::new(PostContext {
            line_prefix: window.line_prefix.clone(),
            line_suffix: window.line_suffix.clone(),
            previous_lines: surroundings.previous_lines.clone(),
            next_lines: surroundings.next_lines.clone(),
            mode,
            stop: built.stop.clone(),
        });
        let prompt_done = Instant::now();

        let attempts = match request.trigger {
            Trigger::Invoked => config.completion.alternatives.max(1),
            Trigger::Automatic => 1,
        };
        let max_tokens = match mode {
            CompletionMode::SingleLine => config.completion.max_tokens.min(SINGLE_LINE_MAX_TOKENS),
            CompletionMode::MultiLine { .. } => config.completion.max_tokens,
        };
        let mut texts: Vec<String> = Vec::new();
        let mut raw = Vec::new();
        let mut usage = Usage::default();
        let mut model_time = Duration::ZERO;
        let mut post_time = Duration::ZERO;
        for attempt in 0..attempts {
            let fim = FimRequest {
                rendered: built.rendered.clone(),
                parts: built.parts.clone(),
                max_tokens,
                // Alternatives need diversity; the first answer stays the most likely one.
                temperature: if attempt == 0 {
                    config.completion.temperature
                } else {
                    config.completion.temperature.max(0.8)
                },
                stop: built.stop.clone(),
                seed: Some(u64::from(attempt) + 1),
                time_limit_ms: Some(config.completion.time_limit_ms),
                stream: true,
                stop_check: Some(stop_check(healed_word, post.clone())),
                slot: None,
                forced_start: (!healed_word.is_empty()).then(|| healed_word.to_string()),
            };
            // After an abandoned call the server may still be working on it: wait until it is
            // idle rather than queue behind it (see `pacing`).
            active.pacing.wait_if_needed(active.backend.as_ref()).await;
            let model_started = Instant::now();
            let call = active.pacing.start();
            let answer = active.backend.complete(fim).await;
            call.done();
            let response: FimResponse = match answer {
                Ok(response) => response,
                // The first answer came through, so the backend works: an alternative that
                // fails must not throw away what the user can already be shown.
                Err(error) if attempt > 0 => {
                    tracing::warn!(
                        "alternative {} of {attempts} failed; keeping the answers already received: {error}",
                        attempt + 1
                    );
                    break;
                }
                Err(error) => {
                    return Err(EngineError::Backend {
                        error,
                        report: None,
                    })
                }
            };
            let post_started = Instant::now();
            model_time += post_started - model_started;
            if attempt == 0 {
                usage = response.usage;
            }
            let cleaned = match prompt::healed(&response.text, healed_word) {
                Healed::Rest(rest) => postprocess::clean(rest, &post),
                Healed::Pending | Healed::Diverged => None,
            };
            // What the model said and what survived cleaning: the first thing to look at when a
            // suggestion is missing or wrong.
            tracing::debug!(raw = ?response.text, cleaned = ?cleaned, "model answer");
            if let Some(text) = cleaned {
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
            raw.push(response.text);
            post_time += post_started.elapsed();
        }
        let report = self.health.success();
        if report.is_some() {
            tracing::info!("the model backend works again");
        }

        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        Ok(CompletionOutcome {
            suggestions: texts
                .into_iter()
                .map(|text| Suggestion {
                    id: String::new(),
                    text,
                    at: request.cursor,
                })
                .collect(),
            skipped: None,
            source: "model",
            timings: Timings {
                startup_ms: ms(ready - started),
                context_ms: ms(context_done - window_done),
                prompt_ms: ms(window_done - ready) + ms(prompt_done - context_done),
                model_ms: ms(model_time),
                post_ms: ms(post_time),
                total_ms: ms(started.elapsed()),
            },
            usage,
            prompt: Some(built),
            raw,
            model: active.info.name.clone(),
            backend: active.backend.name().to_string(),
            mode: format!("{mode:?}"),
            context: gathered.uses,
        })
    }
}

/// Ends a streamed answer once post-processing says it is complete, judged on what follows the
/// healed `word`; an answer that does not begin with the word is never shown, so it ends at once.
fn stop_check(word: &str, post: Arc<PostContext>) -> StopCheck {
    let word = word.to_string();
    Arc::new(move |partial: &str| match prompt::healed(partial, &word) {
        Healed::Pending => false,
        Healed::Diverged => true,
        Healed::Rest(rest) => postprocess::is_complete(rest, &post),
    })
}

/// The file's part of the prompt, cut to the budget.
struct FittedWindow {
    prefix: String,
    suffix: String,
    lines: WindowLines,
}

/// Cuts the window to the token budget using real token counts, at line boundaries. With
/// `suffix_cap` the suffix keeps only the lines within it; the prefix stays as the budget would
/// have it anyway, so that its first line does not move when the user starts typing.
async fn fit_prompt(
    active: &ActiveBackend,
    window: &CursorWindow,
    budget: usize,
    prefix_share: f32,
    suffix_cap: Option<usize>,
) -> FittedWindow {
    let mut lines: Vec<&str> = Vec::with_capacity(window.before.len() + window.after.len() + 2);
    lines.push(&window.line_prefix);
    lines.push(&window.line_suffix);
    lines.extend(window.before.iter().map(String::as_str));
    lines.extend(window.after.iter().map(String::as_str));
    let counts = active.counter.count_lines(&lines).await;
    let fixed = counts[0] + counts[1] + TEMPLATE_OVERHEAD_TOKENS;
    let before = &counts[2..2 + window.before.len()];
    let after = &counts[2 + window.before.len()..];
    let fitted = prompt::fit_window(before, after, fixed, budget, prefix_share);
    let suffix_lines = suffix_cap.map_or(fitted.suffix_lines, |cap| {
        fitted.suffix_lines.min(prompt::lines_within(after, cap))
    });
    // Cut where the file ends or on a stable grid line, so consecutive keystrokes share the
    // prompt's token prefix (see `prompt::stable_prefix_lines`).
    let prefix_lines =
        prompt::stable_prefix_lines(window.line, fitted.prefix_lines, PREFIX_START_GRID);
    FittedWindow {
        prefix: window.prefix(prefix_lines),
        suffix: window.suffix(suffix_lines),
        lines: WindowLines {
            first: window.line - prefix_lines.min(window.line),
            last: window.line + suffix_lines,
        },
    }
}

/// The name the model sees for the file: workspace-relative where possible.
fn file_name(request: &CompletionRequest) -> String {
    match (&request.document.path, &request.workspace_root) {
        (Some(path), Some(root)) => path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned(),
        (Some(path), None) => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        (None, _) => request
            .document
            .uri
            .rsplit('/')
            .next()
            .unwrap_or("untitled")
            .to_string(),
    }
}

fn elapsed_only(started: Instant) -> Timings {
    Timings {
        total_ms: started.elapsed().as_secs_f64() * 1000.0,
        ..Timings::default()
    }
}
