//! Figures computed from recorded telemetry, for `tandem stats` and `tandem report`, and the
//! eval tasks `tandem export` writes. Everything but `load` is pure.

mod day;
mod export_task;
mod figures;
mod latency;
mod load;
mod location;
mod rows;
mod since;
mod summary;
mod table;
mod text;

#[cfg(test)]
mod export_task_tests;
#[cfg(test)]
mod figures_tests;
#[cfg(test)]
mod load_tests;
#[cfg(test)]
mod text_tests;

pub use day::day_of;
pub use export_task::{kind_of, parse_min_checkpoint, relative_path, task_from, EvalTask, Skip};
pub use figures::{
    figures, index_retention, Figures, RetentionIndex, RetentionPoint, MIN_VISIBLE_MS,
    MOSTLY_UNCHANGED_SIMILARITY,
};
pub use latency::{percentile, round_step, Histogram, Latency};
pub use load::{load, Filter, LoadError};
pub use location::{database_path, resolve_database_path, NoDataDir, DATABASE_FILE, DATA_DIR_ENV};
pub use rows::{Checkpoint, Outcome, RetentionRow, SuggestionRow, Telemetry};
pub use since::{parse_since, BadSince};
pub use summary::{summarize, Group, GroupBy, Summary, LATENCY_BINS};
pub use text::render as render_text;
