//! Assembling a prompt from a template, a window of the file and context chunks.

use std::path::Path;

use serde::Serialize;
use tandem_clients::{ContextChunk, FimParts};

use super::template::{FimTemplate, RepoTokens};

/// What goes into a prompt.
#[derive(Debug, Clone)]
pub struct PromptInput<'a> {
    /// Workspace-relative path (or buffer name) of the file being edited.
    pub file_name: &'a str,
    pub repo_name: &'a str,
    /// Text before the cursor, already cut to the budget.
    pub prefix: &'a str,
    /// Text after the cursor, already cut to the budget.
    pub suffix: &'a str,
    /// Context from other files, in a stable order.
    pub extra: &'a [ContextChunk],
}

/// A finished prompt: the rendered text for raw endpoints and the parts for self-templating ones.
#[derive(Debug, Clone, Serialize)]
pub struct BuiltPrompt {
    pub template: String,
    pub rendered: String,
    pub parts: FimParts,
    pub stop: Vec<String>,
}

/// Renders the prompt.
pub fn build(template: &FimTemplate, input: &PromptInput<'_>) -> BuiltPrompt {
    let mut rendered = String::with_capacity(rendered_capacity(template, input));
    // Families with repository tokens were trained on other files as separate documents; the
    // rest only ever saw one file, so other files go into the prefix as comments the model
    // reads as context rather than as code of this file.
    let mut snippets = String::new();
    if !input.extra.is_empty() {
        match &template.repo {
            Some(repo) => render_repo_header(&mut rendered, repo, input),
            None => render_commented_snippets(&mut snippets, input),
        }
    }

    if template.suffix_first {
        push_all(&mut rendered, &[&template.suffix, input.suffix]);
        push_all(&mut rendered, &[&template.prefix, &snippets, input.prefix]);
    } else {
        push_all(&mut rendered, &[&template.prefix, &snippets, input.prefix]);
        push_all(&mut rendered, &[&template.suffix, input.suffix]);
    }
    rendered.push_str(&template.middle);

    BuiltPrompt {
        template: template.name.clone(),
        rendered,
        parts: FimParts {
            prefix: input.prefix.to_owned(),
            suffix: input.suffix.to_owned(),
            extra: input.extra.to_vec(),
        },
        stop: template.stop.clone(),
    }
}

fn push_all(out: &mut String, pieces: &[&str]) {
    for piece in pieces {
        out.push_str(piece);
    }
}

/// `<|repo_name|>{repo}\n` then `<|file_sep|>{path}\n{text}\n` per chunk, then the current
/// file's separator and path, which the FIM part follows.
fn render_repo_header(out: &mut String, repo: &RepoTokens, input: &PromptInput<'_>) {
    push_all(out, &[&repo.repo_name, input.repo_name, "\n"]);
    for chunk in input.extra {
        push_all(out, &[&repo.file_sep, &chunk.filename, "\n", &chunk.text]);
        // One newline ends the file; a second one would add a blank line that is not in it.
        if !chunk.text.ends_with('\n') {
            out.push('\n');
        }
    }
    push_all(out, &[&repo.file_sep, input.file_name, "\n"]);
}

/// Each chunk as `{c} Path: {filename}` followed by its lines, each behind the comment marker of
/// the edited file's language.
fn render_commented_snippets(out: &mut String, input: &PromptInput<'_>) {
    let marker = comment_marker(input.file_name);
    for chunk in input.extra {
        push_all(out, &[marker, " Path: ", &chunk.filename, "\n"]);
        for line in chunk.text.lines() {
            out.push_str(marker);
            if !line.is_empty() {
                push_all(out, &[" ", line]);
            }
            out.push('\n');
        }
    }
}

/// Line-comment markers by file extension; anything not listed gets `//`.
const COMMENT_MARKERS: &[(&str, &[&str])] = &[
    (
        "#",
        &[
            "py", "pyi", "rb", "sh", "bash", "zsh", "toml", "yaml", "yml",
        ],
    ),
    ("--", &["lua", "sql", "hs"]),
];
const DEFAULT_COMMENT_MARKER: &str = "//";

/// The line-comment marker for a file, chosen from its extension.
pub fn comment_marker(file_name: &str) -> &'static str {
    let Some(ext) = Path::new(file_name).extension().and_then(|e| e.to_str()) else {
        return DEFAULT_COMMENT_MARKER;
    };
    COMMENT_MARKERS
        .iter()
        .find(|(_, exts)| exts.iter().any(|e| e.eq_ignore_ascii_case(ext)))
        .map_or(DEFAULT_COMMENT_MARKER, |(marker, _)| marker)
}

