//! Acceptance over time: per day, the share of shown suggestions accepted (bars) and the same
//! share counting only suggestions visible long enough to read (line).

use super::palette::{ACCEPTANCE_BAR, ACCEPTANCE_LONG, PLOT_ACCEPTANCE};
use super::svg::{percent_label, Frame, Mark, Svg, PERCENT_TICKS};
use crate::stats::{Group, MIN_VISIBLE_MS};

const FRAME: Frame = Frame {
    width: 960.0,
    height: 340.0,
    left: 64.0,
    right: 24.0,
    top: 48.0,
    bottom: 56.0,
};

/// At most this many day labels under the axis; beyond it every n-th day is labelled.
const MAX_LABELS: usize = 16;

/// The chart for `by_day` (oldest first).
pub fn acceptance_chart(by_day: &[Group]) -> String {
    let long_label = format!("visible ≥ {MIN_VISIBLE_MS} ms");
    let mut svg = Svg::new(
        "acceptance",
        "Acceptance over time",
        "Per day: share of shown suggestions that were accepted, and the same share counting \
         only suggestions visible long enough to be read.",
        FRAME,
        PLOT_ACCEPTANCE,
    );
    svg.y_grid(&PERCENT_TICKS, 1.0, percent_label);
    svg.y_title("accepted / shown");
    svg.x_title("day (UTC)");
    svg.legend(&[
        (ACCEPTANCE_BAR, Mark::Box, "all shown"),
        (ACCEPTANCE_LONG, Mark::Line, &long_label),
    ]);
    if by_day.iter().all(|g| g.figures.shown == 0) {
        svg.empty("No suggestions shown yet: nothing to chart.");
        return svg.finish();
    }
    let f = svg.frame;
    let band = f.plot_width() / by_day.len() as f64;
    let bar = (band * 0.6).min(64.0);
    let label_every = by_day.len().div_ceil(MAX_LABELS);
    let mut line = Vec::new();
    for (i, group) in by_day.iter().enumerate() {
        let centre = f.x0() + band * (i as f64 + 0.5);
        let figures = &group.figures;
        if let Some(rate) = figures.acceptance_rate() {
            let top = f.y_of(rate, 1.0);
            svg.rect(
                "bar",
                centre - bar / 2.0,
                top,
                bar,
                f.y1() - top,
                ACCEPTANCE_BAR,
                &format!(
                    "{}: {} of {} shown accepted ({})",
                    group.key,
                    figures.accepted,
                    figures.shown,
                    percent_label(rate)
                ),
            );
            if by_day.len() <= MAX_LABELS {
                svg.text(centre, top - 6.0, "middle", "value", &percent_label(rate));
            }
        }
        if let Some(rate) = figures.long_acceptance_rate() {
            line.push((
                centre,
                f.y_of(rate, 1.0),
                format!(
                    "{}: {} of {} visible ≥ {MIN_VISIBLE_MS} ms accepted ({})",
                    group.key,
                    figures.accepted_long,
                    figures.shown_long,
                    percent_label(rate)
                ),
            ));
        }
        if i % label_every == 0 {
            // `YYYY-MM-DD` → `MM-DD`: the year rarely changes within a report.
            let short = group.key.get(5..).unwrap_or(&group.key);
            svg.text(centre, f.y1() + 18.0, "middle", "tick", short);
        }
    }
    let coords: Vec<(f64, f64)> = line.iter().map(|(x, y, _)| (*x, *y)).collect();
    svg.polyline("line", &coords, ACCEPTANCE_LONG);
    for (x, y, tip) in &line {
        svg.point("point", *x, *y, ACCEPTANCE_LONG, tip);
    }
    svg.finish()
}
