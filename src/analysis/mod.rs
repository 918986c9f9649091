//! Analyses of a model: each runs on the model's snapshot and returns a plain result.

pub(crate) mod projection;
pub(crate) mod reach;
pub(crate) mod returns;
pub(crate) mod trust;
