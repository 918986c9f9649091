//! Integration tests of covalence, in one binary to keep builds fast.
#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]

mod bad_files;
mod csv;
mod editing;
mod export;
#[cfg(feature = "proptest")]
mod finance;
mod html;
mod plan;
mod projection;
#[cfg(feature = "proptest")]
mod properties;
mod reach;
mod returns;
mod review;
mod sample;
mod scenario;
#[cfg(feature = "schema")]
mod schema;
#[cfg(feature = "proptest")]
mod trust;
