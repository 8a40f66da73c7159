//! `tandem report`: one self-contained HTML file with charts of the recorded telemetry. Pure:
//! the figures come in, the page comes out as a string.

mod acceptance_chart;
mod comparison_chart;
mod detail_table;
mod escape;
mod headline;
mod latency_chart;
mod page;
mod palette;
mod retention_chart;
mod svg;

#[cfg(test)]
mod tests;

pub use escape::escape;
pub use page::{render, ReportMeta};
pub use palette::*;
