//! Verification: header lookup, signature parsing, the timestamp window and
//! the constant-time comparison.

use crate::error::{Error, Result};
use crate::scheme::{Encoding, MessagePart, Profile, Scheme, SignatureFormat};
use crate::secret::{HmacSha256, Secret, VerifyKey, verify_key};
use crate::text::truncate;
use hmac::Mac;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// Tolerance applied to timestamped schemes unless configured otherwise: five
/// minutes either way, because a timestamp from the future is as suspect as an old one.
pub const DEFAULT_TOLERANCE: u64 = 300;

const SIGNATURE_LEN: usize = 32;

/// Most entries a signature header may carry (`v1,…` items, or Stripe's and
/// Bond's `key=value` items). Senders put one to three there (one per active
/// secret); the cap bounds the comparisons at entries × secrets.
pub const MAX_SIGNATURE_ENTRIES: usize = 64;

/// How many distinct unsupported version labels a `no_supported_signature` message names.
const NAMED_LABELS: usize = 4;
type Signature = [u8; SIGNATURE_LEN];
/// An Ed25519 signature.
pub(crate) type AsymmetricSignature = [u8; 64];

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

pub(crate) fn check_window(timestamp: i64, now: i64, tolerance: u64) -> Result<()> {
    let offset = i128::from(now) - i128::from(timestamp);
    let clamp = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
    if offset > i128::from(tolerance) {
        Err(Error::TimestampTooOld {
            age: clamp(offset),
            tolerance,
        })
    } else if -offset > i128::from(tolerance) {
        Err(Error::TimestampInFuture {
            ahead: clamp(-offset),
            tolerance,
        })
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp<'a> {
    pub value: i64,
    pub raw: &'a [u8],
}

/// What a verified request is remembered by (before hashing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Material<'a> {
    /// The id, where the scheme signs it.
    SignedId(&'a [u8]),
    /// The signature that matched, decoded.
    Signature(&'a [u8]),
}

/// The key that verified a request, and the signature bytes that matched
/// (a MAC's 32, or an Ed25519 signature's 64).
pub(crate) struct Match {
    pub index: usize,
    signature: [u8; 64],
    signature_len: u8,
}

impl Match {
    pub fn signature(&self) -> &[u8] {
        &self.signature[..usize::from(self.signature_len)]
    }
}

/// The signature-relevant parts of a request, borrowed from its headers.
#[derive(Debug)]
pub(crate) struct ParsedRequest<'a> {
    pub signature_header: &'a str,
    pub timestamp: Option<Timestamp<'a>>,
    pub id: Option<&'a [u8]>,
    pub signatures: Vec<Signature>,
    /// Ed25519 signatures (Standard Webhooks' `v1a` entries).
    #[cfg_attr(not(feature = "ed25519"), allow(dead_code))]
    pub asymmetric: Vec<AsymmetricSignature>,
}

impl ParsedRequest<'_> {
    /// The index of the first key whose MAC of `body` equals a received
    /// signature. Every key's MAC is computed and compared with every
    /// candidate, in constant time, and the index is selected without a
    /// branch, so the time taken says nothing about which key (or which
    /// candidate, or how much of one) matched: only whether one did.
    ///
    /// Ed25519 keys check `v1a` entries (public data: no secret to time);
    /// the signed message is put together once, for them only.
    pub fn matching_key(
        &self,
        profile: &Profile,
        keys: &[VerifyKey],
        body: &[u8],
    ) -> Option<usize> {
        self.matching_signature(profile, keys, body)
            .map(|m| m.index)
    }

    /// [`matching_key`](Self::matching_key), with the signature that
    /// matched (the MAC, or the Ed25519 signature), selected the same way:
    /// what a replay guard remembers of a request whose scheme signs no id.
    pub fn matching_signature(
        &self,
        profile: &Profile,
        keys: &[VerifyKey],
        body: &[u8],
    ) -> Option<Match> {
        let mut found = Choice::from(0);
        let mut index = 0u64;
        let mut signature = [0u8; 64];
        let mut signature_len = 0u8;
        #[cfg(feature = "ed25519")]
        let mut message: Option<Vec<u8>> = None;
        for (i, key) in keys.iter().enumerate() {
            let (matched, candidate, len) = match key {
                VerifyKey::Hmac(key) => {
                    let (matched, expected) = self.hmac_match(profile, key.clone(), body);
                    let mut padded = [0u8; 64];
                    padded[..SIGNATURE_LEN].copy_from_slice(&expected);
                    (matched, padded, SIGNATURE_LEN as u8)
                }
                #[cfg(feature = "ed25519")]
                VerifyKey::Ed25519(key) => {
                    let message = message.get_or_insert_with(|| {
                        let mut m = Vec::new();
                        self.message_parts(profile, body, &mut |part| m.extend_from_slice(part));
                        m
                    });
                    let verified = self
                        .asymmetric
                        .iter()
                        .find(|signature| crate::ed25519::verifies(key, message, signature));
                    (
                        Choice::from(u8::from(verified.is_some())),
                        verified.copied().unwrap_or([0; 64]),
                        64,
                    )
                }
            };
            let take = matched & !found;
            index.conditional_assign(&(i as u64), take);
            signature_len.conditional_assign(&len, take);
            for (kept, byte) in signature.iter_mut().zip(candidate) {
                kept.conditional_assign(&byte, take);
            }
            found |= matched;
        }
        // Whether some key matched is the public outcome of `verify`; only it is branched on.
        bool::from(found).then_some(Match {
            index: index as usize,
            signature,
            signature_len,
        })
    }

    /// True when the MAC of `body` under `key` equals any received signature
    /// (compared in constant time, every candidate).
    pub fn matches(&self, profile: &Profile, key: HmacSha256, body: &[u8]) -> bool {
        self.hmac_match(profile, key, body).0.into()
    }

    /// Whether the MAC of `body` under `key` equals any received signature,
    /// every candidate compared in constant time, and that MAC.
    fn hmac_match(&self, profile: &Profile, key: HmacSha256, body: &[u8]) -> (Choice, Signature) {
        let expected = self.mac(profile, key, body);
        let mut found = Choice::from(0);
        for candidate in &self.signatures {
            found |= candidate.ct_eq(&expected);
        }
        (found, expected)
    }

    pub fn mac(&self, profile: &Profile, mut key: HmacSha256, body: &[u8]) -> Signature {
        self.message_parts(profile, body, &mut |part| key.update(part));
        key.finalize().into_bytes().into()
    }

    /// Hands the signed message to `sink` part by part, in order.
    pub fn message_parts(&self, profile: &Profile, body: &[u8], sink: &mut dyn FnMut(&[u8])) {
        for part in &profile.message {
            sink(match part {
                MessagePart::Literal(bytes) => bytes,
                MessagePart::Id => self.id.unwrap_or_default(),
                MessagePart::Timestamp => self.timestamp.map(|t| t.raw).unwrap_or_default(),
                MessagePart::Body => body,
            });
        }
    }
}

