//! Raw outputs recorded from real models (testdata/recorded.json, made by
//! scripts/record-postprocess-cases), cleaned with the mode `decide_mode` picks at their cursor.

use ropey::Rope;
use serde::Deserialize;

use super::tests::{assert_early_stop_is_safe, context, first_complete_prefix};
use super::*;
use crate::syntax::{decide_mode, language_for};

#[derive(Deserialize)]
struct Recording {
    cases: Vec<Recorded>,
}

#[derive(Deserialize)]
struct Recorded {
    name: String,
    model: String,
    language: String,
    input_prefix: String,
    input_suffix: String,
    content: String,
    /// Why generation ended: "limit" when the model ran to `n_predict`.
    stop_type: Option<String>,
    /// The cleaned output, checked by hand.
    expected: Option<String>,
    /// Whether someone read `content` and wrote `expected`.
    checked: bool,
}

fn recorded() -> Vec<Recorded> {
    let json = include_str!("testdata/recorded.json");
    let recording: Recording = serde_json::from_str(json).expect("testdata/recorded.json parses");
    recording.cases
}

fn context_of(case: &Recorded) -> PostContext {
    let language = language_for(&case.language, None);
    let text = Rope::from_str(&format!("{}{}", case.input_prefix, case.input_suffix));
    let mode = decide_mode(language, &text, case.input_prefix.chars().count());
    context(&case.input_prefix, &case.input_suffix, mode)
}

#[test]
fn recorded_outputs_clean_to_what_was_checked_by_hand() {
    for case in recorded() {
        assert!(
            case.checked,
            "{} ({}) was never checked by hand",
            case.name, case.model
        );
        let ctx = context_of(&case);
        assert_eq!(
            clean(&case.content, &ctx),
            case.expected,
            "{} ({}), mode {:?}",
            case.name,
            case.model,
            ctx.mode
        );
    }
}

#[test]
fn recorded_outputs_stop_early_safely() {
    for case in recorded() {
        assert_early_stop_is_safe(&case.name, &case.content, &context_of(&case));
    }
}

#[test]
fn recorded_outputs_that_ran_to_the_limit_could_have_stopped_early() {
    let ran_to_limit: Vec<Recorded> = recorded()
        .into_iter()
        .filter(|c| c.stop_type.as_deref() == Some("limit"))
        .collect();
    assert!(!ran_to_limit.is_empty());
    for case in ran_to_limit {
        let ctx = context_of(&case);
        let partial = first_complete_prefix(&case.content, &ctx);
        assert!(
            partial.is_some_and(|p| p.len() < case.content.len()),
            "{} ({}): the stream would have run to the token limit",
            case.name,
            case.model
        );
    }
}
