//! Figures of hand-made telemetry, with the expected numbers worked out by hand in the comments.

use super::*;

const DAY1: i64 = 1_795_392_000_000; // 2026-11-23 00:00 UTC
const DAY2: i64 = DAY1 + 86_400_000;

fn base(id: &str, model: &str, language: &str, created_ms: i64) -> SuggestionRow {
    SuggestionRow {
        id: id.into(),
        session: "1-1".into(),
        created_ms,
        language: language.into(),
        model: model.into(),
        backend: "llamacpp".into(),
        template: "qwen".into(),
        trigger: "automatic".into(),
        source: "model".into(),
        context_sources: "[]".into(),
        ..SuggestionRow::default()
    }
}

/// Six suggestions covering every way a row counts or does not:
/// s1 shown 1000 ms, accepted whole (20 chars)      total 100, model 80
/// s2 shown 500 ms, partially accepted (5 of 30)    total 200, model 150
/// s3 shown 900 ms, rejected                        total 300, model 250
/// s4 never shown, replaced, from the cache         total 50,  no model time
/// s5 no didShow but accepted (10 chars)            total 400, model 300
/// s6 shown 2000 ms, still pending                  total 150, model 100
fn six() -> Telemetry {
    let shown = |mut row: SuggestionRow, visible: i64| {
        row.shown_ms = Some(row.created_ms + 10);
        row.visible_ms = Some(visible);
        row
    };
    let s1 = SuggestionRow {
        outcome: Some(Outcome::Accepted),
        text_chars: 20,
        total_ms: Some(100.0),
        model_ms: Some(80.0),
        ..shown(base("s1", "a", "rust", DAY1 + 1), 1000)
    };
    let s2 = SuggestionRow {
        outcome: Some(Outcome::Partial),
        text_chars: 30,
        accepted_chars: Some(5),
        total_ms: Some(200.0),
        model_ms: Some(150.0),
        ..shown(base("s2", "a", "python", DAY1 + 2), 500)
    };
    let s3 = SuggestionRow {
        outcome: Some(Outcome::Rejected),
        outcome_reason: Some("explicit".into()),
        text_chars: 12,
        total_ms: Some(300.0),
        model_ms: Some(250.0),
        ..shown(base("s3", "a", "rust", DAY1 + 3), 900)
    };
    let s4 = SuggestionRow {
        outcome: Some(Outcome::Rejected),
        outcome_reason: Some("replaced".into()),
        source: "cache".into(),
        text_chars: 8,
        total_ms: Some(50.0),
        ..base("s4", "b", "rust", DAY2 + 1)
    };
    let s5 = SuggestionRow {
        outcome: Some(Outcome::Accepted),
        text_chars: 10,
        total_ms: Some(400.0),
        model_ms: Some(300.0),
        ..base("s5", "b", "python", DAY2 + 2)
    };
    let s6 = SuggestionRow {
        text_chars: 9,
        total_ms: Some(150.0),
        model_ms: Some(100.0),
        ..shown(base("s6", "b", "go", DAY2 + 3), 2000)
    };
    let check = |id: &str, checkpoint: Checkpoint, unchanged: bool, similarity: f64| RetentionRow {
        suggestion_id: id.into(),
        checkpoint,
        at_ms: 0,
        unchanged,
        similarity,
        surviving: None,
    };
    Telemetry {
        suggestions: vec![s1, s2, s3, s4, s5, s6],
        retention: vec![
            check("s1", Checkpoint::S30, true, 1.0),
            check("s1", Checkpoint::M2, false, 0.8),
            check("s1", Checkpoint::M5, false, 0.5),
            check("s2", Checkpoint::S30, true, 1.0),
            check("s2", Checkpoint::M2, true, 1.0),
            check("s2", Checkpoint::M5, false, 0.67),
            check("s2", Checkpoint::M10, false, 0.2),
            check("s5", Checkpoint::S30, false, 0.66),
            check("s5", Checkpoint::Close, false, 0.1),
            // A rejected suggestion has nothing to retain: a stray row must not count.
            check("s3", Checkpoint::S30, true, 1.0),
        ],
    }
}

#[test]
fn overall_acceptance_counts_shown_accepted_and_long_visible() {
    let summary = summarize(&six());
    let f = &summary.overall;
    assert_eq!(f.offered, 6);
    // Shown: s1 s2 s3 (didShow), s5 (accepted), s6 (didShow); not s4.
    assert_eq!(f.shown, 5);
    // Accepted: s1, s2 (partial), s5.
    assert_eq!((f.accepted, f.partial), (3, 1));
    assert_eq!(f.acceptance_rate(), Some(0.6));
    // Visible >= 750 ms: s1, s3, s6 (s2 500 ms, s5 unknown); of those only s1 accepted.
    assert_eq!((f.shown_long, f.accepted_long), (3, 1));
    assert_eq!(f.long_acceptance_rate(), Some(1.0 / 3.0));
    // 20 + 5 + 10 = 35 chars over 5 shown.
    assert_eq!(f.accepted_chars, 35);
    assert_eq!(f.chars_per_shown(), Some(7.0));
}

