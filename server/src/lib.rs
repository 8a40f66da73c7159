//! tandem: a language server that pairs a programmer with a local quantized code model.
//!
//! Layers, outermost first: `cli` and `lsp` translate the outside world into calls on `engine`;
//! `engine` runs the one completion pipeline; `prompt`, `postprocess`, `syntax` and `documents`
//! are the pure core; `tokens` and `managed` own the I/O the core needs.

pub mod cli;
pub mod config;
pub mod context;
pub mod documents;
pub mod engine;
pub mod eval;
pub mod index;
pub mod logging;
pub mod lsp;
pub mod managed;
pub mod postprocess;
pub mod prompt;
pub mod report;
pub mod stats;
pub mod syntax;
pub mod telemetry;
pub mod tokens;
