//! End-to-end tests: the real `tandem serve` binary driven over stdio against a scripted model
//! server. Every wait is bounded, so a hung server fails a test instead of hanging the run.

mod support;

mod backend_failures;
mod cancellation;
mod configuration;
mod harness_selftest;
mod position_encodings;
mod postprocess_on_the_wire;
mod protocol_flow;
mod real_model;
mod robustness;
mod superseding;
mod type_through;
