//! The review as a document: sections of findings, tables and charts, built once and
//! rendered as Markdown here and as HTML in `html`.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;

use super::{Review, md, people, percent, periods};
use crate::money::Money;
use crate::render;

/// The counterparty of costs no party bears: channels and activities.
pub(super) const UNATTRIBUTED: &str = "(channels, activities)";

/// A table of plain-text cells; each renderer escapes them its own way.
pub(super) struct DocTable {
    /// Its id in HTML, which charts name as their data.
    pub(super) id: &'static str,
    /// Its caption in HTML.
    pub(super) caption: String,
    pub(super) headers: Vec<String>,
    /// Whether each column is a number (aligned right).
    pub(super) right: Vec<bool>,
    pub(super) rows: Vec<Vec<String>>,
}

impl DocTable {
    fn new(id: &'static str, caption: impl Into<String>, columns: &[(&str, bool)]) -> DocTable {
        DocTable {
            id,
            caption: caption.into(),
            headers: columns.iter().map(|(h, _)| (*h).to_string()).collect(),
            right: columns.iter().map(|(_, r)| *r).collect(),
            rows: Vec::new(),
        }
    }

    fn rows(mut self, rows: impl IntoIterator<Item = Vec<String>>) -> DocTable {
        self.rows.extend(rows);
        self
    }
}

/// The charts of the HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chart {
    /// People present on each channel against those of them who trust the
    /// organization (Q5).
    Reach,
    /// Net value and ROI per counterparty (Q6).
    Returns,
    /// Trust by group and context, a heat map (Q3).
    Trust,
    /// The NPV to date per period, with the payback point (Q6).
    Npv,
    /// The value network.
    Network,
}

impl Chart {
    /// The id of its figure.
    pub(super) fn id(self) -> &'static str {
        match self {
            Chart::Reach => "chart-reach",
            Chart::Returns => "chart-returns",
            Chart::Trust => "chart-trust",
            Chart::Npv => "chart-npv",
            Chart::Network => "chart-network",
        }
    }
}

pub(super) enum Block {
    /// A sentence introducing what follows.
    Text(String),
    Table(DocTable),
    /// A chart (HTML only) and the id of the table that holds its numbers: the table
    /// given here (rendered after the chart, in HTML only), or one of the section's.
    Figure(Chart, &'static str, Option<DocTable>),
}

pub(super) struct Section {
    pub(super) id: &'static str,
    pub(super) title: &'static str,
    pub(super) finding: String,
    pub(super) blocks: Vec<Block>,
    /// Drawn in HTML only (Markdown readers have the DOT and Mermaid exports).
    pub(super) html_only: bool,
}

impl Section {
    fn new(id: &'static str, title: &'static str, finding: &str) -> Section {
        Section {
            id,
            title,
            finding: finding.to_string(),
            blocks: Vec::new(),
            html_only: false,
        }
    }

    /// Adds a table unless it has no rows.
    fn table(&mut self, table: DocTable) {
        if !table.rows.is_empty() {
            self.blocks.push(Block::Table(table));
        }
    }
}

fn money(m: Money) -> String {
    render::money(m)
}

fn trust_value(t: Option<f64>) -> String {
    t.map_or("unknown".into(), |t| format!("{t:.2}"))
}

impl Review {
    /// The line under the title: units, rounding, horizon and timing.
    pub(super) fn conventions(&self) -> String {
        format!(
            "Amounts in {} per {}, rounded to the cent; projections over {}, discounted at the {}.",
            self.currency,
            self.period,
            periods(self.horizon, &self.period),
            self.timing
        )
    }

    /// The contexts any group holds a contextual opinion in, in order of first appearance
    /// (groups in the model's order, each group's contexts in the settings' order).
    pub(super) fn trust_contexts(&self) -> Vec<&str> {
        let mut contexts: Vec<&str> = Vec::new();
        for g in &self.trust.groups {
            for (c, _) in &g.contexts {
                if !contexts.contains(&c.as_str()) {
                    contexts.push(c);
                }
            }
        }
        contexts
    }

    /// The sections, in reading order.
    pub(super) fn sections(&self) -> Vec<Section> {
        vec![
            self.value_section(),
            self.contributors_section(),
            self.trust_section(),
            self.conversations_section(),
            self.reach_section(),
            self.returns_section(),
            self.commons_section(),
            self.network_section(),
        ]
    }

