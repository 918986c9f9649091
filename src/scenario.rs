//! Scenarios: edits by key, applied to a copy of a model, with the response of
//! trust-elastic flows; and the comparison of a scenario with the model as it is.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::analysis::projection::{FlowMemo, Reuse, Sums};
use crate::analysis::reach::TrustBasis;
use crate::error::{Error, ErrorKind};
use crate::io::document::{self, DocDecimal, DocFlow, DocKind, DocOpinion};
use crate::model::{
    ActivityId, ChannelId, ConstituentId, FlowId, Model, PartyId, Relationship, RelationshipId,
    RelationshipKind, TrustProfile, ValueFlow,
};
use crate::money::Money;
use crate::render::{Table, signed, signed_money};
use crate::trust::Opinion;
use crate::{ProjectionOptions, ReachOptions};

/// One edit of a scenario, naming what it changes by key. Written in files as
/// `{"set_occurrences": {"flow": "sales", "occurrences": "120"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename = "Edit")]
pub(crate) enum Edit {
    /// The truster's trust in the trustee, absolute or in a context.
    SetTrust {
        truster: String,
        trustee: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        context: Option<String>,
        opinion: DocOpinion,
    },
    /// A relationship's kind.
    SetKind { between: [String; 2], kind: DocKind },
    /// A relationship's maintenance cost per period (absent: none).
    SetRelationshipCost {
        between: [String; 2],
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<DocDecimal>,
    },
    /// A new relationship, with no trust declared yet.
    AddRelationship { between: [String; 2], kind: DocKind },
    /// A flow's value per occurrence.
    SetValue { flow: String, value: DocDecimal },
    /// A flow's occurrences per period (its own period, if it states one).
    SetOccurrences { flow: String, occurrences: DocDecimal },
    /// A flow's cost per occurrence to the provider (absent: the default).
    SetFlowCost {
        flow: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<DocDecimal>,
    },
    /// The channel a flow goes through (absent: none).
    SetFlowChannel {
        flow: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
    },
    /// A flow's trust elasticity.
    SetElasticity { flow: String, trust_elasticity: f64 },
    /// A new flow, written as in a model file.
    AddFlow(Box<DocFlow>),
    /// A flow that stops.
    RemoveFlow { flow: String },
    /// A party's share of members on a channel.
    SetPresence {
        party: String,
        channel: String,
        share: f64,
    },
    /// A party leaves a channel (nothing to do if it was not there).
    RemovePresence { party: String, channel: String },
    /// A channel closes: the flows through it stop, and the presences on it and the
    /// observations made in it go.
    RemoveChannel { channel: String },
    /// A channel's cost per period (absent: none).
    SetChannelCost {
        channel: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<DocDecimal>,
    },
    /// An activity's in-house cost per period (absent: none).
    SetInHouseCost {
        activity: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<DocDecimal>,
    },
    /// Who performs an activity.
    SetPerformer { activity: String, party: String },
}

impl Edit {
    /// The edit's name in files.
    fn name(&self) -> &'static str {
        match self {
            Edit::SetTrust { .. } => "set_trust",
            Edit::SetKind { .. } => "set_kind",
            Edit::SetRelationshipCost { .. } => "set_relationship_cost",
            Edit::AddRelationship { .. } => "add_relationship",
            Edit::SetValue { .. } => "set_value",
            Edit::SetOccurrences { .. } => "set_occurrences",
            Edit::SetFlowCost { .. } => "set_flow_cost",
            Edit::SetFlowChannel { .. } => "set_flow_channel",
            Edit::SetElasticity { .. } => "set_elasticity",
            Edit::AddFlow(_) => "add_flow",
            Edit::RemoveFlow { .. } => "remove_flow",
            Edit::SetPresence { .. } => "set_presence",
            Edit::RemovePresence { .. } => "remove_presence",
            Edit::RemoveChannel { .. } => "remove_channel",
            Edit::SetChannelCost { .. } => "set_channel_cost",
            Edit::SetInHouseCost { .. } => "set_in_house_cost",
            Edit::SetPerformer { .. } => "set_performer",
        }
    }

    /// Every entity key the edit names (parties, flows, channels, activities).
    pub(crate) fn keys(&self) -> Vec<&str> {
        match self {
            Edit::SetTrust { truster, trustee, .. } => vec![truster.as_str(), trustee.as_str()],
            Edit::SetKind { between, .. }
            | Edit::SetRelationshipCost { between, .. }
            | Edit::AddRelationship { between, .. } => vec![between[0].as_str(), between[1].as_str()],
            Edit::SetValue { flow, .. }
            | Edit::SetOccurrences { flow, .. }
            | Edit::SetFlowCost { flow, .. }
            | Edit::SetElasticity { flow, .. }
            | Edit::RemoveFlow { flow } => vec![flow.as_str()],
            Edit::SetFlowChannel { flow, channel } => {
                std::iter::once(flow.as_str()).chain(channel.as_deref()).collect()
            }
            Edit::AddFlow(f) => [f.key.as_str(), f.from.as_str(), f.to.as_str()]
                .into_iter()
                .chain(f.channel.as_deref())
                .chain(f.activity.as_deref())
                .collect(),
            Edit::SetPresence { party, channel, .. } | Edit::RemovePresence { party, channel } => {
                vec![party.as_str(), channel.as_str()]
            }
            Edit::RemoveChannel { channel } | Edit::SetChannelCost { channel, .. } => vec![channel.as_str()],
            Edit::SetInHouseCost { activity, .. } => vec![activity.as_str()],
            Edit::SetPerformer { activity, party } => vec![activity.as_str(), party.as_str()],
        }
    }

    /// The pair of parties whose existing relationship the edit changes, if any.
    pub(crate) fn relationship(&self) -> Option<[&str; 2]> {
        match self {
            Edit::SetTrust { truster, trustee, .. } => Some([truster, trustee]),
            Edit::SetKind { between, .. } | Edit::SetRelationshipCost { between, .. } => {
                Some([&between[0], &between[1]])
            }
            _ => None,
        }
    }

    /// The trust context the edit names, if any.
    pub(crate) fn context(&self) -> Option<&str> {
        match self {
            Edit::SetTrust { context, .. } => context.as_deref(),
            _ => None,
        }
    }

    /// What the edit adds that the model must not gain by other means: a flow key, or
    /// a related pair.
    pub(crate) fn adds_key(&self) -> Option<&str> {
        match self {
            Edit::AddFlow(f) => Some(&f.key),
            _ => None,
        }
    }

    /// The pair an `add_relationship` edit relates.
    pub(crate) fn adds_relationship(&self) -> Option<[&str; 2]> {
        match self {
            Edit::AddRelationship { between, .. } => Some([&between[0], &between[1]]),
            _ => None,
        }
    }
}

