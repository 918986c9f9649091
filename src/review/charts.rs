//! The review's charts, drawn as SVG by hand: deterministic, self-contained, and
//! readable without colour (patterns, shapes and printed values carry every
//! meaning; colour only repeats it).

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;

use super::document::Chart;
use super::document::UNATTRIBUTED;
use super::{Review, percent, periods, possessive};
use crate::money::Money;

/// The width every chart is drawn at, in SVG units (scaled to the page).
const WIDTH: f64 = 720.0;
/// Rows drawn at most in a bar chart or a heat map; the tables hold every row.
const MAX_ROWS: usize = 30;
/// Nodes drawn at most in one column of the network.
const MAX_NODES: usize = 40;
/// Context columns drawn at most in the heat map.
const MAX_CONTEXTS: usize = 10;

const BLUE: &str = "#0072b2";
const VERMILLION: &str = "#d55e00";
const GREY: &str = "#595959";
const LIGHT: &str = "#d9d9d9";

/// Text for HTML and XML: markup characters escaped; characters XML does not allow
/// (controls other than tab and line breaks, U+FFFE, U+FFFF) and the bidirectional
/// embeddings, overrides and isolates (which would reorder the words around a name)
/// replaced by U+FFFD.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') || super::is_bidi_control(c) => {
                out.push('\u{fffd}');
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters, an ellipsis marking the cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A number in a few characters: `12k`, `4.5M`, with `+` on positives when `signed`.
fn compact(x: f64, signed: bool) -> String {
    let a = finite(x).abs();
    // The unit whose rounded value stays under 1,000 (999,999 is 1.0M, not 1000k).
    let units = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")];
    let body = if a >= 999.5e12 {
        format!("{a:.1e}")
    } else if let Some((scale, unit)) = units.iter().find(|(scale, _)| a >= scale * 0.9995) {
        let v = a / scale;
        if v >= 99.95 {
            format!("{v:.0}{unit}")
        } else {
            format!("{v:.1}{unit}")
        }
    } else {
        format!("{a:.0}")
    };
    if body == "0" {
        "0".into()
    } else if x < 0.0 {
        format!("-{body}")
    } else if signed {
        format!("+{body}")
    } else {
        body
    }
}

fn f(m: Money) -> f64 {
    m.amount().to_f64().unwrap_or(0.0)
}

/// Finite, else zero: charts never draw at NaN.
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// A signed percentage for a label; compact beyond 10,000%.
fn signed_percent(x: f64) -> String {
    let p = finite(x) * 100.0;
    if p.abs() >= 1e4 {
        format!("{}%", compact(p, true))
    } else if p > 0.0 {
        format!("+{}", percent(x))
    } else {
        percent(x)
    }
}

/// An SVG document under construction.
struct Svg {
    out: String,
    id: &'static str,
}

