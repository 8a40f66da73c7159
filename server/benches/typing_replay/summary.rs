//! Turns what one replay recorded (keystrokes with their answers, upstream exchanges, llama-server
//! counters) into the numbers of the table, and renders the table. Pure: times are milliseconds
//! since the first keystroke.

use super::llama::Metrics;
use super::upstream_response::PromptTimings;

/// What the editor got for one keystroke's inline completion request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A non-empty suggestion arrived.
    Suggestion { at_ms: f64 },
    /// An empty list arrived.
    Empty { at_ms: f64 },
    /// Cancelled by the next keystroke (the server answered "request cancelled").
    Cancelled,
    /// A JSON-RPC error other than cancellation.
    Failed(String),
    /// No answer within the time limit.
    Unanswered,
}

/// One keystroke.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    /// When its didChange was sent.
    pub sent_ms: f64,
    pub chars: usize,
    pub answer: Answer,
}

/// One request the proxy forwarded to llama-server.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeRecord {
    pub path: String,
    pub started_ms: f64,
    pub ended_ms: f64,
    /// It ran the model (not tokenize, health, props).
    pub generation: bool,
    /// tandem closed it before llama-server finished.
    pub client_closed: bool,
    pub timings: Option<PromptTimings>,
}

/// Everything one replay recorded.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    pub keys: Vec<KeyRecord>,
    pub exchanges: Vec<ExchangeRecord>,
    /// `/metrics` difference over the typing, when the endpoint answered.
    pub metrics: Option<Metrics>,
    /// Context chunks in the last model request's prompt.
    pub context_chunks: Option<usize>,
}

/// The numbers of one column of the table.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub typed_chars: usize,
    pub keystrokes: usize,
    pub typing_secs: f64,
    pub model_requests: usize,
    pub other_requests: usize,
    /// Closed by tandem before the model finished, answer not used: superseded or cancelled.
    pub cancelled_model_requests: usize,
    /// Closed by tandem before the model finished, answer used: the stream stopped early once
    /// the suggestion was complete.
    pub early_stopped: usize,
    pub lsp_cancelled: usize,
    pub lsp_failed: usize,
    pub lsp_unanswered: usize,
    pub suggestions: usize,
    pub empty_answers: usize,
    pub answered_without_model: usize,
    pub with_timings: usize,
    pub sse_processed: u64,
    pub sse_cached: u64,
    pub metrics: Option<Metrics>,
    pub context_chunks: Option<usize>,
    pub latency_ms: Vec<f64>,
    pub overhead_ms: Vec<f64>,
}

/// Slack for the proxy noticing the end of an exchange a moment after tandem acted on it.
const MATCH_SLACK_MS: f64 = 25.0;

/// Computes one column from a replay.
pub fn summarize(recorded: &Recorded) -> Summary {
    let generations: Vec<&ExchangeRecord> =
        recorded.exchanges.iter().filter(|e| e.generation).collect();
    let mut used = vec![false; generations.len()];
    let mut out = Summary {
        typed_chars: recorded.keys.iter().map(|k| k.chars).sum(),
        keystrokes: recorded.keys.len(),
        typing_secs: recorded.keys.last().map_or(0.0, |k| k.sent_ms / 1000.0),
        model_requests: generations.len(),
        other_requests: recorded.exchanges.len() - generations.len(),
        metrics: recorded.metrics,
        context_chunks: recorded.context_chunks,
        ..Summary::default()
    };
    for key in &recorded.keys {
        let (at_ms, non_empty) = match key.answer {
            Answer::Suggestion { at_ms } => (at_ms, true),
            Answer::Empty { at_ms } => (at_ms, false),
            Answer::Cancelled => {
                out.lsp_cancelled += 1;
                continue;
            }
            Answer::Failed(_) => {
                out.lsp_failed += 1;
                continue;
            }
            Answer::Unanswered => {
                out.lsp_unanswered += 1;
                continue;
            }
        };
        let latency = at_ms - key.sent_ms;
        if non_empty {
            out.suggestions += 1;
            out.latency_ms.push(latency);
        } else {
            out.empty_answers += 1;
        }
        // The model call behind this answer: the last one that began after the keystroke and
        // was over by the time the answer came.
        let behind = generations
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.started_ms >= key.sent_ms
                    && e.started_ms <= at_ms
                    && e.ended_ms <= at_ms + MATCH_SLACK_MS
            })
            .max_by(|a, b| a.1.started_ms.total_cmp(&b.1.started_ms));
        match behind {
            Some((index, exchange)) => {
                used[index] = true;
                let model_ms = (exchange.ended_ms.min(at_ms) - exchange.started_ms).max(0.0);
                out.overhead_ms.push(latency - model_ms);
            }
            None => out.answered_without_model += 1,
        }
    }
    for (exchange, used) in generations.iter().zip(&used) {
        if exchange.client_closed {
            if *used {
                out.early_stopped += 1;
            } else {
                out.cancelled_model_requests += 1;
            }
        }
        if let Some(timings) = exchange.timings {
            out.with_timings += 1;
            out.sse_processed += timings.prompt_n;
            out.sse_cached += timings.cache_n;
        }
    }
    out
}

/// Nearest-rank percentile of unsorted values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn share(part: f64, whole: f64) -> String {
    if whole > 0.0 && part.is_finite() {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "n/a".into()
    }
}

fn p50_p95(values: &[f64]) -> String {
    match (percentile(values, 50.0), percentile(values, 95.0)) {
        (Some(p50), Some(p95)) => format!("{p50:.0} / {p95:.0}"),
        _ => "n/a".into(),
    }
}

