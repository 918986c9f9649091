//! Caps on what the loaders accept, so that hostile or broken input is refused with an
//! error instead of exhausting memory or the stack.

use crate::error::{Error, ErrorKind};

/// Caps on what a loader accepts: the size of the input, the number of entities in
/// it, the length of a key and (in JSON and TOML) how deeply values nest. Exceeding
/// one is an [`ErrorKind::Limit`] error that names the cap, before the input is
/// turned into a model; nothing is allocated in proportion to what lies beyond it.
///
/// The defaults take a million-party network and refuse what no model needs: input of
/// 1 GiB, 50,000,000 entities (parties, relationships, flows and every other listed
/// item together; in CSV, rows), keys of 1,024 bytes, nesting 64 deep (a model file
/// nests 5 deep).
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
    entities: u64,
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
            entities: 50_000_000,
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

    /// The most entities a model file may list (all sections and contexts together),
    /// or rows a CSV import may hold (both files together).
    ///
    /// ```
    /// let limits = covalence::Limits::new().max_entities(1_000);
    /// # let _ = limits;
    /// ```
    pub const fn max_entities(mut self, entities: u64) -> Limits {
        self.entities = entities;
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

    pub(crate) fn check_entities(&self, count: u64) -> Result<(), Error> {
        if count > self.entities {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("more than the limit of {} entities", self.entities),
            ));
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

    /// Checks the nesting of JSON text without parsing it: brackets and braces outside
    /// strings. O(length), no allocation.
    pub(crate) fn check_json_depth(&self, text: &str) -> Result<(), Error> {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
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
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > self.depth {
                        let valid = text.get(..offset).unwrap_or("");
                        let (line, column) = super::locate::line_column(valid, offset);
                        return Err(self.too_deep().with_position(line, column));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks the nesting of a parsed document, without recursion.
    pub(crate) fn check_value_depth(&self, value: &serde_json::Value) -> Result<(), Error> {
        let mut stack = vec![(value, 0usize)];
        while let Some((value, depth)) = stack.pop() {
            let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
                serde_json::Value::Array(items) => Box::new(items.iter()),
                serde_json::Value::Object(map) => Box::new(map.values()),
                _ => continue,
            };
            if depth + 1 > self.depth {
                return Err(self.too_deep());
            }
            stack.extend(children.map(|c| (c, depth + 1)));
        }
        Ok(())
    }

    fn too_deep(&self) -> Error {
        Error::new(
            ErrorKind::Limit,
            format!("values nest deeper than the limit of {}", self.depth),
        )
    }

    /// Checks a parsed model document: entities listed, and the keys and context names.
    pub(crate) fn check_document(&self, doc: &serde_json::Value) -> Result<(), Error> {
        let mut count = 0u64;
        let contexts = doc.get("settings").and_then(|s| s.get("contexts"));
        if let Some(serde_json::Value::Array(names)) = contexts {
            count = count.saturating_add(names.len() as u64);
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
                count = count.saturating_add(items.len() as u64);
                for (i, item) in items.iter().enumerate() {
                    if let Some(key) = item.get("key").and_then(|k| k.as_str()) {
                        self.check_key(key)
                            .map_err(|e| e.with_path(format!("{section}[{i}].key")))?;
                    }
                }
            }
        }
        self.check_entities(count)
    }
}
