//! The summary as a table for people: one row per group, scores in percent with their 95%
//! interval. Pure: returns the text.

use std::fmt::Write;

use super::bootstrap::Interval;
use super::scores::SCORE_NAMES;
use super::summary::{GroupSummary, Summary};

/// Column titles of the scores, in [`SCORE_NAMES`] order.
pub const SCORE_TITLES: [&str; 5] = ["exact", "edit sim", "1st line", "line recall", "empty"];

/// The rows of a summary: `all`, then each language, then each kind.
pub fn groups(summary: &Summary) -> Vec<(String, &GroupSummary)> {
    let mut rows = vec![("all".to_string(), &summary.overall)];
    rows.extend(summary.by_language.iter().map(|(n, g)| (n.clone(), g)));
    rows.extend(
        summary
            .by_kind
            .iter()
            .map(|(n, g)| (format!("kind {n}"), g)),
    );
    rows
}

/// Renders `summary` as an aligned text table.
pub fn render(summary: &Summary) -> String {
    let mut header = vec!["group".to_string(), "tasks".into(), "errors".into()];
    header.extend(SCORE_TITLES.iter().map(|t| format!("{t} %")));
    header.extend([
        "p50 ms".into(),
        "p95 ms".into(),
        "prompt tok".into(),
        "cached tok".into(),
    ]);
    let mut rows = vec![header];
    for (name, group) in groups(summary) {
        let mut row = vec![name, group.tasks.to_string(), group.errors.to_string()];
        row.extend(SCORE_NAMES.iter().map(|s| percent_interval(group.score(s))));
        let latency = group.latency.map(|l| l.latency_ms);
        row.push(optional(latency.map(|l| l.p50), 0));
        row.push(optional(latency.map(|l| l.p95), 0));
        row.push(optional(group.prompt_tokens, 0));
        row.push(optional(group.cached_tokens, 0));
        rows.push(row);
    }
    align(&rows, 1)
}

/// `33.3 [10.0–60.0]`, or `-` when there is no interval.
pub fn percent_interval(interval: Option<Interval>) -> String {
    match interval {
        Some(i) => format!(
            "{:.1} [{:.1}–{:.1}]",
            i.mean * 100.0,
            i.ci_low * 100.0,
            i.ci_high * 100.0
        ),
        None => "-".into(),
    }
}

/// A number with `decimals`, or `-`.
pub fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.decimals$}"))
}

/// Left-aligns the first `left` columns and right-aligns the others, two spaces apart.
pub fn align(rows: &[Vec<String>], left: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            let gap = if c == 0 { "" } else { "  " };
            if c < left {
                let _ = write!(line, "{gap}{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::report::{TaskReport, TaskTimings};
    use crate::eval::scores::score;
    use crate::eval::summary::summarise;

    fn task(id: &str, language: &str, completion: &str, expected: &str) -> TaskReport {
        TaskReport {
            id: id.into(),
            language: Some(language.into()),
            kind: Some("line".into()),
            path: None,
            completion: Some(completion.into()),
            expected: Some(expected.into()),
            scores: Some(score(completion, expected)),
            timings: Some(TaskTimings {
                latency_ms: 120.0,
                ..TaskTimings::default()
            }),
            prompt_tokens: Some(300),
            cached_tokens: Some(250),
            context: Vec::new(),
            skipped: None,
            error: None,
            error_kind: None,
        }
    }

    #[test]
    fn the_table_has_a_row_per_group_with_percent_intervals() {
        let tasks = vec![task("1", "python", "a", "a"), task("2", "rust", "b", "c")];
        let table = render(&summarise(&tasks, 200, 1));
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 5, "{table}");
        assert!(lines[0].starts_with("group"), "{table}");
        assert!(lines[1].starts_with("all "), "{table}");
        assert!(lines[2].starts_with("python "), "{table}");
        assert!(lines[3].starts_with("rust "), "{table}");
        assert!(lines[4].starts_with("kind line "), "{table}");
        assert!(lines[2].contains("100.0 [100.0–100.0]"), "{table}");
        assert!(lines[3].contains("0.0 [0.0–0.0]"), "{table}");
        assert!(lines[1].contains("120"), "{table}");
        // Every row is as wide as the header: columns line up.
        let width = lines[0].chars().count();
        assert!(lines.iter().all(|l| l.chars().count() == width), "{table}");
    }

    #[test]
    fn missing_values_show_as_a_dash() {
        assert_eq!(percent_interval(None), "-");
        assert_eq!(optional(None, 1), "-");
        assert_eq!(optional(Some(2.345), 1), "2.3");
    }
}
