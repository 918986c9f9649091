//! CSV import: a relationship network as it comes from a CRM or a network tool, an edge
//! list (`source,target,trust`) and group sizes (`key,members`).

use std::io::{BufRead, Read};

use hashbrown::HashMap;

use crate::error::{Error, ErrorKind};
use crate::io::Limits;
use crate::model::{Constituent, Model, Organization, PartyId, RelationshipKind, Role, Settings};
use crate::trust::Opinion;

/// How [`Model::from_csv`] builds a model.
///
/// # Example
/// ```
/// use covalence::{CsvOptions, Currency, Period, RelationshipKind, Settings};
///
/// let options = CsvOptions::new("0")
///     .settings(Settings::new(Period::Year, Currency::EUR))
///     .kind(RelationshipKind::Responsive);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CsvOptions {
    focal: String,
    settings: Settings,
    kind: RelationshipKind,
    role: Role,
    limits: Limits,
}

impl CsvOptions {
    /// Import with `focal` as the focal organization's key, yearly amounts in USD,
    /// informational relationships, groups of the `community` role.
    ///
    /// ```
    /// let options = covalence::CsvOptions::new("acme");
    /// # let _ = options;
    /// ```
    pub fn new(focal: impl Into<String>) -> CsvOptions {
        CsvOptions {
            focal: focal.into(),
            settings: Settings::new(crate::model::Period::Year, crate::money::Currency::USD),
            kind: RelationshipKind::Informational,
            role: Role::Community,
            limits: Limits::new(),
        }
    }

    /// The model's settings.
    ///
    /// ```
    /// use covalence::{Currency, Period, Settings};
    /// let options = covalence::CsvOptions::new("0").settings(Settings::new(Period::Month, Currency::GBP));
    /// # let _ = options;
    /// ```
    pub fn settings(mut self, settings: Settings) -> CsvOptions {
        self.settings = settings;
        self
    }

    /// The kind of every imported relationship.
    ///
    /// ```
    /// let options = covalence::CsvOptions::new("0").kind(covalence::RelationshipKind::Collaborative);
    /// # let _ = options;
    /// ```
    pub fn kind(mut self, kind: RelationshipKind) -> CsvOptions {
        self.kind = kind;
        self
    }

    /// The role of every imported group.
    ///
    /// ```
    /// let options = covalence::CsvOptions::new("0").role(covalence::Role::Customer);
    /// # let _ = options;
    /// ```
    pub fn role(mut self, role: Role) -> CsvOptions {
        self.role = role;
        self
    }

    /// The caps on the files (default [`Limits::new`]): bytes of each file, rows of
    /// both together, key length. A line longer than two keys and a trust value can be
    /// is refused before it is read whole.
    ///
    /// ```
    /// let options = covalence::CsvOptions::new("0").limits(covalence::Limits::new().max_items(10_000));
    /// # let _ = options;
    /// ```
    pub fn limits(mut self, limits: Limits) -> CsvOptions {
        self.limits = limits;
        self
    }
}

/// Keys to the import's party indices. Keys that are whole numbers written plainly
/// (`0`, `17`, not `017`), as network tools number nodes, index an array when they are
/// not far beyond the number of keys; keys of up to 15 bytes are packed into an
/// integer held inline in a hash table; longer ones are kept as strings. A lookup in
/// the array or the packed table touches no memory beyond it. While the numbered keys
/// come as a run `k, k + 1, ...` with indices rising with them, as members files
/// numbered in order do, a number in the run is its index plus a constant, and its
/// lookup touches no memory at all.
#[derive(Default)]
struct KeyMap {
    numbered: Vec<u32>,
    short: HashMap<u128, u32>,
    long: HashMap<Box<str>, u32>,
    count: usize,
    /// The run of numbered keys kept without the array: `(first number, index minus
    /// number, length)`; `None` once the numbered keys left a run.
    run: Option<(usize, i64, usize)>,
}

impl KeyMap {
    /// The number a key plainly writes, if any: up to 9 digits, no leading zero.
    fn number(key: &str) -> Option<usize> {
        let bytes = key.as_bytes();
        if bytes.is_empty() || bytes.len() > 9 || (bytes.len() > 1 && bytes.first() == Some(&b'0')) {
            return None;
        }
        bytes.iter().try_fold(0usize, |n, &b| {
            // Nine digits stay below 10^9: no overflow.
            b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
        })
    }

    fn pack(key: &str) -> Option<u128> {
        let bytes = key.as_bytes();
        (bytes.len() < 16).then(|| {
            let mut packed = [0u8; 16];
            if let Some(head) = packed.get_mut(..bytes.len()) {
                head.copy_from_slice(bytes);
            }
            if let Some(last) = packed.last_mut() {
                *last = bytes.len() as u8;
            }
            u128::from_le_bytes(packed)
        })
    }

