//! The exact numbers behind the charts, as HTML tables.

use super::escape::escape;
use crate::stats::{Checkpoint, GroupBy, Summary, MIN_VISIBLE_MS};

/// A table of the figures of every group of `by`.
pub fn detail_table(summary: &Summary, by: GroupBy) -> String {
    let groups = summary.groups(by);
    if groups.is_empty() {
        return String::new();
    }
    let percent =
        |share: Option<f64>| share.map_or_else(|| "–".into(), |s| format!("{:.1}%", s * 100.0));
    let number = |value: Option<f64>| value.map_or_else(|| "–".into(), |v| format!("{v:.0}"));
    let mut out = format!(
        "<table data-table=\"{}\"><thead><tr><th>{}</th><th>shown</th><th>accepted</th>\
         <th>rate</th><th>rate, ≥ {MIN_VISIBLE_MS} ms visible</th><th>chars / shown</th>\
         <th>unchanged 2m</th><th>mostly unchanged 2m</th><th>p50 ms</th><th>p95 ms</th>\
         </tr></thead><tbody>",
        by.heading().split(' ').next().unwrap_or("group"),
        escape(by.heading())
    );
    for group in groups {
        let f = &group.figures;
        let kept = f.retention_at(Checkpoint::M2);
        let cells = [
            f.shown.to_string(),
            f.accepted.to_string(),
            percent(f.acceptance_rate()),
            percent(f.long_acceptance_rate()),
            f.chars_per_shown()
                .map_or_else(|| "–".into(), |c| format!("{c:.1}")),
            percent(kept.and_then(|p| p.unchanged_rate())),
            percent(kept.and_then(|p| p.mostly_unchanged_rate())),
            number(f.total_ms.p50),
            number(f.total_ms.p95),
        ];
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&group.key)
        ));
        for cell in cells {
            out.push_str(&format!("<td>{}</td>", escape(&cell)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}
