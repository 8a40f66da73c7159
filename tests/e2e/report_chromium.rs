//! `tandem report` rendered by a real browser: the real binary writes the page from a telemetry
//! database, headless Chromium screenshots it, and the pixels must show each chart with its data
//! (bar heights and widths, point positions, histogram bins) where the numbers put them. The DOM
//! Chromium builds must hold the five SVG charts and nothing loaded from outside.

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tandem::report::{
    ACCEPTANCE_BAR, ACCEPTANCE_LONG, LANGUAGE_ACCEPTANCE, LANGUAGE_KEPT, LATENCY_BAR, LATENCY_P50,
    LATENCY_P95, MODEL_ACCEPTANCE, MODEL_KEPT, PLOT_ACCEPTANCE, PLOT_LANGUAGES, PLOT_LATENCY,
    PLOT_MODELS, PLOT_RETENTION, RETENTION_MOSTLY, RETENTION_UNCHANGED,
};

use crate::stats_db::{run_bounded, run_ok, Home, Suggestion, TelemetryDb, DAY1, DAY_MS};

/// A cold Chromium start on two busy cores can take a while.
const BROWSER_LIMIT: Duration = Duration::from_secs(180);

/// Pixels of slack when comparing measured sizes with the ones the data implies (anti-aliased
/// and rounded edges, the 1 px axis over the plot's last row).
const SLACK: f64 = 3.0;

/// The Chromium to use, or `None` when the test may be skipped (outside CI, asked to).
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TANDEM_CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "TANDEM_CHROMIUM={} does not exist",
            path.display()
        );
        return Some(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| {
                ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
            })
            .find(|candidate| candidate.is_file())
    });
    if found.is_some() {
        return found;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    if !in_ci && std::env::var("TANDEM_SKIP_CHROMIUM").as_deref() == Ok("1") {
        eprintln!("skipped: TANDEM_SKIP_CHROMIUM=1 and no chromium on PATH");
        return None;
    }
    panic!(
        "the report test needs headless Chromium: run scripts/install-chromium (scripts/test \
         does it; Debian: apt-get install chromium) or set TANDEM_CHROMIUM to its path; outside \
         CI, TANDEM_SKIP_CHROMIUM=1 skips this test"
    );
}

/// Ten suggestions over three days, two models and two languages. What each chart must show:
///   acceptance per day: 2/4 = 50%, 2/2 = 100%, 1/4 = 25%; visible ≥ 750 ms: 2/3, 2/2, 1/2
///   models: qwen-1.5b 4/4 = 100%, qwen-0.5b 1/6; mostly unchanged at 2m: 1.5b 2/3, 0.5b none
///   languages: rust 4/5 = 80%, python 1/5 = 20%; at 2m: rust 2/3, python none
///   retention: 30s 2/4 unchanged, 3/4 mostly; 2m 1/3, 2/3; 5m 0/2, 1/2; 10m 0/1, 1/1
///   latency: 100 120 140 160 180 200 220 240 260 900 ms → p99 900, 50 ms bins, 19 bins;
///     non-empty bins 2, 3, 4, 5 and 18; p50 180, p95 900
fn fill(db: &TelemetryDb) {
    let rows: [(&str, i64, &str, &str, i64, &str, f64); 10] = [
        ("r1", 0, "qwen-1.5b", "rust", 1000, "accepted", 100.0),
        ("r2", 0, "qwen-1.5b", "rust", 1000, "accepted", 120.0),
        ("r3", 0, "qwen-0.5b", "python", 1000, "rejected", 140.0),
        ("r4", 0, "qwen-0.5b", "python", 300, "rejected", 160.0),
        ("r5", 1, "qwen-1.5b", "rust", 1000, "accepted", 180.0),
        ("r6", 1, "qwen-0.5b", "python", 1000, "accepted", 200.0),
        ("r7", 2, "qwen-1.5b", "rust", 1000, "accepted", 220.0),
        ("r8", 2, "qwen-0.5b", "python", 1000, "rejected", 240.0),
        ("r9", 2, "qwen-0.5b", "rust", 300, "rejected", 260.0),
        ("r10", 2, "qwen-0.5b", "python", 300, "rejected", 900.0),
    ];
    for (i, (id, day, model, language, visible, outcome, total)) in rows.into_iter().enumerate() {
        let created = DAY1 + day * DAY_MS + (i as i64 + 1) * 60_000;
        db.insert(&Suggestion::new(
            id,
            created,
            model,
            language,
            visible,
            Some(outcome),
            total,
        ));
    }
    let checks = [
        ("r1", "30s", true, 1.0),
        ("r2", "30s", true, 1.0),
        ("r5", "30s", false, 0.9),
        ("r6", "30s", false, 0.5),
        ("r1", "2m", true, 1.0),
        ("r2", "2m", false, 0.8),
        ("r5", "2m", false, 0.3),
        ("r1", "5m", false, 0.95),
        ("r2", "5m", false, 0.2),
        ("r1", "10m", false, 0.7),
    ];
    for (id, checkpoint, unchanged, similarity) in checks {
        db.retention(id, checkpoint, DAY1 + 700_000, unchanged, similarity, None);
    }
}

