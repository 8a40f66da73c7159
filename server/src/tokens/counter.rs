//! Per-line token counts with a cache, from the best source available.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lru::LruCache;
use tandem_clients::Backend;

use super::estimate::{estimate, line_body};
use super::local::{LocalTokenizer, TokenizerError};

/// Lines remembered by default: several large files' worth, a few hundred kilobytes.
pub const DEFAULT_CACHE_LINES: usize = 16_384;

/// Where counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// The model server's own tokenizer (`Backend::count_tokens`).
    Backend,
    /// A `tokenizer.json` named in the config.
    Tokenizer,
    /// [`estimate`]: no tokenizer is available.
    Estimate,
}

enum Source {
    Backend(Arc<dyn Backend>),
    Local(Box<LocalTokenizer>),
    Estimate,
}

/// Counts tokens per line for prompt budgets. Exact counts are cached by line content, so while
/// the user types only the edited line is counted again.
pub struct TokenCounter {
    source: Source,
    cache: Mutex<LruCache<String, usize>>,
    /// The backend answered that it cannot tokenize: estimate from then on without asking.
    backend_cannot_tokenize: AtomicBool,
    /// A failure was already logged at warn; cleared by the next success so each outage warns once.
    failure_reported: AtomicBool,
}

impl std::fmt::Debug for TokenCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCounter")
            .field("source", &self.source())
            .finish_non_exhaustive()
    }
}

impl TokenCounter {
    /// The most exact counter available: the `tokenizer.json` at `tokenizer` if given (an empty
    /// path counts as none), else the backend's tokenizer, else the estimate.
    pub fn new(
        tokenizer: Option<&Path>,
        backend: Option<Arc<dyn Backend>>,
    ) -> Result<Self, TokenizerError> {
        match (tokenizer.filter(|p| !p.as_os_str().is_empty()), backend) {
            (Some(path), _) => Self::from_tokenizer_file(path),
            (None, Some(backend)) => Ok(Self::from_backend(backend)),
            (None, None) => Ok(Self::estimating()),
        }
    }

    /// Counts with the backend's tokenizer, batched per call.
    pub fn from_backend(backend: Arc<dyn Backend>) -> Self {
        Self::with_source(Source::Backend(backend))
    }

    /// Counts with a Hugging Face `tokenizer.json`.
    pub fn from_tokenizer_file(path: &Path) -> Result<Self, TokenizerError> {
        LocalTokenizer::load(path).map(|t| Self::with_source(Source::Local(Box::new(t))))
    }

    /// Only estimates.
    pub fn estimating() -> Self {
        Self::with_source(Source::Estimate)
    }

    /// Changes how many distinct lines the cache keeps (at least one); empties it.
    pub fn with_cache_capacity(self, lines: usize) -> Self {
        let capacity = NonZeroUsize::new(lines).unwrap_or(NonZeroUsize::MIN);
        Self {
            cache: Mutex::new(LruCache::new(capacity)),
            ..self
        }
    }

    fn with_source(source: Source) -> Self {
        let capacity = NonZeroUsize::new(DEFAULT_CACHE_LINES).unwrap_or(NonZeroUsize::MIN);
        Self {
            source,
            cache: Mutex::new(LruCache::new(capacity)),
            backend_cannot_tokenize: AtomicBool::new(false),
            failure_reported: AtomicBool::new(false),
        }
    }

    /// Where counts come from (the configured source, even while it falls back to estimates).
    pub fn source(&self) -> TokenSource {
        match self.source {
            Source::Backend(_) => TokenSource::Backend,
            Source::Local(_) => TokenSource::Tokenizer,
            Source::Estimate => TokenSource::Estimate,
        }
    }

    /// Token count of each line including its line break (lines may be passed with or without
    /// it). Never fails: where the exact source fails, that call's uncached lines are estimated.
    pub async fn count_lines(&self, lines: &[&str]) -> Vec<usize> {
        let bodies: Vec<&str> = lines.iter().map(|line| line_body(line)).collect();
        if matches!(self.source, Source::Estimate)
            || self.backend_cannot_tokenize.load(Ordering::Relaxed)
        {
            return bodies.iter().map(|body| estimate(body)).collect();
        }

        let mut counts = vec![0; bodies.len()];
        // Each distinct uncached body once, with the positions it fills.
        let mut missing: Vec<(&str, Vec<usize>)> = Vec::new();
        {
            let mut cache = self.lock_cache();
            let mut slot_of: HashMap<&str, usize> = HashMap::new();
            for (i, body) in bodies.iter().enumerate() {
                if let Some(&count) = cache.get(*body) {
                    counts[i] = count;
                } else {
                    let slot = *slot_of.entry(body).or_insert_with(|| {
                        missing.push((body, Vec::new()));
                        missing.len() - 1
                    });
                    missing[slot].1.push(i);
                }
            }
        }
        if missing.is_empty() {
            return counts;
        }

        let texts: Vec<String> = missing
            .iter()
            .map(|(body, _)| format!("{body}\n"))
            .collect();
        match self.count_exact(&texts).await {
            Some(exact) => {
                let mut cache = self.lock_cache();
                for ((body, positions), count) in missing.into_iter().zip(exact) {
                    cache.put(body.to_owned(), count);
                    for i in positions {
                        counts[i] = count;
                    }
                }
            }
            // Estimates are not cached: the exact source may work again on the next keystroke.
            None => {
                for (body, positions) in missing {
                    let count = estimate(body);
                    for i in positions {
                        counts[i] = count;
                    }
                }
            }
        }
        counts
    }

    /// Token count of a multi-line text, as the sum of its lines' counts.
    pub async fn count_text(&self, text: &str) -> usize {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        self.count_lines(&lines).await.iter().sum()
    }

    /// Exact counts for `texts`, or `None` when the source failed (logged) or cannot tokenize.
    async fn count_exact(&self, texts: &[String]) -> Option<Vec<usize>> {
        let result = match &self.source {
            Source::Estimate => return None,
            Source::Local(tokenizer) => tokenizer.count(texts),
            Source::Backend(backend) => {
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                match backend.count_tokens(&refs).await {
                    Ok(Some(counts)) if counts.len() == texts.len() => Ok(counts),
                    Ok(Some(counts)) => Err(format!(
                        "{} returned {} token counts for {} texts",
                        backend.name(),
                        counts.len(),
                        texts.len()
                    )),
                    Ok(None) => {
                        self.backend_cannot_tokenize.store(true, Ordering::Relaxed);
                        tracing::info!(
                            backend = backend.name(),
                            "the backend cannot tokenize; prompt budgets use a byte estimate \
                             (set prompt.tokenizer to a tokenizer.json for exact counts)"
                        );
                        return None;
                    }
                    Err(error) => Err(error.to_string()),
                }
            }
        };
        match result {
            Ok(counts) => {
                self.failure_reported.store(false, Ordering::Relaxed);
                Some(counts)
            }
            Err(detail) => {
                if self.failure_reported.swap(true, Ordering::Relaxed) {
                    tracing::debug!(%detail, "token counting failed again; estimating");
                } else {
                    tracing::warn!(
                        %detail,
                        source = ?self.source(),
                        "token counting failed; estimating prompt budgets until it works again"
                    );
                }
                None
            }
        }
    }

    fn lock_cache(&self) -> MutexGuard<'_, LruCache<String, usize>> {
        // The cache holds plain numbers; a panic elsewhere cannot leave it inconsistent.
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
#[path = "counter_tests.rs"]
mod tests;
