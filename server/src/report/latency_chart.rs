//! Latency distribution: a histogram of end-to-end latency with p50 and p95 marked.

use super::palette::{LATENCY_BAR, LATENCY_P50, LATENCY_P95, PLOT_LATENCY};
use super::svg::{ticks, Frame, Mark, Svg};
use crate::stats::{Histogram, Latency};

const FRAME: Frame = Frame {
    width: 960.0,
    height: 340.0,
    left: 64.0,
    right: 24.0,
    top: 48.0,
    bottom: 56.0,
};

/// The chart for `histogram` of end-to-end latency, with `latency`'s percentiles marked.
pub fn latency_chart(histogram: &Histogram, latency: &Latency) -> String {
    let p50 = format!("p50 {}", ms_text(latency.p50));
    let p95 = format!("p95 {}", ms_text(latency.p95));
    let mut svg = Svg::new(
        "latency",
        "How long suggestions take",
        "Histogram of end-to-end latency (from the request to the suggestion), with the median \
         and the 95th percentile marked.",
        FRAME,
        PLOT_LATENCY,
    );
    svg.y_title("suggestions");
    svg.x_title("end-to-end latency (ms)");
    svg.legend(&[
        (LATENCY_BAR, Mark::Box, "suggestions"),
        (LATENCY_P50, Mark::Line, &p50),
        (LATENCY_P95, Mark::Line, &p95),
    ]);
    let most = histogram.counts.iter().copied().max().unwrap_or(0);
    if most == 0 {
        svg.y_grid(&[0.0], 1.0, |_| "0".into());
        svg.empty("No latency recorded yet.");
        return svg.finish();
    }
    let y_ticks = ticks(most as f64, 4);
    let y_max = y_ticks.last().copied().unwrap_or(1.0);
    svg.y_grid(&y_ticks, y_max, |v| format!("{v:.0}"));
    let f = svg.frame;
    let range = histogram.bin_ms * histogram.counts.len() as f64;
    let x_ticks: Vec<f64> = ticks(range, 8)
        .into_iter()
        .filter(|t| *t <= range + 1e-9)
        .collect();
    for tick in &x_ticks {
        let x = f.x_of(*tick, range);
        svg.text(x, f.y1() + 18.0, "middle", "tick", &format!("{tick:.0}"));
    }
    let bin_width = f.plot_width() / histogram.counts.len() as f64;
    for (i, &count) in histogram.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let from = histogram.bin_ms * i as f64;
        let last = i + 1 == histogram.counts.len();
        let top = f.y_of(count as f64, y_max);
        svg.rect(
            "bar",
            f.x0() + bin_width * i as f64 + 1.0,
            top,
            bin_width - 2.0,
            f.y1() - top,
            LATENCY_BAR,
            &format!(
                "{count} suggestions took {from:.0}–{}{} ms",
                (from + histogram.bin_ms) as i64,
                if last { " or more" } else { "" }
            ),
        );
    }
    for (class, colour, value, label) in [
        ("marker p50", LATENCY_P50, latency.p50, &p50),
        ("marker p95", LATENCY_P95, latency.p95, &p95),
    ] {
        if let Some(value) = value {
            let x = f.x_of(value, range);
            svg.line(class, x, f.y0(), x, f.y1(), colour, 3.0, "");
            let y = f.y0() + if class.ends_with("p50") { 14.0 } else { 30.0 };
            // Near the right edge the label goes on the left of its line.
            if x > f.x1() - 90.0 {
                svg.text(x - 5.0, y, "end", "marker-label", label);
            } else {
                svg.text(x + 5.0, y, "start", "marker-label", label);
            }
        }
    }
    svg.finish()
}

fn ms_text(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{ms:.0} ms"))
}
