//! Diagrams of the value network: Graphviz DOT and Mermaid, written by the crate in a
//! stable, deterministic form (model order, escaped labels).

use std::fmt::Write as _;

use crate::error::Error;
use crate::model::{ActivityClass, Model, Ownership, PartyId};
use crate::money::Money;
use crate::render;

/// One node of the diagram.
struct Node {
    key: String,
    label: String,
    kind: NodeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Focal,
    Organization,
    Constituent,
    Owned,
    Commons,
    Rented,
    Core,
    Commodity,
}

/// One edge of the diagram.
struct Edge {
    from: String,
    to: String,
    label: String,
    kind: EdgeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    Relationship,
    Flow,
    Presence,
    Performs,
}

/// The network as nodes and edges, in model order.
fn network(model: &Model) -> Result<(Vec<Node>, Vec<Edge>), Error> {
    let mut nodes = Vec::new();
    let focal = model.focal();
    for (id, o) in model.organizations() {
        nodes.push(Node {
            key: o.key.clone(),
            label: o.display_name().to_string(),
            kind: if id == focal {
                NodeKind::Focal
            } else {
                NodeKind::Organization
            },
        });
    }
    for (_, c) in model.constituents() {
        nodes.push(Node {
            key: c.key.clone(),
            label: format!(
                "{}\n{}, {} members",
                c.display_name(),
                c.role.name(),
                render::grouped(rust_decimal::Decimal::from(c.members))
            ),
            kind: NodeKind::Constituent,
        });
    }
    for (_, c) in model.channels() {
        let (kind, what) = match c.ownership {
            Ownership::Owned => (NodeKind::Owned, "owned"),
            Ownership::Commons => (NodeKind::Commons, "commons"),
            Ownership::Rented { .. } => (NodeKind::Rented, "rented"),
        };
        nodes.push(Node {
            key: c.key.clone(),
            label: format!("{}\n{what} channel", c.display_name()),
            kind,
        });
    }
    for (_, a) in model.activities() {
        let (kind, what) = match a.class {
            ActivityClass::Core => (NodeKind::Core, "core activity"),
            ActivityClass::Commodity => (NodeKind::Commodity, "commodity activity"),
        };
        nodes.push(Node {
            key: a.key.clone(),
            label: format!("{}\n{what}", a.display_name()),
            kind,
        });
    }
    let key = |p: PartyId| model.party_key(p).map(str::to_string);
    let mut edges = Vec::new();
    for (_, r) in model.relationships() {
        edges.push(Edge {
            from: key(r.parties[0])?,
            to: key(r.parties[1])?,
            label: r.kind.name().replace('_', "-"),
            kind: EdgeKind::Relationship,
        });
    }
    let period = model.settings().period;
    for (_, f) in model.flows() {
        let value: Money = f.value_per(period)?;
        let via = f
            .channel
            .map(|c| model.channel(c).map(|c| format!(" via {}", c.key)))
            .transpose()?
            .unwrap_or_default();
        edges.push(Edge {
            from: key(f.from)?,
            to: key(f.to)?,
            label: format!(
                "{}: {} {}/{}{via}",
                f.object.name(),
                render::money(value),
                value.currency(),
                period.name()
            ),
            kind: EdgeKind::Flow,
        });
    }
    for p in model.presences() {
        if matches!(p.party, PartyId::Constituent(_)) || p.party == focal.into() {
            edges.push(Edge {
                from: key(p.party)?,
                to: model.channel(p.channel)?.key.clone(),
                label: format!("{:.0}%", p.share * 100.0),
                kind: EdgeKind::Presence,
            });
        }
    }
    for (_, a) in model.activities() {
        edges.push(Edge {
            from: key(a.performed_by)?,
            to: a.key.clone(),
            label: "performs".to_string(),
            kind: EdgeKind::Performs,
        });
    }
    Ok((nodes, edges))
}

/// A DOT string literal's contents: quotes and backslashes escaped, line breaks as
/// `\n`, other control characters dropped.
fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid label's contents: quotes and markup characters as entity codes, line
/// breaks as `<br/>`, other control characters dropped.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

