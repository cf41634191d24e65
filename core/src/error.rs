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

/// Whether an error is the request's fault or the receiver's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A bad request can cause it: reject the request (400/401), never process it.
    Verification,
    /// The receiver's configuration is wrong (secret, pattern or scheme): 500.
    Configuration,
}

/// The one table of error codes. Every list of codes (here and in every
/// binding) is derived from it, so adding a code is one line here, its
/// variant in [`Error`], and its vector.
macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident = $number:literal, $code:literal, $status:literal, $kind:ident;
    )+) => {
        /// The stable machine-readable code of an [`Error`], one variant per
        /// code. The numeric values are stable (the C binding's statuses).
        ///
        /// ```
        /// use hooksig::{ErrorCode, ErrorKind};
        ///
        /// let code: ErrorCode = "signature_mismatch".parse().unwrap();
        /// assert_eq!(code, ErrorCode::SignatureMismatch);
        /// assert_eq!(code.as_str(), "signature_mismatch");
        /// assert_eq!(code.http_status(), 401);
        /// assert_eq!(code.kind(), ErrorKind::Verification);
        /// assert!("no_such_code".parse::<ErrorCode>().is_err());
        /// ```
        #[repr(C)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[doc = $doc])+ $variant = $number,)+
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The table as text, for bindings that hand it to another
            /// language: one `code http_status Verification|Configuration`
            /// line per code, in declaration order, each ending in `\n`.
            ///
            /// ```
            /// assert!(hooksig::ErrorCode::TABLE.starts_with("invalid_secret 500 Configuration\nmissing_header 401 Verification\n"));
            /// ```
            pub const TABLE: &'static str = concat!($($code, " ", $status, " ", stringify!($kind), "\n",)+);

            /// The code as text, e.g. `"signature_mismatch"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// [`as_str`](Self::as_str) as a C string, for the C binding.
            pub const fn as_c_str(self) -> &'static std::ffi::CStr {
                match self {
                    $(ErrorCode::$variant => match std::ffi::CStr::from_bytes_with_nul(concat!($code, "\0").as_bytes()) {
                        Ok(text) => text,
                        Err(_) => panic!("a code contains a NUL"),
                    },)+
                }
            }

            /// The variant's name, e.g. `"SignatureMismatch"`, from which
            /// bindings name their error classes.
            pub const fn name(self) -> &'static str {
                match self { $(ErrorCode::$variant => stringify!($variant),)+ }
            }

            /// One line saying what the error means.
            pub const fn doc(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),+).trim_ascii(),)+ }
            }

            /// The HTTP status a webhook receiver should answer with (see
            /// [`Error::http_status`]).
            pub const fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)+ }
            }

            /// Whether the request or the receiver's configuration is at fault.
            pub const fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$variant => ErrorKind::$kind,)+ }
            }

            /// True for the codes a bad request can cause.
            pub const fn is_verification_error(self) -> bool {
                matches!(self.kind(), ErrorKind::Verification)
            }

            /// The code named `code`, `None` for an unknown one.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)+ _ => None }
            }
        }

        impl Error {
            /// The [`ErrorCode`] of this error.
            ///
            /// ```
            /// let err = hooksig::Error::MissingHeader { header: "Quiltt-Signature".into() };
            /// assert_eq!(err.error_code(), hooksig::ErrorCode::MissingHeader);
            /// ```
            pub const fn error_code(&self) -> ErrorCode {
                match self { $(Error::$variant { .. } => ErrorCode::$variant,)+ }
            }

            /// Every code, in declaration order, for bindings that build one class per code.
            pub const CODES: &'static [&'static str] = &[$($code,)+];
        }
    };
}

