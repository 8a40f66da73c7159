//! The explanations instruct models append after the code.

/// How explanations start; matched at column 0 only, where code in tandem's languages does not
/// begin with these words.
const PROSE_OPENERS: &[&str] = &[
    "In this solution",
    "In this code",
    "In this implementation",
    "In this example",
    "In this function",
    "In the above",
    "In the code above",
    "This code",
    "This function",
    "This solution",
    "This implementation",
    "This program",
    "This script",
    "This will ",
    "This should ",
    "The above code",
    "The code above",
    "The function above",
    "The code defines",
    "The function `",
    "Here is ",
    "Here's ",
    "Explanation:",
    "Explanation of",
    "### Explanation",
    "## Explanation",
    "**Explanation",
    "**Note",
    "Note:",
    "Note that ",
    "Example usage:",
    "Output:",
    "Sure, ",
    "Sure!",
    "Certainly",
];

/// Whether `line`, which starts at column `column` of the document, is prose.
pub fn is_prose(line: &str, column: Option<usize>) -> bool {
    column == Some(0) && PROSE_OPENERS.iter().any(|p| line.starts_with(p))
}
