//! Building fill-in-the-middle prompts: templates per model family and token budgets. Pure.

mod budget;
mod build;
mod healing;
mod stable_start;
mod template;

#[cfg(test)]
mod real_tokenizer_tests;

pub use budget::{fit_window, lines_within, Window};
pub use build::{build, comment_marker, BuiltPrompt, PromptInput};
pub use healing::{healed, partial_word, Healed};
pub use stable_start::stable_prefix_lines;
pub use template::{template_by_name, template_for_model, FimTemplate, RepoTokens, BUILTIN_NAMES};
