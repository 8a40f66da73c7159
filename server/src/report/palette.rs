//! Colours of the report. Every series colour is used by one chart only and every plot area has
//! its own background shade, so a screenshot can tell the charts apart by colour alone (the
//! Chromium test does exactly that).

/// Acceptance over time: share of shown suggestions accepted (bars).
pub const ACCEPTANCE_BAR: &str = "#4c78a8";
/// Acceptance over time: the same counting only suggestions visible ≥ 750 ms (line and points).
pub const ACCEPTANCE_LONG: &str = "#f58518";
/// Retention: exactly unchanged.
pub const RETENTION_UNCHANGED: &str = "#54a24b";
/// Retention: mostly unchanged.
pub const RETENTION_MOSTLY: &str = "#e45756";
/// Latency histogram bars.
pub const LATENCY_BAR: &str = "#72b7b2";
/// Latency p50 marker.
pub const LATENCY_P50: &str = "#9d755d";
/// Latency p95 marker.
pub const LATENCY_P95: &str = "#b22222";
/// Per-model acceptance rate.
pub const MODEL_ACCEPTANCE: &str = "#b279a2";
/// Per-model share mostly unchanged after 2 minutes.
pub const MODEL_KEPT: &str = "#ff9da6";
/// Per-language acceptance rate.
pub const LANGUAGE_ACCEPTANCE: &str = "#8c6bb1";
/// Per-language share mostly unchanged after 2 minutes.
pub const LANGUAGE_KEPT: &str = "#eeca3b";

/// Plot-area backgrounds, one per chart, in page order.
pub const PLOT_ACCEPTANCE: &str = "#f6f7f9";
pub const PLOT_RETENTION: &str = "#f6f7fa";
pub const PLOT_LATENCY: &str = "#f6f7fb";
pub const PLOT_MODELS: &str = "#f6f7fc";
pub const PLOT_LANGUAGES: &str = "#f6f7fd";

/// Grid lines and axes.
pub const GRID: &str = "#dadde3";
pub const AXIS: &str = "#6b7280";
/// Text.
pub const INK: &str = "#1f2933";
pub const MUTED: &str = "#5f6b7a";
