//! The whole report page: inline CSS, the headline, the charts and the tables. Nothing is loaded
//! from anywhere: no scripts, fonts, images or style sheets, so the file works offline and
//! leaks nothing when opened.

use super::acceptance_chart::acceptance_chart;
use super::comparison_chart::{comparison_chart, Comparison};
use super::detail_table::detail_table;
use super::escape::escape;
use super::headline::headline;
use super::latency_chart::latency_chart;
use super::palette::{
    INK, LANGUAGE_ACCEPTANCE, LANGUAGE_KEPT, MODEL_ACCEPTANCE, MODEL_KEPT, MUTED, PLOT_LANGUAGES,
    PLOT_MODELS,
};
use super::retention_chart::retention_chart;
use crate::stats::{day_of, GroupBy, Summary};

/// Where the numbers came from, for the page header.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportMeta {
    /// The database file.
    pub database: String,
    /// Which suggestions were selected (`--since` etc.), empty for all.
    pub selection: String,
    /// When the report was made, unix ms.
    pub generated_ms: i64,
}

/// The HTML page for `summary`.
pub fn render(summary: &Summary, meta: &ReportMeta) -> String {
    let mut body = String::new();
    body.push_str("<header><h1>tandem: your suggestions</h1><p class=\"meta\">");
    let span = summary.span_ms.map_or_else(
        || "No suggestions recorded in this selection yet.".to_string(),
        |(first, last)| {
            format!(
                "{} suggestions offered from {} to {} (UTC).",
                summary.overall.offered,
                day_of(first),
                day_of(last)
            )
        },
    );
    body.push_str(&escape(&span));
    body.push_str(&format!(
        " Generated {} from {}{}.</p></header>",
        escape(&day_of(meta.generated_ms)),
        escape(&meta.database),
        if meta.selection.is_empty() {
            String::new()
        } else {
            format!("; {}", escape(&meta.selection))
        }
    ));
    if summary.overall.offered == 0 {
        body.push_str(
            "<p class=\"empty-state\">Nothing to show yet. tandem records suggestions while you \
             use it in an editor; come back after a coding session.</p>",
        );
    }
    body.push_str(&headline(&summary.overall));
    let section = |body: &mut String, id: &str, chart: String, table: String| {
        body.push_str(&format!(
            "<section class=\"chart-section\" id=\"{id}\">{chart}{table}</section>"
        ));
    };
    section(
        &mut body,
        "acceptance",
        acceptance_chart(&summary.by_day),
        String::new(),
    );
    section(
        &mut body,
        "retention",
        retention_chart(&summary.overall),
        String::new(),
    );
    section(
        &mut body,
        "latency",
        latency_chart(&summary.latency_histogram, &summary.overall.total_ms),
        String::new(),
    );
    section(
        &mut body,
        "models",
        comparison_chart(
            &Comparison {
                id: "models",
                title: "Models compared",
                noun: "model",
                plot_fill: PLOT_MODELS,
                acceptance_colour: MODEL_ACCEPTANCE,
                kept_colour: MODEL_KEPT,
            },
            &summary.by_model,
        ),
        detail_table(summary, GroupBy::Model),
    );
    section(
        &mut body,
        "languages",
        comparison_chart(
            &Comparison {
                id: "languages",
                title: "Languages compared",
                noun: "language",
                plot_fill: PLOT_LANGUAGES,
                acceptance_colour: LANGUAGE_ACCEPTANCE,
                kept_colour: LANGUAGE_KEPT,
            },
            &summary.by_language,
        ),
        detail_table(summary, GroupBy::Language),
    );
    let days = detail_table(summary, GroupBy::Day);
    if !days.is_empty() {
        body.push_str(&format!(
            "<section id=\"days\"><h2>Per day</h2>{days}</section>"
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>tandem report</title><style>{}</style></head><body><main>{body}</main></body></html>\n",
        css()
    )
}

fn css() -> String {
    format!(
        "body{{margin:0;background:#fff;color:{INK};\
         font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}}\
         main{{max-width:1000px;margin:0 auto;padding:24px 20px 48px}}\
         h1{{font-size:26px;margin:0 0 4px}}h2{{font-size:18px;margin:24px 0 8px}}\
         .meta,.note,.empty-state{{color:{MUTED}}}\
         .headline{{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0}}\
         .card{{flex:1 1 160px;border:1px solid #e3e6eb;border-radius:8px;padding:12px 14px}}\
         .number{{font-size:28px;font-weight:600}}.caption{{color:{MUTED};font-size:13px}}\
         .chart-section{{margin:28px 0}}svg.chart{{display:block;max-width:100%;height:auto}}\
         svg text{{fill:{INK};font-size:12px}}svg .title{{font-size:17px;font-weight:600}}\
         svg .tick,svg .group-note,svg .value{{fill:{MUTED}}}svg .axis-title{{font-size:12px;fill:{MUTED}}}\
         svg .group{{font-size:13px}}svg .empty{{font-size:15px;fill:{MUTED}}}\
         table{{border-collapse:collapse;margin:12px 0;font-size:13px;width:100%}}\
         th,td{{padding:4px 8px;border-bottom:1px solid #eceef1;text-align:right}}\
         th:first-child{{text-align:left;white-space:nowrap}}thead th{{color:{MUTED};font-weight:600}}"
    )
}
