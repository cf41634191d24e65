//! The one error taxonomy every binding maps onto.
//!
//! Messages name headers, lengths and clock offsets so a developer can act on
//! them; they never contain a secret or a signature (received or computed).

/// Every way a webhook can fail to verify, sign, match or decrypt.
///
/// [`Error::code`] is the stable, machine-readable name of the variant that
/// every binding exposes (`e.code` in Python and JS, a status in C).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)] // each variant's doc describes its fields
pub enum Error {
    /// The secret is empty, too short for the scheme, or not valid for its key format.
    #[error("invalid secret: {reason}")]
    InvalidSecret { reason: String },

    /// A header the scheme requires is absent.
    #[error("missing header: {header}")]
    MissingHeader { header: String },

    /// A header is present but cannot be used.
    #[error("malformed header {header}: {reason}")]
    MalformedHeader { header: String, reason: String },

    /// The signed timestamp is further in the past than the tolerance allows.
    #[error(
        "timestamp too old: signed {age} s before now, tolerance is {tolerance} s (a replayed request, or this server's clock is ahead)"
    )]
    TimestampTooOld { age: u64, tolerance: u64 },

    /// The signed timestamp is further in the future than the tolerance allows.
    #[error(
        "timestamp in the future: signed {ahead} s after now, tolerance is {tolerance} s (this server's clock is behind, or the sender's is ahead)"
    )]
    TimestampInFuture { ahead: u64, tolerance: u64 },

    /// The signature header carries only versions this build cannot check.
    #[error("no supported signature in {header}: found only {found}")]
    NoSupportedSignature { header: String, found: String },

    /// No signature in the request matched any of the secrets.
    #[error("signature mismatch: no signature in {header} matches {secrets}")]
    SignatureMismatch { header: String, secrets: String },

    /// The body was not raw bytes (a parsed object, or an unsupported type).
    #[error("invalid body: {reason}")]
    InvalidBody { reason: String },

    /// An event-type pattern that cannot be compiled.
    #[error("invalid pattern {pattern:?}: {reason}")]
    InvalidPattern { pattern: String, reason: String },

    /// An encrypted payload could not be decrypted (the reason reveals nothing about the key).
    #[error("decryption failed: {reason}")]
    DecryptionFailed { reason: String },

    /// A scheme name or custom-scheme definition that is not understood.
    #[error("invalid scheme: {reason}")]
    InvalidScheme { reason: String },
}

impl Error {
    /// The stable machine-readable code of this error, the same in every language.
    ///
    /// ```
    /// let err = hooksig::Error::MissingHeader { header: "Quiltt-Signature".into() };
    /// assert_eq!(err.code(), "missing_header");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidSecret { .. } => "invalid_secret",
            Error::MissingHeader { .. } => "missing_header",
            Error::MalformedHeader { .. } => "malformed_header",
            Error::TimestampTooOld { .. } => "timestamp_too_old",
            Error::TimestampInFuture { .. } => "timestamp_in_future",
            Error::NoSupportedSignature { .. } => "no_supported_signature",
            Error::SignatureMismatch { .. } => "signature_mismatch",
            Error::InvalidBody { .. } => "invalid_body",
            Error::InvalidPattern { .. } => "invalid_pattern",
            Error::DecryptionFailed { .. } => "decryption_failed",
            Error::InvalidScheme { .. } => "invalid_scheme",
        }
    }

    /// Every code, in declaration order, for bindings that build one class per code.
    pub const CODES: &'static [&'static str] = &[
        "invalid_secret",
        "missing_header",
        "malformed_header",
        "timestamp_too_old",
        "timestamp_in_future",
        "no_supported_signature",
        "signature_mismatch",
        "invalid_body",
        "invalid_pattern",
        "decryption_failed",
        "invalid_scheme",
    ];

    /// True for the errors a bad request can cause (as opposed to a bad
    /// configuration: invalid secret, pattern or scheme). Bindings use it to
    /// place the error under `VerificationError`.
    pub fn is_verification_error(&self) -> bool {
        !matches!(
            self,
            Error::InvalidSecret { .. }
                | Error::InvalidPattern { .. }
                | Error::InvalidScheme { .. }
        )
    }

    pub(crate) fn malformed(header: &str, reason: impl Into<String>) -> Self {
        Error::MalformedHeader {
            header: header.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_secret(reason: impl Into<String>) -> Self {
        Error::InvalidSecret {
            reason: reason.into(),
        }
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
