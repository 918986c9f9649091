//! Editing rules: what removals refuse and cascade, that failed edits change nothing,
//! that ids are never reused.

use covalence::{
    Channel, ChannelId, Constituent, ConstituentId, Currency, ErrorKind, Model, Money, Observation,
    Organization, Ownership, PartyId, Period, Relationship, RelationshipKind, Role, Settings, ValueFlow,
    ValueObject,
};
use rust_decimal::dec;

fn small() -> (Model, ConstituentId, ChannelId) {
    let settings = Settings::new(Period::Month, Currency::EUR).with_contexts(["support"]);
    let mut model = Model::new(settings, Organization::new("org")).unwrap();
    let fans = model
        .add_constituent(Constituent::new("fans", Role::Community, 100))
        .unwrap();
    let forum = model
        .add_channel(Channel::new("forum", Ownership::Owned))
        .unwrap();
    (model, fans, forum)
}

#[test]
fn removing_a_named_party_is_refused_and_changes_nothing() {
    let (mut model, fans, forum) = small();
    let org: PartyId = model.focal().into();
    model
        .add_relationship(Relationship::new(org, fans.into(), RelationshipKind::Responsive))
        .unwrap();
    let flow = ValueFlow::new(
        "tips",
        fans.into(),
        org,
        ValueObject::Knowledge,
        Money::new(dec!(3), Currency::EUR),
        dec!(9),
    );
    model.add_flow(flow).unwrap();
    model.set_presence(fans.into(), forum, 0.4).unwrap();
    let before = model.to_json_string().unwrap();

    let err = model.remove_constituent(fans).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InUse);
    let message = err.to_string();
    assert!(
        message.contains("`org`–`fans`") && message.contains("flow `tips`"),
        "{message}"
    );
    assert_eq!(
        model.to_json_string().unwrap(),
        before,
        "a refused removal changes nothing"
    );
}

