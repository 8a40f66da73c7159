//! The rendered page: each chart present with as many bars and points as the data has, text
//! from the database escaped, nothing loaded from outside, and an empty state that still reads.

use super::*;
use crate::stats::{summarize, Checkpoint, Outcome, RetentionRow, SuggestionRow, Telemetry};

const DAY: i64 = 86_400_000;
const START: i64 = 1_795_392_000_000; // 2026-11-23 00:00 UTC

fn row(
    id: usize,
    model: &str,
    language: &str,
    day: i64,
    outcome: Option<Outcome>,
    visible: i64,
    total: f64,
) -> SuggestionRow {
    SuggestionRow {
        id: format!("s{id}"),
        created_ms: START + day * DAY + id as i64,
        language: language.into(),
        model: model.into(),
        source: "model".into(),
        text_chars: 10,
        shown_ms: Some(START + day * DAY + id as i64 + 5),
        visible_ms: Some(visible),
        outcome,
        total_ms: Some(total),
        model_ms: Some(total * 0.8),
        ..SuggestionRow::default()
    }
}

/// Three days (the middle one with only short-visible suggestions), two models, three languages.
fn sample() -> Telemetry {
    let accepted = Some(Outcome::Accepted);
    let rejected = Some(Outcome::Rejected);
    let suggestions = vec![
        row(1, "qwen-0.5b", "rust", 0, accepted, 1200, 120.0),
        row(2, "qwen-0.5b", "rust", 0, rejected, 1500, 180.0),
        row(3, "qwen-1.5b", "python", 0, accepted, 900, 400.0),
        row(4, "qwen-1.5b", "python", 1, accepted, 300, 450.0),
        row(5, "qwen-0.5b", "go", 1, rejected, 200, 90.0),
        row(6, "qwen-0.5b", "rust", 2, rejected, 800, 150.0),
        row(7, "qwen-1.5b", "rust", 2, accepted, 2000, 800.0),
    ];
    let check = |id: &str, checkpoint, unchanged, similarity| RetentionRow {
        suggestion_id: id.into(),
        checkpoint,
        at_ms: 0,
        unchanged,
        similarity,
        surviving: None,
    };
    Telemetry {
        suggestions,
        retention: vec![
            check("s1", Checkpoint::S30, true, 1.0),
            check("s1", Checkpoint::M2, false, 0.9),
            check("s3", Checkpoint::S30, true, 1.0),
            check("s3", Checkpoint::M2, false, 0.4),
            check("s4", Checkpoint::S30, false, 0.8),
        ],
    }
}

fn meta() -> ReportMeta {
    ReportMeta {
        database: "/home/u/.local/share/tandem/telemetry.sqlite3".into(),
        selection: String::new(),
        generated_ms: START + 3 * DAY,
    }
}

