//! A catalogue of hostile and broken input: model files (JSON, TOML), CSV networks and
//! the builder API. Each case asserts the exact error kind, and for edits of a model,
//! that the model is left exactly as it was.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use covalence::{
    Channel, ChannelId, Constituent, ConstituentId, CsvOptions, Currency, ErrorKind, Limits, Model, Money,
    Observation, Opinion, Ownership, PartyId, Relationship, RelationshipKind, ReputationOptions, Role,
    TrustOptions, ValueFlow, ValueObject,
};
use rust_decimal::Decimal;

// ----- helpers ------------------------------------------------------------------------

/// A small valid model file with `extra` sections spliced in (JSON members, without
/// the leading comma).
fn doc(extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",\n{extra}")
    };
    format!(
        r#"{{
  "covalence": 1,
  "settings": {{ "period": "year", "currency": "USD", "contexts": ["support"] }},
  "organizations": [ {{ "key": "org", "focal": true }} ],
  "constituents": [
    {{ "key": "fans", "role": "customer", "members": 100 }},
    {{ "key": "staff", "role": "employee", "members": 10 }}
  ],
  "channels": [ {{ "key": "forum", "ownership": "owned" }} ]{extra}
}}"#
    )
}

fn json_kind(text: &str) -> ErrorKind {
    Model::from_json_str(text).unwrap_err().kind()
}

fn csv_kind(edges: &str, members: &str) -> ErrorKind {
    Model::from_csv(edges.as_bytes(), members.as_bytes(), &CsvOptions::new("0"))
        .unwrap_err()
        .kind()
}

/// Runs a failing edit on a copy of `model`, asserting its kind and that the model is
/// unchanged.
fn refused(model: &Model, kind: ErrorKind, edit: impl FnOnce(&mut Model) -> Result<(), covalence::Error>) {
    let mut edited = model.clone();
    let err = edit(&mut edited).unwrap_err();
    assert_eq!(err.kind(), kind, "{err}");
    assert_eq!(&edited, model, "a refused edit left the model as it was");
}

fn small() -> Model {
    Model::from_json_str(&doc("")).unwrap()
}

fn ids(model: &Model) -> (PartyId, ConstituentId, ConstituentId, ChannelId) {
    (
        model.focal().into(),
        model.lookup("fans").unwrap(),
        model.lookup("staff").unwrap(),
        model.lookup("forum").unwrap(),
    )
}

fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::USD)
}

// ----- JSON -----------------------------------------------------------------------

#[test]
fn json_the_control_document_loads() {
    assert_eq!(small().constituents().count(), 2);
}

#[test]
fn json_nan_literal_is_a_syntax_error() {
    let text = doc(r#""presences": [ { "party": "fans", "channel": "forum", "share": NaN } ]"#);
    assert_eq!(json_kind(&text), ErrorKind::Syntax);
}

#[test]
fn json_infinite_number_is_a_syntax_error() {
    let text = doc(r#""presences": [ { "party": "fans", "channel": "forum", "share": 1e999 } ]"#);
    assert_eq!(json_kind(&text), ErrorKind::Syntax);
}

#[test]
fn json_money_of_ten_to_the_thirty_overflows() {
    let text = doc(
        r#""flows": [ { "key": "f", "from": "fans", "to": "org", "object": "money",
            "value": "1000000000000000000000000000000", "occurrences": "1" } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::Overflow);
}

#[test]
fn json_negative_occurrences_are_invalid() {
    let text = doc(
        r#""flows": [ { "key": "f", "from": "fans", "to": "org", "object": "money",
            "value": "10.00", "occurrences": "-5" } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::InvalidValue);
}

#[test]
fn json_a_float_amount_is_a_format_error() {
    let text = doc(
        r#""flows": [ { "key": "f", "from": "fans", "to": "org", "object": "money",
            "value": 12.5, "occurrences": "1" } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::Format);
}

#[test]
fn json_a_million_contexts_are_more_than_a_model_holds() {
    let names: Vec<String> = (0..1_000_000).map(|i| format!("\"c{i}\"")).collect();
    let text = doc("").replace(
        r#""contexts": ["support"]"#,
        &format!("\"contexts\": [{}]", names.join(",")),
    );
    assert_eq!(json_kind(&text), ErrorKind::InvalidValue);
}

