//! Identifier tokens of code, and identifier sets for similarity.
//!
//! Language-neutral on purpose: a word is a run of Unicode letters, digits and `_`, and only a
//! short list of keywords common to the supported languages is left out, so no source needs to
//! know the language of a file it compares.

use std::sync::OnceLock;

use super::hash::hash_bytes;

/// Keywords and builtin type names of the supported languages that say nothing about what code
/// is about. Sorted (byte order) for binary search.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "False", "None", "Self", "True", "and", "as", "async", "await", "bool", "break", "case",
    "catch", "char", "class", "const", "continue", "def", "default", "del", "do", "double", "elif",
    "else", "enum", "except", "export", "extends", "extern", "false", "final", "finally", "float",
    "fn", "for", "from", "func", "function", "go", "if", "impl", "implements", "import", "in",
    "int", "interface", "is", "lambda", "let", "match", "mod", "mut", "new", "nil", "not", "null",
    "or", "package", "pass", "private", "protected", "pub", "public", "raise", "ref", "return",
    "self", "static", "str", "struct", "super", "switch", "this", "throw", "throws", "trait",
    "true", "try", "type", "typeof", "undefined", "use", "var", "void", "where", "while", "with",
    "yield",
];

/// Whether `word` is on the keyword stoplist.
pub fn is_stopword(word: &str) -> bool {
    // Nearly every identifier is no keyword; the lengths of the keywords starting with its
    // first byte rule most of them out before any string is compared.
    let Some(&first) = word.as_bytes().first() else {
        return false;
    };
    let lengths = stop_lengths_by_first_byte()[usize::from(first & 0x7f)];
    word.len() < 16
        && first < 0x80
        && lengths & (1 << word.len()) != 0
        && STOPWORDS.binary_search(&word).is_ok()
}

/// For each ASCII first byte, a bit per length (< 16) some keyword starting with it has.
fn stop_lengths_by_first_byte() -> &'static [u16; 128] {
    static TABLE: OnceLock<[u16; 128]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u16; 128];
        for word in STOPWORDS {
            table[usize::from(word.as_bytes()[0] & 0x7f)] |= 1 << word.len();
        }
        table
    })
}

/// The stoplist as hashes, for the hot path that hashes every identifier anyway.
fn stop_hashes() -> &'static HashFilter {
    static HASHES: OnceLock<HashFilter> = OnceLock::new();
    HASHES.get_or_init(|| {
        HashFilter::new(STOPWORDS.iter().map(|w| hash_bytes(w.as_bytes())).collect())
    })
}

/// A set of hashes with a bitmap in front, so that most lookups of absent hashes (nearly all,
/// in the hot loops) cost one memory read instead of a binary search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HashFilter {
    bits: Vec<u64>,
    sorted: Vec<u64>,
}

impl HashFilter {
    const BITS: usize = 4096;

    /// The filter over `hashes` (any order, repeats allowed).
    pub(crate) fn new(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        let mut bits = vec![0u64; Self::BITS / 64];
        for &h in &hashes {
            let bit = Self::bit(h);
            bits[bit / 64] |= 1 << (bit % 64);
        }
        Self {
            bits,
            sorted: hashes,
        }
    }

    fn bit(hash: u64) -> usize {
        // The top bits: `hash_bytes` mixes them as well as the low ones.
        (hash >> (64 - 12)) as usize
    }

    /// Whether `hash` is in the set.
    pub(crate) fn contains(&self, hash: u64) -> bool {
        let bit = Self::bit(hash);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0 && self.sorted.binary_search(&hash).is_ok()
    }
}

/// The identifiers of `text` in order, each with its byte offset; numbers and stopwords are
/// skipped.
pub fn identifiers(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    words(text).filter(|(_, word)| !word.as_bytes()[0].is_ascii_digit() && !is_stopword(word))
}

/// The same identifiers as [`identifiers`], as hashes: what similarity compares.
pub(crate) fn identifier_hashes(text: &str) -> impl Iterator<Item = (usize, u64)> + '_ {
    let stop = stop_hashes();
    words(text).filter_map(move |(at, word)| {
        if word.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        let hash = hash_bytes(word.as_bytes());
        (!stop.contains(hash)).then_some((at, hash))
    })
}

/// Maximal runs of word chars (Unicode letters and digits, `_`), with their byte offsets.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// The iterator of [`words`].
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.pos = skip_while(self.text, self.pos, false);
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        self.pos = skip_while(self.text, start, true);
        Some((start, &self.text[start..self.pos]))
    }
}

/// ASCII bytes that belong to words.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Advances from `pos` (a char boundary) over word chars when `word` is true, over the rest when
/// false; returns the first position where that stops.
fn skip_while(text: &str, mut pos: usize, word: bool) -> usize {
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(pos) {
        // ASCII is the common case and needs no decoding.
        if b < 0x80 {
            if ASCII_WORD[usize::from(b)] != word {
                return pos;
            }
            pos += 1;
            continue;
        }
        match text[pos..].chars().next() {
            Some(c) if c.is_alphanumeric() == word => pos += c.len_utf8(),
            _ => return pos,
        }
    }
    pos
}

