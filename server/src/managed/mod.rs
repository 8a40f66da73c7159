//! The managed llama.cpp server: tandem finds `llama-server` and a model, starts ONE server per
//! cache directory that every tandem process on the machine shares, restarts it after a crash and
//! stops it once no editor has used it for a while.
//!
//! Files, innermost first: `locate` (where the binary, the model and the cache are), `state` (the
//! JSON file describing the running server and its clients, plus the pure idle rule), `lock` (the
//! file lock around that state), `pid` (is a process alive, is it ours, stop it), `process`
//! (spawning llama-server and its log), `health` (waiting for `/health`), `supervisor` (the
//! [`ManagedServer`] handle tying them together) and `idle` (recording use, stopping an idle
//! server, unregistering).

mod error;
mod health;
mod idle;
mod locate;
mod lock;
mod pid;
mod process;
mod settings;
mod state;
mod supervisor;

#[cfg(test)]
mod real_server_tests;
#[cfg(test)]
mod supervisor_tests;

pub use error::ManagedError;
pub use health::ProgressEvent;
pub use idle::InUse;
pub use locate::{default_cache_dir, locate, model_file_name, Located};
pub use settings::ManagedSettings;
pub use state::{ClientEntry, ServerState};
pub use supervisor::ManagedServer;