#[test]
fn the_report_renders_every_chart_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let home = Home::new();
    fill(&TelemetryDb::create(&home.default_db()));
    let report = home.path().join("out/report.html");
    let out = run_ok(home.tandem(&["report", "--output", &report.display().to_string()]));
    assert!(out.contains("10 suggestions"), "{out}");
    let url = format!("file://{}", report.display());

    let screenshot = home.path().join("out.png");
    let mut shot = browser(&chromium, home.path());
    shot.arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1280,3000")
        .arg(&url);
    let output = run_bounded(shot, BROWSER_LIMIT);
    assert!(
        screenshot.is_file(),
        "chromium wrote no screenshot ({})\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // Kept after the run, to look at when a check fails.
    let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-chromium");
    let _ = std::fs::create_dir_all(&kept);
    let _ = std::fs::copy(&report, kept.join("report.html"));
    let _ = std::fs::copy(&screenshot, kept.join("screenshot.png"));
    eprintln!("report and screenshot copied to {}", kept.display());
    let image = Image::load(&screenshot);
    check_acceptance(&image);
    check_retention(&image);
    check_latency(&image);
    // Rows go most shown first: qwen-0.5b (6) above qwen-1.5b (4); python and rust tie at 5 and
    // keep name order.
    check_comparison(
        &image,
        PLOT_MODELS,
        MODEL_ACCEPTANCE,
        &[1.0 / 6.0, 1.0],
        MODEL_KEPT,
        &[2.0 / 3.0],
    );
    check_comparison(
        &image,
        PLOT_LANGUAGES,
        LANGUAGE_ACCEPTANCE,
        &[0.2, 0.8],
        LANGUAGE_KEPT,
        &[2.0 / 3.0],
    );

    let mut dump = browser(&chromium, home.path());
    dump.arg("--dump-dom").arg(&url);
    let output = run_bounded(dump, BROWSER_LIMIT);
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && dom.contains("</html>"),
        "no DOM dumped:\n{dom}"
    );
    for chart in ["acceptance", "retention", "latency", "models", "languages"] {
        assert!(
            dom.contains(&format!("data-chart=\"{chart}\"")),
            "chart {chart} not in the DOM"
        );
    }
    assert_eq!(dom.matches("<svg").count(), 5, "{dom}");
    assert_eq!(
        dom.matches("<rect class=\"bar\"").count(),
        3 + 5,
        "3 day bars and 5 latency bins"
    );
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "http:", "https:",
    ] {
        assert!(
            !dom.contains(forbidden),
            "the page refers to something outside: {forbidden}"
        );
    }
}

/// Headless Chromium with a profile of its own, at 1 px per CSS px and sRGB colours, so the
/// screenshot's pixels carry the page's colours exactly.
fn browser(chromium: &Path, home: &Path) -> Command {
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args([
            "--force-device-scale-factor=1",
            "--force-color-profile=srgb",
        ])
        .args([
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
        ])
        .arg(format!(
            "--user-data-dir={}",
            home.join("chromium-profile").display()
        ))
        .env("HOME", home);
    command
}

/// A decoded screenshot, as RGB.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
}

/// A rectangle of pixels, inclusive.
#[derive(Debug, Clone, Copy)]
struct Area {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl Area {
    fn width(&self) -> f64 {
        (self.x1 - self.x0 + 1) as f64
    }
    fn height(&self) -> f64 {
        (self.y1 - self.y0 + 1) as f64
    }
}

fn rgb(hex: &str) -> [u8; 3] {
    let value = u32::from_str_radix(hex.trim_start_matches('#'), 16).expect("a #rrggbb colour");
    [(value >> 16) as u8, (value >> 8) as u8, value as u8]
}

impl Image {
    fn load(path: &Path) -> Self {
        let file = std::fs::File::open(path).expect("open the screenshot");
        let mut decoder = png::Decoder::new(BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size().expect("a PNG of sane size")];
        let info = reader.next_frame(&mut buffer).expect("decode the PNG");
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected screenshot colour type {other:?}"),
        };
        let (width, height) = (info.width as usize, info.height as usize);
        let mut pixels = Vec::with_capacity(width * height);
        for y in 0..height {
            let row = &buffer[y * info.line_size..][..width * channels];
            pixels.extend(row.chunks(channels).map(|p| [p[0], p[1], p[2]]));
        }
        Self {
            width,
            height,
            pixels,
        }
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.pixels[y * self.width + x]
    }

