//! The crate's one error type.

use std::fmt;

/// What went wrong, in a form a program can branch on.
///
/// The message of an [`Error`] is for people; its kind is for code. New kinds may be
/// added in minor releases, so match with a wildcard arm.
///
/// # Example
/// ```
/// use covalence::{ErrorKind, Fraction};
/// use rust_decimal::dec;
///
/// let err = Fraction::new(dec!(1.5)).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidValue);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A model file is not well-formed JSON or TOML, or not UTF-8.
    Syntax,
    /// A model file is well-formed but has the wrong shape: an unknown or missing
    /// field, a value of the wrong type, a float where a decimal string is required.
    Format,
    /// A model file declares a format version this crate does not read.
    Version,
    /// A value outside its documented range (a share of 1.5, zero members, NaN), or a
    /// model-wide rule broken (no focal organization, two of them).
    InvalidValue,
    /// Something that must be unique is not: an entity key, a relationship between
    /// the same two parties, a presence, an overlap, an observation, a context.
    Duplicate,
    /// An id or key that names nothing in the model (a dangling reference).
    NotFound,
    /// A reference to the wrong kind of entity (a channel where a party is required),
    /// or a link from an entity to itself.
    InvalidReference,
    /// A removal refused because other entities still name the one being removed.
    InUse,
    /// Two amounts in different currencies were combined, or an amount is not in the
    /// model's currency.
    CurrencyMismatch,
    /// Checked arithmetic overflowed.
    Overflow,
    /// Checked arithmetic divided by zero.
    DivisionByZero,
    /// An iterative analysis (reputation) did not converge within its iteration cap.
    NoConvergence,
    /// Input beyond a configured cap of [`Limits`](crate::Limits): too many bytes,
    /// entities or rows, a key too long, values nested too deep.
    Limit,
    /// A model outgrew what its ids can count (more than `u32::MAX` additions of one
    /// kind of entity over its lifetime).
    Capacity,
}

/// The error returned by every fallible operation of this crate.
///
/// It is small (one pointer) and opaque: [`Error::kind`] classifies it, `Display`
/// explains it, naming the entity key and the field at fault. Errors from model files
/// also carry the [path](Error::path) to the bad field and, for JSON, its
/// [line](Error::line) and [column](Error::column).
///
/// # Example
/// ```
/// use covalence::{ErrorKind, Model};
///
/// let err = Model::from_json_str(r#"{"covalence": 7}"#).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Version);
/// assert!(err.to_string().contains("version 7"));
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    path: Option<String>,
    position: Option<(usize, usize)>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            path: None,
            position: None,
        }))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidValue, message)
    }

    pub(crate) fn overflow(what: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Overflow, format!("{what} overflows"))
    }

    /// Sets the path to the bad field in a model file, unless one is already set.
    pub(crate) fn with_path(mut self, path: impl Into<String>) -> Error {
        if self.0.path.is_none() {
            self.0.path = Some(path.into());
        }
        self
    }

    /// Sets the path to the bad field, replacing any set before.
    pub(crate) fn set_path(mut self, path: impl Into<String>) -> Error {
        self.0.path = Some(path.into());
        self
    }

    /// Sets the 1-based line and column in a model file, unless already set.
    pub(crate) fn with_position(mut self, line: usize, column: usize) -> Error {
        if self.0.position.is_none() {
            self.0.position = Some((line, column));
        }
        self
    }

    /// Puts the path under `prefix`: `members` becomes `constituents[0].members`.
    pub(crate) fn under(mut self, prefix: &str) -> Error {
        self.0.path = Some(match self.0.path.take() {
            Some(path) if path.starts_with('[') => format!("{prefix}{path}"),
            Some(path) => format!("{prefix}.{path}"),
            None => prefix.to_string(),
        });
        self
    }

    /// Prefixes the message with context, such as the entity it concerns.
    pub(crate) fn context(mut self, context: impl fmt::Display) -> Error {
        self.0.message = format!("{context}: {}", self.0.message);
        self
    }

    /// The kind of error, for programs to branch on.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, ErrorKind};
    ///
    /// assert_eq!(Currency::new("usd").unwrap_err().kind(), ErrorKind::InvalidValue);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The path to the bad field of a model file (`flows[3].value`), when the error
    /// came from a loader.
    ///
    /// # Example
    /// ```
    /// use covalence::Model;
    ///
    /// let mut doc: serde_json::Value = serde_json::from_str(&Model::sample().to_json_string()?)?;
    /// doc["constituents"][0]["members"] = serde_json::json!(0);
    /// let err = Model::from_json_str(&doc.to_string()).unwrap_err();
    /// assert_eq!(err.path(), Some("constituents[0].members"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }

    /// The 1-based line of the bad field in a JSON model file, when known.
    ///
    /// # Example
    /// ```
    /// use covalence::Model;
    ///
    /// let err = Model::from_json_str("{\n  \"covalence\": 1,\n  \"nonsense\": true\n}").unwrap_err();
    /// assert_eq!(err.line(), Some(3));
    /// ```
    pub fn line(&self) -> Option<usize> {
        self.0.position.map(|(line, _)| line)
    }

    /// The 1-based column of the bad field in a JSON model file, when known.
    ///
    /// # Example
    /// ```
    /// use covalence::Model;
    ///
    /// let err = Model::from_json_str("{\"covalence\": 1, \"nonsense\": true}").unwrap_err();
    /// assert!(err.column().is_some());
    /// ```
    pub fn column(&self) -> Option<usize> {
        self.0.position.map(|(_, column)| column)
    }
}

impl fmt::Display for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self;
        if let Some((line, column)) = inner.position {
            write!(f, "line {line}, column {column}: ")?;
        }
        if let Some(path) = &inner.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("path", &self.0.path)
            .field("position", &self.0.position)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_puts_position_and_path_before_the_message() {
        let err = Error::invalid("members must be >= 1, got 0")
            .context("constituent `customers`")
            .with_path("constituents[0].members")
            .with_position(4, 17);
        assert_eq!(
            err.to_string(),
            "line 4, column 17: constituents[0].members: constituent `customers`: members must be >= 1, got 0"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
    }

    #[test]
    fn first_path_and_position_win() {
        let err = Error::invalid("x")
            .with_path("a")
            .with_path("b")
            .with_position(1, 1)
            .with_position(2, 2);
        assert_eq!(err.path(), Some("a"));
        assert_eq!(err.line(), Some(1));
    }

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
