//! The HTML report: well-formed, self-contained, every section and chart present,
//! each chart's drawn values those of its table, and model text escaped.

use covalence::{
    Channel, Constituent, Currency, Model, Organization, Ownership, Period, Review, ReviewOptions, Role,
    Settings,
};
use roxmltree::{Document, Node};

const SECTIONS: [&str; 9] = [
    "summary",
    "value",
    "contributors",
    "trust",
    "conversations",
    "reach",
    "returns",
    "commons",
    "network",
];
const CHARTS: [&str; 5] = [
    "chart-reach",
    "chart-returns",
    "chart-trust",
    "chart-npv",
    "chart-network",
];

fn sample_review() -> Review {
    Model::sample().review(&ReviewOptions::new()).unwrap()
}

/// The page parsed as XML (its doctype allowed).
fn parse(html: &str) -> Result<Document<'_>, roxmltree::Error> {
    Document::parse_with_options(
        html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
}

fn by_id<'a>(doc: &'a Document<'a>, id: &str) -> Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .expect(id)
}

/// The text of every `<text>` element under `node`, without tooltips.
fn texts(node: Node) -> Vec<String> {
    node.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.children()
                .filter(|c| c.is_text())
                .filter_map(|c| c.text())
                .collect::<String>()
        })
        .collect()
}

/// The cells of a table's body, row by row.
fn cells(table: Node) -> Vec<Vec<String>> {
    table
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|b| b.children().filter(|r| r.has_tag_name("tr")))
        .map(|r| {
            r.children()
                .filter(|c| c.has_tag_name("td") || c.has_tag_name("th"))
                .map(|c| c.text().unwrap_or("").to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_sample_report_is_well_formed_and_complete() {
    let review = sample_review();
    let html = review.to_html();
    assert_eq!(html, review.to_html(), "deterministic");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let doc = parse(&html).expect("the page is well-formed XML");
    // Self-contained: nothing to fetch, nothing to run.
    for tag in ["script", "link", "img", "iframe", "object"] {
        assert!(!doc.descendants().any(|n| n.has_tag_name(tag)), "<{tag}> found");
    }
    let addresses = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!addresses.contains("http://") && !addresses.contains("https://"));
    assert!(html.contains("Content-Security-Policy"));
    // One h1; every section with its h2; every chart with an SVG titled and described.
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("h1")).count(), 1);
    for id in SECTIONS {
        let section = by_id(&doc, id);
        assert!(section.has_tag_name("section"), "{id}");
        assert!(
            section.children().any(|c| c.has_tag_name("h2")),
            "{id} has a heading"
        );
    }
    for id in CHARTS {
        let figure = by_id(&doc, id);
        assert!(figure.has_tag_name("figure"));
        let svg = figure.children().find(|c| c.has_tag_name("svg")).unwrap();
        assert_eq!(svg.attribute("role"), Some("img"));
        for part in ["aria-labelledby", "aria-describedby"] {
            let id = svg.attribute(part).unwrap();
            assert!(!by_id(&doc, id).text().unwrap_or("").is_empty(), "{id}");
        }
        // The caption links to a table of the chart's numbers.
        let link = figure
            .descendants()
            .find(|n| n.has_tag_name("a"))
            .and_then(|a| a.attribute("href"))
            .unwrap();
        let table = by_id(&doc, link.trim_start_matches('#'));
        assert!(table.has_tag_name("table"), "{id} links to {link}");
        assert!(!cells(table).is_empty());
    }
    // The summary is the review's.
    assert_eq!(
        by_id(&doc, "summary")
            .children()
            .find(|c| c.has_tag_name("p"))
            .unwrap()
            .text(),
        Some(review.summary.as_str())
    );
}