impl Edit {
    /// Checks, without applying anything, that what the edit names exists in `model`
    /// (or was added by an earlier edit of the same scenario: `flows`, `pairs`) and
    /// that its values are well formed. Interventions stored in a model keep passing
    /// this check whatever the model's edits, as the model guards what they name.
    fn check_names(
        &self,
        model: &Model,
        flows: &mut Vec<String>,
        pairs: &mut Vec<[String; 2]>,
    ) -> Result<(), Error> {
        let party = |key: &str, field: &str| model.lookup_at::<PartyId>(key, field).map(|_| ());
        let channel = |key: &str, field: &str| model.lookup_at::<ChannelId>(key, field).map(|_| ());
        let activity = |key: &str, field: &str| model.lookup_at::<ActivityId>(key, field).map(|_| ());
        let flow = |key: &str, flows: &[String]| {
            if flows.iter().any(|f| f == key) {
                Ok(())
            } else {
                model.lookup_at::<FlowId>(key, "flow").map(|_| ())
            }
        };
        let related = |a: &str, b: &str, field: &str, pairs: &[[String; 2]]| {
            if pairs
                .iter()
                .any(|[x, y]| (x == a && y == b) || (x == b && y == a))
            {
                Ok(())
            } else {
                model.relationship_at(a, b, field).map(|_| ())
            }
        };
        let amount = |d: &DocDecimal, field: &str| model.money_at(d, field).map(|_| ());
        let optional = |d: &Option<DocDecimal>, field: &str| d.as_ref().map_or(Ok(()), |d| amount(d, field));
        match self {
            Edit::SetTrust {
                truster,
                trustee,
                context,
                opinion,
            } => {
                party(truster, "truster")?;
                party(trustee, "trustee")?;
                related(truster, trustee, "truster", pairs)?;
                if let Some(c) = context {
                    model.context_index(c).map_err(|e| e.with_path("context"))?;
                }
                document::opinion(opinion)
                    .map(|_| ())
                    .map_err(|e| e.with_path("opinion"))
            }
            Edit::SetKind { between, .. } => related(&between[0], &between[1], "between", pairs),
            Edit::SetRelationshipCost { between, cost } => {
                related(&between[0], &between[1], "between", pairs)?;
                optional(cost, "cost")
            }
            Edit::AddRelationship { between, .. } => {
                party(&between[0], "between[0]")?;
                party(&between[1], "between[1]")?;
                pairs.push(between.clone());
                Ok(())
            }
            Edit::SetValue { flow: f, value } => {
                flow(f, flows)?;
                amount(value, "value")
            }
            Edit::SetOccurrences { flow: f, occurrences } => {
                flow(f, flows)?;
                let n = document::decimal(occurrences, "occurrences")?;
                if n.is_sign_negative() && !n.is_zero() {
                    return Err(
                        Error::invalid(format!("occurrences must be >= 0, got {n}")).with_path("occurrences")
                    );
                }
                Ok(())
            }
            Edit::SetFlowCost { flow: f, cost } => {
                flow(f, flows)?;
                optional(cost, "cost")
            }
            Edit::SetFlowChannel { flow: f, channel: c } => {
                flow(f, flows)?;
                c.as_deref().map_or(Ok(()), |c| channel(c, "channel"))
            }
            Edit::SetElasticity {
                flow: f,
                trust_elasticity,
            } => {
                flow(f, flows)?;
                if !(trust_elasticity.is_finite() && *trust_elasticity >= 0.0) {
                    return Err(Error::invalid(format!(
                        "the trust elasticity must be finite and >= 0, got {trust_elasticity}"
                    ))
                    .with_path("trust_elasticity"));
                }
                Ok(())
            }
            Edit::AddFlow(doc) => {
                doc.to_flow(model)?;
                flows.push(doc.key.clone());
                Ok(())
            }
            Edit::RemoveFlow { flow: f } => flow(f, flows),
            Edit::SetPresence {
                party: p,
                channel: c,
                share,
            } => {
                party(p, "party")?;
                channel(c, "channel")?;
                if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                    return Err(
                        Error::invalid(format!("share must be in [0, 1], got {share}")).with_path("share")
                    );
                }
                Ok(())
            }
            Edit::RemovePresence { party: p, channel: c } => {
                party(p, "party")?;
                channel(c, "channel")
            }
            Edit::RemoveChannel { channel: c } => channel(c, "channel"),
            Edit::SetChannelCost { channel: c, cost } => {
                channel(c, "channel")?;
                optional(cost, "cost")
            }
            Edit::SetInHouseCost { activity: a, cost } => {
                activity(a, "activity")?;
                optional(cost, "cost")
            }
            Edit::SetPerformer {
                activity: a,
                party: p,
            } => {
                activity(a, "activity")?;
                party(p, "party")
            }
        }
    }
}

impl fmt::Display for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cost = |c: &Option<DocDecimal>| c.as_ref().map_or("none".to_string(), |d| d.0.clone());
        match self {
            Edit::SetTrust {
                truster,
                trustee,
                context,
                opinion,
            } => write!(
                f,
                "set `{truster}`'s trust in `{trustee}`{} to belief {}, disbelief {}, uncertainty {}",
                context.as_ref().map(|c| format!(" on {c}")).unwrap_or_default(),
                opinion.belief,
                opinion.disbelief,
                opinion.uncertainty
            ),
            Edit::SetKind { between, kind } => {
                write!(
                    f,
                    "make `{}`–`{}` {}",
                    between[0],
                    between[1],
                    document::kind(*kind).name()
                )
            }
            Edit::SetRelationshipCost { between, cost: c } => {
                write!(
                    f,
                    "set the cost of `{}`–`{}` to {}",
                    between[0],
                    between[1],
                    cost(c)
                )
            }
            Edit::AddRelationship { between, kind } => write!(
                f,
                "relate `{}` and `{}` ({})",
                between[0],
                between[1],
                document::kind(*kind).name()
            ),
            Edit::SetValue { flow, value } => write!(f, "set the value of `{flow}` to {}", value.0),
            Edit::SetOccurrences { flow, occurrences } => {
                write!(f, "set the occurrences of `{flow}` to {}", occurrences.0)
            }
            Edit::SetFlowCost { flow, cost: c } => write!(f, "set the cost of `{flow}` to {}", cost(c)),
            Edit::SetFlowChannel { flow, channel } => match channel {
                Some(c) => write!(f, "move `{flow}` to `{c}`"),
                None => write!(f, "take `{flow}` off its channel"),
            },
            Edit::SetElasticity {
                flow,
                trust_elasticity,
            } => write!(f, "set the trust elasticity of `{flow}` to {trust_elasticity}"),
            Edit::AddFlow(flow) => write!(
                f,
                "add flow `{}` from `{}` to `{}`: {} x {}",
                flow.key, flow.from, flow.to, flow.value.0, flow.occurrences.0
            ),
            Edit::RemoveFlow { flow } => write!(f, "stop `{flow}`"),
            Edit::SetPresence {
                party,
                channel,
                share,
            } => {
                write!(f, "set `{party}`'s share on `{channel}` to {share}")
            }
            Edit::RemovePresence { party, channel } => write!(f, "take `{party}` off `{channel}`"),
            Edit::RemoveChannel { channel } => write!(f, "close `{channel}`"),
            Edit::SetChannelCost { channel, cost: c } => {
                write!(f, "set the cost of `{channel}` to {}", cost(c))
            }
            Edit::SetInHouseCost { activity, cost: c } => {
                write!(f, "set the in-house cost of `{activity}` to {}", cost(c))
            }
            Edit::SetPerformer { activity, party } => write!(f, "have `{party}` perform `{activity}`"),
        }
    }
}

/// A "what if": an ordered list of edits to a model, naming what they change by key.
///
/// A scenario is built by chaining edits (or loaded from JSON) and checked only when
/// applied to a model ([`Model::apply`], [`Model::compare`]): an edit naming something
/// the model does not have is an error naming it. Applying a scenario never changes
/// the model it is applied to.
///
/// Written in files as `{"name": "...", "edits": [{"set_kind": {...}}, ...]}` (see
/// `docs/model-format.md`); amounts are decimal strings, as in model files.
///
/// # Example
/// ```
/// use covalence::{Model, Opinion, RelationshipKind, Scenario};
///
/// let model = Model::sample();
/// let scenario = Scenario::new("better support")
///     .set_trust("customers", "harbor", None, Opinion::new(0.6, 0.1, 0.3, 0.5)?)
///     .set_kind("harbor", "customers", RelationshipKind::Collaborative);
/// let future = model.apply(&scenario)?;
/// assert_ne!(future, model);
/// assert_eq!(model, Model::sample(), "the original is untouched");
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(default)]
    edits: Vec<Edit>,
}