/// The `<svg>` element of chart `id`.
fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let marker = format!("data-chart=\"{id}\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no chart {id}"));
    let start = page[..at].rfind("<svg").expect("svg start");
    let end = at + page[at..].find("</svg>").expect("svg end") + "</svg>".len();
    &page[start..end]
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn every_chart_has_one_bar_or_point_per_data_point() {
    let page = render(&summarize(&sample()), &meta());
    for id in ["acceptance", "retention", "latency", "models", "languages"] {
        let svg = chart(&page, id);
        assert_eq!(count(svg, "class=\"plot\""), 1, "{id} plot area");
        assert_eq!(count(svg, "class=\"legend\""), 1, "{id} legend");
        assert_eq!(count(svg, "class=\"title\""), 1, "{id} title");
    }
    // Three days shown → three bars; day 2 has no suggestion visible ≥ 750 ms → two points.
    let acceptance = chart(&page, "acceptance");
    assert_eq!(count(acceptance, "<rect class=\"bar\""), 3);
    assert_eq!(count(acceptance, "<circle class=\"point\""), 2);
    assert_eq!(count(acceptance, "<polyline class=\"line\""), 1);
    // Day 1: 2 of 3 accepted → 67%; day 2: 1 of 2; day 3: 1 of 2.
    assert!(
        acceptance.contains("2026-11-23: 2 of 3 shown accepted (67%)"),
        "{acceptance}"
    );
    assert_eq!(count(acceptance, ">50%</text>"), 2);
    // Retention: 30s reached by s1 s3 s4, 2m by s1 s3, 5m and 10m by none → 2 points per series.
    let retention = chart(&page, "retention");
    assert_eq!(count(retention, "<circle class=\"point unchanged\""), 2);
    assert_eq!(count(retention, "<circle class=\"point mostly\""), 2);
    assert!(retention.contains("30s (n = 3)") && retention.contains("10m (n = 0)"));
    // 30s: unchanged 2 of 3 (67%), mostly 3 of 3; 2m: unchanged 0 of 2, mostly 1 of 2.
    assert!(
        retention.contains("mostly after 30s: 100% of 3 checked"),
        "{retention}"
    );
    assert!(
        retention.contains("unchanged after 2m: 0% of 2 checked"),
        "{retention}"
    );
    // Latency: one bar per non-empty bin, and both percentiles marked.
    let summary = summarize(&sample());
    let bins = summary
        .latency_histogram
        .counts
        .iter()
        .filter(|c| **c > 0)
        .count();
    let latency = chart(&page, "latency");
    assert_eq!(count(latency, "<rect class=\"bar\""), bins);
    assert_eq!(count(latency, "class=\"marker p50\""), 1);
    assert_eq!(count(latency, "class=\"marker p95\""), 1);
    // 90 120 150 180 400 450 800: p50 = 4th = 180, p95 = 7th = 800.
    assert!(latency.contains("p50 180 ms") && latency.contains("p95 800 ms"));
    // Two models, three languages: an acceptance bar each; a retention bar for those checked at 2m.
    let models = chart(&page, "models");
    assert_eq!(count(models, "<rect class=\"bar acceptance\""), 2);
    assert_eq!(count(models, "<rect class=\"bar kept\""), 2);
    let languages = chart(&page, "languages");
    assert_eq!(count(languages, "<rect class=\"bar acceptance\""), 3);
    // Only rust (s1) and python (s3) were checked at 2m.
    assert_eq!(count(languages, "<rect class=\"bar kept\""), 2);
    assert_eq!(count(languages, "not measured yet"), 1);
}

#[test]
fn a_single_suggestion_still_draws_readable_charts() {
    let one = Telemetry {
        suggestions: vec![row(1, "m", "rust", 0, Some(Outcome::Accepted), 1000, 200.0)],
        retention: Vec::new(),
    };
    let page = render(&summarize(&one), &meta());
    assert_eq!(count(chart(&page, "acceptance"), "<rect class=\"bar\""), 1);
    assert_eq!(
        count(chart(&page, "acceptance"), "<circle class=\"point\""),
        1
    );
    assert_eq!(count(chart(&page, "latency"), "<rect class=\"bar\""), 1);
    assert!(chart(&page, "retention").contains("No accepted suggestion has been followed yet."));
    assert_eq!(
        count(chart(&page, "models"), "<rect class=\"bar acceptance\""),
        1
    );
}

#[test]
fn nothing_recorded_gives_every_chart_an_empty_state() {
    let page = render(&summarize(&Telemetry::default()), &meta());
    assert!(page.contains("Nothing to show yet"));
    for (id, message) in [
        ("acceptance", "No suggestions shown yet"),
        ("retention", "No accepted suggestion has been followed yet."),
        ("latency", "No latency recorded yet."),
        ("models", "no model to compare"),
        ("languages", "no language to compare"),
    ] {
        let svg = chart(&page, id);
        assert!(svg.contains(message), "{id}: {svg}");
        assert_eq!(count(svg, "class=\"bar"), 0, "{id}");
        assert_eq!(count(svg, "<circle"), 0, "{id}");
    }
}

#[test]
fn text_from_the_database_is_escaped_everywhere() {
    let hostile = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>";
    let mut telemetry = sample();
    telemetry.suggestions[0].model = hostile.into();
    telemetry.suggestions[1].language = "a&b'".into();
    let mut meta = meta();
    meta.database = "/tmp/<db>.sqlite3".into();
    let page = render(&summarize(&telemetry), &meta);
    assert!(!page.contains("<script"), "unescaped script");
    assert!(!page.contains("<img"), "unescaped img");
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(page.contains("a&amp;b&#39;"));
    assert!(page.contains("/tmp/&lt;db&gt;.sqlite3"));
}

#[test]
fn the_page_loads_nothing_from_outside() {
    let page = render(&summarize(&sample()), &meta());
    assert!(page.starts_with("<!DOCTYPE html>"));
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http:",
        "https:",
    ] {
        assert!(!page.contains(forbidden), "found {forbidden}");
    }
    assert_eq!(count(&page, "<svg"), 5);
    assert_eq!(count(&page, "<style>"), 1);
}
