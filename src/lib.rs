#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod analysis;
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}
mod error;
pub mod finance;
mod io;
mod model;
mod money;
mod plan;
mod render;
mod review;
mod scenario;
mod snapshot;
mod trust;

#[cfg(feature = "proptest")]
pub mod strategy;

pub use crate::analysis::projection::{
    DiscountRate, Outcome, Payback, Projection, ProjectionOptions, SwitchingValues, Timing,
};
pub use crate::analysis::reach::{ChannelReach, ConstituentReach, Hops, Reach, ReachOptions, TrustBasis};
pub use crate::analysis::returns::{Ledger, LedgerLine, LedgerOptions, Outsourcing, OutsourcingCandidate};
pub use crate::analysis::trust::{
    InferredTrust, Reputation, ReputationOptions, TrustAssessment, TrustOptions, TrustPaths, TrustSource,
};
pub use crate::error::{Error, ErrorKind};
#[cfg(feature = "schema")]
pub use crate::io::json_schema;
pub use crate::io::{CsvOptions, Limits};
pub use crate::model::{
    Activity, ActivityClass, ActivityId, Adjustments, Channel, ChannelId, Constituent, ConstituentId, FlowId,
    KeyedId, Model, Observation, OrgId, Organization, Overlap, Ownership, PartyId, Period, Presence,
    Relationship, RelationshipId, RelationshipKind, Removed, Role, Settings, TrustProfile, ValueFlow,
    ValueObject,
};
pub use crate::money::{Currency, Fraction, Money};
pub use crate::plan::{Intervention, Plan, PlanCandidate, PlanMethod, PlanOptions};
pub use crate::review::{
    ActivityReview, ChannelReview, CommonsReview, Contribution, ContributorsReview, ConversationsReview,
    CounterpartyLine, GroupPresence, GroupTrust, KindGap, NetworkLink, NetworkNode, NetworkReview,
    PlanReview, PlatformReview, ReachReview, Remarks, ReturnsReview, Review, ReviewOptions, TrustReview,
    ValueReview,
};
pub use crate::scenario::{Change, CompareOptions, Comparison, Response, Scenario, TrustChange};
pub use crate::trust::{Discount, Fusion, Opinion};
