//! The recent-edits source: where the user changed code lately, most recent first.
//!
//! `RecentEdits` is plain data the caller keeps and feeds on every edit; it holds line numbers
//! only, and the snippets are cut from the texts the caller passes when it asks for candidates.

use super::candidate::{Candidate, CurrentWindow, FileText, Source};
use super::lines::line_span;

/// A region of a file that was edited, with the line edited last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRegion {
    pub path: String,
    /// First and last edited line (0-based, inclusive).
    pub start_line: usize,
    pub end_line: usize,
    /// The line of the latest edit in the region.
    pub last_line: usize,
    /// The caller's clock (any increasing counter) at the latest edit.
    pub tick: u64,
}

/// An edit in line terms: at `line` of `path`, `removed_breaks` line breaks were deleted and
/// `inserted_breaks` added (both 0 for an edit within one line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineEdit<'a> {
    pub path: &'a str,
    pub line: usize,
    pub removed_breaks: usize,
    pub inserted_breaks: usize,
}

impl LineEdit<'_> {
    /// Where line `l` is after the edit; a line inside the removed span maps to the edit line,
    /// or to the last inserted line when `to_end`.
    fn map(&self, l: usize, to_end: bool) -> usize {
        if l <= self.line {
            l
        } else if l > self.line + self.removed_breaks {
            l + self.inserted_breaks - self.removed_breaks
        } else if to_end {
            self.line + self.inserted_breaks
        } else {
            self.line
        }
    }
}

/// How snippets around regions are cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentLimits {
    /// Lines shown above and below a region.
    pub context_lines: usize,
    /// Lines per snippet; a bigger region is shown around its last edited line.
    pub max_lines: usize,
}

impl Default for RecentLimits {
    fn default() -> Self {
        Self {
            context_lines: 2,
            max_lines: 12,
        }
    }
}

/// The last edited regions of the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentEdits {
    /// Most recent first.
    regions: Vec<EditRegion>,
    max_regions: usize,
    merge_distance: usize,
}

impl Default for RecentEdits {
    fn default() -> Self {
        Self::new(8, 3)
    }
}

impl RecentEdits {
    /// Keeps the last `max_regions` regions; edits at most `merge_distance` lines apart join
    /// one region.
    pub fn new(max_regions: usize, merge_distance: usize) -> Self {
        Self {
            regions: Vec::new(),
            max_regions,
            merge_distance,
        }
    }

    /// Records an edit of line `line` in `path` that added or removed no lines.
    pub fn record(&mut self, path: &str, line: usize, tick: u64) {
        self.record_edit(
            &LineEdit {
                path,
                line,
                removed_breaks: 0,
                inserted_breaks: 0,
            },
            tick,
        );
    }

    /// Records an edit: regions of the file below it move with their lines, and the edited
    /// lines join the nearest region or open a new one.
    pub fn record_edit(&mut self, edit: &LineEdit<'_>, tick: u64) {
        for region in self.regions.iter_mut().filter(|r| r.path == edit.path) {
            region.start_line = edit.map(region.start_line, false);
            region.end_line = edit.map(region.end_line, true).max(region.start_line);
            region.last_line = edit.map(region.last_line, false);
        }
        let mut merged = EditRegion {
            path: edit.path.to_owned(),
            start_line: edit.line,
            end_line: edit.line + edit.inserted_breaks,
            last_line: edit.line,
            tick,
        };
        // The new edit can bridge two regions; absorb every region it comes near.
        let reach = self.merge_distance;
        self.regions.retain(|r| {
            let near = r.path == merged.path
                && r.start_line <= merged.end_line + reach
                && merged.start_line <= r.end_line + reach;
            if near {
                merged.start_line = merged.start_line.min(r.start_line);
                merged.end_line = merged.end_line.max(r.end_line);
            }
            !near
        });
        self.regions.insert(0, merged);
        self.regions.truncate(self.max_regions);
    }

    /// Forgets a file's regions (deleted, or no longer worth showing).
    pub fn forget(&mut self, path: &str) {
        self.regions.retain(|r| r.path != path);
    }

    /// The regions, most recent first.
    pub fn regions(&self) -> &[EditRegion] {
        &self.regions
    }

