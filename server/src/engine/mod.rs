//! The completion engine: the one pipeline that serves the editor, `tandem complete` and
//! `tandem eval`, plus the state around it (in-flight requests, type-through, cache, health).

mod active;
mod cache;
mod context_step;
mod health;
mod inflight;
mod pacing;
mod pipeline;
mod prefilter;
mod request;
mod state;
mod type_through;
mod window;
mod workspace;

#[cfg(test)]
mod tests;

pub use active::ActiveBackend;
pub use health::HealthReport;
pub use prefilter::SkipReason;
pub use request::{CompletionOutcome, CompletionRequest, ContextUse, Suggestion, Timings, Trigger};
pub use state::{managed_settings, Engine, EngineError, ProgressSink};
pub use window::{CursorWindow, Surroundings};
pub use workspace::FileChange;
