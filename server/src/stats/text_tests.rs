//! `tandem stats` text for a small hand-made record.

use super::*;

const DAY1: i64 = 1_795_392_000_000; // 2026-11-23 00:00 UTC

fn row(id: &str, model: &str, outcome: Option<Outcome>, visible: i64, total: f64) -> SuggestionRow {
    SuggestionRow {
        id: id.into(),
        created_ms: DAY1 + 1_000,
        language: "rust".into(),
        model: model.into(),
        source: "model".into(),
        text_chars: 8,
        shown_ms: Some(DAY1 + 1_010),
        visible_ms: Some(visible),
        outcome,
        total_ms: Some(total),
        model_ms: Some(total - 20.0),
        ..SuggestionRow::default()
    }
}

fn sample() -> Telemetry {
    Telemetry {
        suggestions: vec![
            row(
                "a",
                "qwen2.5-coder-1.5b",
                Some(Outcome::Accepted),
                1000,
                200.0,
            ),
            row(
                "b",
                "qwen2.5-coder-1.5b",
                Some(Outcome::Rejected),
                400,
                300.0,
            ),
            row("c", "m\u{1b}[31m", Some(Outcome::Rejected), 900, 100.0),
            row(
                "d",
                "qwen2.5-coder-1.5b",
                Some(Outcome::Accepted),
                2000,
                250.0,
            ),
        ],
        retention: vec![RetentionRow {
            suggestion_id: "a".into(),
            checkpoint: Checkpoint::M2,
            at_ms: 0,
            unchanged: false,
            similarity: 0.9,
            surviving: None,
        }],
    }
}

#[test]
fn the_overview_states_rates_chars_and_latency() {
    let text = render_text(&summarize(&sample()), &[], false);
    let expected_lines = [
        "4 suggestions offered from 2026-11-23 to 2026-11-23 (UTC)",
        "shown                     4",
        "accepted                  2",
        // 2 of 4; visible >= 750 ms: a, c, d → 2 of 3.
        "acceptance rate           50.0% of shown; 66.7% of the 3 visible >= 750 ms",
        // 8 + 8 chars over 4 shown.
        "accepted chars per shown  4.0",
        // total 100 200 250 300: p50 = 2nd = 200, p95 = 4th = 300; model = total − 20.
        "latency p50 / p95         200 / 300 ms end to end; 180 / 280 ms in the model",
        "  after  checked  unchanged  mostly unchanged",
        "  30s          0          -                 -",
        "  2m           1       0.0%            100.0%",
    ];
    for line in expected_lines {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    assert!(
        !text.contains('\x1b'),
        "no escape codes without a terminal:\n{text}"
    );
}

#[test]
fn group_tables_line_up_and_defuse_control_characters() {
    let text = render_text(
        &summarize(&sample()),
        &[GroupBy::Model, GroupBy::Day],
        false,
    );
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "per model")
        .skip(1)
        .take(3)
        .collect();
    assert_eq!(
        table,
        [
            "  model               shown  accepted   rate  rate >=750ms  chars/shown  unchanged 2m  mostly 2m  p50 ms  p95 ms",
            "  qwen2.5-coder-1.5b      3         2  66.7%        100.0%          5.3          0.0%     100.0%     250     300",
            "  m?[31m                  1         0   0.0%          0.0%          0.0             -          -     100     100",
        ]
    );
    assert!(text.contains("per day (UTC)\n"));
    assert!(text.contains("  2026-11-23"));
}

#[test]
fn bold_headings_only_for_a_terminal() {
    let text = render_text(&summarize(&sample()), &[GroupBy::Language], true);
    assert!(text.contains("\x1b[1m  language"));
}

#[test]
fn an_empty_selection_says_so() {
    let text = render_text(&summarize(&Telemetry::default()), &[GroupBy::Model], false);
    assert_eq!(text, "no suggestions recorded in this selection\n");
}
