//! Secrets and the HMAC key state derived from them.

use crate::b64;
use crate::error::{Error, Result};
use crate::scheme::{KeyFormat, Profile};
use hmac::{Hmac, KeyInit};
use sha2::Sha256;
use zeroize::Zeroizing;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// A webhook secret: redacted in `Debug`, zeroized when dropped.
///
/// ```
/// let secret = hooksig::Secret::new("whsec_very-secret");
/// assert_eq!(format!("{secret:?}"), "Secret(***)");
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret string.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(Zeroizing::new(secret.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

const WHSEC_PREFIX: &str = "whsec_";

/// Turns a secret into key bytes as the scheme prescribes, rejecting what the
/// scheme does not allow. Messages say what is wrong, never what the secret is.
pub(crate) fn key_bytes(profile: &Profile, secret: &str) -> Result<Zeroizing<Vec<u8>>> {
    if secret.trim().is_empty() {
        return Err(Error::invalid_secret(if secret.is_empty() {
            "the secret is empty"
        } else {
            "the secret is only whitespace"
        }));
    }
    let key = match profile.key_format {
        KeyFormat::Utf8 => {
            if secret == WHSEC_PREFIX {
                return Err(Error::invalid_secret(
                    "the secret is only the whsec_ prefix",
                ));
            }
            Zeroizing::new(secret.as_bytes().to_vec())
        }
        KeyFormat::Base64 => {
            let encoded = secret.strip_prefix(WHSEC_PREFIX).unwrap_or(secret);
            decode_secret_base64(encoded.trim()).ok_or_else(|| {
                Error::invalid_secret(
                    "this scheme's secrets are base64 (after an optional whsec_ prefix) and this one does not decode",
                )
            })?
        }
    };
    if key.len() < profile.min_secret_len {
        return Err(Error::invalid_secret(format!(
            "the secret gives {} key bytes; this scheme requires at least {}",
            key.len(),
            profile.min_secret_len
        )));
    }
    Ok(key)
}

/// Decodes a base64 secret in constant time (`base64ct`: no table lookup or
/// branch depends on the secret's characters), padded or not, into memory
/// that is wiped on drop.
fn decode_secret_base64(encoded: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64ct::{Base64, Base64Unpadded, Encoding as _};
    let mut out = Zeroizing::new(vec![0u8; encoded.len() / 4 * 3 + 3]);
    let len = match encoded.ends_with('=') {
        true => Base64::decode(encoded, &mut out).ok()?.len(),
        false => Base64Unpadded::decode(encoded, &mut out).ok()?.len(),
    };
    out.truncate(len);
    Some(out)
}

pub(crate) fn keyed_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never fails.
    <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

pub(crate) fn prepared_key(profile: &Profile, secret: &str) -> Result<HmacSha256> {
    key_bytes(profile, secret).map(|key| keyed_mac(&key))
}

/// Key byte variants a sender (or the developer) may have used by mistake, for diagnose.
pub(crate) fn mistaken_keys(
    profile: &Profile,
    secret: &str,
) -> Vec<(Zeroizing<Vec<u8>>, &'static str)> {
    let mut variants: Vec<(Zeroizing<Vec<u8>>, &'static str)> = Vec::new();
    let bytes = |s: &str| Zeroizing::new(s.as_bytes().to_vec());
    let unprefixed = secret.strip_prefix(WHSEC_PREFIX);
    let trimmed = secret.trim();
    if trimmed != secret {
        let message = "the secret has leading or trailing whitespace (often a newline from an env file); strip it";
        variants.extend(key_bytes(profile, trimmed).ok().map(|k| (k, message)));
    }
    match profile.key_format {
        KeyFormat::Utf8 => {
            if let Some(rest) = unprefixed {
                variants.push((
                    bytes(rest),
                    "the sender signed with the secret without its whsec_ prefix; this scheme keeps the prefix as part of the key",
                ));
                if let Some(decoded) = b64::decode(rest.as_bytes(), false) {
                    variants.push((
                        Zeroizing::new(decoded),
                        "the sender base64-decoded the secret after whsec_ (Standard Webhooks style); this scheme uses the secret text as the key",
                    ));
                }
            } else {
                if let Some(decoded) = b64::decode(secret.as_bytes(), false) {
                    variants.push((
                        Zeroizing::new(decoded),
                        "the sender base64-decoded the secret; this scheme uses the secret text as the key",
                    ));
                }
                if let Ok(decoded) = hex::decode(secret) {
                    variants.push((
                        Zeroizing::new(decoded),
                        "the sender hex-decoded the secret; this scheme uses the secret text as the key",
                    ));
                }
            }
        }
        KeyFormat::Base64 => {
            variants.push((
                bytes(secret),
                "the sender used the secret text as the key; Standard Webhooks keys are the base64-decoded part after whsec_",
            ));
            if let Some(rest) = unprefixed {
                variants.push((
                    bytes(rest),
                    "the sender used the secret text after whsec_ as the key without base64-decoding it",
                ));
            }
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scheme;

    #[test]
    fn key_formats() {
        let standard = Scheme::Standard.profile();
        let key = key_bytes(&standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(key.len(), 24);
        assert_eq!(
            key_bytes(&standard, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            key
        );
        assert_eq!(
            key_bytes(&standard, "whsec_!!!").unwrap_err().code(),
            "invalid_secret"
        );
        assert_eq!(
            key_bytes(&standard, "whsec_c2hvcnQ=").unwrap_err().code(),
            "invalid_secret"
        );

        let bond = Scheme::Bond.profile();
        assert_eq!(&key_bytes(&bond, "whsec_abc").unwrap()[..], b"whsec_abc");
        assert_eq!(
            key_bytes(&bond, "whsec_").unwrap_err().code(),
            "invalid_secret"
        );
        assert_eq!(key_bytes(&bond, "").unwrap_err().code(), "invalid_secret");

        let tratta = Scheme::Tratta.profile();
        assert!(key_bytes(&tratta, "123412341234123").is_err());
        assert!(key_bytes(&tratta, "1234123412341234").is_ok());
    }

    #[test]
    fn errors_never_echo_the_secret() {
        let standard = Scheme::Standard.profile();
        let err = key_bytes(&standard, "whsec_top-secret-value!").unwrap_err();
        assert!(!err.to_string().contains("top-secret"));
    }
}
