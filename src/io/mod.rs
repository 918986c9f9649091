//! Model files: JSON (and, with the `toml` feature, TOML) with a versioned envelope.
//!
//! The format is described in `docs/model-format.md`. Loading goes through the model's
//! own checked methods; errors carry the path to the bad field, the entity's key and,
//! for JSON, the line and column.

mod csv;
pub(crate) mod document;
mod export;
mod limits;
mod locate;
#[cfg(feature = "schema")]
mod schema;

use crate::error::{Error, ErrorKind};
use crate::model::Model;

use document::{Document, VERSION};

pub use csv::CsvOptions;
pub use limits::Limits;
#[cfg(feature = "schema")]
pub use schema::json_schema;

/// The sample model, embedded in the crate.
const SAMPLE: &str = include_str!("../../examples/models/harbor.json");

fn check_version(version: Option<serde_json::Value>) -> Result<(), Error> {
    match version {
        Some(v) if v.as_u64() == Some(u64::from(VERSION)) => Ok(()),
        Some(v) => Err(Error::new(
            ErrorKind::Version,
            format!("this is a covalence model file of version {v}; this crate reads version {VERSION}"),
        )
        .with_path("covalence")),
        None => Err(Error::new(
            ErrorKind::Version,
            format!("not a covalence model file: the version field `\"covalence\": {VERSION}` is missing"),
        )),
    }
}

