//! Standard Webhooks' asymmetric scheme, `v1a`: Ed25519 (RFC 8032, pure)
//! over the same `id.timestamp.body` bytes as `v1`, with verify keys written
//! `whpk_<base64 32-byte public key>` and signing keys `whsk_<base64>` of the
//! 32-byte seed or the 64-byte seed ‖ public key (both are in the wild: Svix's
//! server writes 64 bytes, the spec's Go and Python drafts 32).
//!
//! Verification is strict (`verify_strict`): small-order keys and
//! non-canonical signatures are refused, so one signature verifies for one
//! key and message only.

use crate::error::{Error, Result};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

/// Bytes of an Ed25519 signature.
pub(crate) const SIGNATURE_LEN: usize = 64;

/// Reads a `whpk_` public key (the prefix already removed).
pub(crate) fn verifying_key(encoded: &str) -> Result<VerifyingKey> {
    let expected = "whpk_ followed by the base64 of a 32-byte Ed25519 public key";
    let bytes = decode::<32>(encoded)
        .ok_or_else(|| Error::invalid_secret(format!("this public key is not {expected}")))?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| {
        Error::invalid_secret(format!(
            "this public key is not a point of the curve; expected {expected}"
        ))
    })?;
    if key.is_weak() {
        return Err(Error::invalid_secret(
            "this public key has small order: any message would verify against it",
        ));
    }
    Ok(key)
}

/// Reads a `whsk_` signing key (the prefix already removed): a 32-byte seed,
/// or a 64-byte seed ‖ public key whose public half must belong to the seed.
pub(crate) fn signing_key(encoded: &str) -> Result<SigningKey> {
    let invalid = || {
        Error::invalid_secret(
            "this signing key is not whsk_ followed by the base64 of a 32-byte Ed25519 seed \
             or of 64 bytes (seed and public key)",
        )
    };
    if let Some(seed) = decode::<32>(encoded) {
        return Ok(SigningKey::from_bytes(&seed));
    }
    let pair = decode::<64>(encoded).ok_or_else(invalid)?;
    let (seed, public) = pair.split_at(32);
    let seed: &[u8; 32] = seed.try_into().map_err(|_| invalid())?;
    let key = SigningKey::from_bytes(seed);
    if key.verifying_key().as_bytes()[..] != *public {
        return Err(Error::invalid_secret(
            "the second half of this 64-byte whsk_ key is not the public key of its first half \
             (a truncated or mixed-up key)",
        ));
    }
    Ok(key)
}

/// Base64 (padded or not) of exactly `N` bytes, decoded in constant time.
fn decode<const N: usize>(encoded: &str) -> Option<Zeroizing<[u8; N]>> {
    use base64ct::{Base64, Base64Unpadded, Encoding as _};
    let encoded = encoded.trim_ascii();
    let mut out = Zeroizing::new([0u8; N]);
    let len = match encoded.ends_with('=') {
        true => Base64::decode(encoded, &mut out[..]).ok()?.len(),
        false => Base64Unpadded::decode(encoded, &mut out[..]).ok()?.len(),
    };
    (len == N).then_some(out)
}

/// True when `signature` is a valid strict Ed25519 signature of `message` by `key`.
pub(crate) fn verifies(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> bool {
    key.verify_strict(message, &Signature::from_bytes(signature))
        .is_ok()
}

/// The Ed25519 signature of `message`.
pub(crate) fn sign(key: &SigningKey, message: &[u8]) -> [u8; SIGNATURE_LEN] {
    key.sign(message).to_bytes()
}

#[cfg(test)]
mod tests {
    use crate::{Scheme, SignOptions, Verifier, generate_ed25519_keys, sign};

    const NOW: i64 = 1_700_000_000;

    fn signed(signing: &str) -> Vec<(String, String)> {
        let options = SignOptions {
            timestamp: Some(NOW),
            webhook_id: Some("msg_1".into()),
            event_type: None,
        };
        sign(&Scheme::Standard, signing, b"{}", &options).unwrap()
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        let (signing, public) = generate_ed25519_keys().unwrap();
        let headers = signed(&signing);
        assert!(headers[2].1.starts_with("v1a,"));
        let verifier = Verifier::new(Scheme::Standard, &[public]).unwrap();
        let verified = verifier.verify_at(&headers, b"{}", NOW).unwrap();
        assert!(verified.id_signed);
        assert_ne!(generate_ed25519_keys().unwrap().0, signing);
    }

    #[test]
    fn keys_of_the_wrong_kind_name_the_mix_up() {
        let (signing, public) = generate_ed25519_keys().unwrap();
        for (scheme, key) in [(Scheme::Github, &public), (Scheme::Stripe, &signing)] {
            let err = Verifier::new(scheme, &[key]).unwrap_err();
            assert!(err.to_string().contains("Ed25519"), "{err}");
        }
        let err = sign(&Scheme::Github, &signing, b"{}", &SignOptions::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_secret");
        let err = sign(&Scheme::Standard, &public, b"{}", &SignOptions::default()).unwrap_err();
        assert!(err.to_string().contains("whsk_"), "{err}");
        let err = Verifier::new(Scheme::Standard, &[&signing]).unwrap_err();
        assert!(err.to_string().contains("whpk_"), "{err}");
        // Messages never carry the key itself.
        assert!(!err.to_string().contains(&signing[5..]));
    }

    #[test]
    fn diagnose_names_a_verifier_without_the_right_kind_of_key() {
        let (signing, public) = generate_ed25519_keys().unwrap();
        let hmac = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let only_v1a = signed(&signing);
        let verifier = Verifier::new(Scheme::Standard, &[hmac]).unwrap();
        let text = verifier.diagnose_at(&only_v1a, b"{}", NOW).unwrap();
        assert!(text.contains("whpk_ public key"), "{text}");
        let only_v1 = signed(hmac);
        let verifier = Verifier::new(Scheme::Standard, &[public]).unwrap();
        let text = verifier.diagnose_at(&only_v1, b"{}", NOW).unwrap();
        assert!(text.contains("whsec_ secret"), "{text}");
    }
}