impl Model {
    /// The value network as a Graphviz DOT digraph: organizations as boxes (the focal
    /// one doubled and filled), constituent groups as ellipses, channels by ownership
    /// (owned: green house, commons: blue hexagon, rented: red dashed box), activities
    /// as components (core: bold); relationships as grey undirected lines labelled
    /// with their kind, flows as arrows labelled with object and value per period
    /// (and channel), presences as dotted lines labelled with the share. Shapes and
    /// line styles carry the types, so the diagram reads without colour. Output is
    /// deterministic: model order, every label escaped.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) when a flow's value per
    /// period does not fit.
    ///
    /// # Example
    /// ```
    /// let dot = covalence::Model::sample().to_dot()?;
    /// assert!(dot.starts_with("digraph value_network {"));
    /// assert!(dot.contains("\"harbor\" -> \"meta\""));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_dot(&self) -> Result<String, Error> {
        let (nodes, edges) = network(self)?;
        let mut out = String::new();
        let _ = writeln!(out, "digraph value_network {{");
        let _ = writeln!(out, "  graph [rankdir=LR, fontname=\"Helvetica\"];");
        let _ = writeln!(out, "  node [fontname=\"Helvetica\", fontsize=11];");
        let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
        for n in &nodes {
            let style = match n.kind {
                NodeKind::Focal => "shape=box, peripheries=2, style=\"filled,bold\", fillcolor=\"#fde68a\"",
                NodeKind::Organization => "shape=box, style=filled, fillcolor=\"#e5e7eb\"",
                NodeKind::Constituent => "shape=ellipse, style=filled, fillcolor=\"#dbeafe\"",
                NodeKind::Owned => "shape=house, style=filled, fillcolor=\"#bbf7d0\"",
                NodeKind::Commons => "shape=hexagon, style=filled, fillcolor=\"#bae6fd\"",
                NodeKind::Rented => "shape=box, style=\"filled,dashed\", fillcolor=\"#fecaca\"",
                NodeKind::Core => "shape=component, style=\"filled,bold\", fillcolor=\"#f5d0fe\"",
                NodeKind::Commodity => "shape=component, style=filled, fillcolor=\"#f3f4f6\"",
            };
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", {style}];",
                dot_text(&n.key),
                dot_text(&n.label)
            );
        }
        for e in &edges {
            let style = match e.kind {
                EdgeKind::Relationship => "dir=none, color=\"#6b7280\", style=dashed",
                EdgeKind::Flow => "color=\"#111827\"",
                EdgeKind::Presence => "dir=none, color=\"#9ca3af\", style=dotted",
                EdgeKind::Performs => "color=\"#a855f7\", style=bold, arrowhead=dot",
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\", {style}];",
                dot_text(&e.from),
                dot_text(&e.to),
                dot_text(&e.label)
            );
        }
        let _ = writeln!(out, "}}");
        Ok(out)
    }

    /// The value network as a Mermaid flowchart: the same nodes and edges as
    /// [`Model::to_dot`], shaped by type (organizations `[box]`, the focal one
    /// `[[double]]`, groups `([stadium])`, owned channels `[/parallelogram/]`, commons
    /// `{{hexagon}}`, rented `>flag]`, activities `[(cylinder)]`), relationships as
    /// `---`, flows as `-->`, presences as `-.-`, with classes for colour. Nodes are
    /// numbered in model order (`n0`, `n1`, ...), labels escaped.
    ///
    /// # Errors
    /// As [`Model::to_dot`].
    ///
    /// # Example
    /// ```
    /// let mermaid = covalence::Model::sample().to_mermaid()?;
    /// assert!(mermaid.starts_with("flowchart LR"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_mermaid(&self) -> Result<String, Error> {
        let (nodes, edges) = network(self)?;
        let id_of = |key: &str| nodes.iter().position(|n| n.key == key).map(|i| format!("n{i}"));
        let mut out = String::new();
        let _ = writeln!(out, "flowchart LR");
        for (i, n) in nodes.iter().enumerate() {
            let label = mermaid_text(&n.label);
            let (open, close, class) = match n.kind {
                NodeKind::Focal => ("[[\"", "\"]]", "focal"),
                NodeKind::Organization => ("[\"", "\"]", "organization"),
                NodeKind::Constituent => ("([\"", "\"])", "constituent"),
                NodeKind::Owned => ("[/\"", "\"/]", "owned"),
                NodeKind::Commons => ("{{\"", "\"}}", "commons"),
                NodeKind::Rented => (">\"", "\"]", "rented"),
                NodeKind::Core => ("[(\"", "\")]", "core"),
                NodeKind::Commodity => ("[(\"", "\")]", "commodity"),
            };
            let _ = writeln!(out, "  n{i}{open}{label}{close}:::{class}");
        }
        for e in &edges {
            let (Some(from), Some(to)) = (id_of(&e.from), id_of(&e.to)) else {
                continue;
            };
            let arrow = match e.kind {
                EdgeKind::Relationship => "---",
                EdgeKind::Flow => "-->",
                EdgeKind::Presence => "-.-",
                EdgeKind::Performs => "==>",
            };
            let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", mermaid_text(&e.label));
        }
        for (class, style) in [
            ("focal", "fill:#fde68a,stroke:#92400e,stroke-width:3px"),
            ("organization", "fill:#e5e7eb,stroke:#374151"),
            ("constituent", "fill:#dbeafe,stroke:#1e40af"),
            ("owned", "fill:#bbf7d0,stroke:#166534"),
            ("commons", "fill:#bae6fd,stroke:#075985"),
            ("rented", "fill:#fecaca,stroke:#991b1b,stroke-dasharray:4 3"),
            ("core", "fill:#f5d0fe,stroke:#86198f,stroke-width:2px"),
            ("commodity", "fill:#f3f4f6,stroke:#6b7280"),
        ] {
            let _ = writeln!(out, "  classDef {class} {style};");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(dot_text("a \"b\" \\ c\nd\u{7}"), "a \\\"b\\\" \\\\ c\\nd");
        assert_eq!(
            mermaid_text("<script>\"x\" & #|"),
            "#lt;script#gt;#quot;x#quot; #amp; #35;#124;"
        );
    }
}