    /// Indexes a key not indexed yet.
    fn insert(&mut self, key: &str, index: u32) {
        self.count += 1;
        if let Some(n) = KeyMap::number(key)
            && n < 4 * self.count + 1024
        {
            let offset = i64::from(index) - n as i64;
            match &mut self.run {
                None if self.numbered.is_empty() => {
                    self.run = Some((n, offset, 1));
                    return;
                }
                Some((first, o, length)) if *o == offset && n == *first + *length => {
                    *length += 1;
                    return;
                }
                Some((first, o, length)) => {
                    // The run ends: its keys go to the array, as the others do.
                    let (first, o, length) = (*first, *o, *length);
                    self.run = None;
                    for m in first..first + length {
                        self.place(m, (m as i64 + o) as u32);
                    }
                }
                None => {}
            }
            self.place(n, index);
            return;
        }
        match KeyMap::pack(key) {
            Some(packed) => self.short.insert(packed, index),
            None => self.long.insert(key.into(), index),
        };
    }

    /// Puts a numbered key in the array.
    fn place(&mut self, n: usize, index: u32) {
        if n >= self.numbered.len() {
            self.numbered
                .resize((n + 1).max(self.numbered.len() * 5 / 4), u32::MAX);
        }
        if let Some(slot) = self.numbered.get_mut(n) {
            *slot = index;
        }
    }

    fn get(&self, key: &str) -> Option<u32> {
        if let Some(n) = KeyMap::number(key) {
            if let Some((first, offset, length)) = self.run
                && n >= first
                && n < first + length
            {
                return u32::try_from(n as i64 + offset).ok();
            }
            if let Some(&index) = self.numbered.get(n)
                && index != u32::MAX
            {
                return Some(index);
            }
        }
        match KeyMap::pack(key) {
            Some(packed) => self.short.get(&packed).copied(),
            None => self.long.get(key).copied(),
        }
    }
}

/// Reads lines one at a time into one buffer: the text is never held whole, and no
/// line is read beyond the longest a row can be.
struct Lines<R> {
    reader: R,
    /// The current line, checked to be UTF-8.
    buffer: String,
    line: usize,
    name: &'static str,
    /// Bytes read so far.
    read: u64,
    limits: Limits,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, name: &'static str, limits: Limits) -> Lines<R> {
        Lines {
            reader,
            buffer: String::new(),
            line: 0,
            name,
            read: 0,
            limits,
        }
    }

    /// The longest line worth reading, line break excluded: two keys, a number and
    /// separators.
    fn longest_line(&self) -> u64 {
        (self.limits.key_length() as u64)
            .saturating_mul(2)
            .saturating_add(64)
    }

    /// Moves to the next line with data; `false` at the end. Blank lines are skipped;
    /// a header (the first line, when it is exactly `header`) too.
    fn advance(&mut self, header: &str) -> Result<bool, Error> {
        loop {
            // The buffer's allocation, reused line after line.
            let mut bytes = std::mem::take(&mut self.buffer).into_bytes();
            bytes.clear();
            let longest = self.longest_line();
            // Room for the line, `\r\n`, and one byte more to tell a line too long.
            let read = (&mut self.reader)
                .take(longest.saturating_add(3))
                .read_until(b'\n', &mut bytes)
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Syntax,
                        format!("{}: cannot read line {}: {e}", self.name, self.line + 1),
                    )
                    .set_path(self.name)
                    .with_position(self.line + 1, 1)
                })?;
            if read == 0 {
                return Ok(false);
            }
            self.line += 1;
            self.read = self.read.saturating_add(read as u64);
            self.limits
                .check_bytes(self.read, self.name)
                .map_err(|e| e.set_path(self.name).with_position(self.line, 1))?;
            let content = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if content.len() as u64 > longest {
                return Err(self.error(
                    ErrorKind::Limit,
                    format!("the line is longer than the limit of {longest} bytes"),
                ));
            }
            self.buffer = String::from_utf8(bytes).map_err(|e| {
                let at = e.utf8_error().valid_up_to();
                Error::new(
                    ErrorKind::Syntax,
                    format!("{}: line {} is not UTF-8 (byte {})", self.name, self.line, at + 1),
                )
                .set_path(self.name)
                .with_position(self.line, at + 1)
            })?;
            let text = self.text();
            if trim(text).is_empty() || (self.line == 1 && text.trim().eq_ignore_ascii_case(header)) {
                continue;
            }
            return Ok(true);
        }
    }

    /// The current line, without its line break (or a leading byte-order mark).
    fn text(&self) -> &str {
        let text = self.buffer.trim_end_matches(['\n', '\r']);
        if self.line == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            text
        }
    }

    fn error(&self, kind: ErrorKind, message: impl std::fmt::Display) -> Error {
        row_error(self.name, self.line, kind, message)
    }
}

/// A line's `N` comma-separated fields, trimmed; `None` if it has another number.
fn fields<const N: usize>(text: &str) -> Option<[&str; N]> {
    let mut out = [""; N];
    let mut rest = Some(text);
    for slot in &mut out {
        let field = rest?;
        // A comma is one byte, never inside another character's bytes.
        match field.bytes().position(|b| b == b',') {
            Some(at) => {
                *slot = trim(field.get(..at)?);
                rest = field.get(at + 1..);
            }
            None => {
                *slot = trim(field);
                rest = None;
            }
        }
    }
    rest.is_none().then_some(out)
}

