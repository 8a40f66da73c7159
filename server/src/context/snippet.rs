//! Shortening a definition to what a caller needs: its signature and the shape of its body.
//!
//! Language-neutral, by indentation only: lines nested deeper than the body's first level are
//! replaced by one elision line (`...` at their indentation), so a class keeps its fields and
//! method signatures and a function its top-level statements. If that is still too long, the
//! first lines and the closing line stay and an elision line stands for the middle.

/// Elision marker; valid Python and understood by code models in every language.
const ELISION: &str = "...";

/// The definition `text` (its whole lines) cut to at most `max_lines` lines (at least 3).
pub fn trim_definition(text: &str, max_lines: usize) -> String {
    let max_lines = max_lines.max(3);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max_lines {
        return with_final_break(text.to_owned());
    }
    let base = width(indent(lines[0]));
    let last = lines[lines.len() - 1];
    // A closing line (`}`, `end`, `)`) sits at the opening line's indentation; a Python body's
    // last statement does not, and an elision says more than a random statement would.
    let closer = (!last.trim().is_empty() && width(indent(last)) <= base).then_some(last);
    let middle = &lines[1..lines.len() - 1];

    let body_level = middle
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| width(indent(l)))
        .filter(|&w| w > base)
        .min();
    let mut kept: Vec<String> = vec![lines[0].to_owned()];
    match body_level {
        Some(level) => outline(middle, level, &mut kept),
        None => kept.extend(middle.iter().map(|l| l.to_string())),
    }
    if closer.is_none() && kept.last().is_some_and(|l| !is_elision(l)) && lines.len() > 1 {
        kept.push(elision_like(last));
    }
    let budget = max_lines - usize::from(closer.is_some());
    if kept.len() > budget {
        kept.truncate(budget);
        // The last kept line gives way to an elision at its depth, so the snippet says that
        // more follows at that level (even right after a deeper elision).
        if let Some(line) = kept.last_mut().filter(|l| !is_elision(l)) {
            *line = elision_like(line);
        }
    }
    kept.extend(closer.map(str::to_owned));
    with_final_break(kept.join("\n"))
}

/// Keeps non-blank lines at most `level` deep; each run of deeper lines becomes one elision.
fn outline(lines: &[&str], level: usize, out: &mut Vec<String>) {
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        if width(indent(line)) <= level {
            out.push((*line).to_owned());
        } else if !out.last().is_some_and(|l| is_elision(l)) {
            out.push(elision_like(line));
        }
    }
}

fn elision_like(line: &str) -> String {
    format!("{}{ELISION}", indent(line))
}

fn is_elision(line: &str) -> bool {
    line.trim_start() == ELISION
}

fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Indentation width; a tab counts as four columns.
fn width(indent: &str) -> usize {
    indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

fn with_final_break(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_definition_table() {
        let cases: &[(&str, &str, usize, &str)] = &[
            (
                "short definitions stay whole",
                "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}",
                12,
                "fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n",
            ),
            (
                "a class keeps member signatures, bodies elided",
                "class Cart:\n    items = []\n\n    def add(self, item):\n        self.items.append(item)\n        self.touch()\n\n    def total(self):\n        return sum(i.price for i in self.items)\n",
                5,
                "class Cart:\n    items = []\n    def add(self, item):\n        ...\n    ...\n",
            ),
            (
                "a braced type keeps its fields and its closing line",
                "struct Config {\n    name: String,\n    port: u16,\n    hosts: Vec<String>,\n    retry: Retry,\n    tls: bool,\n}",
                5,
                "struct Config {\n    name: String,\n    port: u16,\n    ...\n}\n",
            ),
            (
                "nested blocks collapse before anything is cut",
                "fn run(cfg: &Config) -> Result<()> {\n    let server = bind(cfg)?;\n    for conn in server.incoming() {\n        handle(conn?);\n        log(\"done\");\n    }\n    Ok(())\n}",
                7,
                "fn run(cfg: &Config) -> Result<()> {\n    let server = bind(cfg)?;\n    for conn in server.incoming() {\n        ...\n    }\n    Ok(())\n}\n",
            ),
            (
                "then the outline is cut, an elision standing for the rest",
                "fn run(cfg: &Config) -> Result<()> {\n    let server = bind(cfg)?;\n    for conn in server.incoming() {\n        handle(conn?);\n        log(\"done\");\n    }\n    Ok(())\n}",
                6,
                "fn run(cfg: &Config) -> Result<()> {\n    let server = bind(cfg)?;\n    for conn in server.incoming() {\n        ...\n    ...\n}\n",
            ),
            (
                "tabs are kept in the elision line",
                "func main() {\n\ta()\n\tb()\n\tc()\n\td()\n}",
                4,
                "func main() {\n\ta()\n\t...\n}\n",
            ),
            (
                "flat text (no deeper body) is cut head and tail",
                "a\nb\nc\nd\ne\nf",
                4,
                "a\nb\n...\nf\n",
            ),
        ];
        for (name, text, max, want) in cases {
            assert_eq!(trim_definition(text, *max), *want, "{name}");
        }
    }

    #[test]
    fn never_longer_than_asked() {
        let long: String = (0..200)
            .map(|i| format!("{}line {i}\n", "  ".repeat(i % 5)))
            .collect();
        for max in [0, 1, 3, 4, 7, 12, 40, 199] {
            let got = trim_definition(&long, max);
            assert!(got.lines().count() <= max.max(3), "max {max}: {got}");
            assert!(got.starts_with("line 0\n"));
        }
    }
}
