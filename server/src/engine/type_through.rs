//! Type-through: while the user types characters that match the suggestion on screen, the rest of
//! it is answered from memory, with no model call.

/// The last suggestion shown in a document, and where it was anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub line: usize,
    /// The cursor line's text before the cursor when the suggestion was made.
    pub line_prefix: String,
    /// The document's length in chars then, to notice edits elsewhere.
    pub doc_chars: usize,
    pub text: String,
    pub id: String,
}

/// The rest of the shown suggestion if the user has only typed a prefix of it since; `None` when
/// the cursor left it, something else was typed, or the suggestion is used up.
pub fn remaining<'a>(
    shown: &'a Shown,
    line: usize,
    line_prefix: &str,
    doc_chars: usize,
) -> Option<&'a str> {
    if line != shown.line {
        return None;
    }
    let typed = line_prefix.strip_prefix(shown.line_prefix.as_str())?;
    if doc_chars != shown.doc_chars + typed.chars().count() {
        return None;
    }
    let rest = shown.text.strip_prefix(typed)?;
    if rest.trim().is_empty() {
        return None;
    }
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> Shown {
        Shown {
            line: 3,
            line_prefix: "    x = ".into(),
            doc_chars: 100,
            text: "hello_world()".into(),
            id: "s1".into(),
        }
    }

    #[test]
    fn typing_a_prefix_of_the_suggestion_keeps_the_rest() {
        assert_eq!(
            remaining(&shown(), 3, "    x = hel", 103),
            Some("lo_world()")
        );
    }

    #[test]
    fn asking_again_without_typing_returns_the_whole_suggestion() {
        assert_eq!(
            remaining(&shown(), 3, "    x = ", 100),
            Some("hello_world()")
        );
    }

    #[test]
    fn anything_else_misses() {
        let s = shown();
        // typed something that diverges
        assert_eq!(remaining(&s, 3, "    x = hex", 103), None);
        // another line
        assert_eq!(remaining(&s, 4, "    x = hel", 103), None);
        // an edit elsewhere in the document
        assert_eq!(remaining(&s, 3, "    x = hel", 110), None);
        // deleted back before the anchor
        assert_eq!(remaining(&s, 3, "    x =", 99), None);
        // typed it all
        assert_eq!(remaining(&s, 3, "    x = hello_world()", 113), None);
    }
}