impl Svg {
    fn new(chart: Chart, height: f64, title: &str, desc: &str) -> Svg {
        let id = chart.id();
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
             width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" \
             font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"12\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            esc(title),
            esc(desc)
        );
        let _ = write!(
            out,
            "<defs><pattern id=\"{id}-hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" \
             patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{BLUE}\" stroke-width=\"2\"/></pattern>\
             <pattern id=\"{id}-loss\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" \
             patternTransform=\"rotate(-45)\"><rect width=\"6\" height=\"6\" fill=\"#f6d7c3\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{VERMILLION}\" stroke-width=\"2\"/></pattern>\
             <pattern id=\"{id}-none\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" \
             patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>\
             <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{LIGHT}\" stroke-width=\"1.5\"/></pattern></defs>"
        );
        Svg { out, id }
    }

    /// The fill of a pattern: `hatch` (scale), `loss` (negative), `none` (unknown).
    fn pattern(&self, name: &str) -> String {
        format!("url(#{}-{name})", self.id)
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" {attrs}/>",
            finite(x),
            finite(y),
            finite(w).max(0.0),
            finite(h).max(0.0)
        );
    }

    /// A text; `anchor` is `start`, `middle` or `end`; `full`, when given, becomes a
    /// tooltip (for cut labels).
    fn text(&mut self, x: f64, y: f64, anchor: &str, attrs: &str, text: &str, full: Option<&str>) {
        let _ = write!(
            self.out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" {attrs}>",
            finite(x),
            finite(y)
        );
        if let Some(full) = full.filter(|full| *full != text) {
            let _ = write!(self.out, "<title>{}</title>", esc(full));
        }
        let _ = write!(self.out, "{}</text>", esc(text));
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attrs: &str) {
        let _ = write!(
            self.out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" {attrs}/>",
            finite(x1),
            finite(y1),
            finite(x2),
            finite(y2)
        );
    }

    /// A note under the chart that not every row is drawn.
    fn more(&mut self, y: f64, left_out: usize, what: &str) {
        if left_out > 0 {
            self.text(
                10.0,
                y,
                "start",
                &format!("fill=\"{GREY}\" font-style=\"italic\""),
                &format!("{left_out} more {what} not drawn; the tables list every one."),
                None,
            );
        }
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// Room for the note that rows were left out, when some were.
fn more_space(left_out: usize) -> f64 {
    if left_out > 0 { 24.0 } else { 0.0 }
}

/// A linear scale from `[lo, hi]` (zero included) onto `[x0, x1]`.
struct Scale {
    lo: f64,
    hi: f64,
    x0: f64,
    x1: f64,
}

impl Scale {
    fn new(values: impl Iterator<Item = f64>, x0: f64, x1: f64) -> Scale {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for v in values.map(finite) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        Scale { lo, hi, x0, x1 }
    }

    fn at(&self, v: f64) -> f64 {
        if self.hi > self.lo {
            self.x0
                + (finite(v).clamp(self.lo, self.hi) - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)
        } else {
            self.x0
        }
    }
}

/// The indices of at most `MAX_ROWS` rows, the largest by `weight`, in their order.
fn largest(weights: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..weights.len()).collect();
    if weights.len() > MAX_ROWS {
        order.sort_by(|a, b| {
            let w = |i: &usize| finite(weights.get(*i).copied().unwrap_or(0.0)).abs();
            w(b).total_cmp(&w(a)).then(a.cmp(b))
        });
        order.truncate(MAX_ROWS);
        order.sort_unstable();
    }
    order
}

/// The chart's title.
pub(super) fn title(chart: Chart, r: &Review) -> String {
    match chart {
        Chart::Reach => format!(
            "Raw and effective reach of each of {} channels alone",
            possessive(&r.name)
        ),
        Chart::Returns => format!("Net value and ROI per {} by counterparty", r.period),
        Chart::Trust => format!("Trust in {} by group and context", r.name),
        Chart::Npv => format!("NPV to date over {}", periods(r.horizon, &r.period)),
        Chart::Network => format!("The value network of {}", r.name),
    }
}

/// The chart's SVG.
pub(super) fn draw(chart: Chart, review: &Review) -> String {
    match chart {
        Chart::Reach => reach(review),
        Chart::Returns => returns(review),
        Chart::Trust => trust(review),
        Chart::Npv => npv(review),
        Chart::Network => network(review),
    }
}

/// A legend entry: a swatch and its words.
fn legend(svg: &mut Svg, x: f64, y: f64, fill: &str, stroke: &str, words: &str) {
    svg.rect(
        x,
        y - 10.0,
        14.0,
        12.0,
        &format!("fill=\"{fill}\" stroke=\"{stroke}\""),
    );
    svg.text(x + 20.0, y, "start", "", words, None);
}

