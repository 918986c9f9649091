//! Exports: the sample's DOT and Mermaid against golden files (regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test covalence export`), determinism and escaping.

use covalence::{Constituent, Currency, Model, Organization, Period, Role, Settings};

fn golden(name: &str, text: &str) {
    let path = format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert!(
        text == expected,
        "{name} differs from the golden file; rerun with UPDATE_GOLDEN=1 if intended"
    );
}

#[test]
fn the_sample_as_dot_and_mermaid() {
    let model = Model::sample();
    let dot = model.to_dot().unwrap();
    golden("harbor.dot", &dot);
    let mermaid = model.to_mermaid().unwrap();
    golden("harbor.mmd", &mermaid);
    // Same model, same bytes; and after a round trip through the file.
    let again = Model::from_json_str(&model.to_json_string().unwrap()).unwrap();
    assert_eq!(again.to_dot().unwrap(), dot);
    assert_eq!(again.to_mermaid().unwrap(), mermaid);
    // Every entity and flow is drawn.
    let nodes = dot
        .lines()
        .filter(|l| l.contains("[label=") && !l.contains("->"))
        .count();
    let entities = model.organizations().count()
        + model.constituents().count()
        + model.channels().count()
        + model.activities().count();
    assert_eq!(nodes, entities);
    assert!(dot.contains("\"customers\" -> \"harbor\" [label=\"money: 9,656,000.00 USD/year\""));
    assert!(dot.contains(
        "\"facebook\" [label=\"Facebook page and group\\nrented channel\", shape=box, style=\"filled,dashed\""
    ));
    assert!(mermaid.contains(":::focal"));
}

#[test]
fn names_from_users_are_escaped() {
    let mut model = Model::new(
        Settings::new(Period::Year, Currency::USD),
        Organization::new("org"),
    )
    .unwrap();
    let mut group = Constituent::new("g", Role::Community, 3);
    group.name = Some("<script>alert(\"x\")</script> \\ #1 | a&b".into());
    model.add_constituent(group).unwrap();
    let dot = model.to_dot().unwrap();
    assert!(
        dot.contains(r#"label="<script>alert(\"x\")</script> \\ #1 | a&b\ncommunity, 3 members""#),
        "{dot}"
    );
    let mermaid = model.to_mermaid().unwrap();
    assert!(!mermaid.contains("<script>"));
    assert!(
        mermaid.contains("#lt;script#gt;alert(#quot;x#quot;)"),
        "{mermaid}"
    );
}