fn amount(m: Money) -> DocDecimal {
    DocDecimal(format!("{} {}", m.amount(), m.currency()))
}

impl Scenario {
    /// An empty scenario with a name.
    ///
    /// ```
    /// let s = covalence::Scenario::new("status quo");
    /// assert!(s.is_empty());
    /// assert_eq!(s.name(), "status quo");
    /// ```
    pub fn new(name: impl Into<String>) -> Scenario {
        Scenario {
            name: name.into(),
            edits: Vec::new(),
        }
    }

    /// The scenario's name.
    ///
    /// ```
    /// assert_eq!(covalence::Scenario::new("x").name(), "x");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many edits it holds.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").remove_channel("facebook");
    /// assert_eq!(s.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// Whether it holds no edit (it then changes nothing).
    ///
    /// ```
    /// assert!(covalence::Scenario::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub(crate) fn edits(&self) -> &[Edit] {
        &self.edits
    }

    pub(crate) fn from_edits(name: String, edits: Vec<Edit>) -> Scenario {
        Scenario { name, edits }
    }

    /// Every floating-point number the edits hold, with the edit's position.
    pub(crate) fn numbers(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.edits.iter().enumerate().flat_map(|(i, e)| {
            let numbers = match e {
                Edit::SetTrust { opinion, .. } => {
                    vec![
                        opinion.belief,
                        opinion.disbelief,
                        opinion.uncertainty,
                        opinion.base_rate,
                    ]
                }
                Edit::SetElasticity { trust_elasticity, .. } => vec![*trust_elasticity],
                Edit::SetPresence { share, .. } => vec![*share],
                Edit::AddFlow(f) => vec![f.trust_elasticity],
                _ => Vec::new(),
            };
            numbers.into_iter().map(move |x| (i, x))
        })
    }

    /// Checks that every edit's names resolve in `model` (see `Edit::check_names`),
    /// with errors under `edits[i]`.
    pub(crate) fn check_names(&self, model: &Model) -> Result<(), Error> {
        let (mut flows, mut pairs) = (Vec::new(), Vec::new());
        for (i, edit) in self.edits.iter().enumerate() {
            edit.check_names(model, &mut flows, &mut pairs).map_err(|e| {
                e.under(&format!("edits[{i}]"))
                    .context(format!("edit {} ({})", i + 1, edit.name()))
            })?;
        }
        Ok(())
    }

    fn with(mut self, edit: Edit) -> Scenario {
        self.edits.push(edit);
        self
    }

    /// Appends another scenario's edits after this one's.
    ///
    /// ```
    /// use covalence::Scenario;
    /// let both = Scenario::new("a").remove_channel("x").then(&Scenario::new("b").remove_channel("facebook"));
    /// assert_eq!(both.len(), 2);
    /// ```
    #[must_use]
    pub fn then(mut self, other: &Scenario) -> Scenario {
        self.edits.extend(other.edits.iter().cloned());
        self
    }

    /// Sets the truster's trust in the trustee, absolute (`context` `None`) or in a
    /// context. The two must be related (by the model or an earlier edit).
    ///
    /// ```
    /// use covalence::{Opinion, Scenario};
    /// let s = Scenario::new("x").set_trust("customers", "harbor", Some("privacy"), Opinion::new(0.5, 0.2, 0.3, 0.5)?);
    /// # assert_eq!(s.len(), 1);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    #[must_use]
    pub fn set_trust(
        self,
        truster: &str,
        trustee: &str,
        context: Option<&str>,
        opinion: Opinion,
    ) -> Scenario {
        self.with(Edit::SetTrust {
            truster: truster.to_string(),
            trustee: trustee.to_string(),
            context: context.map(str::to_string),
            opinion: document::doc_opinion(&opinion),
        })
    }

    /// Sets the kind of the relationship between two parties.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_kind("harbor", "customers", covalence::RelationshipKind::CoCreative);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_kind(self, a: &str, b: &str, kind: RelationshipKind) -> Scenario {
        self.with(Edit::SetKind {
            between: [a.to_string(), b.to_string()],
            kind: document::doc_kind(kind),
        })
    }

    /// Sets (or, with `None`, clears) the maintenance cost per period of the
    /// relationship between two parties.
    ///
    /// ```
    /// use covalence::{Currency, Money};
    /// let s = covalence::Scenario::new("x")
    ///     .set_relationship_cost("harbor", "customers", Some(Money::new(rust_decimal::dec!(80000), Currency::USD)));
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_relationship_cost(self, a: &str, b: &str, cost: Option<Money>) -> Scenario {
        self.with(Edit::SetRelationshipCost {
            between: [a.to_string(), b.to_string()],
            cost: cost.map(amount),
        })
    }

    /// Relates two parties (no trust declared yet: follow with
    /// [`Scenario::set_trust`]).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").add_relationship("executives", "community",
    ///     covalence::RelationshipKind::Collaborative);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn add_relationship(self, a: &str, b: &str, kind: RelationshipKind) -> Scenario {
        self.with(Edit::AddRelationship {
            between: [a.to_string(), b.to_string()],
            kind: document::doc_kind(kind),
        })
    }

    /// Sets a flow's value per occurrence.
    ///
    /// ```
    /// use covalence::{Currency, Money};
    /// let s = covalence::Scenario::new("x").set_value("direct-purchases", Money::new(rust_decimal::dec!(150), Currency::USD));
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_value(self, flow: &str, value: Money) -> Scenario {
        self.with(Edit::SetValue {
            flow: flow.to_string(),
            value: amount(value),
        })
    }

    /// Sets a flow's occurrences per period. A flow whose occurrences a scenario sets
    /// does not also respond to trust.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_occurrences("direct-purchases", rust_decimal::dec!(70000));
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_occurrences(self, flow: &str, occurrences: Decimal) -> Scenario {
        self.with(Edit::SetOccurrences {
            flow: flow.to_string(),
            occurrences: DocDecimal(occurrences.to_string()),
        })
    }

    /// Sets (or, with `None`, resets to the default) a flow's cost per occurrence to
    /// its provider.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_flow_cost("field-guides", None);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_flow_cost(self, flow: &str, cost: Option<Money>) -> Scenario {
        self.with(Edit::SetFlowCost {
            flow: flow.to_string(),
            cost: cost.map(amount),
        })
    }

    /// Moves a flow to another channel (`None`: no channel).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_flow_channel("facebook-attention", Some("newsletter"));
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_flow_channel(self, flow: &str, channel: Option<&str>) -> Scenario {
        self.with(Edit::SetFlowChannel {
            flow: flow.to_string(),
            channel: channel.map(str::to_string),
        })
    }

    /// Sets a flow's trust elasticity (finite, >= 0).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_elasticity("direct-purchases", 0.3);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_elasticity(self, flow: &str, trust_elasticity: f64) -> Scenario {
        self.with(Edit::SetElasticity {
            flow: flow.to_string(),
            trust_elasticity,
        })
    }

    /// Adds a flow. It is given as a [`ValueFlow`] of `model` and kept by keys, so the
    /// scenario can be applied to any model with the same keys.
    ///
    /// # Errors
    /// [`ErrorKind::NotFound`] if the flow names an id `model` does not have.
    ///
    /// # Example
    /// ```
    /// use covalence::{Currency, Model, Money, PartyId, Scenario, ValueFlow, ValueObject};
    /// use rust_decimal::dec;
    ///
    /// let model = Model::sample();
    /// let customers: PartyId = model.lookup("customers")?;
    /// let ideas = ValueFlow::new("gear-ideas", customers, model.focal().into(), ValueObject::Knowledge,
    ///     Money::new(dec!(60), Currency::USD), dec!(500));
    /// let scenario = Scenario::new("ideas").add_flow(&model, &ideas)?;
    /// assert!(model.apply(&scenario)?.lookup::<covalence::FlowId>("gear-ideas").is_ok());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn add_flow(self, model: &Model, flow: &ValueFlow) -> Result<Scenario, Error> {
        let currency = model.settings().currency;
        for (amount, field) in [(Some(flow.value), "value"), (flow.cost, "cost")] {
            if let Some(m) = amount
                && m.currency() != currency
            {
                return Err(Error::new(
                    ErrorKind::CurrencyMismatch,
                    format!(
                        "{field} is in {}, but the model's currency is {currency}",
                        m.currency()
                    ),
                )
                .with_path(field));
            }
        }
        model.party_data(flow.from).map_err(|e| e.with_path("from"))?;
        model.party_data(flow.to).map_err(|e| e.with_path("to"))?;
        if let Some(c) = flow.channel {
            model.channel(c).map_err(|e| e.with_path("channel"))?;
        }
        if let Some(a) = flow.activity {
            model.activity(a).map_err(|e| e.with_path("activity"))?;
        }
        Ok(self.with(Edit::AddFlow(Box::new(DocFlow::from_flow(model, flow)))))
    }

    /// Stops a flow.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").remove_flow("pixel-data-to-meta");
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn remove_flow(self, flow: &str) -> Scenario {
        self.with(Edit::RemoveFlow {
            flow: flow.to_string(),
        })
    }

    /// Sets a party's share of members on a channel (in `[0, 1]`; 1 for an
    /// organization).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_presence("customers", "forum", 0.2);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_presence(self, party: &str, channel: &str, share: f64) -> Scenario {
        self.with(Edit::SetPresence {
            party: party.to_string(),
            channel: channel.to_string(),
            share,
        })
    }

    /// Takes a party off a channel (nothing to do if it was not there; both must
    /// exist).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").remove_presence("harbor", "x");
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn remove_presence(self, party: &str, channel: &str) -> Scenario {
        self.with(Edit::RemovePresence {
            party: party.to_string(),
            channel: channel.to_string(),
        })
    }

    /// Ends a channel: the flows through it stop (move them first with
    /// [`Scenario::set_flow_channel`] to keep them), and the presences on it and the
    /// observations made in it go. To leave a platform where others go on talking,
    /// take the organization off it with [`Scenario::remove_presence`] instead: what
    /// is said there still counts.
    ///
    /// ```
    /// let s = covalence::Scenario::new("leave facebook").remove_channel("facebook");
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn remove_channel(self, channel: &str) -> Scenario {
        self.with(Edit::RemoveChannel {
            channel: channel.to_string(),
        })
    }

    /// Sets (or, with `None`, clears) a channel's cost per period.
    ///
    /// ```
    /// use covalence::{Currency, Money};
    /// let s = covalence::Scenario::new("x").set_channel_cost("forum", Some(Money::new(rust_decimal::dec!(90000), Currency::USD)));
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_channel_cost(self, channel: &str, cost: Option<Money>) -> Scenario {
        self.with(Edit::SetChannelCost {
            channel: channel.to_string(),
            cost: cost.map(amount),
        })
    }

    /// Sets (or, with `None`, clears) an activity's in-house cost per period.
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_in_house_cost("payroll", None);
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_in_house_cost(self, activity: &str, cost: Option<Money>) -> Scenario {
        self.with(Edit::SetInHouseCost {
            activity: activity.to_string(),
            cost: cost.map(amount),
        })
    }

    /// Has another party perform an activity (outsourcing it, or bringing it in).
    ///
    /// ```
    /// let s = covalence::Scenario::new("x").set_performer("payroll", "tidewater-logistics");
    /// # assert_eq!(s.len(), 1);
    /// ```
    #[must_use]
    pub fn set_performer(self, activity: &str, party: &str) -> Scenario {
        self.with(Edit::SetPerformer {
            activity: activity.to_string(),
            party: party.to_string(),
        })
    }
}