fn reach(r: &Review) -> String {
    let channels = &r.reach.channels;
    let rows = largest(&channels.iter().map(|c| c.raw_reach as f64).collect::<Vec<_>>());
    let pitch = 40.0;
    let height = 48.0 + pitch * rows.len() as f64 + more_space(channels.len() - rows.len());
    let mut svg = Svg::new(
        Chart::Reach,
        height,
        &title(Chart::Reach, r),
        &format!(
            "Scale against value, each channel alone: a hatched bar for its raw reach (the \
             members of the groups present on it), a solid bar for its effective reach (people \
             reached, weighted by their trust in {}), labelled with the share of the raw reach \
             it keeps. People on several channels count on each.",
            r.name
        ),
    );
    let hatch = svg.pattern("hatch");
    legend(&mut svg, 190.0, 20.0, &hatch, BLUE, "raw reach (scale)");
    legend(&mut svg, 400.0, 20.0, BLUE, BLUE, "effective reach (value)");
    let scale = Scale::new(channels.iter().map(|c| c.raw_reach as f64), 190.0, 600.0);
    let mut y = 44.0;
    for c in rows.iter().filter_map(|i| channels.get(*i)) {
        svg.text(
            180.0,
            y + 16.0,
            "end",
            "font-weight=\"600\"",
            &cut(&c.key, 24),
            Some(&c.key),
        );
        svg.text(
            180.0,
            y + 30.0,
            "end",
            &format!("fill=\"{GREY}\""),
            &c.ownership,
            None,
        );
        let raw = c.raw_reach as f64;
        let (w1, w2) = (scale.at(raw) - 190.0, scale.at(c.effective_reach) - 190.0);
        svg.rect(
            190.0,
            y + 4.0,
            w1,
            14.0,
            &format!("fill=\"{hatch}\" stroke=\"{BLUE}\""),
        );
        svg.rect(190.0, y + 20.0, w2, 14.0, &format!("fill=\"{BLUE}\""));
        svg.text(196.0 + w1, y + 15.0, "start", "", &compact(raw, false), None);
        let share = if raw > 0.0 {
            format!(" ({})", percent(c.effective_reach / raw))
        } else {
            String::new()
        };
        let label = format!("{}{share}", compact(c.effective_reach, false));
        svg.text(196.0 + w2, y + 31.0, "start", "", &label, None);
        y += pitch;
    }
    svg.line(190.0, 40.0, 190.0, y, &format!("stroke=\"{GREY}\""));
    svg.more(y + 16.0, channels.len() - rows.len(), "channels");
    svg.finish()
}

fn returns(r: &Review) -> String {
    let lines = &r.returns.by_counterparty;
    let rows = largest(&lines.iter().map(|l| f(l.net)).collect::<Vec<_>>());
    let pitch = 26.0;
    let height = 36.0 + pitch * rows.len() as f64 + more_space(lines.len() - rows.len());
    let mut svg = Svg::new(
        Chart::Returns,
        height,
        &title(Chart::Returns, r),
        &format!(
            "Two bar charts sharing their rows: on the left the net value per {} ({}) of each \
             counterparty, on the right its ROI (net over costs). Gains are solid blue bars \
             to the right of zero, losses hatched bars to the left, each labelled with its sign.",
            r.period, r.currency
        ),
    );
    let label = |l: &super::CounterpartyLine| l.party.clone().unwrap_or_else(|| UNATTRIBUTED.into());
    let net = Scale::new(lines.iter().map(|l| f(l.net)), 210.0, 400.0);
    let roi = Scale::new(lines.iter().filter_map(|l| l.roi), 520.0, 660.0);
    svg.text(
        305.0,
        18.0,
        "middle",
        "font-weight=\"600\"",
        &format!("net per {} ({})", r.period, r.currency),
        None,
    );
    svg.text(590.0, 18.0, "middle", "font-weight=\"600\"", "ROI", None);
    let loss = svg.pattern("loss");
    let mut y = 30.0;
    for l in rows.iter().filter_map(|i| lines.get(*i)) {
        let name = label(l);
        svg.text(150.0, y + 15.0, "end", "", &cut(&name, 22), Some(&name));
        let bar = |svg: &mut Svg, scale: &Scale, v: f64, text: String| {
            let (zero, end) = (scale.at(0.0), scale.at(v));
            let (x, w) = (zero.min(end), (end - zero).abs());
            let fill = if v < 0.0 {
                format!("fill=\"{loss}\" stroke=\"{VERMILLION}\"")
            } else {
                format!("fill=\"{BLUE}\"")
            };
            svg.rect(x, y + 4.0, w, 16.0, &fill);
            if v < 0.0 {
                svg.text(x - 4.0, y + 16.0, "end", "", &text, None);
            } else {
                svg.text(x + w + 4.0, y + 16.0, "start", "", &text, None);
            }
        };
        bar(&mut svg, &net, f(l.net), compact(f(l.net), true));
        match l.roi {
            Some(v) => bar(&mut svg, &roi, v, signed_percent(v)),
            None => svg.text(
                roi.at(0.0) + 4.0,
                y + 16.0,
                "start",
                &format!("fill=\"{GREY}\""),
                "no cost",
                None,
            ),
        }
        y += pitch;
    }
    for zero in [net.at(0.0), roi.at(0.0)] {
        svg.line(zero, 26.0, zero, y, &format!("stroke=\"{GREY}\""));
    }
    svg.more(y + 16.0, lines.len() - rows.len(), "counterparties");
    svg.finish()
}

