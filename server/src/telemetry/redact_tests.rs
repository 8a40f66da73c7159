use super::*;

// Secrets are assembled at run time so that no secret-shaped literal sits in the repository
// (secret scanners would flag it, rightly).
fn random_like(len: usize) -> String {
    "q8ZfR2xVm4TtB7nKw1LpYc9HsJd3GeUa6"
        .chars()
        .cycle()
        .take(len)
        .collect()
}

fn upper_digits(len: usize) -> String {
    "QX7RZ2M4K9TB3W5N".chars().cycle().take(len).collect()
}

#[test]
fn provider_tokens_and_keys_are_redacted() {
    let r = random_like;
    let cases: Vec<(&str, String, String)> = vec![
        (
            "aws access key",
            format!("key = AKIA{}\n", upper_digits(16)),
            format!("AKIA{}", upper_digits(16)),
        ),
        (
            "github classic",
            format!("let t = ghp_{};", r(36)),
            format!("ghp_{}", r(36)),
        ),
        (
            "github fine-grained",
            format!("github_pat_{}", r(60)),
            format!("github_pat_{}", r(60)),
        ),
        (
            "gitlab",
            format!("glpat-{}", r(20)),
            format!("glpat-{}", r(20)),
        ),
        ("slack", format!("xoxb-{}-{}", "1234567890", r(24)), r(24)),
        (
            "openai",
            format!("client = OpenAI(key=sk-proj-{})", r(40)),
            r(40),
        ),
        ("anthropic", format!("sk-ant-{}", r(50)), r(50)),
        ("google", format!("AIza{}", r(35)), format!("AIza{}", r(35))),
        (
            "stripe",
            format!("stripe.api_key = sk_live_{}", r(24)),
            r(24),
        ),
        ("jwt", format!("eyJ{}.eyJ{}.{}", r(20), r(30), r(25)), r(30)),
    ];
    for (name, text, secret) in cases {
        let out = redact(&text);
        assert!(!out.contains(&secret), "{name}: {text:?} -> {out:?}");
        assert!(out.contains(REDACTED), "{name}: {out:?}");
    }
}

#[test]
fn private_key_blocks_are_redacted_whole() {
    let body = format!("{}\n{}\n", random_like(64), random_like(40));
    for kind in [
        "RSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "PRIVATE KEY",
        "EC PRIVATE KEY",
    ] {
        let text = format!(
            "const KEY: &str = r\"\n-----BEGIN {kind}-----\n{body}-----END {kind}-----\n\";\nfn after() {{}}\n"
        );
        let out = redact(&text);
        assert!(!out.contains(&random_like(40)), "{kind}: {out}");
        assert!(!out.contains("BEGIN"), "{kind}: {out}");
        assert!(
            out.contains("fn after() {}"),
            "{kind}: code after the block survives: {out}"
        );
    }
    // A block cut off by the end of the text (a prefix window) is still removed.
    let cut = format!("x = 1\n-----BEGIN RSA PRIVATE KEY-----\n{body}");
    let out = redact(&cut);
    assert_eq!(out, "x = 1\n[REDACTED]");
}

#[test]
fn values_assigned_to_secret_names_are_redacted() {
    let cases = [
        ("password = \"hunter22\"", "password = \"[REDACTED]\""),
        ("db_password='Sup3r-Secret!'", "db_password='[REDACTED]'"),
        ("\"api_key\": \"Zx81mQp0aa\"", "\"api_key\": \"[REDACTED]\""),
        ("apiKey: 'Zx81mQp0aa',", "apiKey: '[REDACTED]',"),
        (
            "const GITHUB_TOKEN: &str = \"abc123def456\";",
            "const GITHUB_TOKEN: &str = \"[REDACTED]\";",
        ),
        (
            "client_secret => \"9f8e7d6c5b\"",
            "client_secret => \"[REDACTED]\"",
        ),
        ("SECRET_KEY := \"Xy7zzzzz\"", "SECRET_KEY := \"[REDACTED]\""),
        (
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnF3MI",
            "export AWS_SECRET_ACCESS_KEY=[REDACTED]",
        ),
        (
            "DB_PASSWORD=hunter22 # prod",
            "DB_PASSWORD=[REDACTED] # prod",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(redact(text), expected, "{text:?}");
    }
}

#[test]
fn long_random_strings_are_redacted() {
    let text = format!("let blob = \"{}\";", random_like(48));
    assert_eq!(redact(&text), "let blob = \"[REDACTED]\";");
}

#[test]
fn ordinary_code_is_left_alone() {
    let cases = [
        "fn main() {\n    let token = lexer.next_token();\n    println!(\"{token:?}\");\n}\n",
        "if token == \"while\" { return Keyword::While; }",
        "token = \"identifier\"",
        "token = \"left_paren\"",
        "let password = prompt(\"Enter your password: \");",
        "pub struct Login { pub password: String, pub token: Token }",
        "token_type = \"Bearer\"",
        "max_tokens = 128",
        "tokenizer = \"tokenizer.json\"",
        "password = \"\"",
        "password = \"${DB_PASSWORD}\"",
        "API_KEY = os.environ[\"API_KEY\"]",
        "SECRET = settings.SECRET",
        "secret_name = \"prod-db\"",
        // hashes, UUIDs and long identifiers are not secrets
        "checksum = \"3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a\"",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
        "id = \"123e4567-e89b-12d3-a456-426614174000\"",
        "fn handle_incoming_connection_request_with_timeout_and_retry() {}",
        "let value = SomeVeryLongTypeNameForTestingPurposes::new();",
        "use crate::documents::position::{from_char, to_char};",
        "https://github.com/rust-lang/rust/blob/master/library/core/src/lib.rs",
        "const MAX_TOKEN=512",
    ];
    for text in cases {
        assert_eq!(redact(text), text, "changed: {text:?}");
        assert!(matches!(redact(text), Cow::Borrowed(_)), "copied: {text:?}");
    }
}