#[test]
fn removing_a_party_takes_its_presences_overlaps_and_observations() {
    let (mut model, fans, forum) = small();
    let lurkers = model
        .add_constituent(Constituent::new("lurkers", Role::Community, 50))
        .unwrap();
    model.set_presence(fans.into(), forum, 0.5).unwrap();
    model.set_overlap(fans, lurkers, 20).unwrap();
    let mut said = Observation::new(lurkers, fans.into(), forum);
    said.positive = 4;
    model.set_observation(said.clone()).unwrap();

    let removed = model.remove_constituent(fans).unwrap();
    assert_eq!(removed.entity.key, "fans");
    assert_eq!(removed.presences.len(), 1);
    assert_eq!(removed.overlaps.len(), 1);
    assert_eq!(removed.observations, vec![said]);
    assert_eq!(
        model.presences().count() + model.overlaps().count() + model.observations().count(),
        0
    );
    model.validate().unwrap();
    assert_eq!(
        model.lookup::<ConstituentId>("fans").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn removing_a_channel_a_flow_goes_through_is_refused() {
    let (mut model, fans, forum) = small();
    let mut flow = ValueFlow::new(
        "ideas",
        fans.into(),
        model.focal().into(),
        ValueObject::Feedback,
        Money::new(dec!(1), Currency::EUR),
        dec!(1),
    );
    flow.channel = Some(forum);
    let id = model.add_flow(flow).unwrap();
    assert_eq!(model.remove_channel(forum).unwrap_err().kind(), ErrorKind::InUse);
    model.update_flow(id, |f| f.channel = None).unwrap();
    model.remove_channel(forum).unwrap();
    model.validate().unwrap();
}

#[test]
fn ids_are_never_reused() {
    let (mut model, fans, forum) = small();
    model.remove_constituent(fans).unwrap();
    model.remove_channel(forum).unwrap();
    let again = model
        .add_constituent(Constituent::new("fans", Role::Community, 100))
        .unwrap();
    let forum_again = model
        .add_channel(Channel::new("forum", Ownership::Owned))
        .unwrap();
    assert_ne!(again, fans);
    assert_ne!(forum_again, forum);
    assert_eq!(model.constituent(fans).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(model.channel(forum).unwrap_err().kind(), ErrorKind::NotFound);
    let org = model.focal().into();
    let r1 = model
        .add_relationship(Relationship::new(
            org,
            again.into(),
            RelationshipKind::Informational,
        ))
        .unwrap();
    model.remove_relationship(r1).unwrap();
    let r2 = model
        .add_relationship(Relationship::new(
            org,
            again.into(),
            RelationshipKind::Informational,
        ))
        .unwrap();
    assert_ne!(r1, r2);
    assert_eq!(model.relationship(r1).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn failed_updates_leave_the_entity_as_it_was() {
    let (mut model, fans, _) = small();
    let lurkers = model
        .add_constituent(Constituent::new("lurkers", Role::Community, 50))
        .unwrap();
    model.set_overlap(fans, lurkers, 40).unwrap();
    let err = model.update_constituent(lurkers, |c| c.members = 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(err.to_string().contains("lurkers"), "{err}");
    assert_eq!(model.constituent(lurkers).unwrap().members, 50);
    let err = model
        .update_constituent(lurkers, |c| c.key = "fans".into())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Duplicate);
    assert_eq!(model.lookup::<ConstituentId>("lurkers").unwrap(), lurkers);
    model
        .update_constituent(lurkers, |c| c.key = "watchers".into())
        .unwrap();
    assert_eq!(model.lookup::<ConstituentId>("watchers").unwrap(), lurkers);
    assert!(model.lookup::<ConstituentId>("lurkers").is_err());
    model.validate().unwrap();
}

#[test]
fn a_relationship_is_one_per_pair_and_keeps_its_parties() {
    let (mut model, fans, _) = small();
    let org: PartyId = model.focal().into();
    let id = model
        .add_relationship(Relationship::new(fans.into(), org, RelationshipKind::Responsive))
        .unwrap();
    assert_eq!(model.relationship_between(org, fans.into()), Some(id));
    let err = model
        .add_relationship(Relationship::new(org, fans.into(), RelationshipKind::Responsive))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Duplicate);
    let other = model.add_organization(Organization::new("other")).unwrap();
    let err = model
        .update_relationship(id, |r| r.parties[1] = other.into())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    let err = model
        .add_relationship(Relationship::new(org, org, RelationshipKind::Responsive))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidReference);
}

#[test]
fn money_must_be_in_the_models_currency_and_not_negative() {
    let (mut model, _, _) = small();
    let mut paid = Channel::new("paid", Ownership::Rented { operator: None });
    paid.cost = Some(Money::new(dec!(5), Currency::USD));
    assert_eq!(
        model.add_channel(paid.clone()).unwrap_err().kind(),
        ErrorKind::CurrencyMismatch
    );
    paid.cost = Some(Money::new(dec!(-5), Currency::EUR));
    let err = model.add_channel(paid).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert_eq!(err.path(), Some("cost"));
    assert!(err.to_string().contains("channel `paid`"), "{err}");
}

#[test]
fn contexts_in_use_cannot_be_removed() {
    let (mut model, fans, forum) = small();
    let mut said = Observation::new(fans, model.focal().into(), forum);
    said.context = Some("support".into());
    model.set_observation(said.clone()).unwrap();
    assert_eq!(
        model.remove_context("support").unwrap_err().kind(),
        ErrorKind::InUse
    );
    said.context = Some("weather".into());
    assert_eq!(
        model.set_observation(said).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn removing_a_context_keeps_the_others_straight() {
    let mut model = Model::sample();
    model.add_context("first-extra").unwrap();
    model.add_context("second-extra").unwrap();
    let before: Vec<_> = model.relationships().map(|(_, r)| r).collect();
    model.remove_context("first-extra").unwrap();
    let after: Vec<_> = model.relationships().map(|(_, r)| r).collect();
    assert_eq!(before, after);
    model.validate().unwrap();
}

#[test]
fn models_and_results_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Model>();
    send_sync::<covalence::Error>();
    send_sync::<covalence::Reputation>();
    send_sync::<covalence::TrustPaths>();
    let model = Model::sample();
    let handle = std::thread::spawn(move || {
        model
            .reputation(&covalence::ReputationOptions::new())
            .map(|r| r.iterations())
    });
    assert!(handle.join().unwrap().unwrap() > 0);
}