impl Model {
    /// Loads a model from JSON text.
    ///
    /// # Errors
    /// [`ErrorKind::Syntax`] for text that is not JSON, [`ErrorKind::Version`] for a
    /// missing or other version, [`ErrorKind::Format`] for unknown or missing fields,
    /// wrong types and floats in decimal fields, and any error of the model's editing
    /// methods (dangling keys, duplicates, values out of range). Every error names the
    /// path to the bad field and the entity's key, and its line and column.
    ///
    /// # Example
    /// ```
    /// use covalence::Model;
    ///
    /// let model = Model::from_json_str(r#"{
    ///   "covalence": 1,
    ///   "settings": { "period": "year", "currency": "EUR" },
    ///   "organizations": [ { "key": "coop", "focal": true } ],
    ///   "constituents": [ { "key": "members", "role": "community", "members": 120 } ],
    ///   "relationships": [ { "between": ["coop", "members"], "kind": "collaborative" } ]
    /// }"#)?;
    /// assert_eq!(model.constituents().count(), 1);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<Model, Error> {
        Model::from_json_str_with(text, &Limits::new())
    }

    /// Loads a model from JSON text within `limits`.
    ///
    /// # Errors
    /// [`ErrorKind::Limit`] for text beyond a cap (size, nesting and items checked
    /// before the text is parsed, keys before any entity is built); otherwise as
    /// [`Model::from_json_str`].
    ///
    /// # Example
    /// ```
    /// use covalence::{ErrorKind, Limits, Model};
    ///
    /// let deep = format!(r#"{{"covalence": 1, "x": {}{}}}"#, "[".repeat(100), "]".repeat(100));
    /// let err = Model::from_json_str_with(&deep, &Limits::new().max_depth(32)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Limit);
    /// ```
    pub fn from_json_str_with(text: &str, limits: &Limits) -> Result<Model, Error> {
        limits.check_bytes(text.len() as u64, "the model file")?;
        limits.check_json(text)?;
        // The version first, so that a newer file gets a clear message, then the shape.
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(None, e, None))?;
        check_version(value.get("covalence").cloned()).map_err(|e| locate::position(text, e))?;
        limits.check_keys(&value).map_err(|e| locate::position(text, e))?;
        document::check_shape(&value).map_err(|e| locate::position(text, e))?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let document: Document = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            json_error(Some(&value), e.into_inner(), Some(path))
        })?;
        document.into_model().map_err(|e| locate::position(text, e))
    }

    /// Loads a model from JSON bytes, which must be UTF-8 (a leading byte-order mark
    /// is refused, as JSON requires).
    ///
    /// # Errors
    /// [`ErrorKind::Syntax`] for bytes that are not UTF-8, then as
    /// [`Model::from_json_str`].
    ///
    /// # Example
    /// ```
    /// let bytes = covalence::Model::sample().to_json_string()?.into_bytes();
    /// let model = covalence::Model::from_json_slice(&bytes)?;
    /// assert_eq!(model, covalence::Model::sample());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_json_slice(bytes: &[u8]) -> Result<Model, Error> {
        Model::from_json_slice_with(bytes, &Limits::new())
    }

    /// Loads a model from JSON bytes within `limits`.
    ///
    /// # Errors
    /// [`ErrorKind::Limit`] for bytes beyond a cap; otherwise as
    /// [`Model::from_json_slice`].
    ///
    /// # Example
    /// ```
    /// use covalence::{ErrorKind, Limits, Model};
    ///
    /// let bytes = Model::sample().to_json_string()?.into_bytes();
    /// let err = Model::from_json_slice_with(&bytes, &Limits::new().max_items(3)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Limit);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_json_slice_with(bytes: &[u8], limits: &Limits) -> Result<Model, Error> {
        limits.check_bytes(bytes.len() as u64, "the model file")?;
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let offset = e.valid_up_to();
            let valid = bytes
                .get(..offset)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            let (line, column) = locate::line_column(valid, offset);
            Error::new(
                ErrorKind::Syntax,
                format!("a model file must be UTF-8: invalid byte at offset {offset}"),
            )
            .with_position(line, column)
        })?;
        Model::from_json_str_with(text, limits)
    }

    /// Writes the model as pretty-printed JSON: keys for references, amounts as exact
    /// decimal strings, entities in the model's iteration order. Loading the text gives
    /// back an equal model.
    ///
    /// # Errors
    /// None in practice; the `Result` guards against a serializer failure.
    ///
    /// # Example
    /// ```
    /// let text = covalence::Model::sample().to_json_string()?;
    /// assert!(text.starts_with("{\n  \"covalence\": 1,"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_json_string(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(&Document::from_model(self))
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| Error::new(ErrorKind::Format, format!("cannot write the model as JSON: {e}")))
    }

    /// The sample model: Harbor Outfitters, an outdoor-gear maker, with its customers,
    /// employees, partners, suppliers, community, executives and investors, owned,
    /// commons and rented channels, core and commodity activities, trust in several
    /// contexts and the value flowing between them all. The file is
    /// `examples/models/harbor.json`.
    ///
    /// # Panics
    /// Never: the embedded file is loaded by the crate's own tests.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// assert_eq!(model.organization(model.focal())?.display_name(), "Harbor Outfitters");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn sample() -> Model {
        match Model::from_json_str(SAMPLE) {
            Ok(model) => model,
            Err(e) => unreachable!("the embedded sample model is valid: {e}"),
        }
    }

    /// Loads a model from TOML text with the same structure as the JSON file.
    ///
    /// # Errors
    /// As [`Model::from_json_str`], with the line and column in the TOML text.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::from_toml_str(r#"
    /// covalence = 1
    /// [settings]
    /// period = "month"
    /// currency = "GBP"
    /// [[organizations]]
    /// key = "guild"
    /// focal = true
    /// "#)?;
    /// assert_eq!(model.settings().currency.code(), "GBP");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml_str(text: &str) -> Result<Model, Error> {
        Model::from_toml_str_with(text, &Limits::new())
    }

    /// Loads a model from TOML text within `limits`.
    ///
    /// # Errors
    /// [`ErrorKind::Limit`] for text beyond a cap; otherwise as
    /// [`Model::from_toml_str`].
    ///
    /// # Example
    /// ```
    /// use covalence::{ErrorKind, Limits, Model};
    ///
    /// let text = "covalence = 1\n[[organizations]]\nkey = \"a-rather-long-key\"\nfocal = true\n";
    /// let err = Model::from_toml_str_with(text, &Limits::new().max_key_length(8)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Limit);
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml_str_with(text: &str, limits: &Limits) -> Result<Model, Error> {
        limits.check_bytes(text.len() as u64, "the model file")?;
        limits.check_toml_depth(text)?;
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, None, e, None))?;
        let value = serde_json::to_value(&table)
            .map_err(|e| Error::new(ErrorKind::Format, format!("cannot read the TOML document: {e}")))?;
        limits.check_value(&value)?;
        check_version(value.get("covalence").cloned()).map_err(|e| locate::toml_position(text, e))?;
        limits
            .check_keys(&value)
            .map_err(|e| locate::toml_position(text, e))?;
        document::check_shape(&value).map_err(|e| locate::toml_position(text, e))?;
        let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error(text, None, e, None))?;
        let document: Document = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            toml_error(text, Some(&value), e.into_inner(), Some(path))
        })?;
        document.into_model().map_err(|e| locate::toml_position(text, e))
    }

    /// Writes the model as TOML.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] if a count (members, shared members, observation
    /// counts) exceeds `i64::MAX`, the largest integer TOML holds.
    ///
    /// # Example
    /// ```
    /// let model = covalence::Model::sample();
    /// let text = model.to_toml_string()?;
    /// assert_eq!(covalence::Model::from_toml_str(&text)?, model);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn to_toml_string(&self) -> Result<String, Error> {
        let document = Document::from_model(self);
        document.check_toml_integers()?;
        toml::to_string_pretty(&document)
            .map_err(|e| Error::new(ErrorKind::Format, format!("cannot write the model as TOML: {e}")))
    }
}

impl PartialEq for Model {
    /// Equal when they would write the same model file. Costs O(size of the models).
    fn eq(&self, other: &Model) -> bool {
        Document::from_model(self) == Document::from_model(other)
    }
}