/// The rows of the table for one column.
fn rows(s: &Summary) -> Vec<(&'static str, String)> {
    let per_100 = if s.typed_chars > 0 {
        format!(
            "{:.1}",
            100.0 * s.model_requests as f64 / s.typed_chars as f64
        )
    } else {
        "n/a".into()
    };
    let (metrics_processed, metrics_cached, metrics_share) = match s.metrics {
        Some(m) => (
            format!("{:.0}", m.prompt_tokens),
            format!("{:.0}", m.cached_tokens),
            share(m.cached_tokens, m.cached_tokens + m.prompt_tokens),
        ),
        None => ("n/a".into(), "n/a".into(), "n/a".into()),
    };
    vec![
        (
            "typed characters (keystrokes)",
            format!("{} ({})", s.typed_chars, s.keystrokes),
        ),
        ("typing time, s", format!("{:.0}", s.typing_secs)),
        (
            "context chunks in the last prompt",
            s.context_chunks
                .map_or_else(|| "n/a".into(), |n| n.to_string()),
        ),
        ("model requests", s.model_requests.to_string()),
        ("model requests / 100 typed chars", per_100),
        (
            "  cancelled (closed early, unused)",
            s.cancelled_model_requests.to_string(),
        ),
        ("  stopped early, answer used", s.early_stopped.to_string()),
        (
            "other upstream requests (tokenize...)",
            s.other_requests.to_string(),
        ),
        (
            "LSP requests answered 'cancelled'",
            s.lsp_cancelled.to_string(),
        ),
        (
            "LSP errors / unanswered",
            format!("{} / {}", s.lsp_failed, s.lsp_unanswered),
        ),
        ("non-empty suggestions", s.suggestions.to_string()),
        ("empty answers", s.empty_answers.to_string()),
        (
            "answers without a model call",
            s.answered_without_model.to_string(),
        ),
        (
            "prompt tokens processed [timings]",
            s.sse_processed.to_string(),
        ),
        (
            "prompt tokens from KV cache [timings]",
            s.sse_cached.to_string(),
        ),
        (
            "  % from cache [timings]",
            share(s.sse_cached as f64, (s.sse_cached + s.sse_processed) as f64),
        ),
        (
            "  requests reporting timings",
            format!("{} of {}", s.with_timings, s.model_requests),
        ),
        ("prompt tokens processed [/metrics]", metrics_processed),
        ("prompt tokens from KV cache [/metrics]", metrics_cached),
        ("  % from cache [/metrics]", metrics_share),
        ("keystroke→suggestion ms p50 / p95", p50_p95(&s.latency_ms)),
        ("tandem overhead ms p50 / p95", p50_p95(&s.overhead_ms)),
    ]
}

/// The table, one column per replay.
pub fn table(columns: &[(String, Summary)]) -> String {
    let all: Vec<Vec<(&str, String)>> = columns.iter().map(|(_, s)| rows(s)).collect();
    let Some(first) = all.first() else {
        return String::new();
    };
    let label_width = first
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let width = all
        .iter()
        .flatten()
        .map(|(_, v)| v.chars().count())
        .chain(columns.iter().map(|(name, _)| name.chars().count()))
        .max()
        .unwrap_or(0)
        .max(8);
    let mut out = format!("{:label_width$}", "");
    for (name, _) in columns {
        out.push_str(&format!("  {name:>width$}"));
    }
    out.push('\n');
    for (row, (label, _)) in first.iter().enumerate() {
        out.push_str(&format!("{label:label_width$}"));
        for column in &all {
            out.push_str(&format!("  {:>width$}", column[row].1));
        }
        out.push('\n');
    }
    out
}

/// Checks the matching of answers to model calls on a small timeline; the bench runs it first.
pub fn self_check() -> Result<(), String> {
    let exchange = |started_ms, ended_ms, client_closed, prompt_n, cache_n| ExchangeRecord {
        path: "/completion".into(),
        started_ms,
        ended_ms,
        generation: true,
        client_closed,
        timings: Some(PromptTimings {
            prompt_n,
            cache_n,
            predicted_n: 1,
        }),
    };
    let recorded = Recorded {
        keys: vec![
            KeyRecord {
                sent_ms: 0.0,
                chars: 1,
                answer: Answer::Cancelled,
            },
            KeyRecord {
                sent_ms: 100.0,
                chars: 5,
                answer: Answer::Suggestion { at_ms: 600.0 },
            },
            KeyRecord {
                sent_ms: 900.0,
                chars: 1,
                answer: Answer::Suggestion { at_ms: 905.0 },
            },
        ],
        exchanges: vec![
            exchange(70.0, 110.0, true, 10, 90),
            exchange(170.0, 580.0, true, 5, 95),
            ExchangeRecord {
                generation: false,
                timings: None,
                ..exchange(160.0, 165.0, false, 0, 0)
            },
        ],
        metrics: None,
        context_chunks: None,
    };
    let s = summarize(&recorded);
    let got = (
        s.typed_chars,
        s.model_requests,
        s.other_requests,
        s.cancelled_model_requests,
        s.early_stopped,
        s.answered_without_model,
        s.sse_processed,
        s.sse_cached,
        s.latency_ms.clone(),
        s.overhead_ms.clone(),
    );
    let want = (7, 2, 1, 1, 1, 1, 15, 185, vec![500.0, 5.0], vec![90.0]);
    if got != want {
        return Err(format!("summarize: got {got:?}, want {want:?}"));
    }
    Ok(())
}
