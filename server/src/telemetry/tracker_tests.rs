use std::path::PathBuf;
use std::time::Duration;

use ropey::Rope;

use super::*;
use crate::config::TelemetrySection;
use crate::engine::{ContextUse, Suggestion, Timings, Trigger};

const URI: &str = "file:///w/src/main.rs";
const T0: u64 = 1_000_000;

fn policy(store_code: bool) -> Policy {
    let (never_store, _) = NeverStore::new(&TelemetrySection::default().never_store);
    Policy {
        store_code,
        never_store,
        timeout: Duration::from_secs(30),
        schedule: Schedule::standard(),
    }
}

fn tracker() -> Tracker {
    Tracker::new(policy(true), Some(PathBuf::from("/w")))
}

fn offer_at(path: &str, suggestions: &[(&str, &str, usize)]) -> Offer {
    Offer {
        uri: format!("file://{path}"),
        path: Some(PathBuf::from(path)),
        workspace: None,
        language: "rust".into(),
        trigger: Trigger::Automatic,
        source: "model".into(),
        suggestions: suggestions
            .iter()
            .map(|(id, text, at)| Suggestion {
                id: id.to_string(),
                text: text.to_string(),
                at: *at,
            })
            .collect(),
        model: "qwen".into(),
        backend: "llamacpp".into(),
        template: "qwen".into(),
        timings: Timings {
            total_ms: 42.0,
            model_ms: 30.0,
            ..Timings::default()
        },
        usage: Default::default(),
        context: vec![ContextUse {
            source: "definitions".into(),
            path: "src/lib.rs".into(),
            tokens: 12,
        }],
        skipped: None,
    }
}

fn offer(suggestions: &[(&str, &str, usize)]) -> Offer {
    offer_at("/w/src/main.rs", suggestions)
}

/// A document the test edits, mirroring what the store would hold.
struct Doc(Rope);

impl Doc {
    fn new(text: &str) -> Self {
        Doc(Rope::from_str(text))
    }

    /// Replaces `removed` chars at `start` with `text`; returns the edit.
    fn edit(&mut self, start: usize, removed: usize, text: &str) -> CharEdit {
        self.0.remove(start..start + removed);
        self.0.insert(start, text);
        CharEdit {
            start,
            removed,
            inserted: text.chars().count(),
        }
    }

    fn change(
        &mut self,
        tracker: &mut Tracker,
        now: u64,
        start: usize,
        removed: usize,
        text: &str,
    ) -> Vec<Write> {
        let edit = self.edit(start, removed, text);
        tracker.document_changed(URI, &[edit], &self.0, now)
    }
}

/// (id, outcome, reason, accepted_chars, visible_ms) of every outcome row.
type OutcomeSummary = (
    String,
    &'static str,
    Option<&'static str>,
    Option<usize>,
    Option<u64>,
);

fn outcomes(writes: &[Write]) -> Vec<OutcomeSummary> {
    writes
        .iter()
        .filter_map(|w| match w {
            Write::Outcome(o) => Some((
                o.id.clone(),
                o.outcome,
                o.reason,
                o.accepted_chars,
                o.visible_ms,
            )),
            _ => None,
        })
        .collect()
}

fn retention_rows(writes: &[Write]) -> Vec<(&'static str, bool, f64, Option<String>)> {
    writes
        .iter()
        .filter_map(|w| match w {
            Write::Retention {
                checkpoint,
                unchanged,
                similarity,
                surviving,
                ..
            } => Some((*checkpoint, *unchanged, *similarity, surviving.clone())),
            _ => None,
        })
        .collect()
}

fn suggestion_rows(writes: &[Write]) -> Vec<SuggestionRow> {
    writes
        .iter()
        .filter_map(|w| match w {
            Write::Suggestion(row) => Some((**row).clone()),
            _ => None,
        })
        .collect()
}

fn events(writes: &[Write]) -> Vec<(Option<String>, &'static str, Value)> {
    writes
        .iter()
        .filter_map(|w| match w {
            Write::Event {
                suggestion_id,
                kind,
                detail,
                ..
            } => Some((suggestion_id.clone(), *kind, detail.clone())),
            _ => None,
        })
        .collect()
}

fn accepted_context(writes: &[Write]) -> Option<(Option<String>, Option<String>)> {
    writes.iter().find_map(|w| match w {
        Write::AcceptedContext {
            file_prefix,
            file_suffix,
            ..
        } => Some((file_prefix.clone(), file_suffix.clone())),
        _ => None,
    })
}

