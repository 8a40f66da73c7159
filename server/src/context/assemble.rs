//! Choosing which candidates go into the prompt, in which order, within the token budgets.
//!
//! The order rule serves the model's KV cache: the context sits before the file's prefix, so
//! every chunk that keeps its place from one request to the next is prompt the server does not
//! process again. Chunks chosen last time therefore keep their order, ahead of anything new, and
//! new chunks are only ever appended.

use std::collections::{HashMap, HashSet};

use tandem_clients::ContextChunk;

use super::candidate::{Candidate, Source};
use super::hash::hash_bytes;

/// Token budgets for the context, in the caller's tokenizer's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budgets {
    /// All chunks together, headers included.
    pub total: usize,
    pub definitions: usize,
    pub similar: usize,
    pub recent: usize,
    pub outline: usize,
    /// Tokens a chunk costs besides its text and path (separator token, line break).
    pub per_chunk_overhead: usize,
}

impl Budgets {
    /// Shares of `total` per source. They add up to more than the total on purpose: what one
    /// source leaves unused, another may take.
    pub fn split(total: usize) -> Self {
        Self {
            total,
            definitions: total / 2,
            similar: total / 2,
            recent: total * 3 / 10,
            outline: total / 4,
            per_chunk_overhead: 2,
        }
    }

    /// The budget of `source`.
    pub fn for_source(&self, source: Source) -> usize {
        match source {
            Source::Definitions => self.definitions,
            Source::Similar => self.similar,
            Source::Recent => self.recent,
            Source::Outline => self.outline,
        }
    }
}

/// What identifies a chosen chunk from one request to the next.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChunkKey {
    pub source: Source,
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    pub text_hash: u64,
}

/// The chunks chosen for the previous request, in prompt order. The caller keeps the one a
/// `Selection` returns and passes it to the next `assemble` for the same document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    keys: Vec<ChunkKey>,
    /// The chunk behind each key, so that it can stay in the prompt after it stops being a
    /// candidate.
    chosen: Vec<Chosen>,
}

impl Ledger {
    /// The chunks in prompt order.
    pub fn keys(&self) -> &[ChunkKey] {
        &self.keys
    }

    /// Whether nothing was chosen.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Drops the chunks taken from `paths` (files that changed outside the editor): their text
    /// may no longer be what the file holds.
    pub fn forget_paths(&mut self, paths: &HashSet<String>) {
        (self.keys, self.chosen) = std::mem::take(&mut self.keys)
            .into_iter()
            .zip(std::mem::take(&mut self.chosen))
            .filter(|(key, _)| !paths.contains(&key.path))
            .unzip();
    }
}

/// A candidate that made it into the prompt, with what it costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub candidate: Candidate,
    /// Tokens of its text and path plus the per-chunk overhead.
    pub tokens: usize,
}

/// The context for one prompt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// In prompt order.
    pub chunks: Vec<Chosen>,
    /// To pass to the next `assemble` for this document.
    pub ledger: Ledger,
}

impl Selection {
    /// The chunks as the prompt builder takes them.
    pub fn context_chunks(&self) -> Vec<ContextChunk> {
        self.chunks.iter().map(|c| c.candidate.to_chunk()).collect()
    }

    /// Tokens of all chunks.
    pub fn total_tokens(&self) -> usize {
        self.chunks.iter().map(|c| c.tokens).sum()
    }

    /// Tokens of the chunks from `source`.
    pub fn tokens_of(&self, source: Source) -> usize {
        self.chunks
            .iter()
            .filter(|c| c.candidate.source == source)
            .map(|c| c.tokens)
            .sum()
    }
}