fn rendered_capacity(template: &FimTemplate, input: &PromptInput<'_>) -> usize {
    let tokens = template.prefix.len() + template.suffix.len() + template.middle.len();
    // Commented snippets add a marker per line; 64 bytes per chunk covers headers and separators.
    let extra: usize = input
        .extra
        .iter()
        .map(|c| c.filename.len() + c.text.len() * 5 / 4 + 64)
        .sum();
    tokens + input.prefix.len() + input.suffix.len() + extra + input.repo_name.len() + 64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::template_by_name;

    fn chunk(filename: &str, text: &str) -> ContextChunk {
        ContextChunk {
            filename: filename.to_owned(),
            text: text.to_owned(),
        }
    }

    fn render(template: &str, file_name: &str, extra: &[ContextChunk]) -> BuiltPrompt {
        let template = template_by_name(template).expect("built-in template");
        build(
            &template,
            &PromptInput {
                file_name,
                repo_name: "demo",
                prefix: "def add(a, b):\n    ",
                suffix: "\n\nprint(add(1, 2))\n",
                extra,
            },
        )
    }

    #[test]
    fn renders_each_family_without_context() {
        let cases: &[(&str, &str)] = &[
            (
                "qwen",
                "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>",
            ),
            (
                "starcoder",
                "<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>",
            ),
            (
                "starcoder2",
                "<fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>",
            ),
            (
                "deepseek",
                "<｜fim▁begin｜>def add(a, b):\n    <｜fim▁hole｜>\n\nprint(add(1, 2))\n<｜fim▁end｜>",
            ),
            (
                "codellama",
                "<PRE> def add(a, b):\n     <SUF>\n\nprint(add(1, 2))\n <MID>",
            ),
            (
                "codestral",
                "[SUFFIX]\n\nprint(add(1, 2))\n[PREFIX]def add(a, b):\n    ",
            ),
            (
                "codegemma",
                "<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>",
            ),
        ];
        for (name, expected) in cases {
            let built = render(name, "src/add.py", &[]);
            assert_eq!(built.rendered, *expected, "template {name}");
            assert_eq!(built.template, *name);
            let template = template_by_name(name).expect("built-in");
            assert_eq!(built.stop, template.stop, "template {name}");
        }
    }

    #[test]
    fn repo_tokens_put_context_files_before_the_current_file() {
        let extra = [
            chunk("src/math.py", "def sub(a, b):\n    return a - b\n"),
            chunk("README.md", "no trailing newline"),
        ];
        let built = render("qwen", "src/add.py", &extra);
        assert_eq!(
            built.rendered,
            "<|repo_name|>demo\n\
             <|file_sep|>src/math.py\ndef sub(a, b):\n    return a - b\n\
             <|file_sep|>README.md\nno trailing newline\n\
             <|file_sep|>src/add.py\n\
             <|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>"
        );

        let built = render("starcoder2", "src/add.py", &extra[..1]);
        assert_eq!(
            built.rendered,
            "<repo_name>demo\n\
             <file_sep>src/math.py\ndef sub(a, b):\n    return a - b\n\
             <file_sep>src/add.py\n\
             <fim_prefix>def add(a, b):\n    <fim_suffix>\n\nprint(add(1, 2))\n<fim_middle>"
        );
    }

    #[test]
    fn without_repo_tokens_context_becomes_commented_snippets_in_the_prefix() {
        let extra = [chunk("src/math.py", "def sub(a, b):\n\n    return a - b\n")];
        let built = render("deepseek", "src/add.py", &extra);
        assert_eq!(
            built.rendered,
            "<｜fim▁begin｜># Path: src/math.py\n# def sub(a, b):\n#\n#     return a - b\n\
             def add(a, b):\n    <｜fim▁hole｜>\n\nprint(add(1, 2))\n<｜fim▁end｜>"
        );

        // Suffix-first: the snippets still sit right before the prefix, after [PREFIX].
        let built = render(
            "codestral",
            "lib/init.lua",
            &[chunk("lib/util.lua", "x = 1")],
        );
        assert_eq!(
            built.rendered,
            "[SUFFIX]\n\nprint(add(1, 2))\n[PREFIX]-- Path: lib/util.lua\n-- x = 1\ndef add(a, b):\n    "
        );
    }

    #[test]
    fn parts_carry_the_raw_prefix_suffix_and_context() {
        let extra = [chunk("a.rs", "fn a() {}\n")];
        for name in ["qwen", "codellama"] {
            let built = render(name, "b.rs", &extra);
            assert_eq!(built.parts.prefix, "def add(a, b):\n    ");
            assert_eq!(built.parts.suffix, "\n\nprint(add(1, 2))\n");
            assert_eq!(built.parts.extra, extra.to_vec());
        }
    }

    #[test]
    fn custom_template_renders_in_its_order() {
        let template = FimTemplate {
            name: "custom".into(),
            prefix: "<P>".into(),
            suffix: "<S>".into(),
            middle: "<M>".into(),
            suffix_first: true,
            repo: None,
            stop: vec!["<END>".into()],
        };
        let built = build(
            &template,
            &PromptInput {
                file_name: "x.c",
                repo_name: "r",
                prefix: "int x = ",
                suffix: ";",
                extra: &[chunk("y.h", "int y;")],
            },
        );
        assert_eq!(
            built.rendered,
            "<S>;<P>// Path: y.h\n// int y;\nint x = <M>"
        );
        assert_eq!(built.stop, vec!["<END>".to_owned()]);
        assert_eq!(built.template, "custom");
    }

    #[test]
    fn comment_marker_follows_the_extension() {
        let cases = [
            ("a.py", "#"),
            ("dir.v2/b.RB", "#"),
            ("run.sh", "#"),
            ("init.lua", "--"),
            ("q.sql", "--"),
            ("Main.hs", "--"),
            ("main.rs", "//"),
            ("index.ts", "//"),
            ("Makefile", "//"),
            ("dir.py/file", "//"),
            ("", "//"),
        ];
        for (file, marker) in cases {
            assert_eq!(comment_marker(file), marker, "{file}");
        }
    }
}