    fn value_section(&self) -> Section {
        let mut s = Section::new(
            "value",
            "1. What unique value do we create, and what could be outsourced?",
            &self.value.finding,
        );
        s.table(
            DocTable::new(
                "value-activities",
                "Activities, the value of the flows they serve and the saving if outsourced",
                &[
                    ("activity", false),
                    ("class", false),
                    ("performed by", false),
                    ("value of its flows", true),
                    ("saving if outsourced", true),
                ],
            )
            .rows(self.value.activities.iter().map(|a| {
                vec![
                    a.name.clone(),
                    a.class.clone(),
                    a.performed_by.clone(),
                    money(a.value),
                    a.outsourcing_saving.map(money).unwrap_or_default(),
                ]
            })),
        );
        s
    }

    fn contributors_section(&self) -> Section {
        let mut s = Section::new(
            "contributors",
            "2. Who helps us create it, and what kind of relationship works best?",
            &self.contributors.finding,
        );
        s.table(
            DocTable::new(
                "contributors-core",
                "Contributions to core activities",
                &[
                    ("contributor", false),
                    ("core activity", false),
                    ("value", true),
                    ("relationship", false),
                ],
            )
            .rows(self.contributors.contributions.iter().map(|x| {
                vec![
                    x.party.clone(),
                    x.activity.clone(),
                    money(x.value),
                    x.kind.clone().unwrap_or_else(|| "none".into()),
                ]
            })),
        );
        s.table(
            DocTable::new(
                "contributors-gaps",
                "Relationships short of the kind wanted",
                &[
                    ("relationship", false),
                    ("is", false),
                    ("wanted", false),
                    ("steps", true),
                ],
            )
            .rows(self.contributors.gaps.iter().map(|g| {
                vec![
                    format!("{}–{}", g.between[0], g.between[1]),
                    g.kind.clone(),
                    g.desired.clone(),
                    g.steps.to_string(),
                ]
            })),
        );
        s
    }

    fn trust_section(&self) -> Section {
        let mut s = Section::new(
            "trust",
            "3. Do they trust us? Contextual or absolute? Would better trust create more value?",
            &self.trust.finding,
        );
        s.table(
            DocTable::new(
                "trust-groups",
                "Each group's trust in the organization",
                &[
                    ("group", false),
                    ("trust", true),
                    ("from", false),
                    ("by context", false),
                    ("reputation rank", true),
                    ("NPV if trust were better", true),
                ],
            )
            .rows(self.trust.groups.iter().map(|g| {
                vec![
                    g.key.clone(),
                    trust_value(g.trust),
                    g.source.clone(),
                    if g.contextual {
                        let ctx: Vec<String> =
                            g.contexts.iter().map(|(c, p)| format!("{c} {p:.2}")).collect();
                        format!("contextual: {}", ctx.join(", "))
                    } else {
                        "absolute".into()
                    },
                    g.reputation_rank.map_or("-".into(), |r| r.to_string()),
                    g.better_trust_npv.map_or("-".into(), render::signed_money),
                ]
            })),
        );
        let contexts = self.trust_contexts();
        let mut columns = vec![("group", false), ("overall", true)];
        columns.extend(contexts.iter().map(|c| (*c, true)));
        let heat = DocTable::new(
            "trust-contexts",
            "Trust by group and context (0 to 1; - where the group holds no opinion in the context)",
            &columns,
        )
        .rows(self.trust.groups.iter().map(|g| {
            let mut row = vec![g.key.clone(), trust_value(g.trust)];
            row.extend(contexts.iter().map(|c| {
                g.contexts
                    .iter()
                    .find(|(x, _)| x == c)
                    .map_or("-".into(), |(_, p)| format!("{p:.2}"))
            }));
            row
        }));
        if !self.trust.groups.is_empty() {
            s.blocks
                .push(Block::Figure(Chart::Trust, "trust-contexts", Some(heat)));
        }
        s
    }

