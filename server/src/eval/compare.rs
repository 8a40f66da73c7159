//! `tandem eval compare A.json B.json`: two runs' summaries side by side, with the difference of
//! each score and, over the tasks both runs scored, a paired bootstrap interval of that
//! difference (the same task under two settings is the comparison that matters). Pure.

use std::collections::{BTreeSet, HashMap};

use super::bootstrap;
use super::report::{RunConfig, RunReport, TaskReport};
use super::scores::SCORE_NAMES;
use super::summary::{GroupSummary, NO_KIND};
use super::table::{align, optional, percent_interval, SCORE_TITLES};

/// Which tasks a row covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    All,
    Language(String),
    Kind(String),
}

impl Group {
    fn label(&self) -> String {
        match self {
            Group::All => "all".into(),
            Group::Language(l) => l.clone(),
            Group::Kind(k) => format!("kind {k}"),
        }
    }

    fn holds(&self, task: &TaskReport) -> bool {
        match self {
            Group::All => true,
            Group::Language(l) => task.language.as_deref() == Some(l.as_str()),
            Group::Kind(k) => task.kind.as_deref().unwrap_or(NO_KIND) == k,
        }
    }

    fn summary<'a>(&self, run: &'a RunReport) -> Option<&'a GroupSummary> {
        match self {
            Group::All => Some(&run.summary.overall),
            Group::Language(l) => run.summary.by_language.get(l),
            Group::Kind(k) => run.summary.by_kind.get(k),
        }
    }
}

/// Renders the comparison of run `a` with run `b` (differences are b − a).
pub fn render(a: &RunReport, b: &RunReport, resamples: usize, seed: u64) -> String {
    let mut out = String::new();
    out.push_str(&describe("A", &a.config));
    out.push_str(&describe("B", &b.config));
    if a.config.tasks_file != b.config.tasks_file {
        out.push_str("note: the runs used different task files; paired differences cover the ids both share\n");
    }
    out.push('\n');

    let mut groups: BTreeSet<Group> = BTreeSet::from([Group::All]);
    for run in [a, b] {
        groups.extend(run.summary.by_language.keys().cloned().map(Group::Language));
        groups.extend(run.summary.by_kind.keys().cloned().map(Group::Kind));
    }
    let b_tasks: HashMap<&str, &TaskReport> = b.tasks.iter().map(|t| (t.id.as_str(), t)).collect();

    let mut rows = vec![[
        "group",
        "score",
        "A",
        "B",
        "Δ B−A",
        "paired Δ [95% CI]",
        "pairs",
    ]
    .map(String::from)
    .to_vec()];
    for group in &groups {
        let (ga, gb) = (group.summary(a), group.summary(b));
        let pairs: Vec<(&TaskReport, &TaskReport)> = a
            .tasks
            .iter()
            .filter(|t| group.holds(t))
            .filter_map(|t| b_tasks.get(t.id.as_str()).map(|u| (t, *u)))
            .filter(|(t, u)| t.is_scored() && u.is_scored())
            .collect();
        let mut label = group.label();
        for (name, title) in SCORE_NAMES.iter().zip(SCORE_TITLES) {
            let ia = ga.and_then(|g| g.score(name));
            let ib = gb.and_then(|g| g.score(name));
            let differences: Vec<f64> = pairs
                .iter()
                .filter_map(|(t, u)| {
                    let get = |r: &TaskReport| r.scores.as_ref().and_then(|s| s.get(name));
                    Some(get(u)? - get(t)?)
                })
                .collect();
            let paired = bootstrap::mean_interval(&differences, resamples, seed).map_or_else(
                || "-".into(),
                |i| {
                    format!(
                        "{:+.1} [{:+.1}–{:+.1}]",
                        i.mean * 100.0,
                        i.ci_low * 100.0,
                        i.ci_high * 100.0
                    )
                },
            );
            rows.push(vec![
                std::mem::take(&mut label),
                format!("{title} %"),
                percent_interval(ia),
                percent_interval(ib),
                signed(ia.zip(ib).map(|(x, y)| (y.mean - x.mean) * 100.0), 1),
                paired,
                pairs.len().to_string(),
            ]);
        }
        let latency = |g: Option<&GroupSummary>, p95: bool| {
            g.and_then(|g| g.latency).map(|l| {
                if p95 {
                    l.latency_ms.p95
                } else {
                    l.latency_ms.p50
                }
            })
        };
        let extra: [(&str, Option<f64>, Option<f64>); 3] = [
            ("p50 ms", latency(ga, false), latency(gb, false)),
            ("p95 ms", latency(ga, true), latency(gb, true)),
            (
                "prompt tok",
                ga.and_then(|g| g.prompt_tokens),
                gb.and_then(|g| g.prompt_tokens),
            ),
        ];
        for (title, x, y) in extra {
            rows.push(vec![
                String::new(),
                title.into(),
                optional(x, 0),
                optional(y, 0),
                signed(x.zip(y).map(|(x, y)| y - x), 0),
                String::new(),
                String::new(),
            ]);
        }
    }
    out.push_str(&align(&rows, 2));
    out
}