/// Chooses the prompt's context from `candidates`.
///
/// Drops blank candidates and those whose lines `window_text` (the prompt's prefix and suffix)
/// already shows; orders the chunks of `previous` that are still candidates first, in their old
/// order, then new ones, choosing among them each source's candidates best score first and the
/// sources in turn (scores of different sources are not comparable), and placing them the other
/// way round, so the best comes last, nearest to the file; skips a candidate with the same text
/// as, or lines overlapping, one already chosen, or one that would exceed its source's budget
/// or the total. A chunk is recognised across requests by its path and text, which is all the
/// prompt shows of it.
///
/// Chunks of `previous` that are no longer candidates stay where they were while the budgets
/// have room left after the candidates (earliest first), unless the window now shows them
/// or a chosen chunk replaces their lines: when the cursor moves to the next line the ranking
/// shifts, and a chunk that drops out of the middle of the context would make the model
/// re-read everything after it. They go once new chunks need their room.
pub fn assemble(
    candidates: Vec<Candidate>,
    window_text: &str,
    budgets: &Budgets,
    previous: &Ledger,
    count_tokens: &dyn Fn(&str) -> usize,
) -> Selection {
    let shown = WindowLines::of(window_text);
    let mut kept: Vec<(usize, u64, Candidate)> = Vec::new();
    let mut fresh: Vec<(u64, Candidate)> = Vec::new();
    let old_places: HashMap<(&str, u64), usize> = previous
        .keys
        .iter()
        .enumerate()
        .rev()
        .map(|(i, k)| ((k.path.as_str(), k.text_hash), i))
        .collect();
    for candidate in candidates {
        if candidate.text.trim().is_empty() || shown.covers(&candidate.text) {
            continue;
        }
        let hash = hash_bytes(candidate.text.as_bytes());
        match old_places.get(&(candidate.path.as_str(), hash)) {
            Some(&place) => kept.push((place, hash, candidate)),
            None => fresh.push((hash, candidate)),
        }
    }
    kept.sort_by_key(|(place, _, _)| *place);
    let ordered = kept
        .into_iter()
        .map(|(place, hash, c)| (Some(place), hash, c))
        .chain(in_turns(fresh).map(|(hash, c)| (None, hash, c)));

    let mut picked: Vec<Picked> = Vec::new();
    let mut spent = Spent::default();
    for (place, hash, candidate) in ordered {
        if clashes(&picked, hash, &candidate) {
            continue;
        }
        let tokens = count_tokens(&candidate.text)
            + count_tokens(&candidate.path)
            + budgets.per_chunk_overhead;
        if spent.take(budgets, candidate.source, tokens) {
            picked.push((place, hash, Chosen { candidate, tokens }));
        }
    }
    // Then what the previous prompt had and no candidate brought back, in the room left.
    for (place, (key, chunk)) in previous.keys.iter().zip(&previous.chosen).enumerate() {
        let still_here = picked.iter().any(|(p, _, _)| *p == Some(place));
        if still_here
            || shown.covers(&chunk.candidate.text)
            || clashes(&picked, key.text_hash, &chunk.candidate)
            || !spent.take(budgets, chunk.candidate.source, chunk.tokens)
        {
            continue;
        }
        picked.push((Some(place), key.text_hash, chunk.clone()));
    }
    // Old chunks in their old order, then the new ones, the best last: nearest to the file,
    // where a model attends most (Copilot orders its snippets the same way).
    let fresh_from = picked
        .iter()
        .filter(|(place, _, _)| place.is_some())
        .count();
    picked.sort_by_key(|(place, _, _)| place.unwrap_or(usize::MAX));
    picked[fresh_from..].reverse();

    let mut selection = Selection::default();
    for (_, hash, chosen) in picked {
        let c = &chosen.candidate;
        selection.ledger.keys.push(ChunkKey {
            source: c.source,
            path: c.path.clone(),
            start_line: c.start_line,
            end_line: c.end_line,
            text_hash: hash,
        });
        selection.ledger.chosen.push(chosen.clone());
        selection.chunks.push(chosen);
    }
    selection
}

/// A chunk on its way into the selection: its place in the previous prompt (if it had one),
/// its text hash, and the chunk.
type Picked = (Option<usize>, u64, Chosen);

/// Whether `picked` already holds a chunk with the text hash `hash` or with lines overlapping
/// `candidate`'s.
fn clashes(picked: &[Picked], hash: u64, candidate: &Candidate) -> bool {
    picked
        .iter()
        .any(|(_, h, c)| *h == hash || c.candidate.overlaps(candidate))
}

/// What the chosen chunks have spent of the budgets.
#[derive(Default)]
struct Spent {
    total: usize,
    by_source: HashMap<Source, usize>,
}

impl Spent {
    /// Takes `tokens` for `source` if its budget and the total both have room.
    fn take(&mut self, budgets: &Budgets, source: Source, tokens: usize) -> bool {
        let used = self.by_source.entry(source).or_insert(0);
        if self.total + tokens > budgets.total || *used + tokens > budgets.for_source(source) {
            return false;
        }
        *used += tokens;
        self.total += tokens;
        true
    }
}

