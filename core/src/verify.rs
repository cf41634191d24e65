//! Verification: the public `Verifier`, built from three parts:
//! [`request`] reads the headers a scheme names (signature lists, ids),
//! [`window`] checks the signed timestamp, and [`compare`] computes and
//! compares MACs (or checks Ed25519 signatures) in constant time.

mod compare;
mod request;
mod window;

use crate::error::{Error, Result};
use crate::scheme::{Profile, Scheme};
use crate::secret::{Secret, VerifyKey, verify_key};
pub(crate) use compare::Material;
pub(crate) use request::{ParsedRequest, find_header, parse_request};
pub(crate) use window::{Timestamp, check_window};

/// Tolerance applied to timestamped schemes unless configured otherwise: five
/// minutes either way, because a timestamp from the future is as suspect as an old one.
pub const DEFAULT_TOLERANCE: u64 = 300;

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Index of the secret that matched, in the order given to [`Verifier::new`].
    pub key_index: usize,
    /// The signed timestamp (Unix seconds), for timestamped schemes.
    pub timestamp: Option<i64>,
    /// The message / delivery id, where the request carries one.
    pub webhook_id: Option<String>,
    /// True when the scheme signs the id (Standard Webhooks, a custom scheme
    /// whose message has `{id}`), so it is safe to deduplicate on. GitHub's,
    /// Shopify's and Tratta's ids come from headers outside the signature: a
    /// relay can rewrite them and the request still verifies.
    pub id_signed: bool,
}

/// Verifies webhooks of one scheme against one or more secrets.
///
/// Key state is derived once at construction; a `Verifier` is immutable,
/// `Send + Sync`, and meant to be shared by a whole server.
///
/// ```
/// use hooksig::{Scheme, SignOptions, Verifier, sign};
///
/// let body = br#"{"events":[{"type":"account.verified"}]}"#;
/// let options = SignOptions { timestamp: Some(1_700_000_000), ..Default::default() };
/// let headers = sign(&Scheme::Quiltt, "quiltt-secret", body, &options).unwrap();
///
/// let verifier = Verifier::new(Scheme::Quiltt, &["new-secret", "quiltt-secret"]).unwrap();
/// let verified = verifier.verify_at(&headers, body, 1_700_000_010).unwrap();
/// assert_eq!(verified.key_index, 1);
///
/// let err = verifier.verify_at(&headers, b"{}", 1_700_000_010).unwrap_err();
/// assert_eq!(err.code(), "signature_mismatch");
/// ```
#[derive(Clone)]
pub struct Verifier {
    scheme: Scheme,
    pub(crate) profile: Profile,
    pub(crate) secrets: Vec<Secret>,
    keys: Vec<VerifyKey>,
    tolerance: u64,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme.name())
            .field("secrets", &self.secrets.len())
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// Builds a verifier for `scheme` that accepts a signature from any of
    /// `secrets` (newest first, for key rotation).
    ///
    /// Fails with `invalid_secret` when no secret is given or one is not valid
    /// for the scheme (empty, too short, bad base64).
    pub fn new<S: AsRef<str>>(scheme: Scheme, secrets: &[S]) -> Result<Verifier> {
        if secrets.is_empty() {
            return Err(Error::invalid_secret("at least one secret is required"));
        }
        let profile = scheme.profile();
        let mut keys = Vec::with_capacity(secrets.len());
        for (index, secret) in secrets.iter().enumerate() {
            let key = verify_key(&profile, secret.as_ref()).map_err(|err| match err {
                Error::InvalidSecret { reason } if secrets.len() > 1 => {
                    Error::invalid_secret(format!("secret #{index}: {reason}"))
                }
                other => other,
            })?;
            keys.push(key);
        }
        Ok(Verifier {
            scheme,
            profile,
            secrets: secrets.iter().map(|s| Secret::new(s.as_ref())).collect(),
            keys,
            tolerance: DEFAULT_TOLERANCE,
        })
    }

    /// Sets how far (in seconds, either direction) a signed timestamp may be from now.
    pub fn with_tolerance(mut self, seconds: u64) -> Verifier {
        self.tolerance = seconds;
        self
    }

    /// The scheme this verifier checks.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// The timestamp tolerance in seconds.
    pub fn tolerance(&self) -> u64 {
        self.tolerance
    }

    /// Every header name, spelled as the scheme spells it, that [`verify`](Self::verify)
    /// and [`verify_at`](Self::verify_at) may read: the signature header, the
    /// timestamp and id headers where the scheme has them (optional ones
    /// included), and aliases such as Standard Webhooks' `svix-*` names.
    ///
    /// Headers outside this list cannot change the outcome of `verify`, so a
    /// binding may drop them before converting a request's headers. (`diagnose`
    /// also looks at other schemes' headers; give it everything.)
    ///
    /// ```
    /// use hooksig::{Scheme, Verifier};
    ///
    /// let verifier = Verifier::new(Scheme::Standard, &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
    /// assert_eq!(
    ///     verifier.header_names(),
    ///     ["webhook-signature", "webhook-timestamp", "webhook-id", "svix-signature", "svix-timestamp", "svix-id"],
    /// );
    /// let github = Verifier::new(Scheme::Github, &["secret"]).unwrap();
    /// assert_eq!(github.header_names(), ["X-Hub-Signature-256", "X-GitHub-Delivery"]);
    /// ```
    pub fn header_names(&self) -> Vec<&str> {
        let profile = &self.profile;
        let mut names = vec![profile.signature_header.as_str()];
        names.extend(profile.timestamp_header.as_deref());
        names.extend(profile.id_header.as_ref().map(|h| h.name.as_str()));
        if let Some(aliases) = profile.aliases {
            names.push(aliases.signature);
            names.extend(aliases.timestamp);
            names.extend(aliases.id);
        }
        names
    }

    /// Verifies a request against the system clock.
    ///
    /// `headers` are name/value pairs (names case-insensitive); `body` is the
    /// raw request body exactly as received.
    pub fn verify<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
    ) -> Result<Verified> {
        self.verify_at(headers, body, unix_now())
    }

    /// Verifies a request as if the time were `now` (Unix seconds).
    pub fn verify_at<N: AsRef<[u8]>, V: AsRef<[u8]>>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
    ) -> Result<Verified> {
        self.verify_with(headers, body, now, |_| ())
            .map(|(verified, ())| verified)
    }

    /// [`verify_at`](Self::verify_at), also handing what a replay guard keys
    /// on (the signed id where the scheme signs one, else the matched
    /// signature) to `remember`, borrowed: a plain verify copies nothing.
    pub(crate) fn verify_with<N: AsRef<[u8]>, V: AsRef<[u8]>, T>(
        &self,
        headers: &[(N, V)],
        body: &[u8],
        now: i64,
        remember: impl FnOnce(Material<'_>) -> T,
    ) -> Result<(Verified, T)> {
        let request = parse_request(&self.profile, headers)?;
        if let Some(timestamp) = request.timestamp {
            check_window(timestamp.value, now, self.tolerance)?;
        }
        match request.matching_signature(&self.profile, &self.keys, body) {
            Some(matched) => {
                let id_signed = request.id.is_some() && self.profile.signs_id();
                let remembered = remember(match request.id {
                    Some(id) if id_signed => Material::SignedId(id),
                    _ => Material::Signature(matched.signature()),
                });
                let verified = Verified {
                    key_index: matched.index,
                    timestamp: request.timestamp.map(|t| t.value),
                    webhook_id: request
                        .id
                        .map(|id| String::from_utf8_lossy(id).into_owned()),
                    id_signed,
                };
                Ok((verified, remembered))
            }
            None => Err(Error::SignatureMismatch {
                header: request.signature_header.to_owned(),
                secrets: match self.keys.len() {
                    1 => "the secret".to_owned(),
                    n => format!("any of the {n} secrets"),
                },
            }),
        }
    }

    pub(crate) fn keys(&self) -> &[VerifyKey] {
        &self.keys
    }
}