fn describe(name: &str, config: &RunConfig) -> String {
    format!(
        "{name}: {} | model {} ({}) | template {} | context {} [{}] | tandem {}, started {}\n",
        config.tasks_file,
        config.model,
        config.backend,
        config.template,
        config.context_mode,
        config.sources.join(","),
        config.tandem_version,
        config.started_at,
    )
}

fn signed(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:+.decimals$}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::report::{BootstrapSettings, Budgets, TaskTimings};
    use crate::eval::scores::score;
    use crate::eval::summary::summarise;

    fn task(id: &str, language: &str, completion: &str, expected: &str, ms: f64) -> TaskReport {
        TaskReport {
            id: id.into(),
            language: Some(language.into()),
            kind: None,
            path: None,
            completion: Some(completion.into()),
            expected: Some(expected.into()),
            scores: Some(score(completion, expected)),
            timings: Some(TaskTimings {
                latency_ms: ms,
                ..TaskTimings::default()
            }),
            prompt_tokens: None,
            cached_tokens: None,
            context: Vec::new(),
            skipped: None,
            error: None,
            error_kind: None,
        }
    }

    fn run(context: &str, tasks: Vec<TaskReport>) -> RunReport {
        RunReport {
            summary: summarise(&tasks, 200, 1),
            config: RunConfig {
                tasks_file: "tasks.jsonl".into(),
                tandem_version: "0.1.0".into(),
                started_at: "2026-01-01T00:00:00Z".into(),
                duration_secs: 1.0,
                model: "m".into(),
                backend: "llamacpp".into(),
                backend_client: "llamacpp".into(),
                url: String::new(),
                managed_model: None,
                template: "qwen".into(),
                context_mode: context.into(),
                sources: vec!["definitions".into()],
                token_healing: true,
                budgets: Budgets {
                    prompt_max_tokens: 1536,
                    prefix_share: 0.75,
                    context_max_tokens: 1024,
                    context_time_budget_ms: 15,
                    completion_max_tokens: 128,
                    completion_time_limit_ms: 1500,
                    temperature: 0.2,
                },
                limit: None,
                bootstrap: BootstrapSettings {
                    resamples: 200,
                    seed: 1,
                },
            },
            tasks,
        }
    }

    fn row<'a>(table: &'a str, group: &str, score: &str) -> Vec<&'a str> {
        let lines: Vec<&str> = table.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.starts_with(&format!("{group} ")))
            .unwrap_or_else(|| panic!("no group {group} in\n{table}"));
        let line = lines[start..]
            .iter()
            .find(|l| l.contains(score))
            .unwrap_or_else(|| panic!("no {score} row for {group} in\n{table}"));
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    }

    #[test]
    fn differences_are_b_minus_a_and_paired_over_shared_tasks() {
        let a = run(
            "file",
            vec![
                task("1", "python", "x", "y", 100.0),
                task("2", "python", "a", "a", 100.0),
                task("3", "rust", "q", "r", 200.0),
            ],
        );
        let b = run(
            "repo",
            vec![
                task("1", "python", "y", "y", 150.0),
                task("2", "python", "a", "a", 150.0),
                task("3", "rust", "q", "r", 250.0),
            ],
        );
        let table = render(&a, &b, 200, 1);
        assert!(table.contains("A: tasks.jsonl"), "{table}");
        assert!(table.contains("context file"), "{table}");
        assert!(table.contains("context repo"), "{table}");

        let python = row(&table, "python", "exact %");
        assert_eq!(python[2], "50.0 [0.0–100.0]", "{python:?}");
        assert_eq!(python[3], "100.0 [100.0–100.0]", "{python:?}");
        assert_eq!(python[4], "+50.0", "{python:?}");
        assert!(python[5].starts_with("+50.0 ["), "{python:?}");
        assert_eq!(python[6], "2", "{python:?}");

        let rust = row(&table, "rust", "exact %");
        assert_eq!(rust[4], "+0.0", "{rust:?}");
        assert_eq!(rust[5], "+0.0 [+0.0–+0.0]", "{rust:?}");

        let all = row(&table, "all", "exact %");
        assert_eq!(all[6], "3", "{all:?}");
        let p50 = row(&table, "all", "p50 ms");
        assert_eq!(p50, ["p50 ms", "100", "150", "+50"], "{p50:?}");
    }

    #[test]
    fn groups_present_in_one_run_only_still_get_a_row() {
        let a = run("none", vec![task("1", "python", "x", "x", 10.0)]);
        let b = run("none", vec![task("2", "go", "x", "x", 10.0)]);
        let table = render(&a, &b, 100, 1);
        let go = row(&table, "go", "exact %");
        assert_eq!(go[2], "-", "{go:?}");
        assert_eq!(go[3], "100.0 [100.0–100.0]", "{go:?}");
        assert_eq!(go[4], "-", "{go:?}");
        assert_eq!(go[6], "0", "{go:?}");
    }
}
