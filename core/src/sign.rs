//! Signing: the full header set a sender attaches, for every scheme.

use crate::error::{Error, Result};
use crate::scheme::{Encoding, Profile, Scheme, SignatureFormat};
#[cfg(feature = "ed25519")]
use crate::secret::SIGNING_KEY_PREFIX;
use crate::secret::{HmacSha256, prepared_key};
use crate::verify::{ParsedRequest, Timestamp, unix_now};
use sha2::{Digest, Sha256};

/// Optional inputs of [`sign`]; everything left `None` is filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignOptions {
    /// Unix seconds to sign with (defaults to the system clock, for timestamped schemes).
    pub timestamp: Option<i64>,
    /// The message id, for schemes that send one (defaults to one derived from
    /// the timestamp and body for Standard Webhooks and Tratta, which always send one).
    pub webhook_id: Option<String>,
    /// The event type, for schemes that carry it in a header (Tratta, GitHub, Shopify).
    pub event_type: Option<String>,
}

/// Signs `body` as a sender of `scheme` would, returning the headers to attach.
///
/// ```
/// use hooksig::{Scheme, SignOptions, sign};
/// let options = SignOptions { timestamp: Some(1_700_000_000), ..Default::default() };
/// let headers = sign(&Scheme::Stripe, "whsec_test", b"{}", &options).unwrap();
/// assert_eq!(headers[0].0, "Stripe-Signature");
/// assert!(headers[0].1.starts_with("t=1700000000,v1="));
/// ```
pub fn sign<S: AsRef<str>>(
    scheme: &Scheme,
    secret: S,
    body: &[u8],
    options: &SignOptions,
) -> Result<Vec<(String, String)>> {
    let profile = scheme.profile();
    let signing_key = SigningKey::read(&profile, secret.as_ref())?;

    let timestamp = profile
        .has_timestamp()
        .then(|| options.timestamp.unwrap_or_else(unix_now));
    if timestamp.is_some_and(|t| t < 0) {
        // Receivers (hooksig included) only accept Unix seconds as plain digits.
        let header = profile
            .timestamp_header
            .as_deref()
            .unwrap_or(&profile.signature_header);
        return Err(Error::MalformedHeader {
            header: header.to_owned(),
            reason: "cannot sign a timestamp before 1970".into(),
        });
    }
    for (value, header) in [
        (
            &options.webhook_id,
            profile.id_header.as_ref().map(|h| h.name.as_str()),
        ),
        (&options.event_type, scheme.event_header()),
    ] {
        if let (Some(value), Some(header)) = (value, header) {
            check_header_value(header, value)?;
        }
    }
    let timestamp_text = timestamp.map(|t| t.to_string());
    let id = match (&options.webhook_id, &profile.id_header) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(header)) if header.required || matches!(scheme, Scheme::Tratta) => {
            Some(derived_id(timestamp_text.as_deref().unwrap_or(""), body))
        }
        _ => None,
    };
    let request = ParsedRequest {
        signature_header: &profile.signature_header,
        timestamp: timestamp
            .zip(timestamp_text.as_deref())
            .map(|(value, raw)| Timestamp {
                value,
                raw: raw.as_bytes(),
            }),
        id: id.as_deref().map(str::as_bytes),
        signatures: Vec::new(),
        asymmetric: Vec::new(),
    };
    let (version, encoded) = match signing_key {
        SigningKey::Hmac(key) => {
            let mac = request.mac(&profile, key, body);
            let encoded = match profile.encoding {
                Encoding::Hex => hex::encode(mac),
                Encoding::Base64 => <base64ct::Base64 as base64ct::Encoding>::encode_string(&mac),
            };
            (None, encoded)
        }
        #[cfg(feature = "ed25519")]
        SigningKey::Ed25519(key, label) => {
            let mut message = Vec::new();
            request.message_parts(&profile, body, &mut |part| message.extend_from_slice(part));
            (
                Some(label),
                <base64ct::Base64 as base64ct::Encoding>::encode_string(&crate::ed25519::sign(
                    &key, &message,
                )),
            )
        }
    };
    let ts = timestamp_text.unwrap_or_default();
    let signature_value = match &profile.signature_format {
        // An optional prefix (Tratta's `sha256=`) is accepted but not sent, as the provider does.
        SignatureFormat::Single {
            prefix: Some(prefix),
            prefix_required: true,
        } => format!("{prefix}{encoded}"),
        SignatureFormat::Single { .. } => encoded,
        SignatureFormat::SpaceList { version: v1, .. } => {
            format!("{},{encoded}", version.unwrap_or(v1))
        }
        SignatureFormat::KeyValue { version } => format!("t={ts},{version}={encoded}"),
    };

    let mut headers = Vec::with_capacity(4);
    if let (Some(name), Some(id)) = (&profile.id_header, &id) {
        headers.push((name.name.clone(), id.clone()));
    }
    if let Some(name) = &profile.timestamp_header {
        headers.push((name.clone(), ts));
    }
    headers.push((profile.signature_header.clone(), signature_value));
    if let (Some(name), Some(event)) = (scheme.event_header(), &options.event_type) {
        headers.push((name.to_owned(), event.clone()));
    }
    Ok(headers)
}

/// What `sign` signs with: an HMAC key, or (Standard Webhooks' `v1a`) an
/// Ed25519 signing key and the label its entries carry.
enum SigningKey {
    Hmac(HmacSha256),
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::SigningKey, &'static str),
}

impl SigningKey {
    fn read(profile: &Profile, secret: &str) -> Result<SigningKey> {
        #[cfg(feature = "ed25519")]
        if let (Some(label), Some(encoded)) = (
            profile.asymmetric_version(),
            secret.trim_ascii().strip_prefix(SIGNING_KEY_PREFIX),
        ) {
            return crate::ed25519::signing_key(encoded).map(|key| SigningKey::Ed25519(key, label));
        }
        prepared_key(profile, secret).map(SigningKey::Hmac)
    }
}

/// Refuses a header value that would not arrive as given: receivers trim
/// surrounding whitespace (so a signed id with a trailing space never
/// verifies), and a line break or other control character would end the
/// header early or be refused on the way.
fn check_header_value(header: &str, value: &str) -> Result<()> {
    if value.trim_ascii() != value || value.bytes().any(|b| b.is_ascii_control()) {
        return Err(Error::malformed(
            header,
            "has surrounding whitespace or a control character",
        ));
    }
    Ok(())
}

/// A stable id for senders that did not choose one: `msg_` and 24 hex digits of
/// SHA-256(timestamp, body) — unkeyed, so it reveals nothing about the secret.
fn derived_id(timestamp: &str, body: &[u8]) -> String {
    let digest = Sha256::new()
        .chain_update(timestamp)
        .chain_update(b".")
        .chain_update(body)
        .finalize();
    format!("msg_{}", hex::encode(&digest[..12]))
}