/// The current Unix time in seconds (0 if the clock is before 1970): the
/// clock `verify`, `diagnose` and `sign` use when no time is given. (Not on
/// wasm32-unknown-unknown, which has no system clock: pass the time there.)
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn verifier_is_send_sync_and_debug_hides_secrets() {
        assert_send_sync::<Verifier>();
        let v = Verifier::new(Scheme::Github, &["super-secret-value"]).unwrap();
        let debug = format!("{v:?}");
        assert!(!debug.contains("super-secret"), "{debug}");
        assert!(debug.contains("github"));
    }

    #[test]
    fn duplicate_headers_must_agree() {
        let same = [("X-A", "1"), ("x-a", "1")];
        assert_eq!(find_header(&same, "X-A").unwrap(), Some(&b"1"[..]));
        let different = [("X-A", "1"), ("x-a", "2")];
        assert_eq!(
            find_header(&different, "X-A").unwrap_err().code(),
            "malformed_header"
        );
    }

    #[test]
    fn header_names_cover_every_header_verify_reads() {
        use crate::{SignOptions, sign};
        let custom = Scheme::custom_from_json(
            r#"{"signature_header":"X-Sig","timestamp_header":"X-Ts","id_header":"X-Id","message":"{id}.{timestamp}.{body}"}"#,
        )
        .unwrap();
        let mut schemes: Vec<Scheme> = Scheme::BUILT_IN
            .iter()
            .map(|name| Scheme::from_name(name).unwrap())
            .collect();
        schemes.push(custom);
        for scheme in schemes {
            let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
            let options = SignOptions {
                timestamp: Some(1_700_000_000),
                webhook_id: Some("msg_1".into()),
                ..Default::default()
            };
            let signed = sign(&scheme, secret, b"{}", &options).unwrap();
            let verifier = Verifier::new(scheme, &[secret]).unwrap();
            let names = verifier.header_names();
            let kept: Vec<_> = signed
                .iter()
                .filter(|(n, _)| names.iter().any(|m| m.eq_ignore_ascii_case(n)))
                .cloned()
                .collect();
            let all = verifier.verify_at(&signed, b"{}", 1_700_000_000).unwrap();
            let filtered = verifier.verify_at(&kept, b"{}", 1_700_000_000).unwrap();
            assert_eq!(all, filtered, "{}", verifier.scheme().name());
        }
        let svix = Verifier::new(
            Scheme::Standard,
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        )
        .unwrap();
        assert!(svix.header_names().contains(&"svix-id"));
        let custom = Verifier::new(
            Scheme::custom_from_json(r#"{"signature_header":"X-Sig","message":"{body}"}"#).unwrap(),
            &["k"],
        )
        .unwrap();
        assert_eq!(custom.header_names(), ["X-Sig"]);
    }
}
