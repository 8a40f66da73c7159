//! What the text around the cursor asks for: the names to look up, and the query for similar code.

use std::collections::HashSet;

use super::identifiers::{identifiers, is_word_char};

/// The text around the cursor, shaped like the engine's `CursorWindow`.
#[derive(Debug, Clone, Copy)]
pub struct CursorText<'a> {
    /// The cursor line before the cursor.
    pub line_prefix: &'a str,
    /// The cursor line after the cursor.
    pub line_suffix: &'a str,
    /// Lines before the cursor line, nearest first.
    pub before: &'a [String],
    /// Lines after the cursor line, nearest first.
    pub after: &'a [String],
}

impl CursorText<'_> {
    /// The cursor line before the cursor, without the word being typed: a half-typed name
    /// matches nothing, and leaving it out keeps what the cursor asks for unchanged while a
    /// word is typed, so context (and the model's cache) stays put.
    fn settled_prefix(&self) -> &str {
        self.line_prefix.trim_end_matches(is_word_char)
    }

    /// The cursor line after the cursor, without the rest of a word the cursor is inside.
    fn settled_suffix(&self) -> &str {
        if self.line_prefix.ends_with(is_word_char) {
            self.line_suffix.trim_start_matches(is_word_char)
        } else {
            self.line_suffix
        }
    }
}

/// How many names to look up, and from how far around the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameLimits {
    /// Lines above the cursor line that are searched.
    pub lines_before: usize,
    /// Lines below the cursor line that are searched.
    pub lines_after: usize,
    /// Names taken from around the cursor: a safety cap for pathological lines, set high
    /// because a name pushed out by a nearer one loses its definition from the prompt, and
    /// with it the model's cached prompt from that chunk on.
    pub max_near: usize,
    /// Names taken from the file's imports on top of those.
    pub max_imports: usize,
    /// Shorter names (`i`, `x`) are loop variables, not things worth a definition.
    pub min_len: usize,
}

impl Default for NameLimits {
    fn default() -> Self {
        Self {
            lines_before: 15,
            lines_after: 1,
            max_near: 32,
            max_imports: 8,
            min_len: 2,
        }
    }
}

/// The names whose definitions the prompt wants: identifiers around the cursor, nearest first
/// (by lines, then by characters from the cursor), then names the file imports.
pub fn wanted_names(
    cursor: &CursorText<'_>,
    imports: &[String],
    limits: &NameLimits,
) -> Vec<String> {
    // (line distance, char distance, name); the first sighting of a name is its nearest one
    // only within a line, so every sighting is ranked and the best kept.
    let mut sightings: Vec<(usize, usize, &str)> = Vec::new();
    let prefix = cursor.settled_prefix();
    sightings
        .extend(identifiers(prefix).map(|(at, word)| (0, prefix.len() - (at + word.len()), word)));
    sightings.extend(identifiers(cursor.settled_suffix()).map(|(at, word)| (0, at, word)));
    for (i, line) in cursor.before.iter().take(limits.lines_before).enumerate() {
        sightings.extend(
            identifiers(line).map(|(at, word)| (i + 1, line.len() - (at + word.len()), word)),
        );
    }
    for (i, line) in cursor.after.iter().take(limits.lines_after).enumerate() {
        sightings.extend(identifiers(line).map(|(at, word)| (i + 1, at, word)));
    }
    sightings.sort();

    let mut seen = HashSet::new();
    let mut names: Vec<String> = sightings
        .into_iter()
        .map(|(_, _, word)| word)
        .filter(|word| word.chars().count() >= limits.min_len && seen.insert(*word))
        .take(limits.max_near)
        .map(str::to_owned)
        .collect();
    let imported: Vec<String> = imports
        .iter()
        .filter(|name| {
            name.chars().count() >= limits.min_len
                && identifiers(name).count() == 1
                && seen.insert(name.as_str())
        })
        .take(limits.max_imports)
        .cloned()
        .collect();
    names.extend(imported);
    names
}