    /// The bounding box of every pixel of `colour`, if any.
    fn find(&self, colour: &str, within: Option<Area>) -> Option<Area> {
        let target = rgb(colour);
        let area = within.unwrap_or(Area {
            x0: 0,
            y0: 0,
            x1: self.width - 1,
            y1: self.height - 1,
        });
        let mut found: Option<Area> = None;
        for y in area.y0..=area.y1 {
            for x in area.x0..=area.x1 {
                if self.at(x, y) == target {
                    let a = found.get_or_insert(Area {
                        x0: x,
                        y0: y,
                        x1: x,
                        y1: y,
                    });
                    a.x0 = a.x0.min(x);
                    a.x1 = a.x1.max(x);
                    a.y0 = a.y0.min(y);
                    a.y1 = a.y1.max(y);
                }
            }
        }
        found
    }

    /// The plot area of a chart, found by its own background shade: the rows and columns that
    /// hold many pixels of it (a near-white shade can also turn up alone at the anti-aliased
    /// edge of some text, never in long stretches).
    fn plot(&self, background: &str) -> Area {
        let target = rgb(background);
        let row_counts: Vec<usize> = (0..self.height)
            .map(|y| (0..self.width).filter(|&x| self.at(x, y) == target).count())
            .collect();
        let rows: Vec<usize> = (0..self.height).filter(|&y| row_counts[y] >= 100).collect();
        let (Some(&y0), Some(&y1)) = (rows.first(), rows.last()) else {
            panic!("no plot area of colour {background} in the screenshot");
        };
        let columns: Vec<usize> = (0..self.width)
            .filter(|&x| (y0..=y1).filter(|&y| self.at(x, y) == target).count() >= 20)
            .collect();
        let (Some(&x0), Some(&x1)) = (columns.first(), columns.last()) else {
            panic!("no plot columns of colour {background}");
        };
        let area = Area { x0, y0, x1, y1 };
        assert!(
            area.width() > 300.0 && area.height() > 60.0,
            "plot {background} too small: {area:?}"
        );
        area
    }