/// Finds a header by case-insensitive name. A header repeated with different
/// values is an error rather than a guess (the first and last copies may come
/// from different hops).
pub(crate) fn find_header<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    headers: &'a [(N, V)],
    name: &str,
) -> Result<Option<&'a [u8]>> {
    let mut found: Option<&[u8]> = None;
    for (n, v) in headers {
        if n.as_ref().eq_ignore_ascii_case(name.as_bytes()) {
            let value = v.as_ref().trim_ascii();
            match found {
                Some(previous) if previous != value => {
                    return Err(Error::malformed(
                        name,
                        "appears more than once with different values",
                    ));
                }
                _ => found = Some(value),
            }
        }
    }
    Ok(found)
}

fn required<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    headers: &'a [(N, V)],
    name: &str,
) -> Result<&'a [u8]> {
    find_header(headers, name)?.ok_or_else(|| Error::MissingHeader {
        header: name.to_owned(),
    })
}

pub(crate) fn parse_timestamp<'a>(header: &str, raw: &'a [u8]) -> Result<Timestamp<'a>> {
    if raw.is_empty() || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) {
        return Err(Error::malformed(
            header,
            "expected a Unix time in seconds (up to 19 decimal digits)",
        ));
    }
    let value = std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| Error::malformed(header, "the Unix time does not fit in 64 bits"))?;
    Ok(Timestamp { value, raw })
}

