//! CSV import: the network a CRM or a network tool gives, and every bad row named by
//! file and line.

use covalence::{CsvOptions, ErrorKind, Model, PartyId};

fn import(edges: &str, members: &str) -> Result<Model, covalence::Error> {
    Model::from_csv(edges.as_bytes(), members.as_bytes(), &CsvOptions::new("0"))
}

const MEMBERS: &str = "key,members\n0,1\n1,10\n2,20\n3,30\n";

#[test]
fn rows_both_ways_make_one_relationship() {
    let model = import(
        "source,target,trust\n0,1,0.9\n1,0,0.5\n1,2,0.25\n\n2,3,1\n",
        MEMBERS,
    )
    .unwrap();
    assert_eq!(model.constituents().count(), 3, "key 0 is the focal organization");
    assert_eq!(model.relationship_count(), 3);
    let (a, b): (PartyId, PartyId) = (model.focal().into(), model.lookup("1").unwrap());
    assert!((model.trust(a, b, None).unwrap().opinion.unwrap().projected() - 0.9).abs() < 1e-12);
    assert!((model.trust(b, a, None).unwrap().opinion.unwrap().projected() - 0.5).abs() < 1e-12);
    let three: covalence::ConstituentId = model.lookup("3").unwrap();
    assert_eq!(model.constituent(three).unwrap().members, 30);
    model.validate().unwrap();
    // No header, Windows line ends and a byte-order mark read the same.
    let same = import(
        "\u{feff}0,1,0.9\r\n1,0,0.5\r\n1,2,0.25\r\n2,3,1\r\n",
        "0,1\n1,10\n2,20\n3,30",
    )
    .unwrap();
    assert_eq!(same, model);
}

#[test]
fn bad_rows_are_named_by_file_and_line() {
    let cases = [
        ("0,1,0.9\n1,2\n", MEMBERS, ErrorKind::Format, "edges", 2),
        ("0,1,0.9\n1,2,1.5\n", MEMBERS, ErrorKind::InvalidValue, "edges", 2),
        ("0,1,0.9\n1,2,NaN\n", MEMBERS, ErrorKind::InvalidValue, "edges", 2),
        ("0,1,high\n", MEMBERS, ErrorKind::Format, "edges", 1),
        (
            "source,target,trust\n0,9,0.5\n",
            MEMBERS,
            ErrorKind::NotFound,
            "edges",
            2,
        ),
        ("0,1,0.9\n0,1,0.8\n", MEMBERS, ErrorKind::Duplicate, "edges", 2),
        ("1,1,0.9\n", MEMBERS, ErrorKind::InvalidReference, "edges", 1),
        ("", "key,members\n1,0\n", ErrorKind::InvalidValue, "members", 2),
        ("", "key,members\n1,5\n1,6\n", ErrorKind::Duplicate, "members", 3),
        ("", "key,members\n1,-5\n", ErrorKind::Format, "members", 2),
        ("", "1,5,7\n", ErrorKind::Format, "members", 1),
    ];
    for (edges, members, kind, file, line) in cases {
        let e = import(edges, members).unwrap_err();
        assert_eq!(e.kind(), kind, "{edges:?} {members:?}: {e}");
        assert_eq!(e.path(), Some(file), "{e}");
        assert_eq!(e.line(), Some(line), "{e}");
    }
}

#[test]
fn unreadable_input_is_a_syntax_error() {
    let bytes: &[u8] = b"0,1,0.9\n\xff\xfe,2,0.5\n";
    let e = Model::from_csv(bytes, MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
}