/// The colour, from light to dark blue, of trust in `[0, 1]`.
fn shade_rgb(t: f64) -> [u8; 3] {
    let t = finite(t).clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    [mix(247.0, 8.0), mix(251.0, 69.0), mix(255.0, 148.0)]
}

fn shade(t: f64) -> String {
    let [r, g, b] = shade_rgb(t);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Black or white text, whichever contrasts more with the shade of `t` (WCAG
/// relative luminance).
fn ink(t: f64) -> &'static str {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = shade_rgb(t);
    let l = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    if 1.05 / (l + 0.05) > (l + 0.05) / 0.05 {
        "#ffffff"
    } else {
        "#111111"
    }
}

fn trust(r: &Review) -> String {
    let groups = &r.trust.groups;
    let all_contexts = r.trust_contexts();
    let contexts: Vec<&str> = all_contexts.iter().copied().take(MAX_CONTEXTS).collect();
    let rows: Vec<usize> = (0..groups.len().min(MAX_ROWS)).collect();
    let columns = 1 + contexts.len();
    let cell = ((WIDTH - 170.0) / columns as f64).min(90.0);
    let pitch = 28.0;
    let height = 72.0
        + pitch * rows.len() as f64
        + more_space(groups.len() - rows.len())
        + more_space(all_contexts.len() - contexts.len());
    let mut svg = Svg::new(
        Chart::Trust,
        height,
        &title(Chart::Trust, r),
        &format!(
            "A heat map: one row per constituent group, one column for its overall trust and one \
             per context it holds an opinion in ({}). Each cell prints the trust, from 0 (none) \
             to 1 (full); darker cells trust more; hatched cells hold no opinion.",
            if contexts.is_empty() {
                "none".to_string()
            } else {
                contexts.join(", ")
            }
        ),
    );
    let cells_x = 170.0;
    let headers = std::iter::once("overall").chain(contexts.iter().copied());
    for (i, h) in headers.enumerate() {
        let x = cells_x + cell * i as f64 + cell / 2.0;
        let max = ((cell - 6.0) / 7.0).max(3.0) as usize;
        svg.text(x, 56.0, "middle", "font-weight=\"600\"", &cut(h, max), Some(h));
    }
    let none = svg.pattern("none");
    let mut y = 64.0;
    for g in rows.iter().filter_map(|i| groups.get(*i)) {
        svg.text(160.0, y + 18.0, "end", "", &cut(&g.key, 22), Some(&g.key));
        let values = std::iter::once(g.trust).chain(
            contexts
                .iter()
                .map(|c| g.contexts.iter().find(|(x, _)| x == c).map(|(_, p)| *p)),
        );
        for (i, v) in values.enumerate() {
            let x = cells_x + cell * i as f64;
            match v {
                Some(t) => {
                    svg.rect(x, y, cell - 2.0, pitch - 2.0, &format!("fill=\"{}\"", shade(t)));
                    let ink = ink(t);
                    svg.text(
                        x + cell / 2.0,
                        y + 18.0,
                        "middle",
                        &format!("fill=\"{ink}\""),
                        &format!("{t:.2}"),
                        None,
                    );
                }
                None => {
                    svg.rect(
                        x,
                        y,
                        cell - 2.0,
                        pitch - 2.0,
                        &format!("fill=\"{none}\" stroke=\"{LIGHT}\""),
                    );
                    svg.text(
                        x + cell / 2.0,
                        y + 18.0,
                        "middle",
                        &format!("fill=\"{GREY}\""),
                        "-",
                        None,
                    );
                }
            }
        }
        y += pitch;
    }
    // The scale.
    svg.text(170.0, 20.0, "start", "", "trust:", None);
    for i in 0..=4 {
        let t = f64::from(i) / 4.0;
        let x = 215.0 + 44.0 * f64::from(i);
        svg.rect(
            x,
            8.0,
            40.0,
            18.0,
            &format!("fill=\"{}\" stroke=\"{LIGHT}\"", shade(t)),
        );
        let ink = ink(t);
        svg.text(
            x + 20.0,
            21.0,
            "middle",
            &format!("fill=\"{ink}\""),
            &format!("{t:.2}"),
            None,
        );
    }
    svg.rect(
        445.0,
        8.0,
        40.0,
        18.0,
        &format!("fill=\"{none}\" stroke=\"{LIGHT}\""),
    );
    svg.text(491.0, 21.0, "start", "", "no opinion", None);
    svg.more(y + 16.0, groups.len() - rows.len(), "groups");
    let y = y + more_space(groups.len() - rows.len());
    svg.more(y + 16.0, all_contexts.len() - contexts.len(), "contexts");
    svg.finish()
}

/// About five round steps covering `[lo, hi]`.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).take(20).map(|k| k as f64 * step).collect()
}

