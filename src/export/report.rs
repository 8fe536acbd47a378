//! Score charts (SVG) and the run's HTML index.

use super::ExportReport;
use std::fmt::Write as _;
use std::path::Path;

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// Colour of a score band: red (doubtful) through amber to green (sure). The review page
/// uses the same scale.
pub fn score_colour(bin: usize) -> &'static str {
    const SCALE: [&str; 10] = [
        "#c0392b", "#c0392b", "#d35400", "#d35400", "#e08e0b", "#e0b20b", "#b5b82a", "#7cb342",
        "#43a047", "#2e7d32",
    ];
    SCALE[bin.min(9)]
}

/// A bar chart of a ten-bin score histogram, self-contained SVG.
pub fn score_chart(pair: &str, hist: &[usize]) -> String {
    let (w, h, left, bottom, top) = (420.0, 220.0, 40.0, 30.0, 28.0);
    let max = hist.iter().copied().max().unwrap_or(0).max(1) as f64;
    let total: usize = hist.iter().sum();
    let plot_w = w - left - 10.0;
    let plot_h = h - bottom - top;
    let bw = plot_w / hist.len().max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    let _ = writeln!(
        s,
        "<title>{}: alignment scores of {total} units</title>",
        html_escape(pair)
    );
    let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{}: {total} units by score</text>",
        html_escape(pair)
    );
    let base = h - bottom;
    for (i, &n) in hist.iter().enumerate() {
        let bh = (n as f64 / max * plot_h).round();
        let x = left + i as f64 * bw;
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"><title>{:.1}–{:.1}: {n}</title></rect>",
            x + 2.0,
            base - bh,
            bw - 4.0,
            score_colour(i),
            i as f64 / 10.0,
            (i + 1) as f64 / 10.0
        );
        if n > 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
                x + bw / 2.0,
                base - bh - 3.0
            );
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"#333\"/>",
        w - 10.0
    );
    for i in 0..=10 {
        if i % 2 == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{:.1}</text>",
                left + i as f64 * bw,
                base + 14.0,
                i as f64 / 10.0
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">alignment score</text>",
        left + plot_w / 2.0,
        h - 3.0
    );
    let _ = writeln!(
        s,
        "<text x=\"12\" y=\"{:.1}\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\" fill=\"#555\">units</text>",
        top + plot_h / 2.0,
        top + plot_h / 2.0
    );
    s.push_str("</svg>\n");
    s
}

/// Review page file name for a pair.
pub fn review_file(pair: &str) -> String {
    format!("{pair}.review.html")
}

/// The run's index: per pair its counts, files, chart and review page (when `tilmash review`
/// has written one into `out`).
pub fn index_html(name: &str, documents: usize, report: &ExportReport, out: &Path) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} — tilmash run</title>\n<style>\n{}\n</style>\n</head>\n<body>\n",
        html_escape(name),
        INDEX_CSS
    );
    let _ = writeln!(
        s,
        "<h1>{} <small>tilmash {}</small></h1>",
        html_escape(name),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        s,
        "<p>{documents} documents · TMX profile <b>{}</b> · language codes <b>{}</b> · creationdate {} ({}) · <a href=\"summary.json\">summary.json</a> · <a href=\"sentences.jsonl\">sentences.jsonl</a> (every sentence, for context)</p>",
        report.profile.name(),
        match report.lang_codes {
            super::LangCodes::Short => "short (kk)",
            super::LangCodes::Region => "region (kk-KZ)",
        },
        html_escape(&report.creation_date),
        html_escape(&report.creation_date_source)
    );
    for (pair, p) in &report.pairs {
        let _ = writeln!(s, "<section>\n<h2>{}</h2>", html_escape(pair));
        let chart = format!("{pair}.scores.svg");
        let _ = writeln!(
            s,
            "<a href=\"{0}\"><img src=\"{0}\" alt=\"score distribution of {1}\" width=\"420\" height=\"220\"></a>",
            html_escape(&chart),
            html_escape(pair)
        );
        let c = &p.counts;
        let _ = writeln!(
            s,
            "<table>\n<tr><th>units written</th><td><b>{}</b></td></tr>\n<tr><th>aligned</th><td>{}</td></tr>\n<tr><th>dropped: empty / min score / length ratio / language confidence</th><td>{} / {} / {} / {}</td></tr>\n<tr><th>merged duplicates: exact / normalized</th><td>{} / {}</td></tr>\n<tr><th>over-long: split (pieces) / skipped</th><td>{} ({}) / {}</td></tr>\n</table>",
            p.units,
            c.aligned,
            c.empty,
            c.below_min_score,
            c.length_ratio,
            c.lang_confidence,
            c.duplicates_exact,
            c.duplicates_normalized,
            c.over_long_split,
            c.over_long_pieces,
            c.over_long_skipped
        );
        s.push_str("<p class=\"files\">");
        let review = review_file(pair);
        if out.join(&review).is_file() {
            let _ = write!(
                s,
                "<a class=\"review\" href=\"{0}\">Review the units ({0})</a> ",
                html_escape(&review)
            );
        } else {
            s.push_str(
                "<span class=\"hint\">Review page: run <code>tilmash review</code> on this folder</span> ",
            );
        }
        for f in &p.files {
            let _ = write!(s, "<a href=\"{0}\">{0}</a> ", html_escape(f));
        }
        s.push_str("</p>\n</section>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

const INDEX_CSS: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1 small{font-size:55%;color:#777;font-weight:normal}
section{border-top:1px solid #ddd;padding:.5em 0 1em;display:grid;grid-template-columns:440px 1fr;gap:0 1.5em}
section h2{grid-column:1/-1;margin:.3em 0}
table{border-collapse:collapse;align-self:start}
th{text-align:left;font-weight:normal;color:#555;padding:2px 1em 2px 0}
td{white-space:nowrap}
.files{grid-column:1/-1}
.files a{margin-right:1em}
a.review{font-weight:bold}
.hint{color:#777}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_a_bar_per_bin_and_the_total() {
        let svg = score_chart("ru-kk", &[0, 1, 0, 0, 2, 0, 0, 5, 0, 3]);
        assert_eq!(svg.matches("<rect x=").count(), 10);
        assert!(svg.contains("ru-kk: 11 units by score"));
        assert!(svg.contains("<title>0.7–0.8: 5</title>"));
    }
}
