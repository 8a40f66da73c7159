//! Placeholder until the backend is written.
use async_trait::async_trait;

use crate::{Backend, BackendConfig, BackendError, FimRequest, FimResponse, ModelInfo};

pub struct Ollama;

impl Ollama {
    pub fn new(_config: BackendConfig, _http: reqwest::Client) -> Self {
        Self
    }
}

#[async_trait]
impl Backend for Ollama {
    fn name(&self) -> &'static str {
        "ollama"
    }
    fn templates_itself(&self) -> bool {
        false
    }
    async fn complete(&self, _request: FimRequest) -> Result<FimResponse, BackendError> {
        todo!()
    }
    async fn count_tokens(&self, _texts: &[&str]) -> Result<Option<Vec<usize>>, BackendError> {
        todo!()
    }
    async fn model_info(&self) -> Result<ModelInfo, BackendError> {
        todo!()
    }
    async fn health(&self) -> Result<(), BackendError> {
        todo!()
    }
}
