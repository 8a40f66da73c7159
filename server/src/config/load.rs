//! Merging config layers and validating them key by key, so one bad value costs only that key.

use serde_json::{Map, Value};

use super::schema::{BackendChoice, Config};
use crate::prompt::template_by_name;

/// A problem found in the configuration, naming the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMessage {
    /// Dotted key, e.g. `completion.debounce_ms`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for ConfigMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "config `{}`: {}", self.key, self.message)
    }
}

/// Config layers in increasing priority: files, then `initializationOptions`, then
/// `workspace/didChangeConfiguration` settings.
#[derive(Debug, Clone, Default)]
pub struct ConfigLayers {
    pub files: Vec<Value>,
    pub init_options: Option<Value>,
    pub client_settings: Option<Value>,
}

/// Merges the layers and validates the result. Invalid keys fall back to their defaults and are
/// reported; the rest of the configuration still applies.
pub fn resolve(layers: &ConfigLayers) -> (Config, Vec<ConfigMessage>) {
    let mut merged = Value::Object(Map::new());
    let client = [&layers.init_options, &layers.client_settings];
    for layer in layers.files.iter().chain(client.into_iter().flatten()) {
        merge(&mut merged, unwrap_namespace(layer));
    }
    let (config, mut messages) = deserialize_leniently(merged);
    let config = validate(config, &mut messages);
    (config, messages)
}

/// Clients often send settings under a `tandem` key (VS Code's section name).
fn unwrap_namespace(value: &Value) -> &Value {
    match value.get("tandem") {
        Some(inner) if inner.is_object() => inner,
        _ => value,
    }
}

/// Deep merge: objects merge key by key, anything else in `overlay` replaces. `null` is ignored,
/// since many clients send it for "not set".
fn merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None if value.is_object() => {
                        let mut fresh = Value::Object(Map::new());
                        merge(&mut fresh, value);
                        base.insert(key.clone(), fresh);
                    }
                    None if !value.is_null() => {
                        base.insert(key.clone(), value.clone());
                    }
                    None => {}
                }
            }
        }
        (_, Value::Null) => {}
        (base, overlay) => *base = overlay.clone(),
    }
}

/// Deserializes, and on each error removes the offending key and retries, so every bad key is
/// reported once and falls back to its default.
fn deserialize_leniently(mut value: Value) -> (Config, Vec<ConfigMessage>) {
    let mut messages = Vec::new();
    // Each round removes one key, so this ends; the bound only guards against a bug here.
    for _ in 0..64 {
        match serde_path_to_error::deserialize::<_, Config>(&value) {
            Ok(config) => return (config, messages),
            Err(err) => {
                let key = err.path().to_string();
                let detail = err.inner().to_string();
                let removed = remove_path(&mut value, &key);
                messages.push(ConfigMessage {
                    message: describe(&detail, removed.as_ref()),
                    key: key.clone(),
                });
                if removed.is_none() {
                    // The error is not tied to a removable key (e.g. the top level is not an
                    // object): nothing more can be salvaged.
                    return (Config::default(), messages);
                }
            }
        }
    }
    (Config::default(), messages)
}

fn describe(detail: &str, got: Option<&Value>) -> String {
    let detail = detail.split(" at line").next().unwrap_or(detail);
    match got {
        Some(got) => format!("{detail} (got {got}); using the default"),
        None => format!("{detail}; using the defaults"),
    }
}

/// Removes a dotted path like `completion.debounce_ms` (or an unknown key reported at its parent)
/// and returns the removed value.
fn remove_path(value: &mut Value, path: &str) -> Option<Value> {
    if path == "." || path.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = path.split('.').collect();
    // serde_path_to_error writes list items as `key[3]`: drop the whole key.
    if let Some(last) = parts.last_mut() {
        if let Some(idx) = last.find('[') {
            *last = &last[..idx];
        }
    }
    let (last, parents) = parts.split_last()?;
    let mut cursor = value;
    for part in parents {
        cursor = cursor.get_mut(*part)?;
    }
    cursor.as_object_mut()?.remove(*last)
}

