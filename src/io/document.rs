//! The model file as serde sees it: keys instead of ids, decimals as strings.
//! Conversion to and from [`Model`] goes through the model's own checked methods, so a
//! file can never build a model that the API could not.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::model::{
    Activity, ActivityClass, ActivityId, Adjustments, Channel, ChannelId, Constituent, ConstituentId, Model,
    Observation, OrgId, Organization, Ownership, PartyId, Period, Relationship, RelationshipKind, Role,
    Settings, TrustProfile, ValueFlow, ValueObject,
};
use crate::money::{Currency, Fraction, Money, parse_decimal};
use crate::plan::Intervention;
use crate::scenario::Scenario;
use crate::trust::Opinion;

/// The file format version this crate reads and writes.
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "covalence model file",
        description = "A covalence model: an organization, its constituents, channels, activities, relationships with trust, and value flows. See docs/model-format.md."
    )
)]
pub(crate) struct Document {
    /// File format version; must be 1.
    pub(crate) covalence: u32,
    pub(crate) settings: DocSettings,
    pub(crate) organizations: Vec<DocOrganization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) constituents: Vec<DocConstituent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) overlaps: Vec<DocOverlap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) channels: Vec<DocChannel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) activities: Vec<DocActivity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) relationships: Vec<DocRelationship>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) flows: Vec<DocFlow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) presences: Vec<DocPresence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) observations: Vec<DocObservation>,
    /// Candidate interventions: scenarios with their costs, for planning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) interventions: Vec<DocIntervention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Intervention")]