impl fmt::Display for Scenario {
    /// The name, then one edit a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            writeln!(f, "Scenario")?;
        } else {
            writeln!(f, "Scenario `{}`", self.name)?;
        }
        if self.edits.is_empty() {
            writeln!(f, "  (no edits)")?;
        }
        for (i, edit) in self.edits.iter().enumerate() {
            writeln!(f, "  {}. {edit}", i + 1)?;
        }
        Ok(())
    }
}

/// How a trust-elastic flow responded to a change of trust.
///
/// # Example
/// ```
/// use covalence::{Model, Opinion, Scenario};
///
/// let model = Model::sample();
/// let s = Scenario::new("trust").set_trust("customers", "harbor", None, Opinion::new(0.7, 0.1, 0.2, 0.5)?);
/// let c = model.compare(&s)?;
/// let feedback = c.responses.iter().find(|r| r.key == "customer-feedback").expect("elastic");
/// assert!(feedback.occurrences.after > feedback.occurrences.before);
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response {
    /// The flow.
    pub flow: FlowId,
    /// Its key.
    pub key: String,
    /// The provider's projected trust in the recipient, before and after.
    pub trust: Change<f64>,
    /// The flow's trust elasticity.
    pub elasticity: f64,
    /// `(after / before)^elasticity`, rounded to 12 decimal places.
    pub multiplier: Decimal,
    /// Occurrences before and after.
    pub occurrences: Change<Decimal>,
}

/// A quantity before and after a scenario.
///
/// # Example
/// ```
/// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
/// assert_eq!(c.npv.before, c.npv.after);
/// assert!(c.npv.delta()?.is_zero());
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Change<T> {
    /// The model as it is.
    pub before: T,
    /// The model with the scenario applied.
    pub after: T,
}

impl<T> Change<T> {
    fn new(before: T, after: T) -> Change<T> {
        Change { before, after }
    }
}

impl Change<Money> {
    /// `after - before`.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`] when the difference does not fit.
    ///
    /// # Example
    /// ```
    /// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
    /// assert!(c.returns.delta()?.is_zero());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn delta(&self) -> Result<Money, Error> {
        self.after.checked_sub(self.before)
    }
}

impl Change<f64> {
    /// `after - before`.
    ///
    /// ```
    /// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
    /// assert_eq!(c.effective_reach.delta(), 0.0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn delta(&self) -> f64 {
        self.after - self.before
    }
}

impl Change<Decimal> {
    /// `after - before`.
    ///
    /// # Errors
    /// [`ErrorKind::Overflow`] when the difference does not fit.
    ///
    /// # Example
    /// ```
    /// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
    /// assert!(c.responses.is_empty());
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn delta(&self) -> Result<Decimal, Error> {
        self.after
            .checked_sub(self.before)
            .ok_or_else(|| Error::overflow("a difference"))
    }
}

impl Change<u64> {
    /// `after - before`, as a signed number.
    ///
    /// ```
    /// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
    /// assert_eq!(c.raw_reach.delta(), 0);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn delta(&self) -> i128 {
        i128::from(self.after) - i128::from(self.before)
    }
}

/// One constituent group's trust in the focal organization (or the reach source),
/// before and after a scenario.
///
/// # Example
/// ```
/// let c = covalence::Model::sample().compare(&covalence::Scenario::new("none"))?;
/// assert!(c.trust.iter().all(|t| t.trust.delta() == 0.0));
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrustChange {
    /// The group.
    pub constituent: ConstituentId,
    /// Its key.
    pub key: String,
    /// Projected trust, before and after.
    pub trust: Change<f64>,
    /// What it rests on, before and after.
    pub basis: Change<TrustBasis>,
}