/// Reads the headers a profile needs. Cheap: no allocation beyond the list
/// of decoded signatures.
pub(crate) fn parse_request<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    profile: &'a Profile,
    headers: &'a [(N, V)],
) -> Result<ParsedRequest<'a>> {
    let mut signature_header = profile.signature_header.as_str();
    let mut timestamp_header = profile.timestamp_header.as_deref();
    let mut id_header = profile.id_header.as_ref().map(|h| h.name.as_str());
    let mut signature_value = find_header(headers, signature_header)?;
    if signature_value.is_none() {
        // Svix sends the same scheme under svix-* names.
        if let Some(aliases) = profile.aliases {
            if let Some(value) = find_header(headers, aliases.signature)? {
                signature_value = Some(value);
                signature_header = aliases.signature;
                timestamp_header = aliases.timestamp.or(timestamp_header);
                id_header = aliases.id.or(id_header);
            }
        }
    }
    let signature_value = signature_value.ok_or_else(|| Error::MissingHeader {
        header: signature_header.to_owned(),
    })?;

    let id = match (id_header, &profile.id_header) {
        (Some(name), Some(spec)) if spec.required => Some(required(headers, name)?),
        // An empty optional id is no id, not an id that is the empty string.
        (Some(name), Some(_)) => find_header(headers, name)?.filter(|id| !id.is_empty()),
        _ => None,
    };
    let mut timestamp = match timestamp_header {
        Some(name) => Some(parse_timestamp(name, required(headers, name)?)?),
        None => None,
    };

    let mut asymmetric = Vec::new();
    let signatures = match &profile.signature_format {
        SignatureFormat::Single {
            prefix,
            prefix_required,
        } => {
            let value = match prefix.as_deref() {
                Some(p) => match signature_value.strip_prefix(p.as_bytes()) {
                    Some(rest) => rest,
                    None if *prefix_required => {
                        return Err(Error::malformed(
                            signature_header,
                            format!("expected the signature to start with {p}"),
                        ));
                    }
                    None => signature_value,
                },
                None => signature_value,
            };
            let decoded = decode_signature(profile.encoding, value).ok_or_else(|| {
                Error::malformed(signature_header, describe_encoding(profile.encoding))
            })?;
            vec![decoded]
        }
        SignatureFormat::SpaceList {
            version,
            asymmetric: asymmetric_version,
        } => {
            let mut entries = signature_value
                .split(|b| b.is_ascii_whitespace())
                .filter(|e| !e.is_empty())
                .map(|entry| match entry.iter().position(|&b| b == b',') {
                    Some(comma) => (&entry[..comma], &entry[comma + 1..]),
                    None => (&b""[..], entry),
                });
            // Without Ed25519 support, `v1a` entries are just another version.
            let asymmetric_version = asymmetric_version.filter(|_| cfg!(feature = "ed25519"));
            let versions = Versions {
                version,
                encoding: profile.encoding,
                asymmetric: asymmetric_version.map(|label| (label, &mut asymmetric)),
            };
            collect_versioned(signature_header, &mut entries, versions)?
        }
        SignatureFormat::KeyValue { version } => {
            let mut t: Option<&[u8]> = None;
            let mut entries = Vec::new();
            for item in signature_value.split(|&b| b == b',') {
                let item = item.trim_ascii();
                let Some(eq) = item.iter().position(|&b| b == b'=') else {
                    if item.is_empty() {
                        continue;
                    }
                    return Err(Error::malformed(
                        signature_header,
                        "expected comma-separated key=value items",
                    ));
                };
                let (key, value) = (&item[..eq], &item[eq + 1..]);
                if key == b"t" {
                    if t.is_some_and(|previous| previous != value) {
                        return Err(Error::malformed(
                            signature_header,
                            "has more than one t= timestamp",
                        ));
                    }
                    t = Some(value);
                } else {
                    entries.push((key, value));
                }
            }
            let raw = t.ok_or_else(|| Error::malformed(signature_header, "has no t= timestamp"))?;
            timestamp = Some(parse_timestamp(signature_header, raw)?);
            let versions = Versions {
                version,
                encoding: profile.encoding,
                asymmetric: None,
            };
            collect_versioned(signature_header, &mut entries.into_iter(), versions)?
        }
    };
    Ok(ParsedRequest {
        signature_header,
        timestamp,
        id,
        signatures,
        asymmetric,
    })
}

