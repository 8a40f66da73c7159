//! All the figures `tandem stats` and `tandem report` show: overall, and per model, language and
//! day.

use std::collections::BTreeMap;

use super::day::day_of;
use super::figures::{figures, index_retention, Figures};
use super::latency::Histogram;
use super::rows::{SuggestionRow, Telemetry};

/// How many bins the latency histogram has at most.
pub const LATENCY_BINS: usize = 20;

/// A way to split suggestions into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Model,
    Language,
    /// UTC day the suggestion was offered.
    Day,
}

impl GroupBy {
    /// The group `row` belongs to.
    pub fn key(self, row: &SuggestionRow) -> String {
        match self {
            Self::Model => row.model.clone(),
            Self::Language => row.language.clone(),
            Self::Day => day_of(row.created_ms),
        }
    }

    /// Column heading for the group names.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Model => "model",
            Self::Language => "language",
            Self::Day => "day (UTC)",
        }
    }
}

/// The figures of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    pub figures: Figures,
}

/// Everything computed from one load of the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub overall: Figures,
    /// Most shown first.
    pub by_model: Vec<Group>,
    /// Most shown first.
    pub by_language: Vec<Group>,
    /// Oldest day first.
    pub by_day: Vec<Group>,
    /// `total_ms` of every suggestion.
    pub latency_histogram: Histogram,
    /// Earliest and latest `created_ms`.
    pub span_ms: Option<(i64, i64)>,
}

impl Summary {
    /// The groups for `by`.
    pub fn groups(&self, by: GroupBy) -> &[Group] {
        match by {
            GroupBy::Model => &self.by_model,
            GroupBy::Language => &self.by_language,
            GroupBy::Day => &self.by_day,
        }
    }
}

/// Computes the summary of `telemetry`.
pub fn summarize(telemetry: &Telemetry) -> Summary {
    let retention = index_retention(&telemetry.retention);
    let all: Vec<&SuggestionRow> = telemetry.suggestions.iter().collect();
    let grouped = |by: GroupBy| {
        let mut groups: BTreeMap<String, Vec<&SuggestionRow>> = BTreeMap::new();
        for row in &all {
            groups.entry(by.key(row)).or_default().push(row);
        }
        let mut groups: Vec<Group> = groups
            .into_iter()
            .map(|(key, rows)| Group {
                key,
                figures: figures(&rows, &retention),
            })
            .collect();
        if by != GroupBy::Day {
            // Stable sort: equal counts stay in name order.
            groups.sort_by_key(|g| std::cmp::Reverse(g.figures.shown));
        }
        groups
    };
    let totals: Vec<f64> = all.iter().filter_map(|r| r.total_ms).collect();
    let span_ms = all
        .iter()
        .map(|r| r.created_ms)
        .min()
        .zip(all.iter().map(|r| r.created_ms).max());
    Summary {
        overall: figures(&all, &retention),
        by_model: grouped(GroupBy::Model),
        by_language: grouped(GroupBy::Language),
        by_day: grouped(GroupBy::Day),
        latency_histogram: Histogram::of(&totals, LATENCY_BINS),
        span_ms,
    }
}
