//! The JSON Schema of the model file (feature `schema`).

use crate::io::document::Document;

/// The JSON Schema (draft 2020-12) of the model file, generated from the types the
/// loader reads, pretty-printed. `schema/model.schema.json` in the repository is this
/// text, and a test keeps it current.
///
/// The schema describes the shape of a file; rules that span entities (keys that must
/// exist, one focal organization, overlaps within group sizes) are checked by the
/// loader.
///
/// # Example
/// ```
/// let schema: serde_json::Value = serde_json::from_str(&covalence::json_schema())?;
/// assert_eq!(schema["title"], "covalence model file");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
