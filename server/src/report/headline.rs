//! The headline numbers at the top of the report.

use super::escape::escape;
use crate::stats::{Checkpoint, Figures, MIN_VISIBLE_MS};

/// Cards with the overall numbers.
pub fn headline(figures: &Figures) -> String {
    let kept = figures.retention_at(Checkpoint::M2);
    let percent =
        |share: Option<f64>| share.map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0));
    let ms = |ms: Option<f64>| ms.map_or_else(|| "–".into(), |ms| format!("{ms:.0}"));
    let cards = [
        (
            "shown",
            figures.shown.to_string(),
            format!("suggestions shown, of {} offered", figures.offered),
        ),
        (
            "acceptance",
            percent(figures.acceptance_rate()),
            format!(
                "accepted ({} of {} shown); {} of those visible ≥ {MIN_VISIBLE_MS} ms",
                figures.accepted,
                figures.shown,
                percent(figures.long_acceptance_rate())
            ),
        ),
        (
            "chars",
            figures
                .chars_per_shown()
                .map_or_else(|| "–".into(), |c| format!("{c:.1}")),
            "accepted characters per shown suggestion".into(),
        ),
        (
            "kept",
            percent(kept.and_then(|p| p.mostly_unchanged_rate())),
            format!(
                "of accepted code mostly unchanged after 2 min ({} checked)",
                kept.map_or(0, |p| p.reached)
            ),
        ),
        (
            "latency",
            format!(
                "{} / {}",
                ms(figures.total_ms.p50),
                ms(figures.total_ms.p95)
            ),
            "ms end-to-end latency, p50 / p95".into(),
        ),
    ];
    let mut out = String::from("<section class=\"headline\">");
    for (id, number, caption) in cards {
        out.push_str(&format!(
            "<div class=\"card\" data-card=\"{id}\"><div class=\"number\">{}</div>\
             <div class=\"caption\">{}</div></div>",
            escape(&number),
            escape(&caption)
        ));
    }
    out.push_str("</section>");
    out
}
