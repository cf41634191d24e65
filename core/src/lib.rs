//! hooksig: sign, verify and route webhooks.
//!
//! One implementation of every provider's signing scheme (Quiltt, Standard
//! Webhooks / Svix, Atelio/Bond, Tratta, Stripe, GitHub, Shopify, Slack, and
//! user-defined ones): raw-body HMAC-SHA256, constant-time comparison, a
//! timestamp window in both directions, key rotation, and a `diagnose` that
//! names the usual integration mistake.
//!
//! ```
//! use hooksig::{Scheme, SignOptions, Verifier, sign};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let body = br#"{"type":"invoice.paid"}"#;
//! let options = SignOptions { timestamp: Some(1_700_000_000), ..Default::default() };
//! let headers = sign(&Scheme::Standard, secret, body, &options)?;
//!
//! let verifier = Verifier::new(Scheme::Standard, &[secret])?;
//! let verified = verifier.verify_at(&headers, body, 1_700_000_030)?;
//! assert_eq!(verified.timestamp, Some(1_700_000_000));
//! # Ok::<(), hooksig::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod b64;
mod catalog;
mod diagnose;
mod error;
pub mod events;
mod json;
mod matcher;
mod order;
pub mod samples;
mod scheme;
mod secret;
mod sign;
pub mod tratta;
mod verify;
mod wire;

pub use catalog::Catalog;
pub use error::{Error, Result};
pub use matcher::{EventMatcher, UnknownPattern, validate_pattern};
pub use scheme::{CustomScheme, Encoding, KeyFormat, Scheme};
pub use secret::Secret;
pub use sign::{SignOptions, sign};
pub use verify::{DEFAULT_TOLERANCE, Verified, Verifier, split_packed_headers, unix_now};
pub use wire::{packed_wire_bytes, wire_bytes, wire_text};
