//! Placeholder.
use crate::{BackendConfig, BackendError};

pub fn shared_http_client(_config: &BackendConfig) -> Result<reqwest::Client, BackendError> {
    todo!()
}
