//! Per-model or per-language comparison: for each group, the acceptance rate and the share of
//! accepted suggestions mostly unchanged after 2 minutes, as horizontal bars.

use super::escape::shorten;
use super::svg::{percent_label, Frame, Mark, Svg, PERCENT_TICKS};
use crate::stats::{Checkpoint, Group};

/// The checkpoint whose retention the comparison shows.
const KEPT_AT: Checkpoint = Checkpoint::M2;

/// Groups shown at most; the rest are named in a note under the chart.
pub const MAX_GROUPS: usize = 12;

const ROW_HEIGHT: f64 = 44.0;

/// Colours and names of one comparison chart.
pub struct Comparison<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// "model" or "language".
    pub noun: &'a str,
    pub plot_fill: &'a str,
    pub acceptance_colour: &'a str,
    pub kept_colour: &'a str,
}

/// The chart for `groups` (most shown first); only groups with shown suggestions get bars.
pub fn comparison_chart(spec: &Comparison<'_>, groups: &[Group]) -> String {
    let shown: Vec<&Group> = groups.iter().filter(|g| g.figures.shown > 0).collect();
    let drawn = &shown[..shown.len().min(MAX_GROUPS)];
    let frame = Frame {
        width: 960.0,
        height: 48.0 + 40.0 + ROW_HEIGHT * drawn.len().max(2) as f64,
        left: 200.0,
        right: 64.0,
        top: 48.0,
        bottom: 40.0,
    };
    let mut svg = Svg::new(
        spec.id,
        spec.title,
        &format!(
            "Per {}: share of shown suggestions accepted, and share of accepted suggestions \
             mostly unchanged {} after acceptance.",
            spec.noun,
            KEPT_AT.as_str()
        ),
        frame,
        spec.plot_fill,
    );
    let kept_label = format!("mostly unchanged after {}", KEPT_AT.as_str());
    svg.legend(&[
        (spec.acceptance_colour, Mark::Box, "accepted / shown"),
        (spec.kept_colour, Mark::Box, &kept_label),
    ]);
    svg.x_grid(&PERCENT_TICKS, 1.0, percent_label);
    if drawn.is_empty() {
        svg.empty(&format!(
            "No suggestions shown yet: no {} to compare.",
            spec.noun
        ));
        return svg.finish();
    }
    let f = svg.frame;
    let bar = 14.0;
    for (i, group) in drawn.iter().enumerate() {
        let top = f.y0() + ROW_HEIGHT * i as f64 + (ROW_HEIGHT - 2.0 * bar - 4.0) / 2.0;
        let figures = &group.figures;
        svg.text(
            f.x0() - 10.0,
            top + bar,
            "end",
            "group",
            &shorten(&group.key, 26),
        );
        svg.text(
            f.x0() - 10.0,
            top + 2.0 * bar + 2.0,
            "end",
            "group-note",
            &format!("{} shown", figures.shown),
        );
        let kept = figures.retention_at(KEPT_AT);
        let rows = [
            (
                "bar acceptance",
                spec.acceptance_colour,
                figures.acceptance_rate(),
                format!(
                    "{}: {} of {} shown accepted",
                    group.key, figures.accepted, figures.shown
                ),
            ),
            (
                "bar kept",
                spec.kept_colour,
                kept.and_then(|p| p.mostly_unchanged_rate()),
                format!(
                    "{}: {} of {} checked mostly unchanged after {}",
                    group.key,
                    kept.map_or(0, |p| p.mostly_unchanged),
                    kept.map_or(0, |p| p.reached),
                    KEPT_AT.as_str()
                ),
            ),
        ];
        for (j, (class, colour, rate, tip)) in rows.into_iter().enumerate() {
            let y = top + (bar + 4.0) * j as f64;
            match rate {
                Some(rate) => {
                    let width = f.x_of(rate, 1.0) - f.x0();
                    svg.rect(class, f.x0(), y, width, bar, colour, &tip);
                    svg.text(
                        f.x0() + width + 6.0,
                        y + bar - 2.0,
                        "start",
                        "value",
                        &percent_label(rate),
                    );
                }
                None => svg.text(
                    f.x0() + 6.0,
                    y + bar - 2.0,
                    "start",
                    "value",
                    "not measured yet",
                ),
            }
        }
    }
    let mut out = svg.finish();
    if shown.len() > drawn.len() {
        let rest: Vec<String> = shown[drawn.len()..].iter().map(|g| g.key.clone()).collect();
        out.push_str(&format!(
            "<p class=\"note\">Also recorded: {}.</p>",
            super::escape::escape(&rest.join(", "))
        ));
    }
    out
}