pub(crate) struct DocIntervention {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// Paid once, at the start; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) one_off_cost: Option<DocDecimal>,
    /// Paid every period; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) per_period_cost: Option<DocDecimal>,
    /// The scenario's name, when it is not the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scenario: Option<String>,
    /// The scenario's edits, in order.
    pub(crate) edits: Vec<crate::scenario::Edit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Settings")]
pub(crate) struct DocSettings {
    /// The period of every per-period amount.
    pub(crate) period: DocPeriod,
    /// ISO 4217 code of every amount.
    pub(crate) currency: String,
    /// Named trust contexts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) contexts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Period")]
pub(crate) enum DocPeriod {
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Organization")]
pub(crate) struct DocOrganization {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// Exactly one organization is focal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) focal: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Constituent")]
pub(crate) struct DocConstituent {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    pub(crate) role: DocRole,
    /// At least 1.
    pub(crate) members: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Role")]
pub(crate) enum DocRole {
    Customer,
    Employee,
    Partner,
    Supplier,
    Community,
    Investor,
    Executive,
    Regulator,
    Media,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Overlap")]
pub(crate) struct DocOverlap {
    pub(crate) between: [String; 2],
    pub(crate) shared_members: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Channel")]
pub(crate) struct DocChannel {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    pub(crate) ownership: DocOwnership,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cost: Option<DocDecimal>,
}

/// `"owned"`, `"commons"`, `"rented"` or `{"rented": {"operator": KEY}}`. Read by hand
/// (not as an untagged enum) so that a typo gets a useful message and stray fields are
/// refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Ownership")]
pub(crate) enum DocOwnership {
    /// `"owned"`, `"commons"` or `"rented"`.
    Plain(DocOwnershipKind),
    /// `{"rented": {"operator": "org-key"}}`.
    Rented(DocRentedOwnership),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "RentedOwnership")]
pub(crate) struct DocRentedOwnership {
    pub(crate) rented: DocRented,
}

impl<'de> Deserialize<'de> for DocOwnership {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<DocOwnership, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DocOwnership;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#""owned", "commons", "rented" or {"rented": {"operator": KEY}}"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DocOwnership, E> {
                match v {
                    "owned" => Ok(DocOwnership::Plain(DocOwnershipKind::Owned)),
                    "commons" => Ok(DocOwnership::Plain(DocOwnershipKind::Commons)),
                    "rented" => Ok(DocOwnership::Plain(DocOwnershipKind::Rented)),
                    other => Err(E::unknown_variant(other, &["owned", "commons", "rented"])),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DocOwnership, A::Error> {
                DocRentedOwnership::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(DocOwnership::Rented)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A map from keys to values that refuses a key given twice (serde's own maps keep
/// the last value silently).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UniqueMap<V>(pub(crate) BTreeMap<String, V>);

impl<V> Default for UniqueMap<V> {
    fn default() -> UniqueMap<V> {
        UniqueMap(BTreeMap::new())
    }
}

impl<V> UniqueMap<V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, V> IntoIterator for &'a UniqueMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, String, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<V> FromIterator<(String, V)> for UniqueMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> UniqueMap<V> {
        UniqueMap(iter.into_iter().collect())
    }
}

impl<V: Serialize> Serialize for UniqueMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<UniqueMap<V>, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map with each key once")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueMap<V>, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!("duplicate key `{key}`")));
                    }
                    let value = map.next_value()?;
                    out.insert(key, value);
                }
                Ok(UniqueMap(out))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

#[cfg(feature = "schema")]
impl<V: schemars::JsonSchema> schemars::JsonSchema for UniqueMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <BTreeMap<String, V>>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <BTreeMap<String, V>>::json_schema(generator)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "OwnershipKind")]
pub(crate) enum DocOwnershipKind {
    Owned,
    Commons,
    Rented,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Rented")]
pub(crate) struct DocRented {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) operator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Activity")]
pub(crate) struct DocActivity {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    pub(crate) class: DocActivityClass,
    pub(crate) performed_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) in_house_cost: Option<DocDecimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) market_price: Option<DocDecimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "ActivityClass")]
pub(crate) enum DocActivityClass {
    Core,
    Commodity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Relationship")]
pub(crate) struct DocRelationship {
    pub(crate) between: [String; 2],
    pub(crate) kind: DocKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) desired: Option<DocKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cost: Option<DocDecimal>,
    /// Each truster's trust in the other party, by the truster's key.
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub(crate) trust: UniqueMap<DocTrust>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "RelationshipKind")]
pub(crate) enum DocKind {
    Transactional,
    Informational,
    Responsive,
    Collaborative,
    CoCreative,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Trust")]
pub(crate) struct DocTrust {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) absolute: Option<DocOpinion>,
    #[serde(default, skip_serializing_if = "UniqueMap::is_empty")]
    pub(crate) contexts: UniqueMap<DocOpinion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Opinion")]
pub(crate) struct DocOpinion {
    pub(crate) belief: f64,
    pub(crate) disbelief: f64,
    pub(crate) uncertainty: f64,
    #[serde(default = "half")]
    pub(crate) base_rate: f64,
}

fn half() -> f64 {
    0.5
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Flow")]
pub(crate) struct DocFlow {
    pub(crate) key: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) object: DocObject,
    pub(crate) value: DocDecimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cost: Option<DocDecimal>,
    pub(crate) occurrences: DocDecimal,
    /// The period occurrences are counted in, when not the model's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) per: Option<DocPeriod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) activity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) adjustments: Option<DocAdjustments>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) duration: Option<u32>,
    /// Periods before the outcome starts.
    #[serde(default, skip_serializing_if = "is_zero_periods")]
    pub(crate) starts_after: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) trust_elasticity: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_periods(x: &u32) -> bool {
    *x == 0
}

fn from_doc_period(p: DocPeriod) -> Period {
    match p {
        DocPeriod::Month => Period::Month,
        DocPeriod::Quarter => Period::Quarter,
        DocPeriod::Year => Period::Year,
    }
}

fn to_doc_period(p: Period) -> DocPeriod {
    match p {
        Period::Month => DocPeriod::Month,
        Period::Quarter => DocPeriod::Quarter,
        Period::Year => DocPeriod::Year,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "ValueObject")]
pub(crate) enum DocObject {
    Money,
    Product,
    Service,
    Knowledge,
    Content,
    Feedback,
    Referral,
    Attention,
    Data,
    Reputation,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Adjustments")]
pub(crate) struct DocAdjustments {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) deadweight: Option<DocDecimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) displacement: Option<DocDecimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attribution: Option<DocDecimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) drop_off: Option<DocDecimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Presence")]
pub(crate) struct DocPresence {
    pub(crate) party: String,
    pub(crate) channel: String,
    /// Fraction of the party's members active on the channel, in [0, 1].
    pub(crate) share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Observation")]
pub(crate) struct DocObservation {
    pub(crate) by: String,
    pub(crate) about: String,
    pub(crate) channel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) context: Option<String>,
    #[serde(default)]
    pub(crate) positive: u64,
    #[serde(default)]
    pub(crate) negative: u64,
    #[serde(default)]
    pub(crate) neutral: u64,
}

/// An exact decimal: a string such as `"12.50"` (money may end with the currency code)
/// or a JSON integer. Floats are refused, so nothing is rounded through binary floating
/// point on its way in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocDecimal(pub(crate) String);

impl Serialize for DocDecimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DocDecimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<DocDecimal, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DocDecimal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal as a string, such as \"12.50\", or a whole number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DocDecimal, E> {
                Ok(DocDecimal(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DocDecimal, E> {
                Ok(DocDecimal(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DocDecimal, E> {
                Ok(DocDecimal(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<DocDecimal, E> {
                Err(E::custom(format_args!(
                    "the number {v} is not accepted in a decimal field, where only whole numbers up to \
                     18446744073709551615 may be written bare: write it as a string, such as \"{v}\", \
                     so that it is exact"
                )))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for DocDecimal {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal: a string such as \"12.50\" (money may end with the model's currency code, \"12.50 USD\") or a whole number. Floats are rejected.",
            "oneOf": [
                { "type": "string", "pattern": "^\\s*[-+]?[0-9]*\\.?[0-9]+(\\s+[A-Z]{3})?\\s*$" },
                { "type": "integer" }
            ]
        })
    }
}

// ----- file -> model -----------------------------------------------------------------

/// Refuses arrays where the file has objects. serde's derived structs also accept their
/// fields as a positional array (`"settings": ["year", "USD"]`), which the format does
/// not allow: a reader could not tell what each value means.
pub(crate) fn check_shape(doc: &serde_json::Value) -> Result<(), Error> {
    use serde_json::Value;
    fn object(value: Option<&Value>, path: &str) -> Result<(), Error> {
        match value {
            Some(Value::Array(_)) => Err(Error::new(
                ErrorKind::Format,
                "expected an object with named fields, found an array",
            )
            .with_path(path)),
            _ => Ok(()),
        }
    }
    fn each(value: Option<&Value>) -> impl Iterator<Item = (String, &Value)> {
        let entries: Vec<(String, &Value)> = match value {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]"), v))
                .collect(),
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (format!(".{k}"), v)).collect(),
            _ => Vec::new(),
        };
        entries.into_iter()
    }
    object(doc.get("settings"), "settings")?;
    for section in [
        "organizations",
        "constituents",
        "overlaps",
        "channels",
        "activities",
        "relationships",
        "flows",
        "presences",
        "observations",
    ] {
        for (at, entity) in each(doc.get(section)) {
            let path = format!("{section}{at}");
            object(Some(entity), &path)?;
            object(entity.get("adjustments"), &format!("{path}.adjustments"))?;
            object(
                entity.get("ownership").and_then(|o| o.get("rented")),
                &format!("{path}.ownership.rented"),
            )?;
            object(entity.get("trust"), &format!("{path}.trust"))?;
            for (truster, trust) in each(entity.get("trust")) {
                let path = format!("{path}.trust{truster}");
                object(Some(trust), &path)?;
                object(trust.get("absolute"), &format!("{path}.absolute"))?;
                object(trust.get("contexts"), &format!("{path}.contexts"))?;
                for (context, opinion) in each(trust.get("contexts")) {
                    object(Some(opinion), &format!("{path}.contexts{context}"))?;
                }
            }
        }
    }
    for (at, intervention) in each(doc.get("interventions")) {
        let path = format!("interventions{at}");
        object(Some(intervention), &path)?;
        check_edits_shape(intervention.get("edits"), &format!("{path}.edits"))?;
    }
    Ok(())
}

/// Refuses arrays where a scenario's edits have objects (see [`check_shape`]).
pub(crate) fn check_edits_shape(edits: Option<&serde_json::Value>, path: &str) -> Result<(), Error> {
    use serde_json::Value;
    let array = |value: Option<&Value>, path: &str| match value {
        Some(Value::Array(_)) => Err(Error::new(
            ErrorKind::Format,
            "expected an object with named fields, found an array",
        )
        .with_path(path.to_string())),
        _ => Ok(()),
    };
    if let Some(Value::Array(items)) = edits {
        for (i, edit) in items.iter().enumerate() {
            let path = format!("{path}[{i}]");
            array(Some(edit), &path)?;
            if let Some(map) = edit.as_object() {
                for (name, payload) in map {
                    let path = format!("{path}.{name}");
                    array(Some(payload), &path)?;
                    array(payload.get("opinion"), &format!("{path}.opinion"))?;
                    array(payload.get("adjustments"), &format!("{path}.adjustments"))?;
                }
            }
        }
    }
    Ok(())
}

/// Runs `f`, putting any error's path under `prefix`.
fn at<T>(prefix: impl std::fmt::Display, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    f().map_err(|e| e.under(&prefix.to_string()))
}

/// `flows[3]`, formatted only when an error needs it.
struct Item(&'static str, usize);

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

pub(crate) fn decimal(d: &DocDecimal, field: &str) -> Result<Decimal, Error> {
    parse_decimal(&d.0).map_err(|e| e.with_path(field))
}

fn fraction(d: Option<&DocDecimal>, field: &str) -> Result<Fraction, Error> {
    d.map_or(Ok(Fraction::ZERO), |d| {
        Fraction::new(decimal(d, field)?).map_err(|e| e.with_path(field))
    })
}

pub(crate) fn opinion(o: &DocOpinion) -> Result<Opinion, Error> {
    Opinion::new(o.belief, o.disbelief, o.uncertainty, o.base_rate)
}

/// Labels an error with the entity it concerns ("flow `sales`"), unless the model's
/// own check already did.
fn labelled<T>(label: impl FnOnce() -> String, result: Result<T, Error>) -> Result<T, Error> {
    result.map_err(|e| {
        let label = label();
        if e.to_string().contains(&label) {
            e
        } else {
            e.context(label)
        }
    })
}

impl Document {
    pub(crate) fn into_model(self) -> Result<Model, Error> {
        let Document {
            covalence: _,
            settings,
            organizations,
            constituents,
            overlaps,
            channels,
            activities,
            relationships,
            flows,
            presences,
            observations,
            interventions,
        } = self;
        let currency = at("settings.currency", || Currency::new(&settings.currency))?;
        let period = from_doc_period(settings.period);
        at("settings", || crate::model::check_contexts(&settings.contexts))?;
        let settings = Settings::new(period, currency).with_contexts(settings.contexts);
        let money =
            |d: &DocDecimal, field: &str| Money::parse_in(&d.0, currency).map_err(|e| e.with_path(field));
        let optional_money =
            |d: &Option<DocDecimal>, field: &str| d.as_ref().map(|d| money(d, field)).transpose();

        let focal: Vec<usize> = organizations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.focal)
            .map(|(i, _)| i)
            .collect();
        let first_focal = match focal.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::invalid(
                    "no organization is marked `\"focal\": true`; exactly one must be",
                )
                .with_path("organizations"));
            }
            [a, b, ..] => {
                let key = |i: &usize| organizations.get(*i).map_or("?", |o| o.key.as_str());
                return Err(Error::invalid(format!(
                    "organizations `{}` and `{}` are both focal; exactly one must be",
                    key(a),
                    key(b)
                ))
                .with_path(format!("organizations[{b}].focal")));
            }
        };
        // The model is created with the first organization and the focal one is chosen
        // once all are in, so that organizations keep the file's order.
        let mut orgs = organizations.into_iter().enumerate();
        let Some((_, first)) = orgs.next() else {
            return Err(Error::invalid("no focal organization").with_path("organizations"));
        };
        let first = Organization {
            key: first.key,
            name: first.name,
        };
        let mut model = at("organizations[0]", || Model::new(settings, first))?;
        model.reserve(constituents.len() + orgs.len(), relationships.len());
        for (i, o) in orgs {
            let org = Organization {
                key: o.key,
                name: o.name,
            };
            let id = at(Item("organizations", i), || model.add_organization(org))?;
            if i == first_focal {
                model.set_focal(id)?;
            }
        }
        for (i, c) in constituents.into_iter().enumerate() {
            at(Item("constituents", i), || {
                let role = match c.role {
                    DocRole::Customer => Role::Customer,
                    DocRole::Employee => Role::Employee,
                    DocRole::Partner => Role::Partner,
                    DocRole::Supplier => Role::Supplier,
                    DocRole::Community => Role::Community,
                    DocRole::Investor => Role::Investor,
                    DocRole::Executive => Role::Executive,
                    DocRole::Regulator => Role::Regulator,
                    DocRole::Media => Role::Media,
                    DocRole::Other(name) => Role::Other(name),
                };
                model.add_constituent(Constituent {
                    key: c.key,
                    name: c.name,
                    role,
                    members: c.members,
                })
            })?;
        }
        for (i, o) in overlaps.into_iter().enumerate() {
            at(Item("overlaps", i), || {
                let [a, b] = &o.between;
                labelled(
                    || format!("overlap `{a}`–`{b}`"),
                    (|| {
                        let ia: ConstituentId = model.lookup_at(a, "between[0]")?;
                        let ib: ConstituentId = model.lookup_at(b, "between[1]")?;
                        if model.overlap(ia, ib).is_some() {
                            return Err(Error::new(ErrorKind::Duplicate, "this overlap is declared twice")
                                .with_path("between"));
                        }
                        model.set_overlap(ia, ib, o.shared_members)
                    })(),
                )
            })?;
        }
        for (i, c) in channels.into_iter().enumerate() {
            let label_key = c.key.clone();
            at(Item("channels", i), || {
                labelled(
                    || format!("channel `{label_key}`"),
                    (|| {
                        let ownership = match &c.ownership {
                            DocOwnership::Plain(DocOwnershipKind::Owned) => Ownership::Owned,
                            DocOwnership::Plain(DocOwnershipKind::Commons) => Ownership::Commons,
                            DocOwnership::Plain(DocOwnershipKind::Rented) => {
                                Ownership::Rented { operator: None }
                            }
                            DocOwnership::Rented(DocRentedOwnership { rented }) => Ownership::Rented {
                                operator: rented
                                    .operator
                                    .as_deref()
                                    .map(|k| model.lookup_at::<OrgId>(k, "ownership.rented.operator"))
                                    .transpose()?,
                            },
                        };
                        let cost = optional_money(&c.cost, "cost")?;
                        model.add_channel(Channel {
                            key: c.key,
                            name: c.name,
                            ownership,
                            cost,
                        })
                    })(),
                )
            })?;
        }
        for (i, a) in activities.into_iter().enumerate() {
            let label_key = a.key.clone();
            at(Item("activities", i), || {
                labelled(
                    || format!("activity `{label_key}`"),
                    (|| {
                        let class = match a.class {
                            DocActivityClass::Core => ActivityClass::Core,
                            DocActivityClass::Commodity => ActivityClass::Commodity,
                        };
                        let performed_by = model.lookup_at(&a.performed_by, "performed_by")?;
                        let in_house_cost = optional_money(&a.in_house_cost, "in_house_cost")?;
                        let market_price = optional_money(&a.market_price, "market_price")?;
                        model.add_activity(Activity {
                            key: a.key,
                            name: a.name,
                            class,
                            performed_by,
                            in_house_cost,
                            market_price,
                        })
                    })(),
                )
            })?;
        }
        for (i, r) in relationships.into_iter().enumerate() {
            at(Item("relationships", i), || {
                let [a, b] = &r.between;
                labelled(
                    || format!("relationship `{a}`–`{b}`"),
                    (|| {
                        let pa: PartyId = model.lookup_at(a, "between[0]")?;
                        let pb: PartyId = model.lookup_at(b, "between[1]")?;
                        let mut rel = Relationship::new(pa, pb, kind(r.kind));
                        rel.desired = r.desired.map(kind);
                        rel.cost = optional_money(&r.cost, "cost")?;
                        for (truster, t) in &r.trust {
                            let field = format!("trust.{truster}");
                            let party: PartyId = model.lookup_at(truster, &field)?;
                            let Some(profile) = rel.trust_of_mut(party) else {
                                return Err(Error::new(
                                    ErrorKind::InvalidReference,
                                    format!("`{truster}` is not a party to this relationship"),
                                )
                                .with_path(field));
                            };
                            if let Some(o) = &t.absolute {
                                profile.absolute =
                                    Some(opinion(o).map_err(|e| e.with_path(format!("{field}.absolute")))?);
                            }
                            for (context, o) in &t.contexts {
                                let path = format!("{field}.contexts.{context}");
                                model
                                    .context_index(context)
                                    .map_err(|e| e.with_path(path.clone()))?;
                                profile
                                    .contexts
                                    .insert(context.clone(), opinion(o).map_err(|e| e.with_path(path))?);
                            }
                        }
                        model.add_relationship(rel).map_err(|e| {
                            if e.path() == Some("parties") {
                                e.set_path("between")
                            } else {
                                e
                            }
                        })
                    })(),
                )
            })?;
        }
        for (i, f) in flows.into_iter().enumerate() {
            let label_key = f.key.clone();
            at(Item("flows", i), || {
                labelled(
                    || format!("flow `{label_key}`"),
                    (|| {
                        let flow = f.to_flow(&model)?;
                        model.add_flow(flow)
                    })(),
                )
            })?;
        }
        for (i, p) in presences.into_iter().enumerate() {
            at(Item("presences", i), || {
                let party = model.lookup_at(&p.party, "party")?;
                let channel = model.lookup_at(&p.channel, "channel")?;
                if model.presence(party, channel).is_some() {
                    return Err(Error::new(
                        ErrorKind::Duplicate,
                        format!("presence of `{}` on `{}` is declared twice", p.party, p.channel),
                    ));
                }
                model.set_presence(party, channel, p.share).map(|_| ())
            })?;
        }
        for (i, o) in observations.into_iter().enumerate() {
            at(Item("observations", i), || {
                let mut obs = Observation::new(
                    model.lookup_at(&o.by, "by")?,
                    model.lookup_at(&o.about, "about")?,
                    model.lookup_at(&o.channel, "channel")?,
                );
                obs.context = o.context;
                obs.positive = o.positive;
                obs.negative = o.negative;
                obs.neutral = o.neutral;
                if let Some(previous) = model.set_observation(obs)? {
                    return Err(Error::new(
                        ErrorKind::Duplicate,
                        format!(
                            "observation by `{}` about `{}` in `{}`{} is declared twice",
                            o.by,
                            o.about,
                            o.channel,
                            previous.context.map(|c| format!(" on `{c}`")).unwrap_or_default()
                        ),
                    ));
                }
                Ok(())
            })?;
        }
        for (i, d) in interventions.into_iter().enumerate() {
            at(Item("interventions", i), || {
                let cost = |c: &Option<DocDecimal>, field: &str| {
                    c.as_ref().map_or(Ok(Money::zero(currency)), |c| money(c, field))
                };
                let mut intervention = Intervention::new(
                    d.key.clone(),
                    Scenario::from_edits(d.scenario.unwrap_or(d.key), d.edits),
                    cost(&d.one_off_cost, "one_off_cost")?,
                    cost(&d.per_period_cost, "per_period_cost")?,
                );
                intervention.name = d.name;
                model.load_intervention(intervention)
            })?;
        }
        Ok(model)
    }

    /// TOML integers are signed 64-bit: a count above `i64::MAX` cannot be written so
    /// that other TOML readers accept it.
    #[cfg(feature = "toml")]
    pub(crate) fn check_toml_integers(&self) -> Result<(), Error> {
        let limit = |value: u64, label: String, field: &str| {
            if i64::try_from(value).is_ok() {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "{label}: {field} {value} is beyond what TOML can hold (at most {}); write JSON instead",
                    i64::MAX
                ))
                .with_path(field))
            }
        };
        for c in &self.constituents {
            limit(c.members, format!("constituent `{}`", c.key), "members")?;
        }
        for o in &self.overlaps {
            let [a, b] = &o.between;
            limit(o.shared_members, format!("overlap `{a}`–`{b}`"), "shared_members")?;
        }
        for o in &self.observations {
            let label = || format!("observation by `{}` about `{}`", o.by, o.about);
            limit(o.positive, label(), "positive")?;
            limit(o.negative, label(), "negative")?;
            limit(o.neutral, label(), "neutral")?;
        }
        Ok(())
    }

    // ----- model -> file -------------------------------------------------------------

    pub(crate) fn from_model(model: &Model) -> Document {
        let key = |p: PartyId| model.party_key(p).unwrap_or("?").to_string();
        let channel_key = |c: ChannelId| model.channel(c).map_or("?".to_string(), |c| c.key.clone());
        let amount = |m: Money| DocDecimal(m.amount().to_string());
        let focal = model.focal();
        let settings = model.settings();
        Document {
            covalence: VERSION,
            settings: DocSettings {
                period: to_doc_period(settings.period),
                currency: settings.currency.code().to_string(),
                contexts: settings.contexts.clone(),
            },
            organizations: model
                .organizations()
                .map(|(id, o)| DocOrganization {
                    key: o.key.clone(),
                    name: o.name.clone(),
                    focal: id == focal,
                })
                .collect(),
            constituents: model
                .constituents()
                .map(|(_, c)| DocConstituent {
                    key: c.key.clone(),
                    name: c.name.clone(),
                    role: match &c.role {
                        Role::Customer => DocRole::Customer,
                        Role::Employee => DocRole::Employee,
                        Role::Partner => DocRole::Partner,
                        Role::Supplier => DocRole::Supplier,
                        Role::Community => DocRole::Community,
                        Role::Investor => DocRole::Investor,
                        Role::Executive => DocRole::Executive,
                        Role::Regulator => DocRole::Regulator,
                        Role::Media => DocRole::Media,
                        Role::Other(name) => DocRole::Other(name.clone()),
                    },
                    members: c.members,
                })
                .collect(),
            overlaps: model
                .overlaps()
                .map(|o| DocOverlap {
                    between: [key(o.a.into()), key(o.b.into())],
                    shared_members: o.shared_members,
                })
                .collect(),
            channels: model
                .channels()
                .map(|(_, c)| DocChannel {
                    key: c.key.clone(),
                    name: c.name.clone(),
                    ownership: match c.ownership {
                        Ownership::Owned => DocOwnership::Plain(DocOwnershipKind::Owned),
                        Ownership::Commons => DocOwnership::Plain(DocOwnershipKind::Commons),
                        Ownership::Rented { operator: None } => DocOwnership::Plain(DocOwnershipKind::Rented),
                        Ownership::Rented { operator: Some(op) } => {
                            DocOwnership::Rented(DocRentedOwnership {
                                rented: DocRented {
                                    operator: Some(key(op.into())),
                                },
                            })
                        }
                    },
                    cost: c.cost.map(amount),
                })
                .collect(),
            activities: model
                .activities()
                .map(|(_, a)| DocActivity {
                    key: a.key.clone(),
                    name: a.name.clone(),
                    class: match a.class {
                        ActivityClass::Core => DocActivityClass::Core,
                        ActivityClass::Commodity => DocActivityClass::Commodity,
                    },
                    performed_by: key(a.performed_by),
                    in_house_cost: a.in_house_cost.map(amount),
                    market_price: a.market_price.map(amount),
                })
                .collect(),
            relationships: model
                .relationships()
                .map(|(_, r)| {
                    let mut trust = BTreeMap::new();
                    for (party, profile) in r.parties.iter().zip(&r.trust) {
                        if !profile.is_empty() {
                            trust.insert(key(*party), doc_trust(profile));
                        }
                    }
                    DocRelationship {
                        between: [key(r.parties[0]), key(r.parties[1])],
                        kind: doc_kind(r.kind),
                        desired: r.desired.map(doc_kind),
                        cost: r.cost.map(amount),
                        trust: UniqueMap(trust),
                    }
                })
                .collect(),
            flows: model.flows().map(|(_, f)| DocFlow::from_flow(model, f)).collect(),
            presences: model
                .presences()
                .map(|p| DocPresence {
                    party: key(p.party),
                    channel: channel_key(p.channel),
                    share: p.share,
                })
                .collect(),
            observations: model
                .observations()
                .map(|o| DocObservation {
                    by: key(o.by.into()),
                    about: key(o.about),
                    channel: channel_key(o.channel),
                    context: o.context,
                    positive: o.positive,
                    negative: o.negative,
                    neutral: o.neutral,
                })
                .collect(),
            interventions: model
                .interventions()
                .map(|i| DocIntervention {
                    key: i.key.clone(),
                    name: i.name.clone(),
                    one_off_cost: (!i.one_off_cost.is_zero()).then(|| amount(i.one_off_cost)),
                    per_period_cost: (!i.per_period_cost.is_zero()).then(|| amount(i.per_period_cost)),
                    scenario: (i.scenario.name() != i.key).then(|| i.scenario.name().to_string()),
                    edits: i.scenario.edits().to_vec(),
                })
                .collect(),
        }
    }
}