fn npv(r: &Review) -> String {
    let rt = &r.returns;
    let start = -f(rt.initial_investment);
    let points: Vec<f64> = std::iter::once(start)
        .chain(rt.cumulative_npv.iter().map(|m| f(*m)))
        .collect();
    let n = points.len().saturating_sub(1).max(1) as f64;
    let height = 300.0;
    let (left, right, top, bottom) = (90.0, WIDTH - 30.0, 40.0, 250.0);
    let payback = match rt.discounted_payback {
        Some(k) => format!("It pays back in {} {k}.", r.period),
        None => format!("It does not pay back within {}.", periods(r.horizon, &r.period)),
    };
    let mut svg = Svg::new(
        Chart::Npv,
        height,
        &title(Chart::Npv, r),
        &format!(
            "A line of the net present value to the end of each {} ({}), from the start \
             ({}) to the horizon ({}). {payback}",
            r.period,
            r.currency,
            compact(start, true),
            compact(points.last().copied().unwrap_or(start), true)
        ),
    );
    let y_scale = Scale::new(points.iter().copied(), bottom, top);
    let ticks = ticks(y_scale.lo, y_scale.hi);
    for t in &ticks {
        let y = y_scale.at(*t);
        if *t != 0.0 {
            svg.line(left, y, right, y, &format!("stroke=\"{LIGHT}\""));
        }
        svg.text(left - 6.0, y + 4.0, "end", "", &compact(*t, false), None);
    }
    let zero = y_scale.at(0.0);
    svg.line(
        left,
        zero,
        right,
        zero,
        &format!("stroke=\"{GREY}\" stroke-width=\"1.5\""),
    );
    let x_at = |k: usize| left + (right - left) * k as f64 / n;
    let every = (points.len() / 12).max(1);
    for k in (0..points.len()).filter(|k| k % every == 0 || *k + 1 == points.len()) {
        svg.text(x_at(k), bottom + 18.0, "middle", "", &k.to_string(), None);
    }
    svg.text(
        (left + right) / 2.0,
        bottom + 38.0,
        "middle",
        &format!("fill=\"{GREY}\""),
        &format!("end of {} (0: the start)", r.period),
        None,
    );
    svg.text(
        left,
        24.0,
        "start",
        &format!("fill=\"{GREY}\""),
        &format!("NPV to date ({})", r.currency),
        None,
    );
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(k, v)| format!("{:.1},{:.1}", x_at(k), y_scale.at(*v)))
        .collect();
    let _ = write!(
        svg.out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{BLUE}\" stroke-width=\"2.5\"/>",
        path.join(" ")
    );
    if points.len() <= 61 {
        for (k, v) in points.iter().enumerate() {
            let _ = write!(
                svg.out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{BLUE}\"/>",
                x_at(k),
                y_scale.at(*v)
            );
        }
    }
    let last = points.len() - 1;
    let end = points.last().copied().unwrap_or(0.0);
    svg.text(
        x_at(last) - 6.0,
        y_scale.at(end) - 10.0,
        "end",
        "font-weight=\"600\"",
        &compact(end, true),
        None,
    );
    match rt
        .discounted_payback
        .map(|k| k as usize)
        .filter(|k| *k < points.len())
    {
        Some(k) => {
            let (x, y) = (x_at(k), y_scale.at(points.get(k).copied().unwrap_or(0.0)));
            let _ = write!(
                svg.out,
                "<path d=\"M {:.1} {:.1} l 8 8 l -8 8 l -8 -8 z\" fill=\"{VERMILLION}\" stroke=\"#ffffff\"/>",
                x,
                y - 8.0
            );
            let anchor = if k * 2 > last { "end" } else { "start" };
            let dx = if anchor == "end" { -12.0 } else { 12.0 };
            svg.text(
                x + dx,
                y + 22.0,
                anchor,
                "font-weight=\"600\"",
                &format!("pays back: {} {k}", r.period),
                None,
            );
        }
        None => svg.text(
            right,
            24.0,
            "end",
            "font-weight=\"600\"",
            &format!("no payback within {}", periods(r.horizon, &r.period)),
            None,
        ),
    }
    svg.finish()
}