#[test]
fn json_deep_nesting_is_refused_before_parsing() {
    let deep = format!(
        r#"{{"covalence": 1, "x": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = Model::from_json_str(&deep).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!(err.line(), Some(1));
}

#[test]
fn json_deep_nesting_inside_strings_does_not_count() {
    let text = doc("").replace(
        r#""key": "org""#,
        &format!(r#""key": "org", "name": "{}""#, "[{".repeat(200)),
    );
    assert!(Model::from_json_str(&text).is_ok());
}

#[test]
fn json_byte_order_mark_is_a_syntax_error() {
    assert_eq!(json_kind(&format!("\u{feff}{}", doc(""))), ErrorKind::Syntax);
}

#[test]
fn json_invalid_utf8_is_a_syntax_error() {
    let mut bytes = doc("").into_bytes();
    bytes[40] = 0xff;
    let err = Model::from_json_slice(&bytes).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.line(), Some(3));
}

#[test]
fn json_duplicate_entity_keys() {
    let text = doc("").replace(r#""key": "staff""#, r#""key": "fans""#);
    assert_eq!(json_kind(&text), ErrorKind::Duplicate);
}

#[test]
fn json_a_key_shared_by_a_channel_and_a_group() {
    let text = doc("").replace(r#""key": "forum""#, r#""key": "fans""#);
    assert_eq!(json_kind(&text), ErrorKind::Duplicate);
}

#[test]
fn json_duplicate_field_in_an_object() {
    let text = doc("").replace(r#""members": 100"#, r#""members": 100, "members": 5"#);
    assert_eq!(json_kind(&text), ErrorKind::Duplicate);
}

#[test]
fn json_a_party_related_to_itself() {
    let text = doc(r#""relationships": [ { "between": ["fans", "fans"], "kind": "responsive" } ]"#);
    assert_eq!(json_kind(&text), ErrorKind::InvalidReference);
}

#[test]
fn json_the_same_relationship_twice() {
    let text = doc(
        r#""relationships": [ { "between": ["fans", "org"], "kind": "responsive" },
                              { "between": ["org", "fans"], "kind": "collaborative" } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::Duplicate);
}

#[test]
fn json_a_flow_on_a_channel_not_in_the_model() {
    let text = doc(
        r#""flows": [ { "key": "f", "from": "fans", "to": "org", "object": "money",
            "value": "1.00", "occurrences": "1", "channel": "gone" } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::NotFound);
}

#[test]
fn json_trust_that_does_not_sum_to_one() {
    let text = doc(
        r#""relationships": [ { "between": ["org", "fans"], "kind": "responsive",
            "trust": { "fans": { "absolute": { "belief": 0.9, "disbelief": 0.9, "uncertainty": 0.9 } } } } ]"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::InvalidValue);
}

#[test]
fn json_a_share_above_one() {
    let text = doc(r#""presences": [ { "party": "fans", "channel": "forum", "share": 1.5 } ]"#);
    assert_eq!(json_kind(&text), ErrorKind::InvalidValue);
}

#[test]
fn json_two_focal_organizations() {
    let text = doc("").replace(
        r#"{ "key": "org", "focal": true }"#,
        r#"{ "key": "org", "focal": true }, { "key": "other", "focal": true }"#,
    );
    assert_eq!(json_kind(&text), ErrorKind::InvalidValue);
}

#[test]
fn json_other_version() {
    assert_eq!(
        json_kind(&doc("").replace(r#""covalence": 1"#, r#""covalence": 2"#)),
        ErrorKind::Version
    );
}

#[test]
fn json_unknown_field() {
    assert_eq!(json_kind(&doc(r#""colour": "blue""#)), ErrorKind::Format);
}

#[test]
fn json_empty_input() {
    assert_eq!(json_kind(""), ErrorKind::Syntax);
}

#[test]
fn json_beyond_the_byte_limit() {
    let err = Model::from_json_str_with(&doc(""), &Limits::new().max_bytes(100)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
}

#[test]
fn json_a_key_beyond_the_length_limit() {
    let text = doc("").replace(r#""key": "staff""#, &format!(r#""key": "{}""#, "s".repeat(2000)));
    let err = Model::from_json_str(&text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!(err.path(), Some("constituents[1].key"));
}

#[test]
fn json_more_items_than_the_limit() {
    // contexts 1, organizations 1, constituents 2: the channel is the fifth item.
    let err = Model::from_json_str_with(&doc(""), &Limits::new().max_items(4)).unwrap_err();
    assert_eq!((err.kind(), err.line()), (ErrorKind::Limit, Some(9)));
    assert!(Model::from_json_str_with(&doc(""), &Limits::new().max_items(5)).is_ok());
}

#[test]
fn json_items_are_counted_before_parsing_even_where_no_entity_is() {
    let many = vec!["0"; 100_000].join(",");
    let text = doc(&format!(
        r#""interventions": [ {{ "key": "i", "edits": [{many}] }} ]"#
    ));
    let err = Model::from_json_str_with(&text, &Limits::new().max_items(1_000)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
}

#[test]
fn json_escaped_quotes_do_not_end_a_string_for_the_scanner() {
    let deep = "[{".repeat(100);
    let text = doc("").replace(
        r#""key": "org""#,
        &format!(r#""key": "org", "name": "\"{deep}\\""#),
    );
    let model = Model::from_json_str(&text).unwrap();
    assert_eq!(
        model
            .organization(model.focal())
            .unwrap()
            .name
            .as_deref()
            .map(str::len),
        Some(202)
    );
}

// ----- TOML -----------------------------------------------------------------------

#[cfg(feature = "toml")]
mod toml_files {
    use super::*;

    const HEAD: &str = "covalence = 1\n[settings]\nperiod = \"year\"\ncurrency = \"USD\"\n\
        [[organizations]]\nkey = \"org\"\nfocal = true\n\
        [[constituents]]\nkey = \"fans\"\nrole = \"customer\"\nmembers = 100\n\
        [[channels]]\nkey = \"forum\"\nownership = \"owned\"\n";

    fn toml_kind(text: &str) -> ErrorKind {
        Model::from_toml_str(text).unwrap_err().kind()
    }

    #[test]
    fn toml_the_control_document_loads() {
        assert!(Model::from_toml_str(HEAD).is_ok());
    }

    #[test]
    fn toml_nan_share_is_invalid() {
        let text = format!("{HEAD}[[presences]]\nparty = \"fans\"\nchannel = \"forum\"\nshare = nan\n");
        assert_eq!(toml_kind(&text), ErrorKind::InvalidValue);
    }

    #[test]
    fn toml_infinite_share_is_invalid() {
        let text = format!("{HEAD}[[presences]]\nparty = \"fans\"\nchannel = \"forum\"\nshare = inf\n");
        assert_eq!(toml_kind(&text), ErrorKind::InvalidValue);
    }

    #[test]
    fn toml_negative_members_are_a_format_error() {
        assert_eq!(
            toml_kind(&HEAD.replace("members = 100", "members = -5")),
            ErrorKind::Format
        );
    }

    #[test]
    fn toml_duplicate_key_in_a_table() {
        assert_eq!(
            toml_kind(&HEAD.replace("members = 100", "members = 100\nmembers = 5")),
            ErrorKind::Syntax
        );
    }

    #[test]
    fn toml_deep_nesting_is_refused_before_parsing() {
        let text = format!("{HEAD}x = {}{}\n", "[".repeat(5000), "]".repeat(5000));
        let err = Model::from_toml_str(&text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
        assert_eq!(err.line(), Some(15), "the line after the 14 of the head");
    }

    #[test]
    fn toml_brackets_in_strings_and_comments_do_not_count() {
        let deep = "[{".repeat(100);
        let text = HEAD
            .replace(
                "key = \"org\"",
                &format!("key = \"org\"\nname = \"{deep}\\\"{deep}\" # {deep}"),
            )
            .replace(
                "key = \"fans\"",
                &format!("key = \"fans\"\nname = '''{deep}\n{deep}'''"),
            );
        let model = Model::from_toml_str(&text).unwrap();
        assert_eq!(
            model
                .organization(model.focal())
                .unwrap()
                .name
                .as_deref()
                .map(str::len),
            Some(401)
        );
    }

    #[test]
    fn toml_nesting_beyond_a_low_limit() {
        let text = format!("{HEAD}x = [[[[[[1]]]]]]\n");
        let err = Model::from_toml_str_with(&text, &Limits::new().max_depth(4)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit);
    }

    #[test]
    fn toml_invalid_syntax() {
        assert_eq!(toml_kind("covalence = = 1"), ErrorKind::Syntax);
    }
}

// ----- CSV ------------------------------------------------------------------------

const MEMBERS: &str = "key,members\n1,10\n2,20\n3,30\n";

#[test]
fn csv_the_control_network_loads() {
    let model = Model::from_csv(
        "0,1,0.5\n1,2,0.5\n".as_bytes(),
        MEMBERS.as_bytes(),
        &CsvOptions::new("0"),
    )
    .unwrap();
    assert_eq!(model.relationships().count(), 2);
}

#[test]
fn csv_a_missing_field() {
    assert_eq!(csv_kind("0,1\n", MEMBERS), ErrorKind::Format);
}

#[test]
fn csv_trust_above_one() {
    assert_eq!(csv_kind("0,1,1.5\n", MEMBERS), ErrorKind::InvalidValue);
}

#[test]
fn csv_nan_trust() {
    assert_eq!(csv_kind("0,1,NaN\n", MEMBERS), ErrorKind::InvalidValue);
}

#[test]
fn csv_infinite_trust() {
    assert_eq!(csv_kind("0,1,inf\n", MEMBERS), ErrorKind::InvalidValue);
}

#[test]
fn csv_a_key_not_in_members() {
    assert_eq!(csv_kind("0,9,0.5\n", MEMBERS), ErrorKind::NotFound);
}

#[test]
fn csv_the_same_ordered_pair_twice() {
    assert_eq!(
        csv_kind("0,1,0.5\n1,2,0.5\n0,1,0.7\n", MEMBERS),
        ErrorKind::Duplicate
    );
}

#[test]
fn csv_a_party_trusting_itself() {
    assert_eq!(csv_kind("1,1,0.5\n", MEMBERS), ErrorKind::InvalidReference);
}

#[test]
fn csv_a_cycle_of_trust_loads_and_converges() {
    let model = Model::from_csv(
        "0,1,1\n1,2,1\n2,3,1\n3,1,1\n".as_bytes(),
        MEMBERS.as_bytes(),
        &CsvOptions::new("0"),
    )
    .unwrap();
    let reputation = model.reputation(&ReputationOptions::new()).unwrap();
    let total: f64 = reputation.scores().map(|(_, s)| s).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert_eq!(
        model
            .trust_paths(model.focal().into(), &TrustOptions::new())
            .unwrap()
            .reached(),
        4
    );
}

#[test]
fn csv_invalid_utf8() {
    let edges = &b"0,1,0.5\n0,\xff,0.5\n"[..];
    let err = Model::from_csv(edges, MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(
        (err.path(), err.line(), err.column()),
        (Some("edges"), Some(2), Some(3))
    );
}

#[test]
fn csv_a_line_without_end_is_refused_before_it_is_read_whole() {
    let long = "1".repeat(10 << 20);
    let err = Model::from_csv(long.as_bytes(), MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!(err.line(), Some(1));
}

#[test]
fn csv_more_rows_than_the_limit() {
    let options = CsvOptions::new("0").limits(Limits::new().max_items(4));
    let err = Model::from_csv("0,1,0.5\n1,2,0.5\n".as_bytes(), MEMBERS.as_bytes(), &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!(
        (err.path(), err.line()),
        (Some("edges"), Some(2)),
        "the fifth row, the second edge"
    );
}

#[test]
fn csv_a_file_beyond_the_byte_limit() {
    // 27 bytes of members pass a cap of 30; the edges file passes it on its fourth line.
    let options = CsvOptions::new("0").limits(Limits::new().max_bytes(30));
    let edges = "0,1,0.5\n1,2,0.5\n2,3,0.5\n3,1,0.5\n0,2,0.5\n";
    let err = Model::from_csv(edges.as_bytes(), MEMBERS.as_bytes(), &options).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert_eq!((err.path(), err.line()), (Some("edges"), Some(4)));
}

/// The longest row line with the default key length: two keys of 1,024 bytes, 64 more.
const LONGEST: usize = 2 * 1024 + 64;

#[test]
fn csv_a_line_exactly_at_the_cap_loads_with_either_line_end() {
    let row = format!("0,1,{}", "0".repeat(LONGEST - 4));
    assert_eq!(row.len(), LONGEST);
    for end in ["\n", "\r\n", ""] {
        let edges = format!("{row}{end}");
        let model = Model::from_csv(edges.as_bytes(), MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap();
        assert_eq!(model.relationships().count(), 1, "line end {end:?}");
    }
    let over = format!("0,1,{}\r\n", "0".repeat(LONGEST - 3));
    assert_eq!(csv_kind(&over, MEMBERS), ErrorKind::Limit);
}

#[test]
fn csv_a_long_line_of_multibyte_text_is_a_limit_not_a_syntax_error() {
    for shift in 0..3 {
        let members = format!("key,members\n{}{},3\n", "x".repeat(shift), "é".repeat(5000));
        let err = Model::from_csv("".as_bytes(), members.as_bytes(), &CsvOptions::new("0")).unwrap_err();
        assert_eq!(
            (err.kind(), err.line()),
            (ErrorKind::Limit, Some(2)),
            "shift {shift}"
        );
    }
}

#[test]
fn csv_a_key_beyond_the_length_limit() {
    let members = format!("key,members\n{},3\n", "k".repeat(2000));
    assert_eq!(csv_kind("", &members), ErrorKind::Limit);
}

#[test]
fn csv_members_not_a_number() {
    assert_eq!(csv_kind("", "key,members\n1,many\n"), ErrorKind::Format);
}

#[test]
fn csv_negative_members() {
    assert_eq!(csv_kind("", "key,members\n1,-3\n"), ErrorKind::Format);
}

#[test]
fn csv_a_member_key_twice() {
    assert_eq!(csv_kind("", "key,members\n1,3\n1,4\n"), ErrorKind::Duplicate);
}

#[test]
fn csv_a_byte_order_mark_is_skipped() {
    let members = format!("\u{feff}{MEMBERS}");
    let model = Model::from_csv("0,1,0.5\n".as_bytes(), members.as_bytes(), &CsvOptions::new("0")).unwrap();
    assert_eq!(model.constituents().count(), 3);
}

// ----- the builder API ------------------------------------------------------------

#[test]
fn api_nan_and_infinite_presence_shares() {
    let model = small();
    let (_, fans, _, forum) = ids(&model);
    for share in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.5] {
        refused(&model, ErrorKind::InvalidValue, |m| {
            m.set_presence(fans.into(), forum, share).map(drop)
        });
    }
}

#[test]
fn api_nan_opinion() {
    assert_eq!(
        Opinion::new(f64::NAN, 0.0, 1.0, 0.5).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        Opinion::from_score(f64::INFINITY).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
}

#[test]
fn api_a_party_trusting_itself() {
    let model = small();
    let (_, fans, _, _) = ids(&model);
    refused(&model, ErrorKind::InvalidReference, |m| {
        m.add_relationship(Relationship::new(
            fans.into(),
            fans.into(),
            RelationshipKind::Responsive,
        ))
        .map(drop)
    });
}

#[test]
fn api_an_observation_of_oneself() {
    let model = small();
    let (_, fans, _, forum) = ids(&model);
    refused(&model, ErrorKind::InvalidReference, |m| {
        m.set_observation(Observation::new(fans, fans.into(), forum))
            .map(drop)
    });
}

#[test]
fn api_a_flow_whose_channel_was_removed() {
    let mut model = small();
    let (org, fans, _, forum) = ids(&model);
    model.remove_channel(forum).unwrap();
    refused(&model, ErrorKind::NotFound, |m| {
        let mut flow = ValueFlow::new(
            "f",
            fans.into(),
            org,
            ValueObject::Money,
            usd(Decimal::ONE),
            Decimal::ONE,
        );
        flow.channel = Some(forum);
        m.add_flow(flow).map(drop)
    });
}

#[test]
fn api_negative_occurrences() {
    let model = small();
    let (org, fans, _, _) = ids(&model);
    refused(&model, ErrorKind::InvalidValue, |m| {
        let flow = ValueFlow::new(
            "f",
            fans.into(),
            org,
            ValueObject::Money,
            usd(Decimal::ONE),
            -Decimal::ONE,
        );
        m.add_flow(flow).map(drop)
    });
}

#[test]
fn api_an_amount_in_another_currency() {
    let model = small();
    let (org, fans, _, _) = ids(&model);
    refused(&model, ErrorKind::CurrencyMismatch, |m| {
        let eur = Money::new(Decimal::ONE, Currency::EUR);
        m.add_flow(ValueFlow::new(
            "f",
            fans.into(),
            org,
            ValueObject::Money,
            eur,
            Decimal::ONE,
        ))
        .map(drop)
    });
}

#[test]
fn api_money_that_overflows_is_an_error_not_a_wrap() {
    let mut model = small();
    let (org, fans, staff, _) = ids(&model);
    for (key, from) in [("a", fans), ("b", staff)] {
        let flow = ValueFlow::new(
            key,
            from.into(),
            org,
            ValueObject::Money,
            usd(Decimal::MAX),
            Decimal::ONE,
        );
        model.add_flow(flow).unwrap();
    }
    let err = model.ledger(&covalence::LedgerOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Overflow);
}

#[test]
fn api_a_million_contexts() {
    let mut model = small();
    let mut added = 0usize;
    let err = loop {
        match model.add_context(format!("c{added}")) {
            Ok(()) => added += 1,
            Err(e) => break e,
        }
        assert!(added <= 1_000_000, "contexts are capped well below a million");
    };
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert_eq!(
        model.settings().contexts.len(),
        added + 1,
        "the control model's own context and those added"
    );
    assert_eq!(added + 1, 4096);
}

#[test]
fn api_duplicate_keys() {
    let model = small();
    refused(&model, ErrorKind::Duplicate, |m| {
        m.add_constituent(Constituent::new("forum", Role::Media, 3))
            .map(drop)
    });
    refused(&model, ErrorKind::Duplicate, |m| {
        m.add_channel(Channel::new("fans", Ownership::Commons)).map(drop)
    });
}

#[test]
fn api_zero_members() {
    let model = small();
    refused(&model, ErrorKind::InvalidValue, |m| {
        m.add_constituent(Constituent::new("none", Role::Media, 0))
            .map(drop)
    });
}

#[test]
fn api_an_update_that_breaks_a_rule_is_undone() {
    let model = small();
    let (_, _, _, forum) = ids(&model);
    refused(&model, ErrorKind::CurrencyMismatch, |m| {
        m.update_channel(forum, |c| c.cost = Some(Money::new(Decimal::ONE, Currency::EUR)))
    });
}

#[test]
fn api_reputation_that_cannot_converge_in_its_cap() {
    let model = Model::from_csv(
        "0,1,1\n1,2,1\n2,3,1\n3,1,1\n".as_bytes(),
        MEMBERS.as_bytes(),
        &CsvOptions::new("0"),
    )
    .unwrap();
    let options = ReputationOptions::new().max_iterations(2).tolerance(1e-15);
    assert_eq!(
        model.reputation(&options).unwrap_err().kind(),
        ErrorKind::NoConvergence
    );
}

#[test]
fn api_a_relationship_with_a_removed_party() {
    let mut model = small();
    let (org, _, staff, _) = ids(&model);
    model.remove_constituent(staff).unwrap();
    refused(&model, ErrorKind::NotFound, |m| {
        m.add_relationship(Relationship::new(org, staff.into(), RelationshipKind::Responsive))
            .map(drop)
    });
}

#[test]
fn api_searches_and_horizons_beyond_their_caps() {
    let model = Model::sample();
    let hops = covalence::ReachOptions::new().max_hops(u32::MAX);
    assert_eq!(model.reach(&hops).unwrap_err().kind(), ErrorKind::InvalidValue);
    assert_eq!(
        model.raw_reach(&hops).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    let horizon = covalence::ProjectionOptions::new().horizon(u32::MAX);
    assert_eq!(
        model.projection(&horizon).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    assert!(model.reach(&covalence::ReachOptions::new().max_hops(100)).is_ok());
}
