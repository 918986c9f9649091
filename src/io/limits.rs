//! Caps on what the loaders accept, so that hostile or broken input is refused with an
//! error instead of exhausting memory or the stack.

use crate::error::{Error, ErrorKind};

/// Caps on what a loader accepts: the size of the input, the items it lists, the
/// length of a key and (in JSON and TOML) how deeply values nest. Exceeding one is an
/// [`ErrorKind::Limit`] error that names the cap. JSON is checked for size, nesting
/// and items before it is parsed; TOML for size and nesting before, and for items
/// after (its parser builds the document first, in memory bounded by the size cap);
/// keys before any entity is built; CSV line by line as it streams, a line being read
/// no further than the longest a row can be.
///
/// The defaults take a million-party network and refuse what no model needs: input of
/// 1 GiB, 50,000,000 items (see [`Limits::max_items`]; in CSV, rows), keys of 1,024
/// bytes, nesting 64 deep (a model file nests 6 deep). The parsers refuse deeper
/// nesting on their own (JSON beyond 128, TOML beyond about 80) as syntax errors,
/// whatever the cap.
///
/// # Example
/// ```
/// use covalence::{ErrorKind, Limits, Model};
///
/// let limits = Limits::new().max_bytes(64);
/// let text = Model::sample().to_json_string()?;
/// let err = Model::from_json_str_with(&text, &limits).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Limit);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    bytes: u64,
    items: u64,
    key_length: usize,
    depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new()
    }
}

impl Limits {
    /// The default caps (see [`Limits`]).
    ///
    /// ```
    /// let limits = covalence::Limits::new();
    /// assert_eq!(limits, covalence::Limits::default());
    /// ```
    pub const fn new() -> Limits {
        Limits {
            bytes: 1 << 30,
            items: 50_000_000,
            key_length: 1024,
            depth: 64,
        }
    }

    /// The largest input in bytes (for CSV, each file).
    ///
    /// ```
    /// let limits = covalence::Limits::new().max_bytes(10 << 20);
    /// # let _ = limits;
    /// ```
    pub const fn max_bytes(mut self, bytes: u64) -> Limits {
        self.bytes = bytes;
        self
    }

    /// The most items a model file may list, every value in every list counting one
    /// (each entity, context and intervention edit, and each party a relationship
    /// names: a relationship counts three), or rows a CSV import may hold (both files
    /// together).
    ///
    /// ```
    /// let limits = covalence::Limits::new().max_items(1_000);
    /// # let _ = limits;
    /// ```
    pub const fn max_items(mut self, items: u64) -> Limits {
        self.items = items;
        self
    }

    /// The longest key, in bytes (also of a context name).
    ///
    /// ```
    /// let limits = covalence::Limits::new().max_key_length(64);
    /// # let _ = limits;
    /// ```
    pub const fn max_key_length(mut self, bytes: usize) -> Limits {
        self.key_length = bytes;
        self
    }

    /// The deepest nesting of arrays and objects (tables) in JSON and TOML.
    ///
    /// ```
    /// let limits = covalence::Limits::new().max_depth(16);
    /// # let _ = limits;
    /// ```
    pub const fn max_depth(mut self, depth: usize) -> Limits {
        self.depth = depth;
        self
    }

