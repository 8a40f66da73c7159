//! Harness for the end-to-end tests: a real `tandem serve` process driven over stdio, and a
//! scripted model server that speaks llama.cpp, OpenAI and Ollama.

pub mod http_wire;
pub mod isolation;
pub mod lsp_client;
pub mod lsp_wire;
pub mod model_apis;
pub mod real_options;
pub mod real_parts;
pub mod scripted_backend;
pub mod setup;
pub mod text;
pub mod wait;
