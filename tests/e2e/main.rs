//! End-to-end tests: the real `tandem serve` binary driven over stdio against a scripted model
//! server. Every wait is bounded, so a hung server fails a test instead of hanging the run.

mod support;

mod backend_failures;
mod cancellation;
mod configuration;
mod eval_cli;
mod eval_real;
mod eval_scripted;
mod export_eval;
mod harness_selftest;
mod interrupt_loading;
mod managed_idle_real;
mod position_encodings;
mod postprocess_on_the_wire;
mod protocol_flow;
mod real_model;
mod repo_context;
mod repo_context_real;
mod report_chromium;
mod robustness;
mod stats_cli;
mod stats_db;
mod superseding;
mod telemetry;
mod telemetry_real;
mod type_through;
