//! `tandem stats` output: the summary as terminal text.

use super::day::day_of;
use super::figures::{Figures, MIN_VISIBLE_MS};
use super::rows::Checkpoint;
use super::summary::{GroupBy, Summary};
use super::table::{decimal, millis, percent, Table};

/// The checkpoint the group tables show retention at: long enough that the edits right after
/// accepting are over.
const GROUP_CHECKPOINT: Checkpoint = Checkpoint::M2;

/// Renders `summary`: the overall figures, the retention curve, then a table per grouping in
/// `groupings`. `color` only makes headings bold.
pub fn render(summary: &Summary, groupings: &[GroupBy], color: bool) -> String {
    let overall = &summary.overall;
    if overall.offered == 0 {
        return "no suggestions recorded in this selection\n".into();
    }
    let mut out = String::new();
    if let Some((first, last)) = summary.span_ms {
        out.push_str(&format!(
            "{} suggestions offered from {} to {} (UTC)\n\n",
            overall.offered,
            day_of(first),
            day_of(last)
        ));
    }
    out.push_str(&overview(overall).render_rows(""));
    out.push_str("\nretention of accepted suggestions\n");
    out.push_str(&retention(overall).render("  ", color));
    for by in groupings {
        out.push_str(&format!("\nper {}\n", by.heading()));
        out.push_str(&groups(summary, *by).render("  ", color));
    }
    out
}

fn overview(figures: &Figures) -> Table {
    let mut table = Table::new(&["", ""]);
    table.align = vec![super::table::Align::Left; 2];
    let accepted = if figures.partial > 0 {
        format!("{} ({} partially)", figures.accepted, figures.partial)
    } else {
        figures.accepted.to_string()
    };
    let rows = [
        ("shown", figures.shown.to_string()),
        ("accepted", accepted),
        (
            "acceptance rate",
            format!(
                "{} of shown; {} of the {} visible >= {MIN_VISIBLE_MS} ms",
                percent(figures.acceptance_rate()),
                percent(figures.long_acceptance_rate()),
                figures.shown_long
            ),
        ),
        (
            "accepted chars per shown",
            decimal(figures.chars_per_shown()),
        ),
        (
            "latency p50 / p95",
            format!(
                "{} / {} ms end to end; {} / {} ms in the model",
                millis(figures.total_ms.p50),
                millis(figures.total_ms.p95),
                millis(figures.model_ms.p50),
                millis(figures.model_ms.p95)
            ),
        ),
    ];
    for (name, value) in rows {
        table.push(vec![name.into(), value]);
    }
    table
}

fn retention(figures: &Figures) -> Table {
    let mut table = Table::new(&["after", "checked", "unchanged", "mostly unchanged"]);
    for point in &figures.retention {
        table.push(vec![
            point.checkpoint.as_str().into(),
            point.reached.to_string(),
            percent(point.unchanged_rate()),
            percent(point.mostly_unchanged_rate()),
        ]);
    }
    table
}

fn groups(summary: &Summary, by: GroupBy) -> Table {
    let at = GROUP_CHECKPOINT.as_str();
    let mut table = Table::new(&[
        by.heading(),
        "shown",
        "accepted",
        "rate",
        &format!("rate >={MIN_VISIBLE_MS}ms"),
        "chars/shown",
        &format!("unchanged {at}"),
        &format!("mostly {at}"),
        "p50 ms",
        "p95 ms",
    ]);
    for group in summary.groups(by) {
        let f = &group.figures;
        let point = f.retention_at(GROUP_CHECKPOINT);
        table.push(vec![
            printable(&group.key),
            f.shown.to_string(),
            f.accepted.to_string(),
            percent(f.acceptance_rate()),
            percent(f.long_acceptance_rate()),
            decimal(f.chars_per_shown()),
            percent(point.and_then(|p| p.unchanged_rate())),
            percent(point.and_then(|p| p.mostly_unchanged_rate())),
            millis(f.total_ms.p50),
            millis(f.total_ms.p95),
        ]);
    }
    table
}

/// Names come from the database: a control character there must not drive the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
