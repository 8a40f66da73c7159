//! Keystroke-path costs on a large file: one `didChange` single-character insert, and LSP
//! position -> char index conversion, in the middle and at the end of a 20,000-line file.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ropey::Rope;
use tandem::documents::{from_char, to_char, Document, PositionEncoding, TextChange};

const LINES: usize = 20_000;

/// A deterministic source file: indented statements of 40-110 chars, every 7th line with accented
/// or CJK text and every 13th with an emoji, so UTF-8/UTF-16/UTF-32 columns differ.
fn generated_file() -> String {
    let mut state: u64 = 1;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut out = String::with_capacity(LINES * 80);
    for i in 0..LINES {
        let indent = "    ".repeat(1 + next(3) as usize);
        let line = match i % 13 {
            0 => format!("{indent}// 🚀 fast path for item {i}: skip the 🐢 fallback"),
            _ if i % 7 == 0 => {
                format!("{indent}let label_{i} = format!(\"naïve café 日本語 {{}}\", items[{i}]);")
            }
            _ => {
                let args = next(4) as usize + 1;
                let call: Vec<String> = (0..args).map(|a| format!("arg_{a}.value()")).collect();
                format!(
                    "{indent}let value_{i} = compute_{}({});",
                    next(50),
                    call.join(", ")
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// (name, line, column in UTF-32) of the benchmarked cursor positions.
fn cursors(rope: &Rope) -> [(&'static str, u32, u32); 2] {
    // A line with non-ASCII text so the UTF-8 and UTF-16 columns differ from the char count.
    let middle = (LINES / 2 / 7 * 7) as u32;
    let middle_len = rope.line(middle as usize).len_chars() as u32 - 1;
    let last = (LINES - 1) as u32;
    let last_len = rope.line(last as usize).len_chars() as u32 - 1;
    [("middle", middle, middle_len - 3), ("end", last, last_len)]
}

fn bench_documents(c: &mut Criterion) {
    let text = generated_file();
    let doc = Document::new("file:///bench.rs", "rust", 1, &text);
    let encodings = [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ];

    for (name, line, col32) in cursors(&doc.text) {
        let char_idx = to_char(&doc.text, line, col32, PositionEncoding::Utf32);
        for enc in encodings {
            let (line, col) = from_char(&doc.text, char_idx, enc);
            c.bench_function(&format!("to_char/{name}/{}", enc.lsp_name()), |b| {
                b.iter(|| to_char(black_box(&doc.text), black_box(line), black_box(col), enc))
            });
        }
        c.bench_function(&format!("from_char/{name}/utf-16"), |b| {
            b.iter(|| {
                from_char(
                    black_box(&doc.text),
                    black_box(char_idx),
                    PositionEncoding::Utf16,
                )
            })
        });

        let (line16, col16) = from_char(&doc.text, char_idx, PositionEncoding::Utf16);
        let change = TextChange {
            range: Some(((line16, col16), (line16, col16))),
            text: "x".to_owned(),
        };
        // Each insert hits a fresh O(1) clone of the document, so it pays the copy-on-write of the
        // touched rope path, as it does in the server while a completion holds a snapshot.
        c.bench_function(&format!("did_change_insert/{name}/utf-16"), |b| {
            b.iter_batched_ref(
                || doc.clone(),
                |d| d.apply(black_box(&change), PositionEncoding::Utf16),
                BatchSize::SmallInput,
            )
        });
    }

    // Typing a run of characters without snapshots in between: no copy-on-write after the first.
    c.bench_function("did_change_typing/middle/utf-16", |b| {
        let (_, line, _) = cursors(&doc.text)[0];
        b.iter_batched_ref(
            || doc.clone(),
            |d| {
                for col in 0..32u32 {
                    let change = TextChange {
                        range: Some(((line, 8 + col), (line, 8 + col))),
                        text: "y".to_owned(),
                    };
                    d.apply(&change, PositionEncoding::Utf16);
                }
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, bench_documents);
criterion_main!(benches);