/// `text` without surrounding whitespace, as [`str::trim`]; with no scan when it
/// starts and ends with a visible ASCII character, as fields mostly do.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// A number as [`str::parse`] reads it, the same to the bit; faster for plain decimals
/// of up to 15 digits (`0.8`, `1`, `.25`): read as a whole number divided by a power of
/// ten, both exact in an `f64`, so that the division's one rounding gives the correctly
/// rounded value, as `parse` does (Clinger's fast path).
fn decimal(text: &str) -> Result<f64, std::num::ParseFloatError> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (mut whole, mut digits, mut point) = (0u64, 0usize, None);
    for &b in text.as_bytes() {
        match b {
            // At most 15 digits are added up: below 10^15, no overflow.
            b'0'..=b'9' if digits < 15 => {
                whole = whole * 10 + u64::from(b - b'0');
                digits += 1;
            }
            b'.' if point.is_none() => point = Some(digits),
            _ => return text.parse(),
        }
    }
    match POWERS.get(digits.saturating_sub(point.unwrap_or(digits))) {
        Some(power) if digits > 0 => Ok(whole as f64 / power),
        _ => text.parse(),
    }
}

/// An error in row `line` of file `name`.
fn row_error(name: &'static str, line: usize, kind: ErrorKind, message: impl std::fmt::Display) -> Error {
    Error::new(kind, message.to_string())
        .set_path(name)
        .with_position(line, 1)
}

/// Lines of a file, as read, passed from the reading thread to the one handling them
/// (see [`in_blocks`]): their text end to end, and where each ends with its line
/// number.
#[derive(Default)]
struct Block {
    text: String,
    ends: Vec<(usize, usize)>,
}

impl Block {
    /// Lines the first block holds before it is passed on; each next one holds twice
    /// as many, up to [`Block::LINES`].
    const FIRST: usize = 256;
    /// Lines a block holds at most.
    const LINES: usize = 16_384;

    fn push(&mut self, line: &str, number: usize) {
        self.text.push_str(line);
        self.ends.push((self.text.len(), number));
    }

    /// Each line's text and number.
    fn lines(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(end, number)| {
            let line = self.text.get(start..end).unwrap_or_default();
            start = end;
            (line, number)
        })
    }
}

/// One row of the edges file: `(source, target, trust, line)`, the parties by their
/// import indices; `read` counts rows, against the item cap.
fn edge_row(
    text: &str,
    line: usize,
    index: &KeyMap,
    limits: &Limits,
    read: &mut u64,
) -> Result<(u32, u32, f64, usize), Error> {
    let error = |kind, message: String| row_error("edges", line, kind, message);
    let Some([a, b, t]) = fields::<3>(text) else {
        return Err(error(
            ErrorKind::Format,
            "expected three fields, `source,target,trust`".into(),
        ));
    };
    *read += 1;
    limits
        .check_items(*read)
        .map_err(|e| error(e.kind(), e.to_string()))?;
    let value = decimal(t).map_err(|_| error(ErrorKind::Format, format!("trust `{t}` is not a number")))?;
    Opinion::from_score(value).map_err(|e| error(ErrorKind::InvalidValue, e.to_string()))?;
    let find = |key: &str| {
        index
            .get(key)
            .ok_or_else(|| error(ErrorKind::NotFound, format!("`{key}` is not in members")))
    };
    let (ia, ib) = (find(a)?, find(b)?);
    if ia == ib {
        return Err(error(
            ErrorKind::InvalidReference,
            format!("`{a}` cannot trust itself"),
        ));
    }
    Ok((ia, ib, value, line))
}

