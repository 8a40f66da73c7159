//! Backend tests against a scripted HTTP server: request shapes, stream assembly, early stop,
//! cancellation and error mapping.

mod errors;
mod llamacpp;
mod ollama;
mod openai;
mod streaming;
mod support;