/// Semantic checks serde cannot express; each failure resets just that key.
fn validate(mut config: Config, messages: &mut Vec<ConfigMessage>) -> Config {
    let defaults = Config::default();
    let mut bad = |key: &str, message: String| {
        messages.push(ConfigMessage {
            key: key.into(),
            message,
        })
    };
    if config.backend.kind != BackendChoice::Managed && config.backend.url.trim().is_empty() {
        bad(
            "backend.url",
            format!(
                "required when backend.kind is \"{}\"; falling back to the managed llama-server",
                serde_json::to_value(config.backend.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
        );
        config.backend.kind = BackendChoice::Managed;
    }
    let url = config.backend.url.trim();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        bad(
            "backend.url",
            format!("must start with http:// or https:// (got \"{url}\")"),
        );
        config.backend = defaults.backend.clone();
    }
    if config.backend.kind == BackendChoice::Ollama && config.backend.model.trim().is_empty() {
        bad(
            "backend.model",
            "required when backend.kind is \"ollama\": name a model from `ollama list`, e.g. \"qwen2.5-coder:1.5b-base\"".into(),
        );
    }
    if !(0.0..=2.0).contains(&config.completion.temperature) {
        bad(
            "completion.temperature",
            format!(
                "must be between 0 and 2 (got {}); using {}",
                config.completion.temperature, defaults.completion.temperature
            ),
        );
        config.completion.temperature = defaults.completion.temperature;
    }
    if !(1..=10).contains(&config.completion.alternatives) {
        bad(
            "completion.alternatives",
            format!(
                "must be between 1 and 10 (got {}); using {}",
                config.completion.alternatives, defaults.completion.alternatives
            ),
        );
        config.completion.alternatives = defaults.completion.alternatives;
    }
    if config.completion.max_tokens == 0 {
        bad(
            "completion.max_tokens",
            format!(
                "must be at least 1; using {}",
                defaults.completion.max_tokens
            ),
        );
        config.completion.max_tokens = defaults.completion.max_tokens;
    }
    for glob in &config.completion.ignore {
        if let Err(e) = globset::Glob::new(glob) {
            bad(
                "completion.ignore",
                format!("\"{glob}\" is not a valid glob ({e}); using the default list"),
            );
            config.completion.ignore = defaults.completion.ignore.clone();
            break;
        }
    }
    let share = config.prompt.prefix_share;
    if !(share > 0.0 && share <= 1.0) {
        bad(
            "prompt.prefix_share",
            format!(
                "must be greater than 0 and at most 1 (got {share}); using {}",
                defaults.prompt.prefix_share
            ),
        );
        config.prompt.prefix_share = defaults.prompt.prefix_share;
    }
    if config.prompt.max_tokens < 64 {
        bad(
            "prompt.max_tokens",
            format!(
                "must be at least 64 (got {}); using {}",
                config.prompt.max_tokens, defaults.prompt.max_tokens
            ),
        );
        config.prompt.max_tokens = defaults.prompt.max_tokens;
    }
    let template = config.prompt.template.as_str();
    let known = template == "auto"
        || (template == "custom" && config.prompt.custom.is_some())
        || template_by_name(template).is_some();
    if !known {
        let message = if template == "custom" {
            "is \"custom\" but [prompt.custom] is missing; using \"auto\"".to_string()
        } else {
            format!("unknown template \"{template}\"; allowed: auto, qwen, starcoder, deepseek, codellama, codestral, codegemma, custom; using \"auto\"")
        };
        bad("prompt.template", message);
        config.prompt.template = "auto".into();
    }
    config
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolve_one(value: Value) -> (Config, Vec<ConfigMessage>) {
        resolve(&ConfigLayers {
            init_options: Some(value),
            ..Default::default()
        })
    }

    #[test]
    fn empty_config_is_all_defaults_without_messages() {
        let (config, messages) = resolve(&ConfigLayers::default());
        assert_eq!(config, Config::default());
        assert!(messages.is_empty(), "{messages:?}");
    }

    #[test]
    fn later_layers_override_earlier_ones_key_by_key() {
        let layers = ConfigLayers {
            files: vec![json!({"completion": {"debounce_ms": 10, "max_tokens": 50}})],
            init_options: Some(json!({"completion": {"debounce_ms": 20}})),
            client_settings: Some(json!({"tandem": {"completion": {"max_tokens": 70}}})),
        };
        let (config, messages) = resolve(&layers);
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(config.completion.debounce_ms, 20);
        assert_eq!(config.completion.max_tokens, 70);
    }

    #[test]
    fn a_wrongly_typed_value_names_its_key_and_keeps_the_rest() {
        let (config, messages) = resolve_one(json!({
            "completion": {"debounce_ms": "fast", "max_tokens": 40}
        }));
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].key, "completion.debounce_ms");
        assert!(messages[0].message.contains("\"fast\""), "{}", messages[0]);
        assert_eq!(config.completion.debounce_ms, 60);
        assert_eq!(config.completion.max_tokens, 40);
    }

    #[test]
    fn unknown_keys_are_reported_and_ignored() {
        let (config, messages) = resolve_one(json!({"completion": {"debunce_ms": 5}}));
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].message.contains("debunce_ms"),
            "{}",
            messages[0]
        );
        assert_eq!(config, Config::default());
    }

    #[test]
    fn several_bad_keys_are_all_reported() {
        let (_, messages) = resolve_one(json!({
            "backend": {"kind": "gpt"},
            "completion": {"temperature": 9.0, "alternatives": 0},
            "prompt": {"template": "llama9"}
        }));
        let keys: Vec<&str> = messages.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "backend.kind",
                "completion.temperature",
                "completion.alternatives",
                "prompt.template"
            ]
        );
    }

    #[test]
    fn a_remote_backend_without_url_falls_back_to_managed() {
        let (config, messages) = resolve_one(json!({"backend": {"kind": "ollama"}}));
        assert_eq!(config.backend.kind, BackendChoice::Managed);
        assert_eq!(messages[0].key, "backend.url");
    }

    #[test]
    fn ollama_needs_a_model_name() {
        let (config, messages) =
            resolve_one(json!({"backend": {"kind": "ollama", "url": "http://127.0.0.1:11434"}}));
        assert_eq!(config.backend.kind, BackendChoice::Ollama);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].key, "backend.model");
    }

    #[test]
    fn nulls_mean_not_set() {
        let (config, messages) = resolve_one(json!({"completion": {"debounce_ms": null}}));
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(config.completion.debounce_ms, 60);
    }

    #[test]
    fn a_non_object_config_is_reported_and_defaults_apply() {
        let (config, messages) = resolve_one(json!(["not", "a", "table"]));
        assert_eq!(config, Config::default());
        assert_eq!(messages.len(), 1);
    }
}
