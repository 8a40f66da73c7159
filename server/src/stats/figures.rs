//! The figures of one group of suggestions: acceptance, characters taken, retention, latency.

use std::collections::HashMap;

use super::latency::Latency;
use super::rows::{Checkpoint, RetentionRow, SuggestionRow};

/// A suggestion counts for the "visible long enough" rate only if it was on screen this long:
/// below it, nobody had time to read it, so not taking it says little about its quality.
pub const MIN_VISIBLE_MS: i64 = 750;

/// Two texts are "mostly unchanged" from this edit similarity on (edit distance under 33%).
pub const MOSTLY_UNCHANGED_SIMILARITY: f64 = 0.67;

/// Retention rows by suggestion id.
pub type RetentionIndex<'a> = HashMap<&'a str, Vec<&'a RetentionRow>>;

/// Indexes `rows` by suggestion id.
pub fn index_retention(rows: &[RetentionRow]) -> RetentionIndex<'_> {
    let mut index: RetentionIndex<'_> = HashMap::new();
    for row in rows {
        index
            .entry(row.suggestion_id.as_str())
            .or_default()
            .push(row);
    }
    index
}

/// One point of the retention curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetentionPoint {
    pub checkpoint: Checkpoint,
    /// Accepted suggestions that were checked at this checkpoint.
    pub reached: usize,
    pub unchanged: usize,
    /// Similarity at least [`MOSTLY_UNCHANGED_SIMILARITY`] (includes the unchanged ones).
    pub mostly_unchanged: usize,
}

impl RetentionPoint {
    /// Share of `reached` still exactly as accepted.
    pub fn unchanged_rate(&self) -> Option<f64> {
        ratio(self.unchanged as f64, self.reached)
    }

    /// Share of `reached` mostly as accepted.
    pub fn mostly_unchanged_rate(&self) -> Option<f64> {
        ratio(self.mostly_unchanged as f64, self.reached)
    }
}

/// The figures of a group of suggestions.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Suggestions offered (rows), shown or not.
    pub offered: usize,
    pub shown: usize,
    /// Accepted fully or in part.
    pub accepted: usize,
    /// Of `accepted`, accepted only in part.
    pub partial: usize,
    /// Shown for at least [`MIN_VISIBLE_MS`].
    pub shown_long: usize,
    /// Of `shown_long`, accepted.
    pub accepted_long: usize,
    /// Characters taken over all accepted suggestions.
    pub accepted_chars: u64,
    /// One point per timed checkpoint, in order.
    pub retention: Vec<RetentionPoint>,
    /// End-to-end latency of every suggestion.
    pub total_ms: Latency,
    /// Model time of the suggestions the model produced (cache hits have none worth counting).
    pub model_ms: Latency,
}

impl Figures {
    /// accepted / shown.
    pub fn acceptance_rate(&self) -> Option<f64> {
        ratio(self.accepted as f64, self.shown)
    }

    /// accepted / shown, counting only suggestions visible for at least [`MIN_VISIBLE_MS`].
    pub fn long_acceptance_rate(&self) -> Option<f64> {
        ratio(self.accepted_long as f64, self.shown_long)
    }

    /// Accepted characters per shown suggestion.
    pub fn chars_per_shown(&self) -> Option<f64> {
        ratio(self.accepted_chars as f64, self.shown)
    }

    /// The retention point at `checkpoint`.
    pub fn retention_at(&self, checkpoint: Checkpoint) -> Option<&RetentionPoint> {
        self.retention.iter().find(|p| p.checkpoint == checkpoint)
    }
}

fn ratio(part: f64, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part / whole as f64)
}

/// Computes the figures of `rows`, looking their retention up in `retention`.
pub fn figures(rows: &[&SuggestionRow], retention: &RetentionIndex<'_>) -> Figures {
    let shown: Vec<&SuggestionRow> = rows.iter().copied().filter(|r| r.was_shown()).collect();
    let accepted: Vec<&SuggestionRow> = shown.iter().copied().filter(|r| r.is_accepted()).collect();
    let is_long = |r: &&&SuggestionRow| r.visible_ms.is_some_and(|ms| ms >= MIN_VISIBLE_MS);
    let retention_points = Checkpoint::TIMED
        .into_iter()
        .map(|checkpoint| retention_point(checkpoint, &accepted, retention))
        .collect();
    Figures {
        offered: rows.len(),
        shown: shown.len(),
        accepted: accepted.len(),
        partial: accepted
            .iter()
            .filter(|r| r.outcome == Some(super::rows::Outcome::Partial))
            .count(),
        shown_long: shown.iter().filter(is_long).count(),
        accepted_long: accepted.iter().filter(is_long).count(),
        accepted_chars: accepted.iter().map(|r| r.taken_chars() as u64).sum(),
        retention: retention_points,
        total_ms: Latency::of(rows.iter().filter_map(|r| r.total_ms)),
        model_ms: Latency::of(
            rows.iter()
                .filter(|r| r.source == "model")
                .filter_map(|r| r.model_ms),
        ),
    }
}

fn retention_point(
    checkpoint: Checkpoint,
    accepted: &[&SuggestionRow],
    retention: &RetentionIndex<'_>,
) -> RetentionPoint {
    let checks: Vec<&RetentionRow> = accepted
        .iter()
        .filter_map(|r| retention.get(r.id.as_str()))
        .filter_map(|rows| {
            rows.iter()
                .copied()
                .find(|row| row.checkpoint == checkpoint)
        })
        .collect();
    RetentionPoint {
        checkpoint,
        reached: checks.len(),
        unchanged: checks.iter().filter(|c| c.unchanged).count(),
        mostly_unchanged: checks
            .iter()
            .filter(|c| c.unchanged || c.similarity >= MOSTLY_UNCHANGED_SIMILARITY - 1e-9)
            .count(),
    }
}