const SOURCE: &str = "fn main() {\n    let v = \n}\n";
/// Char index after `let v = `.
const CURSOR: usize = 24;

fn no_docs(_: &str) -> Option<Rope> {
    None
}

#[test]
fn an_offer_records_the_suggestion_with_its_metadata() {
    let mut t = tracker();
    let writes = t.offered(&offer(&[("s1", "hello()", CURSOR)]), T0);
    let rows = suggestion_rows(&writes);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, "s1");
    assert_eq!(row.path.as_deref(), Some("src/main.rs"));
    assert_eq!(row.workspace.as_deref(), Some("/w"));
    assert_eq!(row.text.as_deref(), Some("hello()"));
    assert_eq!(row.text_chars, 7);
    assert_eq!(
        (row.model.as_str(), row.backend.as_str()),
        ("qwen", "llamacpp")
    );
    assert_eq!(row.trigger, "automatic");
    assert_eq!(row.total_ms, 42.0);
    assert_eq!(
        row.context_sources,
        r#"[{"path":"src/lib.rs","source":"definitions","tokens":12}]"#
    );
    assert_eq!(events(&writes)[0].1, "requested");
}

#[test]
fn an_empty_answer_is_a_request_without_a_suggestion() {
    let mut t = tracker();
    let mut empty = offer(&[]);
    empty.skipped = Some("inside_word".into());
    let writes = t.offered(&empty, T0);
    let evs = events(&writes);
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].0, None);
    assert_eq!(evs[0].2["skipped"], "inside_word");
    assert!(suggestion_rows(&writes).is_empty());
}

#[test]
fn accepting_after_the_editor_inserted_the_text_starts_retention() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    t.shown("s1", T0 + 100);
    // The editor inserts the suggestion, then runs the accept command.
    let writes = doc.change(&mut t, T0 + 900, CURSOR, 0, "compute(1)");
    assert!(
        outcomes(&writes).is_empty(),
        "inserting it is not typing over: {writes:?}"
    );
    let writes = t.accepted("s1", T0 + 1_000, Some(&doc.0));
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "accepted", None, Some(10), Some(900))]
    );
    let (prefix, suffix) = accepted_context(&writes).expect("file context recorded");
    assert_eq!(prefix.as_deref(), Some("fn main() {\n    let v = "));
    assert_eq!(suffix.as_deref(), Some("\n}\n"));

    // 30 s: untouched.
    assert!(t.tick(T0 + 30_999, &|_| Some(doc.0.clone())).is_empty());
    let writes = t.tick(T0 + 31_000, &|_| Some(doc.0.clone()));
    assert_eq!(
        retention_rows(&writes),
        vec![("30s", true, 1.0, Some("compute(1)".into()))]
    );
    // Edited inside, and typed right after it (outside).
    doc.change(&mut t, T0 + 40_000, CURSOR + 8, 1, "42");
    doc.change(&mut t, T0 + 41_000, CURSOR + 11, 0, ";");
    let writes = t.tick(T0 + 121_000, &|_| Some(doc.0.clone()));
    let rows = retention_rows(&writes);
    assert_eq!(rows.len(), 1);
    let (checkpoint, unchanged, similarity, surviving) = &rows[0];
    assert_eq!((*checkpoint, *unchanged), ("2m", false));
    assert_eq!(surviving.as_deref(), Some("compute(42)"));
    assert!(
        (similarity - (1.0 - 2.0 / 11.0)).abs() < 1e-9,
        "{similarity}"
    );

    // Closing records the close checkpoint and stops following it.
    let writes = t.document_closed(URI, Some(&doc.0), T0 + 200_000);
    assert_eq!(retention_rows(&writes)[0].0, "close");
    assert!(t.tick(T0 + 700_000, &|_| Some(doc.0.clone())).is_empty());
}

#[test]
fn all_four_checkpoints_fire_in_order_even_when_the_tick_is_late() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "x + 1", CURSOR)]), T0);
    doc.change(&mut t, T0, CURSOR, 0, "x + 1");
    t.accepted("s1", T0, Some(&doc.0));
    assert_eq!(t.next_due(), Some(T0 + 30_000));
    let writes = t.tick(T0 + 700_000, &|_| Some(doc.0.clone()));
    let names: Vec<_> = retention_rows(&writes).iter().map(|r| r.0).collect();
    assert_eq!(names, ["30s", "2m", "5m", "10m"]);
    assert_eq!(t.next_due(), None);
}

