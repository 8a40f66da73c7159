//! Retention: following an accepted suggestion's text through later edits, and the checkpoints
//! at which we look at what is left of it.
//!
//! A range is mapped through each [`CharEdit`]: edits before it shift it, edits inside it change
//! its content (and length), text inserted exactly at either end stays outside it (typing right
//! before or after accepted code is new code, not a change to it), and an edit that removes every
//! char of the range collapses it for good: what replaces it is not the suggestion any more.

use std::time::Duration;

use crate::documents::CharEdit;

/// An accepted range in char indices, kept valid through edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackedRange {
    start: usize,
    end: usize,
    collapsed: bool,
}

impl TrackedRange {
    /// A range of `len` chars starting at `start`.
    pub fn new(start: usize, len: usize) -> Self {
        Self {
            start,
            end: start + len,
            collapsed: false,
        }
    }

    /// First char of the range.
    pub fn start(&self) -> usize {
        self.start
    }

    /// One past the last char of the range.
    pub fn end(&self) -> usize {
        self.end
    }

    /// Whether an edit deleted the whole range.
    pub fn is_collapsed(&self) -> bool {
        self.collapsed
    }

    /// Grows the range to end at `end` (a later partial or full acceptance of the same
    /// suggestion that continues it).
    pub fn extend_to(&mut self, end: usize) {
        if !self.collapsed && end > self.end {
            self.end = end;
        }
    }

    /// Maps the range through one edit.
    pub fn apply(&mut self, edit: &CharEdit) {
        if self.collapsed {
            return;
        }
        let (s, r) = (edit.start, edit.removed);
        if r > 0 && s <= self.start && s + r >= self.end && self.start < self.end {
            self.collapsed = true;
            self.start = s;
            self.end = s;
            return;
        }
        self.start = map_start(self.start, edit);
        self.end = map_end(self.end, edit).max(self.start);
    }

    /// Maps the range through edits in the order they were applied.
    pub fn apply_all(&mut self, edits: &[CharEdit]) {
        for edit in edits {
            self.apply(edit);
        }
    }
}

/// Where the range's first char goes: an insertion at it pushes it right (the new text is before
/// the range); inside a replaced region it snaps to the replacement's start, which joins the range.
fn map_start(pos: usize, edit: &CharEdit) -> usize {
    let (s, r, i) = (edit.start, edit.removed, edit.inserted);
    if pos < s {
        pos
    } else if pos >= s + r {
        pos - r + i
    } else {
        s
    }
}

/// Where the range's end goes: an insertion at it stays outside; inside a replaced region it
/// moves to the replacement's end, so the replacement joins the range.
fn map_end(pos: usize, edit: &CharEdit) -> usize {
    let (s, r, i) = (edit.start, edit.removed, edit.inserted);
    if pos <= s {
        pos
    } else if pos >= s + r {
        pos - r + i
    } else {
        s + i
    }
}

/// A moment at which retention is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Checkpoint {
    Seconds30,
    Minutes2,
    Minutes5,
    Minutes10,
    /// The document closed (or the session ended) while the range was still tracked.
    Close,
}

impl Checkpoint {
    /// The name stored in `retention.checkpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Checkpoint::Seconds30 => "30s",
            Checkpoint::Minutes2 => "2m",
            Checkpoint::Minutes5 => "5m",
            Checkpoint::Minutes10 => "10m",
            Checkpoint::Close => "close",
        }
    }
}

/// The timed checkpoints and how long after acceptance each one comes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    steps: Vec<(Checkpoint, Duration)>,
}

/// Why a checkpoint override was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TANDEM_TELEMETRY_CHECKPOINTS_MS={spec:?} is not 1 to 4 increasing millisecond values separated by commas (e.g. \"100,200\"); using the standard 30 s / 2 min / 5 min / 10 min")]
pub struct ScheduleError {
    pub spec: String,
}

const TIMED: [Checkpoint; 4] = [
    Checkpoint::Seconds30,
    Checkpoint::Minutes2,
    Checkpoint::Minutes5,
    Checkpoint::Minutes10,
];

impl Schedule {
    /// 30 s, 2 min, 5 min and 10 min after acceptance, as Copilot's persistence figures.
    pub fn standard() -> Self {
        let secs = [30, 120, 300, 600];
        Self {
            steps: TIMED
                .iter()
                .zip(secs)
                .map(|(c, s)| (*c, Duration::from_secs(s)))
                .collect(),
        }
    }

    /// A test schedule from "ms,ms,...": the values replace the 30s, 2m, 5m and 10m delays in
    /// order; checkpoints past the list are skipped.
    pub fn from_millis_list(spec: &str) -> Result<Self, ScheduleError> {
        let error = || ScheduleError {
            spec: spec.to_owned(),
        };
        let values: Vec<u64> = spec
            .split(',')
            .map(|v| v.trim().parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| error())?;
        if values.is_empty()
            || values.len() > TIMED.len()
            || values.windows(2).any(|w| w[0] >= w[1])
        {
            return Err(error());
        }
        Ok(Self {
            steps: TIMED
                .iter()
                .zip(values)
                .map(|(c, ms)| (*c, Duration::from_millis(ms)))
                .collect(),
        })
    }

    /// The `index`-th checkpoint and its delay after acceptance, if there is one.
    pub fn step(&self, index: usize) -> Option<(Checkpoint, Duration)> {
        self.steps.get(index).copied()
    }
}

/// How much of an accepted text is still there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// The range holds exactly the accepted text.
    pub unchanged: bool,
    /// 1 − Levenshtein distance / length of the longer text, over chars; 1.0 when identical.
    pub similarity: f64,
}

/// Compares what is in the range now with what was accepted.
pub fn measure(accepted: &str, current: &str) -> Measurement {
    Measurement {
        unchanged: accepted == current,
        similarity: strsim::normalized_levenshtein(accepted, current),
    }
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