/// Which entries of a signature list `collect_versioned` keeps.
struct Versions<'v> {
    /// The HMAC signatures' label (`v1`) and encoding.
    version: &'v str,
    encoding: Encoding,
    /// The Ed25519 entries' label (`v1a`) and where their signatures go.
    asymmetric: Option<(&'v str, &'v mut Vec<AsymmetricSignature>)>,
}

/// Keeps the signatures of the supported version. Entries of other versions
/// are ignored (they exist for other verifiers); a supported entry that does
/// not decode is skipped only when another one does. (`dyn`: one copy of
/// this code serves both list formats, which matters to the wasm build's size.)
fn collect_versioned<'a>(
    header: &str,
    entries: &mut dyn Iterator<Item = (&'a [u8], &'a [u8])>,
    versions: Versions<'_>,
) -> Result<Vec<Signature>> {
    let Versions {
        version,
        encoding,
        mut asymmetric,
    } = versions;
    let mut signatures = Vec::new();
    let mut asymmetric_undecodable = 0usize;
    let mut undecodable = 0usize;
    let mut unlabelled = 0usize;
    // Only a few labels are named in the error, so only a few are kept: the
    // duplicate check stays O(1) per entry however many labels an attacker sends.
    let mut other_versions: Vec<&str> = Vec::new();
    for (count, (entry_version, value)) in entries.enumerate() {
        if count == MAX_SIGNATURE_ENTRIES {
            const TOO_MANY: &str = "has more than 64 entries";
            const _: () = assert!(MAX_SIGNATURE_ENTRIES == 64, "TOO_MANY names the cap");
            return Err(Error::malformed(header, TOO_MANY));
        }
        if entry_version == version.as_bytes() {
            match decode_signature(encoding, value) {
                Some(signature) => signatures.push(signature),
                None => undecodable += 1,
            }
        } else if let Some((_, found)) = asymmetric
            .as_mut()
            .filter(|(label, _)| entry_version == label.as_bytes())
        {
            match decode_asymmetric(value) {
                Some(signature) => found.push(signature),
                None => asymmetric_undecodable += 1,
            }
        } else if entry_version.is_empty() {
            unlabelled += 1;
        } else {
            // Version labels are short tokens; anything else is not worth echoing.
            let label = match std::str::from_utf8(entry_version) {
                Ok(label)
                    if label.len() <= 8 && label.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    label
                }
                _ => "an unrecognised entry",
            };
            if other_versions.len() < NAMED_LABELS && !other_versions.contains(&label) {
                other_versions.push(label);
            }
        }
    }
    let asymmetric_found = asymmetric
        .as_ref()
        .is_some_and(|(_, found)| !found.is_empty());
    if !signatures.is_empty() || asymmetric_found {
        return Ok(signatures);
    }
    if let (Some((label, _)), true) = (&asymmetric, asymmetric_undecodable > 0) {
        return Err(Error::malformed(
            header,
            format!("its {label} signature is not the base64 of 64 bytes (an Ed25519 signature)"),
        ));
    }
    if undecodable > 0 {
        return Err(Error::malformed(
            header,
            format!(
                "its {version} signature is not {}",
                describe_encoding(encoding)
            ),
        ));
    }
    if unlabelled > 0 {
        // A bare token is a broken header, not a signature of another version.
        return Err(Error::malformed(
            header,
            "has an entry without a version label",
        ));
    }
    if other_versions.is_empty() {
        return Err(Error::malformed(header, "contains no signature"));
    }
    Err(Error::NoSupportedSignature {
        header: header.to_owned(),
        found: truncate(&other_versions.join(", "), 60),
    })
}