#[test]
fn deleting_the_accepted_text_collapses_it() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "x + 1", CURSOR)]), T0);
    doc.change(&mut t, T0, CURSOR, 0, "x + 1");
    t.accepted("s1", T0, Some(&doc.0));
    doc.change(&mut t, T0 + 5_000, CURSOR - 2, 7, "");
    let writes = t.tick(T0 + 30_000, &|_| Some(doc.0.clone()));
    assert_eq!(
        retention_rows(&writes),
        vec![("30s", false, 0.0, Some(String::new()))]
    );
}

#[test]
fn an_acceptance_before_the_insert_waits_for_the_edit() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    let writes = t.accepted("s1", T0 + 500, Some(&doc.0));
    assert_eq!(outcomes(&writes)[0].1, "accepted");
    assert!(accepted_context(&writes).is_none());
    let writes = doc.change(&mut t, T0 + 520, CURSOR, 0, "compute(1)");
    let (prefix, _) = accepted_context(&writes).expect("context once the text is in");
    assert_eq!(prefix.as_deref(), Some("fn main() {\n    let v = "));
    let writes = t.tick(T0 + 30_500, &|_| Some(doc.0.clone()));
    assert!(retention_rows(&writes)[0].1, "unchanged");
}

#[test]
fn an_acceptance_whose_text_never_arrives_records_the_outcome_only() {
    let mut t = tracker();
    let doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    t.accepted("s1", T0, Some(&doc.0));
    t.tick(T0 + 6_000, &|_| Some(doc.0.clone()));
    let writes = t.tick(T0 + 40_000, &|_| Some(doc.0.clone()));
    assert!(retention_rows(&writes).is_empty());
}

#[test]
fn type_through_keeps_one_suggestion_and_accepts_the_rest() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "hello_world()", CURSOR)]), T0);
    assert!(outcomes(&doc.change(&mut t, T0 + 100, CURSOR, 0, "h")).is_empty());
    assert!(outcomes(&doc.change(&mut t, T0 + 200, CURSOR + 1, 0, "el")).is_empty());
    // The engine re-offers the same id, shorter, at the new cursor.
    let writes = t.offered(&offer(&[("s1", "lo_world()", CURSOR + 3)]), T0 + 250);
    assert!(suggestion_rows(&writes).is_empty(), "not a new suggestion");
    assert_eq!(events(&writes)[0].2["type_through"], true);
    doc.change(&mut t, T0 + 300, CURSOR + 3, 0, "lo_world()");
    let writes = t.accepted("s1", T0 + 310, Some(&doc.0));
    assert_eq!(outcomes(&writes)[0].3, Some(10));
    let (prefix, _) = accepted_context(&writes).expect("context");
    assert_eq!(prefix.as_deref(), Some("fn main() {\n    let v = hel"));
}

#[test]
fn typing_something_else_rejects_it_as_typed_over() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "hello_world()", CURSOR)]), T0);
    t.shown("s1", T0 + 50);
    doc.change(&mut t, T0 + 100, CURSOR, 0, "he");
    let writes = doc.change(&mut t, T0 + 200, CURSOR + 2, 0, "x");
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "rejected", Some("typed_over"), None, Some(150))]
    );
    // Nothing more happens to it.
    assert!(outcomes(&doc.change(&mut t, T0 + 300, CURSOR + 3, 0, "y")).is_empty());
    assert!(outcomes(&t.tick(T0 + 60_000, &no_docs)).is_empty());
}

#[test]
fn edits_elsewhere_only_move_the_suggestion() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    let writes = doc.change(&mut t, T0 + 10, 0, 0, "// header\n");
    assert!(outcomes(&writes).is_empty());
    let moved = CURSOR + 10;
    doc.change(&mut t, T0 + 20, moved, 0, "compute(1)");
    let writes = t.accepted("s1", T0 + 30, Some(&doc.0));
    let (prefix, _) = accepted_context(&writes).expect("context");
    assert_eq!(
        prefix.as_deref(),
        Some("// header\nfn main() {\n    let v = ")
    );
}