pub(crate) fn kind(k: DocKind) -> RelationshipKind {
    match k {
        DocKind::Transactional => RelationshipKind::Transactional,
        DocKind::Informational => RelationshipKind::Informational,
        DocKind::Responsive => RelationshipKind::Responsive,
        DocKind::Collaborative => RelationshipKind::Collaborative,
        DocKind::CoCreative => RelationshipKind::CoCreative,
    }
}

pub(crate) fn doc_kind(k: RelationshipKind) -> DocKind {
    match k {
        RelationshipKind::Transactional => DocKind::Transactional,
        RelationshipKind::Informational => DocKind::Informational,
        RelationshipKind::Responsive => DocKind::Responsive,
        RelationshipKind::Collaborative => DocKind::Collaborative,
        RelationshipKind::CoCreative => DocKind::CoCreative,
    }
}

/// An opinion for the file. The uncertainty is written rounded to 12 decimals for the
/// reader's sake: it is derived again from belief and disbelief on load, so nothing is
/// lost.
pub(crate) fn doc_opinion(o: &Opinion) -> DocOpinion {
    DocOpinion {
        belief: o.belief(),
        disbelief: o.disbelief(),
        uncertainty: (o.uncertainty() * 1e12).round() / 1e12,
        base_rate: o.base_rate(),
    }
}