impl Model {
    /// Builds a model from a relationship network in CSV, streamed a line at a time:
    ///
    /// - `members`: `key,members` rows (a header line `key,members` is skipped): one
    ///   constituent group per key, with its number of members (at least 1); the row
    ///   whose key is the focal one makes the focal organization instead (its members
    ///   are not counted);
    /// - `edges`: `source,target,trust` rows (header `source,target,trust` skipped):
    ///   the source's trust in the target, a projected probability in `[0, 1]` (taken as
    ///   the opinion [`Opinion::from_score`]). Rows `a,b` and `b,a` are one
    ///   relationship with trust in both directions; the same ordered pair twice is an
    ///   error (policy: a network tool that writes one row per ordered pair never repeats
    ///   one, so a repeat is a mistake, not an update).
    ///
    /// Every key an edge names must be in `members`; the focal key need not be (the
    /// organization is made either way). Relationships get the options' kind, groups
    /// their role.
    ///
    /// Built for networks of millions of rows: with a second core, each file's lines are
    /// read on one thread and handled on another, in blocks as they are read; each edge
    /// line is parsed into 24 bytes per row (the two parties, the trust, the line); the rows are then sorted by source and
    /// target, so that a repeat shows and each party's trust lies together, and the
    /// relationships are added in bulk. Keys that are plain whole numbers (`0`, `17`), as
    /// network tools number nodes, are looked up in an array. Of the errors in a row
    /// itself, the first in file order is reported, once the block of lines holding it
    /// is read (at most 16,384 lines, fewer near the start of the file); reading stops
    /// at the next line read, a few blocks queued for parsing ahead at most. A repeated pair is reported after the whole file is read, at the
    /// line of its first repeat.
    ///
    /// Relationships are stored in order of their first party, then their second (in
    /// the order of parties: the focal organization, then `members` in file order). A
    /// relationship's first party is its row's source; for a pair given both ways, the
    /// party listed earlier. Analyses then find each party's trust in one place. With a
    /// second core, that trust is laid out for analysis there while the model is built:
    /// the model comes with the snapshot its first analysis would otherwise build
    /// (about 16 bytes a row), and with that trust laid out by trusted party for
    /// [`Model::reputation`] (about 12.5 bytes a row), both dropped by the first edit.
    ///
    /// # Errors
    /// With the file as the path (`members` or `edges`) and the line:
    /// [`ErrorKind::Format`] for a row
    /// without the right number of fields or a field that is not a number;
    /// [`ErrorKind::InvalidValue`] for trust outside `[0, 1]`, members of 0 or a bad
    /// key; [`ErrorKind::Duplicate`] for a key given twice or an ordered pair
    /// repeated; [`ErrorKind::NotFound`] for an edge naming a key not in `members`;
    /// [`ErrorKind::InvalidReference`] for a party trusting itself;
    /// [`ErrorKind::Syntax`] for unreadable input.
    ///
    /// # Example
    /// ```
    /// use covalence::{CsvOptions, Model};
    ///
    /// let members = "key,members\nshop,1\nfans,120\ncritics,30\n";
    /// let edges = "source,target,trust\nfans,shop,0.8\nshop,fans,0.9\ncritics,shop,0.2\n";
    /// let model = Model::from_csv(edges.as_bytes(), members.as_bytes(), &CsvOptions::new("shop"))?;
    /// assert_eq!(model.constituents().count(), 2);
    /// assert_eq!(model.relationship_count(), 2);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn from_csv(
        edges: impl BufRead,
        members: impl BufRead,
        options: &CsvOptions,
    ) -> Result<Model, Error> {
        let mut model = Model::new(options.settings.clone(), Organization::new(options.focal.clone()))?;
        // Each key's party, by an index of the import's own: the focal organization
        // first, then the groups in file order.
        let parties: Vec<PartyId> = vec![model.focal().into()];
        let mut index = KeyMap::default();
        index.insert(&options.focal, 0);
        let limits = options.limits;
        let threaded = std::thread::available_parallelism().map_or(1, usize::from) > 1;
        let add = |block: &Block, groups: &mut Groups<'_>| {
            for (text, line) in block.lines() {
                let error = |kind, message: String| row_error("members", line, kind, message);
                let Some([key, count]) = fields::<2>(text) else {
                    return Err(error(
                        ErrorKind::Format,
                        "expected two fields, `key,members`".into(),
                    ));
                };
                let count: u64 = count.parse().map_err(|_| {
                    error(
                        ErrorKind::Format,
                        format!("members `{count}` is not a whole number"),
                    )
                })?;
                groups.read += 1;
                limits
                    .check_items(groups.read)
                    .and_then(|()| limits.check_key(key))
                    .map_err(|e| error(e.kind(), e.to_string()))?;
                if key == options.focal {
                    continue;
                }
                let id = groups
                    .model
                    .add_constituent(Constituent::new(key, options.role.clone(), count))
                    .map_err(|e| error(e.kind(), e.to_string()))?;
                let at = u32::try_from(groups.parties.len())
                    .map_err(|_| error(ErrorKind::Capacity, "too many groups".into()))?;
                groups.parties.push(id.into());
                groups.index.insert(key, at);
            }
            Ok(())
        };
        let groups = Groups {
            model: &mut model,
            parties,
            index,
            read: 0,
        };
        let (groups, error) = in_blocks(
            &mut Lines::new(members, "members", limits),
            "key,members",
            threaded,
            groups,
            &add,
        );
        if let Some(e) = error {
            return Err(e);
        }
        let Groups {
            parties,
            index,
            read: rows_read,
            ..
        } = groups;
        // Every row as (source, target, trust, line); then sorted by source and target,
        // so that a repeated pair shows.
        let parse = |block: &Block, parsed: &mut (Vec<(u32, u32, f64, usize)>, u64)| {
            for (text, line) in block.lines() {
                parsed
                    .0
                    .push(edge_row(text, line, &index, &limits, &mut parsed.1)?);
            }
            Ok::<(), Error>(())
        };
        let ((mut trust, _), errors) = in_blocks(
            &mut Lines::new(edges, "edges", limits),
            "source,target,trust",
            threaded,
            (Vec::new(), rows_read),
            &parse,
        );
        if let Some(e) = errors {
            return Err(e);
        }
        drop(index);
        // Rows are counted in 32 bits from here on.
        if u32::try_from(trust.len()).is_err() {
            return Err(Error::new(
                ErrorKind::Capacity,
                format!(
                    "{} edge rows are more than an import takes (4,294,967,295)",
                    trust.len()
                ),
            )
            .set_path("edges"));
        }
        sort_rows(&mut trust, parties.len());
        // The first repeat in file order: the later line of each repeated ordered pair.
        let repeat = trust
            .windows(2)
            .filter_map(|w| match w {
                [x, y] if (x.0, x.1) == (y.0, y.1) => Some(y.3),
                _ => None,
            })
            .min();
        if let Some(line) = repeat {
            let (a, b) = trust
                .windows(2)
                .find_map(|w| match w {
                    [x, y] if y.3 == line && (x.0, x.1) == (y.0, y.1) => Some((y.0, y.1)),
                    _ => None,
                })
                .unwrap_or((0, 0));
            let key = |i: u32| {
                parties
                    .get(i as usize)
                    .and_then(|p| model.party_key(*p).ok())
                    .unwrap_or("")
            };
            return Err(Error::new(
                ErrorKind::Duplicate,
                format!("the pair `{}`,`{}` is given twice", key(a), key(b)),
            )
            .set_path("edges")
            .with_position(line, 1));
        }
        // Each party's rows, and whether each row's reverse is given too: a pair given
        // both ways is one relationship, at the row of its lower party (its first).
        let mut starts = vec![0u32; parties.len() + 1];
        for r in &trust {
            if let Some(c) = starts.get_mut(r.0 as usize + 1) {
                *c += 1;
            }
        }
        crate::snapshot::running_sums(&mut starts);
        // The place of the row `b,a`, if given.
        let reverse = |a: u32, b: u32| {
            let from = starts.get(b as usize).copied().unwrap_or(0) as usize;
            let to = starts.get(b as usize + 1).copied().unwrap_or(0) as usize;
            let row = trust.get(from..to).unwrap_or_default();
            row.binary_search_by_key(&a, |r| r.1).ok().map(|k| from + k)
        };
        let mut paired = vec![false; trust.len()];
        {
            // A row from a higher party to a lower one is looked up (in the lower
            // party's rows, scattered in memory) only where a filter of the rows from
            // lower to higher parties, of about eight bits a row, says it may be given.
            let bits = (trust.len().saturating_mul(8)).next_power_of_two().max(64);
            let shift = 64 - bits.trailing_zeros();
            let bit = |lo: u32, hi: u32| {
                let h = (u64::from(lo) << 32 | u64::from(hi)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift;
                (h as usize / 64, 1u64 << (h % 64))
            };
            let mut filter = vec![0u64; bits / 64];
            for &(a, b, ..) in trust.iter().filter(|r| r.0 < r.1) {
                let (word, mask) = bit(a, b);
                if let Some(w) = filter.get_mut(word) {
                    *w |= mask;
                }
            }
            for (i, &(a, b, ..)) in trust.iter().enumerate().filter(|(_, r)| r.0 > r.1) {
                let (word, mask) = bit(b, a);
                if filter.get(word).is_some_and(|w| w & mask != 0)
                    && let Some(j) = reverse(a, b)
                {
                    for k in [i, j] {
                        if let Some(p) = paired.get_mut(k) {
                            *p = true;
                        }
                    }
                }
            }
        }
        let count = trust.len() - paired.iter().filter(|&&p| p).count() / 2;
        let relationships = trust.iter().zip(&paired).filter_map(|(r, &paired)| {
            let (a, b, score, _) = *r;
            if !makes(r, paired) {
                return None;
            }
            let back = paired.then(|| reverse(a, b)).flatten().and_then(|j| trust.get(j));
            Some((
                [a, b],
                [
                    Opinion::from_score(score).ok(),
                    back.and_then(|back| Opinion::from_score(back.2).ok()),
                ],
            ))
        });
        // With a second core, the trust edges are laid out for analysis there while the
        // model is built: the model comes with its snapshot.
        let (built, rows) = std::thread::scope(|scope| {
            let layout = threaded.then(|| scope.spawn(|| lay_out(&trust, &paired, &starts, reverse)));
            let built = model.extend_relationships(count, &parties, options.kind, relationships);
            let rows = layout.and_then(|l| l.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            (built, rows)
        });
        built?;
        if let Some(snapshot) =
            rows.and_then(|rows| crate::snapshot::Snapshot::from_rows(&model, &parties, rows))
        {
            model.adopt_snapshot(snapshot);
        }
        Ok(model)
    }
}