    /// A snippet around each region whose file is in `files`, most recent first; snippets
    /// overlapping the current window are left out (the prompt already shows them).
    pub fn candidates(
        &self,
        files: &[FileText<'_>],
        current: &CurrentWindow<'_>,
        limits: &RecentLimits,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        for region in &self.regions {
            let Some(file) = files.iter().find(|f| f.path == region.path) else {
                continue;
            };
            let (start, end) = snippet_lines(region, limits);
            if current.overlaps(file.path, start, end) {
                continue;
            }
            let Some(text) = line_span(file.text, start, end) else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            // Line numbers of a file past its end are clamped by `line_span`; keep the
            // candidate's range honest about what it holds.
            let end = start + text.lines().count().saturating_sub(1);
            out.push(Candidate {
                source: Source::Recent,
                path: file.path.to_owned(),
                start_line: start,
                end_line: end,
                text: text.to_owned(),
                score: 1.0 / (1.0 + out.len() as f32),
            });
        }
        out
    }
}

/// The lines shown for a region: the region with context around it, at most `max_lines`,
/// centred on the last edited line when the region is bigger.
fn snippet_lines(region: &EditRegion, limits: &RecentLimits) -> (usize, usize) {
    let start = region.start_line.saturating_sub(limits.context_lines);
    let end = region.end_line + limits.context_lines;
    let max = limits.max_lines.max(1);
    if end - start < max {
        return (start, end);
    }
    let from = region
        .last_line
        .saturating_sub(max / 2)
        .clamp(start, end + 1 - max);
    (from, from + max - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(edits: &RecentEdits) -> Vec<(&str, usize, usize, usize)> {
        edits
            .regions()
            .iter()
            .map(|r| (r.path.as_str(), r.start_line, r.end_line, r.last_line))
            .collect()
    }

    #[test]
    fn regions_table() {
        // (edits as (path, line, removed, inserted), expected regions most recent first)
        type Edit = (&'static str, usize, usize, usize);
        type Region = (&'static str, usize, usize, usize);
        let cases: &[(&str, &[Edit], &[Region])] = &[
            (
                "nearby lines join one region",
                &[("a", 10, 0, 0), ("a", 12, 0, 0), ("a", 11, 0, 0)],
                &[("a", 10, 12, 11)],
            ),
            (
                "far lines and other files open new regions, newest first",
                &[("a", 10, 0, 0), ("a", 40, 0, 0), ("b", 10, 0, 0)],
                &[("b", 10, 10, 10), ("a", 40, 40, 40), ("a", 10, 10, 10)],
            ),
            (
                "an edit between two regions bridges them",
                &[("a", 10, 0, 0), ("a", 16, 0, 0), ("a", 13, 0, 0)],
                &[("a", 10, 16, 13)],
            ),
            (
                "inserted lines move regions below and widen the edited one",
                &[("a", 50, 0, 0), ("b", 50, 0, 0), ("a", 5, 0, 3)],
                &[("a", 5, 8, 5), ("b", 50, 50, 50), ("a", 53, 53, 53)],
            ),
            (
                "removed lines move regions up; a region inside the removal collapses",
                &[("a", 50, 0, 0), ("a", 22, 0, 0), ("a", 20, 4, 0)],
                &[("a", 20, 20, 20), ("a", 46, 46, 46)],
            ),
            (
                "edits above a region in another file change nothing there",
                &[("b", 7, 0, 0), ("a", 0, 0, 10)],
                &[("a", 0, 10, 0), ("b", 7, 7, 7)],
            ),
        ];
        for (name, edits, want) in cases {
            let mut recent = RecentEdits::new(8, 3);
            for (tick, &(path, line, removed, inserted)) in edits.iter().enumerate() {
                let edit = LineEdit {
                    path,
                    line,
                    removed_breaks: removed,
                    inserted_breaks: inserted,
                };
                recent.record_edit(&edit, tick as u64);
            }
            assert_eq!(spans(&recent), *want, "{name}");
        }
    }

    #[test]
    fn keeps_the_last_regions_and_forgets_files() {
        let mut recent = RecentEdits::new(3, 1);
        for (tick, line) in [0, 10, 20, 30, 40].into_iter().enumerate() {
            recent.record("a", line, tick as u64);
        }
        recent.record("b", 0, 9);
        let got: Vec<(&str, usize, u64)> = recent
            .regions()
            .iter()
            .map(|r| (r.path.as_str(), r.start_line, r.tick))
            .collect();
        assert_eq!(got, [("b", 0, 9), ("a", 40, 4), ("a", 30, 3)]);
        recent.forget("a");
        assert_eq!(recent.regions().len(), 1);
    }

    fn numbered(lines: usize) -> String {
        (0..lines).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn candidates_show_context_around_regions_outside_the_window() {
        let a = numbered(100);
        let b = numbered(10);
        let files = [
            FileText {
                path: "a",
                text: &a,
            },
            FileText {
                path: "b",
                text: &b,
            },
        ];
        let mut recent = RecentEdits::default();
        recent.record("gone", 3, 0);
        recent.record("b", 9, 1);
        recent.record("a", 80, 2);
        recent.record("a", 30, 3);
        for line in 50..=70 {
            recent.record("a", line, 4 + line as u64);
        }
        let current = CurrentWindow {
            path: "a",
            start_line: 25,
            end_line: 45,
        };
        let got = recent.candidates(&files, &current, &RecentLimits::default());
        let spans: Vec<(&str, usize, usize)> = got
            .iter()
            .map(|c| (c.path.as_str(), c.start_line, c.end_line))
            .collect();
        // The 50..=70 region is longer than 12 lines: shown around its last edit (70).
        // Line 30 is inside the window; "gone" has no text; "b" is clamped to its end.
        assert_eq!(spans, [("a", 61, 72), ("a", 78, 82), ("b", 7, 9)]);
        assert_eq!(got[1].text, "line 78\nline 79\nline 80\nline 81\nline 82\n");
        assert!(got.windows(2).all(|w| w[0].score > w[1].score));
        assert!(got.iter().all(|c| c.source == Source::Recent));
    }

    #[test]
    fn snippet_lines_table() {
        let region = |start, end, last| EditRegion {
            path: "a".into(),
            start_line: start,
            end_line: end,
            last_line: last,
            tick: 0,
        };
        let limits = RecentLimits {
            context_lines: 2,
            max_lines: 6,
        };
        let cases = [
            (region(0, 0, 0), (0, 2)),
            (region(10, 11, 10), (8, 13)),
            (region(10, 30, 30), (27, 32)),
            (region(10, 30, 10), (8, 13)),
            (region(10, 30, 20), (17, 22)),
        ];
        for (r, want) in cases {
            assert_eq!(snippet_lines(&r, &limits), want, "{r:?}");
        }
    }
}
