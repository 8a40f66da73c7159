use std::time::Duration;

use super::*;

fn edit(start: usize, removed: usize, inserted: &str) -> (CharEdit, String) {
    (
        CharEdit {
            start,
            removed,
            inserted: inserted.chars().count(),
        },
        inserted.to_string(),
    )
}

#[test]
fn the_typing_rule_tells_type_through_from_typing_over() {
    // The suggestion "hello_world()" waits at char 20.
    let remaining = "hello_world()";
    let cases: &[(&str, (usize, usize, &str), EditEffect)] = &[
        (
            "typing its first chars",
            (20, 0, "hel"),
            EditEffect::Typed {
                anchor: 23,
                typed: 3,
            },
        ),
        (
            "typing all of it",
            (20, 0, "hello_world()"),
            EditEffect::Typed {
                anchor: 33,
                typed: 13,
            },
        ),
        ("typing something else", (20, 0, "x"), EditEffect::TypedOver),
        (
            "typing past its end",
            (20, 0, "hello_world();"),
            EditEffect::TypedOver,
        ),
        ("backspace before it", (19, 1, ""), EditEffect::TypedOver),
        ("delete after it", (20, 1, ""), EditEffect::TypedOver),
        ("replace across it", (18, 4, "ab"), EditEffect::TypedOver),
        (
            "insert earlier in the file moves it",
            (3, 0, "abc"),
            EditEffect::Moved(23),
        ),
        (
            "delete earlier in the file moves it",
            (2, 5, ""),
            EditEffect::Moved(15),
        ),
        (
            "edit later in the file leaves it",
            (40, 2, "x"),
            EditEffect::Moved(20),
        ),
        (
            "an empty change is nothing",
            (20, 0, ""),
            EditEffect::Moved(20),
        ),
        (
            "a completion item re-inserting the word and typing the start",
            (17, 3, "fooh"),
            EditEffect::Typed {
                anchor: 21,
                typed: 1,
            },
        ),
        (
            "a completion item re-inserting the word only",
            (17, 3, "foo"),
            EditEffect::Moved(20),
        ),
        (
            "a completion item inserting something else",
            (17, 3, "foox"),
            EditEffect::TypedOver,
        ),
    ];
    for (name, (start, removed, inserted), expected) in cases {
        let (e, text) = edit(*start, *removed, inserted);
        let got = after_edit(20, remaining, &e, &|| Some(text.clone()));
        assert_eq!(&got, expected, "case: {name}");
    }
}

#[test]
fn typing_counts_chars_not_bytes() {
    let (e, text) = edit(5, 0, "«é");
    assert_eq!(
        after_edit(5, "«é»", &e, &|| Some(text.clone())),
        EditEffect::Typed {
            anchor: 7,
            typed: 2
        }
    );
}

#[test]
fn typing_whose_text_is_lost_counts_as_typing_over() {
    let (e, _) = edit(20, 0, "he");
    assert_eq!(after_edit(20, "hello", &e, &|| None), EditEffect::TypedOver);
}

#[test]
fn an_extension_is_a_longer_or_shorter_suggestion_at_the_same_point() {
    let cases = [
        (
            "longer at the same point",
            (10, "foo("),
            (10, "foo(bar)"),
            true,
        ),
        (
            "shorter at the same point",
            (10, "foo(bar)"),
            (10, "foo("),
            true,
        ),
        ("same text", (10, "foo"), (10, "foo"), true),
        ("different text", (10, "foo(bar)"), (10, "baz()"), false),
        ("another point", (10, "foo("), (11, "foo(bar)"), false),
        ("all of the old one typed", (10, ""), (10, "next()"), true),
    ];
    for (name, (old_at, old), (new_at, new), expected) in cases {
        assert_eq!(
            is_extension(old_at, old, new_at, new),
            expected,
            "case: {name}"
        );
    }
}

#[test]
fn a_suggestion_times_out_after_the_limit() {
    let limit = Duration::from_secs(30);
    assert!(!timed_out(1_000, 30_999, limit));
    assert!(timed_out(1_000, 31_000, limit));
    // A clock going backwards never times anything out.
    assert!(!timed_out(5_000, 1_000, limit));
}

#[test]
fn reasons_have_their_stored_names() {
    let names: Vec<_> = [
        Reason::Explicit,
        Reason::TypedOver,
        Reason::Replaced,
        Reason::Timeout,
        Reason::Closed,
    ]
    .iter()
    .map(|r| r.as_str())
    .collect();
    assert_eq!(
        names,
        ["explicit", "typed_over", "replaced", "timeout", "closed"]
    );
}