fn decode_asymmetric(value: &[u8]) -> Option<AsymmetricSignature> {
    decode_base64(value)
}

fn decode_signature(encoding: Encoding, value: &[u8]) -> Option<Signature> {
    match encoding {
        Encoding::Hex => {
            let mut out = [0u8; SIGNATURE_LEN];
            hex::decode_to_slice(value, &mut out).ok()?;
            Some(out)
        }
        Encoding::Base64 => decode_base64(value),
    }
}

/// Base64 of exactly `N` bytes as senders emit it, padding optional (even
/// partial, as the `base64` crate's lenient mode takes it), decoded by
/// `base64ct` (constant time, canonical trailing bits), which also refuses
/// anything longer before decoding it.
fn decode_base64<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    use base64ct::{Base64Unpadded, Encoding as _};
    // Counted from the end, which is short; a `=` before the padding is not
    // a symbol and fails the decoding.
    let padding = text.iter().rev().take_while(|&&b| b == b'=').count();
    let symbols = text.get(..text.len() - padding)?;
    if padding > 0 && (symbols.len() % 4 == 0 || symbols.len() % 4 + padding > 4) {
        return None;
    }
    let mut out = [0u8; N];
    let len = Base64Unpadded::decode(symbols, &mut out).ok()?.len();
    (len == N).then_some(out)
}

fn describe_encoding(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Hex => "64 hexadecimal digits (an HMAC-SHA256)",
        Encoding::Base64 => "the base64 of 32 bytes (an HMAC-SHA256)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// The lenient decoding is the `base64` crate's with padding optional.
        #[test]
        fn decodes_base64_like_the_base64_crate(text in "[AQgwB+/=*\n]{0,14}") {
            use base64::Engine;
            const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            let theirs = LENIENT.decode(text.as_bytes()).ok();
            let exactly = |n: usize| theirs.clone().filter(|bytes| bytes.len() == n);
            let text = text.as_bytes();
            prop_assert_eq!(decode_base64::<1>(text).map(|b| b.to_vec()), exactly(1));
            prop_assert_eq!(decode_base64::<2>(text).map(|b| b.to_vec()), exactly(2));
            prop_assert_eq!(decode_base64::<3>(text).map(|b| b.to_vec()), exactly(3));
            prop_assert_eq!(decode_base64::<4>(text).map(|b| b.to_vec()), exactly(4));
            prop_assert_eq!(decode_base64::<8>(text).map(|b| b.to_vec()), exactly(8));
            prop_assert_eq!(decode_base64::<10>(text).map(|b| b.to_vec()), exactly(10));
        }
    }

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
    fn window_is_symmetric_and_overflow_safe() {
        assert!(check_window(1000, 1300, 300).is_ok());
        assert!(check_window(1300, 1000, 300).is_ok());
        assert_eq!(
            check_window(999, 1300, 300).unwrap_err().code(),
            "timestamp_too_old"
        );
        assert_eq!(
            check_window(1301, 1000, 300).unwrap_err().code(),
            "timestamp_in_future"
        );
        assert_eq!(
            check_window(i64::MAX, i64::MIN, u64::MAX).map_err(|e| e.code()),
            Ok(())
        );
        assert_eq!(
            check_window(i64::MIN, i64::MAX, 0).unwrap_err().code(),
            "timestamp_too_old"
        );
    }

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(
            parse_timestamp("T", b"1700000000").unwrap().value,
            1_700_000_000
        );
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b"1e9",
            b"12345678901234567890",
            b"9999999999999999999",
            b"\xff",
        ] {
            assert_eq!(
                parse_timestamp("T", bad).unwrap_err().code(),
                "malformed_header"
            );
        }
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
