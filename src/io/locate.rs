//! Finds where in a JSON file a path such as `flows[3].value` points, and which entity
//! it is in, so that error messages can say "line 42, column 16: flows[3].value: flow
//! `sales`: ...". Only runs when there is an error to report.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::error::Error;

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `flows[3].trust.harbor` into its segments. Keys holding `.` or `[` cannot be
/// told apart from the path syntax; such paths simply are not located.
fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (part.get(..i)?, part.get(i..)?),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']')?;
            out.push(Segment::Index(stripped.get(..end)?.parse().ok()?));
            rest = stripped.get(end + 1..)?;
        }
    }
    Some(out)
}

/// The byte offset in `text` of the value at `path`.
fn offset(text: &str, path: &str) -> Option<usize> {
    let mut current: &RawValue = serde_json::from_str(text).ok()?;
    for segment in segments(path)? {
        current = match segment {
            Segment::Key(key) => {
                let map: BTreeMap<String, &RawValue> = serde_json::from_str(current.get()).ok()?;
                *map.get(key)?
            }
            Segment::Index(i) => {
                let list: Vec<&RawValue> = serde_json::from_str(current.get()).ok()?;
                *list.get(i)?
            }
        };
    }
    // Borrowed raw values are slices of `text` itself.
    (current.get().as_ptr() as usize).checked_sub(text.as_ptr() as usize)
}

/// The 1-based line and column of byte `offset`, given the text before it.
pub(crate) fn line_column(before: &str, offset: usize) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

/// Adds the line and column of the error's path in a JSON file, when it can be found.
pub(crate) fn position(text: &str, error: Error) -> Error {
    position_with(text, error, offset)
}

/// Adds the line and column of the error's path in a TOML file, when it can be found.
#[cfg(feature = "toml")]
pub(crate) fn toml_position(text: &str, error: Error) -> Error {
    position_with(text, error, toml_offset)
}

/// The byte offset in TOML `text` of the value at `path`.
#[cfg(feature = "toml")]
fn toml_offset(text: &str, path: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(text).ok()?;
    let mut span = document.span();
    let mut table: Option<&DeTable<'_>> = Some(document.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    for segment in segments(path)? {
        let next = match (segment, table, value) {
            (Segment::Key(key), Some(t), _) => t
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(_, v)| v)?,
            (Segment::Index(i), _, Some(DeValue::Array(items))) => items.get(i)?,
            _ => return None,
        };
        span = next.span();
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
        value = Some(next.get_ref());
    }
    Some(span.start)
}

fn position_with(text: &str, error: Error, offset: impl Fn(&str, &str) -> Option<usize>) -> Error {
    let found = error.path().and_then(|path| {
        // A path may end in a field the file left out: fall back to its parent.
        let mut path = path;
        loop {
            if let Some(at) = offset(text, path) {
                return Some(at);
            }
            path = path.get(..path.rfind(['.', '['])?)?;
        }
    });
    match found {
        Some(at) => {
            let (line, column) = line_column(text.get(..at).unwrap_or(""), at);
            error.with_position(line, column)
        }
        None => error,
    }
}

/// "flow `sales`" for a path under `flows[3]`, from the entity's `key` (or
/// `between`, for links without one).
pub(crate) fn entity_label(document: &serde_json::Value, path: &str) -> Option<String> {
    let parts = segments(path)?;
    let (Some(Segment::Key(section)), Some(Segment::Index(index))) = (parts.first(), parts.get(1)) else {
        return None;
    };
    let noun = match *section {
        "organizations" => "organization",
        "constituents" => "constituent",
        "channels" => "channel",
        "activities" => "activity",
        "flows" => "flow",
        "relationships" => "relationship",
        "overlaps" => "overlap",
        "presences" => "presence",
        "observations" => "observation",
        _ => return None,
    };
    let entity = document.get(section)?.get(index)?;
    let name = |v: &serde_json::Value| v.as_str().map(|s| s.chars().take(40).collect::<String>());
    if let Some(key) = entity.get("key").and_then(name) {
        return Some(format!("{noun} `{key}`"));
    }
    if let Some([a, b]) = entity
        .get("between")
        .and_then(|b| b.as_array())
        .map(Vec::as_slice)
    {
        return Some(format!("{noun} `{}`–`{}`", name(a)?, name(b)?));
    }
    if let (Some(party), Some(channel)) = (
        entity.get("party").and_then(name),
        entity.get("channel").and_then(name),
    ) {
        return Some(format!("{noun} of `{party}` on `{channel}`"));
    }
    if let (Some(by), Some(about)) = (
        entity.get("by").and_then(name),
        entity.get("about").and_then(name),
    ) {
        return Some(format!("{noun} by `{by}` about `{about}`"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "{\n  \"flows\": [\n    {\"key\": \"a\"},\n    {\"key\": \"sales\", \"value\": 1.5}\n  ]\n}";

    #[test]
    fn finds_the_line_and_column_of_a_path() {
        let at = offset(TEXT, "flows[1].value").unwrap();
        assert_eq!(TEXT.get(at..at + 3), Some("1.5"));
        assert_eq!(line_column(TEXT.get(..at).unwrap(), at), (4, 31));
        assert_eq!(offset(TEXT, "flows[7]"), None);
    }

    #[test]
    fn names_the_entity_under_a_path() {
        assert_eq!(
            entity_label(&serde_json::from_str(TEXT).unwrap(), "flows[1].value").as_deref(),
            Some("flow `sales`")
        );
        assert_eq!(
            entity_label(&serde_json::from_str(TEXT).unwrap(), "settings.currency"),
            None
        );
    }

    #[test]
    fn missing_fields_are_located_at_their_parent() {
        let e = position(TEXT, Error::invalid("x").with_path("flows[1].cost"));
        assert_eq!(e.line(), Some(4));
    }
}
