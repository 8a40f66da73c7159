//! A Hugging Face `tokenizer.json` loaded from disk, for exact counts without asking the backend.

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

/// Loading a local tokenizer failed.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error("cannot load the tokenizer {path}: {detail}; check `prompt.tokenizer` (it must point to a Hugging Face tokenizer.json)")]
    Load { path: PathBuf, detail: String },
}

/// A tokenizer that counts exactly what the model would see.
pub(crate) struct LocalTokenizer {
    inner: Tokenizer,
}

impl LocalTokenizer {
    /// Reads `path`. Truncation and padding from the file are switched off: they would make
    /// every count the padded or truncated length instead of the text's.
    pub(crate) fn load(path: &Path) -> Result<Self, TokenizerError> {
        let load_error = |detail: String| TokenizerError::Load {
            path: path.to_owned(),
            detail,
        };
        let mut inner = Tokenizer::from_file(path).map_err(|e| load_error(e.to_string()))?;
        inner
            .with_truncation(None)
            .map_err(|e| load_error(e.to_string()))?;
        inner.with_padding(None);
        Ok(Self { inner })
    }

    /// Token count of each text, without special tokens the tokenizer would add around it.
    pub(crate) fn count(&self, texts: &[String]) -> Result<Vec<usize>, String> {
        texts
            .iter()
            .map(|text| {
                self.inner
                    .encode(text.as_str(), false)
                    .map(|encoding| encoding.len())
                    .map_err(|e| e.to_string())
            })
            .collect()
    }
}

impl std::fmt::Debug for LocalTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalTokenizer")
            .field("vocab_size", &self.inner.get_vocab_size(true))
            .finish()
    }
}