#[test]
fn a_new_suggestion_replaces_the_old_unless_it_extends_it() {
    let mut t = tracker();
    t.offered(&offer(&[("s1", "foo(a)", CURSOR)]), T0);
    let writes = t.offered(&offer(&[("s2", "bar()", CURSOR)]), T0 + 100);
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "rejected", Some("replaced"), None, None)]
    );
    // s3 extends s2: s2 gets no outcome, s3 says what it extends.
    let writes = t.offered(&offer(&[("s3", "bar().baz()", CURSOR)]), T0 + 200);
    assert!(outcomes(&writes).is_empty(), "{writes:?}");
    assert_eq!(events(&writes)[0].2["extends"], "s2");
    // And the superseded one does not time out later.
    let writes = t.tick(T0 + 60_000, &no_docs);
    let ids: Vec<_> = outcomes(&writes).into_iter().map(|o| o.0).collect();
    assert_eq!(ids, ["s3"]);
}

#[test]
fn an_empty_answer_replaces_nothing_and_other_documents_are_separate() {
    let mut t = tracker();
    t.offered(&offer(&[("s1", "foo(a)", CURSOR)]), T0);
    assert!(outcomes(&t.offered(&offer(&[]), T0 + 10)).is_empty());
    let other = offer_at("/w/src/other.rs", &[("s2", "bar()", 3)]);
    assert!(outcomes(&t.offered(&other, T0 + 20)).is_empty());
}

#[test]
fn an_unanswered_suggestion_times_out_from_when_it_was_shown() {
    let mut t = tracker();
    t.offered(
        &offer(&[("s1", "foo(a)", CURSOR), ("s2", "foo(b)", CURSOR)]),
        T0,
    );
    t.shown("s1", T0 + 5_000);
    let writes = t.tick(T0 + 30_000, &no_docs);
    // s2 was never shown: its clock started at the offer.
    assert_eq!(
        outcomes(&writes),
        vec![("s2".into(), "rejected", Some("timeout"), None, None)]
    );
    assert_eq!(t.next_due(), Some(T0 + 35_000));
    let writes = t.tick(T0 + 35_000, &no_docs);
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "rejected", Some("timeout"), None, Some(30_000))]
    );
}

#[test]
fn explicit_rejection_and_closing_reject_pending_suggestions() {
    let mut t = tracker();
    t.offered(&offer(&[("s1", "foo(a)", CURSOR)]), T0);
    let writes = t.rejected("s1", T0 + 10);
    assert_eq!(outcomes(&writes)[0].2, Some("explicit"));
    assert!(t.rejected("s1", T0 + 20).is_empty(), "only once");

    t.offered(&offer(&[("s2", "bar()", CURSOR)]), T0 + 30);
    let writes = t.document_closed(URI, None, T0 + 40);
    assert_eq!(
        outcomes(&writes)[0],
        ("s2".into(), "rejected", Some("closed"), None, None)
    );
    assert_eq!(t.sizes(), (0, 0));
}

#[test]
fn accepting_one_alternative_types_over_the_others() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(
        &offer(&[
            ("a", "compute(1)", CURSOR),
            ("b", "other()", CURSOR),
            ("c", "compute(1).x", CURSOR),
        ]),
        T0,
    );
    let writes = doc.change(&mut t, T0 + 100, CURSOR, 0, "compute(1)");
    let rejected: Vec<_> = outcomes(&writes).into_iter().map(|o| o.0).collect();
    assert_eq!(
        rejected,
        ["b"],
        "c starts with the inserted text and stays pending"
    );
    let writes = t.accepted("a", T0 + 110, Some(&doc.0));
    assert_eq!(outcomes(&writes)[0].1, "accepted");
}

#[test]
fn a_late_acceptance_wins_over_an_implicit_rejection() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    // A client whose edit does not look like typing the suggestion (here it also adds a
    // space before it), so the rule rejects it…
    let writes = doc.change(&mut t, T0 + 100, CURSOR - 2, 2, "=  compute(1)");
    assert_eq!(outcomes(&writes)[0].2, Some("typed_over"));
    let writes = t.accepted("s1", T0 + 120, Some(&doc.0));
    // …and the acceptance that follows overrides it, with retention found nearby.
    assert_eq!(outcomes(&writes)[0].1, "accepted");
    assert!(accepted_context(&writes).is_some());
}