fn doc_trust(t: &TrustProfile) -> DocTrust {
    DocTrust {
        absolute: t.absolute.as_ref().map(doc_opinion),
        contexts: t
            .contexts
            .iter()
            .map(|(c, o)| (c.clone(), doc_opinion(o)))
            .collect(),
    }
}

impl DocFlow {
    /// The flow this entry describes, its keys resolved in `model`; error paths are
    /// relative to the entry.
    pub(crate) fn to_flow(&self, model: &Model) -> Result<ValueFlow, Error> {
        let currency = model.settings().currency;
        let money =
            |d: &DocDecimal, field: &str| Money::parse_in(&d.0, currency).map_err(|e| e.with_path(field));
        let from = model.lookup_at(&self.from, "from")?;
        let to = model.lookup_at(&self.to, "to")?;
        let object = match &self.object {
            DocObject::Money => ValueObject::Money,
            DocObject::Product => ValueObject::Product,
            DocObject::Service => ValueObject::Service,
            DocObject::Knowledge => ValueObject::Knowledge,
            DocObject::Content => ValueObject::Content,
            DocObject::Feedback => ValueObject::Feedback,
            DocObject::Referral => ValueObject::Referral,
            DocObject::Attention => ValueObject::Attention,
            DocObject::Data => ValueObject::Data,
            DocObject::Reputation => ValueObject::Reputation,
            DocObject::Other(name) => ValueObject::Other(name.clone()),
        };
        let mut flow = ValueFlow::new(
            self.key.clone(),
            from,
            to,
            object,
            money(&self.value, "value")?,
            decimal(&self.occurrences, "occurrences")?,
        );
        flow.cost = self.cost.as_ref().map(|c| money(c, "cost")).transpose()?;
        flow.channel = self
            .channel
            .as_deref()
            .map(|k| model.lookup_at::<ChannelId>(k, "channel"))
            .transpose()?;
        flow.activity = self
            .activity
            .as_deref()
            .map(|k| model.lookup_at::<ActivityId>(k, "activity"))
            .transpose()?;
        if let Some(adj) = &self.adjustments {
            flow.adjustments = Adjustments {
                deadweight: fraction(adj.deadweight.as_ref(), "adjustments.deadweight")?,
                displacement: fraction(adj.displacement.as_ref(), "adjustments.displacement")?,
                attribution: fraction(adj.attribution.as_ref(), "adjustments.attribution")?,
                drop_off: fraction(adj.drop_off.as_ref(), "adjustments.drop_off")?,
            };
        }
        flow.duration = self.duration;
        flow.trust_elasticity = self.trust_elasticity;
        flow.per = self.per.map(from_doc_period);
        flow.starts_after = self.starts_after;
        Ok(flow)
    }

