//! A file's identifiers in blocks of `stride` lines, inverted for scoring: what the similar
//! source scores windows with, and what `SimilarCache` keeps between requests.
//!
//! A window is `blocks_per_window` consecutive blocks. Its Jaccard similarity with a query needs
//! its number of distinct identifiers, which does not depend on the query and is counted once,
//! and how many query identifiers it holds, which is counted from each query identifier's list
//! of blocks: a query has a few dozen identifiers, a file thousands of occurrences.

use memchr::memchr_iter;

use super::identifiers::identifier_hashes;
use super::lines::line_count;

/// The identifiers of a file, ready to score windows against any query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileBlocks {
    pub stride: usize,
    pub blocks_per_window: usize,
    pub line_count: usize,
    /// Distinct identifiers of each window that is scored (see `window_count`).
    pub window_distinct: Vec<u32>,
    /// Distinct identifier hashes of the file, sorted.
    ids: Vec<u64>,
    /// `blocks[offsets[i]..offsets[i + 1]]` are the blocks holding `ids[i]`, ascending.
    offsets: Vec<u32>,
    blocks: Vec<u32>,
    /// One bit per identifier (by its top hash bits): most query identifiers are not in a
    /// given file, and this rules them out without a search.
    bloom: [u64; 16],
}

impl FileBlocks {
    /// Indexes `text` for windows of `blocks_per_window` blocks of `stride` lines.
    pub fn of(text: &str, stride: usize, blocks_per_window: usize) -> Self {
        let stride = stride.max(1);
        let blocks_per_window = blocks_per_window.max(1);
        let line_count = line_count(text);
        let per_block = block_sets(text, stride, line_count);
        let window_count = window_count(line_count, stride, blocks_per_window);
        let mut scratch = Vec::new();
        let window_distinct = (0..window_count)
            .map(|w| {
                let last = (w + blocks_per_window).min(per_block.len());
                distinct_in(&per_block[w..last], &mut scratch) as u32
            })
            .collect();

        let mut pairs: Vec<(u64, u32)> = per_block
            .iter()
            .enumerate()
            .flat_map(|(b, ids)| ids.iter().map(move |&id| (id, b as u32)))
            .collect();
        pairs.sort_unstable();
        let mut ids = Vec::new();
        let mut offsets = Vec::new();
        let mut bloom = [0u64; 16];
        for (i, &(id, _)) in pairs.iter().enumerate() {
            if ids.last() != Some(&id) {
                ids.push(id);
                offsets.push(i as u32);
                let bit = bloom_bit(id);
                bloom[bit / 64] |= 1 << (bit % 64);
            }
        }
        offsets.push(pairs.len() as u32);
        Self {
            stride,
            blocks_per_window,
            line_count,
            window_distinct,
            ids,
            offsets,
            blocks: pairs.into_iter().map(|(_, b)| b).collect(),
            bloom,
        }
    }

