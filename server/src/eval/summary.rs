//! The summary of a run: each score's mean with a 95% bootstrap interval, latency and tokens,
//! overall, per language and per kind. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bootstrap::{self, Interval};
use super::report::TaskReport;
use super::scores::{Scores, SCORE_NAMES};

/// The group name for tasks without a `kind`.
pub const NO_KIND: &str = "unspecified";

/// Summary of a run; the overall group's fields sit at the top level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    #[serde(flatten)]
    pub overall: GroupSummary,
    pub by_language: BTreeMap<String, GroupSummary>,
    pub by_kind: BTreeMap<String, GroupSummary>,
}

/// Summary of a set of tasks. Scores are `None` when no task of the group was scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// Task lines in the group, errors included.
    pub tasks: usize,
    pub scored: usize,
    pub errors: usize,
    pub exact: Option<Interval>,
    pub edit_sim: Option<Interval>,
    pub first_line_exact: Option<Interval>,
    pub line_recall: Option<Interval>,
    pub empty: Option<Interval>,
    pub latency: Option<Latency>,
    /// Mean prompt tokens over the tasks whose backend reported them.
    pub prompt_tokens: Option<f64>,
    /// Mean prompt tokens served from the KV cache, likewise.
    pub cached_tokens: Option<f64>,
}

impl GroupSummary {
    /// The interval of the score called `name`.
    pub fn score(&self, name: &str) -> Option<Interval> {
        match name {
            "exact" => self.exact,
            "edit_sim" => self.edit_sim,
            "first_line_exact" => self.first_line_exact,
            "line_recall" => self.line_recall,
            "empty" => self.empty,
            _ => None,
        }
    }
}

/// Where the time went, over the scored tasks of a group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub latency_ms: Spread,
    pub context_ms: Spread,
    pub prompt_ms: Spread,
    pub model_ms: Spread,
    pub post_ms: Spread,
}

/// Mean, median and 95th percentile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Summarises `tasks` with intervals from `resamples` seeded resamples.
pub fn summarise(tasks: &[TaskReport], resamples: usize, seed: u64) -> Summary {
    let all: Vec<&TaskReport> = tasks.iter().collect();
    let mut by_language: BTreeMap<String, Vec<&TaskReport>> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Vec<&TaskReport>> = BTreeMap::new();
    for task in tasks {
        // A line too broken to name its language is counted overall only.
        if let Some(language) = &task.language {
            by_language.entry(language.clone()).or_default().push(task);
        }
        let kind = task.kind.clone().unwrap_or_else(|| NO_KIND.to_string());
        by_kind.entry(kind).or_default().push(task);
    }
    let group = |tasks: &[&TaskReport]| summarise_group(tasks, resamples, seed);
    Summary {
        overall: group(&all),
        by_language: by_language
            .into_iter()
            .map(|(name, tasks)| (name, group(&tasks)))
            .collect(),
        by_kind: by_kind
            .into_iter()
            .map(|(name, tasks)| (name, group(&tasks)))
            .collect(),
    }
}

fn summarise_group(tasks: &[&TaskReport], resamples: usize, seed: u64) -> GroupSummary {
    let scored: Vec<(&Scores, &TaskReport)> = tasks
        .iter()
        .filter_map(|t| t.scores.as_ref().map(|s| (s, *t)))
        .collect();
    let interval = |name: &str| {
        let values: Vec<f64> = scored.iter().filter_map(|(s, _)| s.get(name)).collect();
        bootstrap::mean_interval(&values, resamples, seed)
    };
    let [exact, edit_sim, first_line_exact, line_recall, empty] = SCORE_NAMES.map(interval);
    let timings: Vec<_> = scored.iter().filter_map(|(_, t)| t.timings).collect();
    let latency = (!timings.is_empty()).then(|| Latency {
        latency_ms: spread(timings.iter().map(|t| t.latency_ms)),
        context_ms: spread(timings.iter().map(|t| t.context_ms)),
        prompt_ms: spread(timings.iter().map(|t| t.prompt_ms)),
        model_ms: spread(timings.iter().map(|t| t.model_ms)),
        post_ms: spread(timings.iter().map(|t| t.post_ms)),
    });
    let token_mean = |get: fn(&TaskReport) -> Option<u32>| {
        let values: Vec<f64> = scored
            .iter()
            .filter_map(|(_, t)| get(t))
            .map(f64::from)
            .collect();
        (!values.is_empty()).then(|| bootstrap::mean(&values))
    };
    GroupSummary {
        tasks: tasks.len(),
        scored: scored.len(),
        errors: tasks.iter().filter(|t| t.error.is_some()).count(),
        exact,
        edit_sim,
        first_line_exact,
        line_recall,
        empty,
        latency,
        prompt_tokens: token_mean(|t| t.prompt_tokens),
        cached_tokens: token_mean(|t| t.cached_tokens),
    }
}

