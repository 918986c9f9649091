//! The `covalence` command-line tool, run as a user runs it: every subcommand on the
//! sample model, JSON that parses, bad input (exit 1, a message naming the field) and
//! usage errors (exit 2).
#![cfg(feature = "cli")]
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn covalence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_covalence"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("covalence-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/models/harbor.json");

#[test]
fn every_subcommand_on_the_sample() {
    let cases: &[(&[&str], &str)] = &[
        (&["review"], "# Review of Harbor Outfitters"),
        (
            &["review", SAMPLE, "--budget", "250000"],
            "## The commons question",
        ),
        (&["check", SAMPLE], "ok: 9 organizations"),
        (&["trust"], "customers"),
        (&["trust", SAMPLE, "--context", "privacy"], "media"),
        (&["reach", "--hops", "3"], "effective"),
        (&["reach", "--channels-only"], "instagram"),
        (&["returns"], "counterparty"),
        (&["project", "--horizon", "3", "--rate", "0.05"], "NPV"),
        (&["project", "--rate", "-0.01"], "NPV"),
        (&["plan", "--budget", "400000"], "Chosen (*)"),
        (&["export", "--dot"], "digraph value_network {"),
        (&["export", SAMPLE, "--mermaid"], "flowchart LR"),
        (&["schema"], "\"$schema\""),
    ];
    for (args, needle) in cases {
        let o = covalence(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stdout(&o).contains(needle),
            "{args:?}: no `{needle}` in\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn review_as_json_parses_and_agrees_with_the_library() {
    let o = covalence(&["review", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let review = covalence::Model::sample()
        .review(&covalence::ReviewOptions::new())
        .unwrap();
    assert_eq!(json["summary"], serde_json::json!(review.summary));
    assert_eq!(json["reach"]["raw"], serde_json::json!(review.reach.raw));
}

#[test]
fn compare_reads_a_scenario_file() {
    let scenario = temp(
        "leave-x.json",
        r#"{"name": "leave x", "edits": [{"remove_presence": {"party": "harbor", "channel": "x"}}]}"#,
    );
    let o = covalence(&["compare", SAMPLE, scenario.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Scenario `leave x` compared with the model as it is"));
    let bad = temp(
        "bad-scenario.json",
        r#"{"edits": [{"remove_channel": {"channel": "myspace"}}]}"#,
    );
    let o = covalence(&["compare", SAMPLE, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("edits[0].channel"), "{}", stderr(&o));
}

#[test]
fn toml_files_are_read_by_their_extension() {
    let path = temp(
        "harbor.toml",
        &covalence::Model::sample().to_toml_string().unwrap(),
    );
    let o = covalence(&["check", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bad_input_exits_1_naming_the_field() {
    let text = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .replacen("\"members\": 250", "\"members\": 0", 1);
    let path = temp("zero-members.json", &text);
    let o = covalence(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let message = stderr(&o);
    assert!(message.contains("zero-members.json"), "{message}");
    assert!(message.contains("constituents[1].members"), "{message}");
    assert!(message.contains("line "), "{message}");
    let o = covalence(&["review", "no-such-file.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-file.json: cannot read"));
    let o = covalence(&["check", "/"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn import_csv_writes_a_model_that_loads() {
    let edges = temp("edges.csv", "source,target,trust\n0,1,0.9\n1,0,0.4\n1,2,0.7\n");
    let members = temp("members.csv", "key,members\n0,1\n1,100\n2,50\n");
    let out = std::env::temp_dir()
        .join(format!("covalence-cli-{}", std::process::id()))
        .join("net.json");
    let o = covalence(&[
        "import-csv",
        edges.to_str().unwrap(),
        members.to_str().unwrap(),
        "--focal",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let model = covalence::Model::from_json_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(model.relationship_count(), 2);
    let o = covalence(&["review", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = temp("bad-edges.csv", "source,target,trust\n0,1,0.9\n1,2,1.7\n");
    let o = covalence(&[
        "import-csv",
        bad.to_str().unwrap(),
        members.to_str().unwrap(),
        "--focal",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let message = stderr(&o);
    assert!(message.contains("bad-edges.csv: line 3"), "{message}");
}

#[test]
fn review_writes_an_html_page() {
    let dir = std::env::temp_dir().join(format!("covalence-cli-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("review.html");
    let o = covalence(&["review", "--html", out.to_str().unwrap(), SAMPLE]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    let review = covalence::Model::sample()
        .review(&covalence::ReviewOptions::new())
        .unwrap();
    assert_eq!(html, review.to_html());
    // An unwritable path is bad input, named.
    let o = covalence(&["review", "--html", dir.join("no/such/dir.html").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["plan"][..],
        &["export"][..],
        &["export", "--dot", "--mermaid"][..],
        &["review", "--format", "yaml"][..],
        &["import-csv", "edges.csv"][..],
        &["plan", "--budget", "lots"][..],
        &["plan", "--budget", "-5"][..],
        &["project", "--horizon", "0"][..],
        &["project", "--rate", "-2"][..],
        &["review", "--threshold", "2"][..],
        &["review", "--html", "out.html", "--format", "json"][..],
        &["review", "--html"][..],
    ] {
        let o = covalence(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}