    fn conversations_section(&self) -> Section {
        let mut s = Section::new(
            "conversations",
            "4. Where do they interact, and what do they say about us when we are not in the room?",
            &self.conversations.finding,
        );
        s.table(
            DocTable::new(
                "conversations-presences",
                "Where each group is present",
                &[("group", false), ("present on (share of members)", false)],
            )
            .rows(
                self.conversations
                    .presences
                    .iter()
                    .filter(|p| !p.channels.is_empty())
                    .map(|p| {
                        let list: Vec<String> = p
                            .channels
                            .iter()
                            .map(|(c, own, share)| format!("{c} ({own}) {}", percent(*share)))
                            .collect();
                        vec![p.group.clone(), list.join(", ")]
                    }),
            ),
        );
        s.table(
            DocTable::new(
                "conversations-remarks",
                "What each group says about the organization, and where",
                &[
                    ("group", false),
                    ("channel", false),
                    ("in the room", false),
                    ("about", false),
                    ("positive", true),
                    ("negative", true),
                    ("neutral", true),
                ],
            )
            .rows(self.conversations.remarks.iter().map(|r| {
                vec![
                    r.group.clone(),
                    r.channel.clone(),
                    if r.in_the_room { "yes" } else { "no" }.into(),
                    r.context.clone().unwrap_or_else(|| "-".into()),
                    r.positive.to_string(),
                    r.negative.to_string(),
                    r.neutral.to_string(),
                ]
            })),
        );
        s
    }

    fn reach_section(&self) -> Section {
        let r = &self.reach;
        let mut s = Section::new(
            "reach",
            "5. How much do we really reach, and how much depends on one commercial platform?",
            &r.finding,
        );
        s.table(
            DocTable::new(
                "reach-totals",
                "Reach in people",
                &[
                    ("raw reach", true),
                    ("expected", true),
                    ("effective", true),
                    ("value / scale", true),
                    ("rented exposure", true),
                    ("rented dependency", true),
                ],
            )
            .rows([vec![
                render::grouped(Decimal::from(r.raw)),
                people(r.expected),
                people(r.effective),
                r.scale_vs_value.map_or("-".into(), percent),
                percent(r.rented_exposure),
                percent(r.rented_dependency),
            ]]),
        );
        if !r.channels.is_empty() {
            s.blocks.push(Block::Figure(Chart::Reach, "reach-channels", None));
        }
        s.table(
            DocTable::new(
                "reach-channels",
                "The organization's channels: each one's raw and effective reach alone, and what depends on it",
                &[
                    ("channel", false),
                    ("ownership", false),
                    ("raw reach alone", true),
                    ("effective alone", true),
                    ("exposure", true),
                    ("reached only here", true),
                    ("effective reach lost without it", true),
                ],
            )
            .rows(r.channels.iter().map(|ch| {
                vec![
                    ch.key.clone(),
                    ch.ownership.clone(),
                    render::grouped(Decimal::from(ch.raw_reach)),
                    people(ch.effective_reach),
                    percent(ch.exposure_share),
                    render::grouped(Decimal::from(ch.unique_reach)),
                    percent(ch.effective_dependency),
                ]
            })),
        );
        s
    }

    fn returns_section(&self) -> Section {
        let rt = &self.returns;
        let mut s = Section::new(
            "returns",
            "6. What does each relationship cost and return, and what is the most efficient way to build them?",
            &rt.finding,
        );
        if rt.by_counterparty.iter().any(|l| l.party.is_some()) {
            s.blocks
                .push(Block::Figure(Chart::Returns, "returns-counterparties", None));
        }
        s.table(
            DocTable::new(
                "returns-counterparties",
                "Returns and costs per period by counterparty",
                &[
                    ("counterparty", false),
                    ("returns", true),
                    ("costs", true),
                    ("net", true),
                    ("ROI", true),
                ],
            )
            .rows(rt.by_counterparty.iter().map(|l| {
                vec![
                    l.party.clone().unwrap_or_else(|| UNATTRIBUTED.into()),
                    money(l.returns),
                    money(l.costs),
                    render::signed_money(l.net),
                    l.roi.map_or("-".into(), percent),
                ]
            })),
        );
        s.table(
            DocTable::new(
                "returns-projection",
                "The projection",
                &[
                    ("present value", true),
                    ("present investment", true),
                    ("NPV", true),
                    ("SROI", true),
                    ("discounted payback", true),
                ],
            )
            .rows([vec![
                money(rt.present_value),
                money(rt.present_investment),
                money(rt.npv),
                rt.sroi.map_or("-".into(), |s| format!("{s:.2}")),
                rt.discounted_payback
                    .map_or("beyond the horizon".into(), |k| format!("{} {k}", self.period)),
            ]]),
        );
        s.blocks.push(Block::Figure(Chart::Npv, "returns-npv", None));
        let start = (!rt.initial_investment.is_zero()).then(|| {
            vec![
                "start".to_string(),
                Money::zero(rt.initial_investment.currency())
                    .checked_sub(rt.initial_investment)
                    .map(render::signed_money)
                    .unwrap_or_default(),
            ]
        });
        s.table(
            DocTable::new(
                "returns-npv",
                "NPV to the end of each period",
                &[(self.period.as_str(), true), ("NPV to date", true)],
            )
            .rows(
                start.into_iter().chain(
                    (1u32..)
                        .zip(&rt.cumulative_npv)
                        .map(|(k, v)| vec![k.to_string(), render::signed_money(*v)]),
                ),
            ),
        );
        if let Some(plan) = &rt.plan {
            s.blocks.push(Block::Text(format!(
                "Candidate interventions, within a budget of {} {}:",
                money(plan.budget),
                self.currency
            )));
            s.table(
                DocTable::new(
                    "returns-plan",
                    "Candidate interventions",
                    &[
                        ("intervention", false),
                        ("recommended", false),
                        ("NPV gain net of its cost", true),
                    ],
                )
                .rows(
                    plan.chosen
                        .iter()
                        .map(|x| (x, true))
                        .chain(plan.left_out.iter().map(|x| (x, false)))
                        .map(|((_, name, gain), chosen)| {
                            vec![
                                name.clone(),
                                if chosen { "yes" } else { "no" }.to_string(),
                                render::signed_money(*gain),
                            ]
                        }),
                ),
            );
        }
        s
    }