error_codes! {
    /// The secret is empty, too short for the scheme, or not valid for its key format.
    InvalidSecret = 1, "invalid_secret", 500, Configuration;
    /// A header the scheme requires is absent.
    MissingHeader = 2, "missing_header", 401, Verification;
    /// A header is present but unusable (bad format, or repeated with different values).
    MalformedHeader = 3, "malformed_header", 400, Verification;
    /// The signed timestamp is older than the tolerance allows (a replay, or a clock ahead).
    TimestampTooOld = 4, "timestamp_too_old", 401, Verification;
    /// The signed timestamp is further ahead than the tolerance allows.
    TimestampInFuture = 5, "timestamp_in_future", 401, Verification;
    /// The signature header carries only signature versions this build cannot check.
    NoSupportedSignature = 6, "no_supported_signature", 401, Verification;
    /// No signature in the request matches any of the secrets.
    SignatureMismatch = 7, "signature_mismatch", 401, Verification;
    /// The body is not raw bytes or text (for example JSON that was already parsed).
    InvalidBody = 8, "invalid_body", 400, Verification;
    /// An event-type pattern that cannot be compiled.
    InvalidPattern = 9, "invalid_pattern", 500, Configuration;
    /// An encrypted payload could not be decrypted; the reason says nothing about the key.
    DecryptionFailed = 10, "decryption_failed", 400, Verification;
    /// An unknown scheme name, or a custom-scheme definition that is not valid.
    InvalidScheme = 11, "invalid_scheme", 500, Configuration;
    /// This delivery was accepted before, or is being handled now (a replay guard's claim).
    Replayed = 12, "replayed", 409, Verification;
    /// The replay store cannot be reached: never a silent accept.
    ReplayStoreUnavailable = 13, "replay_store_unavailable", 503, Configuration;
}

/// The error of parsing an unknown code into an [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown hooksig error code")]
pub struct UnknownErrorCode;

impl std::str::FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    fn from_str(code: &str) -> Result<ErrorCode, UnknownErrorCode> {
        ErrorCode::from_code(code).ok_or(UnknownErrorCode)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The stable machine-readable code of this error, the same in every language.
    ///
    /// ```
    /// let err = hooksig::Error::MissingHeader { header: "Quiltt-Signature".into() };
    /// assert_eq!(err.code(), "missing_header");
    /// ```
    pub const fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// True for the errors a bad request can cause (as opposed to a bad
    /// configuration: invalid secret, pattern or scheme). Bindings use it to
    /// place the error under `VerificationError`.
    pub const fn is_verification_error(&self) -> bool {
        self.error_code().is_verification_error()
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
    pub const fn http_status(&self) -> u16 {
        self.error_code().http_status()
    }

    /// [`http_status`](Self::http_status) looked up by code (`None` for an
    /// unknown code), for bindings whose error classes are built from a code.
    ///
    /// ```
    /// assert_eq!(hooksig::Error::http_status_of("malformed_header"), Some(400));
    /// assert_eq!(hooksig::Error::http_status_of("no_such_code"), None);
    /// ```
    pub fn http_status_of(code: &str) -> Option<u16> {
        ErrorCode::from_code(code).map(ErrorCode::http_status)
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
    use super::{Error, ErrorCode, ErrorKind};

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
            Error::Replayed { completed: false },
            Error::ReplayStoreUnavailable { reason: text() },
        ];
        assert_eq!(every.len(), Error::CODES.len());
        assert_eq!(every.len(), ErrorCode::ALL.len());
        for (err, code) in every.iter().zip(ErrorCode::ALL) {
            assert_eq!(err.error_code(), *code);
            assert_eq!(
                Error::http_status_of(err.code()),
                Some(err.http_status()),
                "{}",
                err.code()
            );
            // Only the receiver's own errors (configuration, its replay store) are 5xx.
            assert_eq!(
                err.http_status() >= 500,
                !err.is_verification_error(),
                "{}",
                err.code()
            );
        }
    }

    #[test]
    fn the_table_is_consistent() {
        assert_eq!(ErrorCode::TABLE.lines().count(), ErrorCode::ALL.len());
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(Error::CODES[i], code.as_str());
            assert_eq!(*code as usize, i + 1, "numbers follow declaration order");
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(*code));
            assert_eq!(code.to_string(), code.as_str());
            assert_eq!(code.as_c_str().to_str(), Ok(code.as_str()));
            let line = format!("{code} {} {:?}", code.http_status(), code.kind());
            assert_eq!(ErrorCode::TABLE.lines().nth(i), Some(line.as_str()));
            assert!(!code.doc().is_empty() && !code.doc().starts_with(' '));
            // snake_case code <-> CamelCase name
            let camel: String = code
                .as_str()
                .split('_')
                .map(|w| w[..1].to_uppercase() + &w[1..])
                .collect();
            assert_eq!(camel, code.name());
            assert_eq!(
                code.kind() == ErrorKind::Configuration,
                code.http_status() >= 500,
                "{code}"
            );
        }
    }
}
