//! Trust as subjective-logic opinions (pure mathematics, no graph): opinions,
//! discounting along referrals, fusion, and the EigenTrust iteration.

pub(crate) mod eigentrust;
mod fusion;
mod opinion;

pub use fusion::Fusion;
pub use opinion::{Discount, Opinion};