/// Options for [`Model::compare_with`]: how returns are projected and reach measured.
///
/// # Example
/// ```
/// use covalence::{CompareOptions, ProjectionOptions, ReachOptions};
///
/// let options = CompareOptions::new()
///     .projection(ProjectionOptions::new().horizon(10))
///     .reach(ReachOptions::new().max_hops(3));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct CompareOptions {
    projection: ProjectionOptions,
    reach: ReachOptions,
}

impl CompareOptions {
    /// The defaults of [`ProjectionOptions::new`] and [`ReachOptions::new`]: the focal
    /// organization, 5 periods at 3.5%, reach within 2 hops.
    ///
    /// ```
    /// let options = covalence::CompareOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> CompareOptions {
        CompareOptions::default()
    }

    /// How to project returns (the ledger is the projected party's).
    ///
    /// ```
    /// let options = covalence::CompareOptions::new().projection(covalence::ProjectionOptions::new().horizon(3));
    /// # let _ = options;
    /// ```
    pub fn projection(mut self, projection: ProjectionOptions) -> CompareOptions {
        self.projection = projection;
        self
    }

    /// How to measure reach (trust is each group's in the reach source).
    ///
    /// ```
    /// let options = covalence::CompareOptions::new().reach(covalence::ReachOptions::new().max_hops(3));
    /// # let _ = options;
    /// ```
    pub fn reach(mut self, reach: ReachOptions) -> CompareOptions {
        self.reach = reach;
        self
    }

    pub(crate) fn projection_options(&self) -> &ProjectionOptions {
        &self.projection
    }
}

