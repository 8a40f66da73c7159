//! Redaction of obvious secrets in code text before it is stored.
//!
//! Stored code may become an evaluation set, so keys and tokens that slipped into a buffer must
//! not be kept. The patterns aim at things that are secrets by their shape (provider key formats,
//! private key blocks, quoted values assigned to names like `password` or `api_key`, long random
//! strings) and leave ordinary code alone: a lexer's `token = "while"` or a SHA in a lockfile is
//! not a secret.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Provider key and token formats, replaced whole.
static TOKEN_FORMATS: LazyLock<Regex> = LazyLock::new(|| {
    let formats = [
        // PEM private keys (RSA, EC, OPENSSH, PGP ...), up to the END line or the end of text.
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)",
        // AWS access key ids.
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        // GitHub tokens and fine-grained PATs.
        r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",
        r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
        // GitLab personal/project/deploy tokens.
        r"\bgl(?:pat|dt|ptt|rt)-[A-Za-z0-9_\-]{20,}",
        // Slack tokens and webhooks.
        r"\bxox[abeoprs]-[A-Za-z0-9\-]{10,}",
        r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+",
        // OpenAI / Anthropic style secret keys.
        r"\bsk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_\-]{20,}",
        // Google API keys.
        r"\bAIza[0-9A-Za-z_\-]{35}",
        // Stripe secret and restricted keys.
        r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",
        // JSON Web Tokens.
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ];
    Regex::new(&formats.join("|")).expect("secret formats are valid regexes")
});

/// A quoted value assigned to a secret-sounding name: `password = "…"`, `"api_key": "…"`,
/// `const TOKEN: &str = "…"`, `secret => '…'`. Only the value is replaced.
static SECRET_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?P<head>[\w.\-]*?(?:password|passwd|passphrase|secret(?:[_\-]?key)?|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|client[_\-]?secret)["']?\s*(?::\s*[&\w<>\[\]' ]{1,40}?\s*)?(?::=|=>|:|=)\s*)(?:"(?P<dq>[^"\s]{4,})"|'(?P<sq>[^'\s]{4,})')"#,
    )
    .expect("the secret assignment pattern is a valid regex")
});

/// An unquoted `NAME=value` line of an env file or shell script. Shell assignments have no
/// spaces around `=`, which tells them from code such as `API_KEY = os.environ["API_KEY"]`.
static SECRET_ENV_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^(?P<head>[ \t]*(?:export[ \t]+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY)=)(?P<value>[^\s$\x22'()\[\]{};,]+)[ \t]*(?:#.*)?$",
    )
    .expect("the env line pattern is a valid regex")
});

/// Runs of key-like characters long enough to be a random secret.
static LONG_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9+/_\-]{32,}={0,2}").expect("the long run pattern is a valid regex")
});

/// `text` with every obvious secret replaced by [`REDACTED`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    replace_into(&mut out, |t| TOKEN_FORMATS.replace_all(t, REDACTED));
    replace_into(&mut out, |t| {
        SECRET_ASSIGNMENT.replace_all(t, |caps: &Captures| {
            let (value, quote) = match (caps.name("dq"), caps.name("sq")) {
                (Some(v), _) => (v.as_str(), '"'),
                (None, Some(v)) => (v.as_str(), '\''),
                (None, None) => ("", '"'),
            };
            let shown = if looks_secret(value) { REDACTED } else { value };
            format!("{}{quote}{shown}{quote}", &caps["head"])
        })
    });
    replace_into(&mut out, |t| {
        SECRET_ENV_LINE.replace_all(t, |caps: &Captures| {
            let value = &caps["value"];
            let shown = if looks_secret(value) { REDACTED } else { value };
            let rest = &caps[0][caps["head"].len() + value.len()..];
            format!("{}{shown}{rest}", &caps["head"])
        })
    });
    replace_into(&mut out, |t| {
        LONG_RUN.replace_all(t, |caps: &Captures| {
            let run = &caps[0];
            if is_random(run) {
                REDACTED.to_string()
            } else {
                run.to_string()
            }
        })
    });
    out
}

/// Applies one replacement pass, keeping `text` borrowed when the pass changed nothing (the
/// closures above rebuild matches they decide to keep).
fn replace_into<'a>(text: &mut Cow<'a, str>, pass: impl for<'t> Fn(&'t str) -> Cow<'t, str>) {
    let replaced = match pass(text) {
        Cow::Owned(replaced) if replaced != **text => replaced,
        _ => return,
    };
    *text = Cow::Owned(replaced);
}

/// Whether a value assigned to a secret-sounding name looks like a real secret rather than a
/// word, a placeholder (`${DB_PASSWORD}`, `<token>`) or an already redacted value.
fn looks_secret(value: &str) -> bool {
    if value.len() < 4
        || value.contains(REDACTED)
        || value.starts_with(['$', '{', '<', '%'])
        || value.eq_ignore_ascii_case("none")
        || value.eq_ignore_ascii_case("null")
    {
        return false;
    }
    // Identifier chars do not count as a class: `left_paren` is a word, `hunter2` is not.
    let classes = [
        value.chars().any(|c| c.is_lowercase()),
        value.chars().any(|c| c.is_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value
            .chars()
            .any(|c| !c.is_alphanumeric() && c != '_' && c != '-' && c != '.'),
    ];
    classes.iter().filter(|&&c| c).count() >= 2 || value.chars().count() >= 16
}

/// Whether a long run of key-like characters is random: mixed case and several digits with high
/// entropy. Hex strings (hashes, UUIDs) and long identifiers are left alone.
fn is_random(run: &str) -> bool {
    let digits = run.chars().filter(char::is_ascii_digit).count();
    let upper = run.chars().filter(char::is_ascii_uppercase).count();
    let lower = run.chars().filter(char::is_ascii_lowercase).count();
    if digits < 3 || upper < 3 || lower < 3 {
        return false;
    }
    if run.contains("__") || run.contains("--") || run.contains("//") {
        return false;
    }
    shannon_entropy(run) >= 4.3
}

/// Bits per char of the run's char distribution.
fn shannon_entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in text.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let len = text.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
