//! What every context source produces, and what the prompt receives from it.

use std::ops::RangeInclusive;

use tandem_clients::ContextChunk;

/// Where a candidate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Definitions of the names used near the cursor and of what the file imports.
    Definitions,
    /// Code similar to the lines before the cursor.
    Similar,
    /// Regions the user edited recently.
    Recent,
    /// The signatures related files define (see `context::outline`).
    Outline,
}

impl Source {
    /// Every source, in the order the config lists them.
    pub const ALL: [Source; 4] = [
        Source::Definitions,
        Source::Similar,
        Source::Recent,
        Source::Outline,
    ];

    /// The name used in config, telemetry and outcomes.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Definitions => "definitions",
            Source::Similar => "similar",
            Source::Recent => "recent",
            Source::Outline => "outline",
        }
    }

    /// The source named `name` (as in `[context] sources`).
    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A piece of code a source proposes for the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub source: Source,
    /// Workspace-relative path, shown to the model as the chunk's file name.
    pub path: String,
    /// First line of the file the text comes from (0-based).
    pub start_line: usize,
    /// Last line (0-based, inclusive).
    pub end_line: usize,
    pub text: String,
    /// Relevance within (0, 1]; higher first. Comparable across sources only roughly.
    pub score: f32,
}

impl Candidate {
    /// The lines of its file the candidate covers (0-based, inclusive).
    pub fn lines(&self) -> RangeInclusive<usize> {
        self.start_line..=self.end_line
    }

    /// The chunk the prompt renders as `<|file_sep|>{filename}\n{text}` (or as a comment).
    pub fn to_chunk(&self) -> ContextChunk {
        ContextChunk {
            filename: self.path.clone(),
            text: self.text.clone(),
        }
    }

    /// Whether both come from the same file and share at least one line. An outline spans its
    /// file but shows only signature lines, so it overlaps only another outline.
    pub fn overlaps(&self, other: &Candidate) -> bool {
        (self.source == Source::Outline) == (other.source == Source::Outline)
            && self.path == other.path
            && self.start_line <= other.end_line
            && other.start_line <= self.end_line
    }
}

/// The file being edited and the lines its prompt window already shows (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentWindow<'a> {
    pub path: &'a str,
    pub start_line: usize,
    pub end_line: usize,
}

impl CurrentWindow<'_> {
    /// Whether lines `start..=end` of `path` overlap the window.
    pub fn overlaps(&self, path: &str, start: usize, end: usize) -> bool {
        path == self.path && start <= self.end_line && self.start_line <= end
    }
}

/// A file's path and current text, as the caller has it (open buffer or index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileText<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_round_trip() {
        for source in Source::ALL {
            assert_eq!(Source::from_name(source.as_str()), Some(source));
        }
        assert_eq!(Source::from_name("everything"), None);
    }

    fn at(path: &str, start: usize, end: usize) -> Candidate {
        Candidate {
            source: Source::Similar,
            path: path.into(),
            start_line: start,
            end_line: end,
            text: "x\n".into(),
            score: 1.0,
        }
    }

    fn outline(candidate: Candidate) -> Candidate {
        Candidate {
            source: Source::Outline,
            ..candidate
        }
    }

    #[test]
    fn overlap_table() {
        let cases = [
            (at("a", 0, 9), at("a", 9, 20), true),
            (at("a", 0, 9), at("a", 10, 20), false),
            (at("a", 5, 6), at("a", 0, 20), true),
            (at("a", 0, 9), at("b", 0, 9), false),
            (outline(at("a", 0, 9)), at("a", 5, 6), false),
            (at("a", 0, 9), outline(at("a", 5, 6)), false),
            (outline(at("a", 0, 9)), outline(at("a", 5, 6)), true),
        ];
        for (x, y, want) in cases {
            assert_eq!(x.overlaps(&y), want, "{x:?} {y:?}");
            assert_eq!(y.overlaps(&x), want, "{y:?} {x:?}");
        }
    }

    #[test]
    fn window_overlap_table() {
        let window = CurrentWindow {
            path: "src/a.rs",
            start_line: 10,
            end_line: 20,
        };
        let cases = [
            ("src/a.rs", 0, 9, false),
            ("src/a.rs", 0, 10, true),
            ("src/a.rs", 20, 30, true),
            ("src/a.rs", 21, 30, false),
            ("src/b.rs", 12, 14, false),
        ];
        for (path, start, end, want) in cases {
            assert_eq!(
                window.overlaps(path, start, end),
                want,
                "{path} {start}..={end}"
            );
        }
    }

    #[test]
    fn chunk_carries_path_and_text() {
        let chunk = at("lib/util.py", 3, 4).to_chunk();
        assert_eq!(chunk.filename, "lib/util.py");
        assert_eq!(chunk.text, "x\n");
    }
}
