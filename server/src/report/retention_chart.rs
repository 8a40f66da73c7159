//! The retention curve: of the accepted suggestions checked at each checkpoint, the share still
//! exactly as accepted and the share mostly so.

use super::palette::{PLOT_RETENTION, RETENTION_MOSTLY, RETENTION_UNCHANGED};
use super::svg::{percent_label, Frame, Mark, Svg, PERCENT_TICKS};
use crate::stats::{Figures, RetentionPoint};

const FRAME: Frame = Frame {
    width: 960.0,
    height: 340.0,
    left: 64.0,
    right: 24.0,
    top: 48.0,
    bottom: 56.0,
};

/// One series' share at a point.
type Rate = fn(&RetentionPoint) -> Option<f64>;

/// The chart for the overall figures.
pub fn retention_chart(figures: &Figures) -> String {
    let mut svg = Svg::new(
        "retention",
        "What survives after accepting",
        "For accepted suggestions checked 30 s, 2 min, 5 min and 10 min after acceptance: the \
         share still exactly as accepted and the share mostly unchanged (edit distance under 33%).",
        FRAME,
        PLOT_RETENTION,
    );
    svg.y_grid(&PERCENT_TICKS, 1.0, percent_label);
    svg.y_title("share of accepted");
    svg.x_title("time after acceptance (n = suggestions checked)");
    svg.legend(&[
        (RETENTION_UNCHANGED, Mark::Line, "unchanged"),
        (RETENTION_MOSTLY, Mark::Line, "mostly unchanged"),
    ]);
    let f = svg.frame;
    let points = &figures.retention;
    let band = f.plot_width() / points.len().max(1) as f64;
    let centre = |i: usize| f.x0() + band * (i as f64 + 0.5);
    for (i, point) in points.iter().enumerate() {
        svg.text(
            centre(i),
            f.y1() + 18.0,
            "middle",
            "tick",
            &format!("{} (n = {})", point.checkpoint.as_str(), point.reached),
        );
    }
    if points.iter().all(|p| p.reached == 0) {
        svg.empty("No accepted suggestion has been followed yet.");
        return svg.finish();
    }
    let series: [(&str, &str, Rate); 2] = [
        (
            "mostly",
            RETENTION_MOSTLY,
            RetentionPoint::mostly_unchanged_rate,
        ),
        (
            "unchanged",
            RETENTION_UNCHANGED,
            RetentionPoint::unchanged_rate,
        ),
    ];
    for (name, colour, rate) in series {
        let marks: Vec<(f64, f64, String)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = rate(p)?;
                Some((
                    centre(i),
                    f.y_of(r, 1.0),
                    format!(
                        "{name} after {}: {} of {} checked",
                        p.checkpoint.as_str(),
                        percent_label(r),
                        p.reached
                    ),
                ))
            })
            .collect();
        let coords: Vec<(f64, f64)> = marks.iter().map(|(x, y, _)| (*x, *y)).collect();
        svg.polyline(&format!("line {name}"), &coords, colour);
        for (x, y, tip) in &marks {
            svg.point(&format!("point {name}"), *x, *y, colour, tip);
        }
    }
    svg.finish()
}
