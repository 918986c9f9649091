//! The review as one self-contained HTML page: no script, no network, no external
//! font; charts drawn inline as SVG, each beside a table of its numbers; readable on
//! screen and printed on A4 or Letter.

use std::fmt::Write as _;

use super::Review;
use super::charts::{self, esc};
use super::document::{Block, DocTable};

/// The page's style: system fonts, tables with figures aligned, print rules for A4
/// and Letter. No `<`, `>` or `&`, so that the page stays well-formed XML.
const STYLE: &str = "
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  color: #1a1a1a; background: #ffffff; max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2.25rem 0 .5rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .2rem; }
.conventions, figcaption, caption, footer { color: #4d4d4d; font-size: .9rem; }
.finding { font-size: 1.02rem; }
nav ul { columns: 2; list-style: none; padding-left: 0; margin: .5rem 0 0; }
a { color: #0059a0; }
.table { overflow-x: auto; margin: .75rem 0 1.25rem; }
table { border-collapse: collapse; font-size: .88rem; }
caption { text-align: left; padding: 0 0 .3rem; break-after: avoid; }
th[scope=row] { font-weight: normal; border-bottom: 1px solid #cccccc; }
th, td { padding: .2rem .55rem; border-bottom: 1px solid #cccccc; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #1a1a1a; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
figure { margin: 1rem 0 .5rem; }
figure svg { display: block; width: 100%; height: auto; }
@media print {
  @page { margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  .table { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
";

fn table(o: &mut String, t: &DocTable) {
    let _ = write!(o, "<div class=\"table\"><table id=\"{}\">", t.id);
    let _ = write!(o, "<caption>{}</caption>", esc(&t.caption));
    o.push_str("<thead><tr>");
    for (h, right) in t.headers.iter().zip(&t.right) {
        let class = if *right { " class=\"num\"" } else { "" };
        let _ = write!(o, "<th scope=\"col\"{class}>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        o.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let right = t.right.get(i).copied().unwrap_or(false);
            if i == 0 && !right {
                // A label column: the row's header.
                let _ = write!(o, "<th scope=\"row\">{}</th>", esc(cell));
            } else {
                let class = if right { " class=\"num\"" } else { "" };
                let _ = write!(o, "<td{class}>{}</td>", esc(cell));
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>\n");
}

impl Review {
    /// The review as one self-contained HTML page, to share with readers who will not
    /// open a terminal: the sections of [`Review::to_markdown`], a navigation list,
    /// and five charts drawn as inline SVG: people against trusting people per
    /// channel, net value and ROI per counterparty, trust by group and context (a
    /// heat map), the NPV to date per period with the payback point, and the value
    /// network. Every chart has a text description and a table of its numbers beside
    /// it; patterns, shapes and printed values carry what colour shows.
    ///
    /// The page loads nothing: no script, font, style sheet or image from anywhere,
    /// and a Content Security Policy forbids them. Every string from the model is
    /// escaped, so a name like `<script>` reads as text. The output is well-formed
    /// XML as well as HTML, and the same review gives the same bytes.
    ///
    /// # Example
    /// ```
    /// let review = covalence::Model::sample().review(&covalence::ReviewOptions::new())?;
    /// let html = review.to_html();
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// assert!(html.contains("<svg") && !html.contains("<script"));
    /// // std::fs::write("review.html", html)?;
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_html(&self) -> String {
        let sections = self.sections();
        let mut o = String::with_capacity(64 * 1024);
        let name = esc(&self.name);
        o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        o.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n",
        );
        let _ = writeln!(
            o,
            "<meta name=\"generator\" content=\"covalence {}\"/>",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(o, "<title>Review of {name}</title>");
        let _ = writeln!(o, "<style>{STYLE}</style>\n</head>\n<body>");
        let _ = writeln!(
            o,
            "<header>\n<h1>Review of {name}</h1>\n<p class=\"conventions\">{}</p>",
            esc(&self.conventions())
        );
        o.push_str("<nav aria-label=\"Sections\"><ul>");
        o.push_str("<li><a href=\"#summary\">Summary</a></li>");
        for s in &sections {
            let _ = write!(o, "<li><a href=\"#{}\">{}</a></li>", s.id, esc(s.title));
        }
        o.push_str("</ul></nav>\n</header>\n<main>\n");
        let _ = writeln!(
            o,
            "<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<p>{}</p>\n</section>",
            esc(&self.summary)
        );
        for s in &sections {
            let _ = writeln!(
                o,
                "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>\n<p class=\"finding\">{}</p>",
                esc(s.title),
                esc(&s.finding),
                id = s.id
            );
            for block in &s.blocks {
                match block {
                    Block::Text(text) => {
                        let _ = writeln!(o, "<p>{}</p>", esc(text));
                    }
                    Block::Table(t) => table(&mut o, t),
                    Block::Figure(chart, data, own) => {
                        let _ = writeln!(
                            o,
                            "<figure id=\"{}\">\n{}\n<figcaption>{}. <a href=\"#{data}\">Its numbers, as a table</a>.</figcaption>\n</figure>",
                            chart.id(),
                            charts::draw(*chart, self),
                            esc(&charts::title(*chart, self))
                        );
                        if let Some(t) = own {
                            table(&mut o, t);
                        }
                    }
                }
            }
            o.push_str("</section>\n");
        }
        o.push_str("</main>\n<footer><p>Written by covalence from the model's numbers; ");
        o.push_str("every chart's numbers are in the table it links to.</p></footer>\n</body>\n</html>\n");
        o
    }
}
