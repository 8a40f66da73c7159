//! The LSP layer: translates protocol messages into engine calls and back. No logic lives here.

mod convert;
mod framing;
mod progress;
mod server;

pub use server::serve_stdio;
