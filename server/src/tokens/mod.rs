//! Counting tokens for budgets: the backend's tokenizer, a local `tokenizer.json`, or an estimate.

mod counter;
mod estimate;
mod local;

pub use counter::{TokenCounter, TokenSource, DEFAULT_CACHE_LINES};
pub use estimate::estimate;
pub use local::TokenizerError;
