//! A small SVG writer: one chart's frame (size, margins, plot area), shapes, text, axes and a
//! legend. Output is plain strings; every piece of text goes through [`escape`].

use std::fmt::Write;

use super::escape::escape;
use super::palette::{AXIS, GRID};

/// A chart's size and the margins around its plot area, in px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    /// Left edge of the plot area.
    pub fn x0(&self) -> f64 {
        self.left
    }
    /// Right edge of the plot area.
    pub fn x1(&self) -> f64 {
        self.width - self.right
    }
    /// Top edge of the plot area.
    pub fn y0(&self) -> f64 {
        self.top
    }
    /// Bottom edge of the plot area (the x axis).
    pub fn y1(&self) -> f64 {
        self.height - self.bottom
    }
    /// Plot width.
    pub fn plot_width(&self) -> f64 {
        self.x1() - self.x0()
    }
    /// Plot height.
    pub fn plot_height(&self) -> f64 {
        self.y1() - self.y0()
    }
    /// The y of `value` on a 0..=`max` scale.
    pub fn y_of(&self, value: f64, max: f64) -> f64 {
        let share = if max > 0.0 {
            (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.y1() - share * self.plot_height()
    }
    /// The x of `value` on a 0..=`max` scale.
    pub fn x_of(&self, value: f64, max: f64) -> f64 {
        let share = if max > 0.0 {
            (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.x0() + share * self.plot_width()
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Box,
    Line,
}

/// One chart being written.
pub struct Svg {
    out: String,
    pub frame: Frame,
}

/// Rounds to a tenth of a pixel: enough precision, shorter output.
fn px(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

impl Svg {
    /// Starts chart `id` (`data-chart` attribute) with a title, an accessible description and
    /// the plot-area background in `plot_fill`.
    pub fn new(id: &str, title: &str, description: &str, frame: Frame, plot_fill: &str) -> Self {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg class=\"chart\" data-chart=\"{id}\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\">\
             <desc>{desc}</desc>",
            w = px(frame.width),
            h = px(frame.height),
            label = escape(title),
            desc = escape(description),
        );
        let mut svg = Self { out, frame };
        svg.text(16.0, 26.0, "start", "title", title);
        let _ = write!(
            svg.out,
            "<rect class=\"plot\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{plot_fill}\" \
             shape-rendering=\"crispEdges\"/>",
            px(frame.x0()),
            px(frame.y0()),
            px(frame.plot_width()),
            px(frame.plot_height()),
        );
        svg
    }

    /// A filled rectangle of `class` with a hover text.
    #[allow(clippy::too_many_arguments)]
    pub fn rect(&mut self, class: &str, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) {
        let _ = write!(
            self.out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" \
             shape-rendering=\"crispEdges\"><title>{}</title></rect>",
            px(x),
            px(y),
            px(w.max(0.0)),
            px(h.max(0.0)),
            escape(tip)
        );
    }

    /// A data point.
    pub fn point(&mut self, class: &str, x: f64, y: f64, fill: &str, tip: &str) {
        let _ = write!(
            self.out,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{fill}\">\
             <title>{}</title></circle>",
            px(x),
            px(y),
            escape(tip)
        );
    }

    /// A polyline through `points` (nothing for fewer than two).
    pub fn polyline(&mut self, class: &str, points: &[(f64, f64)], stroke: &str) {
        if points.len() < 2 {
            return;
        }
        let coords: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", px(*x), px(*y)))
            .collect();
        let _ = write!(
            self.out,
            "<polyline class=\"{class}\" points=\"{}\" fill=\"none\" stroke=\"{stroke}\" \
             stroke-width=\"3\" stroke-linejoin=\"round\"/>",
            coords.join(" ")
        );
    }

    /// A straight line; `dash` like `"6 4"` or empty.
    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        class: &str,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: &str,
        width: f64,
        dash: &str,
    ) {
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = write!(
            self.out,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" \
             stroke-width=\"{}\"{dash} shape-rendering=\"crispEdges\"/>",
            px(x1),
            px(y1),
            px(x2),
            px(y2),
            px(width)
        );
    }

    /// Text of `class` anchored `start`, `middle` or `end` at (x, y).
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, content: &str) {
        let _ = write!(
            self.out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            px(x),
            px(y),
            escape(content)
        );
    }

    /// Horizontal grid lines with labels at each of `ticks` on a 0..=`max` y scale.
    pub fn y_grid(&mut self, ticks: &[f64], max: f64, label: impl Fn(f64) -> String) {
        let f = self.frame;
        for &tick in ticks {
            let y = f.y_of(tick, max);
            self.line("grid", f.x0(), y, f.x1(), y, GRID, 1.0, "");
            self.text(f.x0() - 8.0, y + 4.0, "end", "tick", &label(tick));
        }
        self.line("axis", f.x0(), f.y1(), f.x1(), f.y1(), AXIS, 1.0, "");
    }

    /// Vertical grid lines with labels at each of `ticks` on a 0..=`max` x scale.
    pub fn x_grid(&mut self, ticks: &[f64], max: f64, label: impl Fn(f64) -> String) {
        let f = self.frame;
        for &tick in ticks {
            let x = f.x_of(tick, max);
            self.line("grid", x, f.y0(), x, f.y1(), GRID, 1.0, "");
            self.text(x, f.y1() + 18.0, "middle", "tick", &label(tick));
        }
        self.line("axis", f.x0(), f.y0(), f.x0(), f.y1(), AXIS, 1.0, "");
    }

    /// The y axis title, written upwards along the left edge.
    pub fn y_title(&mut self, title: &str) {
        let y = self.frame.y0() + self.frame.plot_height() / 2.0;
        let _ = write!(
            self.out,
            "<text class=\"axis-title\" x=\"0\" y=\"0\" text-anchor=\"middle\" \
             transform=\"translate(16 {}) rotate(-90)\">{}</text>",
            px(y),
            escape(title)
        );
    }

    /// The x axis title, centred under the axis labels.
    pub fn x_title(&mut self, title: &str) {
        let f = self.frame;
        self.text(
            f.x0() + f.plot_width() / 2.0,
            f.height - 8.0,
            "middle",
            "axis-title",
            title,
        );
    }

    /// A legend in the top margin, right-aligned.
    pub fn legend(&mut self, entries: &[(&str, Mark, &str)]) {
        // Rough text width (7 px per character) is enough to space entries apart.
        let widths: Vec<f64> = entries
            .iter()
            .map(|(_, _, label)| 28.0 + 7.0 * label.chars().count() as f64)
            .collect();
        let mut x = self.frame.width - 16.0 - widths.iter().sum::<f64>();
        let y = 22.0;
        let _ = write!(self.out, "<g class=\"legend\">");
        for ((colour, mark, label), width) in entries.iter().zip(widths) {
            match mark {
                Mark::Box => {
                    let _ = write!(
                        self.out,
                        "<rect class=\"swatch\" x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" \
                         fill=\"{colour}\"/>",
                        px(x),
                        px(y - 11.0)
                    );
                }
                Mark::Line => {
                    let _ = write!(
                        self.out,
                        "<line class=\"swatch\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" \
                         stroke=\"{colour}\" stroke-width=\"3\"/>",
                        px(x),
                        px(y - 4.0),
                        px(x + 14.0),
                        px(y - 4.0)
                    );
                }
            }
            self.text(x + 20.0, y, "start", "legend-label", label);
            x += width;
        }
        let _ = write!(self.out, "</g>");
    }

    /// Says in the middle of the plot why there is nothing to draw.
    pub fn empty(&mut self, message: &str) {
        let f = self.frame;
        self.text(
            f.x0() + f.plot_width() / 2.0,
            f.y0() + f.plot_height() / 2.0,
            "middle",
            "empty",
            message,
        );
    }

    /// The finished `<svg>` element.
    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Ticks 0, step, 2·step… up to the first at or above `max` (a 1-2-5 step, about `count` ticks).
pub fn ticks(max: f64, count: usize) -> Vec<f64> {
    let step = crate::stats::round_step(max.max(1.0) / count.max(1) as f64);
    let top = (max.max(1.0) / step).ceil() as usize;
    (0..=top).map(|i| i as f64 * step).collect()
}

/// The percent ticks every chart of shares uses.
pub const PERCENT_TICKS: [f64; 6] = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];

/// A 0..1 share as a whole percentage.
pub fn percent_label(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}
