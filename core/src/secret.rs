//! Secrets and the HMAC key state derived from them.

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
    if secret.trim_ascii().is_empty() {
        return Err(Error::invalid_secret(
            "the secret is empty or only whitespace",
        ));
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
            decode_secret_base64(encoded.trim_ascii()).ok_or_else(|| {
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
    refuse_asymmetric_key(profile, secret, false)?;
    key_bytes(profile, secret).map(|key| keyed_mac(&key))
}

/// A fresh HMAC secret from the operating system's random source:
/// `whsec_` and the base64 of 32 bytes, which every scheme accepts (Standard
/// Webhooks decodes it; the others use the text as the key).
///
/// ```
/// let secret = hooksig::generate_secret().unwrap();
/// assert!(secret.starts_with("whsec_") && secret.len() == 6 + 44);
/// ```
pub fn generate_secret() -> Result<String> {
    use base64ct::{Base64, Encoding as _};
    let bytes = random_key_bytes()?;
    Ok(format!(
        "{WHSEC_PREFIX}{}",
        Base64::encode_string(&bytes[..])
    ))
}

#[cfg(feature = "ed25519")]
/// A fresh key pair from the operating system's random source: the `whsk_`
/// signing key (32-byte seed form) and its `whpk_` public key.
///
/// ```
/// let (signing, public) = hooksig::generate_ed25519_keys().unwrap();
/// assert!(signing.starts_with("whsk_") && public.starts_with("whpk_"));
/// ```
pub fn generate_ed25519_keys() -> Result<(String, String)> {
    use base64ct::{Base64, Encoding as _};
    let seed = random_key_bytes()?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    Ok((
        format!("{SIGNING_KEY_PREFIX}{}", Base64::encode_string(&seed[..])),
        format!(
            "{PUBLIC_KEY_PREFIX}{}",
            Base64::encode_string(key.verifying_key().as_bytes())
        ),
    ))
}

/// 32 bytes of key material from the operating system's random source, wiped on drop.
pub(crate) fn random_key_bytes() -> Result<Zeroizing<[u8; 32]>> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut bytes[..]).map_err(|err| {
        Error::invalid_secret(format!("the system's random source failed: {err}"))
    })?;
    Ok(bytes)
}

pub(crate) const PUBLIC_KEY_PREFIX: &str = "whpk_";
pub(crate) const SIGNING_KEY_PREFIX: &str = "whsk_";

/// What a verifier checks signatures with: an HMAC key, or (Standard
/// Webhooks' `v1a`) an Ed25519 public key.
#[derive(Clone)]
pub(crate) enum VerifyKey {
    Hmac(HmacSha256),
    #[cfg(feature = "ed25519")]
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Reads one of a verifier's secrets: a `whpk_` public key where the scheme
/// has asymmetric signatures, else an HMAC secret.
pub(crate) fn verify_key(profile: &Profile, secret: &str) -> Result<VerifyKey> {
    #[cfg(feature = "ed25519")]
    if let (Some(_), Some(encoded)) = (
        profile.asymmetric_version(),
        secret.trim_ascii().strip_prefix(PUBLIC_KEY_PREFIX),
    ) {
        return crate::ed25519::verifying_key(encoded).map(VerifyKey::Ed25519);
    }
    refuse_asymmetric_key(profile, secret, true)?;
    key_bytes(profile, secret).map(|key| VerifyKey::Hmac(keyed_mac(&key)))
}

/// Refuses Ed25519 keys where an HMAC secret belongs, naming the mix-up
/// (`for_verifier`: a verifier's secret, else a signing secret).
fn refuse_asymmetric_key(profile: &Profile, secret: &str, for_verifier: bool) -> Result<()> {
    let secret = secret.trim_ascii();
    let signing = secret.starts_with(SIGNING_KEY_PREFIX);
    if !signing && !secret.starts_with(PUBLIC_KEY_PREFIX) {
        return Ok(());
    }
    #[cfg(not(feature = "ed25519"))]
    {
        let _ = (profile, for_verifier);
        Err(Error::invalid_secret(
            "Ed25519 (v1a) keys, whsk_ and whpk_, are left out of this build",
        ))
    }
    #[cfg(feature = "ed25519")]
    match (
        profile.asymmetric_version().is_some(),
        signing,
        for_verifier,
    ) {
        (true, true, false) => Ok(()),
        (true, true, true) => Err(Error::invalid_secret(
            "this is a whsk_ signing key, which stays with the sender; a verifier takes the whpk_ \
             public key of the pair (`hooksig keygen` prints both)",
        )),
        (true, false, _) => Err(Error::invalid_secret(
            "this is a whpk_ public key: it verifies v1a signatures but cannot make them; sign \
             with the whsk_ signing key of the pair",
        )),
        (false, ..) => Err(Error::invalid_secret(
            "whsk_ and whpk_ keys are Standard Webhooks' Ed25519 (v1a) keys; this scheme signs \
             with a shared HMAC secret",
        )),
    }
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
                if let Some(decoded) = decode_secret_base64(rest) {
                    variants.push((
                        decoded,
                        "the sender base64-decoded the secret after whsec_ (Standard Webhooks style); this scheme uses the secret text as the key",
                    ));
                }
            } else {
                if let Some(decoded) = decode_secret_base64(secret) {
                    variants.push((
                        decoded,
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

#[cfg(test)]
mod wiping {
    /// Key state lives in HMAC's inner and outer SHA-256 states, whose cores
    /// wipe themselves on drop (`sha2`'s `zeroize` feature, on in the
    /// workspace), so every clone a verify makes is wiped when dropped; key
    /// bytes are `Zeroizing`. This fails to compile if `sha2` stops wiping.
    #[test]
    fn key_state_is_wiped_on_drop() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<sha2::Sha256>();
    }
}
