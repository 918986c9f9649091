//! Trust as subjective-logic opinions (pure mathematics, no graph).

mod opinion;

pub use opinion::Opinion;
