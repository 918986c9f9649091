//! A table of bad model files: each is the sample with one thing broken, and must be
//! refused with the right kind of error, a message naming the offending key, and the
//! path (and, in JSON, the line) of the bad field.

use covalence::{ErrorKind, Model};
use serde_json::{Value, json};

fn sample() -> Value {
    serde_json::from_str(&Model::sample().to_json_string().unwrap()).unwrap()
}

fn index_of(doc: &Value, section: &str, key: &str) -> usize {
    doc[section]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["key"] == key)
        .unwrap()
}

struct Case {
    name: &'static str,
    text: String,
    kind: ErrorKind,
    /// Every one of these must appear in the message.
    names: &'static [&'static str],
    path: Option<&'static str>,
}

fn case(
    name: &'static str,
    kind: ErrorKind,
    names: &'static [&'static str],
    path: Option<&'static str>,
    edit: impl FnOnce(&mut Value),
) -> Case {
    let mut doc = sample();
    edit(&mut doc);
    Case {
        name,
        text: serde_json::to_string_pretty(&doc).unwrap(),
        kind,
        names,
        path,
    }
}

fn cases() -> Vec<Case> {
    let doc = sample();
    let purchases = index_of(&doc, "flows", "direct-purchases");
    let customers = index_of(&doc, "constituents", "customers");
    vec![
        case(
            "dangling key",
            ErrorKind::NotFound,
            &["direct-purchases", "nobody"],
            None,
            |d| {
                d["flows"][purchases]["from"] = json!("nobody");
            },
        ),
        case("duplicate key", ErrorKind::Duplicate, &["customers"], None, |d| {
            let copy = d["constituents"][customers].clone();
            d["constituents"].as_array_mut().unwrap().push(copy);
        }),
        case(
            "key used by another kind",
            ErrorKind::Duplicate,
            &["customers", "a constituent"],
            None,
            |d| {
                let notes = index_of(d, "channels", "field-notes");
                d["channels"][notes]["key"] = json!("customers");
                d["presences"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["channel"] != "field-notes");
            },
        ),
        case(
            "share 1.5",
            ErrorKind::InvalidValue,
            &["customers", "facebook", "1.5"],
            None,
            |d| {
                let p = d["presences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|p| p["party"] == "customers" && p["channel"] == "facebook")
                    .unwrap();
                d["presences"][p]["share"] = json!(1.5);
            },
        ),
        case(
            "negative share",
            ErrorKind::InvalidValue,
            &["customers", "-0.1"],
            None,
            |d| {
                let p = d["presences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|p| p["party"] == "customers")
                    .unwrap();
                d["presences"][p]["share"] = json!(-0.1);
            },
        ),
        case(
            "negative members",
            ErrorKind::Format,
            &["customers"],
            Some("constituents[0].members"),
            |d| {
                d["constituents"][0]["members"] = json!(-5);
            },
        ),
        case(
            "zero members",
            ErrorKind::InvalidValue,
            &["customers", "members"],
            Some("constituents[0].members"),
            |d| {
                d["constituents"][0]["members"] = json!(0);
            },
        ),
        case(
            "float money",
            ErrorKind::Format,
            &["direct-purchases", "85.5", "string"],
            None,
            |d| {
                d["flows"][purchases]["value"] = json!(85.5);
            },
        ),
        case(
            "mixed currencies",
            ErrorKind::CurrencyMismatch,
            &["direct-purchases", "EUR", "USD"],
            None,
            |d| {
                d["flows"][purchases]["value"] = json!("85.00 EUR");
            },
        ),
        case(
            "money that is not a number",
            ErrorKind::InvalidValue,
            &["direct-purchases", "lots"],
            None,
            |d| {
                d["flows"][purchases]["value"] = json!("lots");
            },
        ),
        case(
            "money beyond 28 digits",
            ErrorKind::Overflow,
            &["direct-purchases"],
            None,
            |d| {
                d["flows"][purchases]["value"] = json!("1000000000000000000000000000000");
            },
        ),
        case(
            "negative occurrences",
            ErrorKind::InvalidValue,
            &["direct-purchases", "occurrences", "-3"],
            None,
            |d| {
                d["flows"][purchases]["occurrences"] = json!("-3");
            },
        ),
        case(
            "overlap larger than a group",
            ErrorKind::InvalidValue,
            &["executives", "investors"],
            None,
            |d| {
                let o = d["overlaps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|o| o["between"][0] == "executives" || o["between"][1] == "executives")
                    .unwrap();
                d["overlaps"][o]["shared_members"] = json!(1000);
            },
        ),
        case(
            "unknown field",
            ErrorKind::Format,
            &["customers", "colour"],
            Some("constituents[0].colour"),
            |d| {
                d["constituents"][0]["colour"] = json!("blue");
            },
        ),
        case(
            "unknown top-level field",
            ErrorKind::Format,
            &["extras"],
            None,
            |d| {
                d["extras"] = json!([]);
            },
        ),
        case(
            "missing field",
            ErrorKind::Format,
            &["customers", "members"],
            None,
            |d| {
                d["constituents"][0].as_object_mut().unwrap().remove("members");
            },
        ),
        case(
            "wrong version",
            ErrorKind::Version,
            &["2"],
            Some("covalence"),
            |d| {
                d["covalence"] = json!(2);
            },
        ),
        case("no version", ErrorKind::Version, &["covalence"], None, |d| {
            d.as_object_mut().unwrap().remove("covalence");
        }),
        case(
            "two focal organizations",
            ErrorKind::InvalidValue,
            &["harbor", "meta"],
            None,
            |d| {
                let meta = index_of(d, "organizations", "meta");
                d["organizations"][meta]["focal"] = json!(true);
            },
        ),
        case(
            "no focal organization",
            ErrorKind::InvalidValue,
            &["focal"],
            None,
            |d| {
                d["organizations"][0].as_object_mut().unwrap().remove("focal");
            },
        ),
        case(
            "self relationship",
            ErrorKind::InvalidReference,
            &["harbor"],
            None,
            |d| {
                d["relationships"][0]["between"] = json!(["harbor", "harbor"]);
            },
        ),
        case(
            "duplicate relationship",
            ErrorKind::Duplicate,
            &["harbor", "customers"],
            None,
            |d| {
                let mut copy = d["relationships"][0].clone();
                copy["between"] = json!([copy["between"][1], copy["between"][0]]);
                d["relationships"].as_array_mut().unwrap().push(copy);
            },
        ),
        case(
            "unknown trust context",
            ErrorKind::NotFound,
            &["harbor", "customers", "weather"],
            None,
            |d| {
                d["relationships"][0]["trust"]["customers"]["contexts"]["weather"] =
                    json!({"belief": 0.5, "disbelief": 0.2, "uncertainty": 0.3});
            },
        ),
        case(
            "opinion that does not sum to 1",
            ErrorKind::InvalidValue,
            &["harbor", "customers", "belief"],
            None,
            |d| {
                d["relationships"][0]["trust"]["customers"]["absolute"] =
                    json!({"belief": 0.6, "disbelief": 0.3, "uncertainty": 0.3});
            },
        ),
        case(
            "trust held by a stranger",
            ErrorKind::InvalidReference,
            &["meta"],
            None,
            |d| {
                d["relationships"][0]["trust"]["meta"] =
                    json!({"absolute": {"belief": 1.0, "disbelief": 0.0, "uncertainty": 0.0}});
            },
        ),
        case(
            "reference to the wrong kind",
            ErrorKind::InvalidReference,
            &["direct-purchases", "customers", "channel"],
            None,
            |d| {
                d["flows"][purchases]["channel"] = json!("customers");
            },
        ),
        case(
            "unknown operator",
            ErrorKind::NotFound,
            &["facebook", "zuckco"],
            None,
            |d| {
                let fb = index_of(d, "channels", "facebook");
                d["channels"][fb]["ownership"] = json!({"rented": {"operator": "zuckco"}});
            },
        ),
        case(
            "unknown currency",
            ErrorKind::InvalidValue,
            &["XYZ"],
            Some("settings.currency"),
            |d| {
                d["settings"]["currency"] = json!("XYZ");
            },
        ),
        case(
            "duplicate context",
            ErrorKind::Duplicate,
            &["support"],
            None,
            |d| {
                d["settings"]["contexts"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("support"));
            },
        ),
        case(
            "negative elasticity",
            ErrorKind::InvalidValue,
            &["direct-purchases", "trust_elasticity"],
            None,
            |d| {
                d["flows"][purchases]["trust_elasticity"] = json!(-1.0);
            },
        ),
        case(
            "zero duration",
            ErrorKind::InvalidValue,
            &["direct-purchases", "duration"],
            None,
            |d| {
                d["flows"][purchases]["duration"] = json!(0);
            },
        ),
        case(
            "adjustment above 1",
            ErrorKind::InvalidValue,
            &["direct-purchases", "deadweight"],
            None,
            |d| {
                d["flows"][purchases]["adjustments"] = json!({"deadweight": "1.2"});
            },
        ),
        case(
            "group observing itself",
            ErrorKind::InvalidReference,
            &["customers"],
            None,
            |d| {
                d["observations"].as_array_mut().unwrap().push(
                    json!({"by": "customers", "about": "customers", "channel": "forum", "positive": 1}),
                );
            },
        ),
        case(
            "duplicate presence",
            ErrorKind::Duplicate,
            &["customers", "forum"],
            None,
            |d| {
                d["presences"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"party": "customers", "channel": "forum", "share": 0.1}));
            },
        ),
        case(
            "organization present in part",
            ErrorKind::InvalidValue,
            &["harbor", "forum"],
            None,
            |d| {
                let p = d["presences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|p| p["party"] == "harbor")
                    .unwrap();
                d["presences"][p]["share"] = json!(0.5);
            },
        ),
        case(
            "unknown role",
            ErrorKind::Format,
            &["customers", "role"],
            None,
            |d| {
                d["constituents"][0]["role"] = json!("custmer");
            },
        ),
        case(
            "empty key",
            ErrorKind::InvalidValue,
            &["key", "empty"],
            None,
            |d| {
                d["constituents"][0]["key"] = json!("");
            },
        ),
    ]
}

#[test]
fn every_bad_file_is_refused_with_its_kind_naming_the_culprit() {
    let cases = cases();
    assert!(cases.len() >= 15);
    for case in cases {
        let err = Model::from_json_str(&case.text).expect_err(case.name);
        assert_eq!(err.kind(), case.kind, "{}: {err}", case.name);
        let message = err.to_string();
        for name in case.names {
            assert!(
                message.contains(name),
                "{}: `{name}` missing from: {message}",
                case.name
            );
        }
        if let Some(path) = case.path {
            assert_eq!(err.path(), Some(path), "{}: {message}", case.name);
        }
        if !matches!(case.kind, ErrorKind::Version) || case.path.is_some() {
            assert!(err.line().is_some(), "{}: no line in: {message}", case.name);
        }
    }
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let text = "{\n  \"covalence\": 1,\n  \"settings\": {\n}";
    let err = Model::from_json_str(text).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.line(), Some(4));
}

#[test]
fn invalid_utf8_and_byte_order_marks_are_syntax_errors() {
    let mut bytes = Model::sample().to_json_string().unwrap().into_bytes();
    bytes.insert(40, 0xFF);
    assert_eq!(
        Model::from_json_slice(&bytes).unwrap_err().kind(),
        ErrorKind::Syntax
    );
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(Model::sample().to_json_string().unwrap().into_bytes());
    assert_eq!(
        Model::from_json_slice(&with_bom).unwrap_err().kind(),
        ErrorKind::Syntax
    );
}

#[test]
fn a_semantic_error_points_at_the_field_line() {
    let text = Model::sample().to_json_string().unwrap();
    let bad = text.replacen("\"members\": 40000", "\"members\": 0", 1);
    let err = Model::from_json_str(&bad).unwrap_err();
    let line = bad.lines().position(|l| l.contains("\"members\": 0")).unwrap() + 1;
    assert_eq!(err.line(), Some(line), "{err}");
    assert_eq!(err.path(), Some("constituents[0].members"));
}

fn load(doc: &Value) -> covalence::Error {
    Model::from_json_str(&serde_json::to_string_pretty(doc).unwrap()).unwrap_err()
}

#[test]
fn regression_bad_contexts_are_reported_at_settings_contexts() {
    let mut doc = sample();
    doc["settings"]["contexts"]
        .as_array_mut()
        .unwrap()
        .push(json!("support"));
    let err = load(&doc);
    assert_eq!(
        (err.kind(), err.path()),
        (ErrorKind::Duplicate, Some("settings.contexts[4]")),
        "{err}"
    );
    let mut doc = sample();
    doc["settings"]["contexts"]
        .as_array_mut()
        .unwrap()
        .push(json!(" padded"));
    let err = load(&doc);
    assert_eq!(
        (err.kind(), err.path()),
        (ErrorKind::InvalidValue, Some("settings.contexts[4]")),
        "{err}"
    );
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let line = text.lines().position(|l| l.contains("\" padded\"")).unwrap() + 1;
    assert_eq!(err.line(), Some(line));
}

#[test]
fn regression_relationship_pair_errors_point_at_between() {
    let mut doc = sample();
    doc["relationships"][0]["between"] = json!(["harbor", "harbor"]);
    doc["relationships"][0].as_object_mut().unwrap().remove("trust");
    assert_eq!(load(&doc).path(), Some("relationships[0].between"));
    let mut doc = sample();
    let copy = doc["relationships"][0].clone();
    doc["relationships"].as_array_mut().unwrap().push(copy);
    let n = doc["relationships"].as_array().unwrap().len() - 1;
    let err = load(&doc);
    assert_eq!(err.kind(), ErrorKind::Duplicate);
    assert_eq!(err.path(), Some(format!("relationships[{n}].between").as_str()));
}

#[test]
fn regression_ownership_refuses_stray_fields_and_names_the_choices() {
    let mut doc = sample();
    let fb = index_of(&doc, "channels", "facebook");
    doc["channels"][fb]["ownership"] = json!({"rented": {"operator": "meta"}, "bogus": 42});
    let err = load(&doc);
    assert_eq!(err.kind(), ErrorKind::Format, "{err}");
    assert!(
        err.to_string().contains("bogus") && err.to_string().contains("facebook"),
        "{err}"
    );
    doc["channels"][fb]["ownership"] = json!("rentd");
    let err = load(&doc);
    assert_eq!(err.kind(), ErrorKind::Format);
    assert!(
        err.to_string().contains("rentd") && err.to_string().contains("commons"),
        "{err}"
    );
}

#[test]
fn regression_keys_given_twice_in_trust_maps_are_refused() {
    let text = Model::sample().to_json_string().unwrap();
    // The first relationship's trust holds `"customers": {` as its first truster.
    let twice = text.replacen(
        "\"trust\": {\n        \"customers\": {",
        "\"trust\": {\n        \"customers\": {},\n        \"customers\": {",
        1,
    );
    assert_ne!(twice, text, "the sample's layout changed: update this test");
    let err = Model::from_json_str(&twice).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Duplicate, "{err}");
    assert!(err.to_string().contains("customers"), "{err}");
    let twice = text.replacen("\"contexts\": {\n            \"pricing\": {", "\"contexts\": {\n            \"pricing\": {\"belief\": 1, \"disbelief\": 0, \"uncertainty\": 0},\n            \"pricing\": {", 1);
    assert_ne!(twice, text, "the sample's layout changed: update this test");
    assert_eq!(
        Model::from_json_str(&twice).unwrap_err().kind(),
        ErrorKind::Duplicate
    );
}