fn network(r: &Review) -> String {
    let n = &r.network;
    let columns = ["organization", "constituent", "channel"];
    let titles = ["Organizations", "Constituent groups", "Channels"];
    let xs = [40.0, 285.0, 530.0];
    let (box_w, box_h, pitch, top) = (160.0, 24.0, 32.0, 44.0);
    // Each drawn node's column and row, by key.
    let mut place: std::collections::HashMap<&str, (usize, usize)> = std::collections::HashMap::new();
    let mut left_out = 0;
    let mut counts = [0usize; 3];
    for node in &n.nodes {
        let Some(c) = columns.iter().position(|k| *k == node.kind) else {
            continue;
        };
        let Some(count) = counts.get_mut(c) else { continue };
        if *count < MAX_NODES {
            place.insert(&node.key, (c, *count));
            *count += 1;
        } else {
            left_out += 1;
        }
    }
    let rows = counts.iter().copied().max().unwrap_or(0) as f64;
    let height = top + pitch * rows + more_space(left_out);
    let max_value = n
        .links
        .iter()
        .map(|l| f(l.value[0]) + f(l.value[1]))
        .fold(0.0f64, f64::max);
    let mut svg = Svg::new(
        Chart::Network,
        height,
        &title(Chart::Network, r),
        &format!(
            "Three columns: organizations ({} first, drawn with a thick border), constituent \
             groups (rounded boxes) and channels (border solid for owned, dashed for commons, \
             dotted for rented; the ownership is printed in the box). Lines between parties are \
             as wide as the value they exchange per {}; dashed lines are relationships without \
             value flows; thin grey lines are groups' presences on channels (darker for a \
             larger share of members), and a dot marks the channels {} is on.",
            r.name, r.period, r.name
        ),
    );
    let anchor = |key: &str| -> Option<(usize, f64, f64)> {
        let (c, row) = place.get(key).copied()?;
        let x = xs.get(c).copied()?;
        Some((c, x, top + pitch * row as f64 + box_h / 2.0))
    };
    let curve = |svg: &mut Svg, a: (usize, f64, f64), b: (usize, f64, f64), attrs: &str| {
        let ((ca, xa, ya), (cb, xb, yb)) = if a.1 <= b.1 { (a, b) } else { (b, a) };
        let d = if ca == cb {
            // Same column: a bend out to the left of it.
            let bulge = 18.0 + (ya - yb).abs() * 0.15;
            format!(
                "M {xa:.1} {ya:.1} C {:.1} {ya:.1} {:.1} {yb:.1} {xb:.1} {yb:.1}",
                xa - bulge,
                xb - bulge
            )
        } else {
            let (x1, x2) = (xa + box_w, xb);
            let mid = (x1 + x2) / 2.0;
            format!("M {x1:.1} {ya:.1} C {mid:.1} {ya:.1} {mid:.1} {yb:.1} {x2:.1} {yb:.1}")
        };
        let _ = write!(svg.out, "<path d=\"{d}\" fill=\"none\" {attrs}/>");
    };
    // Groups' presences as lines; the organization's as a dot on the channel (its lines
    // would cross the groups' column).
    for (party, channel, share) in &n.presences {
        if let (Some(a @ (1, _, _)), Some(b)) = (anchor(party), anchor(channel)) {
            let opacity = 0.15 + 0.6 * finite(*share).clamp(0.0, 1.0);
            curve(
                &mut svg,
                a,
                b,
                &format!("stroke=\"{GREY}\" stroke-opacity=\"{opacity:.2}\" stroke-width=\"1\""),
            );
        }
    }
    for l in &n.links {
        let [a, b] = &l.between;
        if let (Some(a), Some(b)) = (anchor(a), anchor(b)) {
            let v = f(l.value[0]) + f(l.value[1]);
            let attrs = if v > 0.0 && max_value > 0.0 {
                format!(
                    "stroke=\"{BLUE}\" stroke-opacity=\"0.55\" stroke-width=\"{:.1}\"",
                    1.5 + 8.0 * (v / max_value).sqrt()
                )
            } else {
                format!("stroke=\"{GREY}\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"")
            };
            curve(&mut svg, a, b, &attrs);
        }
    }
    let present: Vec<&str> = n
        .presences
        .iter()
        .filter(|(party, _, _)| *party == r.organization)
        .map(|(_, channel, _)| channel.as_str())
        .collect();
    for (title, x) in titles.iter().zip(xs) {
        svg.text(
            x + box_w / 2.0,
            28.0,
            "middle",
            "font-weight=\"700\"",
            title,
            None,
        );
    }
    for node in &n.nodes {
        let Some((c, x, y)) = anchor(&node.key) else {
            continue;
        };
        let y = y - box_h / 2.0;
        let focal = node.key == r.organization && c == 0;
        let dash = match node.ownership.as_deref() {
            Some("commons") => " stroke-dasharray=\"6 3\"",
            Some("rented") => " stroke-dasharray=\"1.5 2.5\"",
            _ => "",
        };
        let attrs = format!(
            "fill=\"#ffffff\" stroke=\"#1a1a1a\" stroke-width=\"{}\" rx=\"{}\"{dash}",
            if focal { 3 } else { 1 },
            if c == 1 { 12 } else { 2 }
        );
        svg.rect(x, y, box_w, box_h, &attrs);
        let full = format!("{} ({})", node.name, node.key);
        let (max, weight) = match (&node.ownership, focal) {
            (Some(_), _) => (15, ""),
            (None, true) => (19, "font-weight=\"700\""),
            (None, false) => (21, ""),
        };
        // Keys, as the tables name them; the name is the tooltip.
        let indent = if present.contains(&node.key.as_str()) {
            let _ = write!(
                svg.out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#1a1a1a\"/>",
                x + 10.0,
                y + box_h / 2.0
            );
            10.0
        } else {
            0.0
        };
        svg.text(
            x + 8.0 + indent,
            y + 16.0,
            "start",
            weight,
            &cut(&node.key, max),
            Some(&full),
        );
        if let Some(own) = &node.ownership {
            svg.text(
                x + box_w - 6.0,
                y + 16.0,
                "end",
                &format!("fill=\"{GREY}\" font-size=\"10\""),
                own,
                None,
            );
        }
    }
    svg.more(height - 8.0, left_out, "entities");
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_refuses() {
        assert_eq!(
            esc("<script>a&'b\"</script>"),
            "&lt;script&gt;a&amp;&#39;b&quot;&lt;/script&gt;"
        );
        assert_eq!(esc("a\u{0}b\u{1b}c\u{ffff}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(esc("tab\tline\n"), "tab\tline\n");
        // Bidirectional overrides cannot reorder the sentence around a name.
        assert_eq!(esc("a\u{202e}b\u{2066}c"), "a\u{fffd}b\u{fffd}c");
    }

    #[test]
    fn compacts_numbers_with_signs() {
        assert_eq!(compact(0.2, true), "0");
        assert_eq!(compact(950.0, false), "950");
        assert_eq!(compact(1_234.0, false), "1.2k");
        assert_eq!(compact(-23_858_000.0, true), "-23.9M");
        assert_eq!(compact(12_345.0, true), "+12.3k");
        assert_eq!(compact(123_456.0, false), "123k");
        assert_eq!(compact(999_999.0, false), "1.0M");
        assert_eq!(compact(51_299_450.0, true), "+51.3M");
        assert_eq!(compact(2e15, false), "2.0e15");
        assert_eq!(compact(4.2e9, false), "4.2B");
    }

    #[test]
    fn cuts_long_labels_with_an_ellipsis() {
        assert_eq!(cut("forum", 10), "forum");
        assert_eq!(cut("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 50.0), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(
            ticks(-2_000.0, 10_000.0),
            vec![0.0, 2_500.0, 5_000.0, 7_500.0, 10_000.0]
        );
        assert_eq!(ticks(3.0, 3.0), vec![3.0]);
    }

    #[test]
    fn scales_map_zero_and_extremes() {
        let s = Scale::new([-10.0, 30.0].into_iter(), 0.0, 400.0);
        assert_eq!(s.at(-10.0), 0.0);
        assert_eq!(s.at(0.0), 100.0);
        assert_eq!(s.at(30.0), 400.0);
        assert_eq!(s.at(f64::NAN), 100.0);
        let flat = Scale::new([0.0].into_iter(), 5.0, 10.0);
        assert_eq!(flat.at(0.0), 5.0);
    }

    #[test]
    fn shades_run_from_light_to_dark() {
        assert_eq!(shade(0.0), "#f7fbff");
        assert_eq!(shade(1.0), "#084594");
        assert_eq!(shade(f64::NAN), "#f7fbff");
        // Text takes the ink that contrasts more: black on light cells, white on dark.
        assert_eq!(ink(0.0), "#111111");
        assert_eq!(ink(0.62), "#111111");
        assert_eq!(ink(1.0), "#ffffff");
    }
}
