//! Context for the prompt from outside the cursor's window: sources, ranking, budgets, layout.
//!
//! Pure: no I/O, no async, and no clock except the optional deadline a source checks so it
//! keeps its time budget. The engine gathers the inputs (texts from the index and the open
//! buffers, definition hits, the ledger of the last request) and calls, per request:
//! `wanted_names` → index lookups → `definitions`; `similarity_query` → `similar_with_cache`;
//! `RecentEdits::candidates`; then `assemble`, whose `Selection` gives the prompt its chunks
//! and whose `Ledger` it keeps for the next request.
//!
//! Stability is the design rule: consecutive keystrokes should produce a context that only
//! grows at its end, so the model server reuses its cached prompt. Three things serve it:
//! similar windows sit at fixed line boundaries; sources keep proposing what the last prompt
//! used (the ledger) past their usual cut-offs; and `assemble` keeps the last order and only
//! appends.

mod assemble;
mod blocks;
mod candidate;
mod definitions;
mod hash;
mod identifiers;
mod import_lines;
mod lines;
mod near_cursor;
mod outline;
mod recent;
mod shared_words;
mod similar;
mod similar_cache;
mod snippet;
mod source_choice;
#[cfg(test)]
mod stability_tests;
mod test_files;

pub use assemble::{assemble, Budgets, Chosen, ChunkKey, Ledger, Selection};
pub use candidate::{Candidate, CurrentWindow, FileText, Source};
pub use definitions::{definitions, DefinitionHit, DefinitionLimits};
pub use identifiers::{identifiers, is_stopword, is_word_char, words, IdentifierSet};
pub use import_lines::{import_statements, in_header, missing_names, ImportLimits, ImportSite};
pub use near_cursor::{similarity_query, wanted_names, CursorText, NameLimits};
pub use outline::{outline, OutlineLimits};
pub use recent::{EditRegion, LineEdit, RecentEdits, RecentLimits};
pub use shared_words::{files_sharing_rare_words, FileWords};
pub use similar::{similar, similar_with_cache, SimilarLimits};
pub use similar_cache::SimilarCache;
pub use snippet::trim_definition;
pub use source_choice::{sources_for_model, too_small_for_definitions};
pub use test_files::{is_test_path, may_serve};
