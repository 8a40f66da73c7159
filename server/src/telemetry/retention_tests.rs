use std::time::Duration;

use super::*;

/// Applies `(start, removed, inserted text)` edits to `text` and to a range over it, and returns
/// the range's text afterwards (or `None` when collapsed).
fn follow(text: &str, start: usize, len: usize, edits: &[(usize, usize, &str)]) -> Option<String> {
    let mut chars: Vec<char> = text.chars().collect();
    let mut range = TrackedRange::new(start, len);
    for (s, r, inserted) in edits {
        chars.splice(*s..*s + *r, inserted.chars());
        range.apply(&CharEdit {
            start: *s,
            removed: *r,
            inserted: inserted.chars().count(),
        });
    }
    if range.is_collapsed() {
        return None;
    }
    Some(chars[range.start()..range.end()].iter().collect())
}

/// `(start, removed, inserted text)` edits, applied in order.
type Edits<'a> = &'a [(usize, usize, &'a str)];

#[test]
fn a_range_follows_its_text_through_edit_sequences() {
    // text: "let x = foo(1);\n" with "foo(1)" accepted at 8..14
    let text = "let x = foo(1);\n";
    let cases: &[(&str, Edits, Option<&str>)] = &[
        ("no edits", &[], Some("foo(1)")),
        ("insert before shifts", &[(0, 0, "// hi\n")], Some("foo(1)")),
        ("delete before shifts", &[(0, 4, "")], Some("foo(1)")),
        (
            "insert right before stays outside",
            &[(8, 0, "&")],
            Some("foo(1)"),
        ),
        (
            "insert right after stays outside",
            &[(14, 0, "?")],
            Some("foo(1)"),
        ),
        (
            "edit after is ignored",
            &[(15, 1, "\nlet y = 2;\n")],
            Some("foo(1)"),
        ),
        (
            "edit inside changes content",
            &[(12, 1, "42")],
            Some("foo(42)"),
        ),
        ("delete inside shrinks", &[(11, 3, "")], Some("foo")),
        (
            "replace at the start joins the range",
            &[(8, 3, "bar")],
            Some("bar(1)"),
        ),
        (
            "edit across the start takes the replacement",
            &[(6, 5, "= baz")],
            Some("= baz(1)"),
        ),
        (
            "edit across the end takes the replacement",
            &[(12, 4, "2)")],
            Some("foo(2)"),
        ),
        ("delete all of it collapses", &[(8, 6, "")], None),
        ("replace all of it collapses", &[(8, 6, "bar()")], None),
        (
            "replace the whole document collapses",
            &[(0, 16, "fn main() {}\n")],
            None,
        ),
        ("collapse is final", &[(8, 6, ""), (8, 0, "foo(1)")], None),
        (
            "several edits in order",
            &[(0, 0, "  "), (14, 1, "x"), (16, 0, ".unwrap()")],
            Some("foo(x)"),
        ),
    ];
    for (name, edits, expected) in cases {
        assert_eq!(
            follow(text, 8, 6, edits).as_deref(),
            *expected,
            "case: {name}"
        );
    }
}

#[test]
fn a_range_counts_chars_not_bytes() {
    let text = "é = «ab»;";
    assert_eq!(follow(text, 4, 4, &[]).as_deref(), Some("«ab»"));
    assert_eq!(
        follow(text, 4, 4, &[(0, 1, "ü"), (6, 0, "c")]).as_deref(),
        Some("«acb»")
    );
}

#[test]
fn extending_a_range_grows_its_end_only() {
    let mut range = TrackedRange::new(5, 3);
    range.extend_to(10);
    assert_eq!((range.start(), range.end()), (5, 10));
    range.extend_to(7);
    assert_eq!((range.start(), range.end()), (5, 10));
}

#[test]
fn measurement_is_unchanged_only_for_identical_text() {
    let cases = [
        ("foo(1)", "foo(1)", true, 1.0),
        ("foo(1)", "foo(2)", false, 1.0 - 1.0 / 6.0),
        ("abcd", "", false, 0.0),
        ("", "", true, 1.0),
        ("«ab»", "«ab»x", false, 1.0 - 1.0 / 5.0),
    ];
    for (accepted, current, unchanged, similarity) in cases {
        let m = measure(accepted, current);
        assert_eq!(m.unchanged, unchanged, "{accepted:?} vs {current:?}");
        assert!(
            (m.similarity - similarity).abs() < 1e-9,
            "{accepted:?} vs {current:?}: {} != {similarity}",
            m.similarity
        );
    }
}

#[test]
fn the_standard_schedule_is_30s_2m_5m_10m() {
    let schedule = Schedule::standard();
    let steps: Vec<_> = (0..5).map(|i| schedule.step(i)).collect();
    assert_eq!(
        steps,
        vec![
            Some((Checkpoint::Seconds30, Duration::from_secs(30))),
            Some((Checkpoint::Minutes2, Duration::from_secs(120))),
            Some((Checkpoint::Minutes5, Duration::from_secs(300))),
            Some((Checkpoint::Minutes10, Duration::from_secs(600))),
            None,
        ]
    );
}

#[test]
fn an_override_replaces_delays_in_order_and_rejects_nonsense() {
    let schedule = Schedule::from_millis_list("100, 200").expect("valid");
    assert_eq!(
        schedule.step(0),
        Some((Checkpoint::Seconds30, Duration::from_millis(100)))
    );
    assert_eq!(
        schedule.step(1),
        Some((Checkpoint::Minutes2, Duration::from_millis(200)))
    );
    assert_eq!(schedule.step(2), None);
    for bad in ["", "abc", "200,100", "1,2,3,4,5", "100,,200"] {
        assert!(Schedule::from_millis_list(bad).is_err(), "{bad:?}");
    }
}