#[test]
fn the_reach_chart_draws_each_channel_as_its_table() {
    let review = sample_review();
    let html = review.to_html();
    let doc = parse(&html).unwrap();
    let chart = by_id(&doc, "chart-reach");
    let labels = texts(chart);
    for c in &review.reach.channels {
        assert!(labels.contains(&c.key), "{}", c.key);
        assert!(c.effective_reach <= c.raw_reach as f64);
    }
    // Two bars per channel: raw (hatched) then effective (solid), in proportion.
    let bars: Vec<f64> = chart
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("height") == Some("14.0"))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(bars.len(), 2 * review.reach.channels.len());
    let widest = review.reach.channels.iter().map(|c| c.raw_reach).max().unwrap() as f64;
    for (c, pair) in review.reach.channels.iter().zip(bars.chunks(2)) {
        assert!(
            (pair[0] - 410.0 * c.raw_reach as f64 / widest).abs() < 0.06,
            "{}",
            c.key
        );
        assert!(
            (pair[1] - 410.0 * c.effective_reach / widest).abs() < 0.06,
            "{}",
            c.key
        );
    }
    // The table beside it has the same channels and numbers.
    let rows = cells(by_id(&doc, "reach-channels"));
    assert_eq!(rows.len(), review.reach.channels.len());
    assert_eq!(rows[0][0], review.reach.channels[0].key);
    // The forum alone reaches the members of every group present there, overlaps
    // subtracted.
    let model = Model::sample();
    let forum: covalence::ChannelId = model.lookup("forum").unwrap();
    let present: Vec<covalence::ConstituentId> = model
        .presences()
        .filter(|p| p.channel == forum && p.share > 0.0)
        .filter_map(|p| match p.party {
            covalence::PartyId::Constituent(c) => Some(c),
            _ => None,
        })
        .collect();
    let members: u64 = present
        .iter()
        .map(|c| model.constituent(*c).unwrap().members)
        .sum();
    let shared: u64 = model
        .overlaps()
        .filter(|o| present.contains(&o.a) && present.contains(&o.b))
        .map(|o| o.shared_members)
        .sum();
    assert_eq!(review.reach.channels[0].raw_reach, members - shared);
    assert_eq!(rows[0][2], "43,119");
}

#[test]
fn the_npv_chart_marks_the_payback() {
    let review = sample_review();
    let returns = &review.returns;
    assert_eq!(returns.cumulative_npv.len(), review.horizon as usize);
    assert_eq!(returns.cumulative_npv.last(), Some(&returns.npv));
    let first_paid = returns
        .cumulative_npv
        .iter()
        .position(|m| !m.is_negative())
        .map(|i| i as u32 + 1);
    assert_eq!(first_paid, returns.discounted_payback);
    let html = review.to_html();
    let doc = parse(&html).unwrap();
    let chart = by_id(&doc, "chart-npv");
    let line = chart.descendants().find(|n| n.has_tag_name("polyline")).unwrap();
    let points = line.attribute("points").unwrap().split(' ').count();
    assert_eq!(points, review.horizon as usize + 1, "the start and every period");
    let labels = texts(chart);
    assert!(labels.contains(&format!(
        "pays back: year {}",
        returns.discounted_payback.unwrap()
    )));
    assert!(labels.contains(&"+51.3M".to_string()), "{labels:?}");
    let rows = cells(by_id(&doc, "returns-npv"));
    assert_eq!(rows.len(), review.horizon as usize);
    assert_eq!(rows[4], ["5", "+51,299,450.07"]);
}

#[test]
fn the_heat_map_prints_every_trust_value() {
    let review = sample_review();
    let html = review.to_html();
    let doc = parse(&html).unwrap();
    let chart = by_id(&doc, "chart-trust");
    let labels = texts(chart);
    let table = cells(by_id(&doc, "trust-contexts"));
    assert_eq!(table.len(), review.trust.groups.len());
    for (g, row) in review.trust.groups.iter().zip(&table) {
        assert_eq!(row[0], g.key);
        assert_eq!(row[1], format!("{:.2}", g.trust.unwrap()));
        for (context, value) in &g.contexts {
            assert!(row.contains(&format!("{value:.2}")), "{} {context}", g.key);
        }
    }
    // Each cell of the chart prints its value: as many numbers as the table has.
    let printed = labels
        .iter()
        .filter(|t| t.len() == 4 && t.starts_with(['0', '1']))
        .count();
    let values = table
        .iter()
        .flat_map(|r| r[1..].iter())
        .filter(|c| *c != "-")
        .count();
    assert_eq!(printed, values + 5, "cells plus the five steps of the scale");
}

