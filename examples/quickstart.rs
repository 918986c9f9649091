//! Builds a small model in code, validates it, round-trips it through JSON and prints
//! what it holds.
//!
//! ```sh
//! cargo run --example quickstart
//! ```

use covalence::{
    Activity, ActivityClass, Channel, Constituent, Currency, Model, Money, Opinion, Organization, Ownership,
    Period, Relationship, RelationshipKind, Role, Settings, TrustProfile, ValueFlow, ValueObject,
};
use rust_decimal::dec;

fn main() -> Result<(), covalence::Error> {
    let usd = |amount| Money::new(amount, Currency::USD);
    let settings = Settings::new(Period::Year, Currency::USD).with_contexts(["support", "privacy"]);
    let mut model = Model::new(settings, Organization::new("bakery").with_name("Corner Bakery"))?;
    let harbor = model.focal().into();

    let regulars =
        model.add_constituent(Constituent::new("regulars", Role::Customer, 900).with_name("Regulars"))?;
    let staff = model.add_constituent(Constituent::new("staff", Role::Employee, 12).with_name("Staff"))?;
    let neighbours = model
        .add_constituent(Constituent::new("neighbours", Role::Community, 3_000).with_name("Neighbours"))?;
    model.set_overlap(regulars, neighbours, 600)?;

    let mut list = Channel::new("mailing-list", Ownership::Commons).with_name("Mailing list");
    list.cost = Some(usd(dec!(240)));
    let list = model.add_channel(list)?;
    let platform = model.add_channel(Channel::new("photo-app", Ownership::Rented { operator: None }))?;
    model.set_presence(harbor, list, 1.0)?;
    model.set_presence(harbor, platform, 1.0)?;
    model.set_presence(regulars.into(), list, 0.4)?;
    model.set_presence(regulars.into(), platform, 0.7)?;
    model.set_presence(neighbours.into(), platform, 0.3)?;

    let mut baking = Activity::new("baking", ActivityClass::Core, harbor).with_name("Baking");
    baking.in_house_cost = Some(usd(dec!(180000)));
    let baking = model.add_activity(baking)?;
    let mut books = Activity::new("bookkeeping", ActivityClass::Commodity, harbor).with_name("Bookkeeping");
    books.in_house_cost = Some(usd(dec!(9000)));
    books.market_price = Some(usd(dec!(6000)));
    model.add_activity(books)?;

    let mut rel = Relationship::new(harbor, regulars.into(), RelationshipKind::Responsive);
    rel.desired = Some(RelationshipKind::CoCreative);
    let mut trust = TrustProfile::absolute(Opinion::from_evidence(40.0, 4.0)?);
    trust
        .contexts
        .insert("privacy".into(), Opinion::from_evidence(3.0, 5.0)?);
    rel.trust[1] = trust;
    model.add_relationship(rel)?;
    let mut rel = Relationship::new(harbor, staff.into(), RelationshipKind::Collaborative);
    rel.trust = [
        TrustProfile::absolute(Opinion::from_score(0.9)?),
        TrustProfile::absolute(Opinion::new(0.7, 0.1, 0.2, 0.5)?),
    ];
    model.add_relationship(rel)?;

    let mut sales = ValueFlow::new(
        "sales",
        regulars.into(),
        harbor,
        ValueObject::Money,
        usd(dec!(6.50)),
        dec!(45000),
    );
    sales.activity = Some(baking);
    model.add_flow(sales)?;
    let mut recipes = ValueFlow::new(
        "recipe-ideas",
        regulars.into(),
        harbor,
        ValueObject::Feedback,
        usd(dec!(25)),
        dec!(40),
    );
    recipes.channel = Some(list);
    recipes.activity = Some(baking);
    recipes.trust_elasticity = 0.8;
    model.add_flow(recipes)?;

    model.validate()?;
    let text = model.to_json_string()?;
    let again = Model::from_json_str(&text)?;
    assert_eq!(again, model, "the JSON round trip is exact");

    println!("{} holds:", model.organization(model.focal())?.display_name());
    println!(
        "  {} constituent groups, {} channels, {} activities",
        model.constituents().count(),
        model.channels().count(),
        model.activities().count()
    );
    println!(
        "  {} relationships, {} value flows, {} presences",
        model.relationship_count(),
        model.flows().count(),
        model.presences().count()
    );
    for (_, r) in model.relationships() {
        let [a, b] = r.parties;
        println!(
            "  {} – {}: {}",
            model.party_name(a)?,
            model.party_name(b)?,
            r.kind.name()
        );
    }
    println!("\nAs a model file ({} bytes):\n{text}", text.len());
    Ok(())
}