    /// The entry describing `f`, by the keys `model` gives its ids.
    pub(crate) fn from_flow(model: &Model, f: &ValueFlow) -> DocFlow {
        let key = |p: PartyId| model.party_key(p).unwrap_or("?").to_string();
        let amount = |m: Money| DocDecimal(m.amount().to_string());
        DocFlow {
            key: f.key.clone(),
            from: key(f.from),
            to: key(f.to),
            object: match &f.object {
                ValueObject::Money => DocObject::Money,
                ValueObject::Product => DocObject::Product,
                ValueObject::Service => DocObject::Service,
                ValueObject::Knowledge => DocObject::Knowledge,
                ValueObject::Content => DocObject::Content,
                ValueObject::Feedback => DocObject::Feedback,
                ValueObject::Referral => DocObject::Referral,
                ValueObject::Attention => DocObject::Attention,
                ValueObject::Data => DocObject::Data,
                ValueObject::Reputation => DocObject::Reputation,
                ValueObject::Other(name) => DocObject::Other(name.clone()),
            },
            value: amount(f.value),
            cost: f.cost.map(amount),
            occurrences: DocDecimal(f.occurrences.to_string()),
            channel: f
                .channel
                .map(|c| model.channel(c).map_or("?".to_string(), |c| c.key.clone())),
            activity: f
                .activity
                .map(|a| model.activity(a).map_or("?".to_string(), |a| a.key.clone())),
            adjustments: (!f.adjustments.is_zero()).then(|| {
                let part = |x: Fraction| (x != Fraction::ZERO).then(|| DocDecimal(x.value().to_string()));
                DocAdjustments {
                    deadweight: part(f.adjustments.deadweight),
                    displacement: part(f.adjustments.displacement),
                    attribution: part(f.adjustments.attribution),
                    drop_off: part(f.adjustments.drop_off),
                }
            }),
            duration: f.duration,
            trust_elasticity: f.trust_elasticity,
            per: f.per.map(to_doc_period),
            starts_after: f.starts_after,
        }
    }
}
