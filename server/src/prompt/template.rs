//! FIM templates and their stop tokens, per model family.

use serde::{Deserialize, Serialize};

/// Repository-level tokens (Qwen2.5-Coder), for putting other files before the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoTokens {
    pub repo_name: String,
    pub file_sep: String,
}

/// A model family's fill-in-the-middle template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FimTemplate {
    /// `custom` when a config's `[prompt.custom]` table leaves it out.
    #[serde(default = "custom_name")]
    pub name: String,
    pub prefix: String,
    pub suffix: String,
    pub middle: String,
    /// Suffix-prefix-middle order instead of prefix-suffix-middle.
    #[serde(default)]
    pub suffix_first: bool,
    #[serde(default)]
    pub repo: Option<RepoTokens>,
    #[serde(default)]
    pub stop: Vec<String>,
}

fn custom_name() -> String {
    "custom".to_owned()
}

/// One built-in template as static data, so the table below reads like a spec sheet.
struct Spec {
    name: &'static str,
    prefix: &'static str,
    suffix: &'static str,
    middle: &'static str,
    suffix_first: bool,
    /// `(repo_name token, file separator token)`.
    repo: Option<(&'static str, &'static str)>,
    stop: &'static [&'static str],
}

/// Names accepted by [`template_by_name`], in the order of [`BUILTIN`].
pub const BUILTIN_NAMES: &[&str] = &[
    "qwen",
    "starcoder",
    "starcoder2",
    "deepseek",
    "codellama",
    "codestral",
    "codegemma",
];

const BUILTIN: &[Spec] = &[
    Spec {
        name: "qwen",
        prefix: "<|fim_prefix|>",
        suffix: "<|fim_suffix|>",
        middle: "<|fim_middle|>",
        suffix_first: false,
        repo: Some(("<|repo_name|>", "<|file_sep|>")),
        stop: &[
            "<|endoftext|>",
            "<|fim_prefix|>",
            "<|fim_suffix|>",
            "<|fim_middle|>",
            "<|fim_pad|>",
            "<|repo_name|>",
            "<|file_sep|>",
            "<|im_start|>",
            "<|im_end|>",
        ],
    },
    // StarCoder (1) has no repository tokens; its `<reponame>`/`<filename>` metadata was never
    // trained together with FIM, so other files go in as commented snippets.
    Spec {
        name: "starcoder",
        prefix: "<fim_prefix>",
        suffix: "<fim_suffix>",
        middle: "<fim_middle>",
        suffix_first: false,
        repo: None,
        stop: &[
            "<|endoftext|>",
            "<fim_prefix>",
            "<fim_suffix>",
            "<fim_middle>",
            "<file_sep>",
        ],
    },
    Spec {
        name: "starcoder2",
        prefix: "<fim_prefix>",
        suffix: "<fim_suffix>",
        middle: "<fim_middle>",
        suffix_first: false,
        repo: Some(("<repo_name>", "<file_sep>")),
        stop: &[
            "<|endoftext|>",
            "<fim_prefix>",
            "<fim_suffix>",
            "<fim_middle>",
            "<file_sep>",
        ],
    },
    // The bars are U+FF5C (fullwidth) and the underscore-like character is U+2581, as in the
    // DeepSeek-Coder vocabulary; ASCII look-alikes would be tokenized as plain text.
    Spec {
        name: "deepseek",
        prefix: "<\u{ff5c}fim\u{2581}begin\u{ff5c}>",
        suffix: "<\u{ff5c}fim\u{2581}hole\u{ff5c}>",
        middle: "<\u{ff5c}fim\u{2581}end\u{ff5c}>",
        suffix_first: false,
        repo: None,
        stop: &["<\u{ff5c}end\u{2581}of\u{2581}sentence\u{ff5c}>", "<|EOT|>"],
    },
    // The spaces belong to the format: CodeLlama was trained on `<PRE> {pre} <SUF>{suf} <MID>`.
    Spec {
        name: "codellama",
        prefix: "<PRE> ",
        suffix: " <SUF>",
        middle: " <MID>",
        suffix_first: false,
        repo: None,
        stop: &["<EOT>", "</s>"],
    },
    // Codestral reads the suffix first and starts generating right after the prefix.
    Spec {
        name: "codestral",
        prefix: "[PREFIX]",
        suffix: "[SUFFIX]",
        middle: "",
        suffix_first: true,
        repo: None,
        stop: &["</s>"],
    },
    Spec {
        name: "codegemma",
        prefix: "<|fim_prefix|>",
        suffix: "<|fim_suffix|>",
        middle: "<|fim_middle|>",
        suffix_first: false,
        repo: None,
        stop: &["<|file_separator|>", "<end_of_turn>", "<eos>"],
    },
];

/// Which built-in template a model name or architecture substring selects. The first matching
/// row wins, so more specific needles come before the ones they contain (`starcoder2` before
/// `starcoder`, `codegemma` before `gemma`).
const MODEL_PATTERNS: &[(&str, &str)] = &[
    ("qwen", "qwen"),
    ("starcoder2", "starcoder2"),
    ("starcoder", "starcoder"),
    ("deepseek", "deepseek"),
    ("codellama", "codellama"),
    ("code-llama", "codellama"),
    ("codestral", "codestral"),
    ("mistral", "codestral"),
    ("codegemma", "codegemma"),
    ("gemma", "codegemma"),
];

