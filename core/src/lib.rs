//! hooksig: sign, verify and route webhooks.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod catalog;
mod error;
mod matcher;
pub mod tratta;

pub use catalog::Catalog;
pub use error::{Error, Result};
pub use matcher::{EventMatcher, UnknownPattern, validate_pattern};