/// Whether edge row `r` makes a relationship: every row does but the second of a pair
/// given both ways (`paired`, its source the higher party), whose relationship is made
/// at its reverse.
fn makes(r: &(u32, u32, f64, usize), paired: bool) -> bool {
    !(paired && r.1 < r.0)
}

/// The trust edges of the relationships an import makes of `trust`, its rows sorted by
/// source and target (each party's rows from `starts[k]` to `starts[k + 1]`, `paired`
/// marking the rows whose reverse is given too, found by `reverse`), laid out as
/// [`crate::snapshot::Snapshot::build`] lays them out: each party's row holds its trust
/// in order of relationship. A row makes a relationship unless it is the second of a
/// pair given both ways (its source the higher party), whose relationship was made at
/// its reverse, earlier; that trust comes first in its party's row, then the party's
/// own relationships, in order of target. With the rows, their layout for EigenTrust,
/// laid out on this thread alone. `None` if some trust is not a score.
fn lay_out(
    trust: &[(u32, u32, f64, usize)],
    paired: &[bool],
    starts: &[u32],
    reverse: impl Fn(u32, u32) -> Option<usize>,
) -> Option<crate::snapshot::TrustRows> {
    // The relationships made before each party's rows.
    let mut before = vec![0u32; starts.len()];
    for (r, &p) in trust.iter().zip(paired) {
        if makes(r, p)
            && let Some(c) = before.get_mut(r.0 as usize + 1)
        {
            *c += 1;
        }
    }
    crate::snapshot::running_sums(&mut before);
    let mut targets = Vec::with_capacity(trust.len());
    let mut links = Vec::with_capacity(trust.len());
    let mut weights = Vec::with_capacity(trust.len());
    let mut scored = true;
    let mut push = |target: u32, link: crate::snapshot::Link, score: f64| {
        let opinion = Opinion::from_score(score).ok()?;
        scored &= opinion.is_score();
        targets.push(target);
        links.push(link);
        weights.push(opinion.projected());
        Some(())
    };
    let mut made = 0u32;
    for (a, bounds) in (0u32..).zip(starts.windows(2)) {
        let (from, to) = (*bounds.first()? as usize, *bounds.get(1)? as usize);
        let rows = trust.get(from..to)?.iter().zip(paired.get(from..to)?);
        // The second party's trust in the first, of pairs made at the first's row.
        // Its relationship is the first party's, made at row `j` of its rows: every row
        // of the first party that makes none comes before `j` (its target is lower than
        // the first party, `j`'s higher), so the relationships the first party made
        // before are the rows before `j` less those.
        for (r, _) in rows.clone().filter(|&(r, &p)| !makes(r, p)) {
            let b = r.1 as usize;
            let j = reverse(a, r.1)? as u32;
            let (first, end) = (*starts.get(b)?, *starts.get(b + 1)?);
            let made_before = *before.get(b)?;
            let made_by_b = before.get(b + 1)?.checked_sub(made_before)?;
            let unmade_by_b = end.checked_sub(first)?.checked_sub(made_by_b)?;
            let earlier = j.checked_sub(first)?.checked_sub(unmade_by_b)?;
            push(r.1, crate::snapshot::Link::new(made_before + earlier, true), r.2)?;
        }
        for (r, _) in rows.filter(|&(r, &p)| makes(r, p)) {
            push(r.1, crate::snapshot::Link::new(made, false), r.2)?;
            made += 1;
        }
    }
    let mut rows = crate::snapshot::TrustRows {
        offsets: starts.to_vec(),
        targets,
        links,
        weights,
        scored,
        relationships: made as usize,
        eigentrust: None,
    };
    // The other thread is building the model: this one lays out EigenTrust's rows alone.
    rows.eigentrust = Some(crate::trust::eigentrust::Layout::new(rows.rows(), false));
    Some(rows)
}

