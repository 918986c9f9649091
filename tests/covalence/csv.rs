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
fn a_bad_member_row_far_into_the_file_is_named_by_its_line() {
    let rows = |bad: usize, row: &str| -> String {
        std::iter::once("key,members\n".to_string())
            .chain((2..=3000).map(|line| {
                if line == bad {
                    format!("{row}\n")
                } else {
                    format!("k{line},5\n")
                }
            }))
            .collect()
    };
    for (bad, row, kind) in [
        (2500, "k2500,-1", ErrorKind::Format),
        (1800, "k17,3", ErrorKind::Duplicate),
        (2999, "k2999", ErrorKind::Format),
    ] {
        let e = import("", &rows(bad, row)).unwrap_err();
        assert_eq!(
            (e.kind(), e.path(), e.line()),
            (kind, Some("members"), Some(bad)),
            "{e}"
        );
    }
    // The first error in file order wins over a later one that cannot be read.
    let mut bytes = rows(1200, "k1200,x").into_bytes();
    let at = bytes.len() - 10;
    bytes[at] = 0xff;
    let e = Model::from_csv("".as_bytes(), bytes.as_slice(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!((e.kind(), e.line()), (ErrorKind::Format, Some(1200)), "{e}");
}

/// A reader that fails after the bytes it holds.
struct Failing(std::io::Cursor<Vec<u8>>);

impl std::io::Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the disk went away")),
            n => Ok(n),
        }
    }
}

#[test]
fn a_failing_reader_is_named_by_file_and_line() {
    let edges = std::io::BufReader::new(Failing(std::io::Cursor::new(b"0,1,0.9\n1,2,0.5\n".to_vec())));
    let e = Model::from_csv(edges, MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(
        (e.kind(), e.path(), e.line()),
        (ErrorKind::Syntax, Some("edges"), Some(3)),
        "{e}"
    );
    assert!(e.to_string().contains("the disk went away"), "{e}");
}

#[test]
fn unreadable_input_is_a_syntax_error() {
    let bytes: &[u8] = b"0,1,0.9\n\xff\xfe,2,0.5\n";
    let e = Model::from_csv(bytes, MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Syntax);
}

/// Any edge list: the import either names the first repeated ordered pair in file
/// order, or holds exactly one relationship per unordered pair, with each row's trust
/// in its own direction.
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn import_keeps_every_row_in_its_direction(
            rows in proptest::collection::vec((0u8..6, 0u8..6, 1u8..=100), 0..40)
        ) {
            let rows: Vec<(u8, u8, u8)> = rows.into_iter().filter(|(a, b, _)| a != b).collect();
            let members: String =
                std::iter::once("key,members\n".to_string()).chain((0..6).map(|k| format!("{k},5\n"))).collect();
            let edges: String = rows.iter().map(|(a, b, t)| format!("{a},{b},{}\n", f64::from(*t) / 100.0)).collect();
            let first_repeat = rows
                .iter()
                .enumerate()
                .find(|(i, (a, b, _))| rows[..*i].iter().any(|(x, y, _)| (x, y) == (a, b)))
                .map(|(i, _)| i + 1);
            match import(&edges, &members) {
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::Duplicate);
                    prop_assert_eq!(e.line(), first_repeat);
                }
                Ok(model) => {
                    prop_assert_eq!(first_repeat, None);
                    let mut pairs: Vec<(u8, u8)> = rows.iter().map(|(a, b, _)| (*a.min(b), *a.max(b))).collect();
                    pairs.sort_unstable();
                    pairs.dedup();
                    prop_assert_eq!(model.relationship_count(), pairs.len());
                    let party = |k: u8| -> PartyId { model.lookup(&k.to_string()).unwrap() };
                    for (a, b, t) in &rows {
                        let p = model.trust(party(*a), party(*b), None).unwrap().opinion.unwrap().projected();
                        prop_assert!((p - f64::from(*t) / 100.0).abs() < 1e-12);
                    }
                    // Relationships in order of their first party, then their second: a
                    // row's source, or the lower key of a pair given both ways.
                    let given = |a: u8, b: u8| rows.iter().any(|&(x, y, _)| (x, y) == (a, b));
                    let mut expected: Vec<(u8, u8)> = pairs
                        .iter()
                        .map(|&(lo, hi)| if given(lo, hi) { (lo, hi) } else { (hi, lo) })
                        .collect();
                    expected.sort_unstable();
                    let key = |p: PartyId| -> u8 { model.party_key(p).unwrap().parse().unwrap() };
                    let stored: Vec<(u8, u8)> = model
                        .relationships()
                        .map(|(_, r)| (key(r.parties[0]), key(r.parties[1])))
                        .collect();
                    prop_assert_eq!(&stored, &expected);
                    // No trust where no row gives it.
                    for &(a, b) in &stored {
                        let back = model.trust(party(b), party(a), None).unwrap().opinion;
                        prop_assert_eq!(back.is_some(), given(b, a));
                    }
                    model.validate().unwrap();
                }
            }
        }
    }
}

/// Edge rows: a bad one, then valid ones without end; counts the bytes taken.
struct Endless {
    served: std::rc::Rc<std::cell::Cell<usize>>,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        const FIRST: &[u8] = b"1,9,0.5\n";
        const ROW: &[u8] = b"1,2,0.5\n";
        let at = self.served.get();
        let mut n = 0;
        for slot in buf.iter_mut() {
            let i = at + n;
            *slot = if i < FIRST.len() {
                FIRST[i]
            } else {
                ROW[(i - FIRST.len()) % ROW.len()]
            };
            n += 1;
        }
        self.served.set(at + n);
        Ok(n)
    }
}

#[test]
fn reading_stops_soon_after_a_bad_row() {
    // The parser may run on a thread of its own: the reader must stop once it has
    // found an error, not read on to the end of an input that has none.
    let served = std::rc::Rc::new(std::cell::Cell::new(0));
    let edges = std::io::BufReader::with_capacity(
        4096,
        Endless {
            served: served.clone(),
        },
    );
    let error = Model::from_csv(edges, MEMBERS.as_bytes(), &CsvOptions::new("0")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!((error.path(), error.line()), (Some("edges"), Some(1)));
    // Blocks grow from 256 lines: the first is parsed while at most five more, of
    // 16,128 rows of 8 bytes in all, are read ahead (a first block of 16,384 rows read
    // 262,144 bytes before the reader heard of the error).
    assert!(served.get() < 150_000, "{} bytes read", served.get());
}