/// What a scenario changes: the ledger, the projection, reach, platform dependency and
/// trust, before and after, and the flows that responded to trust.
///
/// `Display` renders it as a table.
///
/// # Example
/// ```
/// use covalence::{Model, Scenario};
///
/// let model = Model::sample();
/// let c = model.compare(&Scenario::new("leave facebook").remove_channel("facebook"))?;
/// assert!(c.raw_reach.after <= c.raw_reach.before);
/// println!("{c}");
/// # Ok::<(), covalence::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Comparison {
    /// The scenario's name.
    pub scenario: String,
    /// Returns per period (the ledger's).
    pub returns: Change<Money>,
    /// Costs per period.
    pub costs: Change<Money>,
    /// Net per period.
    pub net: Change<Money>,
    /// Return on investment per period (`None` without costs).
    pub roi: Change<Option<Decimal>>,
    /// Present value of the projection.
    pub present_value: Change<Money>,
    /// Net present value of the projection (t = 0 undiscounted).
    pub npv: Change<Money>,
    /// SROI of the projection (`None` without investment).
    pub sroi: Change<Option<Decimal>>,
    /// Raw reach (people).
    pub raw_reach: Change<u64>,
    /// Expected reach (people).
    pub expected_reach: Change<f64>,
    /// Effective reach (people who are reached and trust).
    pub effective_reach: Change<f64>,
    /// Share of effective reach lost if every rented (commercial) channel
    /// disappeared: the platform dependency.
    pub platform_dependency: Change<f64>,
    /// Share of the people present on the source's channels who are there on rented
    /// (commercial) channels: exposure to platforms.
    pub rented_exposure: Change<f64>,
    /// The constituent groups whose trust in the reach source (or what it rests on)
    /// changes, in the model's order; the others keep theirs.
    pub trust: Vec<TrustChange>,
    /// The flows whose occurrences responded to a change of trust.
    pub responses: Vec<Response>,
    /// The period amounts are per.
    pub period: crate::Period,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let currency = self.npv.before.currency();
        if self.scenario.is_empty() {
            writeln!(f, "Scenario compared with the model as it is")?;
        } else {
            writeln!(f, "Scenario `{}` compared with the model as it is", self.scenario)?;
        }
        writeln!(f)?;
        let mut table = Table::new(&["", "before", "after", "change"], &[false, true, true, true]);
        let per = self.period.name();
        let money_row = |label: String, c: &Change<Money>| {
            vec![
                label,
                crate::render::money(c.before),
                crate::render::money(c.after),
                c.delta().map_or("overflow".to_string(), signed_money),
            ]
        };
        let ratio = |x: Option<Decimal>| x.map_or("-".to_string(), |r| format!("{:.4}", r.round_dp(4)));
        let ratio_row = |label: &str, c: &Change<Option<Decimal>>| {
            let change = match (c.before, c.after) {
                (Some(b), Some(a)) => a.checked_sub(b).map_or("-".to_string(), |d| {
                    let d = d.round_dp(4);
                    if d > Decimal::ZERO {
                        format!("+{d:.4}")
                    } else {
                        format!("{d:.4}")
                    }
                }),
                _ => "-".to_string(),
            };
            vec![label.to_string(), ratio(c.before), ratio(c.after), change]
        };
        table.row(money_row(format!("returns a {per} ({currency})"), &self.returns));
        table.row(money_row(format!("costs a {per} ({currency})"), &self.costs));
        table.row(money_row(format!("net a {per} ({currency})"), &self.net));
        table.row(ratio_row("ROI", &self.roi));
        table.row(money_row(
            format!("present value ({currency})"),
            &self.present_value,
        ));
        table.row(money_row(format!("NPV ({currency})"), &self.npv));
        table.row(ratio_row("SROI", &self.sroi));
        table.row(vec![
            "raw reach (people)".into(),
            crate::render::grouped(Decimal::from(self.raw_reach.before)),
            crate::render::grouped(Decimal::from(self.raw_reach.after)),
            {
                let d = self.raw_reach.delta();
                let text = crate::render::grouped(Decimal::from_i128_with_scale(d, 0));
                if d > 0 { format!("+{text}") } else { text }
            },
        ]);
        let people = |x: f64| crate::render::grouped(Decimal::from_f64_retain(x.round()).unwrap_or_default());
        let people_row = |label: &str, c: &Change<f64>| {
            let d = c.delta().round();
            vec![
                label.to_string(),
                people(c.before),
                people(c.after),
                if d > 0.0 {
                    format!("+{}", people(d))
                } else {
                    people(d)
                },
            ]
        };
        table.row(people_row("expected reach (people)", &self.expected_reach));
        table.row(people_row("effective reach (people)", &self.effective_reach));
        let share_row = |label: &str, c: &Change<f64>| {
            vec![
                label.to_string(),
                format!("{:.1}%", c.before * 100.0),
                format!("{:.1}%", c.after * 100.0),
                format!("{} pt", signed(c.delta() * 100.0, 1)),
            ]
        };
        table.row(share_row(
            "effective reach on rented channels",
            &self.platform_dependency,
        ));
        table.row(share_row("exposure on rented channels", &self.rented_exposure));
        write!(f, "{table}")?;
        let moved: Vec<&TrustChange> = self
            .trust
            .iter()
            .filter(|t| t.trust.before != t.trust.after || t.basis.before != t.basis.after)
            .collect();
        writeln!(f)?;
        if moved.is_empty() {
            writeln!(f, "Trust in the organization: no group's trust changes.")?;
        } else {
            writeln!(f, "Trust in the organization (projected probability)")?;
            let mut t = Table::new(
                &["group", "before", "after", "change"],
                &[false, true, true, true],
            );
            for m in moved {
                t.row(vec![
                    m.key.clone(),
                    format!("{:.3}", m.trust.before),
                    format!("{:.3}", m.trust.after),
                    signed(m.trust.delta(), 3),
                ]);
            }
            write!(f, "{t}")?;
        }
        writeln!(f)?;
        if self.responses.is_empty() {
            writeln!(
                f,
                "Responses to trust: none (no trust-elastic flow saw its trust change)."
            )?;
        } else {
            writeln!(
                f,
                "Responses to trust: occurrences x (trust after / trust before)^elasticity"
            )?;
            let mut t = Table::new(
                &["flow", "trust", "elasticity", "multiplier", "occurrences"],
                &[false, false, true, true, false],
            );
            for r in &self.responses {
                t.row(vec![
                    r.key.clone(),
                    format!("{:.3} -> {:.3}", r.trust.before, r.trust.after),
                    format!("{}", r.elasticity),
                    format!("{:.4}", r.multiplier.round_dp(4)),
                    format!(
                        "{} -> {}",
                        crate::render::grouped(r.occurrences.before.normalize()),
                        crate::render::grouped(r.occurrences.after.round_dp(2).normalize())
                    ),
                ]);
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// A few pairs of parties, looked up by scanning (scenarios name few).
#[derive(Debug, Default)]
struct PairSet(Vec<(PartyId, PartyId)>);

impl PairSet {
    fn insert(&mut self, pair: (PartyId, PartyId)) {
        if !self.0.contains(&pair) {
            self.0.push(pair);
        }
    }

    fn extend(&mut self, pairs: impl IntoIterator<Item = (PartyId, PartyId)>) {
        pairs.into_iter().for_each(|p| self.insert(p));
    }

    fn contains(&self, pair: &(PartyId, PartyId)) -> bool {
        self.0.contains(pair)
    }
}

/// What applying a scenario touched, to evaluate only what may have changed.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Flows whose occurrences an edit set, or that an edit added: they do not
    /// respond to trust.
    explicit: HashSet<FlowId>,
    /// Flows an edit or a response changed, added or removed: their kept terms are
    /// stale.
    stale: HashSet<FlowId>,
    /// Declared trust, relationships or observations changed.
    pub(crate) trust: bool,
    /// The (truster, trustee) pairs whose direct trust may have changed: declared
    /// trust set, or observations removed.
    pairs: PairSet,
    /// Presences or channels changed (reach changes even if trust does not).
    pub(crate) reach: bool,
    /// Trust edges, relationships or observations changed: the analysis snapshot must
    /// be built anew (otherwise only its trust weights are).
    topology: bool,
    /// The relationships (graph edges) whose opinions an edit set.
    edges: Vec<u32>,
    /// A cost that is not a flow's changed (relationship, channel, activity).
    costs: bool,
    /// Parties whose presences changed (a party's channel costs follow its presence).
    present: Vec<PartyId>,
}

/// The numbers a comparison reports, for one model.
#[derive(Debug)]
pub(crate) struct Evaluation {
    /// The terms of the party's flows (kept for the baseline only).
    memo: FlowMemo,
    /// The sums the projection rests on.
    sums: Sums,
    returns: Money,
    costs: Money,
    net: Money,
    roi: Option<Decimal>,
    present_value: Money,
    npv: Money,
    sroi: Option<Decimal>,
    raw: u64,
    expected: f64,
    effective: f64,
    rented: f64,
    rented_exposure: f64,
    trust: Vec<(ConstituentId, f64, TrustBasis)>,
}

impl Evaluation {
    pub(crate) fn npv(&self) -> Money {
        self.npv
    }
}

/// Evaluates a model; reach and trust are taken from `unchanged` instead when the
/// scenario did not touch them, and flow terms from `reuse` where it has them.
fn evaluate(
    model: &Model,
    options: &CompareOptions,
    unchanged: Option<&Evaluation>,
    reuse: Option<Reuse<'_>>,
    known: Option<Sums>,
) -> Result<Evaluation, Error> {
    let (projection, ledger, sums) =
        model.projection_with(&options.projection.clone().lean(), reuse, known)?;
    let (raw, expected, effective, rented, rented_exposure, trust) = match unchanged {
        Some(e) => (
            e.raw,
            e.expected,
            e.effective,
            e.rented,
            e.rented_exposure,
            e.trust.clone(),
        ),
        None => {
            let (reach, detail) = model.reach_and_trust(&options.reach.clone().totals_only())?;
            (
                reach.raw,
                reach.expected,
                reach.effective,
                reach.rented_effective_dependency,
                detail.rented_exposure,
                detail.trust,
            )
        }
    };
    Ok(Evaluation {
        memo: FlowMemo::default(),
        sums,
        returns: ledger.returns,
        costs: ledger.costs,
        net: ledger.net,
        roi: ledger.roi,
        present_value: projection.present_value,
        npv: projection.npv,
        sroi: projection.sroi,
        raw,
        expected,
        effective,
        rented,
        rented_exposure,
        trust,
    })
}

/// The projected trust a flow's provider has in its recipient, if any is known.
fn provider_trust(model: &Model, from: PartyId, to: PartyId) -> Result<Option<f64>, Error> {
    if from == to {
        return Ok(None);
    }
    Ok(model.trust(from, to, None)?.opinion.map(|o| o.projected()))
}

/// Rounds a multiplier into a decimal: 12 places, half away from zero.
fn multiplier(before: f64, after: f64, elasticity: f64) -> Result<Decimal, Error> {
    let m = (after / before).powf(elasticity);
    if !m.is_finite() {
        return Err(Error::overflow("a trust response multiplier"));
    }
    Decimal::from_f64_retain(m)
        .map(|d| d.round_dp_with_strategy(12, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
        .ok_or_else(|| Error::overflow("a trust response multiplier"))
}

impl Model {
    /// The entity a key names, with `field` as the error's path.
    pub(crate) fn lookup_at<I: crate::model::KeyedId>(&self, key: &str, field: &str) -> Result<I, Error> {
        self.lookup(key).map_err(|e| e.with_path(field))
    }

    fn relationship_at(&self, a: &str, b: &str, field: &str) -> Result<RelationshipId, Error> {
        let pa: PartyId = self.lookup_at(a, field)?;
        let pb: PartyId = self.lookup_at(b, field)?;
        self.relationship_between(pa, pb).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!("`{a}` and `{b}` have no relationship"),
            )
            .with_path(field)
        })
    }

    fn money_at(&self, d: &DocDecimal, field: &str) -> Result<Money, Error> {
        Money::parse_in(&d.0, self.settings().currency).map_err(|e| e.with_path(field))
    }

    fn optional_money_at(&self, d: &Option<DocDecimal>, field: &str) -> Result<Option<Money>, Error> {
        d.as_ref().map(|d| self.money_at(d, field)).transpose()
    }

    /// Applies one edit in place.
    fn apply_edit(&mut self, edit: &Edit, touched: &mut Touched) -> Result<(), Error> {
        match edit {
            Edit::SetTrust {
                truster,
                trustee,
                context,
                opinion,
            } => {
                let party: PartyId = self.lookup_at(truster, "truster")?;
                self.lookup_at::<PartyId>(trustee, "trustee")?;
                let id = self.relationship_at(truster, trustee, "truster")?;
                let opinion = document::opinion(opinion).map_err(|e| e.with_path("opinion"))?;
                if let Some(c) = context {
                    self.context_index(c).map_err(|e| e.with_path("context"))?;
                }
                touched.trust = true;
                if self
                    .relationship(id)?
                    .trust_of(party)
                    .is_none_or(TrustProfile::is_empty)
                {
                    touched.topology = true;
                }
                if let Ok(other) = self.lookup::<PartyId>(trustee) {
                    touched.pairs.insert((party, other));
                }
                touched.edges.push(id.slot_index() as u32);
                self.update_relationship(id, |r| {
                    if let Some(profile) = r.trust_of_mut(party) {
                        match context {
                            Some(c) => {
                                profile.contexts.insert(c.clone(), opinion);
                            }
                            None => profile.absolute = Some(opinion),
                        }
                    }
                })
            }
            Edit::SetKind { between, kind } => {
                let id = self.relationship_at(&between[0], &between[1], "between")?;
                self.update_relationship(id, |r| r.kind = document::kind(*kind))
            }
            Edit::SetRelationshipCost { between, cost } => {
                touched.costs = true;
                let id = self.relationship_at(&between[0], &between[1], "between")?;
                let cost = self.optional_money_at(cost, "cost")?;
                self.update_relationship(id, |r| r.cost = cost)
            }
            Edit::AddRelationship { between, kind } => {
                let a: PartyId = self.lookup_at(&between[0], "between[0]")?;
                let b: PartyId = self.lookup_at(&between[1], "between[1]")?;
                touched.trust = true;
                touched.reach = true;
                touched.topology = true;
                self.add_relationship(Relationship::new(a, b, document::kind(*kind)))
                    .map(|_| ())
                    .map_err(|e| match e.path() {
                        None | Some("parties") => e.set_path("between"),
                        Some(_) => e,
                    })
            }
            Edit::SetValue { flow, value } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                let value = self.money_at(value, "value")?;
                self.update_flow(id, |f| f.value = value)
            }
            Edit::SetOccurrences { flow, occurrences } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                let occurrences = document::decimal(occurrences, "occurrences")?;
                touched.explicit.insert(id);
                self.update_flow(id, |f| f.occurrences = occurrences)
            }
            Edit::SetFlowCost { flow, cost } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                let cost = self.optional_money_at(cost, "cost")?;
                self.update_flow(id, |f| f.cost = cost)
            }
            Edit::SetFlowChannel { flow, channel } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                let channel = channel
                    .as_deref()
                    .map(|c| self.lookup_at::<ChannelId>(c, "channel"))
                    .transpose()?;
                self.update_flow(id, |f| f.channel = channel)
            }
            Edit::SetElasticity {
                flow,
                trust_elasticity,
            } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                self.update_flow(id, |f| f.trust_elasticity = *trust_elasticity)
            }
            Edit::AddFlow(doc) => {
                let flow = doc.to_flow(self)?;
                let id = self.add_flow(flow)?;
                touched.explicit.insert(id);
                touched.stale.insert(id);
                Ok(())
            }
            Edit::RemoveFlow { flow } => {
                let id: FlowId = self.lookup_at(flow, "flow")?;
                touched.stale.insert(id);
                self.remove_flow(id).map(|_| ())
            }
            Edit::SetPresence {
                party,
                channel,
                share,
            } => {
                let p: PartyId = self.lookup_at(party, "party")?;
                let c: ChannelId = self.lookup_at(channel, "channel")?;
                touched.reach = true;
                touched.present.push(p);
                self.set_presence(p, c, *share)
                    .map(|_| ())
                    .map_err(|e| e.with_path("share"))
            }
            Edit::RemovePresence { party, channel } => {
                let p: PartyId = self.lookup_at(party, "party")?;
                let c: ChannelId = self.lookup_at(channel, "channel")?;
                touched.reach = true;
                touched.present.push(p);
                self.remove_presence(p, c);
                Ok(())
            }
            Edit::RemoveChannel { channel } => {
                touched.costs = true;
                let c: ChannelId = self.lookup_at(channel, "channel")?;
                let through: Vec<FlowId> = self
                    .flows()
                    .filter(|(_, f)| f.channel == Some(c))
                    .map(|(id, _)| id)
                    .collect();
                for id in through {
                    touched.stale.insert(id);
                    self.remove_flow(id)?;
                }
                touched.trust = true;
                touched.reach = true;
                let removed = self.remove_channel(c)?;
                touched.pairs.extend(
                    removed
                        .observations
                        .iter()
                        .map(|o| (PartyId::from(o.by), o.about)),
                );
                touched.topology |= !removed.observations.is_empty();
                Ok(())
            }
            Edit::SetChannelCost { channel, cost } => {
                touched.costs = true;
                let c: ChannelId = self.lookup_at(channel, "channel")?;
                let cost = self.optional_money_at(cost, "cost")?;
                self.update_channel(c, |ch| ch.cost = cost)
            }
            Edit::SetInHouseCost { activity, cost } => {
                touched.costs = true;
                let a: ActivityId = self.lookup_at(activity, "activity")?;
                let cost = self.optional_money_at(cost, "cost")?;
                self.update_activity(a, |act| act.in_house_cost = cost)
            }
            Edit::SetPerformer { activity, party } => {
                touched.costs = true;
                let a: ActivityId = self.lookup_at(activity, "activity")?;
                let p: PartyId = self.lookup_at(party, "party")?;
                self.update_activity(a, |act| act.performed_by = p)
            }
        }
    }

    /// The model with a scenario applied, what it touched, and the trust responses.
    pub(crate) fn apply_touched(
        &self,
        scenario: &Scenario,
    ) -> Result<(Model, Touched, Vec<Response>), Error> {
        let mut model = self.clone();
        model.clear_interventions();
        let mut touched = Touched::default();
        for (i, edit) in scenario.edits.iter().enumerate() {
            model.apply_edit(edit, &mut touched).map_err(|e| {
                let e = e.under(&format!("edits[{i}]"));
                let label = format!("edit {} ({})", i + 1, edit.name());
                if scenario.name.is_empty() {
                    e.context(label)
                } else {
                    e.context(format!("scenario `{}`, {label}", scenario.name))
                }
            })?;
        }
        let mut responses = Vec::new();
        if touched.trust {
            let elastic: Vec<(FlowId, PartyId, PartyId, f64)> = model
                .flows()
                .filter(|(id, f)| {
                    f.trust_elasticity > 0.0
                        && touched.pairs.contains(&(f.from, f.to))
                        && !touched.explicit.contains(id)
                })
                .filter(|(id, f)| self.flow(*id).is_ok_and(|old| old.key == f.key))
                .map(|(id, f)| (id, f.from, f.to, f.trust_elasticity))
                .collect();
            for (id, from, to, elasticity) in elastic {
                let (Some(before), Some(after)) =
                    (provider_trust(self, from, to)?, provider_trust(&model, from, to)?)
                else {
                    continue;
                };
                if before <= 0.0 || before == after {
                    continue;
                }
                let m = multiplier(before, after, elasticity)?;
                let flow = model.flow(id)?;
                let old = flow.occurrences;
                let key = flow.key.clone();
                let new = old
                    .checked_mul(m)
                    .ok_or_else(|| Error::overflow(format!("the occurrences of flow `{key}` after trust")))?;
                model.update_flow(id, |f| f.occurrences = new)?;
                touched.stale.insert(id);
                responses.push(Response {
                    flow: id,
                    key,
                    trust: Change::new(before, after),
                    elasticity,
                    multiplier: m,
                    occurrences: Change::new(old, new),
                });
            }
        }
        if !touched.topology
            && let Some(base) = self.built_snapshot()
        {
            model.adopt_snapshot(base.with_new_opinions(&model, &touched.edges));
        }
        Ok((model, touched, responses))
    }

    /// The model with a scenario applied: a changed copy, this model untouched.
    ///
    /// Edits apply in order, each through the model's checked editing methods. Then
    /// trust responds: every flow with a trust elasticity `e > 0` whose occurrences
    /// the scenario did not set scales its occurrences by `(P_after / P_before)^e`,
    /// where `P` is the provider's projected trust in the recipient (absolute, declared
    /// and observed, as [`Model::trust`] gives it). The multiplier is computed in
    /// `f64` and rounded half away from zero to 12 decimal places before it multiplies
    /// the (exact) occurrences. No response where trust is unknown before or after or
    /// was 0 before; with `e = 0` (the default) nothing responds. The copy carries no
    /// interventions.
    ///
    /// # Errors
    /// The first failing edit's error, with its path (`edits[2].flow`) and the
    /// scenario's name: [`ErrorKind::NotFound`] for a key the model does not have (or
    /// two parties with no relationship), and any error of the editing method the
    /// edit uses; [`ErrorKind::Overflow`] if a response does not fit.
    ///
    /// # Example
    /// ```
    /// use covalence::{ErrorKind, Model, Scenario};
    /// use rust_decimal::dec;
    ///
    /// let model = Model::sample();
    /// let more = model.apply(&Scenario::new("more").set_occurrences("direct-purchases", dec!(70000)))?;
    /// assert_eq!(more.flow(more.lookup("direct-purchases")?)?.occurrences, dec!(70000));
    /// let bad = model.apply(&Scenario::new("typo").remove_channel("myspace")).unwrap_err();
    /// assert_eq!(bad.kind(), ErrorKind::NotFound);
    /// assert_eq!(bad.path(), Some("edits[0].channel"));
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn apply(&self, scenario: &Scenario) -> Result<Model, Error> {
        self.apply_touched(scenario).map(|(model, _, _)| model)
    }

    /// The evaluation of this model under `options`, computed once per model state
    /// and options and kept with the snapshot.
    pub(crate) fn baseline(&self, options: &CompareOptions) -> Result<Arc<Evaluation>, Error> {
        let snapshot = self.snapshot();
        let mut memo = snapshot
            .baseline
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((o, e)) = memo.as_ref()
            && o == options
        {
            return Ok(e.clone());
        }
        let mut evaluation = evaluate(self, options, None, None, None)?;
        let party = options
            .projection
            .party_id()
            .unwrap_or_else(|| self.focal().into());
        evaluation.memo = FlowMemo::build(self, party, options.projection.discounting().0)?;
        let evaluation = Arc::new(evaluation);
        *memo = Some((options.clone(), evaluation.clone()));
        Ok(evaluation)
    }

    /// The evaluation of a scenario, with the model it gives and the responses.
    pub(crate) fn evaluate_scenario(
        &self,
        scenario: &Scenario,
        options: &CompareOptions,
    ) -> Result<(Arc<Evaluation>, Evaluation, Vec<Response>), Error> {
        let before = self.baseline(options)?;
        let (model, touched, responses) = self.apply_touched(scenario)?;
        let unchanged = (!touched.trust && !touched.reach).then_some(before.as_ref());
        let mut stale: Vec<FlowId> = touched.stale.iter().copied().collect();
        stale.sort_unstable();
        let reuse = Reuse {
            memo: &before.memo,
            stale: &stale,
        };
        let party = options
            .projection
            .party_id()
            .unwrap_or_else(|| self.focal().into());
        let known = if touched.costs || touched.present.contains(&party) {
            None
        } else {
            before.memo.advance(
                &before.sums,
                &model,
                party,
                options.projection.discounting().0,
                &stale,
            )?
        };
        let after = evaluate(&model, options, unchanged, Some(reuse), known)?;
        Ok((before, after, responses))
    }

    /// What a scenario changes, with the default options: see
    /// [`Model::compare_with`].
    ///
    /// # Errors
    /// As [`Model::compare_with`].
    ///
    /// # Example
    /// ```
    /// use covalence::{Model, Scenario};
    ///
    /// let model = Model::sample();
    /// let c = model.compare(&Scenario::new("none"))?;
    /// assert_eq!(c.returns.before, c.returns.after);
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn compare(&self, scenario: &Scenario) -> Result<Comparison, Error> {
        self.compare_with(scenario, &CompareOptions::new())
    }

    /// What a scenario changes: the ledger's returns, costs, net and ROI per period;
    /// the projection's present value, NPV and SROI; raw, expected and effective
    /// reach; platform dependency (the share of effective reach that depends on
    /// rented channels); each constituent group's trust in the reach source; and the
    /// flows that responded to trust ([`Model::apply`] states the response).
    ///
    /// Every number comes from the same analyses as [`Model::ledger`],
    /// [`Model::projection`] and [`Model::reach`], run on this model and on the
    /// changed copy. The model's side is computed once and kept until the model
    /// changes, so comparing many scenarios costs one evaluation each; reach and trust
    /// are recomputed only for scenarios that set trust, add relationships, change
    /// presences or end channels.
    ///
    /// # Errors
    /// As [`Model::apply`], [`Model::projection`], [`Model::ledger`] and
    /// [`Model::reach`].
    ///
    /// # Example
    /// ```
    /// use covalence::{CompareOptions, Model, Opinion, ProjectionOptions, Scenario};
    ///
    /// let model = Model::sample();
    /// let better = Scenario::new("customer trust")
    ///     .set_trust("customers", "harbor", None, Opinion::new(0.6, 0.1, 0.3, 0.5)?);
    /// let c = model.compare_with(&better, &CompareOptions::new().projection(ProjectionOptions::new().horizon(3)))?;
    /// assert!(c.npv.after > c.npv.before, "feedback and referrals respond to trust");
    /// # Ok::<(), covalence::Error>(())
    /// ```
    pub fn compare_with(&self, scenario: &Scenario, options: &CompareOptions) -> Result<Comparison, Error> {
        let (before, after, responses) = self.evaluate_scenario(scenario, options)?;
        let trust = before
            .trust
            .iter()
            .zip(&after.trust)
            .filter(|(b, a)| b.1 != a.1 || b.2 != a.2)
            .map(|(b, a)| {
                Ok(TrustChange {
                    constituent: b.0,
                    key: self.party_key(b.0.into())?.to_string(),
                    trust: Change::new(b.1, a.1),
                    basis: Change::new(b.2, a.2),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Comparison {
            scenario: scenario.name.clone(),
            returns: Change::new(before.returns, after.returns),
            costs: Change::new(before.costs, after.costs),
            net: Change::new(before.net, after.net),
            roi: Change::new(before.roi, after.roi),
            present_value: Change::new(before.present_value, after.present_value),
            npv: Change::new(before.npv, after.npv),
            sroi: Change::new(before.sroi, after.sroi),
            raw_reach: Change::new(before.raw, after.raw),
            expected_reach: Change::new(before.expected, after.expected),
            effective_reach: Change::new(before.effective, after.effective),
            platform_dependency: Change::new(before.rented, after.rented),
            rented_exposure: Change::new(before.rented_exposure, after.rented_exposure),
            trust,
            responses,
            period: self.settings().period,
        })
    }

    /// [`Model::compare_with`] for many scenarios, spread over the available cores;
    /// the results, in the scenarios' order, are the same as one by one.
    ///
    /// # Example
    /// ```
    /// use covalence::{CompareOptions, Model};
    ///
    /// let model = Model::sample();
    /// let scenarios: Vec<_> = model.interventions().map(|i| i.scenario.clone()).collect();
    /// let all = model.compare_all(&scenarios, &CompareOptions::new());
    /// assert_eq!(all.len(), scenarios.len());
    /// assert_eq!(all[0].as_ref().ok(), model.compare(&scenarios[0]).ok().as_ref());
    /// ```
    pub fn compare_all(
        &self,
        scenarios: &[Scenario],
        options: &CompareOptions,
    ) -> Vec<Result<Comparison, Error>> {
        // The baseline once, before the threads share it.
        if let Err(e) = self.baseline(options) {
            return scenarios.iter().map(|_| Err(e.clone())).collect();
        }
        crate::analysis::in_parallel(scenarios, |s| self.compare_with(s, options))
    }
}