/// The text to compare other code against: the `lines` lines before the cursor line and the
/// settled part of the cursor line, in document order.
pub fn similarity_query(cursor: &CursorText<'_>, lines: usize) -> String {
    let mut query = String::new();
    for line in cursor.before.iter().take(lines).rev() {
        query.push_str(line);
        if !line.ends_with('\n') {
            query.push('\n');
        }
    }
    query.push_str(cursor.settled_prefix());
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|l| format!("{l}\n")).collect()
    }

    #[test]
    fn wanted_names_table() {
        struct Case {
            name: &'static str,
            prefix: &'static str,
            suffix: &'static str,
            before: &'static [&'static str],
            after: &'static [&'static str],
            imports: &'static [&'static str],
            want: &'static [&'static str],
        }
        let cases = [
            Case {
                name: "cursor line first by distance, then each line above from its end",
                prefix: "    total = compute_tax(order, ",
                suffix: ")",
                before: &[
                    "    order = load_order(order_id)",
                    "def checkout(order_id):",
                ],
                after: &[],
                imports: &[],
                want: &[
                    "order",
                    "compute_tax",
                    "total",
                    "order_id",
                    "load_order",
                    "checkout",
                ],
            },
            Case {
                name: "the word being typed is left out, its complete neighbours are not",
                prefix: "    result = parse_con",
                suffix: "fig(path)",
                before: &[],
                after: &[],
                imports: &[],
                want: &["path", "result"],
            },
            Case {
                name: "a complete word right after the cursor counts",
                prefix: "x = ",
                suffix: "render_page(ctx)",
                before: &[],
                after: &[],
                imports: &[],
                want: &["render_page", "ctx"],
            },
            Case {
                name: "keywords, numbers and one-letter names are skipped",
                prefix: "for i in range(10): if self.ok: return ",
                suffix: "",
                before: &[],
                after: &[],
                imports: &[],
                want: &["ok", "range"],
            },
            Case {
                name: "the line below counts after the cursor line",
                prefix: "    let cfg = ",
                suffix: "",
                before: &["fn main() {"],
                after: &["    run_server(cfg);", "    never_seen();"],
                imports: &[],
                want: &["cfg", "run_server", "main"],
            },
            Case {
                name: "imports follow, without repeats or dotted paths",
                prefix: "    send(",
                suffix: "",
                before: &[],
                after: &[],
                imports: &["Mailer", "send", "os.path", "Template", "x"],
                want: &["send", "Mailer", "Template"],
            },
        ];
        for case in cases {
            let before = lines(case.before);
            let after = lines(case.after);
            let cursor = CursorText {
                line_prefix: case.prefix,
                line_suffix: case.suffix,
                before: &before,
                after: &after,
            };
            let imports: Vec<String> = case.imports.iter().map(|s| s.to_string()).collect();
            let got = wanted_names(&cursor, &imports, &NameLimits::default());
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn wanted_names_respects_limits() {
        let before = lines(&["alpha beta gamma delta", "epsilon zeta eta theta"]);
        let imports = vec!["Imported".to_string(), "Other".to_string()];
        let cursor = CursorText {
            line_prefix: "",
            line_suffix: "",
            before: &before,
            after: &[],
        };
        let limits = NameLimits {
            lines_before: 1,
            max_near: 3,
            max_imports: 1,
            ..NameLimits::default()
        };
        let got = wanted_names(&cursor, &imports, &limits);
        assert_eq!(got, ["delta", "gamma", "beta", "Imported"]);
    }

    #[test]
    fn similarity_query_keeps_document_order_and_drops_the_typed_word() {
        let before = lines(&["    b = 2", "    a = 1", "def f():"]);
        let cursor = CursorText {
            line_prefix: "    return a + b + partia",
            line_suffix: "",
            before: &before,
            after: &[],
        };
        assert_eq!(
            similarity_query(&cursor, 2),
            "    a = 1\n    b = 2\n    return a + b + "
        );
    }

    #[test]
    fn typing_a_word_does_not_change_what_is_asked_for() {
        let before = lines(&["user = load(user_id)"]);
        let at = |prefix: &'static str| {
            let cursor = CursorText {
                line_prefix: prefix,
                line_suffix: "",
                before: &before,
                after: &[],
            };
            (
                wanted_names(&cursor, &[], &NameLimits::default()),
                similarity_query(&cursor, 20),
            )
        };
        assert_eq!(at("send_mail(user.em"), at("send_mail(user.ema"));
        assert_ne!(at("send_mail(user.email"), at("send_mail(user.email, "));
    }
}
