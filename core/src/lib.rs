//! hooksig: sign, verify and route webhooks.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;

pub use error::{Error, Result};
