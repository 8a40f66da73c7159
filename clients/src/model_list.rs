//! `GET /v1/models`, which OpenAI-compatible servers and llama-server answer alike.

use serde::Deserialize;

use crate::ModelInfo;

/// Answer of `GET /v1/models`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ModelList {
    data: Vec<ModelEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ModelEntry {
    id: String,
    /// vLLM's configured context window.
    max_model_len: Option<u32>,
    /// Other servers' name for the same.
    context_length: Option<u32>,
    /// llama-server's model facts, whose `n_ctx` is the context it runs with.
    meta: Option<ModelMeta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ModelMeta {
    n_ctx: Option<u32>,
    /// llama-server's parameter count (embeddings included).
    n_params: Option<u64>,
}

impl ModelList {
    /// The configured model if listed, else the configured name (servers accept aliases they do
    /// not list), else the first listed.
    pub(crate) fn pick(&self, configured: Option<&str>) -> Option<ModelInfo> {
        let entry = match configured {
            Some(name) => self.data.iter().find(|m| m.id == name),
            None => self.data.first(),
        };
        let name = configured
            .map(str::to_owned)
            .or(entry.map(|m| m.id.clone()))?;
        Some(ModelInfo {
            name,
            context_length: entry.and_then(|m| {
                m.max_model_len
                    .or(m.context_length)
                    .or(m.meta.as_ref().and_then(|meta| meta.n_ctx))
            }),
            has_fim_tokens: None,
            architecture: None,
            parameters: entry.and_then(|m| m.meta.as_ref()?.n_params),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_is_picked() {
        let list: ModelList = serde_json::from_str(
            r#"{"data":[{"id":"a","max_model_len":4096},{"id":"b","context_length":8192},
                {"id":"c","meta":{"n_ctx":2048,"n_ctx_train":32768,"n_params":630167424}}]}"#,
        )
        .expect("test JSON");
        /// configured model, expected (name, context length)
        type Case<'a> = (Option<&'a str>, Option<(&'a str, Option<u32>)>);
        let table: &[Case] = &[
            (None, Some(("a", Some(4096)))),
            (Some("b"), Some(("b", Some(8192)))),
            (Some("c"), Some(("c", Some(2048)))),
            (Some("alias"), Some(("alias", None))),
        ];
        for (configured, expected) in table {
            let picked = list.pick(*configured);
            let got = picked.as_ref().map(|m| (m.name.as_str(), m.context_length));
            assert_eq!(got, *expected, "{configured:?}");
        }
        assert!(ModelList::default().pick(None).is_none());
        let params = |name| list.pick(Some(name)).and_then(|m| m.parameters);
        assert_eq!(
            params("c"),
            Some(630_167_424),
            "llama-server's meta.n_params"
        );
        assert_eq!(params("a"), None, "vLLM does not say");
    }
}
