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
//!
//! # Cost of hostile input
//!
//! Everything here runs on requests before anyone knows they are genuine, so
//! every entry point costs time linear in its input, and caps bound what
//! linear alone would not. `core/tests/scaling.rs` times each case below
//! against an input ten times larger.
//!
//! | entry point | cost | caps (a typed error past them, never a panic) |
//! |---|---|---|
//! | [`Verifier::verify`] | O(header bytes + body × secrets): headers are scanned once per name the scheme reads; each secret's MAC is computed once; each of ≤ 64 signature entries is decoded and compared with every MAC | 64 entries in a signature header (`malformed_header`); signatures longer than a SHA-256 MAC are refused before decoding; timestamps of more than 19 digits |
//! | [`Verifier::diagnose`] | O(headers + body × (secrets + re-serializations)): the body is parsed at most once (`serde_json`, members in an insertion-ordered hash map) | JSON nesting < 128 levels (`serde_json`'s recursion limit); past it no re-serialization is tried |
//! | [`events::event_types`] | O(body): one `serde_json` pass that borrows the fields it needs and skips the rest | nesting < 128 (`invalid_body`) |
//! | [`Scheme::custom_from_json`] | O(definition) | nesting < 128; unknown or repeated fields refused |
//! | [`EventMatcher::matching`] | O(type length + matches): each segment hashed once, candidate prefix/suffix pairs filtered by bit sets | patterns total ≤ 128 MiB at construction |
//! | [`EventMatcher::new`] | O(n log n) in the number of patterns (one sort) | as above |
//! | [`tratta::decrypt`] | O(data) plus a fixed PBKDF2 (20 000 iterations) | the MAC is checked before any decryption |
//! | [`wire::split_packed_headers`] | O(bytes) | the pair count must match exactly |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod catalog;
mod diagnose;
#[cfg(feature = "ed25519")]
mod ed25519;
mod error;
#[cfg(feature = "json")]
pub mod events;
mod matcher;
mod replay;
#[cfg(feature = "json")]
pub mod samples;
mod scheme;
mod secret;
mod sign;
mod text;
pub mod tratta;
mod verify;
pub mod wire;

#[cfg(all(test, feature = "json"))]
mod properties;

pub use catalog::Catalog;
pub use error::{Error, ErrorCode, ErrorKind, Result, UnknownErrorCode};
pub use matcher::{EventMatcher, UnknownPattern, validate_pattern};
#[cfg(feature = "redis")]
pub use replay::RedisStore;
pub use replay::{Claim, DEFAULT_RETENTION, Delivery, MemoryStore, ReplayGuard, ReplayStore};
pub use scheme::{CustomScheme, Encoding, FieldValue, KeyFormat, Scheme};
#[cfg(feature = "ed25519")]
pub use secret::generate_ed25519_keys;
pub use secret::{Secret, generate_secret};
pub use sign::{SignOptions, sign};
pub use verify::{DEFAULT_TOLERANCE, Verified, Verifier, unix_now};
