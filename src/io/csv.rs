//! CSV import: a relationship network as it comes from a CRM or a network tool, an edge
//! list (`source,target,trust`) and group sizes (`key,members`).

use std::io::BufRead;

use crate::error::{Error, ErrorKind};
use crate::model::{
    Constituent, Model, Organization, PartyId, Relationship, RelationshipKind, Role, Settings,
};
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
}

/// Reads lines one at a time into one buffer: the text is never held whole.
struct Lines<R> {
    reader: R,
    buffer: String,
    line: usize,
    name: &'static str,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, name: &'static str) -> Lines<R> {
        Lines {
            reader,
            buffer: String::new(),
            line: 0,
            name,
        }
    }

    /// Moves to the next line with data; `false` at the end. Blank lines are skipped;
    /// a header (the first line, when it is exactly `header`) too.
    fn advance(&mut self, header: &str) -> Result<bool, Error> {
        loop {
            self.buffer.clear();
            let read = self.reader.read_line(&mut self.buffer).map_err(|e| {
                Error::new(
                    ErrorKind::Syntax,
                    format!("{}: cannot read line {}: {e}", self.name, self.line + 1),
                )
            })?;
            if read == 0 {
                return Ok(false);
            }
            self.line += 1;
            let text = self.text();
            if text.trim().is_empty() || (self.line == 1 && text.trim().eq_ignore_ascii_case(header)) {
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

    /// The current line's `N` fields, trimmed; `None` if it has another number.
    fn fields<const N: usize>(&self) -> Option<[&str; N]> {
        let mut out = [""; N];
        let mut parts = self.text().split(',');
        for slot in &mut out {
            *slot = parts.next()?.trim();
        }
        parts.next().is_none().then_some(out)
    }

    fn error(&self, kind: ErrorKind, message: impl std::fmt::Display) -> Error {
        Error::new(kind, message.to_string())
            .set_path(self.name)
            .with_position(self.line, 1)
    }
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
        let mut rows = Lines::new(members, "members");
        while rows.advance("key,members")? {
            let Some([key, count]) = rows.fields::<2>() else {
                return Err(rows.error(ErrorKind::Format, "expected two fields, `key,members`"));
            };
            let count: u64 = count.parse().map_err(|_| {
                rows.error(
                    ErrorKind::Format,
                    format!("members `{count}` is not a whole number"),
                )
            })?;
            if key == options.focal {
                continue;
            }
            model
                .add_constituent(Constituent::new(key, options.role.clone(), count))
                .map_err(|e| rows.error(e.kind(), e))?;
        }
        let mut rows = Lines::new(edges, "edges");
        while rows.advance("source,target,trust")? {
            let Some([a, b, t]) = rows.fields::<3>() else {
                return Err(rows.error(ErrorKind::Format, "expected three fields, `source,target,trust`"));
            };
            let trust: f64 = t
                .parse()
                .map_err(|_| rows.error(ErrorKind::Format, format!("trust `{t}` is not a number")))?;
            let opinion = Opinion::from_score(trust).map_err(|e| rows.error(ErrorKind::InvalidValue, e))?;
            let party = |key: &str| {
                model
                    .lookup::<PartyId>(key)
                    .map_err(|_| rows.error(ErrorKind::NotFound, format!("`{key}` is not in members")))
            };
            let (pa, pb) = (party(a)?, party(b)?);
            if pa == pb {
                return Err(rows.error(ErrorKind::InvalidReference, format!("`{a}` cannot trust itself")));
            }
            match model.relationship_between(pa, pb) {
                None => {
                    let mut rel = Relationship::new(pa, pb, options.kind);
                    rel.trust[0].absolute = Some(opinion);
                    model.add_relationship(rel).map_err(|e| rows.error(e.kind(), e))?;
                }
                Some(id) => {
                    let repeated = model
                        .relationship(id)?
                        .trust_of(pa)
                        .is_some_and(|t| t.absolute.is_some());
                    if repeated {
                        return Err(rows.error(
                            ErrorKind::Duplicate,
                            format!("the pair `{a}`,`{b}` is given twice"),
                        ));
                    }
                    model.update_relationship(id, |r| {
                        if let Some(profile) = r.trust_of_mut(pa) {
                            profile.absolute = Some(opinion);
                        }
                    })?;
                }
            }
        }
        Ok(model)
    }
}