#[test]
fn the_returns_chart_and_the_network_cover_the_tables() {
    let review = sample_review();
    let html = review.to_html();
    let doc = parse(&html).unwrap();
    let labels = texts(by_id(&doc, "chart-returns"));
    for line in &review.returns.by_counterparty {
        if let Some(p) = &line.party {
            assert!(labels.contains(p), "{p}");
        }
    }
    // Losses are hatched, gains solid: not colour alone.
    let losses = by_id(&doc, "chart-returns")
        .descendants()
        .filter(|n| n.attribute("fill") == Some("url(#chart-returns-loss)"))
        .count();
    let negative = review
        .returns
        .by_counterparty
        .iter()
        .filter(|l| l.net.is_negative())
        .count()
        + review
            .returns
            .by_counterparty
            .iter()
            .filter(|l| l.roi.is_some_and(|r| r < 0.0))
            .count();
    assert_eq!(losses, negative);
    // Every party and channel is a box in the network, and every link a line.
    let network = by_id(&doc, "chart-network");
    let boxes = network
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("height") == Some("24.0"))
        .count();
    assert_eq!(boxes, review.network.nodes.len());
    // Groups' presences are lines, the organization's a dot on the channel.
    let groups: Vec<&str> = review
        .network
        .nodes
        .iter()
        .filter(|n| n.kind == "constituent")
        .map(|n| n.key.as_str())
        .collect();
    let (of_groups, of_org): (Vec<_>, Vec<_>) = review
        .network
        .presences
        .iter()
        .filter(|(p, _, _)| groups.contains(&p.as_str()) || *p == review.organization)
        .partition(|(p, _, _)| groups.contains(&p.as_str()));
    let paths = network.descendants().filter(|n| n.has_tag_name("path")).count();
    assert_eq!(paths, review.network.links.len() + of_groups.len());
    let dots = network.descendants().filter(|n| n.has_tag_name("circle")).count();
    assert_eq!(dots, of_org.len());
    assert_eq!(dots, review.reach.channels.len());
    assert_eq!(
        cells(by_id(&doc, "network-links")).len(),
        review.network.links.len()
    );
}

/// A model whose every name tries to break out of the page.
fn hostile() -> Model {
    let attack = "<script>alert('x')</script> & <img src=x onerror=alert(1)> \"quoted\" \u{ffff}\u{202e}";
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org").with_name(attack),
    )
    .unwrap();
    let mut group = Constituent::new("g", Role::Customer, 100);
    group.name = Some(attack.into());
    let g = model.add_constituent(group).unwrap();
    let mut channel = Channel::new("<c>&\"'", Ownership::Owned);
    channel.name = Some(attack.into());
    let c = model.add_channel(channel).unwrap();
    model.set_presence(model.focal().into(), c, 1.0).unwrap();
    model.set_presence(g.into(), c, 0.5).unwrap();
    model
}

#[test]
fn model_text_is_escaped() {
    let review = hostile().review(&ReviewOptions::new()).unwrap();
    let html = review.to_html();
    assert!(!html.contains("<script"), "no script element");
    assert!(!html.contains("<img"), "no image element");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    let doc = parse(&html).unwrap();
    // The name reads back as the text it is (the noncharacter, which XML forbids, and
    // the override replaced).
    let h1 = doc.descendants().find(|n| n.has_tag_name("h1")).unwrap();
    assert_eq!(
        h1.text().unwrap(),
        "Review of <script>alert('x')</script> & <img src=x onerror=alert(1)> \"quoted\" \u{fffd}\u{fffd}"
    );
    // The key with markup is escaped in tables and charts alike; the bidirectional
    // override reorders nothing in the Markdown either.
    assert!(html.contains("&lt;c&gt;&amp;&quot;&#39;"));
    assert!(!html.contains('\u{202e}') && !review.to_markdown().contains('\u{202e}'));
    let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
    assert!(title.text().unwrap().starts_with("Review of <script>"));
}