/// Whether `c` can be part of an identifier.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The set of distinct identifiers of a text, as sorted hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentifierSet {
    hashes: Vec<u64>,
}

impl IdentifierSet {
    /// The identifiers of `text`.
    pub fn of(text: &str) -> Self {
        Self::from_hashes(
            identifiers(text)
                .map(|(_, w)| hash_bytes(w.as_bytes()))
                .collect(),
        )
    }

    /// A set from identifier hashes in any order, with repeats.
    pub(crate) fn from_hashes(mut hashes: Vec<u64>) -> Self {
        hashes.sort_unstable();
        hashes.dedup();
        Self { hashes }
    }

    /// Number of distinct identifiers.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the set has no identifiers.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The sorted hashes.
    pub(crate) fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// Whether the identifier with hash `hash` is in the set.
    pub(crate) fn contains_hash(&self, hash: u64) -> bool {
        self.hashes.binary_search(&hash).is_ok()
    }

    /// Number of identifiers in both sets.
    pub fn intersection_len(&self, other: &Self) -> usize {
        let (mut i, mut j, mut common) = (0, 0, 0);
        while let (Some(a), Some(b)) = (self.hashes.get(i), other.hashes.get(j)) {
            match a.cmp(b) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        common
    }

    /// Jaccard similarity |A∩B| / |A∪B|; 0 when both are empty.
    pub fn jaccard(&self, other: &Self) -> f32 {
        jaccard(self.intersection_len(other), self.len(), other.len())
    }
}

/// Jaccard similarity from the intersection size and the two set sizes.
pub(crate) fn jaccard(common: usize, a: usize, b: usize) -> f32 {
    let union = a + b - common;
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stoplist_is_sorted_so_binary_search_works() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOPWORDS.iter().all(|w| w.len() < 16 && w.is_ascii()));
    }

    #[test]
    fn stopword_table() {
        for word in STOPWORDS {
            assert!(is_stopword(word), "{word}");
        }
        for word in ["", "user", "If", "selfish", "nonee", "ñ", "returned", "fo"] {
            assert!(!is_stopword(word), "{word}");
        }
    }

    #[test]
    fn hash_filter_finds_exactly_its_members() {
        let members: Vec<u64> = (0..500u64).map(|i| hash_bytes(&i.to_le_bytes())).collect();
        let filter = HashFilter::new(members.clone());
        assert!(members.iter().all(|&h| filter.contains(h)));
        let strangers = (500..20_000u64).filter(|i| filter.contains(hash_bytes(&i.to_le_bytes())));
        assert_eq!(strangers.count(), 0);
    }

    #[test]
    fn identifiers_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("let total = price * qty;", &["total", "price", "qty"]),
            ("x1 = 42 + 3.5e10", &["x1"]),
            ("self.user_id", &["user_id"]),
            ("fn größe(straße: &str)", &["größe", "straße"]),
            ("名前 = 値", &["名前", "値"]),
            ("if (a&&b) return None", &["a", "b"]),
            ("__init__ _private", &["__init__", "_private"]),
            ("0x1f 123abc", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<&str> = identifiers(text).map(|(_, w)| w).collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    #[test]
    fn hashes_are_of_the_same_identifiers() {
        let text = "for user in users: if user.ok: return total_42 + 7 # ünï None";
        let want: Vec<(usize, u64)> = identifiers(text)
            .map(|(at, w)| (at, hash_bytes(w.as_bytes())))
            .collect();
        assert_eq!(identifier_hashes(text).collect::<Vec<_>>(), want);
        assert_eq!(want.len(), 6);
    }

    #[test]
    fn identifiers_report_byte_offsets() {
        let got: Vec<(usize, &str)> = identifiers("é = fetch(url)").collect();
        assert_eq!(got, vec![(0, "é"), (5, "fetch"), (11, "url")]);
    }

    #[test]
    fn jaccard_table() {
        let cases: &[(&str, &str, f32)] = &[
            ("", "", 0.0),
            ("a b c", "a b c", 1.0),
            ("a b c", "c b a a a", 1.0),
            ("a b", "c d", 0.0),
            ("a b c", "b c d", 0.5),
            ("alpha", "alpha beta gamma delta", 0.25),
            ("if return self", "for while", 0.0),
        ];
        for (a, b, want) in cases {
            let got = IdentifierSet::of(a).jaccard(&IdentifierSet::of(b));
            assert!((got - want).abs() < 1e-6, "{a:?} ~ {b:?}: {got} != {want}");
        }
    }

    #[test]
    fn set_counts_distinct_identifiers() {
        let set = IdentifierSet::of("a.b(a, c) + b");
        assert_eq!(set.len(), 3);
        assert!(set.hashes().contains(&hash_bytes(b"c")));
        assert!(!set.hashes().contains(&hash_bytes(b"d")));
    }
}