/// The groups of a members file read so far: the model they are added to, each
/// key's party by the import's index, and the rows read.
struct Groups<'m> {
    model: &'m mut Model,
    parties: Vec<PartyId>,
    index: KeyMap,
    read: u64,
}

/// The lines of `rows` (a first line that is `header` skipped), handed to `consume` a
/// block at a time, with the consumer's state: `threaded` (with a second core), this
/// thread reads the lines and another consumes them (blocks growing from 256 lines to 16,384, so
/// that an error early in the file is found early), and the reader stops at the next
/// line once the consumer has found an error; otherwise each block is consumed as it
/// fills. An error consuming a line is on a line before any read error still to come,
/// so the error returned is the first in file order.
fn in_blocks<R: BufRead, S: Send>(
    rows: &mut Lines<R>,
    header: &str,
    threaded: bool,
    state: S,
    consume: &(impl Fn(&Block, &mut S) -> Result<(), Error> + Sync),
) -> (S, Option<Error>) {
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Block>(4);
        // The state, with the consumer's first error: on the other thread, or here.
        let mut consumer = if threaded {
            let stop = &stop;
            Consumer::There(scope.spawn(move || {
                let mut state = state;
                for block in receive {
                    if let Err(e) = consume(&block, &mut state) {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        return (state, Some(e));
                    }
                }
                (state, None)
            }))
        } else {
            Consumer::Here(state, None)
        };
        let mut pass = |block: Block| match &mut consumer {
            Consumer::There(_) => send.send(block).is_ok(),
            Consumer::Here(state, error) => {
                if error.is_none() {
                    *error = consume(&block, state).err();
                }
                error.is_none()
            }
        };
        let mut block = Block::default();
        let mut size = Block::FIRST;
        let read_error = loop {
            if stop.load(std::sync::atomic::Ordering::Relaxed) {
                break None;
            }
            match rows.advance(header) {
                Ok(true) => {
                    block.push(rows.text(), rows.line);
                    if block.ends.len() >= size {
                        size = (size * 2).min(Block::LINES);
                        if !pass(std::mem::take(&mut block)) {
                            break None;
                        }
                    }
                }
                Ok(false) => break None,
                Err(e) => break Some(e),
            }
        };
        // The lines read before a read error are consumed too: an error among them
        // comes first.
        pass(block);
        drop(send);
        let (state, error) = match consumer {
            Consumer::There(thread) => thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Consumer::Here(state, error) => (state, error),
        };
        (state, error.or(read_error))
    })
}

/// Where the blocks of [`in_blocks`] are consumed.
enum Consumer<S, T> {
    There(T),
    Here(S, Option<Error>),
}