const DEFAULT_TEMPLATE: &str = "qwen";

impl Spec {
    fn to_template(&self) -> FimTemplate {
        FimTemplate {
            name: self.name.to_owned(),
            prefix: self.prefix.to_owned(),
            suffix: self.suffix.to_owned(),
            middle: self.middle.to_owned(),
            suffix_first: self.suffix_first,
            repo: self.repo.map(|(repo_name, file_sep)| RepoTokens {
                repo_name: repo_name.to_owned(),
                file_sep: file_sep.to_owned(),
            }),
            stop: self.stop.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Picks the template for a model from its name or GGUF architecture; Qwen2.5-Coder's by default.
pub fn template_for_model(model_name: &str, architecture: Option<&str>) -> FimTemplate {
    // The name is tried first: fine-tunes keep their base architecture (DeepSeek-Coder v1 and
    // CodeLlama both report `llama`), but their names say which FIM tokens they were trained on.
    let chosen = family_of(model_name)
        .or_else(|| architecture.and_then(family_of))
        .unwrap_or(DEFAULT_TEMPLATE);
    template_by_name(chosen).unwrap_or_else(|| BUILTIN[0].to_template())
}

fn family_of(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    MODEL_PATTERNS
        .iter()
        .find(|(needle, _)| lower.contains(needle))
        .map(|(_, family)| *family)
}

/// A built-in template by name (`qwen`, `starcoder`, `deepseek`, `codellama`, `codestral`, `codegemma`).
pub fn template_by_name(name: &str) -> Option<FimTemplate> {
    let name = name.trim();
    BUILTIN
        .iter()
        .find(|spec| spec.name.eq_ignore_ascii_case(name))
        .map(Spec::to_template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names_and_architectures_select_their_family() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", None, "qwen"),
            ("Qwen2.5-Coder-7B", Some("qwen2"), "qwen"),
            ("bigcode/starcoder2-3b", None, "starcoder2"),
            ("StarCoderBase-1B", None, "starcoder"),
            ("model.gguf", Some("starcoder2"), "starcoder2"),
            ("model.gguf", Some("starcoder"), "starcoder"),
            (
                "deepseek-coder-1.3b-base.Q4_K_M.gguf",
                Some("llama"),
                "deepseek",
            ),
            ("DeepSeek-Coder-V2-Lite-Base", None, "deepseek"),
            ("codellama:7b-code", None, "codellama"),
            ("CodeLlama-7b-hf", Some("llama"), "codellama"),
            ("codestral:22b", None, "codestral"),
            ("Mistral-7B-v0.1", None, "codestral"),
            ("codegemma:2b", None, "codegemma"),
            ("my-finetune.gguf", Some("gemma"), "codegemma"),
            ("my-finetune.gguf", Some("llama"), "qwen"),
            ("", None, "qwen"),
        ];
        for (name, arch, expected) in cases {
            let got = template_for_model(name, *arch);
            assert_eq!(got.name, *expected, "model {name:?}, architecture {arch:?}");
        }
    }

    #[test]
    fn every_builtin_name_resolves_case_insensitively() {
        assert_eq!(BUILTIN_NAMES.len(), BUILTIN.len());
        for (name, spec) in BUILTIN_NAMES.iter().zip(BUILTIN) {
            assert_eq!(*name, spec.name);
            let upper = name.to_uppercase();
            let template = template_by_name(&upper).expect("built-in name resolves");
            assert_eq!(template.name, *name);
            assert!(!template.stop.is_empty(), "{name} has stop tokens");
        }
        assert_eq!(template_by_name("custom"), None);
        assert_eq!(template_by_name("auto"), None);
    }

    #[test]
    fn deepseek_tokens_use_fullwidth_bars_and_lower_blocks() {
        let t = template_by_name("deepseek").expect("built-in");
        assert_eq!(t.prefix, "<｜fim▁begin｜>");
        assert_eq!(t.suffix, "<｜fim▁hole｜>");
        assert_eq!(t.middle, "<｜fim▁end｜>");
        assert!(t.stop.iter().any(|s| s == "<｜end▁of▁sentence｜>"));
        assert!(
            !t.prefix.contains('|'),
            "ASCII bar would not match the vocabulary"
        );
    }

    #[test]
    fn only_repo_aware_families_carry_repo_tokens() {
        let qwen = template_by_name("qwen").expect("built-in");
        assert_eq!(
            qwen.repo,
            Some(RepoTokens {
                repo_name: "<|repo_name|>".into(),
                file_sep: "<|file_sep|>".into()
            })
        );
        let sc2 = template_by_name("starcoder2").expect("built-in");
        assert_eq!(
            sc2.repo.map(|r| (r.repo_name, r.file_sep)),
            Some(("<repo_name>".into(), "<file_sep>".into()))
        );
        for name in [
            "starcoder",
            "deepseek",
            "codellama",
            "codestral",
            "codegemma",
        ] {
            assert_eq!(template_by_name(name).and_then(|t| t.repo), None, "{name}");
        }
    }

    #[test]
    fn custom_template_deserializes_with_defaults() {
        let t: FimTemplate =
            serde_json::from_str(r#"{"prefix":"<P>","suffix":"<S>","middle":"<M>"}"#)
                .expect("valid custom template");
        assert_eq!(t.name, "custom");
        assert!(!t.suffix_first);
        assert_eq!(t.repo, None);
        assert!(t.stop.is_empty());
    }
}
