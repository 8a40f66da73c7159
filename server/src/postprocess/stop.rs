//! Cutting the output at stop strings and at special tokens models leak into their text.

/// Special tokens of common FIM and chat templates, cut even when the template forgot them.
const SPECIAL_TOKENS: &[&str] = &[
    "<file_sep>",
    "<EOT>",
    "</s>",
    "<fim_prefix>",
    "<fim_suffix>",
    "<fim_middle>",
    "<fim_pad>",
    "<filename>",
    "<reponame>",
    "<gh_stars>",
    "<PRE>",
    "<SUF>",
    "<MID>",
    "<｜end▁of▁sentence｜>",
    "<｜fim▁begin｜>",
    "<｜fim▁hole｜>",
    "<｜fim▁end｜>",
];

/// Longest name accepted inside a `<|name|>` token.
const MAX_TOKEN_NAME: usize = 40;

/// Byte offset of the first stop string, special token or `<|name|>` token in `text`.
pub fn first_stop(text: &str, stops: &[String]) -> Option<usize> {
    let literal = literal_stops(stops).filter_map(|s| text.find(s)).min();
    let token = text.match_indices("<|").map(|(i, _)| i).find(|&i| {
        let name_len = token_name_len(&text[i + 2..]);
        (1..=MAX_TOKEN_NAME).contains(&name_len) && text[i + 2 + name_len..].starts_with("|>")
    });
    [literal, token].into_iter().flatten().min()
}

/// Whether the stop found at `at` stays the first one however the text continues, i.e. no longer
/// stop string starts before it and runs past the end of `text`.
pub fn is_final(text: &str, at: usize, stops: &[String]) -> bool {
    candidate_starts(text, stops)
        .filter(|q| *q < at)
        .all(|q| !could_start_stop(&text[q..], stops))
}

/// The length of the longest prefix of `text` that no continuation can cut: text from there on
/// may be the start of a stop string.
pub fn stable_len(text: &str, stops: &[String]) -> usize {
    candidate_starts(text, stops)
        .find(|&q| could_start_stop(&text[q..], stops))
        .unwrap_or(text.len())
}

/// Char boundaries close enough to the end of `text` for an unfinished stop to start there.
fn candidate_starts<'t>(text: &'t str, stops: &[String]) -> impl Iterator<Item = usize> + 't {
    let longest = literal_stops(stops)
        .map(str::len)
        .chain([MAX_TOKEN_NAME + 4])
        .max()
        .unwrap_or(0);
    let from = text.len().saturating_sub(longest);
    (from..text.len()).filter(|q| text.is_char_boundary(*q))
}

/// Whether `tail` (which runs to the end of the text seen so far) is a proper prefix of a stop
/// string, a special token or a `<|name|>` token.
fn could_start_stop(tail: &str, stops: &[String]) -> bool {
    if literal_stops(stops).any(|s| s.len() > tail.len() && s.starts_with(tail)) {
        return true;
    }
    // An unfinished `<|name|>`: "<", "<|", "<|na", "<|name", "<|name|".
    let Some(rest) = tail.strip_prefix('<') else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('|') else {
        return rest.is_empty();
    };
    let name_len = token_name_len(rest);
    let after = &rest[name_len..];
    (after.is_empty() && name_len < MAX_TOKEN_NAME)
        || (after == "|" && (1..=MAX_TOKEN_NAME).contains(&name_len))
}

fn literal_stops(stops: &[String]) -> impl Iterator<Item = &str> {
    stops
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .chain(SPECIAL_TOKENS.iter().copied())
}

fn token_name_len(text: &str) -> usize {
    text.bytes()
        .take(MAX_TOKEN_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stops(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn first_stop_finds_the_earliest_of_stop_strings_and_tokens() {
        let cases: &[(&str, &[&str], Option<usize>)] = &[
            ("abc", &[], None),
            ("a<|endoftext|>b", &[], Some(1)),
            ("a<|fim_pad|>", &[], Some(1)),
            ("ab<|file_sep|>x<|im_end|>", &[], Some(2)),
            ("x<|fim_whatever_new|>", &[], Some(1)),
            ("a<file_sep>b", &[], Some(1)),
            ("a<EOT>", &[], Some(1)),
            ("ab</s>", &[], Some(2)),
            ("a\n\nb", &["\n\n"], Some(1)),
            ("ab<|im_end|>", &["b"], Some(1)),
            ("if a <| b |> c", &[], None),
            ("x = a <|b", &[], None),
            ("<｜fim▁end｜>", &[], Some(0)),
        ];
        for (text, list, expected) in cases {
            assert_eq!(first_stop(text, &stops(list)), *expected, "{text:?}");
        }
    }

    #[test]
    fn stable_len_stops_before_what_may_become_a_stop() {
        let cases: &[(&str, &[&str], usize)] = &[
            ("abc", &[], 3),
            ("abc<", &[], 3),
            ("abc<|", &[], 3),
            ("abc<|endof", &[], 3),
            ("abc<|endoftext|", &[], 3),
            ("abc<|a b", &[], 8),
            ("abc</", &[], 3),
            ("abc<fim_", &[], 3),
            ("abc\n", &["\n\n"], 3),
            ("abc\nd", &["\n\n"], 5),
            ("a < b", &[], 5),
        ];
        for (text, list, expected) in cases {
            assert_eq!(stable_len(text, &stops(list)), *expected, "{text:?}");
        }
    }
}
