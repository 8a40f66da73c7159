//! What the similar source keeps between requests: each file's identifier blocks, so that only
//! files whose text changed are read again on the next keystroke.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::blocks::FileBlocks;
use super::candidate::FileText;
use super::hash::hash_bytes;

/// Requests a file may go unused before its blocks are dropped.
const KEEP_UNUSED_FOR: u64 = 32;

/// Identifier blocks of the files the similar source has scored, by path. Plain data the caller
/// keeps (one per workspace) and passes to every `similar` call.
///
/// A file is recognised as unchanged by its length and a sample of its bytes, so hashing a
/// 5,000-file workspace on every keystroke is avoided. An edit that keeps the length and misses
/// every sample leaves the old blocks in use until the file changes again: only scores are
/// affected, since chunk texts are always cut from the text passed in. Callers that know a file
/// changed can `forget` it.
#[derive(Debug, Default)]
pub struct SimilarCache {
    files: HashMap<String, Entry, BuildHasherDefault<PathHasher>>,
    request: u64,
}

/// Paths are looked up for every file on every request; SipHash would cost more than the rest
/// of a cache hit.
#[derive(Default)]
struct PathHasher(u64);

impl Hasher for PathHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0.rotate_left(5) ^ hash_bytes(bytes)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[derive(Debug)]
struct Entry {
    fingerprint: u64,
    blocks: FileBlocks,
    last_used: u64,
}

impl SimilarCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of files held.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file is held.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Approximate heap bytes held by the blocks.
    pub fn heap_bytes(&self) -> usize {
        self.files
            .iter()
            .map(|(path, e)| path.len() + e.blocks.heap_bytes())
            .sum()
    }

    /// Drops a file (changed in a way the sample could miss, or deleted).
    pub fn forget(&mut self, path: &str) {
        self.files.remove(path);
    }

    /// Starts a request: files not used for a while are dropped.
    pub(crate) fn begin_request(&mut self) {
        self.request += 1;
        let request = self.request;
        if request.is_multiple_of(KEEP_UNUSED_FOR) {
            self.files
                .retain(|_, e| request - e.last_used <= KEEP_UNUSED_FOR);
        }
    }

    /// The blocks of `file`, computed again only if its text (or the window shape) changed.
    pub(crate) fn blocks(
        &mut self,
        file: &FileText<'_>,
        stride: usize,
        blocks_per_window: usize,
    ) -> &FileBlocks {
        let fingerprint = fingerprint(file.text);
        let request = self.request;
        let build = || FileBlocks::of(file.text, stride, blocks_per_window);
        // Looked up by `&str` first: allocating the path on every call would cost more than
        // the lookup itself on a warm cache.
        if !self.files.contains_key(file.path) {
            let entry = Entry {
                fingerprint,
                blocks: build(),
                last_used: request,
            };
            self.files.insert(file.path.to_owned(), entry);
        }
        let entry = self
            .files
            .get_mut(file.path)
            .expect("the entry was inserted above");
        if entry.fingerprint != fingerprint
            || entry.blocks.stride != stride.max(1)
            || entry.blocks.blocks_per_window != blocks_per_window.max(1)
        {
            entry.fingerprint = fingerprint;
            entry.blocks = build();
        }
        entry.last_used = request;
        &entry.blocks
    }
}

/// Samples hashed for a long text.
const SAMPLES: usize = 16;
const SAMPLE_BYTES: usize = 32;

/// Length and a sample of the bytes: every byte of a short text, 16 spread slices of a long one.
fn fingerprint(text: &str) -> u64 {
    let bytes = text.as_bytes();
    if bytes.len() <= SAMPLES * SAMPLE_BYTES * 2 {
        return hash_bytes(bytes);
    }
    let mut sample = [0u8; SAMPLES * SAMPLE_BYTES + 8];
    for i in 0..SAMPLES {
        let at = (bytes.len() - SAMPLE_BYTES) * i / (SAMPLES - 1);
        sample[i * SAMPLE_BYTES..(i + 1) * SAMPLE_BYTES]
            .copy_from_slice(&bytes[at..at + SAMPLE_BYTES]);
    }
    sample[SAMPLES * SAMPLE_BYTES..].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    hash_bytes(&sample)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(path: &'a str, text: &'a str) -> FileText<'a> {
        FileText { path, text }
    }

    #[test]
    fn unchanged_files_are_not_read_again_and_changed_ones_are() {
        let long: String = (0..200)
            .map(|i| format!("line_{i} = value_{i}\n"))
            .collect();
        let longer = format!("{long}extra\n");
        let mut cache = SimilarCache::new();
        cache.begin_request();
        let first = cache.blocks(&file("a", &long), 10, 2).clone();
        assert_eq!(first, FileBlocks::of(&long, 10, 2));

        // Same path, different text: recomputed.
        let changed = cache.blocks(&file("a", &longer), 10, 2).clone();
        assert_eq!(changed, FileBlocks::of(&longer, 10, 2));
        // A new stride: recomputed.
        assert_eq!(
            cache.blocks(&file("a", &longer), 5, 2),
            &FileBlocks::of(&longer, 5, 2)
        );
        assert_eq!(
            cache.blocks(&file("a", &longer), 5, 3),
            &FileBlocks::of(&longer, 5, 3)
        );
        assert_eq!(cache.len(), 1);
        cache.forget("a");
        assert!(cache.is_empty());
    }

    #[test]
    fn fingerprint_sees_length_and_sampled_changes() {
        let text: String = (0..500).map(|i| format!("x{i}\n")).collect();
        let mut edited = text.clone().into_bytes();
        edited[0] = b'y';
        let edited = String::from_utf8(edited).unwrap_or_default();
        assert_ne!(fingerprint(&text), fingerprint(&edited));
        assert_ne!(fingerprint(&text), fingerprint(&text[..text.len() - 1]));
        assert_eq!(fingerprint(&text), fingerprint(&text.clone()));
        assert_ne!(fingerprint("short a"), fingerprint("short b"));
    }

    #[test]
    fn files_unused_for_a_while_are_dropped() {
        let mut cache = SimilarCache::new();
        cache.begin_request();
        cache.blocks(&file("old", "a b c"), 10, 2);
        for _ in 0..KEEP_UNUSED_FOR * 2 {
            cache.begin_request();
            cache.blocks(&file("kept", "d e f"), 10, 2);
        }
        assert_eq!(cache.len(), 1);
        assert!(cache.heap_bytes() > 0);
    }
}