/// Sorts edge rows `(source, target, trust, line)` by source, then target, then line.
/// The rows are first split in place by source, below or above the middle of the `n`
/// parties, and the two parts sorted on two threads when they are many; the keys are
/// unique (lines are), so the order is the one a single sort gives.
fn sort_rows(rows: &mut [(u32, u32, f64, usize)], n: usize) {
    let key = |&(a, b, _, line): &(u32, u32, f64, usize)| (a, b, line);
    let middle = (n / 2) as u32;
    let below = |r: &(u32, u32, f64, usize)| r.0 < middle;
    // Hoare's partition: rows below the middle first.
    let (mut i, mut j) = (0, rows.len());
    loop {
        while i < j && rows.get(i).is_some_and(below) {
            i += 1;
        }
        while i < j && !rows.get(j - 1).is_some_and(below) {
            j -= 1;
        }
        if i >= j {
            break;
        }
        rows.swap(i, j - 1);
    }
    let (low, high) = rows.split_at_mut(i);
    crate::analysis::join(
        low.len().min(high.len()) >= 1 << 16,
        || low.sort_unstable_by_key(key),
        || high.sort_unstable_by_key(key),
    );
}

#[cfg(test)]
mod tests {
    use super::KeyMap;

    /// Seeded numbers below `m`, from a linear congruential generator.
    fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        }
    }

    /// Blocks are consumed in order, to the first error in file order, the same with a
    /// second thread or without, wherever the error falls against the blocks.
    #[test]
    fn blocks_are_consumed_alike_on_one_thread_or_two() {
        let text: String = (1..=3000).map(|i| format!("{i}\n")).collect();
        for bad in [
            None,
            Some(1),
            Some(255),
            Some(256),
            Some(257),
            Some(1000),
            Some(2999),
        ] {
            for unreadable in [None, Some(2000)] {
                let mut bytes = text.clone().into_bytes();
                if let Some(line) = unreadable {
                    let at = text.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>();
                    bytes[at] = 0xff;
                }
                let consume = |block: &super::Block, seen: &mut Vec<usize>| {
                    for (text, line) in block.lines() {
                        if Some(line) == bad {
                            return Err(super::row_error("t", line, crate::ErrorKind::Format, text));
                        }
                        seen.push(line);
                    }
                    Ok(())
                };
                let run = |threaded| {
                    let mut rows = super::Lines::new(bytes.as_slice(), "t", crate::Limits::default());
                    super::in_blocks(&mut rows, "h", threaded, Vec::new(), &consume)
                };
                let (one, two) = (run(false), run(true));
                assert_eq!(one.0, two.0, "{bad:?} {unreadable:?}");
                let line =
                    |r: &(Vec<usize>, Option<crate::Error>)| r.1.as_ref().map(|e| (e.kind(), e.line()));
                assert_eq!(line(&one), line(&two), "{bad:?} {unreadable:?}");
                let first = match (bad, unreadable) {
                    (Some(b), Some(u)) => Some(b.min(u)),
                    (b, u) => b.or(u),
                };
                assert_eq!(one.1.and_then(|e| e.line()), first, "{bad:?} {unreadable:?}");
                assert_eq!(one.0.len(), first.map_or(3000, |f| f - 1));
            }
        }
    }

    /// The snapshot an import lays out beside the model is the one built from the
    /// model: over random edge lists with pairs given one way either way round, both
    /// ways, and trust of 0 and 1.
    #[test]
    fn the_snapshot_laid_out_on_import_is_the_one_built() {
        let mut next = numbers(11);
        let threaded = std::thread::available_parallelism().map_or(1, usize::from) > 1;
        // A hub (the focal organization) trusting and trusted by every party, with
        // some of them also trusting each other both ways.
        let hub: String = (1..2000)
            .flat_map(|k| [format!("0,{k},0.5\n"), format!("{k},0,0.25\n")])
            .chain((1..1000).flat_map(|k| [format!("{k},{},1\n", 2 * k), format!("{},{k},0\n", 2 * k)]))
            .collect();
        let members: String = (1..2000).map(|k| format!("{k},1\n")).collect();
        let model =
            crate::Model::from_csv(hub.as_bytes(), members.as_bytes(), &super::CsvOptions::new("0")).unwrap();
        // The snapshot laid out, and the layout for EigenTrust beside it, are what
        // the model builds.
        let same = |model: &crate::Model, laid: &crate::snapshot::Snapshot| {
            let built = crate::snapshot::Snapshot::build(model);
            laid.same_layout(&built)
                && laid
                    .laid_out_eigentrust()
                    .is_some_and(|layout| *layout == *built.eigentrust(model, None))
        };
        match model.built_snapshot() {
            Some(laid) => assert!(same(&model, &laid)),
            None => assert!(!threaded, "the hub's snapshot was not laid out"),
        }
        for case in 0..300 {
            let n = 2 + next(40);
            let members: String = std::iter::once("key,members\n".to_string())
                .chain((0..n).map(|k| format!("{k},{}\n", 1 + k)))
                .collect();
            let mut seen = std::collections::HashSet::new();
            let mut edges = String::from("source,target,trust\n");
            for _ in 0..next(4 * n) {
                let (a, b) = (next(n), next(n));
                let both = next(3) == 0;
                for (x, y) in [(a, b), (b, a)].into_iter().take(if both { 2 } else { 1 }) {
                    if x != y && seen.insert((x, y)) {
                        let t = match next(5) {
                            0 => "0".to_string(),
                            1 => "1".to_string(),
                            _ => format!("{}", next(10_001) as f64 / 10_000.0),
                        };
                        edges.push_str(&format!("{x},{y},{t}\n"));
                    }
                }
            }
            let model =
                crate::Model::from_csv(edges.as_bytes(), members.as_bytes(), &super::CsvOptions::new("0"))
                    .unwrap();
            match model.built_snapshot() {
                Some(laid) => assert!(same(&model, &laid), "case {case}: {edges}"),
                None => assert!(!threaded, "case {case}: no snapshot laid out"),
            }
        }
    }

    /// Random text of `alphabet`'s characters, up to `longest` of them.
    fn text(next: &mut impl FnMut(u64) -> u64, alphabet: &[char], longest: u64) -> String {
        (0..next(longest + 1))
            .map(|_| alphabet[next(alphabet.len() as u64) as usize])
            .collect()
    }

    #[test]
    fn numbers_read_as_parse_reads_them() {
        let mut next = numbers(11);
        let alphabet: Vec<char> = "0123456789.0123456789.-+eE ".chars().collect();
        let mut cases: Vec<String> = (0..200_000).map(|_| text(&mut next, &alphabet, 24)).collect();
        cases.extend(
            [
                "",
                ".",
                "0",
                "1",
                "1.",
                ".5",
                "0.1",
                "0.3",
                "1.0000",
                "999999999999999",
                "9999999999999999",
            ]
            .map(String::from),
        );
        // Decimals as a network tool writes them, short and long.
        cases.extend((0..100_000).map(|_| format!("{}", next(1 << 53) as f64 / 10f64.powi(next(20) as i32))));
        for case in &cases {
            let (ours, theirs) = (super::decimal(case), case.parse::<f64>());
            assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "`{case}`");
        }
    }

    #[test]
    fn fields_and_keys_read_as_splitting_and_parsing_read_them() {
        let mut next = numbers(12);
        let alphabet: Vec<char> = "a7,, \t\u{3000}é0".chars().collect();
        for _ in 0..100_000 {
            let line = text(&mut next, &alphabet, 12);
            let split: Vec<&str> = line.split(',').map(str::trim).collect();
            assert_eq!(
                super::fields::<2>(&line).map(Vec::from),
                (split.len() == 2).then(|| split.clone())
            );
            assert_eq!(
                super::fields::<3>(&line).map(Vec::from),
                (split.len() == 3).then(|| split.clone())
            );
            assert_eq!(super::trim(&line), line.trim());
        }
        let digits: Vec<char> = "0123456789a".chars().collect();
        for _ in 0..100_000 {
            let key = text(&mut next, &digits, 11);
            let plain = !key.is_empty()
                && key.len() <= 9
                && key.bytes().all(|b| b.is_ascii_digit())
                && (key == "0" || !key.starts_with('0'));
            assert_eq!(
                KeyMap::number(&key),
                plain.then(|| key.parse().unwrap()),
                "`{key}`"
            );
        }
    }

    #[test]
    fn keys_are_found_however_they_are_held() {
        let mut map = KeyMap::default();
        let keys = [
            "0",
            "7",
            "017",
            "123456789012",
            "ab",
            "a-key-longer-than-fifteen-bytes",
            "99999999",
        ];
        for (i, key) in keys.iter().enumerate() {
            map.insert(key, i as u32);
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(map.get(key), Some(i as u32), "{key}");
        }
        for missing in ["1", "17", "00", "", "a-key-longer-than-fifteen-bytez", "8"] {
            assert_eq!(map.get(missing), None, "{missing}");
        }
        // Plain small numbers index the array (0 and 7 left the run 0, 1, ...); the
        // far one and the padded one do not.
        assert!(map.run.is_none());
        assert_eq!(map.numbered.len(), 8);
        assert_eq!(map.short.len(), 4);
        assert_eq!(map.long.len(), 1);
    }

    #[test]
    fn rows_sort_as_one_sort_would() {
        let mut next = numbers(7);
        for n in [0usize, 1, 2, 3, 10, 1000] {
            let mut rows: Vec<(u32, u32, f64, usize)> = (0..3000)
                .map(|line| {
                    let m = n.max(1) as u64;
                    (next(m) as u32, next(m) as u32, 0.5, line)
                })
                .collect();
            let mut expected = rows.clone();
            expected.sort_unstable_by_key(|&(a, b, _, line)| (a, b, line));
            super::sort_rows(&mut rows, n);
            assert_eq!(rows, expected, "{n} parties");
        }
    }

    #[test]
    fn a_run_of_numbers_needs_no_array_until_it_breaks() {
        let mut map = KeyMap::default();
        map.insert("acme", 0);
        for n in 0..1000u32 {
            map.insert(&n.to_string(), n + 1);
        }
        assert!(map.numbered.is_empty());
        assert_eq!(map.run, Some((0, 1, 1000)));
        for n in 0..1000u32 {
            assert_eq!(map.get(&n.to_string()), Some(n + 1));
        }
        assert_eq!(map.get("1000"), None);
        assert_eq!(map.get("acme"), Some(0));
        // A number out of the run moves the run to the array, and every key stays.
        map.insert("5000", 1001);
        map.insert("1000", 1002);
        assert!(map.run.is_none());
        for n in 0..1000u32 {
            assert_eq!(map.get(&n.to_string()), Some(n + 1), "{n}");
        }
        assert_eq!(map.get("5000"), Some(1001));
        assert_eq!(map.get("1000"), Some(1002));
        assert_eq!(map.get("1001"), None);
    }
}