    /// Runs of consecutive columns (or rows) of `area` where `colour` covers at least half of
    /// the line: bars seen from the side. Returns (start, end) inclusive.
    fn runs(&self, colour: &str, area: Area, vertical_bars: bool) -> Vec<(usize, usize)> {
        let target = rgb(colour);
        let (outer, inner) = if vertical_bars {
            ((area.x0..=area.x1), (area.y0..=area.y1))
        } else {
            ((area.y0..=area.y1), (area.x0..=area.x1))
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for o in outer {
            let hits = inner
                .clone()
                .filter(|&i| {
                    let (x, y) = if vertical_bars { (o, i) } else { (i, o) };
                    self.at(x, y) == target
                })
                .count();
            // A bar's own line holds at least its few px of colour; a stray line crossing it holds
            // one or two, so demand more than that.
            if hits >= 4 {
                match runs.last_mut() {
                    Some(last) if last.1 + 1 == o => last.1 = o,
                    _ => runs.push((o, o)),
                }
            }
        }
        runs
    }

    /// How many pixels of `colour` lie in `area`.
    fn count(&self, colour: &str, area: Area) -> usize {
        let target = rgb(colour);
        (area.y0..=area.y1)
            .flat_map(|y| (area.x0..=area.x1).map(move |x| (x, y)))
            .filter(|&(x, y)| self.at(x, y) == target)
            .count()
    }
}

fn close(measured: f64, expected: f64, what: &str) {
    eprintln!("{what}: {measured:.1} px (expected {expected:.1})");
    assert!(
        (measured - expected).abs() <= SLACK,
        "{what}: measured {measured:.1} px, expected {expected:.1} px"
    );
}

fn check_acceptance(image: &Image) {
    let plot = image.plot(PLOT_ACCEPTANCE);
    let bars = image.runs(ACCEPTANCE_BAR, plot, true);
    assert_eq!(bars.len(), 3, "one bar per day: {bars:?}");
    for ((start, end), rate) in bars.iter().zip([0.5, 1.0, 0.25]) {
        // The edges of a bar, away from the point and line drawn through its middle.
        let extent = [start + 2, end - 2]
            .into_iter()
            .filter_map(|x| {
                image.find(
                    ACCEPTANCE_BAR,
                    Some(Area {
                        x0: x,
                        y0: plot.y0,
                        x1: x,
                        y1: plot.y1,
                    }),
                )
            })
            .map(|a| a.height())
            .fold(0.0, f64::max);
        close(
            extent,
            rate * plot.height(),
            &format!("acceptance bar at x {start}"),
        );
    }
    // Three points of the visible ≥ 750 ms line, at 2/3, 1 and 1/2, over the bars' centres.
    for ((start, end), rate) in bars.iter().zip([2.0 / 3.0, 1.0, 0.5]) {
        let x = (start + end) / 2;
        let y = plot.y1 as f64 - rate * (plot.height() - 1.0);
        let around = Area {
            x0: x - 3,
            y0: (y as usize).saturating_sub(3).max(plot.y0),
            x1: x + 3,
            y1: (y as usize + 3).min(plot.y1),
        };
        assert!(
            image.count(ACCEPTANCE_LONG, around) >= 10,
            "no point at ({x}, {y:.0})"
        );
    }
}

fn check_retention(image: &Image) {
    let plot = image.plot(PLOT_RETENTION);
    let band = plot.width() / 4.0;
    let series = [
        (RETENTION_UNCHANGED, [0.5, 1.0 / 3.0, 0.0, 0.0]),
        (RETENTION_MOSTLY, [0.75, 2.0 / 3.0, 0.5, 1.0]),
    ];
    for (colour, rates) in series {
        for (i, rate) in rates.into_iter().enumerate() {
            let x = (plot.x0 as f64 + band * (i as f64 + 0.5)) as usize;
            let y = (plot.y1 as f64 - rate * (plot.height() - 1.0)) as usize;
            let around = Area {
                x0: x - 3,
                y0: y.saturating_sub(3).max(plot.y0.saturating_sub(6)),
                x1: x + 3,
                y1: (y + 3).min(plot.y1 + 6),
            };
            assert!(
                image.count(colour, around) >= 10,
                "retention point {colour} #{i} missing at ({x}, {y})"
            );
        }
    }
    // The curves are drawn between the points: lots of both colours in the plot.
    assert!(image.count(RETENTION_UNCHANGED, plot) > 500);
    assert!(image.count(RETENTION_MOSTLY, plot) > 500);
}

fn check_latency(image: &Image) {
    let plot = image.plot(PLOT_LATENCY);
    let bins = 19.0;
    let bin = plot.width() / bins;
    let bottom = plot.y1 - 3;
    // A bin is drawn when most of its bottom row is bar-coloured (markers cross some bars).
    let drawn: Vec<usize> = (0..19)
        .filter(|&i| {
            let from = (plot.x0 as f64 + bin * i as f64 + 4.0) as usize;
            let to = (plot.x0 as f64 + bin * (i + 1) as f64 - 4.0) as usize;
            let row = Area {
                x0: from,
                y0: bottom,
                x1: to,
                y1: bottom,
            };
            image.count(LATENCY_BAR, row) as f64 >= 0.5 * row.width()
        })
        .collect();
    assert_eq!(drawn, [2, 3, 4, 5, 18], "histogram bins");
    // p50 = 180 ms and p95 = 900 ms on a 0–950 ms axis: full-height marker lines there.
    for (colour, ms) in [(LATENCY_P50, 180.0), (LATENCY_P95, 900.0)] {
        let marker = image
            .find(colour, Some(plot))
            .unwrap_or_else(|| panic!("marker {colour} missing"));
        let expected_x = plot.x0 as f64 + ms / 950.0 * plot.width();
        close(
            marker.x0 as f64,
            expected_x - 1.5,
            &format!("marker {colour} position"),
        );
        assert!(
            marker.height() > plot.height() - 2.0 * SLACK,
            "marker {colour} not full height"
        );
    }
}

fn check_comparison(
    image: &Image,
    background: &str,
    acceptance: &str,
    acceptance_rates: &[f64],
    kept: &str,
    kept_rates: &[f64],
) {
    let plot = image.plot(background);
    for (colour, rates) in [(acceptance, acceptance_rates), (kept, kept_rates)] {
        let bars = image.runs(colour, plot, false);
        assert_eq!(bars.len(), rates.len(), "{colour} bars: {bars:?}");
        for ((start, end), rate) in bars.iter().zip(rates) {
            let middle = (start + end) / 2;
            let row = Area {
                x0: plot.x0,
                y0: middle,
                x1: plot.x1,
                y1: middle,
            };
            let extent = image.find(colour, Some(row)).expect("a bar row").width();
            close(
                extent,
                rate * plot.width(),
                &format!("{colour} bar at y {start}"),
            );
        }
    }
}
