//! Token healing for a cursor right after word characters (pure).
//!
//! The model's tokenizer splits text into tokens that usually begin at a word start (`import`,
//! ` LookupDict`). A prompt that ends inside a word (`from .structures imp`) ends on a token the
//! model rarely saw followed by the rest of that word, so small models start a new word instead
//! (`s import …`). Healing cuts the partial word from the prompt and has the model write it again:
//! its answer must begin with the cut text, which is then taken off before the answer is shown.

/// Longest partial word that is healed: a longer run (a hash, a long literal) stays in the prompt,
/// since rewriting it costs more tokens than the boundary is worth.
const MAX_WORD_CHARS: usize = 32;

/// Characters a word is made of, as most languages' identifiers and numbers are.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The partial word right before the cursor (empty when the line prefix does not end in a word
/// character, or when the word is longer than [`MAX_WORD_CHARS`]).
pub fn partial_word(line_prefix: &str) -> &str {
    let start = line_prefix
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(line_prefix.len(), |(at, _)| at);
    let word = &line_prefix[start..];
    if word.chars().count() > MAX_WORD_CHARS {
        return "";
    }
    word
}

/// How the text a healed request generated so far relates to the cut word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Healed<'a> {
    /// Still writing the cut word: nothing to decide yet.
    Pending,
    /// The model wrote the cut word; this is what follows it, the suggestion.
    Rest(&'a str),
    /// The model wrote something else: the answer does not continue what the user typed.
    Diverged,
}

/// Relates `generated` to the cut `word` (see [`Healed`]).
pub fn healed<'a>(generated: &'a str, word: &str) -> Healed<'a> {
    match generated.strip_prefix(word) {
        Some(rest) => Healed::Rest(rest),
        None if word.starts_with(generated) => Healed::Pending,
        None => Healed::Diverged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_word_is_the_run_of_word_characters_before_the_cursor() {
        let cases = [
            ("from .structures imp", "imp"),
            ("    let unerase", "unerase"),
            ("fun", "fun"),
            ("\tx := f(a, b", "b"),
            ("value = 42", "42"),
            ("let größe", "größe"),
            ("    snake_case", "snake_case"),
            ("call(", ""),
            ("return ", ""),
            ("", ""),
            ("a.b", "b"),
        ];
        for (line_prefix, want) in cases {
            assert_eq!(partial_word(line_prefix), want, "{line_prefix:?}");
        }
    }

    #[test]
    fn a_word_longer_than_the_limit_is_left_in_the_prompt() {
        let hash = format!("id = {}", "a1".repeat(20));
        assert_eq!(partial_word(&hash), "");
        let long = format!("x{}", "y".repeat(MAX_WORD_CHARS - 1));
        assert_eq!(partial_word(&long), long);
    }

    #[test]
    fn generated_text_is_pending_continued_or_diverged() {
        assert_eq!(healed("", "imp"), Healed::Pending);
        assert_eq!(healed("im", "imp"), Healed::Pending);
        assert_eq!(healed("imp", "imp"), Healed::Rest(""));
        assert_eq!(healed("import X", "imp"), Healed::Rest("ort X"));
        assert_eq!(healed("s import", "imp"), Healed::Diverged);
        assert_eq!(healed("Imp", "imp"), Healed::Diverged);
        assert_eq!(healed("anything", ""), Healed::Rest("anything"));
    }
}
