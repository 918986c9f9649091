//! `schema/model.schema.json` is the schema the code generates. Regenerate it with
//! `UPDATE_SCHEMA=1 cargo test --all-features schema`.

#[test]
fn the_committed_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/model.schema.json");
    let generated = covalence::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/model.schema.json is stale: run UPDATE_SCHEMA=1 cargo test --all-features schema"
    );
    let schema: serde_json::Value = serde_json::from_str(&generated).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["covalence", "settings", "organizations"]);
}
