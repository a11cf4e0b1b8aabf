//! `report.html`: one self-contained file to send a colleague. The scenario, the assumptions
//! that matter (policies and their windows, the uncertain inputs), every chart inlined as
//! SVG, shares by year with 90% intervals, and the run's metadata. No scripts, no network,
//! no external files: it opens the same offline and prints on paper.

use crate::plot::{Chart, Rendered};
use crate::stats::summary::{PolicyInfo, Summary, UncertainInput};
use std::fmt::Write as _;
use std::io::Write;

const STYLE: &str = "
body { margin: 0; background: #fafafa; color: #222; font: 16px/1.5 'DejaVu Sans', Verdana, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 30px; margin: 8px 0 4px; } h2 { font-size: 22px; margin-top: 40px; border-bottom: 1px solid #ddd; }
.description { font-size: 17px; color: #444; } .meta { color: #666; font-size: 14px; }
nav a { margin-right: 14px; }
figure { margin: 28px 0; break-inside: avoid; } figcaption { color: #555; font-size: 14px; margin-top: 4px; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
svg text { font-family: 'DejaVu Sans', Verdana, sans-serif; }
table { border-collapse: collapse; font-size: 14px; margin: 12px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num small { color: #777; } td.nowrap { white-space: nowrap; } code { font-size: 13px; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } nav { display: none; } }
";

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes the report of `s` with its rendered `charts`.
pub fn write_html(s: &Summary, charts: &[Rendered], mut w: impl Write) -> std::io::Result<()> {
    w.write_all(render(s, charts).as_bytes())
}

/// The report as one HTML document.
pub fn render(s: &Summary, charts: &[Rendered]) -> String {
    let m = &s.metadata;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>exportsim: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Scenario {name}</h1>\n<p class=\"description\">{desc}</p>\n\
         <p class=\"meta\">{start}\u{2013}{end}, {runs} Monte Carlo runs, seed {seed}, exportsim {version}, scenario hash <code>{hash}</code></p>\n\
         <nav><a href=\"#assumptions\">Assumptions</a><a href=\"#charts\">Charts</a><a href=\"#shares\">Shares by year</a><a href=\"#metadata\">Metadata</a></nav>\n",
        name = escape(&m.scenario),
        desc = escape(m.description.trim()),
        start = escape(&m.start),
        end = escape(&m.end),
        runs = m.runs,
        seed = m.seed,
        version = escape(&m.exportsim_version),
        hash = escape(&m.scenario_hash[..m.scenario_hash.len().min(16)]),
    );
    h += &assumptions(s);
    h += "<h2 id=\"charts\">Charts</h2>\n";
    for r in charts {
        let _ = write!(
            h,
            "<figure id=\"{id}\">\n{svg}<figcaption>{caption} (<code>charts/{id}.png</code>, <code>.svg</code>)</figcaption>\n</figure>\n",
            id = escape(&r.chart.name()),
            svg = r.svg,
            caption = escape(&caption(&r.chart)),
        );
    }
    h += &share_tables(s);
    h += &metadata(s);
    h += &appendix(s);
    h += "</main>\n</body>\n</html>\n";
    h
}

/// What a chart shows, in a sentence.
fn caption(chart: &Chart) -> String {
    match chart {
        Chart::Share(metric) => format!(
            "Median {} by vendor per quarter, stacked; below, the quarters each policy was in force (lighter where only some runs had it).",
            metric.replace('_', " ")
        ),
        Chart::Fan(vendor) => format!("Compute share of {}: median, and the bands holding 50% and 90% of runs.", crate::plot::display_name(vendor)),
        Chart::Buyers(Some(year)) => format!("Where each buyer's compute came from in {year}, by vendor and channel (grey market hatched)."),
        Chart::Buyers(None) => "Where each buyer's compute came from over the horizon, by vendor and channel (grey market hatched).".into(),
        Chart::Supply => "Capacity-bound chips: units ordered against units delivered, and the supply drawn.".into(),
        Chart::Unmet => "Each buyer's demand and the part not delivered (unmet), per quarter.".into(),
    }
}

fn window(p: &PolicyInfo) -> String {
    match &p.end {
        Some(end) => format!("{}\u{2013}{end}", p.start),
        None => format!("{} onward", p.start),
    }
}

/// Whether an uncertain input is one of the key ones shown with the assumptions: policy
/// parameters, supply limits and model settings (chip and buyer inputs go to the appendix).
fn is_key(path: &str) -> bool {
    ["policy.", "supply.", "model."]
        .iter()
        .any(|p| path.starts_with(p))
}

fn assumptions(s: &Summary) -> String {
    let mut h = String::from(
        "<h2 id=\"assumptions\">Assumptions</h2>\n<h3>Policies</h3>\n<table>\n<tr><th>Policy</th><th>Kind</th><th>Window</th><th>Probability</th><th>Runs with it in force (peak)</th><th>What it does</th></tr>\n",
    );
    for p in &s.policies {
        let peak = p.active_share.iter().copied().fold(0.0, f64::max);
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{:.0}%</td><td>{}</td></tr>",
            escape(&p.id),
            escape(&p.kind.replace('_', " ")),
            escape(&window(p)),
            escape(&p.probability),
            peak * 100.0,
            escape(&p.label)
        );
    }
    h += "</table>\n";
    let key: Vec<&UncertainInput> = s.uncertain.iter().filter(|u| is_key(&u.path)).collect();
    let _ = write!(
        h,
        "<h3>Key distributions</h3>\n<p>Policy parameters, supply limits and model settings drawn anew in each run; the other {} uncertain inputs (chip prices and efficiencies, buyers' demand and preferences) are listed in the <a href=\"#inputs\">appendix</a>. Every other input is fixed.</p>\n",
        s.uncertain.len() - key.len()
    );
    h + &inputs_table(&key)
}

/// Inputs and their distributions, two to a row.
fn inputs_table(inputs: &[&UncertainInput]) -> String {
    let mut h = String::from(
        "<table>\n<tr><th>Input</th><th>Distribution</th><th>Input</th><th>Distribution</th></tr>\n",
    );
    for pair in inputs.chunks(2) {
        h += "<tr>";
        for u in pair {
            let _ = write!(
                h,
                "<td><code>{}</code></td><td>{}</td>",
                escape(&u.path),
                escape(&u.distribution)
            );
        }
        h += "</tr>\n";
    }
    h + "</table>\n"
}

fn appendix(s: &Summary) -> String {
    let all: Vec<&UncertainInput> = s.uncertain.iter().collect();
    format!(
        "<h2 id=\"inputs\">Appendix: every uncertain input ({})</h2>\n{}",
        all.len(),
        inputs_table(&all)
    )
}

fn share_tables(s: &Summary) -> String {
    let mut h = String::from(
        "<h2 id=\"shares\">Shares by year</h2>\n<p>Median share of each year's total, with the 90% interval across runs below it.</p>\n",
    );
    for metric in ["compute_share", "units_share", "revenue_share"] {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table>\n<tr><th>Vendor</th>",
            escape(&crate::plot::metric_label(metric).replace("share of ", "Share of "))
        );
        for y in &s.years {
            let _ = write!(h, "<th>{}</th>", escape(y));
        }
        h += "</tr>\n";
        let domestic = format!("domestic_{metric}");
        let rows = s.vendors.iter().map(|v| {
            (
                crate::plot::display_name(&v.id),
                s.vendor_rows
                    .iter()
                    .filter(|r| r.key == v.id && r.metric == metric)
                    .collect::<Vec<_>>(),
            )
        });
        let all = std::iter::once((
            crate::plot::display_name("domestic"),
            s.market_rows
                .iter()
                .filter(|r| r.metric == domestic)
                .collect::<Vec<_>>(),
        ));
        for (name, rows) in rows.chain(all) {
            let _ = write!(h, "<tr><td>{}</td>", escape(&name));
            for y in &s.years {
                match rows.iter().find(|r| &r.period == y) {
                    Some(r) => {
                        let st = &r.stats;
                        let _ = write!(
                            h,
                            "<td class=\"num\">{:.1}%<br><small>{:.1}\u{2013}{:.1}</small></td>",
                            st.p50 * 100.0,
                            st.p05 * 100.0,
                            st.p95 * 100.0
                        );
                    }
                    None => h += "<td></td>",
                }
            }
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    h
}

fn metadata(s: &Summary) -> String {
    let m = &s.metadata;
    let rows = [
        ("Scenario", m.scenario.clone()),
        (
            "Horizon",
            format!(
                "{}\u{2013}{} ({} quarters)",
                m.start,
                m.end,
                s.quarters.len()
            ),
        ),
        ("Runs", m.runs.to_string()),
        ("Seed", m.seed.to_string()),
        ("exportsim version", m.exportsim_version.clone()),
        (
            "Scenario hash (SHA-256 of scenario.resolved.toml)",
            m.scenario_hash.clone(),
        ),
        ("Quantiles", m.quantiles.clone()),
    ];
    let mut h = String::from("<h2 id=\"metadata\">Metadata</h2>\n<table>\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    }
    h + "</table>\n<p class=\"meta\">The tables behind every chart are in the same directory: summary.csv, yearly.csv, market.csv, buyers.csv, chips.csv and summary.json; <code>exportsim plot DIR</code> redraws the charts and this report from summary.json.</p>\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_holds_every_chart_and_the_metadata() {
        let s = crate::plot::testdata::summary();
        let charts: Vec<Rendered> = Chart::all(&s)
            .into_iter()
            .map(|chart| Rendered {
                svg: crate::plot::render_svg(&chart, &s).unwrap(),
                chart,
            })
            .collect();
        let html = render(&s, &charts);
        assert_eq!(html.matches("<svg").count(), charts.len());
        for r in &charts {
            assert!(html.contains(&format!("<figure id=\"{}\">", r.chart.name())));
        }
        for text in [
            "Scenario synthetic",
            "A made-up market",
            "seed 7",
            "100 Monte Carlo runs",
            "exportsim 0.0.0",
            &s.metadata.scenario_hash,
            "bj_guidance",
            "chip.h20.price_usd",
            "uniform(10000, 12000)",
        ] {
            assert!(html.contains(text), "missing {text}");
        }
        // Shares by year: Nvidia's 2025 median compute share with its 90% interval.
        assert!(html.contains("<td>Nvidia</td><td class=\"num\">72.0%<br><small>50.4\u{2013}93.6</small></td><td class=\"num\">40.0%<br><small>28.0\u{2013}52.0</small></td>"));
        // Self-contained: no scripts, no links, no URL but the SVG namespace.
        assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
        assert_eq!(
            html.matches("http").count(),
            html.matches("http://www.w3.org/2000/svg").count()
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