fn spread(values: impl Iterator<Item = f64>) -> Spread {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    Spread {
        mean: bootstrap::mean(&values),
        p50: bootstrap::percentile(&values, 0.5),
        p95: bootstrap::percentile(&values, 0.95),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::report::TaskTimings;
    use crate::eval::scores::score;

    fn task(
        id: &str,
        language: &str,
        kind: Option<&str>,
        completion: &str,
        expected: &str,
    ) -> TaskReport {
        TaskReport {
            id: id.into(),
            language: Some(language.into()),
            kind: kind.map(String::from),
            path: Some("a".into()),
            completion: Some(completion.into()),
            expected: Some(expected.into()),
            scores: Some(score(completion, expected)),
            timings: Some(TaskTimings {
                latency_ms: 100.0,
                model_ms: 90.0,
                ..TaskTimings::default()
            }),
            prompt_tokens: Some(200),
            cached_tokens: None,
            context: Vec::new(),
            skipped: None,
            error: None,
            error_kind: None,
        }
    }

    fn failed(id: &str, language: Option<&str>) -> TaskReport {
        TaskReport {
            completion: None,
            scores: None,
            timings: None,
            prompt_tokens: None,
            error: Some("repo missing".into()),
            language: language.map(String::from),
            ..task(id, "x", None, "", "")
        }
    }

    fn mean_of(group: &GroupSummary, name: &str) -> f64 {
        group.score(name).map(|i| i.mean).unwrap_or(f64::NAN)
    }

    #[test]
    fn groups_split_by_language_and_kind_and_errors_are_counted_not_scored() {
        let tasks = vec![
            task("1", "python", Some("line"), "a", "a"),
            task("2", "python", Some("block"), "b", "c"),
            task("3", "rust", Some("line"), "x", "x"),
            task("4", "rust", None, "", "y"),
            failed("5", Some("rust")),
            failed("line 9", None),
        ];
        let summary = summarise(&tasks, 500, 1);
        let all = &summary.overall;
        assert_eq!((all.tasks, all.scored, all.errors), (6, 4, 2));
        assert_eq!(mean_of(all, "exact"), 0.5);
        assert_eq!(mean_of(all, "empty"), 0.25);

        let languages: Vec<&str> = summary.by_language.keys().map(String::as_str).collect();
        assert_eq!(languages, ["python", "rust"]);
        let rust = &summary.by_language["rust"];
        assert_eq!((rust.tasks, rust.scored, rust.errors), (3, 2, 1));
        assert_eq!(mean_of(rust, "exact"), 0.5);

        let kinds: Vec<&str> = summary.by_kind.keys().map(String::as_str).collect();
        assert_eq!(kinds, ["block", "line", NO_KIND]);
        assert_eq!(mean_of(&summary.by_kind["line"], "exact"), 1.0);
        assert_eq!(summary.by_kind[NO_KIND].scored, 1);
        assert_eq!(summary.by_kind[NO_KIND].tasks, 3);
    }

    #[test]
    fn a_group_without_scored_tasks_has_no_scores_or_latency() {
        let summary = summarise(&[failed("1", Some("go"))], 100, 1);
        let go = &summary.by_language["go"];
        assert_eq!((go.tasks, go.errors), (1, 1));
        for name in SCORE_NAMES {
            assert_eq!(go.score(name), None, "{name}");
        }
        assert_eq!(go.latency, None);
        assert_eq!(go.prompt_tokens, None);
    }

    #[test]
    fn latency_and_tokens_summarise_the_scored_tasks() {
        let mut tasks: Vec<TaskReport> = (0..20)
            .map(|i| {
                let mut t = task(&i.to_string(), "python", None, "a", "a");
                t.timings = Some(TaskTimings {
                    latency_ms: f64::from(i + 1) * 10.0,
                    ..TaskTimings::default()
                });
                t.prompt_tokens = Some(100 + i);
                t.cached_tokens = (i % 2 == 0).then_some(50);
                t
            })
            .collect();
        tasks.push(failed("x", Some("python")));
        let all = summarise(&tasks, 100, 1).overall;
        let latency = all.latency.expect("latency").latency_ms;
        assert!((latency.mean - 105.0).abs() < 1e-9);
        assert!((latency.p50 - 105.0).abs() < 1e-9);
        assert!((latency.p95 - 190.5).abs() < 1e-9);
        assert_eq!(all.prompt_tokens, Some(109.5));
        assert_eq!(all.cached_tokens, Some(50.0));
    }

    #[test]
    fn the_summary_is_deterministic_and_round_trips_through_json() {
        let tasks = vec![
            task("1", "python", Some("line"), "a", "a"),
            task("2", "python", Some("line"), "b", "bc"),
            task("3", "rust", Some("block"), "x\ny", "x\nz"),
        ];
        let a = summarise(&tasks, 300, 7);
        assert_eq!(a, summarise(&tasks, 300, 7));
        let json = serde_json::to_value(&a).expect("serialises");
        for name in SCORE_NAMES {
            let interval = &json[name];
            let (low, mean, high) = (
                interval["ci_low"].as_f64().expect("ci_low"),
                interval["mean"].as_f64().expect("mean"),
                interval["ci_high"].as_f64().expect("ci_high"),
            );
            assert!(low <= mean && mean <= high, "{name}: {interval}");
        }
        let back: Summary = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, a);
    }
}