#[test]
fn overall_latency_is_nearest_rank_over_all_rows_and_model_rows() {
    let f = summarize(&six()).overall;
    // total: 50 100 150 200 300 400 → p50 = 3rd = 150, p95 = 6th = 400.
    assert_eq!(
        f.total_ms,
        Latency {
            count: 6,
            p50: Some(150.0),
            p95: Some(400.0)
        }
    );
    // model (cache row s4 left out): 80 100 150 250 300 → p50 = 3rd, p95 = 5th.
    assert_eq!(
        f.model_ms,
        Latency {
            count: 5,
            p50: Some(150.0),
            p95: Some(300.0)
        }
    );
}

#[test]
fn retention_counts_accepted_suggestions_that_reached_each_checkpoint() {
    let f = summarize(&six()).overall;
    // (checkpoint, reached, unchanged, mostly unchanged)
    let expected = [
        // s1 unchanged, s2 unchanged, s5 at 0.66 is below 0.67.
        (Checkpoint::S30, 3, 2, 2),
        // s1 0.8 mostly, s2 unchanged.
        (Checkpoint::M2, 2, 1, 2),
        // s1 0.5 no, s2 at exactly 0.67 counts as mostly.
        (Checkpoint::M5, 2, 0, 1),
        (Checkpoint::M10, 1, 0, 0),
    ];
    let got: Vec<_> = f
        .retention
        .iter()
        .map(|p| (p.checkpoint, p.reached, p.unchanged, p.mostly_unchanged))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(f.retention[0].unchanged_rate(), Some(2.0 / 3.0));
    assert_eq!(f.retention[1].mostly_unchanged_rate(), Some(1.0));
}

#[test]
fn groups_split_by_model_language_and_day() {
    let summary = summarize(&six());
    let brief = |by: GroupBy| -> Vec<(String, usize, usize, usize)> {
        summary
            .groups(by)
            .iter()
            .map(|g| {
                (
                    g.key.clone(),
                    g.figures.offered,
                    g.figures.shown,
                    g.figures.accepted,
                )
            })
            .collect()
    };
    let owned = |rows: &[(&str, usize, usize, usize)]| -> Vec<(String, usize, usize, usize)> {
        rows.iter()
            .map(|(k, o, s, a)| (k.to_string(), *o, *s, *a))
            .collect()
    };
    // Most shown first.
    assert_eq!(
        brief(GroupBy::Model),
        owned(&[("a", 3, 3, 2), ("b", 3, 2, 1)])
    );
    // rust: s1 s3 s4 (shown 2, accepted 1); python: s2 s5 (2, 2); go: s6 (1, 0).
    // Equal shown counts keep name order: python before rust.
    assert_eq!(
        brief(GroupBy::Language),
        owned(&[("python", 2, 2, 2), ("rust", 3, 2, 1), ("go", 1, 1, 0)])
    );
    assert_eq!(
        brief(GroupBy::Day),
        owned(&[("2026-11-23", 3, 3, 2), ("2026-11-24", 3, 2, 1)])
    );
    let model_b = &summary.by_model[1].figures;
    // b: s4 50, s5 400, s6 150 → p50 = 150, p95 = 400.
    assert_eq!(
        (model_b.total_ms.p50, model_b.total_ms.p95),
        (Some(150.0), Some(400.0))
    );
    // b retention: only s5 reached 30s, at 0.66.
    assert_eq!(model_b.retention[0].reached, 1);
    assert_eq!(model_b.retention[0].mostly_unchanged, 0);
    assert_eq!(summary.span_ms, Some((DAY1 + 1, DAY2 + 3)));
    assert_eq!(summary.latency_histogram.counts.iter().sum::<usize>(), 6);
}

#[test]
fn nothing_recorded_gives_undefined_rates_not_zeros() {
    let summary = summarize(&Telemetry::default());
    let f = &summary.overall;
    assert_eq!(f.offered, 0);
    assert_eq!(f.acceptance_rate(), None);
    assert_eq!(f.long_acceptance_rate(), None);
    assert_eq!(f.chars_per_shown(), None);
    assert_eq!(f.total_ms.p50, None);
    assert!(f.retention.iter().all(|p| p.unchanged_rate().is_none()));
    assert!(summary.by_day.is_empty());
    assert_eq!(summary.span_ms, None);
}