/// New candidates: each source's best first, the sources taking turns.
fn in_turns(fresh: Vec<(u64, Candidate)>) -> impl Iterator<Item = (u64, Candidate)> {
    let mut by_source: [Vec<(u64, Candidate)>; Source::ALL.len()] = Default::default();
    for item in fresh {
        // `Source::ALL` lists the variants in declaration order, so this is its place there.
        by_source[item.1.source as usize].push(item);
    }
    let mut ranked: Vec<(usize, usize, (u64, Candidate))> = Vec::new();
    for (slot, mut list) in by_source.into_iter().enumerate() {
        // Ties broken by place so the order never depends on how the caller listed them.
        list.sort_by(|(_, a), (_, b)| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.path.cmp(&b.path))
                .then(a.start_line.cmp(&b.start_line))
                .then(a.end_line.cmp(&b.end_line))
        });
        ranked.extend(
            list.into_iter()
                .enumerate()
                .map(|(rank, item)| (rank, slot, item)),
        );
    }
    ranked.sort_by_key(|(rank, slot, _)| (*rank, *slot));
    ranked.into_iter().map(|(_, _, item)| item)
}

/// The lines the prompt window shows, to tell whether a candidate would repeat them.
struct WindowLines<'a> {
    text: &'a str,
    lines: HashSet<&'a str>,
}

impl<'a> WindowLines<'a> {
    fn of(text: &'a str) -> Self {
        Self {
            text,
            lines: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
        }
    }

