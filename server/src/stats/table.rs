//! Plain-text tables with aligned columns, for the terminal.

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table: headings, one alignment per column, rows of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub headings: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
}

/// ANSI bold on / off around headings when writing to a terminal.
const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");

impl Table {
    /// A table with these headings; the first column left-aligned, the others right-aligned
    /// (names first, numbers after).
    pub fn new(headings: &[&str]) -> Self {
        Self {
            headings: headings.iter().map(|h| h.to_string()).collect(),
            align: (0..headings.len())
                .map(|i| if i == 0 { Align::Left } else { Align::Right })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank, extra cells are dropped).
    pub fn push(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The rows only, aligned as if the headings were there (a list of names and values).
    pub fn render_rows(&self, indent: &str) -> String {
        let all = self.render(indent, false);
        all.split_once('\n')
            .map_or(String::new(), |(_, rows)| rows.to_string())
    }

    /// The table as lines, columns two spaces apart, headings in bold when `color`.
    pub fn render(&self, indent: &str, color: bool) -> String {
        let columns = self.headings.len();
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|row| width(cell(row, i)))
                    .chain([width(&self.headings[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let pad = " ".repeat(widths[i] - width(text));
                    match self.align.get(i).copied().unwrap_or(Align::Left) {
                        Align::Left => format!("{text}{pad}"),
                        Align::Right => format!("{pad}{text}"),
                    }
                })
                .collect();
            format!("{indent}{}", padded.join("  ").trim_end())
        };
        let mut out = String::new();
        let heading = line(self.headings.iter().map(String::as_str).collect());
        if color {
            out.push_str(&format!("{}{heading}{}\n", BOLD.0, BOLD.1));
        } else {
            out.push_str(&heading);
            out.push('\n');
        }
        for row in &self.rows {
            out.push_str(&line((0..columns).map(|i| cell(row, i)).collect()));
            out.push('\n');
        }
        out
    }
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map(String::as_str).unwrap_or("")
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// A share as a percentage with one decimal, `-` when undefined.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".into(), |s| format!("{:.1}%", s * 100.0))
}

/// Milliseconds rounded to whole ms, `-` when undefined.
pub fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{ms:.0}"))
}

/// A number with one decimal, `-` when undefined.
pub fn decimal(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_names_left_numbers_right() {
        let mut table = Table::new(&["model", "shown", "rate"]);
        table.push(vec![
            "qwen2.5-coder-1.5b".into(),
            "1204".into(),
            "31.0%".into(),
        ]);
        table.push(vec!["é".into(), "7".into(), "-".into()]);
        table.push(vec!["short".into()]);
        let expected = [
            "  model               shown   rate",
            "  qwen2.5-coder-1.5b   1204  31.0%",
            "  é                       7      -",
            "  short",
            "",
        ]
        .join("\n");
        assert_eq!(table.render("  ", false), expected);
    }

    #[test]
    fn rows_alone_keep_their_alignment() {
        let mut table = Table::new(&["", ""]);
        table.push(vec!["shown".into(), "12".into()]);
        table.push(vec!["accepted chars".into(), "3".into()]);
        assert_eq!(
            table.render_rows(""),
            "shown           12\naccepted chars   3\n"
        );
    }

    #[test]
    fn headings_are_bold_only_with_color() {
        let table = Table::new(&["a", "b"]);
        assert_eq!(table.render("", true), "\x1b[1ma  b\x1b[0m\n");
        assert!(!table.render("", false).contains('\x1b'));
    }

    #[test]
    fn numbers_format_with_a_dash_for_nothing() {
        assert_eq!(percent(Some(0.25)), "25.0%");
        assert_eq!(percent(Some(2.0 / 3.0)), "66.7%");
        assert_eq!(percent(None), "-");
        assert_eq!(millis(Some(179.6)), "180");
        assert_eq!(millis(None), "-");
        assert_eq!(decimal(Some(12.44)), "12.4");
    }
}
