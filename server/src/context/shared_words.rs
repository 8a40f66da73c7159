//! Which files of the whole workspace the similar source should read besides the related ones:
//! those sharing the most *rare* identifiers with the lines before the cursor.
//!
//! Related files (imports, folder, importers) miss the code most worth copying: the same test
//! written for another version of an API in a sibling tree (`v3/tests/x.test.ts` and
//! `v4/classic/tests/x.test.ts`), the handler next door's twin in another package. Repository
//! completion benchmarks get most of their gain from exactly these near-duplicates. Each query
//! identifier weighs by its rarity (BM25's idf), so names that every file has (`expect`, `err`,
//! `assert`) do not pick files, and the names that say what the code is about do.

use std::cmp::Ordering;

use super::identifiers::IdentifierSet;

/// A file's path and its distinct identifiers.
#[derive(Debug, Clone, Copy)]
pub struct FileWords<'a> {
    pub path: &'a str,
    pub identifiers: &'a IdentifierSet,
}

/// The indices of up to `limit` of `files` that share identifiers with `query`, best first:
/// scored by the sum of the idf of each query identifier the file has, where a name in fewer of
/// `files` weighs more. Ties go to the smaller path, so the choice does not depend on the order
/// `files` come in. Files sharing nothing are never chosen.
pub fn files_sharing_rare_words(
    query: &IdentifierSet,
    files: &[FileWords<'_>],
    limit: usize,
) -> Vec<usize> {
    let terms = query.hashes();
    if terms.is_empty() || files.is_empty() || limit == 0 {
        return Vec::new();
    }
    // Which query terms each file has, flattened: one pass over the files gives both the
    // document frequencies and each file's matches.
    let mut matches: Vec<u16> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(files.len());
    let mut document_frequency = vec![0u32; terms.len()];
    for file in files {
        for (t, hash) in terms.iter().enumerate() {
            if file.identifiers.contains_hash(*hash) {
                matches.push(t as u16);
                document_frequency[t] += 1;
            }
        }
        ends.push(matches.len());
    }
    let n = files.len() as f64;
    let idf: Vec<f64> = document_frequency
        .iter()
        .map(|&df| {
            let df = f64::from(df);
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();

    let mut scored: Vec<(f64, usize)> = Vec::new();
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        let score: f64 = matches[start..end]
            .iter()
            .map(|&t| idf[usize::from(t)])
            .sum();
        if score > 0.0 {
            scored.push((score, i));
        }
        start = end;
    }
    let order = |a: &(f64, usize), b: &(f64, usize)| -> Ordering {
        b.0.total_cmp(&a.0)
            .then_with(|| files[a.1].path.cmp(files[b.1].path))
    };
    if scored.len() > limit {
        scored.select_nth_unstable_by(limit - 1, order);
        scored.truncate(limit);
    }
    scored.sort_by(order);
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(query: &str, files: &[(&str, &str)], limit: usize) -> Vec<String> {
        let sets: Vec<IdentifierSet> = files.iter().map(|(_, t)| IdentifierSet::of(t)).collect();
        let words: Vec<FileWords<'_>> = files
            .iter()
            .zip(&sets)
            .map(|((path, _), identifiers)| FileWords { path, identifiers })
            .collect();
        files_sharing_rare_words(&IdentifierSet::of(query), &words, limit)
            .into_iter()
            .map(|i| files[i].0.to_string())
            .collect()
    }

    #[test]
    fn a_rare_shared_name_outweighs_many_common_ones() {
        let common = "expect assert result";
        let files = [
            ("a_common.ts", common),
            ("b_common.ts", common),
            ("c_common.ts", common),
            ("twin.ts", "expect custom_refinement"),
            ("unrelated.ts", "parse_date format_date"),
        ];
        let query = "expect(custom_refinement(value)).toThrow(error); assert(result)";
        assert_eq!(rank(query, &files, 2), ["twin.ts", "a_common.ts"]);
    }

    #[test]
    fn files_sharing_nothing_are_never_chosen() {
        let files = [("a.py", "alpha beta"), ("b.py", "gamma delta")];
        assert_eq!(rank("gamma", &files, 5), ["b.py"]);
        assert!(rank("epsilon", &files, 5).is_empty());
        assert!(rank("", &files, 5).is_empty());
        assert!(rank("gamma", &files, 0).is_empty());
    }

    #[test]
    fn ties_go_to_the_smaller_path_whatever_the_input_order() {
        let forward = [("x/b.go", "handler route"), ("x/a.go", "handler route")];
        let backward = [("x/a.go", "handler route"), ("x/b.go", "handler route")];
        assert_eq!(rank("handler", &forward, 1), ["x/a.go"]);
        assert_eq!(rank("handler", &backward, 1), ["x/a.go"]);
        assert_eq!(rank("handler", &forward, 2), ["x/a.go", "x/b.go"]);
    }
}
