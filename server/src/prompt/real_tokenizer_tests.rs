//! The rendered Qwen prompt against the real model tokenizer: every template and stop string must
//! be one special token, or the model sees `<`, `|`, `fim` … as text. Needs a running llama-server
//! with a Qwen2.5-Coder model at TANDEM_LLAMA_URL (e.g. `http://127.0.0.1:8012`); skipped otherwise.

use std::time::Duration;

use serde_json::{json, Value};
use tandem_clients::ContextChunk;

use super::{build, template_by_name, PromptInput};

/// `(id, piece)` for each token of `content`, as llama-server's `/tokenize` returns them with
/// special strings parsed the way its completion endpoints parse a prompt.
async fn tokenize(url: &str, content: &str) -> Vec<(i64, String)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client");
    let body: Value = client
        .post(format!("{}/tokenize", url.trim_end_matches('/')))
        .json(&json!({ "content": content, "parse_special": true, "with_pieces": true }))
        .send()
        .await
        .expect("llama-server answers /tokenize")
        .error_for_status()
        .expect("/tokenize succeeds")
        .json()
        .await
        .expect("/tokenize returns JSON");
    body["tokens"]
        .as_array()
        .expect("a tokens array")
        .iter()
        .map(|token| {
            let id = token["id"].as_i64().expect("token id");
            // Pieces that are not valid UTF-8 on their own come back as byte arrays.
            let piece = match &token["piece"] {
                Value::String(s) => s.clone(),
                Value::Array(bytes) => bytes
                    .iter()
                    .map(|b| char::from(b.as_u64().unwrap_or(0) as u8))
                    .collect(),
                other => panic!("unexpected piece {other}"),
            };
            (id, piece)
        })
        .collect()
}

#[tokio::test]
async fn qwen_prompt_tokenizes_into_the_models_special_tokens() {
    let Ok(url) = std::env::var("TANDEM_LLAMA_URL") else {
        eprintln!(
            "note: skipped; set TANDEM_LLAMA_URL to a llama-server running Qwen2.5-Coder to check \
             the rendered prompt against the real tokenizer"
        );
        return;
    };
    let template = template_by_name("qwen").expect("built-in");
    let extra = [ContextChunk {
        filename: "src/math.py".into(),
        text: "def sub(a, b):\n    return a - b\n".into(),
    }];
    let built = build(
        &template,
        &PromptInput {
            file_name: "src/add.py",
            repo_name: "demo",
            prefix: "def add(a, b):\n    ",
            suffix: "\n\nprint(add(1, 2))\n",
            extra: &extra,
        },
    );

    let repo = template.repo.as_ref().expect("qwen has repo tokens");
    let mut specials: Vec<&str> = vec![
        &template.prefix,
        &template.suffix,
        &template.middle,
        &repo.repo_name,
        &repo.file_sep,
    ];
    specials.extend(template.stop.iter().map(String::as_str));
    for special in &specials {
        let tokens = tokenize(&url, special).await;
        assert_eq!(tokens.len(), 1, "{special} is one token: {tokens:?}");
        assert_eq!(tokens[0].1, *special);
    }

    let tokens = tokenize(&url, &built.rendered).await;
    let special_pieces: Vec<&str> = tokens
        .iter()
        .map(|(_, piece)| piece.as_str())
        .filter(|piece| specials.contains(piece))
        .collect();
    assert_eq!(
        special_pieces,
        [
            "<|repo_name|>",
            "<|file_sep|>",
            "<|file_sep|>",
            "<|fim_prefix|>",
            "<|fim_suffix|>",
            "<|fim_middle|>"
        ]
    );
    let round_trip: String = tokens.iter().map(|(_, piece)| piece.as_str()).collect();
    assert_eq!(round_trip, built.rendered, "the pieces spell the prompt");
    assert!(
        tokens.last().is_some_and(|(_, p)| p == "<|fim_middle|>"),
        "generation starts right after <|fim_middle|>"
    );
}