    /// For each scored window, how many of the `query` identifiers (distinct hashes) it holds.
    pub fn common_counts(&self, query: &[u64], out: &mut Vec<u32>) {
        out.clear();
        out.resize(self.window_distinct.len(), 0);
        let windows = out.len();
        for &id in query {
            let bit = bloom_bit(id);
            if self.bloom[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            let Ok(i) = self.ids.binary_search(&id) else {
                continue;
            };
            let blocks = &self.blocks[self.offsets[i] as usize..self.offsets[i + 1] as usize];
            // Block b lies in windows b + 1 - m ..= b; count each window once per identifier.
            let mut next_uncounted = 0;
            for &b in blocks {
                let b = b as usize;
                let from = (b + 1)
                    .saturating_sub(self.blocks_per_window)
                    .max(next_uncounted);
                let to = (b + 1).min(windows);
                for count in out.iter_mut().take(to).skip(from) {
                    *count += 1;
                }
                next_uncounted = next_uncounted.max(to);
            }
        }
    }

    /// Bytes held, roughly, for cache accounting.
    pub fn heap_bytes(&self) -> usize {
        self.window_distinct.capacity() * 4
            + self.ids.capacity() * 8
            + self.offsets.capacity() * 4
            + self.blocks.capacity() * 4
            + std::mem::size_of::<Self>()
    }
}

fn bloom_bit(id: u64) -> usize {
    (id >> (64 - 10)) as usize
}

/// How many windows are scored: one starting at every block, except those that would end where
/// the window before ends (the tail of the file), which add nothing.
pub(crate) fn window_count(line_count: usize, stride: usize, blocks_per_window: usize) -> usize {
    let window_lines = stride * blocks_per_window;
    let blocks = line_count.saturating_sub(1) / stride + 1;
    (0..blocks)
        .take_while(|&w| w == 0 || w * stride + window_lines - stride < line_count)
        .count()
}

/// Per block of `stride` lines, its distinct identifier hashes, sorted; an empty text has one
/// empty block.
fn block_sets(text: &str, stride: usize, line_count: usize) -> Vec<Vec<u64>> {
    let mut blocks: Vec<Vec<u64>> = Vec::with_capacity(line_count / stride + 1);
    let mut current: Vec<u64> = Vec::new();
    let mut breaks = memchr_iter(b'\n', text.as_bytes()).peekable();
    let mut line = 0;
    let flush = |current: &mut Vec<u64>, blocks: &mut Vec<Vec<u64>>| {
        current.sort_unstable();
        current.dedup();
        blocks.push(std::mem::take(current));
    };
    for (at, hash) in identifier_hashes(text) {
        while breaks.next_if(|&b| b < at).is_some() {
            line += 1;
        }
        while line / stride > blocks.len() {
            flush(&mut current, &mut blocks);
        }
        current.push(hash);
    }
    let last_block = line_count.saturating_sub(1) / stride;
    while blocks.len() <= last_block {
        flush(&mut current, &mut blocks);
    }
    blocks
}

/// Distinct hashes in the union of sorted sets.
fn distinct_in(sets: &[Vec<u64>], scratch: &mut Vec<u64>) -> usize {
    match sets {
        [] => 0,
        [one] => one.len(),
        _ => {
            scratch.clear();
            for set in sets {
                scratch.extend_from_slice(set);
            }
            scratch.sort_unstable();
            scratch.dedup();
            scratch.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::identifiers::IdentifierSet;

    #[test]
    fn window_count_table() {
        // (lines, stride, blocks per window, windows)
        let cases = [
            (0, 10, 2, 1),
            (1, 10, 2, 1),
            (20, 10, 2, 1),
            (21, 10, 2, 2),
            (25, 10, 2, 2),
            (30, 10, 2, 2),
            (31, 10, 2, 3),
            (30, 10, 1, 3),
            (31, 10, 3, 2),
        ];
        for (lines, stride, m, want) in cases {
            assert_eq!(
                window_count(lines, stride, m),
                want,
                "{lines} lines, {stride}x{m}"
            );
        }
    }

    #[test]
    fn counts_match_sets_of_the_window_text() {
        let text =
            "alpha beta\ngamma alpha\ndelta\nbeta epsilon\nzeta\neta alpha\ntheta\n\nalpha zeta\n";
        let lines: Vec<&str> = text.lines().collect();
        let query_set = IdentifierSet::of("alpha delta zeta omega");
        let mut common = Vec::new();
        for (stride, m) in [(1, 1), (2, 1), (2, 2), (2, 3), (3, 2), (1, 4)] {
            let blocks = FileBlocks::of(text, stride, m);
            blocks.common_counts(query_set.hashes(), &mut common);
            assert_eq!(common.len(), blocks.window_distinct.len());
            assert_eq!(common.len(), window_count(lines.len(), stride, m));
            for (w, (&distinct, &shared)) in blocks.window_distinct.iter().zip(&common).enumerate()
            {
                let from = w * stride;
                let to = (from + stride * m).min(lines.len());
                let window = IdentifierSet::of(&lines[from..to].join("\n"));
                assert_eq!(
                    (distinct as usize, shared as usize),
                    (window.len(), window.intersection_len(&query_set)),
                    "stride {stride} x {m}, window {w}"
                );
            }
        }
    }

    #[test]
    fn empty_and_identifier_free_texts() {
        let mut common = Vec::new();
        for text in ["", "\n\n", "42 + 7\n( )\n"] {
            let blocks = FileBlocks::of(text, 10, 2);
            blocks.common_counts(IdentifierSet::of("x y").hashes(), &mut common);
            assert_eq!(blocks.window_distinct, [0], "{text:?}");
            assert_eq!(common, [0], "{text:?}");
        }
    }
}