#[test]
fn regression_objects_written_as_arrays_are_refused() {
    let mut doc = sample();
    doc["settings"] = json!(["year", "USD"]);
    let err = load(&doc);
    assert_eq!(
        (err.kind(), err.path()),
        (ErrorKind::Format, Some("settings")),
        "{err}"
    );
    let mut doc = sample();
    doc["organizations"][1] = json!(["meta", null, false]);
    let err = load(&doc);
    assert_eq!(
        (err.kind(), err.path()),
        (ErrorKind::Format, Some("organizations[1]")),
        "{err}"
    );
    let mut doc = sample();
    doc["flows"][0]["adjustments"] = json!(["0.1"]);
    assert_eq!(load(&doc).path(), Some("flows[0].adjustments"));
    let mut doc = sample();
    doc["relationships"][0]["trust"]["customers"]["absolute"] = json!([0.5, 0.5, 0.0, 0.5]);
    assert_eq!(
        load(&doc).path(),
        Some("relationships[0].trust.customers.absolute")
    );
}

#[test]
fn regression_big_whole_numbers_in_decimal_fields_get_a_clear_message() {
    let mut doc = sample();
    doc["flows"][0]["occurrences"] = json!(1e20);
    let err = load(&doc);
    assert_eq!(err.kind(), ErrorKind::Format);
    assert!(err.to_string().contains("as a string"), "{err}");
}

#[cfg(feature = "toml")]
#[test]
fn toml_errors_carry_path_key_and_line() {
    let text = Model::sample().to_toml_string().unwrap();
    let bad = text.replacen("members = 40000", "members = 0", 1);
    assert_ne!(bad, text);
    let err = Model::from_toml_str(&bad).unwrap_err();
    let line = bad.lines().position(|l| l == "members = 0").unwrap() + 1;
    assert_eq!(
        (err.kind(), err.line()),
        (ErrorKind::InvalidValue, Some(line)),
        "{err}"
    );
    assert!(err.to_string().contains("customers"), "{err}");

    let bad = text.replacen("members = 40000", "members = 40000\ncolour = \"blue\"", 1);
    let err = Model::from_toml_str(&bad).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Format);
    assert!(
        err.to_string().contains("customers") && err.to_string().contains("colour"),
        "{err}"
    );
    assert!(err.line().is_some());

    let err = Model::from_toml_str("covalence = 1\n[settings\n").unwrap_err();
    assert_eq!((err.kind(), err.line()), (ErrorKind::Syntax, Some(2)));
}