#[test]
fn a_bare_model_gets_a_page_too() {
    let model = Model::new(
        Settings::new(Period::Month, Currency::EUR),
        Organization::new("solo"),
    )
    .unwrap();
    let html = model.review(&ReviewOptions::new()).unwrap().to_html();
    let doc = parse(&html).unwrap();
    // No channel and no counterparty: those charts are left out, the rest drawn.
    assert!(!html.contains("id=\"chart-reach\""));
    assert!(!html.contains("id=\"chart-returns\""));
    for id in ["chart-npv", "chart-network"] {
        by_id(&doc, id);
    }
    // Nothing invested and nothing received: the NPV to date is never below zero, so
    // it pays back in the first period, as the projection defines payback.
    assert!(texts(by_id(&doc, "chart-npv")).contains(&"pays back: month 1".to_string()));
    // No group: no heat map.
    assert!(!html.contains("id=\"chart-trust\""));
}

/// A counterparty with vast returns for a cent of cost: its ROI is a huge number, not
/// an overflow that fails the review.
#[test]
fn a_huge_roi_does_not_fail_the_review() {
    use covalence::{Money, ValueFlow, ValueObject};
    use rust_decimal::dec;
    let mut model = Model::new(Settings::new(Period::Year, Currency::USD), Organization::new("o")).unwrap();
    let g = model
        .add_constituent(Constituent::new("g", Role::Customer, 10))
        .unwrap();
    let focal = model.focal().into();
    let usd = |d| Money::new(d, Currency::USD);
    let sale = ValueFlow::new(
        "in",
        g.into(),
        focal,
        ValueObject::Money,
        usd(dec!(1e27)),
        dec!(1),
    );
    let gift = ValueFlow::new(
        "out",
        focal,
        g.into(),
        ValueObject::Money,
        usd(dec!(0.01)),
        dec!(1),
    );
    model.add_flow(sale).unwrap();
    model.add_flow(gift).unwrap();
    // A supplier bears the bulk of the costs, so the totals stay in range.
    let supplier = model.add_organization(Organization::new("s")).unwrap();
    let bought = ValueFlow::new(
        "buy",
        focal,
        supplier.into(),
        ValueObject::Money,
        usd(dec!(1e9)),
        dec!(1),
    );
    model.add_flow(bought).unwrap();
    let review = model.review(&ReviewOptions::new()).unwrap();
    let roi = review.returns.by_counterparty[0].roi.unwrap();
    assert!(roi > 1e28, "{roi}");
    let html = review.to_html();
    assert!(parse(&html).is_ok());
    assert!(html.contains("T%") || html.contains("e"), "a compact label");
}

#[cfg(feature = "proptest")]
mod properties {
    use super::*;
    use covalence::{ErrorKind, strategy};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Every valid model's report is well-formed, self-contained, and has every
        /// section; its NPV to date ends at the NPV.
        #[test]
        fn every_report_is_well_formed(model in strategy::models(16)) {
            let review = match model.review(&ReviewOptions::new()) {
                Ok(review) => review,
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Overflow);
                    return Ok(());
                }
            };
            prop_assert_eq!(review.returns.cumulative_npv.last(), Some(&review.returns.npv));
            let html = review.to_html();
            let doc = parse(&html);
            prop_assert!(doc.is_ok(), "{:?}", doc.err());
            prop_assert!(!html.contains("<script"));
            for id in SECTIONS {
                let marker = format!("<section id=\"{id}\"");
                prop_assert!(html.contains(&marker), "{}", id);
            }
            let doc = doc.unwrap();
            for node in doc.descendants() {
                for a in node.attributes() {
                    if ["x", "y", "width", "height", "points", "d", "cx", "cy", "x1", "x2", "y1", "y2"].contains(&a.name()) {
                        prop_assert!(!a.value().contains("NaN") && !a.value().contains("inf"), "{}={}", a.name(), a.value());
                    }
                }
            }
        }
    }
}
