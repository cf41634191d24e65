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
    #[error("invalid pattern \"{pattern}\": {reason}")]
    InvalidPattern { pattern: String, reason: String },

    /// An encrypted payload could not be decrypted (the reason reveals nothing about the key).
    #[error("decryption failed: {reason}")]
    DecryptionFailed { reason: String },

    /// A scheme name or custom-scheme definition that is not understood.
    #[error("invalid scheme: {reason}")]
    InvalidScheme { reason: String },

    /// The delivery was claimed before: it is being handled, or was handled.
    #[error("replayed: {}", if *completed {
        "this delivery was handled before"
    } else {
        "this delivery is being handled now; retry later"
    })]
    Replayed { completed: bool },

    /// The replay store could not be reached or did not answer.
    #[error("replay store unavailable: {reason}")]
    ReplayStoreUnavailable { reason: String },
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
            Error::Replayed { .. } => "replayed",
            Error::ReplayStoreUnavailable { .. } => "replay_store_unavailable",
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
                | Error::ReplayStoreUnavailable { .. }
        )
    }

    /// The HTTP status a webhook receiver should answer with when this error
    /// rejects a request:
    ///
    /// | status | codes | why |
    /// |---|---|---|
    /// | 401 | `missing_header`, `timestamp_too_old`, `timestamp_in_future`, `no_supported_signature`, `signature_mismatch` | the request does not prove where it comes from |
    /// | 400 | `malformed_header`, `invalid_body`, `decryption_failed` | the request cannot even be checked as sent |
    /// | 500 | `invalid_secret`, `invalid_pattern`, `invalid_scheme` | the receiver's own configuration is wrong, not the request |
    ///
    /// Providers retry on every one of these, so a 500 for a configuration
    /// error lets deliveries succeed once the configuration is fixed.
    ///
    /// ```
    /// use hooksig::Error;
    ///
    /// let err = Error::SignatureMismatch { header: "X-Hub-Signature-256".into(), secrets: "the secret".into() };
    /// assert_eq!(err.http_status(), 401);
    /// assert_eq!(Error::InvalidBody { reason: "a parsed object".into() }.http_status(), 400);
    /// assert_eq!(Error::InvalidScheme { reason: "unknown".into() }.http_status(), 500);
    /// ```
    pub fn http_status(&self) -> u16 {
        match self {
            Error::MissingHeader { .. }
            | Error::TimestampTooOld { .. }
            | Error::TimestampInFuture { .. }
            | Error::NoSupportedSignature { .. }
            | Error::SignatureMismatch { .. } => 401,
            Error::MalformedHeader { .. }
            | Error::InvalidBody { .. }
            | Error::DecryptionFailed { .. } => 400,
            Error::InvalidSecret { .. }
            | Error::InvalidPattern { .. }
            | Error::InvalidScheme { .. } => 500,
            Error::Replayed { .. } => 409,
            Error::ReplayStoreUnavailable { .. } => 503,
        }
    }

    /// [`http_status`](Self::http_status) looked up by code (`None` for an
    /// unknown code), for bindings whose error classes are built from a code.
    ///
    /// ```
    /// assert_eq!(hooksig::Error::http_status_of("malformed_header"), Some(400));
    /// assert_eq!(hooksig::Error::http_status_of("no_such_code"), None);
    /// ```
    pub fn http_status_of(code: &str) -> Option<u16> {
        match code {
            "missing_header"
            | "timestamp_too_old"
            | "timestamp_in_future"
            | "no_supported_signature"
            | "signature_mismatch" => Some(401),
            "malformed_header" | "invalid_body" | "decryption_failed" => Some(400),
            "invalid_secret" | "invalid_pattern" | "invalid_scheme" => Some(500),
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn http_status_by_code_agrees_with_every_variant() {
        let text = || String::from("x");
        let every = [
            Error::InvalidSecret { reason: text() },
            Error::MissingHeader { header: text() },
            Error::malformed("x", "x"),
            Error::TimestampTooOld {
                age: 1,
                tolerance: 0,
            },
            Error::TimestampInFuture {
                ahead: 1,
                tolerance: 0,
            },
            Error::NoSupportedSignature {
                header: text(),
                found: text(),
            },
            Error::SignatureMismatch {
                header: text(),
                secrets: text(),
            },
            Error::InvalidBody { reason: text() },
            Error::InvalidPattern {
                pattern: text(),
                reason: text(),
            },
            Error::DecryptionFailed { reason: text() },
            Error::InvalidScheme { reason: text() },
        ];
        assert_eq!(every.len(), Error::CODES.len());
        for err in &every {
            assert_eq!(
                Error::http_status_of(err.code()),
                Some(err.http_status()),
                "{}",
                err.code()
            );
            // Only configuration errors are the receiver's fault.
            assert_eq!(
                err.http_status() == 500,
                !err.is_verification_error(),
                "{}",
                err.code()
            );
        }
    }
}
