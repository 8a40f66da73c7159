//! `tandem stats` through the real binary: where it finds the database, what it prints, its
//! filters, and that it reads while an editor is writing.

use rusqlite::params;

use crate::stats_db::{run_bounded, run_ok, Home, Suggestion, TelemetryDb, DAY1, DAY_MS};

const HOUR: i64 = 3_600_000;

/// Five suggestions over two days and two models; the expected figures are worked out in the
/// tests that read them.
fn fill(db: &TelemetryDb) {
    let rows = [
        Suggestion::new(
            "a1",
            DAY1 + HOUR,
            "qwen-1.5b",
            "rust",
            1200,
            Some("accepted"),
            200.0,
        ),
        Suggestion::new(
            "a2",
            DAY1 + 2 * HOUR,
            "qwen-1.5b",
            "rust",
            300,
            Some("rejected"),
            400.0,
        ),
        Suggestion {
            accepted_chars: Some(4),
            ..Suggestion::new(
                "a3",
                DAY1 + 3 * HOUR,
                "qwen-0.5b",
                "python",
                900,
                Some("partial"),
                100.0,
            )
        },
        Suggestion::new(
            "b1",
            DAY1 + DAY_MS + HOUR,
            "qwen-0.5b",
            "python",
            2000,
            Some("rejected"),
            150.0,
        ),
        Suggestion::new(
            "b2",
            DAY1 + DAY_MS + 2 * HOUR,
            "qwen-1.5b",
            "rust",
            800,
            Some("accepted"),
            600.0,
        ),
    ];
    for row in &rows {
        db.insert(row);
    }
    db.retention("a1", "30s", DAY1 + HOUR + 31_000, true, 1.0, None);
    db.retention("a1", "2m", DAY1 + HOUR + 121_000, false, 0.7, None);
    db.retention(
        "b2",
        "30s",
        DAY1 + DAY_MS + 2 * HOUR + 31_000,
        false,
        0.5,
        None,
    );
}

/// The output with runs of spaces collapsed, one entry per line, so checks do not depend on
/// column widths.
fn squeezed(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn assert_lines(output: &str, expected: &[&str]) {
    let lines = squeezed(output);
    for line in expected {
        assert!(
            lines.iter().any(|l| l == line),
            "missing {line:?} in\n{output}"
        );
    }
}

#[test]
fn stats_reads_the_default_database_and_prints_every_figure() {
    let home = Home::new();
    fill(&TelemetryDb::create(&home.default_db()));
    let out = run_ok(home.tandem(&["stats"]));
    assert!(
        out.contains(&home.default_db().display().to_string()),
        "{out}"
    );
    assert_lines(
        &out,
        &[
            "5 suggestions offered from 2026-11-23 to 2026-11-24 (UTC)",
            "shown 5",
            // a1, a3 (partial), b2.
            "accepted 3 (1 partially)",
            // Visible >= 750 ms: a1 a3 b1 b2, of which a1 a3 b2 accepted.
            "acceptance rate 60.0% of shown; 75.0% of the 4 visible >= 750 ms",
            // 9 + 4 + 9 characters over 5 shown.
            "accepted chars per shown 4.4",
            // total 100 150 200 400 600 → p50 200, p95 600; model time is 3/4 of it.
            "latency p50 / p95 200 / 600 ms end to end; 150 / 450 ms in the model",
            // 30s: a1 unchanged, b2 at 0.5; 2m: a1 at 0.7.
            "30s 2 50.0% 50.0%",
            "2m 1 0.0% 100.0%",
            "5m 0 - -",
            "per model",
            "qwen-1.5b 3 2 66.7% 100.0% 6.0 0.0% 100.0% 400 600",
            "qwen-0.5b 2 1 50.0% 50.0% 2.0 - - 100 150",
            "per language",
            "per day (UTC)",
            "2026-11-23 3 2 66.7% 100.0% 4.3 0.0% 100.0% 200 400",
            "2026-11-24 2 1 50.0% 50.0% 4.5 - - 150 600",
        ],
    );
    assert!(!out.contains('\x1b'), "no colour codes when not a terminal");
}

#[test]
fn stats_filters_by_date_model_and_language_and_shows_the_tables_asked_for() {
    let home = Home::new();
    fill(&TelemetryDb::create(&home.default_db()));
    let out = run_ok(home.tandem(&["stats", "--since", "2026-11-24", "--by", "model"]));
    assert_lines(&out, &["shown 2", "accepted 1", "per model"]);
    assert!(!out.contains("per day"), "{out}");
    assert!(out.contains("since 2026-11-24"), "{out}");

    let out = run_ok(home.tandem(&["stats", "--model", "qwen-0.5b", "--by", "language"]));
    assert_lines(
        &out,
        &[
            "shown 2",
            "accepted 1 (1 partially)",
            "python 2 1 50.0% 50.0% 2.0 - - 100 150",
        ],
    );

    let out = run_ok(home.tandem(&["stats", "--language", "rust", "--by", "day"]));
    // a1 a2 b2.
    assert_lines(&out, &["shown 3", "accepted 2"]);

    let out = run_ok(home.tandem(&["stats", "--model", "nobody"]));
    assert!(
        out.contains("no suggestions recorded in this selection"),
        "{out}"
    );

    let output = run_bounded(
        home.tandem(&["stats", "--since", "last tuesday"]),
        std::time::Duration::from_secs(60),
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("7d") && stderr.contains("--since"),
        "{stderr}"
    );
}

#[test]
fn stats_without_a_database_explains_how_telemetry_is_recorded_and_succeeds() {
    let home = Home::new();
    let out = run_ok(home.tandem(&["stats"]));
    assert!(out.contains("no telemetry recorded yet"), "{out}");
    assert!(out.contains("README"), "{out}");
    assert!(
        !home.default_db().exists(),
        "reading must not create the database"
    );
}

#[test]
fn the_configured_path_is_used_and_db_overrides_it() {
    let home = Home::new();
    let configured = home.path().join("elsewhere/t.sqlite3");
    fill(&TelemetryDb::create(&configured));
    let config = home.path().join("config/tandem");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(
        config.join("tandem.toml"),
        format!(
            "[telemetry]\npath = {:?}\n",
            configured.display().to_string()
        ),
    )
    .expect("write tandem.toml");
    let out = run_ok(home.tandem(&["stats", "--by", "model"]));
    assert_lines(&out, &["shown 5"]);

    let other = home.path().join("other.sqlite3");
    let db = TelemetryDb::create(&other);
    db.insert(&Suggestion::new(
        "x",
        DAY1,
        "m",
        "go",
        1000,
        Some("accepted"),
        50.0,
    ));
    let out = run_ok(home.tandem(&["stats", "--db", &other.display().to_string()]));
    assert_lines(&out, &["shown 1", "accepted 1"]);
}

#[test]
fn stats_reads_while_another_process_holds_a_write_transaction() {
    let home = Home::new();
    let db = TelemetryDb::create(&home.default_db());
    fill(&db);
    db.connection
        .execute_batch("BEGIN IMMEDIATE")
        .expect("begin");
    db.connection
        .execute(
            "UPDATE suggestions SET outcome = 'accepted' WHERE id = ?1",
            params!["a2"],
        )
        .expect("update inside the transaction");
    // The committed state: a2 still rejected.
    let out = run_ok(home.tandem(&["stats", "--by", "model"]));
    assert_lines(&out, &["accepted 3 (1 partially)"]);
    db.connection.execute_batch("COMMIT").expect("commit");
    let out = run_ok(home.tandem(&["stats", "--by", "model"]));
    assert_lines(&out, &["accepted 4 (1 partially)"]);
}