    /// Whether the window already holds `candidate`: as one piece, or every meaningful line of
    /// it somewhere (elision lines, which stand for what a snippet leaves out, don't count).
    fn covers(&self, candidate: &str) -> bool {
        if self.text.contains(candidate.trim()) {
            return true;
        }
        candidate
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "...")
            .all(|l| self.lines.contains(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(
        source: Source,
        path: &str,
        start: usize,
        end: usize,
        text: &str,
        score: f32,
    ) -> Candidate {
        Candidate {
            source,
            path: path.into(),
            start_line: start,
            end_line: end,
            text: text.into(),
            score,
        }
    }

    /// One token per whitespace-separated word.
    fn words(text: &str) -> usize {
        text.split_whitespace().count()
    }

    fn roomy() -> Budgets {
        Budgets {
            total: 1_000,
            definitions: 1_000,
            similar: 1_000,
            recent: 1_000,
            outline: 1_000,
            per_chunk_overhead: 0,
        }
    }

    fn order(selection: &Selection) -> Vec<(&str, usize)> {
        selection
            .chunks
            .iter()
            .map(|c| (c.candidate.path.as_str(), c.candidate.start_line))
            .collect()
    }

    use Source::{Definitions as D, Recent as R, Similar as S};

    #[test]
    fn dedupe_table() {
        let window =
            "def main():\n    cart = Cart()\n    cart.add(item)\n    print(cart.total())\n";
        type Case = (&'static str, Vec<Candidate>, Vec<(&'static str, usize)>);
        let cases: Vec<Case> = vec![
            (
                "text the window already holds is dropped",
                vec![cand(S, "a.py", 0, 1, "    cart = Cart()\n    cart.add(item)\n", 1.0)],
                vec![],
            ),
            (
                "so is a snippet whose every line the window shows, in any order",
                vec![cand(D, "a.py", 0, 9, "    cart.add(item)\n    ...\n    cart = Cart()\n", 1.0)],
                vec![],
            ),
            (
                "one new line is enough to keep it",
                vec![cand(S, "a.py", 0, 1, "    cart = Cart()\n    cart.clear()\n", 1.0)],
                vec![("a.py", 0)],
            ),
            (
                "blank candidates are dropped",
                vec![cand(R, "a.py", 0, 1, " \n\n", 1.0)],
                vec![],
            ),
            (
                "identical text from two files or sources is kept once",
                vec![
                    cand(S, "a.py", 0, 1, "x = compute()\n", 0.9),
                    cand(S, "vendored/a.py", 0, 1, "x = compute()\n", 0.8),
                    cand(R, "b.py", 7, 8, "x = compute()\n", 1.0),
                ],
                vec![("a.py", 0)],
            ),
            (
                "overlapping lines of one file are kept once; the same lines elsewhere are not overlap",
                vec![
                    cand(S, "a.py", 10, 29, "one\n", 0.9),
                    cand(S, "a.py", 20, 39, "two\n", 0.8),
                    cand(S, "b.py", 10, 29, "three\n", 0.7),
                    cand(D, "a.py", 35, 36, "four\n", 1.0),
                ],
                vec![("b.py", 10), ("a.py", 10), ("a.py", 35)],
            ),
        ];
        for (name, candidates, want) in cases {
            let got = assemble(candidates, window, &roomy(), &Ledger::default(), &words);
            assert_eq!(order(&got), want, "{name}");
        }
    }

    #[test]
    fn new_candidates_are_chosen_by_source_in_turns_and_the_best_goes_last() {
        let candidates = vec![
            cand(S, "s2", 0, 0, "s two\n", 0.2),
            cand(R, "r1", 0, 0, "r one\n", 0.9),
            cand(D, "d2", 0, 0, "d two\n", 0.1),
            cand(S, "s1", 0, 0, "s one\n", 0.3),
            cand(D, "d1", 0, 0, "d one\n", 0.5),
            cand(D, "d3", 0, 0, "d three\n", 0.05),
        ];
        let got = assemble(candidates, "", &roomy(), &Ledger::default(), &words);
        let paths: Vec<&str> = got
            .chunks
            .iter()
            .map(|c| c.candidate.path.as_str())
            .collect();
        assert_eq!(paths, ["d3", "s2", "d2", "r1", "s1", "d1"]);
    }

    #[test]
    fn previous_chunks_keep_their_order_and_new_ones_follow() {
        let first = vec![
            cand(D, "d1", 0, 0, "d one\n", 0.9),
            cand(S, "s1", 0, 0, "s one\n", 0.9),
            cand(R, "r1", 0, 0, "r one\n", 0.9),
        ];
        let before = assemble(first, "", &roomy(), &Ledger::default(), &words);
        assert_eq!(before.ledger.keys().len(), 3);
        // Scores flipped, lines moved, one chunk gone, two new: old ones keep their places.
        let second = vec![
            cand(D, "d0", 0, 0, "d zero\n", 1.0),
            cand(R, "r1", 40, 40, "r one\n", 0.1),
            cand(D, "d1", 3, 3, "d one\n", 0.01),
            cand(S, "s9", 0, 0, "s nine\n", 0.5),
        ];
        let after = assemble(second, "", &roomy(), &before.ledger, &words);
        let paths: Vec<&str> = after
            .chunks
            .iter()
            .map(|c| c.candidate.path.as_str())
            .collect();
        // s1 is no candidate any more but keeps its place: there is room.
        assert_eq!(paths, ["r1", "s1", "d1", "s9", "d0"]);
        let keys: Vec<(&str, usize)> = after
            .ledger
            .keys()
            .iter()
            .map(|k| (k.path.as_str(), k.start_line))
            .collect();
        assert_eq!(
            keys,
            [("r1", 40), ("s1", 0), ("d1", 3), ("s9", 0), ("d0", 0)]
        );
    }

    #[test]
    fn chunks_that_stop_being_candidates_stay_until_their_room_is_needed() {
        // Each chunk costs 2 (text) + 1 (path) = 3 tokens; the total fits four.
        let budgets = Budgets {
            total: 12,
            definitions: 12,
            similar: 12,
            recent: 12,
            outline: 12,
            per_chunk_overhead: 0,
        };
        let first = vec![
            cand(S, "a", 0, 0, "a text\n", 0.7),
            cand(S, "b", 0, 0, "b text\n", 0.8),
            cand(S, "c", 0, 0, "c text\n", 0.9),
        ];
        let one = assemble(first, "", &budgets, &Ledger::default(), &words);
        assert_eq!(order(&one), [("a", 0), ("b", 0), ("c", 0)]);

        // Next line: only c and a new d are candidates; a and b keep their places in front.
        let two = assemble(
            vec![
                cand(S, "c", 0, 0, "c text\n", 0.9),
                cand(S, "d", 0, 0, "d text\n", 0.9),
            ],
            "",
            &budgets,
            &one.ledger,
            &words,
        );
        assert_eq!(order(&two), [("a", 0), ("b", 0), ("c", 0), ("d", 0)]);

        // New chunks need room: stale ones go, the earliest keeps its place longest.
        let three = assemble(
            vec![
                cand(S, "d", 0, 0, "d text\n", 0.9),
                cand(S, "e", 0, 0, "e text\n", 0.8),
                cand(S, "f", 0, 0, "f text\n", 0.9),
            ],
            "",
            &budgets,
            &two.ledger,
            &words,
        );
        assert_eq!(order(&three), [("a", 0), ("d", 0), ("e", 0), ("f", 0)]);
        assert!(three.total_tokens() <= budgets.total);

        // A stale chunk the window now shows, or whose lines a new chunk replaces, goes at once.
        let four = assemble(
            vec![cand(S, "d", 0, 3, "d text\nmore lines\n", 0.9)],
            "a text\n",
            &budgets,
            &three.ledger,
            &words,
        );
        assert_eq!(order(&four), [("e", 0), ("f", 0), ("d", 0)]);
    }

    #[test]
    fn forgetting_a_path_drops_its_chunks() {
        let got = assemble(
            vec![
                cand(S, "a", 0, 0, "a text\n", 0.9),
                cand(S, "b", 0, 0, "b text\n", 0.8),
            ],
            "",
            &roomy(),
            &Ledger::default(),
            &words,
        );
        let mut ledger = got.ledger;
        ledger.forget_paths(&HashSet::from(["a".to_string()]));
        let paths: Vec<&str> = ledger.keys().iter().map(|k| k.path.as_str()).collect();
        assert_eq!(paths, ["b"]);
        let next = assemble(Vec::new(), "", &roomy(), &ledger, &words);
        assert_eq!(order(&next), [("b", 0)]);
    }

    #[test]
    fn a_changed_text_is_a_new_chunk() {
        let before = assemble(
            vec![
                cand(S, "a", 0, 0, "v1\n", 0.5),
                cand(S, "b", 0, 0, "b\n", 1.0),
            ],
            "",
            &roomy(),
            &Ledger::default(),
            &words,
        );
        let after = assemble(
            vec![
                cand(S, "a", 0, 0, "v2\n", 0.5),
                cand(S, "b", 0, 0, "b\n", 1.0),
            ],
            "",
            &roomy(),
            &before.ledger,
            &words,
        );
        assert_eq!(order(&before), [("a", 0), ("b", 0)]);
        // The old text of a is gone, its new text is a new chunk: after b.
        assert_eq!(order(&after), [("b", 0), ("a", 0)]);
        assert_eq!(after.chunks[1].candidate.text, "v2\n");
    }

    #[test]
    fn budgets_table() {
        // Each candidate costs 2 (text) + 1 (path) + 1 (overhead) = 4 tokens.
        let candidates = || {
            vec![
                cand(D, "d1", 0, 0, "d one\n", 0.9),
                cand(D, "d2", 0, 0, "d two\n", 0.8),
                cand(S, "s1", 0, 0, "s one\n", 0.9),
                cand(S, "s2", 0, 0, "s two\n", 0.8),
                cand(R, "r1", 0, 0, "r one\n", 0.9),
            ]
        };
        let budget = |total, definitions, similar, recent| Budgets {
            total,
            definitions,
            similar,
            recent,
            outline: 0,
            per_chunk_overhead: 1,
        };
        let cases: &[(Budgets, &[&str])] = &[
            (budget(100, 100, 100, 100), &["d1", "s1", "r1", "d2", "s2"]),
            (budget(12, 100, 100, 100), &["d1", "s1", "r1"]),
            (budget(100, 4, 8, 0), &["d1", "s1", "s2"]),
            (budget(11, 8, 8, 8), &["d1", "s1"]),
            (budget(0, 100, 100, 100), &[]),
        ];
        for (budgets, want) in cases {
            let got = assemble(candidates(), "", budgets, &Ledger::default(), &words);
            // Chosen best first, placed best last.
            let paths: Vec<&str> = got
                .chunks
                .iter()
                .rev()
                .map(|c| c.candidate.path.as_str())
                .collect();
            assert_eq!(&paths, want, "{budgets:?}");
            assert!(got.chunks.iter().all(|c| c.tokens == 4));
            assert_eq!(got.total_tokens(), 4 * want.len());
            assert!(got.total_tokens() <= budgets.total);
            for source in Source::ALL {
                assert!(got.tokens_of(source) <= budgets.for_source(source));
            }
        }
    }

    #[test]
    fn a_big_chunk_that_does_not_fit_leaves_room_for_smaller_ones() {
        let candidates = vec![
            cand(S, "big", 0, 0, &"word ".repeat(50), 0.9),
            cand(S, "small", 0, 0, "a b c\n", 0.5),
        ];
        let got = assemble(
            candidates,
            "",
            &Budgets::split(40),
            &Ledger::default(),
            &words,
        );
        assert_eq!(order(&got), [("small", 0)]);
    }

    #[test]
    fn selection_gives_the_prompt_its_chunks() {
        let got = assemble(
            vec![cand(D, "lib/tax.py", 3, 9, "def tax(x):\n    ...\n", 1.0)],
            "",
            &roomy(),
            &Ledger::default(),
            &words,
        );
        let chunks = got.context_chunks();
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].filename, "lib/tax.py");
        assert_eq!(chunks[0].text, "def tax(x):\n    ...\n");
        assert_eq!(Budgets::split(1_000).for_source(D), 500);
    }
}