/// A serde_json error as ours: syntax or shape, with its position, path and the key of
/// the entity it concerns.
fn json_error(document: Option<&serde_json::Value>, e: serde_json::Error, path: Option<String>) -> Error {
    let kind = match e.classify() {
        serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof
        | serde_json::error::Category::Io => ErrorKind::Syntax,
        serde_json::error::Category::Data => ErrorKind::Format,
    };
    let message = strip_position(&e.to_string());
    let mut error = Error::new(duplicate_or(kind, &message), message);
    if let Some(path) = path.filter(|p| p != ".") {
        if let Some(label) = document.and_then(|d| locate::entity_label(d, &path)) {
            error = error.context(label);
        }
        error = error.with_path(path);
    }
    if e.line() > 0 {
        error = error.with_position(e.line(), e.column());
    }
    error
}

/// A field or key given twice ("duplicate field `x`", "duplicate key `x`") is a
/// [`ErrorKind::Duplicate`], as a duplicate entity is.
fn duplicate_or(kind: ErrorKind, message: &str) -> ErrorKind {
    if kind == ErrorKind::Format && message.starts_with("duplicate ") {
        ErrorKind::Duplicate
    } else {
        kind
    }
}

/// serde_json appends " at line L column C"; we report the position separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

#[cfg(feature = "toml")]
fn toml_error(
    text: &str,
    document: Option<&serde_json::Value>,
    e: toml::de::Error,
    path: Option<String>,
) -> Error {
    let kind = if path.is_some() {
        ErrorKind::Format
    } else {
        ErrorKind::Syntax
    };
    let message = e.message().trim_end().to_string();
    let mut error = Error::new(duplicate_or(kind, &message), message);
    if let Some(path) = path.filter(|p| p != ".") {
        if let Some(label) = document.and_then(|d| locate::entity_label(d, &path)) {
            error = error.context(label);
        }
        error = error.with_path(path);
    }
    if let Some(span) = e.span() {
        let prefix = text.get(..span.start).unwrap_or("");
        let (line, column) = locate::line_column(prefix, span.start);
        error = error.with_position(line, column);
    }
    error
}

impl crate::scenario::Scenario {
    /// Loads a scenario from JSON text: `{"name": "...", "edits": [...]}`, each edit
    /// an object naming it (`{"remove_channel": {"channel": "facebook"}}`), amounts as
    /// decimal strings (see `docs/model-format.md`). What the edits name is checked
    /// when the scenario is applied to a model.
    ///
    /// # Errors
    /// [`ErrorKind::Syntax`] for text that is not JSON; [`ErrorKind::Format`] for
    /// unknown edits or fields, wrong types and floats in decimal fields, with the
    /// path, line and column.
    ///
    /// # Example
    /// ```
    /// let s = covalence::Scenario::from_json_str(
    ///     r#"{"name": "quit x", "edits": [{"remove_channel": {"channel": "x"}}]}"#)?;
    /// assert_eq!(s.len(), 1);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_json_str(text: &str) -> Result<crate::scenario::Scenario, Error> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(None, e, None))?;
        document::check_edits_shape(value.get("edits"), "edits").map_err(|e| locate::position(text, e))?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            json_error(Some(&value), e.into_inner(), Some(path))
        })
    }

    /// Writes the scenario as pretty-printed JSON, which [`Scenario::from_json_str`]
    /// reads back.
    ///
    /// [`Scenario::from_json_str`]: crate::Scenario::from_json_str
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] for a number JSON cannot hold (an infinite or NaN
    /// share, elasticity or opinion), naming the edit.
    ///
    /// # Example
    /// ```
    /// let s = covalence::Scenario::new("quit x").remove_channel("x");
    /// assert_eq!(covalence::Scenario::from_json_str(&s.to_json_string()?)?, s);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn to_json_string(&self) -> Result<String, Error> {
        if let Some((i, x)) = self.numbers().find(|(_, x)| !x.is_finite()) {
            return Err(
                Error::invalid(format!("{x} cannot be written to JSON")).with_path(format!("edits[{i}]"))
            );
        }
        serde_json::to_string_pretty(self).map_err(|e| Error::new(ErrorKind::Format, e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_loads_and_validates() {
        let model = Model::from_json_str(SAMPLE).unwrap();
        model.validate().unwrap();
    }

    #[test]
    fn json_round_trip_of_the_sample_is_exact() {
        let model = Model::sample();
        let text = model.to_json_string().unwrap();
        let again = Model::from_json_str(&text).unwrap();
        assert_eq!(again.to_json_string().unwrap(), text);
        assert_eq!(again, model);
    }

    #[test]
    fn version_is_checked_first() {
        let err = Model::from_json_str(r#"{"covalence": 2, "whatever": 1}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Version);
        let err = Model::from_json_str(r#"{"settings": {}}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Version);
        let err = Model::from_json_str("[1, 2").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Syntax);
    }
}