    fn commons_section(&self) -> Section {
        let mut s = Section::new(
            "commons",
            "The commons question: how much depends on a single commercial platform?",
            &self.commons.finding,
        );
        s.table(
            DocTable::new(
                "commons-platforms",
                "Commercial platforms the organization depends on",
                &[
                    ("platform", false),
                    ("channels", false),
                    ("effective reach lost without it", true),
                    ("share of returns", true),
                    ("flag", false),
                ],
            )
            .rows(self.commons.platforms.iter().map(|p| {
                vec![
                    if p.operator {
                        p.platform.clone()
                    } else {
                        format!("{} (operator not named)", p.platform)
                    },
                    p.channels.join(", "),
                    percent(p.effective_reach_share),
                    percent(p.returns_share),
                    if p.flagged { "above threshold" } else { "" }.into(),
                ]
            })),
        );
        s
    }

    fn network_section(&self) -> Section {
        let n = &self.network;
        let mut s = Section::new(
            "network",
            "The value network",
            &format!(
                "{} organizations, {} constituent groups and {} channels; {} links between parties. \
                 Where groups are present is in the tables of question 4, the organization's \
                 channels in those of question 5.",
                n.nodes.iter().filter(|x| x.kind == "organization").count(),
                n.nodes.iter().filter(|x| x.kind == "constituent").count(),
                n.nodes.iter().filter(|x| x.kind == "channel").count(),
                n.links.len()
            ),
        );
        s.html_only = true;
        let links = DocTable::new(
            "network-links",
            "Links between parties: the relationship and the value flowing each way per period",
            &[
                ("from", false),
                ("to", false),
                ("relationship", false),
                ("value from → to", true),
                ("value to → from", true),
            ],
        )
        .rows(n.links.iter().map(|l| {
            vec![
                l.between[0].clone(),
                l.between[1].clone(),
                l.relationship.clone().unwrap_or_else(|| "none".into()),
                money(l.value[0]),
                money(l.value[1]),
            ]
        }));
        s.blocks
            .push(Block::Figure(Chart::Network, "network-links", Some(links)));
        s
    }

    /// The review as Markdown (what `Display` writes).
    ///
    /// ```
    /// let review = covalence::Model::sample().review(&covalence::ReviewOptions::new())?;
    /// assert!(review.to_markdown().contains("## 5. How much do we really reach"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Review of {}\n", md(&self.name));
        let _ = writeln!(o, "{}\n", self.conventions());
        let _ = writeln!(o, "## Summary\n\n{}\n", md(&self.summary));
        for section in self.sections().into_iter().filter(|s| !s.html_only) {
            let _ = writeln!(o, "## {}\n\n{}\n", section.title, md(&section.finding));
            for block in &section.blocks {
                match block {
                    Block::Text(text) => {
                        let _ = writeln!(o, "{}\n", md(text));
                    }
                    Block::Table(t) => {
                        let right = t.right.clone();
                        let headers: Vec<&str> = t.headers.iter().map(String::as_str).collect();
                        let mut table = render::Table::new(&headers, &right);
                        for row in &t.rows {
                            table.row(row.iter().map(|c| md(c)).collect());
                        }
                        o.push_str(&table.markdown());
                    }
                    Block::Figure(..) => {}
                }
            }
        }
        o.trim_end().to_string() + "\n"
    }
}

impl fmt::Display for Review {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_markdown())
    }
}