#[test]
fn partial_acceptance_counts_utf16_units_and_can_become_full() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "«a» + b", CURSOR)]), T0);
    // Client accepts "«a»" (3 chars, 3 UTF-16 units) — the word, as VS Code does.
    doc.change(&mut t, T0 + 100, CURSOR, 0, "«a»");
    let writes = t.partially_accepted("s1", 3, T0 + 110, Some(&doc.0));
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "partial", None, Some(3), None)]
    );
    assert_eq!(events(&writes)[0].2["accepted_length_utf16"], 3);
    // Typing on does not reject a partly accepted suggestion.
    doc.change(&mut t, T0 + 200, CURSOR + 3, 0, " + b");
    let writes = t.accepted("s1", T0 + 300, Some(&doc.0));
    assert_eq!(
        outcomes(&writes),
        vec![("s1".into(), "accepted", None, Some(7), None)]
    );
    let writes = t.tick(T0 + 30_110, &|_| Some(doc.0.clone()));
    assert_eq!(retention_rows(&writes)[0].3.as_deref(), Some("«a» + b"));
}

#[test]
fn utf16_lengths_map_to_chars() {
    assert_eq!(chars_for_utf16("a😀b", 0), 0);
    assert_eq!(chars_for_utf16("a😀b", 1), 1);
    assert_eq!(chars_for_utf16("a😀b", 3), 2);
    assert_eq!(chars_for_utf16("a😀b", 4), 3);
    assert_eq!(chars_for_utf16("a😀b", 99), 3);
}

#[test]
fn without_store_code_only_metrics_are_kept() {
    let mut t = Tracker::new(policy(false), Some(PathBuf::from("/w")));
    let mut doc = Doc::new(SOURCE);
    let writes = t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    let row = &suggestion_rows(&writes)[0];
    assert_eq!(row.text, None);
    assert_eq!(row.text_chars, 10);
    assert_eq!(row.path.as_deref(), Some("src/main.rs"));
    doc.change(&mut t, T0 + 1, CURSOR, 0, "compute(1)");
    let writes = t.accepted("s1", T0 + 2, Some(&doc.0));
    assert!(accepted_context(&writes).is_none());
    let writes = t.tick(T0 + 30_002, &|_| Some(doc.0.clone()));
    assert_eq!(retention_rows(&writes), vec![("30s", true, 1.0, None)]);
}

#[test]
fn never_stored_files_keep_neither_code_nor_path() {
    let mut t = tracker();
    let env = offer_at("/w/.env.local", &[("s1", "KEY=1", 0)]);
    let writes = t.offered(&env, T0);
    let row = &suggestion_rows(&writes)[0];
    assert_eq!((row.path.as_deref(), row.text.as_deref()), (None, None));
    // Context chunks from such files lose their path too.
    let mut o = offer(&[("s2", "x", CURSOR)]);
    o.context[0].path = "secrets/prod.yaml".into();
    let writes = t.offered(&o, T0);
    assert_eq!(
        suggestion_rows(&writes)[0].context_sources,
        r#"[{"path":null,"source":"definitions","tokens":12}]"#
    );
}

#[test]
fn shown_is_recorded_once() {
    let mut t = tracker();
    t.offered(&offer(&[("s1", "x", CURSOR)]), T0);
    assert_eq!(t.shown("s1", T0 + 1).len(), 2);
    assert!(t.shown("s1", T0 + 2).is_empty());
    assert!(t.shown("unknown", T0 + 3).is_empty());
}

#[test]
fn finishing_the_session_closes_everything() {
    let mut t = tracker();
    let mut doc = Doc::new(SOURCE);
    t.offered(&offer(&[("s1", "compute(1)", CURSOR)]), T0);
    doc.change(&mut t, T0, CURSOR, 0, "compute(1)");
    t.accepted("s1", T0, Some(&doc.0));
    t.offered(&offer(&[("s2", "y", CURSOR + 10)]), T0 + 5);
    let writes = t.finish_all(T0 + 10, &|_| Some(doc.0.clone()));
    assert_eq!(retention_rows(&writes)[0].0, "close");
    assert_eq!(outcomes(&writes)[0].2, Some("closed"));
}

#[test]
fn a_batch_edit_overwritten_later_in_the_batch_has_no_known_text() {
    let edits = [
        CharEdit {
            start: 5,
            removed: 0,
            inserted: 3,
        },
        CharEdit {
            start: 0,
            removed: 0,
            inserted: 2,
        },
        CharEdit {
            start: 20,
            removed: 1,
            inserted: 0,
        },
    ];
    assert_eq!(final_range(&edits, 0), Some((7, 10)));
    let overwritten = [
        CharEdit {
            start: 5,
            removed: 0,
            inserted: 3,
        },
        CharEdit {
            start: 6,
            removed: 1,
            inserted: 0,
        },
    ];
    assert_eq!(final_range(&overwritten, 0), None);
}
