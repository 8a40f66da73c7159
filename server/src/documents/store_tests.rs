use std::path::PathBuf;

use super::{DocumentError, DocumentStore};
use crate::documents::{PositionEncoding, TextChange};

fn insert(line: u32, col: u32, text: &str) -> TextChange {
    TextChange {
        range: Some(((line, col), (line, col))),
        text: text.to_owned(),
    }
}

#[test]
fn open_then_snapshot_returns_text_and_metadata() {
    let store = DocumentStore::new();
    store.open("file:///src/my%20lib.rs", "rust", 3, "fn main() {}\n");
    let snap = store.snapshot("file:///src/my%20lib.rs").expect("open");
    assert_eq!(snap.uri, "file:///src/my%20lib.rs");
    assert_eq!(snap.path, Some(PathBuf::from("/src/my lib.rs")));
    assert_eq!(snap.language_id, "rust");
    assert_eq!(snap.version, 3);
    assert_eq!(snap.text.to_string(), "fn main() {}\n");
    assert_eq!(store.len(), 1);
    assert!(store.snapshot("file:///src/other.rs").is_none());
}

#[test]
fn untitled_and_other_schemes_have_no_path() {
    let store = DocumentStore::new();
    store.open("untitled:Untitled-1", "python", 1, "x = 1");
    store.open("vscode-notebook-cell:/n.ipynb#W1", "python", 1, "y = 2");
    for uri in ["untitled:Untitled-1", "vscode-notebook-cell:/n.ipynb#W1"] {
        let snap = store.snapshot(uri).expect("open");
        assert_eq!(snap.path, None, "{uri}");
    }
}

#[test]
fn change_applies_edits_in_order_and_records_version() {
    let store = DocumentStore::new();
    store.open("file:///a.py", "python", 1, "print(😀)\n");
    let changes = [insert(0, 8, "!"), insert(0, 9, "?")];
    store
        .change("file:///a.py", 2, &changes, PositionEncoding::Utf16)
        .expect("open document");
    let snap = store.snapshot("file:///a.py").expect("open");
    assert_eq!(snap.text.to_string(), "print(😀!?)\n");
    assert_eq!(snap.version, 2);
}

#[test]
fn snapshots_do_not_see_later_changes() {
    let store = DocumentStore::new();
    store.open("file:///a.rs", "rust", 1, "a");
    let before = store.snapshot("file:///a.rs").expect("open");
    store
        .change(
            "file:///a.rs",
            2,
            &[insert(0, 1, "b")],
            PositionEncoding::Utf8,
        )
        .expect("open document");
    assert_eq!(before.text.to_string(), "a");
    assert_eq!(before.version, 1);
    let after = store.snapshot("file:///a.rs").expect("open");
    assert_eq!(after.text.to_string(), "ab");
}

#[test]
fn change_to_an_unknown_document_is_an_error() {
    let store = DocumentStore::new();
    let err = store
        .change(
            "file:///nope.rs",
            2,
            &[insert(0, 0, "x")],
            PositionEncoding::Utf16,
        )
        .expect_err("not open");
    assert_eq!(
        err,
        DocumentError::NotOpen {
            uri: "file:///nope.rs".to_owned()
        }
    );
    assert!(err.to_string().contains("file:///nope.rs"));
    assert!(store.is_empty());
}

#[test]
fn close_frees_the_document() {
    let store = DocumentStore::new();
    store.open("file:///a.rs", "rust", 1, "a");
    store.open("file:///b.rs", "rust", 1, "b");
    assert_eq!(store.len(), 2);
    assert!(store.close("file:///a.rs"));
    assert_eq!(store.len(), 1);
    assert!(store.snapshot("file:///a.rs").is_none());
    assert!(!store.close("file:///a.rs"));
    let err = store.change("file:///a.rs", 2, &[], PositionEncoding::Utf8);
    assert!(matches!(err, Err(DocumentError::NotOpen { .. })));
    assert!(store.snapshot("file:///b.rs").is_some());
}

#[test]
fn reopening_replaces_the_document() {
    let store = DocumentStore::new();
    store.open("file:///a.rs", "rust", 4, "old");
    store.open("file:///a.rs", "plaintext", 1, "new");
    let snap = store.snapshot("file:///a.rs").expect("open");
    assert_eq!(
        (
            snap.text.to_string().as_str(),
            snap.version,
            snap.language_id.as_str()
        ),
        ("new", 1, "plaintext")
    );
    assert_eq!(store.len(), 1);
}

#[test]
fn documents_larger_than_the_completion_cap_still_open_and_track_edits() {
    // 6 MB, above the default completion.max_file_bytes of 5 MB.
    let line = "let value = compute(42); // ünïcödé\n";
    let text = line.repeat(6_000_000 / line.len() + 1);
    let store = DocumentStore::new();
    store.open("file:///big.rs", "rust", 1, &text);
    let lines = text.lines().count() as u32;
    store
        .change(
            "file:///big.rs",
            2,
            &[insert(lines, 0, "end")],
            PositionEncoding::Utf8,
        )
        .expect("open document");
    let snap = store.snapshot("file:///big.rs").expect("open");
    assert_eq!(snap.text.len_bytes(), text.len() + 3);
    assert_eq!(snap.text.line(lines as usize).to_string(), "end");
}

#[test]
fn concurrent_handlers_edit_different_documents() {
    let store = DocumentStore::new();
    let uris: Vec<String> = (0..4).map(|i| format!("file:///f{i}.rs")).collect();
    for uri in &uris {
        store.open(uri, "rust", 0, "");
    }
    std::thread::scope(|scope| {
        for uri in &uris {
            let store = &store;
            scope.spawn(move || {
                for version in 1..=200 {
                    let col = (version - 1) as u32;
                    store
                        .change(
                            uri,
                            version,
                            &[insert(0, col, "é")],
                            PositionEncoding::Utf32,
                        )
                        .expect("open document");
                    let _ = store.snapshot(uri);
                }
            });
        }
    });
    for uri in &uris {
        let snap = store.snapshot(uri).expect("open");
        assert_eq!(snap.text.to_string(), "é".repeat(200), "{uri}");
        assert_eq!(snap.version, 200);
    }
}