    pub(crate) fn check_bytes(&self, bytes: u64, what: &str) -> Result<(), Error> {
        if bytes > self.bytes {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("{what} is larger than the limit of {} bytes", self.bytes),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_items(&self, count: u64) -> Result<(), Error> {
        if count > self.items {
            return Err(self.too_many());
        }
        Ok(())
    }

    pub(crate) fn check_key(&self, key: &str) -> Result<(), Error> {
        if key.len() > self.key_length {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "a key of {} bytes is longer than the limit of {}",
                    key.len(),
                    self.key_length
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn key_length(&self) -> usize {
        self.key_length
    }

    /// Checks JSON text without parsing it: its nesting (brackets and braces outside
    /// strings) and its items (values in arrays). O(length); allocates only a stack
    /// as deep as the nesting allowed.
    pub(crate) fn check_json(&self, text: &str) -> Result<(), Error> {
        let at = |offset: usize, error: Error| {
            let valid = text.get(..offset).unwrap_or("");
            let (line, column) = super::locate::line_column(valid, offset);
            error.with_position(line, column)
        };
        // Per open container, whether it is an array.
        let mut arrays: Vec<bool> = Vec::new();
        let (mut in_string, mut escaped) = (false, false);
        // Whether a value starting here is an item of an array.
        let mut item_next = false;
        let mut items = 0u64;
        for (offset, byte) in text.bytes().enumerate() {
            if in_string {
                match byte {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            if item_next && !byte.is_ascii_whitespace() && byte != b']' {
                item_next = false;
                items += 1;
                if items > self.items {
                    return Err(at(offset, self.too_many()));
                }
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    if arrays.len() >= self.depth {
                        return Err(at(offset, self.too_deep()));
                    }
                    arrays.push(byte == b'[');
                    item_next = byte == b'[';
                }
                b']' | b'}' => {
                    arrays.pop();
                    item_next = false;
                }
                b',' => item_next = arrays.last() == Some(&true),
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks the nesting of TOML text without parsing it: brackets and braces
    /// outside strings and comments (a table header counts as its brackets).
    #[cfg(feature = "toml")]
    pub(crate) fn check_toml_depth(&self, text: &str) -> Result<(), Error> {
        let bytes = text.as_bytes();
        let from = |i: usize, pattern: &[u8]| bytes.get(i..).is_some_and(|rest| rest.starts_with(pattern));
        // The end of a string opened at `i` by `quote` (one or three of them), or of
        // a comment: the index just past it.
        let skip = |i: usize, quote: &[u8], escapes: bool, stop_at_line_end: bool| {
            let mut j = i + quote.len();
            while j < bytes.len() {
                if escapes && bytes.get(j) == Some(&b'\\') {
                    j += 2;
                    continue;
                }
                if stop_at_line_end && bytes.get(j) == Some(&b'\n') {
                    return j;
                }
                if from(j, quote) {
                    return j + quote.len();
                }
                j += 1;
            }
            j
        };
        let (mut i, mut depth) = (0usize, 0usize);
        while let Some(&byte) = bytes.get(i) {
            i = match byte {
                b'#' => skip(i, b"\n", false, false),
                b'"' if from(i, b"\"\"\"") => skip(i, b"\"\"\"", true, false),
                b'"' => skip(i, b"\"", true, true),
                b'\'' if from(i, b"\'\'\'") => skip(i, b"\'\'\'", false, false),
                b'\'' => skip(i, b"\'", false, true),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > self.depth {
                        let valid = text.get(..i).unwrap_or("");
                        let (line, column) = super::locate::line_column(valid, i);
                        return Err(self.too_deep().with_position(line, column));
                    }
                    i + 1
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i + 1
                }
                _ => i + 1,
            };
        }
        Ok(())
    }

    /// Checks a parsed document's nesting and items (values in arrays), without
    /// recursion.
    #[cfg(feature = "toml")]
    pub(crate) fn check_value(&self, value: &serde_json::Value) -> Result<(), Error> {
        let mut stack = vec![(value, 0usize)];
        let mut items = 0u64;
        while let Some((value, depth)) = stack.pop() {
            let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
                serde_json::Value::Array(values) => {
                    items = items.saturating_add(values.len() as u64);
                    Box::new(values.iter())
                }
                serde_json::Value::Object(map) => Box::new(map.values()),
                _ => continue,
            };
            if depth + 1 > self.depth {
                return Err(self.too_deep());
            }
            if items > self.items {
                return Err(self.too_many());
            }
            stack.extend(children.map(|c| (c, depth + 1)));
        }
        Ok(())
    }

    fn too_many(&self) -> Error {
        Error::new(
            ErrorKind::Limit,
            format!("more than the limit of {} items", self.items),
        )
    }

    fn too_deep(&self) -> Error {
        Error::new(
            ErrorKind::Limit,
            format!("values nest deeper than the limit of {}", self.depth),
        )
    }

    /// Checks the keys and context names of a parsed model document.
    pub(crate) fn check_keys(&self, doc: &serde_json::Value) -> Result<(), Error> {
        let contexts = doc.get("settings").and_then(|s| s.get("contexts"));
        if let Some(serde_json::Value::Array(names)) = contexts {
            for (i, name) in names.iter().enumerate() {
                if let Some(name) = name.as_str() {
                    self.check_key(name)
                        .map_err(|e| e.with_path(format!("settings.contexts[{i}]")))?;
                }
            }
        }
        if let Some(map) = doc.as_object() {
            for (section, items) in map {
                let serde_json::Value::Array(items) = items else {
                    continue;
                };
                for (i, item) in items.iter().enumerate() {
                    if let Some(key) = item.get("key").and_then(|k| k.as_str()) {
                        self.check_key(key)
                            .map_err(|e| e.with_path(format!("{section}[{i}].key")))?;
                    }
                }
            }
        }
        Ok(())
    }
}
